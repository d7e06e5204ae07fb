"""Run one measured task in a fresh process and print its wall time, CPU time and peak RSS as JSON.

Each figure comes from its own process so that one task's memory or collector state never counts
for another. CPU seconds are the whole process's (interpreter start and imports included) plus
its worker processes' (resource.getrusage RUSAGE_SELF + RUSAGE_CHILDREN); peak RSS covers the
process and its largest worker.

    _task.py build CORPUS OUT WORKERS CACHE|- [GC]   # GC: tuned (as shipped, the default) or default
    _task.py dask_build CORPUS OUT WORKERS CACHE|-    # the build on a LocalCluster of WORKERS (--engine dask)
    _task.py floor CORPUS OUT GC [READER]           # READER: csafe (yaml.load, CSafeLoader; the default) or
                                                    # events (the build's own reader: builders.annotation.yamlio)
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

START = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(corpus: str, out: str, workers: str, cache: str, gc_mode: str = "tuned") -> dict:
    from builders.run import gctune
    from builders.run.build import build as run

    gctune.ENABLED = gc_mode == "tuned"
    result = run(Path(corpus), Path(out), workers=int(workers), cache=Path(cache) if cache != "-" else None)
    assert result.written, [f for f in result.report.findings if f.is_error][:3]
    return {"records": sum(result.counts.values()), "docs": result.counts["documents"]}


def dask_build(corpus: str, out: str, workers: str, cache: str) -> dict:
    """The build on a fresh LocalCluster of ``workers`` processes; the cluster's start and stop
    are timed too (a user pays them), and each worker reports its own peak memory. The
    cluster's nannies and workers are this process's children: their CPU counts."""
    from builders.run.build import build as run
    from builders.run.engines import open_engine

    start = time.perf_counter()
    with open_engine("dask", int(workers), dashboard=False) as engine:
        started = time.perf_counter()
        result = run(Path(corpus), Path(out), cache=Path(cache) if cache != "-" else None, engine=engine)
        built = time.perf_counter()
        memory = engine.peak_memory()
    assert result.written, [f for f in result.report.findings if f.is_error][:3]
    return {"records": sum(result.counts.values()), "docs": result.counts["documents"], "start_s": started - start,
            "build_s": built - started, "stop_s": time.perf_counter() - built,
            "dask_worker_rss_mb": list(memory.values())}


def floor(corpus: str, out: str, gc_mode: str, reader: str = "csafe") -> dict:
    """The same essential work as a build, on one core, with the fastest well-kept libraries and
    nothing loaded beforehand: read and sha256 both files, parse the YAML with libyaml's C loader
    (dates kept as written, as the build keeps them),
    one compiled validation (jsonschema-rs, the schemas as the build compiles them) of the annotation, clean the text (builders.source.clean: the
    project's own rules, there is no library for them), resolve every quote with str.find, tokenise
    and split sentences with spaCy's blank English pipeline read as arrays (the token texts gathered from
    the text's bytes, views.token_strings, as the build does), tag the kept tokens BIO
    for the entity mentions and the event triggers (numpy searchsorted of the spans over the token
    starts and ends, label ids as int arrays, the longest of overlapping spans kept, as the build's
    views do; see _bio: 0.29 ms/doc on 1k generated documents of either shape, in isolation), and write the documents, spans and tokens (with both tag columns) to
    Parquet (zstd, no dictionary pages, as the build does). The collector is
    treated as the build treats it (builders.run.gctune).

    With ``reader="events"`` the YAML is read by the build's own reader (libyaml's events straight
    to values, several times faster than CSafeLoader's Python constructor): a stricter floor, for a
    build whose reader beats the library's loader."""
    import contextlib
    import hashlib

    import jsonschema_rs
    import numpy
    import pyarrow as pa
    import pyarrow.parquet as pq
    import yaml

    from builders.run import gctune
    from builders.dataset.tokens import Tokens
    from builders.dataset.views import token_strings
    from builders.schema import compiled_schemas
    from builders.source.clean import clean

    class _DatesAsWritten(yaml.CSafeLoader):
        """libyaml's safe loader, dates kept as the strings written (as the build keeps them)."""

    _DatesAsWritten.add_constructor("tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_scalar)
    if reader == "events":
        from builders.annotation.yamlio import parse_yaml

        def load(text: str):
            return parse_yaml(text).data
    else:
        def load(text: str):
            return yaml.load(text, Loader=_DatesAsWritten)
    gctune.ENABLED = gc_mode == "tuned"
    with gctune.tuned() if gctune.ENABLED else contextlib.nullcontext():
        import spacy
        from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        # the schemas in the form the build compiles them (schema.compiled_schemas: a pattern's final
        # $(?!\n) as $, the same answers on jsonschema-rs's linear regex engine)
        loaded = compiled_schemas()
        registry = jsonschema_rs.Registry([(s["$id"], s) for s in loaded.values()])
        validator = jsonschema_rs.validator_for(loaded["annotation"], registry=registry)
        docs: dict[str, list] = {"doc_id": [], "sha256": [], "text": []}
        spans: dict[str, list] = {"doc_id": [], "kind": [], "start": [], "end": [], "text": []}
        tokens: dict[str, list] = {"doc_id": [], "tokens": [], "starts": [], "ends": [], "sentence_starts": [],
                                   "ner_tags": [], "trigger_tags": []}
        labels: dict[str, int] = {"O": 0}  # tag name -> id, B- and I- tags in the order first used
        for folder in sorted(p for p in Path(corpus).iterdir() if p.is_dir()):
            raw = (folder / "source.txt").read_bytes()
            ann_bytes = (folder / "annotation.yaml").read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            hashlib.sha256(ann_bytes).digest()
            ann = load(ann_bytes.decode("utf-8"))
            if not validator.is_valid(ann):
                raise SystemExit(f"{folder}: not valid")
            meta = ann["document"]
            text = clean(raw.decode("utf-8"), meta.get("publisher"), meta.get("source_format", "text")).text
            tagged: dict[str, list] = {"mention": [], "trigger": []}
            for kind, ref, label in _refs(ann):
                start, end = _find(text, ref)
                if kind in tagged:
                    tagged[kind].append((start, end, label))
                spans["doc_id"].append(folder.name)
                spans["kind"].append(kind)
                spans["start"].append(start)
                spans["end"].append(end)
                spans["text"].append(text[start:end])
            cols = nlp(text).to_array([IDX, LENGTH, IS_SPACE, SENT_START])
            keep = cols[:, 2] == 0
            starts, ends = cols[keep, 0], cols[keep, 0] + cols[keep, 1]
            tokens["doc_id"].append(folder.name)
            tokens["tokens"].append(Tokens(text, starts.astype("int64"), ends.astype("int64"), numpy.zeros(0, "int64")))
            tokens["starts"].append(starts.tolist())
            tokens["ends"].append(ends.tolist())
            tokens["sentence_starts"].append((cols[keep, 3] == 1).nonzero()[0].tolist())
            tokens["ner_tags"].append(_bio(numpy, starts, ends, tagged["mention"], labels))
            tokens["trigger_tags"].append(_bio(numpy, starts, ends, tagged["trigger"], labels))
            for key, value in (("doc_id", folder.name), ("sha256", digest), ("text", text)):
                docs[key].append(value)
        # the token texts from each text's UTF-8 bytes, not a Python string per token (as the build does)
        lengths = numpy.array([len(t.starts) for t in tokens["tokens"]], dtype="int32")
        offsets = numpy.concatenate([[0], numpy.cumsum(lengths)]).astype("int32")
        tokens["tokens"] = pa.ListArray.from_arrays(pa.array(offsets), token_strings(tokens["tokens"], pa.string()))
        for key in ("ner_tags", "trigger_tags"):  # the int arrays as one Arrow list column, no Python list per token
            lengths = numpy.array([len(codes) for codes in tokens[key]], dtype="int32")
            offsets = numpy.concatenate([[0], numpy.cumsum(lengths)]).astype("int32")
            values = numpy.concatenate(tokens[key]) if tokens[key] else numpy.zeros(0, dtype="int32")
            tokens[key] = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values))
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        for name, columns in (("documents", docs), ("spans", spans), ("tokens", tokens)):
            pq.write_table(pa.table(columns), target / f"{name}.parquet", compression="zstd", use_dictionary=False)
    return {"docs": len(docs["doc_id"])}


def _refs(ann: dict):
    """Every quote: its kind, the reference, and the label a tag gives it (mentions and triggers)."""
    for entity in ann.get("entities") or []:
        for mention in entity.get("mentions") or []:
            yield "mention", mention, entity["type"]
    for t in ann.get("times") or []:
        yield "time", t, None
    for event in ann.get("events") or []:
        yield "trigger", event["trigger"], event["type"]
    for stance in ann.get("stances") or []:
        if stance.get("evidence"):
            yield "evidence", stance["evidence"], None


def _bio(numpy, starts, ends, spans: list[tuple[int, int, str]], labels: dict[str, int]):
    """BIO tag ids (int32, one per kept token) for spans: each placed by a sorted search over the
    token starts and ends (a span that does not start and end on token boundaries is left out),
    the longest first, a span over tokens already tagged left out (the build keeps the longest of
    overlapping spans too)."""
    n = len(starts)
    if not spans or not n:
        return numpy.zeros(n, dtype="int32")
    offsets = numpy.array([(s, e) for s, e, _ in spans], dtype="int64")
    first = numpy.searchsorted(starts, offsets[:, 0])
    last = numpy.searchsorted(ends, offsets[:, 1])
    aligned = ((first < n) & (last < n) & (first <= last)
               & (starts[first.clip(max=n - 1)] == offsets[:, 0]) & (ends[last.clip(max=n - 1)] == offsets[:, 1]))
    kept = aligned.nonzero()[0]
    kept = kept[numpy.argsort(offsets[kept, 0] - offsets[kept, 1], kind="stable")]  # longest first
    codes = [0] * n  # filled span by span (a list: cheaper per slice than an array for short spans)
    for k, a, z in zip(kept.tolist(), first[kept].tolist(), (last[kept] + 1).tolist()):
        if not any(codes[a:z]):
            label = spans[k][2]
            codes[a] = labels.setdefault("B-" + label, len(labels))
            codes[a + 1:z] = [labels.setdefault("I-" + label, len(labels))] * (z - a - 1)
    return numpy.array(codes, dtype="int32")


def _find(text: str, ref) -> tuple[int, int]:
    """A quote's span: the first occurrence, the k-th, the one inside a context, or given offsets."""
    if isinstance(ref, str):
        quote, ref = ref, {}
    else:
        quote = ref["text"]
    if "start" in ref:
        if text[ref["start"]:ref["end"]] != quote:
            raise SystemExit(f"offsets do not match {quote!r}")
        return ref["start"], ref["end"]
    if "context" in ref:
        at = text.find(ref["context"])
        i = text.find(quote, at) if at >= 0 else -1
    else:
        i = -1
        for _ in range(ref.get("occurrence") or 1):
            i = text.find(quote, i + 1)
            if i < 0:
                break
    if i < 0:
        raise SystemExit(f"quote not found: {quote!r}")
    return i, i + len(quote)


def main() -> None:
    task, *args = sys.argv[1:]
    result = {"build": build, "dask_build": dask_build, "floor": floor}[task](*args)
    seconds = time.perf_counter() - START
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": max(own.ru_maxrss, children.ru_maxrss) / 1024,
                      "main_rss_mb": own.ru_maxrss / 1024, "worker_rss_mb": children.ru_maxrss / 1024, **result}))


if __name__ == "__main__":  # the guard also keeps Dask's spawned workers from running a task
    main()
