"""The JSON Schemas in schema/ are the one source of truth.

Validators, Hugging Face ``Features`` (a ``ClassLabel`` for every enum), Arrow schemas and the
documentation tables are all derived here from those files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from builders.files import project_file

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from referencing import Registry
    import datasets
    import pyarrow as pa

# config name -> schema file stem; the order is the order of configs in the dataset card
CONFIGS: dict[str, str] = {
    "documents": "document",
    "entities": "entity",
    "times": "time",
    "events": "event",
    "stances": "stance",
}

# training views derived from the record configs by builders/views.py, in card order after them
VIEWS: dict[str, str] = {
    "ner": "ner",
    "event_triggers": "event_triggers",
    "stance_pairs": "stance_pairs",
}

ALL_CONFIGS: dict[str, str] = {**CONFIGS, **VIEWS}

# custom keyword on a string node: its value is a BIO tag over the enum the keyword refers to
BIO_OF = "x-bio-of"


def schema_dir() -> Path:
    """schema/ of a source checkout, or the copy packaged inside an installed wheel."""
    return project_file("schema")


@cache
def schemas() -> dict[str, dict[str, Any]]:
    """Every schema file, by stem (``entity`` for ``entity.schema.json``)."""
    out = {}
    for path in sorted(schema_dir().glob("*.schema.json")):
        out[path.name.removesuffix(".schema.json")] = json.loads(path.read_text(encoding="utf-8"))
    return out


def schema_version() -> str:
    versions = {s["version"] for s in schemas().values()}
    if len(versions) != 1:
        raise RuntimeError(f"schema files disagree on their version: {sorted(versions)}")
    return versions.pop()


@cache
def registry() -> "Registry":
    """The schema files by $id, for $ref lookups (referencing is imported only here: a command
    that neither explains a failure nor derives Features does not need it)."""
    from referencing import Registry, Resource

    resources = [(s["$id"], Resource.from_contents(s)) for s in schemas().values()]
    return Registry().with_resources(resources)


def bio_names(types: list[str]) -> list[str]:
    """BIO tag names over label types, in conll2003's order: O, B-X, I-X, B-Y, I-Y, ..."""
    return ["O"] + [f"{prefix}-{t}" for t in types for prefix in ("B", "I")]


def bio_labels(ref: str, base: str) -> list[str]:
    """The BIO tag names of an ``x-bio-of`` reference (resolved like a $ref from ``base``)."""
    node, _ = _resolve({"$ref": ref}, base)
    types = labels(node)
    if types is None:
        raise ValueError(f"{BIO_OF} {ref!r} does not refer to an enum")
    return bio_names(types)


@cache
def validator(name: str) -> "Draft202012Validator":
    """A Draft 2020-12 validator that also checks ``x-bio-of`` tags (jsonschema is imported only
    here: the compiled checker answers valid input, and the import costs ~0.5 s per process)."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    # JSON Schema counts 1.0 as an integer; an offset or an occurrence number must be a real int
    strict_types = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool))

    base = schemas()[name]["$id"]

    def bio_of(_validator, ref, instance, _schema):
        if isinstance(instance, str) and instance not in bio_labels(ref, base):
            yield ValidationError(f"{instance!r} is not a BIO tag over {ref}")

    cls = validators.extend(Draft202012Validator, {BIO_OF: bio_of}, type_checker=strict_types)
    return cls(schemas()[name], registry=registry())


class _Checker:
    """A yes/no answer from a compiled validator; jsonschema only explains a 'no'.

    jsonschema-rs is three orders of magnitude faster on valid input, which is nearly all input,
    while jsonschema's errors (paths, messages) are the ones a person reads.
    """

    def __init__(self, name: str):
        self.name = name
        try:
            import jsonschema_rs
        except ImportError:  # pragma: no cover - the pure-Python path still gives the same answers
            self._fast = None
        else:
            self._fast = jsonschema_rs.validator_for(compiled_schemas()[name], registry=_compiled_registry())

    def iter_errors(self, instance: Any, floats: bool = False):
        """``floats``: the instance may hold floats; jsonschema-rs, true to the spec, takes 1.0 for
        an integer where our validator does not, so such an instance always gets the full check."""
        if self._fast is not None and not floats and self._fast.is_valid(instance):
            return iter(())
        return validator(self.name).iter_errors(instance)


@cache
def checker(name: str) -> _Checker:
    return _Checker(name)


@cache
def records_valid() -> Callable[[dict[str, list[Any]]], bool] | None:
    """A yes from one compiled call for all of a document's records ({config: rows}), each row
    against its record schema by ``$ref``; None without jsonschema-rs. A 'no' is explained record
    by record (``checker``): one call instead of one per record saves most of the check's cost."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover
        return None
    whole = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {config: {"type": "array", "items": {"$ref": schemas()[name]["$id"]}}
                            for config, name in CONFIGS.items()}}
    return jsonschema_rs.validator_for(whole, registry=_compiled_registry()).is_valid


# Every pattern of schema/ ends in ``$(?!\n)``: Python's ``re`` (jsonschema's engine) lets ``$`` match
# before a final newline, and the lookahead refuses it. In the compiled validator's regex (Rust, not
# multi-line unless an inline flag says so) ``$`` matches only at the very end of the string, where
# ``(?!\n)`` always holds: there the lookahead changes no answer, but it makes the pattern run on
# fancy-regex's backtracking engine instead of the linear one (a third of the compiled checks' time
# on valid documents; tests/test_compiled_checks.py checks both forms agree on generated strings).
PATTERN_END = "$(?!\\n)"
_INLINE_FLAGS = re.compile(r"\(\?[a-zA-Z]")


def compiled_pattern(pattern: str) -> str:
    r"""A pattern as the compiled validator gets it: a final unescaped ``$(?!\n)`` as ``$``, in a pattern
    without inline flags (which could make ``$`` multi-line); any other pattern as it is."""
    head = pattern.removesuffix(PATTERN_END)
    escaped = (len(head) - len(head.rstrip("\\"))) % 2 == 1  # ``\$``: a literal dollar sign
    if head == pattern or escaped or _INLINE_FLAGS.search(pattern):
        return pattern
    return head + "$"


_DATA_KEYWORDS = ("const", "enum", "default", "examples")  # values, not schemas: nothing in them is a keyword


def _compiled_form(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: value if key in _DATA_KEYWORDS
                else compiled_pattern(value) if key == "pattern" and isinstance(value, str)
                else _compiled_form(value)
                for key, value in node.items()}
    if isinstance(node, list):
        return [_compiled_form(value) for value in node]
    return node


@cache
def compiled_schemas() -> dict[str, dict[str, Any]]:
    """The schemas as jsonschema-rs compiles them: ``schemas()`` with ``compiled_pattern`` applied to
    every ``pattern`` keyword (a property named ``pattern`` is a schema, not a string: left alone)."""
    return {name: _compiled_form(schema) for name, schema in schemas().items()}


@cache
def _compiled_registry() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Registry([(s["$id"], s) for s in compiled_schemas().values()])


def _resolve(node: dict[str, Any], base: str) -> tuple[dict[str, Any], str]:
    """Follow $ref (relative to the schema it appears in) until a concrete node."""
    while "$ref" in node:
        resolved = registry().resolver(base).lookup(node["$ref"])
        node, base = resolved.contents, resolved.resolver._base_uri  # noqa: SLF001
    return node, base


def _nullable(node: dict[str, Any], base: str) -> tuple[dict[str, Any], str]:
    """Strip a ``null`` alternative: Arrow columns are nullable anyway."""
    node, base = _resolve(node, base)
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        if len(options) == 1:
            return _nullable(options[0], base)
    return node, base


def labels(node: dict[str, Any]) -> list[str] | None:
    """The label names of an enum node, without null."""
    if "enum" not in node:
        return None
    return [v for v in node["enum"] if v is not None]


@dataclass(frozen=True)
class Value:
    """A scalar column (``datasets.Value``'s dtype names)."""

    dtype: str


@dataclass(frozen=True)
class Label:
    """A label column, stored as the index of its name (``datasets.ClassLabel``)."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class Seq:
    """A list column (``datasets.List``)."""

    feature: Any


_SCALARS = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}


def _field(node: dict[str, Any], base: str) -> Any:
    node, base = _nullable(node, base)
    names = bio_labels(node[BIO_OF], base) if BIO_OF in node else labels(node)
    if names is not None:
        return Label(tuple(names))
    kind = node.get("type", "string" if "const" in node else None)
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    if kind == "object":
        return {name: _field(prop, base) for name, prop in node["properties"].items()}
    if kind == "array":
        return Seq(_field(node["items"], base))
    if kind not in _SCALARS:
        raise ValueError(f"cannot derive a feature from schema node {node!r}")
    return Value(_SCALARS[kind])


@cache
def fields(config: str) -> dict[str, Any]:
    """A config's columns as plain values (``Value``, ``Label``, ``Seq``, dicts for structs), derived
    from its JSON Schema: what ``features`` and the Arrow schema are made of. The build derives its
    Arrow schemas, label names and card from these without importing ``datasets`` (~1.8 s a
    process); tests check every form against the one ``datasets`` gives."""
    schema = schemas()[ALL_CONFIGS[config]]
    return _field(schema, schema["$id"])


def _hf(feature: Any) -> Any:
    """A field as ``datasets.Features.to_dict`` writes it (the JSON in a Parquet file's metadata)."""
    if isinstance(feature, dict):
        return {name: _hf(sub) for name, sub in feature.items()}
    if isinstance(feature, Seq):
        return {"feature": _hf(feature.feature), "_type": "List"}
    if isinstance(feature, Label):
        return {"names": list(feature.names), "_type": "ClassLabel"}
    return {"dtype": feature.dtype, "_type": "Value"}


def features_dict(config: str) -> dict[str, Any]:
    """``features(config).to_dict()``, without ``datasets``."""
    return _hf(fields(config))


def _yaml_type(feature: Any) -> Any:
    if isinstance(feature, dict):
        return [{"name": name, **_yaml_entry(sub)} for name, sub in feature.items()]
    if isinstance(feature, Label):
        return {"class_label": {"names": {str(i): name for i, name in enumerate(feature.names)}}}
    if isinstance(feature, Value):
        return feature.dtype
    return _yaml_entry(feature)


def _yaml_entry(feature: Any) -> dict[str, Any]:
    if isinstance(feature, dict):
        return {"struct": _yaml_type(feature)}
    if isinstance(feature, Seq):
        return {"list": _yaml_type(feature.feature)}
    return {"dtype": _yaml_type(feature)}


def features_yaml(config: str) -> list[dict[str, Any]]:
    """The ``features`` list of a card's ``dataset_info`` entry, as ``DatasetInfo._to_yaml_dict``
    writes it (the form the Hub reads), without ``datasets``."""
    return _yaml_type(fields(config))


@cache
def features(config: str) -> "datasets.Features":
    """Hugging Face Features of a config (record or view), derived from its JSON Schema (via ``fields``)."""
    import datasets

    def convert(feature: Any) -> Any:
        if isinstance(feature, dict):
            return {name: convert(sub) for name, sub in feature.items()}
        if isinstance(feature, Seq):
            return datasets.List(convert(feature.feature))
        if isinstance(feature, Label):
            return datasets.ClassLabel(names=list(feature.names))
        return datasets.Value(feature.dtype)

    return datasets.Features(convert(fields(config)))


def _arrow_type(feature: Any) -> "pa.DataType":
    import pyarrow as pa

    if isinstance(feature, dict):
        return pa.struct([pa.field(name, _arrow_type(sub)) for name, sub in feature.items()])
    if isinstance(feature, Seq):
        return pa.list_(_arrow_type(feature.feature))
    if isinstance(feature, Label):
        return pa.int64()
    return {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}[feature.dtype]


@cache
def arrow_schema(config: str) -> "pa.Schema":
    """The Arrow schema of a config, as ``features(config).arrow_schema`` gives it (its metadata holds
    the Features' JSON under ``huggingface``), derived once and without ``datasets``."""
    import pyarrow as pa

    schema = pa.schema(list(_arrow_type(fields(config))))
    return schema.with_metadata({"huggingface": json.dumps({"info": {"features": features_dict(config)}})})


def label_names(config: str, *path: str) -> list[str]:
    """The label names of a (nested) column, e.g. ``label_names("events", "arguments", "role")``."""
    return list(_label_names(config, path))


@cache
def _label_names(config: str, path: tuple[str, ...]) -> tuple[str, ...]:
    feature: Any = fields(config)
    for key in path:
        feature = feature[key] if isinstance(feature, dict) else feature.feature[key]
    while isinstance(feature, Seq):  # a list of labels (a BIO column): its labels
        feature = feature.feature
    return feature.names


def walk_enums(name: str) -> Iterator[tuple[str, list[str]]]:
    """(JSON pointer, labels) of every enum defined in one schema file."""

    def walk(node: Any, pointer: str) -> Iterator[tuple[str, list[str]]]:
        if isinstance(node, dict):
            if "enum" in node:
                yield pointer, labels(node)
            for key, value in node.items():
                yield from walk(value, f"{pointer}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{pointer}/{i}")

    yield from walk(schemas()[name], "")


def columns(config: str) -> list[dict[str, str]]:
    """One row per column (nested fields dotted) for documentation tables."""
    schema = schemas()[ALL_CONFIGS[config]]
    rows: list[dict[str, str]] = []

    def walk(node: dict[str, Any], base: str, prefix: str, description: str) -> None:
        site = node.get("description")
        node, base = _nullable(node, base)
        description = site or node.get("description") or description
        names = labels(node)
        kind = node.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if names is not None:
            rows.append({"column": prefix, "type": "label: " + ", ".join(names), "description": description})
        elif kind == "object" and prefix:
            rows.append({"column": prefix, "type": "struct", "description": description})
            for name, prop in node["properties"].items():
                walk(prop, base, f"{prefix}.{name}", "")
        elif kind == "object":
            for name, prop in node["properties"].items():
                walk(prop, base, name, prop.get("description", ""))
        elif kind == "array":
            item, item_base = _nullable(node["items"], base)
            if BIO_OF in item:
                tags = bio_labels(item[BIO_OF], item_base)
                rows.append({"column": prefix, "type": "list of label: " + ", ".join(tags), "description": description})
            elif item.get("type") == "object":
                rows.append({"column": prefix, "type": "list of struct", "description": description})
                for name, prop in item["properties"].items():
                    walk(prop, item_base, f"{prefix}[].{name}", "")
            else:
                rows.append({"column": prefix, "type": f"list of {item.get('type')}", "description": description})
        else:
            rows.append({"column": prefix, "type": str(kind), "description": description})

    walk(schema, schema["$id"], "", "")
    return rows


def class_labels(config: str) -> list[tuple[tuple[str, ...], Label]]:
    """(path of keys, Label) of every label column of a config, nested ones included."""
    out: list[tuple[tuple[str, ...], Label]] = []

    def walk(feature: Any, path: tuple[str, ...]) -> None:
        if isinstance(feature, Label):
            out.append((path, feature))
        elif isinstance(feature, dict):
            for name, sub in feature.items():
                walk(sub, (*path, name))
        elif isinstance(feature, Seq):
            walk(feature.feature, path)

    walk(fields(config), ())
    return out


def label_descriptions(names: list[str]) -> dict[str, str]:
    """The ``x-label-descriptions`` of the enum with exactly these labels, if a schema gives them."""
    for schema in schemas().values():
        for node in schema.get("$defs", {}).values():
            if labels(node) == list(names) and "x-label-descriptions" in node:
                return dict(node["x-label-descriptions"])
    return {}
