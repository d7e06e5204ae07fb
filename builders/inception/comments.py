"""Where ruamel.yaml keeps the comments of a round-trip file, and moving them when what they stand
beside is removed.

ruamel attaches a comment to the node above it: a header over the next item (``# --- paragraph
2 ---``) or the next section belongs, for ruamel, to the deepest last node of the item before
it. Deleting that item, or its last field, would delete the header with it. The functions here
take such comments off the node that goes and put them where they are written at the same place.
A comment at the items' level or above (column 2 or less) stands between items and is kept; one
indented deeper belonged to what was removed and goes with it.
"""

from __future__ import annotations

ITEM_COLUMN = 2  # where the items of a section (and the comments between them) start


def pop_tail(node) -> list:
    """The comments after a block node's last line, taken from wherever ruamel keeps them (the
    deepest last collection's end, or the slot after its last scalar): a header above the next
    item or section is one of them."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(node, (CommentedMap, CommentedSeq)) or not len(node) or node.fa.flow_style():
        return []
    last = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
    out = pop_tail(node[last])
    slot = node.ca.items.get(last)
    at = 2 if isinstance(node, CommentedMap) else 0
    if slot and slot[at] is not None:
        out += _lines_after(slot[at]) if not isinstance(slot[at], list) else slot[at]
        slot[at] = None
    if node.ca.end:
        out, node.ca.end = out + node.ca.end, []
    return out


def _lines_after(token) -> list:
    """The comment after a scalar begins with the rest of its line (an end of line, or a comment on
    it): the lines below it, one token each at its own column, as ruamel keeps comments between items."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    out, lines = [], token.value.split("\n")[1:]
    for line in lines[:-1] if lines and not lines[-1] else lines:
        column = len(line) - len(line.lstrip(" "))
        out.append(CommentToken(line.lstrip(" ") + "\n", CommentMark(column), None))
    return out


def push_tail(node, tokens: list) -> None:
    """Comments to write after a block node's last line (the inverse of :func:`pop_tail`)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    last = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
    value = node[last]
    if isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not value.fa.flow_style():
        push_tail(value, tokens)
    elif isinstance(node, CommentedSeq):
        if node.ca.comment is None:  # ruamel writes a sequence's end comments only beside a comment list
            node.ca.comment = [None, None]
        node.ca.end = (node.ca.end or []) + tokens
    else:  # after a scalar: one token, the rest of its line first
        slot = node.ca.items.setdefault(last, [None, None, None, None])
        line = slot[2].value.split("\n")[0] if slot[2] is not None else ""
        text = "".join(" " * t.column + t.value if t.value.strip() else t.value for t in tokens)
        slot[2] = CommentToken(line + "\n" + text, CommentMark(0), None)


def delete(node, key: str) -> None:
    """Delete a key; the comments below its value (a header above the next item) stay."""
    last = list(node)[-1] == key and len(node) > 1 and not node.fa.flow_style()
    tail = [t for t in pop_tail(node) if t.column <= ITEM_COLUMN] if last else []
    del node[key]
    if tail:
        push_tail(node, tail)


def keep_between(root, name: str, kept: list[bool]) -> None:
    """Before items of ``root[name]`` are deleted: the comments that stood between them at the
    items' level or above (section and paragraph headers, blank lines) move to the next item
    kept, or after the last one; those indented deeper belonged to a deleted item and go with
    it. A section left empty becomes ``name: []``, followed by what stood after it."""
    from ruamel.yaml.comments import CommentedSeq

    seq, carry = root[name], []
    for i, keep in enumerate(kept):
        slot = seq.ca.items.get(i)
        if not keep:
            if slot:
                carry += [t for t in (slot[1] or [])] + ([slot[0]] if slot[0] is not None else [])
                seq.ca.items[i] = [None, None, None, None]
            carry += pop_tail(seq[i])
        elif carry:
            slot = seq.ca.items.setdefault(i, [None, None, None, None])
            slot[1] = [t for t in carry if t.column <= ITEM_COLUMN] + (slot[1] or [])
            carry = []
    carry = [t for t in carry if t.column <= (ITEM_COLUMN if any(kept) else 0)]
    if any(kept):
        if carry:
            if seq.ca.comment is None:  # ruamel writes a sequence's end comments only beside a comment list
                seq.ca.comment = [None, None]
            seq.ca.end = (seq.ca.end or []) + carry
        return
    empty = CommentedSeq()
    empty.fa.set_flow_style()
    root[name] = empty
    if carry:  # one token after the value, as ruamel keeps a comment after a scalar
        first = carry[0]
        first.value = "\n" + "".join(t.value for t in carry)
        root.ca.items[name] = [None, None, first, None]
    else:
        root.ca.items.pop(name, None)
