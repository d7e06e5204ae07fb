"""Which lines of a scraped web page are boilerplate: explicit rules, then a jusText-style classifier.

Used by the ``text`` shape of the cleaner (builders/clean.py); pure, line by line. Each dropped line
gets the name of the rule that dropped it, so the offset map says why.

Explicit rules (decided on the line alone, HTML entities decoded and white space collapsed):
``skip-link``, ``advertisement``, ``navigation`` (menus, breadcrumbs: runs of ``|``, ``›``, ``»``
...), ``byline`` and ``page-dateline`` (the page's, standing alone: a story's dateline is part of
its first paragraph), ``share-row``, ``related-link`` (``Related:``, ``Read more``), ``reporting-credit``
(``Reporting by ...; Editing by ...``), ``copyright-footer`` (``©``, ``All rights reserved``, terms).

Then ``boilerplate``, the classifier of jusText (Pomikálek 2011, "Removing boilerplate and
duplicate content from web corpora"): each line is context-free ``good`` (long, many stop words),
``neargood``, ``short`` or ``bad`` (few stop words; short all-caps lines); short and near-good
lines then take the class of their non-short neighbours, and a short heading-like line before good
text is kept. Three departures, all so that an article is not cut without evidence: the start and
end of the document are neutral (jusText counts them as bad); a long line that ends a sentence and
has some stop words (news paragraphs dense with names) is near-good, so it goes with its
neighbours; and a document with no good line at all loses nothing to the classifier. Stop words
are spaCy's for the document's language (spaCy is already a dependency, with lists for ~70
languages; a language it lacks gets the explicit rules only).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

RULES = ("skip-link", "advertisement", "navigation", "byline", "page-dateline", "share-row", "related-link",
         "reporting-credit", "copyright-footer", "boilerplate")

# jusText's defaults (justext.core): lengths in characters, densities as shares of words
LENGTH_LOW, LENGTH_HIGH = 70, 200
STOPWORDS_LOW, STOPWORDS_HIGH = 0.30, 0.32
MAX_HEADING_DISTANCE = 200
STOPWORDS_PROSE = 0.15  # ours: a sentence dense with names is near-good, not bad (see below)

_WORD = re.compile(r"\w+(?:['\u2019.-]\w+)*")
_SEPARATOR = re.compile(r"(?:^|\s)(?:\||›|»|>|/|•|·|–|—|::)(?=\s|$)")
_SKIP = re.compile(r"^(?:skip|jump) to (?:the )?(?:main )?(?:content|navigation|article|search)$|^skip navigation$", re.I)
_AD = re.compile(r"^(?:advertisement|advertising|sponsored(?: content)?|ad|paid content|"
                 r"(?:story|article) continues (?:below|after)(?: this)?(?: advertisement| ad)?|scroll to continue(?: with content)?)$", re.I)
_UI = re.compile(r"^(?:menu|search|sign in|log in|sign up|subscribe|newsletters?|home|close|more|back to top|"
                 r"accessibility help|sections?|trending|live|watch live|open menu|toggle navigation)$", re.I)
_NAME = r"[A-Z][\w.'\u2019-]*(?:\s+(?:[A-Z][\w.'\u2019-]*|van|von|de|der|da|al|bin|el))*"
_BYLINE = re.compile(rf"^(?:(?i:written|words|text|story) )?(?i:by)\s+{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*"
                     rf"(?:\s+in\s+{_NAME})?(?:\s*(?:,|\||·|–|—|-)\s*(?:{_NAME}|.*\d.*))?$")
_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec").split()
_DAYS = "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun".split()
_DATE_WORDS = frozenset(_MONTHS + _DAYS + "am pm a.m p.m at on of the utc gmt est edt pst pdt cet cest bst ist jst kst "
                        "updated published posted modified last first hours hour ago minutes minute min mins h".split())
_DATE_PREFIX = re.compile(r"^(?:last |first )?(?:updated|published|posted|modified|date)\b", re.I)
_SHARE_WORDS = frozenset("share shares sharing this article story page on via tweet email e-mail mail facebook twitter x "
                         "linkedin whatsapp reddit print copy link copied pinterest telegram messenger flipboard "
                         "comment comments save bookmark gift".split())
_RELATED = re.compile(r"^(?:related(?: (?:stories|articles|coverage|content|topics|news|reading))?|read more|read also|also read|"
                      r"see also|more on this(?: story| topic)?|recommended(?: stories| reading| for you)?|most (?:read|popular|viewed)|"
                      r"you may also like|you might also like|further reading|read next|more stories|top stories|"
                      r"more from [\w .'-]{1,40}|watch)\s*(?::|›|»|\||-|–|—|\.{3}|…|$)", re.I)
_CREDIT = re.compile(r"^\(?\s*(?:(?:additional |writing and )?reporting|writing|editing|compiled|produced|graphics|research|"
                     r"photos?|video) by\b|contributed (?:to )?(?:this )?report(?:ing)?\.?\)?$", re.I)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved|terms (?:of|and) (?:use|service|conditions)|"
                        r"privacy (?:policy|notice)|cookie (?:policy|settings|preferences)|trust principles", re.I)
_HEADING_END = re.compile(r"[.!?:;,]$")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*$")


def _norm(line: str) -> str:
    return " ".join(html.unescape(line).replace("\u200b", "").replace("\u00ad", "").split())


@lru_cache(maxsize=None)
def stop_words(language: str | None) -> frozenset[str]:
    """spaCy's stop words for a language code (``en``, ``de`` ...); empty when spaCy has none."""
    if not language:
        return frozenset()
    try:
        from spacy.util import get_lang_class

        return frozenset(w.lower() for w in get_lang_class(language.split("-")[0].lower()).Defaults.stop_words)
    except Exception:  # an unknown language: no classifier, explicit rules only
        return frozenset()


def _is_date(s: str) -> bool:
    body = _DATE_PREFIX.sub("", s, count=1)
    tokens = re.findall(r"[^\s,|·:/–—-]+", body.lower())
    has_date = any(t.strip(".") in _MONTHS for t in tokens) or bool(re.search(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", body))
    if not tokens or not has_date:
        return False
    return all(t.strip(".") in _DATE_WORDS or re.fullmatch(r"\d{1,4}(?:st|nd|rd|th)?\.?|\d{1,2}[:.]\d{2}(?:[ap]m)?|"
                                                          r"\(?(?:gmt|utc)[+-]\d{1,2}\)?|\d{4}-\d{2}-\d{2}t?[\d:.z+-]*|"
                                                          r"\d{1,2}/\d{1,2}/\d{2,4}", t) for t in tokens)


def _is_share_row(s: str) -> bool:
    if len(s) > 160:
        return False
    words = [w.lower() for w in re.findall(r"[\w-]+", s)]
    hits = sum(w in _SHARE_WORDS for w in words)
    return bool(words) and len(words) <= 12 and hits >= 2 and hits / len(words) >= 0.8 and \
        any(w in ("share", "tweet", "facebook", "twitter", "whatsapp", "linkedin", "email", "print") for w in words)


def explicit_rule(line: str) -> str | None:
    """The explicit rule that drops this line, if any."""
    return _explicit(_norm(line))


def _explicit(s: str) -> str | None:
    if not s:
        return None
    if _SKIP.match(s):
        return "skip-link"
    if _AD.match(s):
        return "advertisement"
    short = len(s) < 300
    separators = len(_SEPARATOR.findall(s)) if short else 0
    words = _WORD.findall(s) if short else ()
    if _UI.match(s) or (separators >= 2 and len(words) <= 6 * (separators + 1)):
        return "navigation"
    if _RELATED.match(s):
        return "related-link"
    if len(s) <= 120 and _CREDIT.search(s):
        return "reporting-credit"
    if len(s) <= 120 and _BYLINE.match(s.removesuffix(".")) and (not s.endswith(".") or len(words) <= 8):
        return "byline"
    if len(s) <= 100 and _is_date(s):
        return "page-dateline"
    if _is_share_row(s):
        return "share-row"
    if short and _COPYRIGHT.search(s):
        return "copyright-footer"
    return None


def _context_free(s: str, stop: frozenset[str]) -> tuple[str, bool]:
    """jusText's context-free class of one line, and whether it looks like a heading."""
    words = _WORD.findall(s)
    if len(s) < LENGTH_LOW:
        letters = [c for c in s if c.isalpha()]
        caps = len(letters) >= 3 and all(c.isupper() for c in letters)
        heading = not caps and bool(words) and s[0].isupper() and not _HEADING_END.search(s) and len(words) <= 12
        return ("bad" if caps else "short"), heading
    # the stop words counted in C (map, no generator frame per word): the same sum of booleans
    density = sum(map(stop.__contains__, map(str.lower, words))) / len(words) if words else 0.0
    if density >= STOPWORDS_HIGH:
        return ("good" if len(s) > LENGTH_HIGH else "neargood"), False
    if density >= STOPWORDS_LOW or (density >= STOPWORDS_PROSE and _SENTENCE_END.search(s)):
        return "neargood", False
    return "bad", False


def _neighbour(classes: list[str], i: int, step: int, ignore_neargood: bool) -> str | None:
    """The class of the nearest non-short line before (step -1) or after (+1); None at the document's edge."""
    i += step
    while 0 <= i < len(classes):
        c = classes[i]
        if c in ("good", "bad") or (c == "neargood" and not ignore_neargood):
            return c
        i += step
    return None


def _pair(prev: str | None, nxt: str | None) -> tuple[str | None, str | None]:
    """A document edge is neutral: it takes the class on the other side."""
    return (prev or nxt, nxt or prev)


def _good_ahead(classes: list[str], lengths: list[int], k: int) -> bool:
    """A good line follows line ``k`` within ``MAX_HEADING_DISTANCE`` characters (jusText's heading rule)."""
    distance, j = 0, k + 1
    while j < len(classes) and distance <= MAX_HEADING_DISTANCE:
        if classes[j] == "good":
            return True
        distance += lengths[j]
        j += 1
    return False


def classify(lines: list[str], language: str | None = "en", fixed: dict[int, str] | None = None) -> list[str | None]:
    """The rule dropping each line (None: kept). Blank lines are skipped (None).

    ``fixed`` gives lines already decided by the cleaner's own line rules (index -> rule); they are
    bad neighbours here and keep their rule.
    """
    fixed = fixed or {}
    stop = stop_words(language)
    rules: list[str | None] = [None] * len(lines)
    idx: list[int] = []  # the non-blank lines, in order
    cf: list[str] = []
    headings: list[bool] = []
    lengths: list[int] = []
    for i, line in enumerate(lines):
        s = _norm(line)
        if not s:
            continue
        rule = fixed.get(i) or _explicit(s)
        rules[i] = rule
        c, heading = ("bad", False) if rule else (_context_free(s, stop) if stop else ("good", False))
        idx.append(i)
        cf.append(c)
        headings.append(heading)
        lengths.append(len(s))
    if not stop or "good" not in cf:
        return rules
    classes = list(cf)
    for k, c in enumerate(cf):  # short headings before good text
        if headings[k] and c == "short" and _good_ahead(classes, lengths, k):
            classes[k] = "neargood"
    revised = list(classes)
    for k, c in enumerate(classes):
        if c != "short":
            continue
        prev, nxt = _pair(_neighbour(classes, k, -1, True), _neighbour(classes, k, 1, True))
        if prev is None or (prev == "good" and nxt == "good"):
            revised[k] = "good"
        elif prev == "bad" and nxt == "bad":
            revised[k] = "bad"
        elif (prev == "bad" and _neighbour(classes, k, -1, False) == "neargood") or \
                (nxt == "bad" and _neighbour(classes, k, 1, False) == "neargood"):
            revised[k] = "good"
        else:
            revised[k] = "bad"
    for k, c in enumerate(classes):
        if c == "neargood":
            prev, nxt = _pair(_neighbour(revised, k, -1, True), _neighbour(revised, k, 1, True))
            revised[k] = "bad" if (prev, nxt) == ("bad", "bad") else "good"
    for k, c in enumerate(revised):
        if c == "bad" and cf[k] != "bad" and headings[k] and _good_ahead(revised, lengths, k):  # more good headings
            revised[k] = "good"
    for k, i in enumerate(idx):
        if revised[k] == "bad" and rules[i] is None:
            rules[i] = "boilerplate"
    return rules
