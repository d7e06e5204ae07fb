"""Apply what changed between two models to the annotation file, and nothing else.

The parts of the file that change (a section, or the document for the author's entity) are read
in ruamel.yaml's round-trip mode, which keeps comments, key order, flow or block style and
quoting of every node it is not asked to change; an item (or a mention, an argument, a link)
that did not change keeps its node as written, comments included, and so do the comments
between removed items (comments.py). Changed fields are set in place, removed items deleted,
new items appended with spans written by :func:`quotes.quote_ref`, in the order of the model.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

from builders.inception import comments
from builders.inception.model import SPAN_KEYS, Arg, Doc, Entity, Event, Link, Stance, Time, same, span_of
from builders.inception.quotes import quote_ref


def yaml():
    """A ruamel.yaml round-trip instance laid out as the corpus files are (a no-op load/dump is byte-identical)."""
    from ruamel.yaml import YAML

    y = YAML()
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096
    y.preserve_quotes = True
    y.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def load(text: str):
    return yaml().load(text)


def dump(root) -> str:
    out = io.StringIO()
    yaml().dump(root, out)
    return out.getvalue()


def _flow(mapping: dict[str, Any]):
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap(mapping)
    node.fa.set_flow_style()
    return node


def _flow_list(items: list[Any]):
    from ruamel.yaml.comments import CommentedSeq

    node = CommentedSeq(items)
    node.fa.set_flow_style()
    return node


def _ref(text: str, span: tuple[int, int], extra: dict[str, Any] | None = None):
    ref = quote_ref(text, *span)
    if not extra:
        return ref if isinstance(ref, str) else _flow(ref)
    return _flow({**({"text": ref} if isinstance(ref, str) else ref), **extra})


def _set(node, key: str, value: Any, required: bool = False, after: str | None = None) -> None:
    """Set a field; an optional field that becomes empty is removed rather than written as null."""
    if value is None and not required and key in node and node[key] is not None:
        comments.delete(node, key)
    elif value is None and not required:
        return
    elif key in node:
        node[key] = value
    elif after is not None and after in node:
        node.insert(list(node).index(after) + 1, key, value)
    else:
        node[key] = value


def _origin(node, origin: str) -> None:
    _set(node, "origin", None if origin == "human" else origin)


class Merger:
    def __init__(self, text: str, root, old: Doc, new: Doc):
        self.text, self.root, self.old, self.new = text, root, old, new
        self.changes: list[str] = []

    def run(self, only: set[str] | None = None) -> list[str]:
        """Apply the changes to the parts of the file named in ``only`` (all by default)."""
        if "document" in (only or {"document"}) and self.old.author != self.new.author \
                and self.root["document"].get("author") is not None:
            self.root["document"]["author"]["entity"] = self.new.author
            self.changes.append(f"changed the author's entity to {self.new.author}")
        for name, patch, make in (("entities", self.patch_entity, self.new_entity), ("times", self.patch_time, self.new_time),
                                  ("events", self.patch_event, self.new_event), ("stances", self.patch_stance, self.new_stance)):
            if only is None or name in only:
                self.section(name, getattr(self.old, name), getattr(self.new, name), patch, make)
        return self.changes

    def section(self, name: str, old: dict, new: dict, patch, make) -> None:
        from ruamel.yaml.comments import CommentedSeq

        seq = self.root.get(name)
        if seq is None:
            if not new:
                return
            seq = CommentedSeq()
            keys = list(self.root)
            at = keys.index("events") if name == "times" and "events" in keys else len(keys)
            self.root.insert(at, name, seq)
        kept = [seq[i]["id"] in new for i in range(len(seq))]
        if not all(kept):
            self.changes += [f"removed {name} {seq[i]['id']}" for i in range(len(seq)) if not kept[i]]
            comments.keep_between(self.root, name, kept)
            seq = self.root[name]  # a new, empty one when nothing was kept
        for i in reversed(range(len(seq))):
            item_id = seq[i]["id"]
            if item_id not in new:
                del seq[i]
            elif not same(old[item_id], new[item_id]):
                patch(seq[i], old[item_id], new[item_id])
                self.changes.append(f"changed {name} {item_id}")
        for item_id, item in new.items():
            if item_id not in old:
                seq.append(make(item))
                self.changes.append(f"added {name} {item_id}")

    # --- entities ----------------------------------------------------------------------------
    def mention(self, span: tuple[int, int], kind: str):
        return _ref(self.text, span, {"kind": kind} if kind != "NAM" else None)

    def patch_entity(self, node, o: Entity, n: Entity) -> None:
        for key in ("name", "type", "kb_id"):
            if getattr(o, key) != getattr(n, key):
                node[key] = getattr(n, key)
        if o.aliases != n.aliases:
            _set(node, "aliases", _flow_list(list(n.aliases)) if n.aliases else None, after="kb_id")
        if o.members != n.members:
            _set(node, "members", _flow_list(list(n.members)) if n.members else None, after="kb_id")
        if o.origin != n.origin:
            _origin(node, n.origin)
        if o.note != n.note:
            _set(node, "note", n.note)
        if o.mentions == n.mentions:
            return
        seq = node["mentions"]
        for i in reversed(range(len(seq))):
            span = span_of(self.text, seq[i])
            if span not in n.mentions:
                del seq[i]
            elif n.mentions[span] != o.mentions[span]:
                kind = n.mentions[span]
                if isinstance(seq[i], str):  # a bare quote is NAM, so the new kind is another
                    seq[i] = _flow({"text": seq[i], "kind": kind})
                else:
                    _set(seq[i], "kind", kind if kind != "NAM" else None)
                    if list(seq[i]) == ["text"]:  # {text: q} says no more than q
                        seq[i] = seq[i]["text"]
        for span, kind in n.mentions.items():
            if span not in o.mentions:
                seq.append(self.mention(span, kind))

    def new_entity(self, n: Entity):
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        node = CommentedMap(id=n.id, name=n.name, type=n.type, kb_id=n.kb_id)
        if n.aliases:
            node["aliases"] = _flow_list(list(n.aliases))
        if n.members:
            node["members"] = _flow_list(list(n.members))
        if n.note:
            node["note"] = n.note
        node["mentions"] = CommentedSeq(self.mention(span, kind) for span, kind in n.mentions.items())
        _origin(node, n.origin)
        return node

    # --- times -------------------------------------------------------------------------------
    def patch_time(self, node, o: Time, n: Time) -> None:
        if o.span != n.span:
            for key in SPAN_KEYS:
                if key in node:
                    del node[key]
            ref = quote_ref(self.text, *n.span)
            fields = {"text": ref} if isinstance(ref, str) else ref
            for k, (key, value) in enumerate(fields.items()):
                node.insert(1 + k, key, value)
        if o.type != n.type:
            node["type"] = n.type
        if o.value != n.value:
            _set(node, "value", n.value, after="type")
        if o.origin != n.origin:
            _origin(node, n.origin)
        if o.note != n.note:
            _set(node, "note", n.note)

    def new_time(self, n: Time):
        ref = quote_ref(self.text, *n.span)
        node = _flow({"id": n.id, **({"text": ref} if isinstance(ref, str) else ref), "type": n.type})
        _set(node, "value", n.value)
        _origin(node, n.origin)
        _set(node, "note", n.note)
        return node

    # --- events ------------------------------------------------------------------------------
    def arg(self, a: Arg):
        node = {"role": a.role}
        if a.entity is not None:
            node["entity"] = a.entity
        if a.time is not None:
            node["time"] = a.time
        if a.span is not None:
            ref = quote_ref(self.text, *a.span)
            node.update({"text": ref} if isinstance(ref, str) else ref)
        return _flow(node)

    def arg_of(self, node) -> Arg:
        span = span_of(self.text, node) if "text" in node and "time" not in node else None
        return Arg(node["role"], node.get("entity"), node.get("time"), span)

    def keep_matching(self, node, key: str, wanted: list, read, make) -> None:
        """Keep the list's entries that are still wanted (their nodes as written), drop the rest, append the new."""
        from ruamel.yaml.comments import CommentedSeq

        if key not in node:
            if not wanted:
                return
            node[key] = CommentedSeq()
        seq, left = node[key], Counter(wanted)
        kept = []
        for i in range(len(seq)):
            value = read(seq[i])
            if left[value] > 0:
                left[value] -= 1
                kept.append(i)
        for i in reversed(range(len(seq))):
            if i not in kept:
                del seq[i]
        for value in wanted:
            if left[value] > 0:
                left[value] -= 1
                seq.append(make(value))

    def patch_event(self, node, o: Event, n: Event) -> None:
        if o.trigger != n.trigger:
            node["trigger"] = _ref(self.text, n.trigger)
        for key in ("type", "realis"):
            if getattr(o, key) != getattr(n, key):
                node[key] = getattr(n, key)
        if o.cameo != n.cameo:
            _set(node, "cameo", n.cameo, required="cameo" in node, after="type")
        if o.modality != n.modality:
            _set(node, "modality", n.modality, required="modality" in node, after="realis")
        if o.origin != n.origin:
            _origin(node, n.origin)
        if o.note != n.note:
            _set(node, "note", n.note)
        if Counter(o.arguments) != Counter(n.arguments):
            self.keep_matching(node, "arguments", n.arguments, self.arg_of, self.arg)
        if Counter(o.links) != Counter(n.links):
            self.keep_matching(node, "links", n.links, lambda x: Link(x["type"], x["event"]),
                               lambda lk: _flow({"type": lk.type, "event": lk.event}))

    def new_event(self, n: Event):
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        node = CommentedMap(id=n.id, type=n.type)
        _set(node, "cameo", n.cameo)
        node["trigger"] = _ref(self.text, n.trigger)
        node["realis"] = n.realis
        _set(node, "modality", n.modality)
        if n.arguments:
            node["arguments"] = CommentedSeq(self.arg(a) for a in n.arguments)
        if n.links:
            node["links"] = CommentedSeq(_flow({"type": lk.type, "event": lk.event}) for lk in n.links)
        _origin(node, n.origin)
        _set(node, "note", n.note)
        return node

    # --- stances -----------------------------------------------------------------------------
    def patch_stance(self, node, o: Stance, n: Stance) -> None:
        for key in ("holder", "target", "polarity"):
            if getattr(o, key) != getattr(n, key):
                node[key] = getattr(n, key)
        if o.evidence != n.evidence:
            node["evidence"] = _ref(self.text, n.evidence)
        if o.origin != n.origin:
            _origin(node, n.origin)
        if o.note != n.note:
            _set(node, "note", n.note)

    def new_stance(self, n: Stance):
        from ruamel.yaml.comments import CommentedMap

        node = CommentedMap(id=n.id, holder=n.holder, target=n.target, polarity=n.polarity)
        node["evidence"] = _ref(self.text, n.evidence)
        _origin(node, n.origin)
        _set(node, "note", n.note)
        return node


SECTIONS = ("entities", "times", "events", "stances")
_KEY = re.compile(r"^[A-Za-z_][\w-]*(?=:)", re.M)


def changed_parts(old: Doc, new: Doc) -> set[str]:
    """The top-level keys of the file an import has to rewrite (``document`` for the author's entity)."""
    out = {"document"} if old.author != new.author else set()
    for name in SECTIONS:
        a, b = getattr(old, name), getattr(new, name)
        if a.keys() != b.keys() or not all(same(a[k], b[k]) for k in a):
            out.add(name)
    return out


def unchanged(old: Doc, new: Doc) -> bool:
    """No item added, removed or changed: the file is left alone (ruamel's parse is the slow part)."""
    return not changed_parts(old, new)


def _root_keys() -> set[str]:
    """The keys an annotation file may have at its top: a line of a quoted scalar that looks like
    one (``http://...``) makes the cut unsafe, and the whole file is read instead."""
    from builders.schema import schemas

    return set(schemas()["annotation"]["properties"])


def _blocks(text: str) -> list[tuple[str | None, str]]:
    """The file cut before each top-level key, (key, its lines up to the next key); what stands
    before the first key has the key None. The comments before a key go with the block above it,
    as ruamel attaches them."""
    starts = [(m.start(), m.group(0)) for m in _KEY.finditer(text)]
    out = [(None, text[:starts[0][0]])] if starts and starts[0][0] else []
    return out + [(key, text[at:starts[i + 1][0] if i + 1 < len(starts) else len(text)]) for i, (at, key) in enumerate(starts)]


def merge(annotation_text: str, text: str, old: Doc, new: Doc, keys: list[str] | None = None) -> tuple[str, list[str]]:
    """The annotation file with the changes from ``old`` to ``new``; the same text when nothing changed.

    Only the top-level parts that change are parsed and written again (ruamel's round trip is the
    slow part, and it leaves an unchanged part as written anyway); the others keep their text.
    ``keys``: the file's top-level keys as a parser read them, which the cut must find.
    """
    parts = changed_parts(old, new)
    if not parts:
        return annotation_text, []
    blocks = _blocks(annotation_text)
    found = [key for key, _ in blocks]
    if (keys is not None and [k for k in found if k] != list(keys)) or len(set(found)) != len(found) \
            or not set(found) - {None} <= _root_keys() or not {"document", *SECTIONS} - {"times"} <= set(found):
        root = load(annotation_text)  # a layout the cut does not expect: the whole file
        changes = Merger(text, root, old, new).run()
        return (dump(root) if changes else annotation_text), changes
    from ruamel.yaml.comments import CommentedMap

    root = load("".join(block for key, block in blocks if key in parts)) or CommentedMap()  # nothing: a new times section
    changes = Merger(text, root, old, new).run(parts)
    if not changes:
        return annotation_text, []
    rewritten = dict(_blocks(dump(root)))
    out = []
    for key, block in blocks:
        if key == "events" and "times" in rewritten and "times" not in found:
            out.append(rewritten["times"])  # a times section made anew goes before the events
        out.append(rewritten.get(key, block) if key in parts else block)
    return "".join(out), changes
