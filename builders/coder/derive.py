"""Maintainer script: derive the coder's compact tables (builders/coder/data/) from their sources.

Not run by the coder, the tests or the build: the tables it writes are committed. Run it again
to refresh them (``python -m builders.coder.derive PETRARCH2_GIT_DIR CAMEO2PLOVER_FILE``):

- ``cameo_verbs.tsv`` (MIT, PETRARCH2): verb lemma -> CAMEO code of its synset, with the
  irregular forms the dictionary lists; only verbs whose code maps to a GeoSignal event type;
- ``actors.tsv`` (MIT, PETRARCH2): country names, capitals and adjectives -> the country's
  code; international organisations -> their code (type ORG);
- ``agents.tsv`` (MIT, PETRARCH2): agent nouns and titles -> CAMEO agent code;
- ``cameo2plover.tsv`` (CC BY-SA 4.0, PLOVER): CAMEO code -> PLOVER type (its own file).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from builders.coder.lexicon import DATA

DICTS = "petrarch2/data/dictionaries"


def _show(repo: str, path: str) -> str:
    return subprocess.run(["git", "-C", repo, "show", f"HEAD:{DICTS}/{path}"], check=True,
                          capture_output=True, text=True).stdout


def cameo2plover(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def plover_of(code: str, table: dict[str, str]) -> str | None:
    """CAMEO 01x is STATEMENT and 02x REQUEST (GeoSignal, ANNOTATION.md 4.3); others via the table."""
    if code.startswith("01"):
        return "STATEMENT"
    if code.startswith("02"):
        return "REQUEST"
    for n in (len(code), 3, 2):
        if code[:n] in table:
            return table[code[:n]]
    return None


def verbs(text: str, table: dict[str, str]) -> list[tuple[str, str, str]]:
    rows: dict[str, tuple[str, str]] = {}
    block = None
    in_verbs = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if "VERB PATTERNS" in raw:
            in_verbs = True
            continue
        if not in_verbs or not line.strip():
            continue
        head = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]", line)
        if head:
            block = head.group(2).strip()
            continue
        if line.startswith("-") or line.startswith("~") or line.startswith("+"):
            continue
        m = re.match(r"^([A-Z][A-Z_'-]*)\s*(\{[^}]*\})?\s*(?:\[([^\]]*)\])?", line.strip())
        if not m:
            continue
        word, forms, code = m.group(1), m.group(2), (m.group(3) or block or "").strip()
        code = code.split(":")[0]
        if not re.fullmatch(r"\d{2,4}", code) or "_" in word:
            continue
        plover = plover_of(code, table)
        if plover is None:
            continue
        lemma = word.lower()
        if lemma not in rows:
            rows[lemma] = (code, " ".join(f.lower() for f in (forms or "{}")[1:-1].split()))
    return sorted((lemma, code, forms) for lemma, (code, forms) in rows.items())


def _names(name: str) -> str:
    return name.rstrip("_").replace("_", " ").strip()


def actors(countries: str, international: str) -> list[tuple[str, str, str]]:
    rows: dict[str, tuple[str, str]] = {}
    code = None
    for raw in countries.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        head = re.match(r"^([A-Z][^\s\[]*)\s*\[([A-Z]{3})\]", line)
        if head:
            code = head.group(2)
            rows.setdefault(_names(head.group(1)), (code, "GPE"))
        elif line.startswith("+") and code:
            rows.setdefault(_names(line[1:].split()[0]), (code, "GPE"))
        elif not line.startswith((" ", "\t", "+")):
            code = None  # a block of sub-national or group actors: not a country name
    for raw in international.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        head = re.match(r"^([A-Z][^\s\[]*)\s*\[((?:IGO|NGO)[A-Z]*)\]", line)
        if head:
            rows.setdefault(_names(head.group(1)), (head.group(2), "ORG"))
    return sorted((name, c, t) for name, (c, t) in rows.items() if len(name) > 1 and "(" not in name)


def agents(text: str) -> list[tuple[str, str]]:
    rows: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        m = re.match(r"^([A-Z][A-Z_'-]*)\s*\[(~[A-Z]+)\]", line)
        if m and "!" not in m.group(1):
            rows.setdefault(_names(m.group(1)), m.group(2))
    return sorted(rows.items())


def main(repo: str, plover_file: str) -> None:
    table = cameo2plover(Path(plover_file).read_text(encoding="utf-8"))
    DATA.mkdir(exist_ok=True)

    def write(name: str, header: str, rows: list) -> None:
        body = "".join("\t".join(r) + "\n" for r in rows)
        (DATA / name).write_text(header + "\n" + body, encoding="utf-8", newline="\n")

    write("cameo2plover.tsv", "# cameo\tplover  (derived from PLOVER's CAMEO2PLOVER, CC BY-SA 4.0: see LICENSES.md)",
          sorted(table.items()))
    write("cameo_verbs.tsv", "# lemma\tcameo\tirregular forms  (derived from PETRARCH2 CAMEO.2.0.txt, MIT: see LICENSES.md)",
          verbs(_show(repo, "CAMEO.2.0.txt"), table))
    write("actors.tsv", "# name\tcode\ttype  (derived from PETRARCH2 Phoenix.Countries/International.actors.txt, MIT)",
          actors(_show(repo, "Phoenix.Countries.actors.txt"), _show(repo, "Phoenix.International.actors.txt")))
    write("agents.tsv", "# phrase\tagent code  (derived from PETRARCH2 Phoenix.agents.txt, MIT)",
          agents(_show(repo, "Phoenix.agents.txt")))


if __name__ == "__main__":
    main(*sys.argv[1:3])
