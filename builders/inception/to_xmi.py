"""One document's annotation -> a UIMA CAS XMI (the clean text as sofa). Pure: no files here.

Annotations are added in a fixed order (sentences, metadata, mentions, times, values, events,
links, stances), so the same annotation always gives the same bytes. Each item carries its
position in annotation.yaml (the hidden ``order`` features), so that an import that creates
items anew writes them in the file's order. Tokens are left to INCEpTION, which makes them
inside the sentences when a document has none: every GeoSignal layer is anchored on
characters, and tokens were nine in ten of the annotations to write and read back.
"""

from __future__ import annotations

from typing import Any

from builders.dataset import tokens
from builders.schema import schema_version
from builders.inception import typesystem as T
from builders.inception.model import Doc, from_annotation


def _opt(value: Any) -> Any:
    return value if value not in (None, "") else None


def _joined(values: tuple[str, ...] | None, sep: str) -> str | None:
    return sep.join(values) if values else None


def document_cas(doc_id: str, text: str, ann: dict[str, Any]):
    """The CAS of one document: its clean text, its sentences (as the token views have them) and
    every layer of its annotation."""
    from cassis import Cas

    ts = T.typesystem()
    cas = Cas(ts)
    cas.sofa_string = text
    cas.sofa_mime = "text/plain"
    model = from_annotation(text, ann)
    sentence = ts.get_type(T.SENTENCE)
    for s in tokens.sentences(text):
        cas.add(sentence(begin=s.start, end=s.end))
    meta = ann["document"]
    info = meta.get("annotation") or {}
    cas.add(ts.get_type(T.DOCUMENT)(
        docId=doc_id, title=_opt(meta.get("title")), publisher=_opt(meta.get("publisher")), url=_opt(meta.get("url")),
        language=_opt(meta.get("language")), published=_opt(meta.get("published")), sourceSha256=meta.get("source_sha256"),
        status=info.get("status"), annotators="; ".join(info.get("annotators") or ()) or None,
        schemaVersion=schema_version()))
    if meta.get("author") is not None:
        cas.add(ts.get_type(T.AUTHOR)(entity=model.author))
    mentions = _mentions(cas, model)
    times = _times(cas, model)
    events = _events(cas, model, mentions, times)
    link = ts.get_type(T.EVENT_LINK)
    for ev in model.events.values():
        for n, lk in enumerate(ev.links, 1):
            if lk.event in events:
                gov, dep = events[ev.id], events[lk.event]
                cas.add(link(begin=dep.begin, end=dep.end, Governor=gov, Dependent=dep, linkType=lk.type, order=n))
    stance = ts.get_type(T.STANCE)
    for n, st in enumerate(model.stances.values(), 1):
        cas.add(stance(begin=st.evidence[0], end=st.evidence[1], id=st.id, holder=st.holder, target=st.target,
                       polarity=st.polarity, origin=st.origin, note=st.note, order=n))
    return cas


def _mentions(cas, model: Doc) -> dict[tuple[str, tuple[int, int]], Any]:
    mention = T.typesystem().get_type(T.MENTION)
    out = {}
    for e, ent in enumerate(model.entities.values(), 1):
        for m, ((start, end), kind) in enumerate(ent.mentions.items(), 1):
            out[(ent.id, (start, end))] = fs = mention(
                begin=start, end=end, entity=ent.id, kind=kind, entityType=ent.type, entityName=ent.name,
                kbId=ent.kb_id, aliases=_joined(ent.aliases, "; "), members=_joined(ent.members, " "),
                origin=ent.origin, note=ent.note, order=m, entityOrder=e)
            cas.add(fs)
    return out


def _times(cas, model: Doc) -> dict[str, Any]:
    time = T.typesystem().get_type(T.TIME)
    out = {}
    for n, t in enumerate(model.times.values(), 1):
        out[t.id] = fs = time(begin=t.span[0], end=t.span[1], id=t.id, timexType=t.type, value=t.value,
                              origin=t.origin, note=t.note, order=n)
        cas.add(fs)
    return out


def _nearest(mentions: dict[tuple[str, tuple[int, int]], Any], entity: str, trigger: tuple[int, int]):
    """The entity's mention closest to the trigger: the slot filler of an implied argument."""
    own = [(span, fs) for (eid, span), fs in mentions.items() if eid == entity]
    return min(own, key=lambda item: (max(0, item[0][0] - trigger[1], trigger[0] - item[0][1]), item[0]))[1]


def _events(cas, model: Doc, mentions, times) -> dict[str, Any]:
    ts = T.typesystem()
    event, arg_link, value = ts.get_type(T.EVENT), ts.get_type(T.ARG_LINK), ts.get_type(T.VALUE)
    fsarray = ts.get_type(T.FSARRAY)
    out = {}
    for n, ev in enumerate(model.events.values(), 1):
        links, implied = [], []
        for a in ev.arguments:
            if a.time is not None:
                target = times[a.time]
            elif a.entity is not None and a.span is not None:
                target = mentions[(a.entity, a.span)]
            elif a.entity is not None:
                target = _nearest(mentions, a.entity, ev.trigger)
                implied.append(f"{a.role} {a.entity}")
            else:
                target = value(begin=a.span[0], end=a.span[1])
                cas.add(target)
            links.append(arg_link(role=a.role, target=target))
        cross = "; ".join(f"{lk.type} {lk.event}" for lk in ev.links if "#" in lk.event)
        out[ev.id] = fs = event(
            begin=ev.trigger[0], end=ev.trigger[1], id=ev.id, eventType=ev.type, cameo=ev.cameo, realis=ev.realis,
            modality=ev.modality, arguments=fsarray(elements=links), impliedArguments="; ".join(implied) or None,
            crossDocLinks=cross or None, origin=ev.origin, note=ev.note, order=n)
        cas.add(fs)
    return out


def document_xmi(doc_id: str, text: str, ann: dict[str, Any]) -> str:
    return document_cas(doc_id, text, ann).to_xmi(pretty_print=True)
