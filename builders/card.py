"""The dataset card (dist/README.md): YAML metadata the Hub and `datasets` read, and a body for people.

Feature definitions come from ``DatasetInfo._to_yaml_dict()`` on Features derived from the
JSON Schemas; the column tables come from the schemas too.
"""

from __future__ import annotations

from typing import Any

import yaml

from . import __version__
from .schema import CONFIGS, columns, features, schema_version
from .stats import to_markdown
from .write import MARKER, SplitFiles, data_glob


def metadata(splits: dict[str, dict[str, SplitFiles]]) -> dict[str, Any]:
    import datasets

    infos = []
    for config in CONFIGS:
        info = datasets.DatasetInfo(features=features(config), config_name=config)
        entry = info._to_yaml_dict()  # noqa: SLF001 - the documented way the Hub writes dataset_info
        entry["splits"] = [{"name": split, "num_bytes": f.num_bytes, "num_examples": f.num_examples}
                           for split, f in splits[config].items()]
        infos.append(entry)
    return {
        "pretty_name": "GeoSignal",
        "language": ["en"],
        "license": "other",
        "tags": ["geosignal", "event-extraction", "stance-detection", "entity-linking", "geopolitics", "news"],
        "configs": [
            {"config_name": c, **({"default": True} if c == "documents" else {}),
             "data_files": [{"split": split, "path": data_glob(c, split)} for split in splits[c]]}
            for c in CONFIGS
        ],
        "dataset_info": infos,
    }


def render(splits: dict[str, dict[str, SplitFiles]], stats: dict[str, Any]) -> str:
    counts = {config: sum(f.num_examples for f in by_split.values()) for config, by_split in splits.items()}
    meta = yaml.safe_dump(metadata(splits), sort_keys=False, allow_unicode=True, width=120)
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
        "```",
        "",
        "## Configs",
        "",
    ]
    for config in CONFIGS:
        body += [f"### `{config}` ({counts[config]:,} rows)", "", "| column | type | description |", "|---|---|---|"]
        body += [f"| `{r['column']}` | {r['type']} | {r['description']} |" for r in columns(config)]
        body.append("")
    body += ["## Statistics", "", to_markdown(stats)]
    return f"---\n{meta}---\n\n" + "\n".join(body)
