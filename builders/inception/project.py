"""The files of an INCEpTION export: XMIs, TypeSystem.xml, tagsets and a project zip.

The project zip follows INCEpTION's project archive layout: ``exportedproject.json`` (layers,
features and tagsets, derived from schema/ as the type system is) and the documents under
``source/`` as UIMA CAS XMI, so each document opens with its annotations (silver ones marked
``origin: machine``) already in place.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from builders.schema import schema_version
from builders.inception import typesystem as T

PROJECT_ZIP = "geosignal-inception-project.zip"
XMI_DIR = "xmi"
FORMAT_ID = "xmi"  # INCEpTION's id of "UIMA CAS XMI (XML 1.0)"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same export gives the same bytes


def tagset_json(ref: str, tags: list[str]) -> dict[str, Any]:
    """A tagset in INCEpTION's JSON tagset format (Project settings > Tagsets > Import)."""
    described = T.tag_descriptions(ref)
    return {"name": f"GeoSignal {ref}", "description": f"Labels of the schema enum {ref} (schema/{ref.split('#')[0]}.schema.json).",
            "language": "en", "create_tag": False,
            "tags": [{"tag_name": t, "tag_description": described.get(t, "")} for t in tags]}


def _feature(f: T.Feature, tagsets: dict[str, dict]) -> dict[str, Any]:
    link = f.element is not None
    return {"name": f.name, "uiName": f.name, "description": f.description,
            "type": T.ANNOTATION if link else f.range, "tag_set": tagsets[f.enum] if f.enum else None,
            "enabled": True, "visible": True, "include_in_hover": False, "required": False, "remember": False,
            "hideUnconstraintFeature": False, "curatable": True,
            "multi_value_mode": "ARRAY" if link else "NONE", "link_mode": "WITH_ROLE" if link else "NONE",
            "link_type_name": f.element, "link_type_role_feature_name": "role" if link else None,
            "link_type_target_feature_name": "target" if link else None, "traits": None}


def project_json(doc_ids: list[str]) -> dict[str, Any]:
    tagsets = {ref: tagset_json(ref, tags) for ref, tags in T.tagsets().items()}
    kinds = {"span": "span", "relation": "relation", "document": "document-metadata"}
    layers = []
    for layer in T.layers():
        if layer.kind not in kinds:
            continue
        features = [f for f in layer.features if not (layer.kind == "relation" and f.name in ("Governor", "Dependent"))]
        layers.append({
            "name": layer.name, "uiName": layer.name.removeprefix(T.NS + "GeoSignal"), "type": kinds[layer.kind],
            "description": layer.description, "enabled": True, "built_in": False, "readonly": layer.kind == "document",
            "attach_type": {"name": T.EVENT} if layer.kind == "relation" else None, "attach_feature": None,
            "allow_stacking": True, "cross_sentence": True, "show_hover": True, "anchoring_mode": "CHARACTERS",
            "overlap_mode": "ANY_OVERLAP", "validation_mode": "ALWAYS", "linked_list_behavior": False,
            "features": [_feature(f, tagsets) for f in features], "traits": None})
    return {"name": "geosignal", "description": f"GeoSignal annotation, schema {schema_version()}; "
            "import the documents back with `geosignal import inception`.",
            "mode": "annotation", "script_direction": "LTR", "layers": layers, "tag_sets": list(tagsets.values()),
            "source_documents": [{"name": f"{d}.xmi", "format": FORMAT_ID, "state": "NEW"} for d in doc_ids],
            "annotation_documents": [], "project_permissions": []}


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    return buf.getvalue()


def write(out: Path, xmis: dict[str, str]) -> None:
    """XMIs by doc id -> the export folder's files."""
    ts = T.typesystem_xml().encode()
    (out / "TypeSystem.xml").write_bytes(ts)
    tags = out / "tagsets"
    tags.mkdir()
    for ref, labels in T.tagsets().items():
        (tags / f"{ref.replace('#', '.')}.json").write_text(json.dumps(tagset_json(ref, labels), indent=2) + "\n", encoding="utf-8")
    folder = out / XMI_DIR
    folder.mkdir()
    for doc_id, xmi in sorted(xmis.items()):
        (folder / f"{doc_id}.xmi").write_text(xmi, encoding="utf-8", newline="\n")
    (folder / "TypeSystem.xml").write_bytes(ts)
    files = {f"source/{d}.xmi": x.encode() for d, x in xmis.items()}
    files["exportedproject.json"] = (json.dumps(project_json(sorted(xmis)), indent=2) + "\n").encode()
    files["TypeSystem.xml"] = ts
    (out / PROJECT_ZIP).write_bytes(_zip(files))
