"""The dataset card (dist/README.md): YAML metadata the Hub and `datasets` read, and a body for people.

Feature definitions come from ``DatasetInfo._to_yaml_dict()`` on Features derived from the
JSON Schemas; the column and label tables come from the schemas too. Hub metadata (licence, tasks,
creators) comes from geosignal.toml; sizes and languages from the build; the body ends with the
sections of DATASHEET.md and a BibTeX citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from builders.__about__ import __version__
from builders.files import project_file
from builders.release.metadata import DATASHEET, bibtex, current_release_date, metadata as release_metadata
from builders.schema import ALL_CONFIGS, VIEWS, class_labels, columns, features_yaml, label_descriptions, schema_version
from builders.dataset.splits import SplitConfig
from builders.dataset.stats import to_markdown
from builders.dataset.write import MARKER, SplitFiles, data_glob

if TYPE_CHECKING:
    from builders.release.provenance import BuildInfo

HUB_FIELDS = ("license", "license_name", "license_details", "annotations_creators", "language_creators",
              "source_datasets", "task_categories", "task_ids")
BUILD_KEY = "geosignal"  # card YAML: versions, corpus hash and git state of the build
_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
          (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"))


@dataclass(frozen=True)
class Licences:
    """What the build holds, licence by licence (its documents, not the corpus's)."""

    by_spdx: dict[str, int]  # SPDX id -> documents
    redistributable: int  # documents whose licence allows redistribution
    left_out: int = 0  # documents left out by --redistributable-only

    @property
    def documents(self) -> int:
        return sum(self.by_spdx.values())

    def summary(self) -> str:
        """One paragraph for the card's licence fields and Croissant: what this build holds."""
        parts = ", ".join(f"{n} under {spdx}" for spdx, n in sorted(self.by_spdx.items()))
        text = (f"This build holds {self.documents} document(s): {parts}. {self.redistributable} of them may be "
                f"redistributed (documents.license.redistributable); each document's licence, attribution and "
                f"note are in documents.license.")
        if self.left_out:
            text += f" {self.left_out} document(s) whose licence forbids redistribution were left out (--redistributable-only)."
        elif self.redistributable < self.documents:
            text += " Documents whose licence forbids redistribution are included: this build is for local use, not for publication."
        return text


def spdx_url(spdx: str) -> str | None:
    """The SPDX page of a licence id; None for a LicenseRef- (defined by this dataset, not SPDX)."""
    return None if spdx.startswith("LicenseRef-") else f"https://spdx.org/licenses/{spdx}.html"


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
             languages: list[str] | None = None, licences: Licences | None = None) -> dict[str, Any]:
    written = [c for c in ALL_CONFIGS if any(f.num_examples for f in splits.get(c, {}).values())]
    infos = []
    for config in written:
        # what ``DatasetInfo(features=..., config_name=...)._to_yaml_dict()`` gives (the form the Hub
        # writes), derived without importing ``datasets`` (tests compare the two)
        entry: dict[str, Any] = {"features": features_yaml(config), "config_name": config}
        entry["splits"] = [{"name": split, "num_bytes": f.num_bytes, "num_examples": f.num_examples}
                           for split, f in splits[config].items() if f.num_examples]
        infos.append(entry)
    described = hub_metadata(counts_of(splits), languages) if languages is not None else {}
    if described and licences is not None:
        described["license_details"] = f"{described['license_details']} {licences.summary()}"
    return {
        **described,
        **({BUILD_KEY: build_info.as_dict()} if build_info is not None else {}),
        "configs": [
            {"config_name": c, **({"default": True} if c == "documents" else {}),
             "data_files": [{"split": split, "path": data_glob(c, split)} for split, f in splits[c].items() if f.num_examples]}
            for c in written
        ],
        "dataset_info": infos,
    }


def splits_section(splits: dict[str, dict[str, SplitFiles]], config: SplitConfig,
                   documents: dict[str, str] | None = None) -> list[str]:
    """How documents are split, with this build's figures and (``documents``) every document's split."""
    ratios = ", ".join(f"{name} {ratio:g}" for name, ratio in config.ratios)
    docs = {split: f.num_examples for split, f in splits["documents"].items() if f.num_examples}
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
        *(assignment_table(documents) if documents else []),
    ]


def assignment_table(documents: dict[str, str]) -> list[str]:
    """The split of every document of the build, sorted by id (folded: it grows with the corpus)."""
    return [
        "<details>",
        f"<summary>The split of each of the {len(documents):,} documents</summary>",
        "",
        "| doc_id | split |",
        "|---|---|",
        *[f"| `{doc_id}` | {split} |" for doc_id, split in sorted(documents.items())],
        "",
        "</details>",
        "",
    ]


def licence_section(licences: Licences) -> list[str]:
    """Documents per licence in this build, and what that means for using it."""
    rows = [f"| {f'[`{spdx}`]({spdx_url(spdx)})' if spdx_url(spdx) else f'`{spdx}`'} | {n:,} |"
            for spdx, n in sorted(licences.by_spdx.items())]
    return ["### Documents per licence", "", licences.summary(), "", "| licence | documents |", "|---|---:|", *rows, ""]


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
    for config in ALL_CONFIGS:
        for path, label in class_labels(config):
            notes = label_descriptions(label.names)
            out += [f"### `{config}.{'.'.join(path)}`", "", "| id | label | meaning |", "|---:|---|---|"]
            out += [f"| {i} | `{name}` | {notes.get(name, '')} |" for i, name in enumerate(label.names)]
            out.append("")
    return out


def release_sections(info: "BuildInfo", licences: Licences | None = None) -> list[str]:
    """Datasheet, licence and citation: the parts of the body that come from the project's files."""
    meta = release_metadata()["dataset"]
    date = current_release_date()
    out = []
    datasheet = project_file(DATASHEET)
    if datasheet.is_file():
        out += ["## Datasheet", "", datasheet_body(datasheet.read_text(encoding="utf-8")), ""]
    out += ["## Licence", "", meta["license_details"], "", *(licence_section(licences) if licences else [])]
    out += ["## Citation", "", "```bibtex", bibtex(info.dataset_version, date), "```", ""]
    return out


def render(splits: dict[str, dict[str, SplitFiles]], stats: dict[str, Any], split_config: SplitConfig,
           build_info: "BuildInfo | None" = None, languages: list[str] | None = None,
           documents: dict[str, str] | None = None, licences: Licences | None = None) -> str:
    """The card; ``documents`` (doc id -> split) and ``licences`` describe what the build holds."""
    info = build_info
    counts = counts_of(splits)
    meta = yaml.safe_dump(metadata(splits, info, languages, licences), sort_keys=False, allow_unicode=True, width=120)
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
        'ner = load_dataset("path/to/this/folder", "ner")  # a DatasetDict of the splits',
        "```",
        "",
        *splits_section(splits, split_config, documents),
        *VIEWS_TEXT,
        "## Configs",
        "",
    ]
    for config in ALL_CONFIGS:
        body += [f"### `{config}` ({counts.get(config, 0):,} rows{', derived' if config in VIEWS else ''})", "",
                 "| column | type | description |", "|---|---|---|"]
        body += [f"| `{r['column']}` | {r['type']} | {r['description']} |" for r in columns(config)]
        body.append("")
    body += ["## Labels", "", "Label columns store integers (`ClassLabel`); `features[column].int2str` gives the names.", ""]
    body += label_tables()
    body += ["## Statistics", "", to_markdown(stats)]
    if info is not None:
        body += release_sections(info, licences)
    return f"---\n{meta}---\n\n" + "\n".join(body)
