"""Item ids made from text, as a person would write them: ``ev_joint_patrol``, ``t_january_11``.

Used wherever ids are made for an annotation (the coder's drafts, items added in INCEpTION):
an id is a slug of the item's words with a prefix, and never one that is already taken.
"""

from __future__ import annotations

import re

_NOT_ID = re.compile(r"[^a-z0-9]+")
MAX_SLUG = 40


def slug(words: str) -> str:
    """The words in lower case, every run of other characters one '_', at most ``MAX_SLUG`` characters."""
    return _NOT_ID.sub("_", words.lower()).strip("_")[:MAX_SLUG]


def fresh(base: str, taken: set[str], lead: str = "x") -> str:
    """``base``, else ``base_2``, ``base_3`` ..., the first not in ``taken`` (which then holds it).
    An id starts with a letter: ``lead`` goes before a base that does not."""
    if not base[0].isalpha():
        base = lead + base
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate
