"""The files of an INCEpTION export: XMIs, TypeSystem.xml, tagsets and a project zip.

The project zip follows INCEpTION's project archive layout, as its importer reads it
(ProjectExportServiceImpl, LayerExporter, TagSetExporter, SourceDocumentExporter; CONTRIBUTING.md
says what was checked): ``exportedproject.json`` (layers, features and tagsets, derived from
schema/ as the type system is; ``version`` 1, since a project of version 0 has its tagsets read
the WebAnno 1 way) and the documents under ``source/`` as UIMA CAS XMI, so each document opens
with its annotations (silver ones marked ``origin: machine``) already in place. INCEpTION builds
a project's type system from these layers alone, so every feature the round trip needs is one of
them (a link type gets only its role and target).
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
FORMAT_ID = "xmi"  # INCEpTION's id of "UIMA CAS XMI (XML 1.0)" (XmiFormatSupport.ID)
PROJECT_VERSION = 1  # ExportedProject.version: 0 is a WebAnno 1 project (TagSetExporter.importTagSetsV0)
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same export gives the same bytes


def tagset_json(ref: str, tags: list[str]) -> dict[str, Any]:
    """A tagset in INCEpTION's JSON tagset format (Project settings > Tagsets > Import)."""
    described = T.tag_descriptions(ref)
    return {"name": f"GeoSignal {ref}", "description": f"Labels of the schema enum {ref} (schema/{ref.split('#')[0]}.schema.json).",
            "language": "en", "create_tag": False,
            "tags": [{"tag_name": t, "tag_description": described.get(t, "")} for t in tags]}


def _feature(f: T.Feature, tagsets: dict[str, dict], rank: int) -> dict[str, Any]:
    """An ExportedAnnotationFeature. A slot feature's tagset holds its role labels; its type is
    the slot filler's (uima.tcas.Annotation: any span, INCEpTION's "Link: <Any>")."""
    link = f.element is not None
    return {"name": f.name, "uiName": f.name, "description": f.description,
            "type": T.ANNOTATION if link else f.range, "tag_set": tagsets[f.enum] if f.enum else None,
            "enabled": not f.hidden, "visible": not f.hidden, "include_in_hover": False, "required": False,
            "remember": False, "hideUnconstraintFeature": False, "curatable": True, "rank": rank,
            "multi_value_mode": "ARRAY" if link else "NONE", "link_mode": "WITH_ROLE" if link else "NONE",
            "link_type_name": f.element, "link_type_role_feature_name": "role" if link else None,
            "link_type_target_feature_name": "target" if link else None, "traits": None}


def _layer(layer: T.Layer, tagsets: dict[str, dict]) -> dict[str, Any]:
    """An ExportedAnnotationLayer; a relation's Governor and Dependent are implied by its type."""
    kind = {"span": "span", "relation": "relation", "document": "document-metadata", "segmentation": "span"}[layer.kind]
    builtin = layer.kind == "segmentation"  # DKPro's Sentence and Token, as INCEpTION's initializers make them
    features = [f for f in layer.features if not (layer.kind == "relation" and f.name in ("Governor", "Dependent"))]
    return {
        "name": layer.name, "uiName": layer.name.rsplit(".", 1)[-1].removeprefix("GeoSignal"), "type": kind,
        "description": layer.description, "enabled": not builtin, "built_in": builtin, "readonly": layer.readonly or builtin,
        "attach_type": {"name": T.EVENT} if layer.kind == "relation" else None, "attach_feature": None,
        "allow_stacking": not builtin, "cross_sentence": layer.name != T.TOKEN, "show_hover": True,
        "anchoring_mode": "TOKENS" if layer.name == T.SENTENCE else "CHARACTERS",
        "overlap_mode": "NO_OVERLAP" if builtin else "ANY_OVERLAP", "validation_mode": "NEVER" if builtin else "ALWAYS",
        "linked_list_behavior": False, "features": [_feature(f, tagsets, n) for n, f in enumerate(features)],
        "traits": json.dumps({"singleton": True}) if layer.name == T.AUTHOR else None}


def project_json(doc_ids: list[str]) -> dict[str, Any]:
    """exportedproject.json: what INCEpTION's project import reads (ExportedProject)."""
    tagsets = {ref: tagset_json(ref, tags) for ref, tags in T.tagsets().items()}
    return {"name": "geosignal", "slug": "geosignal", "description": f"GeoSignal annotation, schema {schema_version()}; "
            "import the documents back with `geosignal import inception`.",
            "mode": "ANNOTATION", "version": PROJECT_VERSION, "script_direction": "LTR",
            "layers": [_layer(layer, tagsets) for layer in T.layers() if layer.kind != "link"],
            "tag_sets": list(tagsets.values()),
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
