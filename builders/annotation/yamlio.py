"""Safe YAML for human-written annotation files, with a line number for every value.

PyYAML's safe loader is used with three refusals a contributor's file needs: anchors and
aliases (a billion-laughs file would expand exponentially), tags that name Python objects
or anything beyond plain YAML types, and duplicate mapping keys (silently overwritten by
PyYAML otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from yaml.constructor import SafeConstructor

# libyaml's C parser and composer when present (several times faster), PyYAML's otherwise. Both
# compose an alias as the very node of its anchor, so nothing is expanded while composing.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTORS = SafeConstructor.yaml_constructors
_SCALARS = SafeConstructor()

Path_ = tuple[Any, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_MERGE = "tag:yaml.org,2002:merge"
# dates stay strings, exactly as written; so do a bare `<<` or `=` as a value (YAML 1.1 gives them tags)
_AS_WRITTEN = {"tag:yaml.org,2002:timestamp", _MERGE, "tag:yaml.org,2002:value"}
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")  # the only integer form accepted: no 0x, 0o, 010, 7_7, 1:17, +1
MAX_DEPTH = 64  # nested lists and mappings; an annotation file needs fewer than ten


class YamlProblem(Exception):
    """A YAML file that cannot be accepted; carries a 1-based line."""

    def __init__(self, code: str, message: str, line: int | None, hint: str):
        super().__init__(message)
        self.code, self.message, self.line, self.hint = code, message, line, hint


@dataclass
class Parsed:
    """A parsed YAML document, and its node tree to find the line on which a value starts.

    Lines are looked up only for findings, so they are read from the nodes on demand rather
    than recorded for every value of every file.
    """

    data: Any
    root: yaml.Node | None = None
    has_floats: bool = False  # any float value (JSON Schema would count 1.0 as an integer)

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path`` (a mapping value: its key's line), or of its deepest existing ancestor."""
        node = self.root
        if node is None:
            return 1
        line = node.start_mark.line + 1
        for step in path:
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == step), None)
                if pair is None:
                    break
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                break
        return line


def parse_yaml(text: str) -> Parsed:
    """Parse one YAML document; raise YamlProblem with a line for anything refused."""
    if "\t" in text:
        for number, row in enumerate(text.split("\n"), 1):
            indent = row[: len(row) - len(row.lstrip(" \t"))]
            if "\t" in indent:
                raise YamlProblem(
                    "yaml-tab",
                    "a tab character is used for indentation",
                    number,
                    "YAML indents with spaces only; replace the tab with spaces",
                )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except RecursionError:
        raise YamlProblem(
            "yaml-depth", f"the YAML nests lists or mappings more than {MAX_DEPTH} levels deep", _deepest_line(text),
            "an annotation file needs only a few levels; close the brackets or fix the indentation",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(
            "yaml-syntax",
            f"YAML syntax error: {exc.problem or exc.context}",
            min(mark.line + 1, max(1, text.count("\n") + (not text.endswith("\n")))) if mark else None,  # at the end: the last line
            "check indentation, colons and quotes on this line and the one before it",
        ) from None
    except yaml.reader.ReaderError as exc:  # a control character; the reader scans in order, so its first one
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        at = text.find(char)
        raise YamlProblem(
            "yaml-syntax",
            f"YAML error: the character U+{ord(char[:1] or ' '):04X} is not allowed ({exc.reason})",
            text[:at].count("\n") + 1 if at >= 0 else None,
            "remove the control character (often pasted from a PDF or a word processor)",
        ) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise YamlProblem("yaml-syntax", f"YAML error: {exc}", None, "fix the YAML syntax") from None
    finally:
        loader.dispose()
    if node is None:
        return Parsed(None)
    tags: set[str] = set()
    try:
        data = _to_python(node, set(), tags, 0)
    except RecursionError:  # deeper than the limit could not be reached by _to_python's own count
        raise YamlProblem("yaml-depth", f"the YAML nests lists or mappings more than {MAX_DEPTH} levels deep",
                          None, "an annotation file needs only a few levels") from None
    return Parsed(data, node, "tag:yaml.org,2002:float" in tags)


def _deepest_line(text: str) -> int | None:
    """Where the nesting first goes past MAX_DEPTH, from parser events (no recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


def _to_python(node: yaml.Node, seen: set[int], tags: set[str], depth: int) -> Any:
    tags.add(node.tag)
    if depth > MAX_DEPTH:
        raise YamlProblem(
            "yaml-depth", f"the YAML nests lists or mappings more than {MAX_DEPTH} levels deep", node.start_mark.line + 1,
            "an annotation file needs only a few levels; close the brackets or fix the indentation",
        )
    if id(node) in seen:  # an alias: the composer handed back its anchor's node
        raise YamlProblem(
            "yaml-alias",
            f"the value anchored on line {node.start_mark.line + 1} is reused through an alias (*name)",
            node.start_mark.line + 1,
            "write the value out in full; anchors and aliases make files hard to review and can expand without bound",
        )
    seen.add(id(node))
    if node.tag in _AS_WRITTEN and isinstance(node, yaml.ScalarNode):
        return node.value
    if node.tag not in _PLAIN_TAGS:
        raise YamlProblem(
            "yaml-tag",
            f"the YAML tag {node.tag!r} is not allowed",
            node.start_mark.line + 1,
            "remove the '!' tag: annotation files hold plain strings, numbers, lists and mappings",
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(
                    "yaml-key", "a mapping key must be a plain word", key_node.start_mark.line + 1,
                    "use a plain key such as 'text:'",
                )
            if key_node.tag == _MERGE:
                raise YamlProblem(
                    "yaml-merge", "a merge key ('<<') copies another mapping into this one", key_node.start_mark.line + 1,
                    "write every field out in full; merge keys make files hard to review",
                )
            if key_node.tag != "tag:yaml.org,2002:str" and key_node.tag not in _PLAIN_TAGS:
                raise YamlProblem(
                    "yaml-tag", f"the YAML tag {key_node.tag!r} on a key is not allowed", key_node.start_mark.line + 1,
                    "remove the '!' tag: a key is a plain field name such as 'text:'",
                )
            key = _scalar(key_node)
            if not isinstance(key, str):  # `on:` is a bool and `1:` an int in YAML; a key names a field
                raise YamlProblem(
                    "yaml-key", f"the key {key_node.value!r} is read as a {type(key).__name__}, not a field name",
                    key_node.start_mark.line + 1, "use a field name such as 'text:', or quote the key",
                )
            if key in out:
                raise YamlProblem(
                    "yaml-duplicate-key",
                    f"the key {key!r} appears twice in the same mapping",
                    key_node.start_mark.line + 1,
                    f"keep one '{key}:' (the first is on line {key_lines[key]})",
                )
            key_lines[key] = key_node.start_mark.line + 1
            out[key] = _to_python(value_node, seen, tags, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, seen, tags, depth + 1) for item in node.value]
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    if node.tag == "tag:yaml.org,2002:int" and not _DECIMAL.match(node.value):
        raise YamlProblem(
            "yaml-number", f"the number {node.value[:40]!r} is not written as a plain decimal integer", node.start_mark.line + 1,
            "write numbers as plain decimal digits, such as 77 (YAML 1.1 reads 0x4D, 7_7, 1:17 and 010 as other numbers)",
        )
    if node.tag not in _PLAIN_TAGS or node.tag not in _CONSTRUCTORS:
        raise YamlProblem("yaml-tag", f"the YAML tag {node.tag!r} is not allowed", node.start_mark.line + 1,
                          "remove the '!' tag: annotation files hold plain strings, numbers, lists and mappings")
    try:
        return _CONSTRUCTORS[node.tag](_SCALARS, node)
    except (yaml.YAMLError, ValueError) as exc:
        raise YamlProblem(
            "yaml-value", f"cannot read this value: {exc}", node.start_mark.line + 1,
            "quote the value to make it a string",
        ) from None
