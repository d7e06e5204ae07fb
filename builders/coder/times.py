"""Time expressions with TIMEX3 values, normalised against the publication date by a small rule
set (dates, months, weekdays, today/tonight/yesterday, this/last/next week, years)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_M = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
PATTERNS = [
    ("mdy", re.compile(rf"\b{_M}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")),
    ("dmy", re.compile(rf"\b(\d{{1,2}})\s+{_M}\s+(\d{{4}})\b")),
    ("md", re.compile(rf"\b{_M}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b")),
    ("dm", re.compile(rf"\b(\d{{1,2}})\s+{_M}\b")),
    ("my", re.compile(rf"\b{_M}\s+(\d{{4}})\b")),
    ("wd", re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("rel", re.compile(r"\b(today|Today|tonight|Tonight|yesterday|Yesterday|this morning|this week|last week|next week|"
                       r"this year|last year|next year|this month|last month)\b")),
    ("year", re.compile(r"\b(?:in|since|of|by)\s+((?:19|20)\d{2})\b")),
]


@dataclass
class Timex:
    start: int
    end: int
    type: str
    value: str


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_times(text: str, published: str | None) -> list[Timex]:
    pub = None
    if published:
        try:
            pub = dt.date.fromisoformat(str(published)[:10])
        except ValueError:
            pub = None
    out: list[Timex] = []

    def free(s: int, e: int) -> bool:
        return all(e <= t.start or s >= t.end for t in out)

    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            s, e = (m.start(1), m.end(1)) if kind == "year" else (m.start(), m.end())
            if not free(s, e):
                continue
            value, ttype = _value(kind, m, pub)
            if value:
                out.append(Timex(s, e, ttype, value))
    return sorted(out, key=lambda t: t.start)


def _value(kind: str, m: re.Match, pub: dt.date | None) -> tuple[str | None, str]:
    g = m.groups()
    if kind == "mdy":
        d = _date(int(g[2]), MONTHS.index(g[0].lower()) + 1, int(g[1]))
        return (d.isoformat() if d else None), "DATE"
    if kind == "dmy":
        d = _date(int(g[2]), MONTHS.index(g[1].lower()) + 1, int(g[0]))
        return (d.isoformat() if d else None), "DATE"
    if kind in ("md", "dm"):
        month, day = (g[0], g[1]) if kind == "md" else (g[1], g[0])
        mo = MONTHS.index(month.lower()) + 1
        if pub is None:  # the year cannot be resolved: TIMEX3's unspecified year
            return (f"XXXX-{mo:02d}-{int(day):02d}" if 1 <= int(day) <= 31 else None), "DATE"
        d = _date(pub.year, mo, int(day))
        if d and d > pub + dt.timedelta(days=31):  # the nearest date before publication (4.10)
            d = _date(pub.year - 1, mo, int(day))
        return (d.isoformat() if d else None), "DATE"
    if kind == "my":
        return f"{int(g[1]):04d}-{MONTHS.index(g[0].lower()) + 1:02d}", "DATE"
    if kind == "year":
        return g[0], "DATE"
    if kind == "wd":
        if pub is None:
            return None, "DATE"
        back = (pub.weekday() - WEEKDAYS.index(g[0].lower())) % 7
        return (pub - dt.timedelta(days=back)).isoformat(), "DATE"
    word = g[0].lower()
    if pub is None:
        return ("PRESENT_REF" if word in ("today", "tonight", "this morning", "this week", "this year", "this month")
                else "FUTURE_REF" if word.startswith("next") else "PAST_REF"), "DATE"
    iso = pub.isocalendar()
    week = lambda d: f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}"  # noqa: E731
    return {
        "today": (pub.isoformat(), "DATE"), "tonight": (pub.isoformat() + "TNI", "TIME"),
        "this morning": (pub.isoformat() + "TMO", "TIME"),
        "yesterday": ((pub - dt.timedelta(days=1)).isoformat(), "DATE"),
        "this week": (f"{iso[0]}-W{iso[1]:02d}", "DATE"), "last week": (week(pub - dt.timedelta(days=7)), "DATE"),
        "next week": (week(pub + dt.timedelta(days=7)), "DATE"), "this year": (str(pub.year), "DATE"),
        "last year": (str(pub.year - 1), "DATE"), "next year": (str(pub.year + 1), "DATE"),
        "this month": (pub.isoformat()[:7], "DATE"),
        "last month": ((pub.replace(day=1) - dt.timedelta(days=1)).isoformat()[:7], "DATE"),
    }[word]
