"""The frozen double-annotation rounds under agreement/ stay loadable and consistent with corpus/:
each side is a small corpus whose sources are the corpus's bytes, and a second annotation kept in
corpus/ as annotation.b.yaml is the same file as the round's B side."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders.score import load

from conftest import REAL_CORPUS, REPO

ROUNDS = sorted(p for p in (REPO / "agreement").glob("round-*") if p.is_dir())


@pytest.mark.parametrize("round_dir", ROUNDS, ids=[p.name for p in ROUNDS])
def test_round_sides_load_and_pair(round_dir: Path):
    a, b = load(round_dir / "a"), load(round_dir / "b")
    assert a.ok and b.ok, [f.message for f in a.findings + b.findings]
    assert a.docs and set(a.docs) == set(b.docs)  # every document on both sides
    for side in ("a", "b"):
        for doc in (round_dir / side).iterdir():
            if doc.is_dir():
                real = REAL_CORPUS / doc.name
                assert (doc / "source.txt").read_bytes() == (real / "source.txt").read_bytes(), doc
                second = real / "annotation.b.yaml"
                if side == "b" and second.exists():
                    assert (doc / "annotation.yaml").read_bytes() == second.read_bytes(), doc
    assert (round_dir / "README.md").is_file()


def test_there_is_a_round():
    assert ROUNDS, "agreement/ holds no round"
