"""Calendar periods the time slider steps through: days, weeks, months, quarters, years.

A :class:`Step` is the length of a time window. Calendar steps follow the
calendar (a month after 1 Jan is 1 Feb; weeks start on Monday); a ``span``
step is a fixed length, such as the 61 days of a window from 1 Sep to 31 Oct,
counted from an origin. Times are epoch milliseconds UTC, as in :mod:`geo.dates`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

UNITS = ("day", "week", "month", "quarter", "year")
DAY_MS = 86_400_000.0
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


def _utc(ms: float) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


def year_of(ms: float) -> int:
    """The calendar year (UTC) containing the instant ``ms``."""
    return _utc(ms).year


def _month_number(ms: float) -> int:
    moment = _utc(ms)
    return moment.year * 12 + moment.month - 1


def _month_start(number: int) -> float:
    moment = datetime(number // 12, number % 12 + 1, 1, tzinfo=timezone.utc)
    return (moment - _EPOCH) / timedelta(milliseconds=1)


@dataclass(frozen=True)
class Step:
    """A window length: a calendar unit, or a fixed ``span`` in milliseconds.

    Attributes
    ----------
    unit
        One of :data:`UNITS`, or ``"span"``.
    span
        The length of a ``span`` step in milliseconds (unused otherwise).
    """

    unit: str
    span: float = 0.0

    def __post_init__(self) -> None:
        if self.unit not in UNITS and self.unit != "span":
            raise ValueError(f"unknown step unit {self.unit!r}")
        if self.unit == "span" and not (math.isfinite(self.span) and self.span > 0):
            raise ValueError("a span step needs a positive finite length")

    def floor(self, ms: float, origin: float = 0.0) -> float:
        """The start of the period containing ``ms`` (span periods are counted from ``origin``)."""
        if self.unit == "span":
            return origin + math.floor((ms - origin) / self.span) * self.span
        day = math.floor(ms / DAY_MS) * DAY_MS
        if self.unit == "day":
            return day
        if self.unit == "week":
            weekday = (int(day // DAY_MS) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
            return day - weekday * DAY_MS
        per = _MONTHS_PER[self.unit]
        return _month_start(_month_number(ms) // per * per)

    def add(self, start: float, count: int) -> float:
        """The start of the period ``count`` periods after the one starting at ``start``."""
        if self.unit == "span":
            return start + count * self.span
        if self.unit in ("day", "week"):
            return start + count * DAY_MS * (7 if self.unit == "week" else 1)
        return _month_start(_month_number(start) + count * _MONTHS_PER[self.unit])

    def index(self, origin: float, ms: float) -> int:
        """How many periods after the one starting at ``origin`` the period containing ``ms`` is."""
        if self.unit == "span":
            return math.floor((ms - origin) / self.span)
        start = self.floor(ms, origin)
        if self.unit in ("day", "week"):
            return round((start - origin) / (DAY_MS * (7 if self.unit == "week" else 1)))
        return (_month_number(start) - _month_number(origin)) // _MONTHS_PER[self.unit]

    def window(self, origin: float, index: int) -> tuple[float, float]:
        """The period ``[lo, hi)`` number ``index`` after the one starting at ``origin``."""
        lo = self.add(origin, index)
        return lo, self.add(lo, 1)

    def label(self) -> str:
        """The length for people: ``Month``, ``61 days``, ``6 h``."""
        if self.unit != "span":
            return self.unit.capitalize()
        days = self.span / DAY_MS
        if days == int(days):
            return f"{int(days)} day" + ("s" if days != 1 else "")
        hours = self.span / 3_600_000
        if hours == int(hours):
            return f"{int(hours)} h"
        return f"{self.span / 60_000:g} min"


def step_of_window(lo: float, hi: float, prefer: Step | None = None) -> Step | None:
    """The step of which ``[lo, hi)`` is exactly one period, or None for an unbounded window.

    ``prefer`` wins when it fits (a week is also a 7-day span); otherwise the
    calendar unit that fits, otherwise a span of the window's length.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return None
    candidates = ([prefer] if prefer is not None else []) + [Step(u) for u in UNITS]
    for step in candidates:
        if step.unit == "span" and step.span == hi - lo:
            return step
        if step.unit != "span" and step.floor(lo) == lo and step.add(lo, 1) == hi:
            return step
    return Step("span", hi - lo)


def auto_step(lo: float, hi: float, max_periods: int = 400) -> Step:
    """The finest calendar unit that cuts ``[lo, hi)`` into at most ``max_periods`` periods."""
    for unit in UNITS:
        step = Step(unit)
        if step.index(step.floor(lo), hi - 1) + 1 <= max_periods:
            return step
    return Step("year")


def default_step(lo: float, hi: float) -> Step:
    """A comfortable length for stepping through ``[lo, hi)``: about 12 to 200 steps."""
    days = (hi - lo) / DAY_MS
    if days <= 60:
        return Step("day")
    if days <= 400:
        return Step("week")
    if days <= 366 * 16:
        return Step("month")
    return Step("year")


def period_starts(step: Step, lo: float, hi: float, origin: float | None = None) -> np.ndarray:
    """The edges of the periods covering ``[lo, hi)``: each start, then the end of the last."""
    origin = step.floor(lo) if origin is None else origin
    first = step.index(origin, lo)
    last = step.index(origin, hi - 1) if hi > lo else first
    return np.array([step.add(origin, k) for k in range(first, last + 2)], dtype=float)


def count_overlapping(sorted_lo: np.ndarray, sorted_hi: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """How many events overlap each period ``[edges[k], edges[k + 1])``.

    ``sorted_lo`` and ``sorted_hi`` are the events' starts and ends, each sorted
    on its own. An event overlaps a period when it starts before the period's
    end and ends after its start, so the count is a difference of two searches.
    """
    if len(edges) < 2:
        return np.zeros(0, dtype=np.int64)
    started = np.searchsorted(sorted_lo, edges[1:], side="left")
    ended = np.searchsorted(sorted_hi, edges[:-1], side="right")
    return (started - ended).astype(np.int64)


def event_starts(lo: np.ndarray) -> np.ndarray:
    """The distinct finite event starts, sorted (what next / previous event steps through)."""
    return np.unique(lo[np.isfinite(lo)])


def step_event(starts: np.ndarray, after: float, forward: bool = True) -> float | None:
    """The first of the sorted ``starts`` strictly after (before) ``after``, or None."""
    if forward:
        i = np.searchsorted(starts, after, side="right")
        return float(starts[i]) if i < len(starts) else None
    i = np.searchsorted(starts, after, side="left") - 1
    return float(starts[i]) if i >= 0 else None
