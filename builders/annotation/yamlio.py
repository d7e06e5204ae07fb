"""Safe YAML for human-written annotation files, with a line number for every value.

PyYAML's safe loader is used with three refusals a contributor's file needs: anchors and
aliases (a billion-laughs file would expand exponentially), tags that name Python objects
or anything beyond plain YAML types, and duplicate mapping keys (silently overwritten by
PyYAML otherwise).

Two paths read a file. The fast one takes libyaml's parser events (C) straight to Python
values, with no node tree and no Python resolver call per scalar; it accepts only what the
careful path would accept with the same values (no anchor, alias or tag, string keys once
each, plain scalars that are strings, null, booleans, decimal integers or dates kept as
written, nesting below the limit). On anything else it steps aside, and the careful path
(the node tree, checked node by node) reads the file again and makes the finding, with its
line. The node tree of an accepted file is composed only when a finding asks for a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent)
from yaml.resolver import Resolver

# libyaml's C parser and composer when present (several times faster), PyYAML's otherwise. Both
# compose an alias as the very node of its anchor, so nothing is expanded while composing.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CParser = getattr(yaml, "CParser", None) or getattr(getattr(yaml, "cyaml", None), "CParser", None)  # the fast path's
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
    than recorded for every value of every file; a file read by the fast path has its tree
    composed on the first lookup (``text`` is kept for that).
    """

    data: Any
    root: yaml.Node | None = None
    has_floats: bool = False  # any float value (JSON Schema would count 1.0 as an integer)
    text: str | None = field(default=None, repr=False)

    def tree(self) -> yaml.Node | None:
        """The node tree, composed now if the fast path did without it."""
        if self.root is None and self.text is not None:
            self.root, self.text = _compose(self.text), None
        return self.root

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path`` (a mapping value: its key's line), or of its deepest existing ancestor."""
        node = self.tree()
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
    data = _fast(text)
    if data is not SLOW:
        return Parsed(data, text=text)
    return _careful(text)


def _careful(text: str) -> Parsed:
    """The node tree, checked node by node: every refusal, with its line."""
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


def _compose(text: str) -> yaml.Node | None:
    """The node tree of a file the fast path accepted (so it composes without error)."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


# --- the fast path: parser events -> values ---------------------------------------------------------

SLOW = object()  # _fast's answer when the careful path must read the file
_IMPLICIT = Resolver.yaml_implicit_resolvers  # first character -> [(tag, regexp)]: the safe loader's own table
_WILDCARD = tuple(_IMPLICIT.get(None, ()))
_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}  # SafeConstructor's
_KEPT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"}  # _AS_WRITTEN
_plain_memo: dict[str, tuple[Any, bool]] = {}  # field names and labels recur in every file


class _Slow(Exception):
    """Something only the careful path may judge."""


def _fast(text: str) -> Any:
    """The file's value from libyaml's events, or SLOW when the careful path must read it."""
    if _CParser is None:  # PyYAML without libyaml
        return SLOW
    parser = _CParser(text)
    try:
        get = parser.get_event
        if type(get()) is not StreamStartEvent or type(get()) is not DocumentStartEvent:
            raise _Slow  # an empty file, or a stream that does not start with a document
        data = _value(get(), get, 0)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise _Slow  # a second document
        return data
    except (_Slow, yaml.YAMLError, ValueError):
        return SLOW
    finally:
        parser.dispose()


def _plain(value: str) -> tuple[Any, bool]:
    """A plain scalar whose first character can start a non-string (the safe loader's table):
    (its value, whether it is a string); _Slow for what the careful path must judge."""
    known = _plain_memo.get(value)
    if known is not None:
        return known
    for tag, regexp in (*_IMPLICIT.get(value[:1], ()), *_WILDCARD):
        if regexp.match(value):
            break
    else:
        tag = "tag:yaml.org,2002:str"
    if tag == "tag:yaml.org,2002:str":
        out: tuple[Any, bool] = (value, True)
    elif tag == "tag:yaml.org,2002:null":
        out = (None, False)
    elif tag == "tag:yaml.org,2002:bool":
        out = (_BOOLS[value.lower()], False)
    elif tag == "tag:yaml.org,2002:int" and _DECIMAL.match(value):
        out = (int(value), False)
    elif tag in _KEPT:
        out = (value, False)
    else:  # floats, integers in other forms: refused or flagged by the careful path
        raise _Slow
    if len(value) <= 40:
        if len(_plain_memo) >= 4096:
            _plain_memo.clear()
        _plain_memo[value] = out
    return out


def _value(event: Any, get: Any, depth: int) -> Any:
    if event.anchor is not None or event.tag is not None:
        raise _Slow
    kind = type(event)
    if kind is ScalarEvent:
        value = event.value
        return _plain(value)[0] if event.implicit[0] and value[:1] in _IMPLICIT else value
    if depth >= MAX_DEPTH:
        raise _Slow
    if kind is MappingStartEvent:
        return _mapping(get, depth + 1)
    if kind is SequenceStartEvent:
        return _sequence(get, depth + 1)
    raise _Slow  # an alias


def _mapping(get: Any, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    while True:
        event = get()
        kind = type(event)
        if kind is MappingEndEvent:
            return out
        if kind is not ScalarEvent or event.anchor is not None or event.tag is not None:
            raise _Slow  # a list, mapping, alias or tagged value as a key
        key = event.value
        if event.implicit[0] and key[:1] in _IMPLICIT and not _plain(key)[1]:
            raise _Slow  # `on:`, `1:`, `<<:` ...: not a field name
        if key in out:
            raise _Slow
        event = get()
        if type(event) is ScalarEvent and event.anchor is None and event.tag is None:
            value = event.value
            out[key] = _plain(value)[0] if event.implicit[0] and value[:1] in _IMPLICIT else value
        else:
            out[key] = _value(event, get, depth)


def _sequence(get: Any, depth: int) -> list[Any]:
    out: list[Any] = []
    while True:
        event = get()
        kind = type(event)
        if kind is SequenceEndEvent:
            return out
        if kind is ScalarEvent and event.anchor is None and event.tag is None:
            value = event.value
            out.append(_plain(value)[0] if event.implicit[0] and value[:1] in _IMPLICIT else value)
        else:
            out.append(_value(event, get, depth))
