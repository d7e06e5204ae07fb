"""One-to-one alignment of the items of two annotations: spans (exact or overlapping) and
items related by a yes/no rule (arguments, links, stances).

Spans: exact pairs share start and end. Overlap pairs share at least one character; the exact
pairs are taken first, then the remaining pairs by largest overlap (characters), ties by the
earlier start on the prediction side, then on the reference side: deterministic, and each item
is aligned at most once. Rule-related items: a maximum one-to-one matching (Kuhn's augmenting
paths), so a true-positive count never depends on the order items were written in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def _key(item: Any, label: Callable[[Any], Hashable] | None) -> Hashable:
    return label(item) if label else None


def align_spans(pred: Sequence[Any], ref: Sequence[Any], overlap: bool,
                label: Callable[[Any], Hashable] | None = None) -> list[tuple[int, int]]:
    """Index pairs (pred, ref); items have ``start`` and ``end``; with ``label`` only equal labels pair."""
    by_span: dict[tuple, list[int]] = defaultdict(list)
    for j, r in enumerate(ref):
        by_span[(r.start, r.end, _key(r, label))].append(j)
    pairs: list[tuple[int, int]] = []
    used_pred: set[int] = set()
    for i, p in enumerate(pred):
        free = by_span.get((p.start, p.end, _key(p, label)))
        if free:
            pairs.append((i, free.pop(0)))
            used_pred.add(i)
    if not overlap:
        return pairs
    used_ref = {j for _, j in pairs}
    rest_ref = sorted((j for j in range(len(ref)) if j not in used_ref), key=lambda j: (ref[j].start, ref[j].end, j))
    candidates = []
    for i, p in enumerate(pred):
        if i in used_pred:
            continue
        for j in rest_ref:
            r = ref[j]
            if r.start >= p.end:
                break
            shared = min(p.end, r.end) - max(p.start, r.start)
            if shared > 0 and _key(p, label) == _key(r, label):
                candidates.append((-shared, p.start, r.start, i, j))
    candidates.sort()
    for _, _, _, i, j in candidates:
        if i not in used_pred and j not in used_ref:
            pairs.append((i, j))
            used_pred.add(i)
            used_ref.add(j)
    return sorted(pairs)


def _anywhere(_: Any) -> Hashable:
    return None


def max_matching(pred: Sequence[T], ref: Sequence[T], compatible: Callable[[T, T], bool],
                 pred_block: Callable[[T], Hashable] = _anywhere, ref_block: Callable[[T], Hashable] = _anywhere,
                 ) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of compatible items. Items pair only within a block
    (``pred_block(p) == ref_block(r)``; default: one block), which keeps each search small."""
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for j, r in enumerate(ref):
        blocks[ref_block(r)].append(j)
    owner: dict[int, int] = {}  # ref index -> pred index

    def augment(i: int, seen: set[int]) -> bool:
        for j in blocks.get(pred_block(pred[i]), ()):
            if j in seen or not compatible(pred[i], ref[j]):
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(pred)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())
