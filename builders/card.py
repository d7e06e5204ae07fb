"""The dataset card (dist/README.md): YAML metadata the Hub and `datasets` read, and a body for people.

Feature definitions come from ``DatasetInfo._to_yaml_dict()`` on Features derived from the
JSON Schemas; the column and label tables come from the schemas too. Hub metadata (licence, tasks,
creators) comes from geosignal.toml; sizes and languages from the build; the body ends with the
sections of DATASHEET.md and a BibTeX citation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

from . import __version__
from .release import DATASHEET, bibtex, current_release_date, metadata as release_metadata, project_file
from .schema import CONFIGS, class_labels, columns, features, label_descriptions, schema_version
from .stats import to_markdown
from .write import MARKER, SplitFiles, data_glob

if TYPE_CHECKING:
    from .provenance import BuildInfo

HUB_FIELDS = ("license", "license_name", "license_details", "annotations_creators", "language_creators",
              "source_datasets", "task_categories", "task_ids")
BUILD_KEY = "geosignal"  # card YAML: versions, corpus hash and git state of the build
_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
          (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"))


def size_category(n: int) -> str:
    """The Hub's size bucket for ``n`` examples."""
    return next((name for limit, name in _SIZES if n < limit), "n>1B" if n < 10_000_000_000 else "other")


def hub_metadata(counts: dict[str, int], languages: list[str]) -> dict[str, Any]:
    """The Hub's descriptive keys: from geosignal.toml, with size and languages computed from the build.

    The size is that of the largest config: the most rows a user of this dataset gets.
    """
    meta = release_metadata()["dataset"]
    return {
        "pretty_name": meta["pretty_name"],
        **{key: meta[key] for key in HUB_FIELDS},
        "language": languages,
        "multilinguality": ["monolingual" if len(languages) == 1 else "multilingual"],
        "size_categories": [size_category(max(counts.values(), default=0))],
        "tags": list(meta["tags"]),
    }


def counts_of(splits: dict[str, dict[str, SplitFiles]]) -> dict[str, int]:
    return {config: sum(f.num_examples for f in by_split.values()) for config, by_split in splits.items()}


def metadata(splits: dict[str, dict[str, SplitFiles]], build_info: "BuildInfo | None" = None,
             languages: list[str] | None = None) -> dict[str, Any]:
    import datasets

    infos = []
    for config in CONFIGS:
        info = datasets.DatasetInfo(features=features(config), config_name=config)
        entry = info._to_yaml_dict()  # noqa: SLF001 - the documented way the Hub writes dataset_info
        entry["splits"] = [{"name": split, "num_bytes": f.num_bytes, "num_examples": f.num_examples}
                           for split, f in splits[config].items()]
        infos.append(entry)
    described = hub_metadata(counts_of(splits), languages) if languages is not None else {}
    return {
        **described,
        **({BUILD_KEY: build_info.as_dict()} if build_info is not None else {}),
        "configs": [
            {"config_name": c, **({"default": True} if c == "documents" else {}),
             "data_files": [{"split": split, "path": data_glob(c, split)} for split in splits[c]]}
            for c in CONFIGS
        ],
        "dataset_info": infos,
    }


def datasheet_body(text: str) -> str:
    """DATASHEET.md without its title, every heading one level deeper (to sit under "## Datasheet")."""
    lines, out, fenced = text.splitlines(), [], False
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        out.append("#" + line if not fenced and re.match(r"#{1,5} ", line) else line)
    return "\n".join(out).strip("\n")


def label_tables() -> list[str]:
    """A table per label column: the integer stored, the name, and what it means where the schema says."""
    out = []
    for config in CONFIGS:
        for path, label in class_labels(config):
            notes = label_descriptions(label.names)
            out += [f"### `{config}.{'.'.join(path)}`", "", "| id | label | meaning |", "|---:|---|---|"]
            out += [f"| {i} | `{name}` | {notes.get(name, '')} |" for i, name in enumerate(label.names)]
            out.append("")
    return out


def release_sections(info: "BuildInfo") -> list[str]:
    """Datasheet, licence and citation: the parts of the body that come from the project's files."""
    meta = release_metadata()["dataset"]
    date = current_release_date()
    out = []
    datasheet = project_file(DATASHEET)
    if datasheet.is_file():
        out += ["## Datasheet", "", datasheet_body(datasheet.read_text(encoding="utf-8")), ""]
    out += ["## Licence", "", meta["license_details"], ""]
    out += ["## Citation", "", "```bibtex", bibtex(info.dataset_version, date), "```", ""]
    return out


def render(splits: dict[str, dict[str, SplitFiles]], stats: dict[str, Any],
           build_info: "BuildInfo | None" = None, languages: list[str] | None = None) -> str:
    info = build_info
    counts = counts_of(splits)
    meta = yaml.safe_dump(metadata(splits, info, languages), sort_keys=False, allow_unicode=True, width=120)
    body = [
        MARKER,
        f"# {release_metadata()['dataset']['pretty_name']}",
        "",
        release_metadata()["dataset"]["summary"],
        "",
        *([f"Dataset version **{info.dataset_version}** (CHANGELOG.md of the GeoSignal repository), built from the",
           f"corpus with sha256 `{info.corpus_sha256}`.", ""] if info is not None else []),
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
    body += ["## Labels", "", "Label columns store integers (`ClassLabel`); `features[column].int2str` gives the names.", ""]
    body += label_tables()
    body += ["## Statistics", "", to_markdown(stats)]
    if info is not None:
        body += release_sections(info)
    return f"---\n{meta}---\n\n" + "\n".join(body)
