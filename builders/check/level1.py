"""Level 1: files and YAML syntax.

The file rules (both files present, regular, no links, within the size limits, UTF-8, no BOM,
LF line ends in the annotation) are applied where the files are read, at the I/O edge
(``source/corpus.py``: ``read`` gives a document's texts with their level-1 findings). What is
left for this level is the annotation text's YAML: safe, no tabs, no duplicate keys, no
anchors, aliases or tags (``annotation/yamlio.py``).
"""

from __future__ import annotations

from builders.annotation.yamlio import Parsed, YamlProblem, parse_yaml
from builders.findings import Finding

LEVEL = 1


def parse(text: str, file: str) -> tuple[Parsed | None, list[Finding]]:
    """The annotation text parsed, or None and the YAML finding at its line."""
    try:
        return parse_yaml(text), []
    except YamlProblem as exc:
        return None, [Finding(file, exc.line, exc.code, exc.message, exc.hint, level=LEVEL)]
