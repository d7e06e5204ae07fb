"""The dataset card (dist/README.md): YAML metadata the Hub and `datasets` read, and a body for people.

Feature definitions come from ``DatasetInfo._to_yaml_dict()`` on Features derived from the
JSON Schemas; the column tables come from the schemas too.
"""

from __future__ import annotations

from typing import Any

import yaml

from . import __version__
from .schema import ALL_CONFIGS, VIEWS, columns, features, schema_version
from .splits import SplitConfig
from .stats import to_markdown
from .write import MARKER, data_path


def metadata(counts: dict[str, dict[str, int]], num_bytes: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Configs with the splits written for each (``num_bytes[config]``); a config without rows is left out."""
    import datasets

    written = [c for c in ALL_CONFIGS if num_bytes.get(c)]
    infos = []
    for config in written:
        info = datasets.DatasetInfo(features=features(config), config_name=config)
        entry = info._to_yaml_dict()  # noqa: SLF001 - the documented way the Hub writes dataset_info
        entry["splits"] = [{"name": split, "num_bytes": size, "num_examples": counts[config][split]}
                           for split, size in num_bytes[config].items()]
        infos.append(entry)
    return {
        "pretty_name": "GeoSignal",
        "language": ["en"],
        "license": "other",
        "tags": ["geosignal", "event-extraction", "stance-detection", "entity-linking", "geopolitics", "news"],
        "configs": [
            {"config_name": c, **({"default": True} if c == "documents" else {}),
             "data_files": [{"split": split, "path": data_path(c, split)} for split in num_bytes[c]]}
            for c in written
        ],
        "dataset_info": infos,
    }


def splits_section(rows: dict[str, dict[str, list[dict[str, Any]]]], config: SplitConfig) -> list[str]:
    """How documents are split, with this build's figures."""
    ratios = ", ".join(f"{name} {ratio:g}" for name, ratio in config.ratios)
    docs = {split: len(part) for split, part in rows["documents"].items()}
    total = sum(docs.values())
    rule = (f"This build has {total} document(s), fewer than {config.min_documents}: every document is in `train`."
            if total < config.min_documents else "")
    return [
        "## Splits",
        "",
        "Splits are by document, so no article is in two splits, and every config uses the same assignment:",
        f"a document's split is decided by the sha256 of its `doc_id` alone (ratios {ratios}; see",
        f"`splits.toml` in the source repository). While the corpus has fewer than {config.min_documents} documents",
        "every document is in `train`. A split with no rows in a config is left out of that config.",
        rule,
        "",
        "| split | documents |",
        "|---|---:|",
        *[f"| {split} | {n:,} |" for split, n in docs.items()],
        "",
    ]


VIEWS_TEXT = [
    "## Training views",
    "",
    "`ner` and `event_triggers` have one row per sentence (spaCy's rule-based English tokenizer and",
    "sentencizer; a line end always ends a sentence), with BIO tags over the entity types and the event",
    "types, as in conll2003; `token_offsets` point into `documents.text`. Every entity mention is tagged",
    "(names, nominals and pronouns alike) with its entity's type. A span that does not start and end on",
    "token boundaries is left out, never shifted; of overlapping spans (`U.S.` inside `U.S. Indo-Pacific",
    "Command`) the longest is kept. `geosignal build` reports every span it left out.",
    "",
    "`stance_pairs` has one row per annotated stance: holder and target with their names and types, the",
    "sentence holding the evidence, and the polarity. No unannotated pairs are sampled as negatives:",
    "stances are not annotated exhaustively, so a missing stance is no evidence of none.",
    "",
]


def render(rows: dict[str, dict[str, list[dict[str, Any]]]], num_bytes: dict[str, dict[str, int]],
           stats: dict[str, Any], split_config: SplitConfig) -> str:
    counts = {config: {split: len(part) for split, part in by_split.items()} for config, by_split in rows.items()}
    meta = yaml.safe_dump(metadata(counts, num_bytes), sort_keys=False, allow_unicode=True, width=120)
    body = [
        MARKER,
        "# GeoSignal",
        "",
        "An annotated corpus of geopolitical signalling in the news: shows of force, joint exercises and",
        "patrols, intercepts, and the statements around them. Entities (ACE 2005 types, Wikidata-linked),",
        "events (PLOVER types with CAMEO codes, arguments in roles, Rich ERE realis, event links) and",
        "stances (support / oppose / neutral, with evidence spans).",
        "",
        f"Builder {__version__}, schema {schema_version()}. Offsets are half-open code-point offsets into",
        "`documents.text`; `documents.offset_map` maps them back to `documents.raw_text`, the source as received.",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        'entities = load_dataset("path/to/this/folder", "entities", split="train")',
        'ner = load_dataset("path/to/this/folder", "ner")  # a DatasetDict of the splits',
        "```",
        "",
        *splits_section(rows, split_config),
        *VIEWS_TEXT,
        "## Configs",
        "",
    ]
    for config in ALL_CONFIGS:
        total = sum(counts.get(config, {}).values())
        body += [f"### `{config}` ({total:,} rows{', derived' if config in VIEWS else ''})", "",
                 "| column | type | description |", "|---|---|---|"]
        body += [f"| `{r['column']}` | {r['type']} | {r['description']} |" for r in columns(config)]
        body.append("")
    body += ["## Statistics", "", to_markdown(stats)]
    return f"---\n{meta}---\n\n" + "\n".join(body)
