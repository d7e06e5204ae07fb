"""The INCEpTION round trip on a generated corpus, against validating the same corpus.

    python benchmarks/inception.py --docs 200

Times, in one process after a warm-up: ``validate`` (the baseline: every export and import
validates the corpus first), ``export --format inception``, an import that changes nothing, an
import where every document lost one stance in the tool, and an import into files emptied of
their items (every item written anew, as for documents annotated from scratch in INCEpTION).
The last line is ``export_ratio=… noop_ratio=… edit_ratio=… fresh_ratio=… validate_s=…`` (each
time / validate's).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    args = parser.parse_args()

    from builders.export import export, from_corpus
    from builders.inception import typesystem as T
    from builders.inception.importer import import_xmis
    from builders.run.validate import validate
    from builders.annotation.yamlio import parse_yaml
    from builders.inception.merge import dump
    import cassis

    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(Path(tmp) / "corpus", args.docs)
        out = Path(tmp) / "export"
        from_corpus(corpus)  # warm-up: imports, spaCy's pipeline
        t = time.perf_counter()
        validate([corpus], workers=1)
        base = time.perf_counter() - t
        t = time.perf_counter()
        records, _ = from_corpus(corpus)
        export(records, "inception", out, corpus)
        export_s = time.perf_counter() - t
        t = time.perf_counter()
        result = import_xmis(out / "xmi", corpus)
        noop_s = time.perf_counter() - t
        assert result.ok and not result.changes, result.findings[:3]
        for path in sorted((out / "xmi").glob("*.xmi")):
            cas = cassis.load_cas_from_xmi(path.read_bytes().decode(), typesystem=T.typesystem())
            stances = list(cas.select(T.STANCE))
            if stances:
                cas.remove(stances[0])
                path.write_text(cas.to_xmi(), encoding="utf-8")
        t = time.perf_counter()
        result = import_xmis(out / "xmi", corpus)
        edit_s = time.perf_counter() - t
        assert result.ok, result.findings[:3]
        edited = len(result.changes)
        for path in corpus.glob("*/annotation.yaml"):
            data = parse_yaml(path.read_text(encoding="utf-8")).data
            data.update(entities=[], events=[], stances=[])
            data.pop("times", None)
            if data["document"].get("author"):
                data["document"]["author"]["entity"] = None
            path.write_text(dump(data), encoding="utf-8")
        t = time.perf_counter()
        result = import_xmis(out / "xmi", corpus)
        fresh_s = time.perf_counter() - t
        assert result.ok, result.findings[:3]
        shutil.rmtree(out)
    print(f"docs={args.docs} validate_s={base:.2f} export_s={export_s:.2f} noop_import_s={noop_s:.2f} "
          f"edit_import_s={edit_s:.2f} ({edited} files changed) fresh_import_s={fresh_s:.2f}")
    print(f"export_ratio={export_s / base:.2f} noop_ratio={noop_s / base:.2f} edit_ratio={edit_s / base:.2f} "
          f"fresh_ratio={fresh_s / base:.2f} validate_s={base:.2f}")


if __name__ == "__main__":
    main()
