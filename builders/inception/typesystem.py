"""GeoSignal's layers as a UIMA type system and INCEpTION tagsets, derived from schema/.

Nothing here is written by hand that the schemas already say: every label feature names the
schema enum it takes its tags from, and each enum becomes one tagset. The layers:

- ``GeoSignalMention`` (span): an entity mention, its ``kind``, and the entity it belongs to
  (``entity`` id, ``entityName``, ``entityType``, ``kbId``, ``aliases``, ``members``, ``origin``,
  ``note``: repeated on every mention, so a new mention needs only ``entity``);
- ``GeoSignalTime`` (span): a TIMEX3 expression with ``timexType`` and ``value``;
- ``GeoSignalEvent`` (span on the trigger): ``eventType``, ``cameo``, ``realis``, ``modality``,
  and ``arguments``, an INCEpTION slot feature (role -> a mention, a time or a value span);
  ``impliedArguments`` names the slots whose entity the text implies rather than says there;
- ``GeoSignalValue`` (span): an argument that is text, not an entity or a time;
- ``GeoSignalEventLink`` (relation, Governor -> Dependent): an event link with its ``linkType``;
  links to another document's event are the event's ``crossDocLinks`` (``type doc#event; ...``);
- ``GeoSignalStance`` (span on the evidence): ``holder``, ``target`` (ids), ``polarity``;
- ``GeoSignalAuthor`` (document-level, at most one): the entity that stands for the author;
- ``GeoSignalDocument`` (document-level): the document's metadata, read-only in the round trip.

Hidden ``order`` features (``entityOrder`` on mentions) keep each item's position in
annotation.yaml, so that items the import creates anew come back in the file's order; the
tool leaves them empty (0) on new items, which go after the others in text order.

``origin`` (human/machine) marks silver items: an annotator accepts one by setting it to
``human`` and rejects one by deleting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from builders.schema import labels, schemas

if TYPE_CHECKING:
    from cassis import TypeSystem

NS = "webanno.custom."
MENTION, TIME, EVENT, VALUE = NS + "GeoSignalMention", NS + "GeoSignalTime", NS + "GeoSignalEvent", NS + "GeoSignalValue"
ARG_LINK, EVENT_LINK, STANCE = NS + "GeoSignalEventArgumentsLink", NS + "GeoSignalEventLink", NS + "GeoSignalStance"
AUTHOR, DOCUMENT = NS + "GeoSignalAuthor", NS + "GeoSignalDocument"
SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
TOKEN = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
ANNOTATION, BASE, TOP = "uima.tcas.Annotation", "uima.cas.AnnotationBase", "uima.cas.TOP"
STRING, INTEGER, FSARRAY = "uima.cas.String", "uima.cas.Integer", "uima.cas.FSArray"


@dataclass(frozen=True)
class Feature:
    name: str
    range: str = STRING
    enum: str | None = None  # "<schema>#<def>": the tagset of a label feature
    description: str = ""
    element: str | None = None
    hidden: bool = False  # kept in the CAS, not shown to annotators (INCEpTION: disabled)


@dataclass(frozen=True)
class Layer:
    name: str
    kind: str  # span, relation, link, document, segmentation
    features: tuple[Feature, ...]
    description: str = ""
    readonly: bool = False

    @property
    def supertype(self) -> str:
        return {"document": BASE, "link": TOP}.get(self.kind, ANNOTATION)


def _enum(ref: str) -> list[str]:
    stem, name = ref.split("#")
    return labels(schemas()[stem]["$defs"][name])


def _described(stem: str, pointer: str) -> str:
    node: Any = schemas()[stem]
    for key in pointer.split("/"):
        node = node[key]
    return node.get("description", "")


ORIGIN = Feature("origin", enum="common#origin", description=_described("common", "$defs/origin"))
NOTE = Feature("note", description="A free-text note (the item's note: in annotation.yaml).")
ID = "The item's id in annotation.yaml; leave empty on a new item and the import makes one."


def _order(what: str) -> Feature:
    return Feature("order" if what != "entity" else "entityOrder", INTEGER, hidden=True,
                   description=f"Position (from 1) of the {what} in annotation.yaml, set by the export; 0 or empty: new.")


@cache
def layers() -> tuple[Layer, ...]:
    return (
        Layer(MENTION, "span", (
            Feature("entity", description="Id of the entity this mention belongs to (an existing id, or a new one for a new entity)."),
            Feature("kind", enum="entity#mention_kind", description="ACE mention kind."),
            Feature("entityType", enum="entity#entity_type", description="Type of the entity (all its mentions)."),
            Feature("entityName", description="Canonical name of the entity."),
            Feature("kbId", description=_described("common", "$defs/kb_id")),
            Feature("aliases", description="Other names of the entity (for the missed-mention lint), separated by '; '."),
            Feature("members", description="For a group entity: the ids of its member entities, separated by spaces."),
            ORIGIN, NOTE, _order("mention"), _order("entity")),
            "An entity mention; the entity's fields are repeated on each of its mentions."),
        Layer(TIME, "span", (
            Feature("id", description=ID),
            Feature("timexType", enum="common#timex_type", description="TIMEX3 type."),
            Feature("value", description="TIMEX3 value (ISO 8601 at the text's precision); empty: normalised by the build."),
            ORIGIN, NOTE, _order("time")), "A time expression (TimeML TIMEX3)."),
        Layer(VALUE, "span", (), "An event argument that is text, not an entity or a time."),
        Layer(ARG_LINK, "link", (
            Feature("role", enum="event#role", description="The argument's role."),
            Feature("target", ANNOTATION, description="The mention, time or value filling the role."),
        ), "One argument of an event (INCEpTION link feature: a role and its target, nothing else)."),
        Layer(EVENT, "span", (
            Feature("id", description=ID),
            Feature("eventType", enum="event#event_type", description="PLOVER event type."),
            Feature("cameo", description=_described("event", "properties/cameo")),
            Feature("realis", enum="event#realis", description="Whether the event happened."),
            Feature("modality", enum="event#modality", description="For realis other: how the event is presented."),
            Feature("arguments", FSARRAY, enum="event#role", element=ARG_LINK,
                    description="Roles filled by mentions, times or values (the roles are the tagset's labels)."),
            Feature("impliedArguments", description="The arguments the text implies but does not say next to the trigger "
                    "(ANNOTATION.md 4.5), 'role entity_id; ...': each is also a slot of arguments, filled by any mention of the entity."),
            Feature("crossDocLinks", description="Links to events of other documents: 'type doc_id#event_id; ...'."),
            ORIGIN, NOTE, _order("event")), "An event, anchored on its trigger."),
        Layer(EVENT_LINK, "relation", (
            Feature("Governor", EVENT, description="The event that holds the link."),
            Feature("Dependent", EVENT, description="The linked event."),
            Feature("linkType", enum="event#link_type", description="How the events are linked."),
            _order("link among its event's links"),
        ), "A link between two events of the document."),
        Layer(STANCE, "span", (
            Feature("id", description=ID),
            Feature("holder", description="Entity id of the holder."),
            Feature("target", description="Entity or event id of the target."),
            Feature("polarity", enum="stance#polarity", description="The holder's stance toward the target."),
            ORIGIN, NOTE, _order("stance")), "A stance, anchored on its evidence."),
        Layer(AUTHOR, "document", (
            Feature("entity", description=_described("annotation", "$defs/author/properties/entity")),
        ), "The entity that stands for the document's author (document.author.entity; the author's name is set in annotation.yaml)."),
        Layer(DOCUMENT, "document", tuple(Feature(name, description=text) for name, text in (
            ("docId", "The document id (its folder in corpus/)."), ("title", "Headline."), ("publisher", "Publisher."),
            ("url", "Where it was published."), ("language", "BCP-47 tag."), ("published", "Publication date."),
            ("sourceSha256", "sha256 of source.txt."), ("status", "gold, reviewed or silver."),
            ("annotators", "Annotators, separated by '; '."), ("schemaVersion", "GeoSignal schema version."),
        )), "The document's metadata (read-only: edit annotation.yaml to change it).", readonly=True),
        Layer(SENTENCE, "segmentation", (), "A sentence (spaCy's sentencizer, as the token views)."),
        Layer(TOKEN, "segmentation", (), "A token (spaCy's rule-based tokenizer, as the token views)."),
    )


def tagsets() -> dict[str, list[str]]:
    """One tagset per schema enum, named ``<schema>#<def>``, with the enum's labels."""
    out = {}
    for stem, schema in schemas().items():
        for name, node in schema.get("$defs", {}).items():
            if "enum" in node:
                out[f"{stem}#{name}"] = labels(node)
    return out


def tag_descriptions(ref: str) -> dict[str, str]:
    stem, name = ref.split("#")
    return dict(schemas()[stem]["$defs"][name].get("x-label-descriptions", {}))


@cache
def typesystem() -> "TypeSystem":
    """The cassis TypeSystem of the layers (built once)."""
    from cassis import TypeSystem

    ts = TypeSystem()
    made = {}
    for layer in layers():  # the link type comes before the event that uses it
        made[layer.name] = ts.create_type(layer.name, supertypeName=layer.supertype, description=layer.description)
    for layer in layers():
        for f in layer.features:
            description = f.description + (f" Tagset {f.enum}: {', '.join(_enum(f.enum))}." if f.enum else "")
            ts.create_feature(made[layer.name], f.name, f.range, elementType=f.element, description=description)
    return ts


def typesystem_xml() -> str:
    """TypeSystem.xml, the file INCEpTION imports (Project settings > Layers > Import)."""
    return typesystem().to_xml()
