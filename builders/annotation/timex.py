"""Time expressions -> TIMEX3 values, and an event's date from its time argument.

An annotator may leave a time expression's ``value`` out; the builder then normalises the text
with dateparser relative to the document's publication date (``RELATIVE_BASE``, dates preferred
from the past, as news reports past events). Only ``DATE`` and ``TIME`` expressions are
normalised: dateparser reads "three days" as a date three days back, not as a duration. Without a
publication date, a value is kept only when it does not depend on the base date (parsed against
two far-apart bases, both give it): "January 11, 2024" is normalised, "yesterday" is not.
Nothing here reads the clock, the network or the machine's time zone, so the value is the same on
every machine and in every build.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

NORMALISABLE = ("DATE", "TIME")
_PROBES = (dt.datetime(1987, 3, 4, 12, 0), dt.datetime(2013, 10, 17, 12, 0))  # bases for a publication date unknown
_DATE_PREFIX = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?=$|T)")


@cache
def _parser(base: dt.datetime) -> Any:
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True,
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=["en"], settings=settings)


def _part_of_day(hour: int) -> str:
    return "MO" if hour < 12 else "AF" if hour < 17 else "EV" if hour < 20 else "NI"


def _value(text: str, base: dt.datetime) -> str | None:
    data = _parser(base).get_date_data(text)
    when, period = data.date_obj, data.period
    if when is None:
        return None
    day = when.strftime("%Y-%m-%d")
    if period == "year":
        return when.strftime("%Y")
    if period == "month":
        return when.strftime("%Y-%m")
    if period == "week":
        year, week, _ = when.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if period == "part_of_day":
        return f"{day}T{_part_of_day(when.hour)}"
    if period == "time":
        return f"{day}T{when.strftime('%H:%M')}"
    return day


def normalise(text: str, timex_type: str, published: str | None) -> str | None:
    """The TIMEX3 value of a DATE or TIME expression, or None when it cannot be normalised."""
    if timex_type not in NORMALISABLE:
        return None
    try:
        if published is not None:
            return _value(text, dt.datetime.fromisoformat(published).replace(hour=12))
        values = {_value(text, base) for base in _PROBES}
    except (ValueError, OverflowError):  # a date dateparser cannot represent: no value, never a crash
        return None
    return values.pop() if len(values) == 1 else None


def event_date(value: str | None, timex_type: str | None) -> str | None:
    """An event's date from its time expression: a DATE or TIME value cut to day, month or year."""
    if value is None or timex_type not in NORMALISABLE:
        return None
    match = _DATE_PREFIX.match(value)
    if match is None:  # a week, a season, PAST_REF ...: no calendar date to give
        return None
    return "-".join(part for part in match.groups() if part)
