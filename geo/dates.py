"""Partial ISO 8601 dates and the time window that selects events.

A date may be given at any precision: ``2014`` (the whole year), ``2015-08``
(the whole month), ``2020-11-08`` (the whole day), or a date-time. Each covers
a half-open period ``[lo, hi)`` in milliseconds since 1970-01-01 UTC. ``..``
is an open end (ISO 8601-2), covering all time on its side.

EDTF qualifiers (ISO 8601-2) say how sure a date is: ``2014?`` (uncertain),
``2015-08~`` (approximate), ``2016%`` (both), and ``[2019..2021]`` (one time
in a range: "between"; ``[..2016]`` is "before", ``[2015..]`` "after"). The
text is kept as written; the qualifier is carried beside the period.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from eventmap.geo.brief import shorten
from eventmap.geo.errors import EventmapError

PRECISIONS = ("year", "month", "day", "minute", "second")
OPEN_TEXT = ".."
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_DAY_MS = 86_400_000.0

# The supported dates, decided here once: every instant an event covers lies in
# [MIN_MS, MAX_MS), the years 1-9998 in UTC. Python's datetime ends at year 9999
# and starts at year 1; a year-1 date with a positive zone offset (0001-01-01T00:30+01:00)
# is year 0 in UTC and could not be shown. The slider steps one period past the
# data, so the last year datetime can hold is kept free.
MIN_YEAR, MAX_YEAR = 1, 9998
MIN_MS = (datetime(MIN_YEAR, 1, 1, tzinfo=timezone.utc) - _EPOCH) / timedelta(milliseconds=1)
MAX_MS = (datetime(MAX_YEAR + 1, 1, 1, tzinfo=timezone.utc) - _EPOCH) / timedelta(milliseconds=1)
RANGE_TEXT = f"the years {MIN_YEAR}-{MAX_YEAR} (UTC)"

_ISO = re.compile(
    r"""^(?P<year>[+-]?\d{4})
        (?:-(?P<month>\d{2})
          (?:-(?P<day>\d{2})
            (?:[T\ ](?P<hour>\d{2}):(?P<minute>\d{2})
              (?::(?P<second>\d{2})(?:[.,](?P<frac>\d+))?)?
              (?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?
            )?
          )?
        )?$""",
    re.VERBOSE | re.ASCII,
)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date at a stated precision, covering the period ``[lo, hi)`` (epoch ms)."""

    text: str
    precision: str
    lo: float
    hi: float
    qualifier: str = ""  # "", "uncertain", "approximate", "approximate uncertain", "between", "before", "after"

    @property
    def is_open(self) -> bool:
        return self.precision == "open"

    def __str__(self) -> str:
        return self.text


OPEN = PartialDate(OPEN_TEXT, "open", -math.inf, math.inf)


def in_range(lo: float, hi: float) -> bool:
    """Whether the period ``[lo, hi)`` (epoch ms; infinite for open ends) lies within the supported dates."""
    return (lo == -math.inf or MIN_MS <= lo < MAX_MS) and (hi == math.inf or MIN_MS < hi <= MAX_MS)


def clamp_ms(ms: float) -> float:
    """``ms`` moved into the supported dates (infinities kept): for showing, never for data."""
    if ms != ms:
        return ms
    if math.isinf(ms):
        return ms
    return min(max(ms, MIN_MS), MAX_MS)


def ascii_digits(text: str) -> str:
    """``text`` with full-width and other non-ASCII decimal digits (Arabic-Indic, Devanagari...) as ASCII.

    Full-width punctuation (``－``, ``：``) becomes ASCII too (NFKC). ASCII text is returned unchanged.
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


def _ms(moment: datetime) -> float:
    return (moment - _EPOCH) / timedelta(milliseconds=1)


def _zone(text: str | None) -> timezone:
    if not text or text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("bad time zone offset")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


@lru_cache(maxsize=65536)
def parse_date(text: str) -> PartialDate:
    """Parse an ISO 8601 date at year, month, day or date-time precision.

    Date-times without a zone are taken as UTC. ``..`` gives the open end.
    Non-ASCII digits (full-width, Arabic-Indic) are read as their ASCII
    digits, and the date's text is the ASCII form.

    Raises
    ------
    EventmapError
        If ``text`` is not such a date, names a day that does not exist, or
        falls outside the supported dates (:data:`RANGE_TEXT`) in UTC.
    """
    if not isinstance(text, str):
        raise EventmapError(f"{shorten(text)!r} is not a date (expected text like 2020-11-08)")
    date = _parse_date(ascii_digits(text).strip(), text)
    if not date.is_open and not in_range(date.lo, date.hi):
        raise EventmapError(f"{shorten(text)!r} is outside {RANGE_TEXT}, the dates eventmap supports")
    return date


def _parse_date(stripped: str, text: str) -> PartialDate:
    if stripped == OPEN_TEXT:
        return OPEN
    if stripped[-1:] in _QUALIFIERS or stripped[:1] == "[":
        return _parse_qualified(stripped)
    match = _ISO.match(stripped)
    if not match:
        raise EventmapError(f"{shorten(text)!r} is not an ISO 8601 date (expected 2014, 2015-08 or 2020-11-08)")
    parts = match.groupdict()
    year = int(parts["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise EventmapError(f"{shorten(text)!r}: year {year} is outside {RANGE_TEXT}, the dates eventmap supports")
    try:
        if parts["month"] is None:
            lo = datetime(year, 1, 1, tzinfo=timezone.utc)
            return PartialDate(stripped, "year", _ms(lo), _ms(datetime(year + 1, 1, 1, tzinfo=timezone.utc)))
        month = int(parts["month"])
        if parts["day"] is None:
            lo = datetime(year, month, 1, tzinfo=timezone.utc)
            hi = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=timezone.utc)
            return PartialDate(stripped, "month", _ms(lo), _ms(hi))
        day = int(parts["day"])
        if parts["hour"] is None:
            lo = datetime(year, month, day, tzinfo=timezone.utc)
            return PartialDate(stripped, "day", _ms(lo), _ms(lo) + _DAY_MS)
        zone = _zone(parts["zone"])
        second = int(parts["second"] or 0)
        micro = int((parts["frac"] or "0")[:6].ljust(6, "0"))
        moment = datetime(year, month, day, int(parts["hour"]), int(parts["minute"]), second, micro, tzinfo=zone)
        precision = "minute" if parts["second"] is None else "second"
        step = 60_000.0 if precision == "minute" else 1_000.0
        return PartialDate(stripped, precision, _ms(moment), _ms(moment) + step)
    except ValueError as exc:
        raise EventmapError(f"{shorten(text)!r} is not a real date ({exc})") from None


_QUALIFIERS = {"?": "uncertain", "~": "approximate", "%": "approximate uncertain"}


def _parse_qualified(text: str) -> PartialDate:
    """An EDTF-qualified date (``2014?``, ``2015-08~``, ``[2019..2021]``), its text kept as written."""
    if text[:1] == "[":
        if not text.endswith("]") or ".." not in text:
            raise EventmapError(f"{shorten(text)!r} is not a date range (expected [2019..2021], [..2016] or [2015..])")
        first, _, last = text[1:-1].partition("..")
        if "," in first or "," in last or "[" in first:
            raise EventmapError(f"{shorten(text)!r}: only one range [A..B] is read, not a list")
        if not first.strip() and not last.strip():
            raise EventmapError(f"{shorten(text)!r}: a range needs at least one end")
        lo_date = parse_date(first) if first.strip() else OPEN
        hi_date = parse_date(last) if last.strip() else OPEN
        if lo_date.qualifier or hi_date.qualifier:
            raise EventmapError(f"{shorten(text)!r}: qualifiers inside a range are not read")
        if lo_date.lo >= hi_date.hi:
            raise EventmapError(f"{shorten(text)!r}: the range ends before it starts")
        qualifier = "between" if first.strip() and last.strip() else ("before" if last.strip() else "after")
        precision = (hi_date if lo_date.is_open else lo_date).precision
        return PartialDate(text, precision, lo_date.lo, hi_date.hi, qualifier)
    base = parse_date(text[:-1])
    if base.is_open or base.qualifier:
        raise EventmapError(f"{shorten(text)!r} is not a date with one qualifier (expected 2014?, 2015-08~ or 2016%)")
    return PartialDate(text, base.precision, base.lo, base.hi, _QUALIFIERS[text[-1]])


def date_from_ms(ms: float, precision: str = "day") -> PartialDate:
    """The partial date of the given precision containing the instant ``ms``.

    An instant outside the supported dates gives the nearest supported one.
    """
    moment = _utc(ms)
    day = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"  # not strftime: %Y drops zeros before 1000
    if precision == "year":
        return parse_date(f"{moment.year:04d}")
    if precision == "month":
        return parse_date(f"{moment.year:04d}-{moment.month:02d}")
    if precision == "day":
        return parse_date(day)
    if precision == "minute":
        return parse_date(f"{day}T{moment.hour:02d}:{moment.minute:02d}Z")
    return parse_date(f"{day}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z")


def _utc(ms: float) -> datetime:
    # Clamped, so that no instant a window or label is given can overflow datetime.
    return _EPOCH + timedelta(milliseconds=min(max(ms, MIN_MS), MAX_MS - 1))


def format_date(date: PartialDate | None) -> str:
    """A date for people, at its own precision: ``2014``, ``Aug 2015``, ``13 Oct 2024``."""
    if date is None:
        return "undated"
    if date.is_open:
        return "open"
    if date.qualifier:
        return _format_qualified(date)
    moment = _utc(date.lo)
    if date.precision == "year":
        return f"{moment.year}"
    if date.precision == "month":
        return f"{MONTHS[moment.month - 1]} {moment.year}"
    day = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    if date.precision == "day":
        return day
    clock = moment.strftime("%H:%M" if date.precision == "minute" else "%H:%M:%S")
    return f"{day} {clock} UTC"


def _format_qualified(date: PartialDate) -> str:
    """``c. Aug 2015``, ``2014?``, ``between 2019 and 2021``, ``in or before 2016``, ``in or after 2015``."""
    plain = lambda lo, hi: format_date(PartialDate("", date.precision, lo, hi))  # noqa: E731
    if date.qualifier in ("between", "before", "after"):
        first = plain(date.lo, date.lo + 1) if math.isfinite(date.lo) else ""
        last = plain(date.hi - 1, date.hi) if math.isfinite(date.hi) else ""
        if date.qualifier == "before":
            return f"in or before {last}"
        if date.qualifier == "after":
            return f"in or after {first}"
        return f"between {first} and {last}"
    text = plain(date.lo, date.hi)
    if date.qualifier == "approximate":
        return f"c. {text}"
    if date.qualifier == "uncertain":
        return f"{text}?"
    return f"c. {text}?"


def format_span(start: PartialDate | None, end: PartialDate | None) -> str:
    """An event's dates for people: ``13 Oct 2024 – 27 Oct 2024``, ``from 2014``."""
    if start is None and end is None:
        return "undated"
    if end is None or end == start:
        return format_date(start)
    if start is None or start.is_open:
        return "until " + format_date(end) if not end.is_open else "undated"
    if end.is_open:
        return "from " + format_date(start)
    return f"{format_date(start)} – {format_date(end)}"


def span_is_valid(start: PartialDate | None, end: PartialDate | None) -> bool:
    """Whether an event may run from ``start`` to ``end``: the one rule the form and every reader apply.

    The end's period must finish after the start's period begins, so an event
    may end on the day it starts (or later), never before: start 2020-11-08
    with end 2020-11-07 is refused. A missing or open end is always fine.
    """
    return start is None or end is None or end.hi > start.lo


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The period ``[lo, hi)`` of the map, in epoch milliseconds.

    An event is shown when any part of it overlaps the window. The default
    window is all time.
    """

    lo: float = -math.inf
    hi: float = math.inf

    def __post_init__(self) -> None:
        # A window never holds an instant outside the supported dates (infinite ends stay open).
        object.__setattr__(self, "lo", clamp_ms(self.lo))
        object.__setattr__(self, "hi", clamp_ms(self.hi))

    @classmethod
    def all_time(cls) -> TimeWindow:
        return cls()

    @classmethod
    def year(cls, year: int) -> TimeWindow:
        """Exactly the calendar year ``year``."""
        date = parse_date(f"{int(year):04d}")
        return cls(date.lo, date.hi)

    @classmethod
    def between(cls, first: str | None, last: str | None) -> TimeWindow:
        """From the start of ``first`` to the end of ``last`` (both partial dates, inclusive)."""
        lo = parse_date(first).lo if first else -math.inf
        hi = parse_date(last).hi if last else math.inf
        if lo >= hi:
            raise EventmapError(f"the window ends ({last}) before it starts ({first})")
        return cls(lo, hi)

    @property
    def is_all_time(self) -> bool:
        return self.lo == -math.inf and self.hi == math.inf

    def overlaps(self, lo: float, hi: float) -> bool:
        """Whether a period ``[lo, hi)`` shares any time with the window."""
        return lo < self.hi and hi > self.lo

    def label(self) -> str:
        """The window for people: ``All time``, ``2020``, ``Oct 2024``, ``1 Sep 2024 – 31 Oct 2024``."""
        return window_label(self.lo, self.hi)


def window_label(lo: float, hi: float) -> str:
    """Label a period ``[lo, hi)`` at the coarsest precision that states it exactly."""
    if lo == -math.inf and hi == math.inf:
        return "All time"
    if lo == -math.inf:
        return "until " + format_date(date_from_ms(hi - 1))
    if hi == math.inf:
        return "from " + format_date(date_from_ms(lo))
    first, last = _utc(lo), _utc(hi - 1)
    if _is_midnight(lo) and _is_midnight(hi):
        if first.month == 1 and first.day == 1 and last.month == 12 and last.day == 31:
            return str(first.year) if first.year == last.year else f"{first.year} – {last.year}"
        if first.day == 1 and _utc(hi).day == 1:
            a, b = format_date(date_from_ms(lo, "month")), format_date(date_from_ms(hi - 1, "month"))
            return a if a == b else f"{a} – {b}"
        a, b = format_date(date_from_ms(lo)), format_date(date_from_ms(hi - 1))
        return a if a == b else f"{a} – {b}"
    a, b = format_date(date_from_ms(lo, "minute")), format_date(date_from_ms(hi - 1, "minute"))
    return f"{a} – {b}"


def _is_midnight(ms: float) -> bool:
    return ms % _DAY_MS == 0
