"""The timeline the time slider draws: periods from centuries down to seconds, stepping, playing, the axis.

A :class:`Step` is the length of a time window. Calendar steps follow the
calendar (a month after 1 Jan is 1 Feb; weeks start on Monday); fixed steps
(seconds, minutes, hours, days, weeks) are counted in UTC; a ``span`` step is
a fixed length, such as the 61 days of a window from 1 Sep to 31 Oct, counted
from an origin. A :class:`Timeline` numbers the periods of one step over a
dataset's dates: position ``k`` is a window, and a window has a position.
Times are epoch milliseconds UTC, as in :mod:`eventmap.geo.dates`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from eventmap.geo.dates import MAX_MS, MAX_YEAR, MIN_MS, MIN_YEAR, MONTHS, PartialDate

UNITS = ("second", "minute", "hour", "day", "week", "month", "quarter", "year", "decade", "century")
SECOND_MS = 1_000.0
MINUTE_MS = 60_000.0
HOUR_MS = 3_600_000.0
DAY_MS = 86_400_000.0
MAX_POSITIONS = 20_000  # a slider with more positions than this cannot be stepped by hand
_FIXED_MS = {"second": SECOND_MS, "minute": MINUTE_MS, "hour": HOUR_MS, "day": DAY_MS, "week": 7 * DAY_MS}
_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12, "decade": 120, "century": 1200}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MONDAY = 4 * DAY_MS  # 1970-01-05 was a Monday: weeks are counted from there


def _utc(ms: float) -> datetime:
    # Within the supported dates (geo.dates): a period floored or stepped past them stays at their edge.
    return _EPOCH + timedelta(milliseconds=min(max(ms, MIN_MS), MAX_MS))


def year_of(ms: float) -> int:
    """The calendar year (UTC) containing the instant ``ms``."""
    return _utc(ms).year


def _month_number(ms: float) -> int:
    moment = _utc(ms)
    return moment.year * 12 + moment.month - 1


def _month_start(number: int) -> float:
    number = min(max(number, MIN_YEAR * 12), (MAX_YEAR + 1) * 12)  # a decade or century from year 1 starts in year 1, not 0
    moment = datetime(number // 12, number % 12 + 1, 1, tzinfo=timezone.utc)
    return (moment - _EPOCH) / timedelta(milliseconds=1)


@dataclass(frozen=True)
class Step:
    """A window length: a unit of :data:`UNITS`, or a fixed ``span`` in milliseconds.

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

    @property
    def fixed_ms(self) -> float | None:
        """The length in milliseconds when every period is as long (None for months and longer)."""
        return self.span if self.unit == "span" else _FIXED_MS.get(self.unit)

    def floor(self, ms: float, origin: float = 0.0) -> float:
        """The start of the period containing ``ms`` (span periods are counted from ``origin``)."""
        if self.unit == "span":
            return origin + math.floor((ms - origin) / self.span) * self.span
        fixed = _FIXED_MS.get(self.unit)
        if fixed is not None:
            base = _MONDAY if self.unit == "week" else 0.0
            return base + math.floor((ms - base) / fixed) * fixed
        per = _MONTHS_PER[self.unit]
        return _month_start(_month_number(ms) // per * per)

    def add(self, start: float, count: int) -> float:
        """The start of the period ``count`` periods after the one starting at ``start``."""
        fixed = self.fixed_ms
        if fixed is not None:
            return start + count * fixed
        return _month_start(_month_number(start) + count * _MONTHS_PER[self.unit])

    def index(self, origin: float, ms: float) -> int:
        """How many periods after the one starting at ``origin`` the period containing ``ms`` is."""
        if self.unit == "span":
            return math.floor((ms - origin) / self.span)
        start = self.floor(ms, origin)
        fixed = self.fixed_ms
        if fixed is not None:
            return round((start - origin) / fixed)
        return (_month_number(start) - _month_number(origin)) // _MONTHS_PER[self.unit]

    def window(self, origin: float, index: int) -> tuple[float, float]:
        """The period ``[lo, hi)`` number ``index`` after the one starting at ``origin``."""
        lo = self.add(origin, index)
        return lo, self.add(lo, 1)

    def count(self, lo: float, hi: float) -> int:
        """How many periods of this step cover ``[lo, hi)``."""
        origin = self.floor(lo)
        return self.index(origin, max(lo, hi - 1)) + 1

    def label(self) -> str:
        """The length for people: ``Month``, ``Hour``, ``61 days``, ``6 h``, ``90 s``."""
        if self.unit != "span":
            return self.unit.capitalize()
        days = self.span / DAY_MS
        if days == int(days):
            return f"{int(days)} day" + ("s" if days != 1 else "")
        hours = self.span / HOUR_MS
        if hours == int(hours):
            return f"{int(hours)} h"
        minutes = self.span / MINUTE_MS
        if minutes == int(minutes):
            return f"{int(minutes)} min"
        return f"{self.span / SECOND_MS:g} s"


def step_of_window(lo: float, hi: float, prefer: Step | None = None) -> Step | None:
    """The step of which ``[lo, hi)`` is exactly one period, or None for an unbounded window.

    ``prefer`` wins when it fits (a week is also a 7-day span); otherwise the
    unit that fits, otherwise a span of the window's length.
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
    """The finest unit that cuts ``[lo, hi)`` into at most ``max_periods`` periods (the histogram's bins)."""
    for unit in UNITS:
        step = Step(unit)
        if step.count(lo, hi) <= max_periods:
            return step
    return Step(UNITS[-1])


def default_step(lo: float, hi: float) -> Step:
    """A comfortable length for stepping through ``[lo, hi)``: a few to about 200 steps.

    Four hours of data step by the hour, a month by the day, ten years by the
    month, a century by the year.
    """
    length = hi - lo
    days = length / DAY_MS
    if length <= 3 * MINUTE_MS:
        return Step("second")
    if length <= 3 * HOUR_MS:
        return Step("minute")
    if days <= 3:
        return Step("hour")
    if days <= 60:
        return Step("day")
    if days <= 400:
        return Step("week")
    if days <= 366 * 16:
        return Step("month")
    if days <= 366 * 400:
        return Step("year")
    if days <= 366 * 4000:
        return Step("decade")
    return Step("century")


def units_for(lo: float, hi: float) -> list[str]:
    """The window lengths worth offering over ``[lo, hi)``, finest first.

    From the finest unit with at most :data:`MAX_POSITIONS` periods up to the
    first that covers the range in one or two periods.
    """
    units: list[str] = []
    for unit in UNITS:
        count = Step(unit).count(lo, hi)
        if count > MAX_POSITIONS:
            continue
        units.append(unit)
        if count <= 2:
            break
    return units


def period_starts(step: Step, lo: float, hi: float, origin: float | None = None) -> np.ndarray:
    """The edges of the periods covering ``[lo, hi)``: each start, then the end of the last."""
    origin = step.floor(lo) if origin is None else origin
    first = step.index(origin, lo)
    last = step.index(origin, hi - 1) if hi > lo else first
    fixed = step.fixed_ms
    if fixed is not None:
        return origin + np.arange(first, last + 2, dtype=float) * fixed
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


@dataclass(frozen=True)
class Timeline:
    """The positions of one step over a range of dates: position ``k`` is a window ``[lo, hi)``.

    Build it with :func:`timeline_for`. ``count`` positions, numbered from the
    period starting at ``origin``.
    """

    step: Step
    origin: float
    count: int

    @property
    def last(self) -> int:
        return self.count - 1

    def window(self, index: int) -> tuple[float, float]:
        """The window at position ``index``."""
        return self.step.window(self.origin, index)

    def index(self, ms: float) -> int:
        """The position whose window contains ``ms`` (may lie outside ``0..last``)."""
        return self.step.index(self.origin, ms)

    def clamp(self, index: int) -> int:
        return min(self.last, max(0, index))

    def position_of(self, lo: float, hi: float) -> int | None:
        """The position of a window: its own when it is a period, the period of its bounded end otherwise."""
        if math.isfinite(lo):
            return self.clamp(self.index(lo))
        if math.isfinite(hi):
            return self.clamp(self.index(hi - 1))
        return None

    def next_play(self, index: int, loop: bool) -> int | None:
        """The position play shows after ``index``: the next one, the first again when looping, else None."""
        if index < self.last:
            return index + 1
        return 0 if loop else None

    def event_window(self, starts: np.ndarray, lo: float, hi: float, forward: bool) -> tuple[float, float] | None:
        """The window of the next (previous) event after the window ``[lo, hi)``, skipping empty time.

        From all time, forward goes to the first event and back to the last. None at the end.
        """
        if not math.isfinite(lo) and not math.isfinite(hi):
            after = -math.inf if forward else math.inf
        else:
            after = float(np.nextafter(hi, -math.inf)) if forward else lo
        moment = step_event(starts, after, forward)
        if moment is None:
            return None
        return self.window(self.index(moment))


def timeline_for(span: tuple[float, float], step: Step, window: tuple[float, float] | None = None) -> Timeline:
    """The positions of ``step`` covering the dataset's ``span`` (and ``window``, when it reaches further).

    A custom span counts from the window itself, so the window is one of the positions.
    """
    lo, hi = span
    if window is not None:
        w_lo, w_hi = window
        if math.isfinite(w_lo):
            lo = min(lo, w_lo)
        if math.isfinite(w_hi):
            hi = max(hi, w_hi)
    if step.unit == "span" and window is not None and math.isfinite(window[0]):
        origin = window[0] - math.ceil((window[0] - lo) / step.span) * step.span
    else:
        origin = step.floor(lo)
    last = step.index(origin, max(lo, hi - 1))
    return Timeline(step, origin, max(1, last + 1))


def jump_window(date: PartialDate, timeline: Timeline | None) -> tuple[float, float]:
    """Where typing ``date`` in the date box goes.

    With a window length in use, the period of that length containing the
    date; from all time (``timeline`` None), the typed date's own period (a
    year, a month, a day, a minute or a second).
    """
    if date.is_open:
        raise ValueError("an open date has no place on the timeline")
    if timeline is None:
        return date.lo, date.hi
    return timeline.window(timeline.index(date.lo))


# --- the axis under the histogram -------------------------------------------------

# Tick spacings, finest first: (unit, count). Each labels its ticks in its own way.
_TICKS: tuple[tuple[str, int], ...] = (
    ("second", 1), ("second", 5), ("second", 15), ("second", 30),
    ("minute", 1), ("minute", 5), ("minute", 15), ("minute", 30),
    ("hour", 1), ("hour", 3), ("hour", 6), ("hour", 12),
    ("day", 1), ("day", 2), ("week", 1),
    ("month", 1), ("month", 3), ("month", 6),
    ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 20), ("year", 50),
    ("year", 100), ("year", 200), ("year", 500), ("year", 1000),
)
_SAMPLE = {"second": "00:00:00", "minute": "00:00", "hour": "00:00", "day": "30 Sep", "week": "30 Sep", "month": "Sep", "year": "2000"}


def _tick_text(unit: str, ms: float) -> str:
    moment = _utc(ms)
    if unit == "year":
        return str(moment.year)
    if unit == "month":
        return str(moment.year) if moment.month == 1 else MONTHS[moment.month - 1]
    midnight = ms % DAY_MS == 0
    if unit in ("day", "week") or midnight:
        if moment.day == 1 and moment.month == 1 and unit in ("day", "week"):
            return str(moment.year)
        return f"{moment.day} {MONTHS[moment.month - 1]}"
    if unit == "second":
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%H:%M")


def axis_ticks(lo: float, hi: float, width_px: float, char_px: float = 7.0) -> list[tuple[float, str]]:
    """Labelled ticks for a time axis over ``[lo, hi)`` drawn ``width_px`` wide, at any span.

    The finest spacing whose labels (about ``char_px`` per character) fit
    without touching: years over centuries, months over a year, hours and
    minutes within a day. Returns ``(ms, text)`` pairs inside ``[lo, hi]``.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or width_px <= 0:
        return []
    px_per_ms = width_px / (hi - lo)
    for unit, every in _TICKS:
        room = (len(_SAMPLE[unit]) + 3) * char_px
        approx = _FIXED_MS.get(unit) or (30.44 * DAY_MS if unit == "month" else 365.25 * DAY_MS)
        if approx * every * px_per_ms >= room:
            break
    else:
        unit, every = _TICKS[-1]
    return [(ms, _tick_text(unit, ms)) for ms in _tick_positions(unit, every, lo, hi)]


def _tick_positions(unit: str, every: int, lo: float, hi: float) -> Sequence[float]:
    if unit == "year":
        first = math.ceil(year_of(lo) / every) * every
        out = []
        year = max(1, first)
        while year <= 9999:
            moment = _month_start(year * 12)
            if moment > hi:
                break
            if moment >= lo:
                out.append(moment)
            year += every
        return out
    if unit == "month":
        number = _month_number(lo)
        number = -(-number // every) * every
        out = []
        while True:
            moment = _month_start(number)
            if moment > hi:
                break
            if moment >= lo:
                out.append(moment)
            number += every
        return out
    size = _FIXED_MS[unit] * every
    base = _MONDAY if unit == "week" else 0.0
    first = base + math.ceil((lo - base) / size) * size
    count = int((hi - first) // size) + 1
    return [first + k * size for k in range(max(0, count))]
