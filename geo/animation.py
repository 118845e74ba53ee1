"""The plan of an animation: one time window per frame, and the label each frame shows.

An animation steps through ``[start, end)`` by a calendar step (a year, a
month...) or a fixed one (an hour, a minute). Each frame shows a window that
starts with its step and lasts ``length`` (one step unless asked otherwise),
or, when cumulative, everything up to the end of its step. The plan is
computed lazily: a plan of 10,000 frames holds no list of frames, and the
frame count is known before any frame is made, so a request for too many
frames fails before any work.

Times are epoch milliseconds UTC, as in :mod:`eventmap.geo.dates`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from eventmap.geo.dates import MONTHS, TimeWindow
from eventmap.geo.errors import EventmapError
from eventmap.geo.timeline import UNITS, Step

STEP_NAMES = ("minute", "hour", "day", "week", "month", "quarter", "year")
MAX_FRAMES = 10_000
_SPANS = {"minute": 60_000.0, "hour": 3_600_000.0}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_LENGTH = re.compile(r"^\s*(?P<count>\d+)?\s*(?P<unit>[a-z]+?)s?\s*$")
_ALIASES = {
    "min": "minute", "m": "minute", "minute": "minute",
    "h": "hour", "hr": "hour", "hour": "hour",
    "d": "day", "day": "day",
    "w": "week", "wk": "week", "week": "week",
    "mo": "month", "mon": "month", "month": "month",
    "q": "quarter", "quarter": "quarter",
    "y": "year", "yr": "year", "year": "year",
}


def step_named(name: str) -> Step:
    """The :class:`~eventmap.geo.timeline.Step` called ``name`` (one of :data:`STEP_NAMES`).

    Raises
    ------
    EventmapError
        For a name that is not a step.
    """
    name = name.strip().lower()
    if name in UNITS:
        return Step(name)
    if name in _SPANS:
        return Step("span", _SPANS[name])
    raise EventmapError(f"unknown step {name!r}; use one of {', '.join(STEP_NAMES)}")


def step_name(step: Step) -> str:
    """The name of a step made by :func:`step_named` (``span`` steps of other lengths stay ``span``)."""
    if step.unit != "span":
        return step.unit
    return next((name for name, span in _SPANS.items() if span == step.span), "span")


@dataclass(frozen=True)
class Length:
    """A window length: ``count`` periods of a named step (``3 months``, ``1 year``, ``6 h``)."""

    count: int
    unit: str

    def end(self, start: float) -> float:
        """The end of a window of this length starting at ``start``."""
        return step_named(self.unit).add(start, self.count)

    def label(self) -> str:
        return f"{self.count} {self.unit}" + ("s" if self.count != 1 else "")


def parse_length(text: str) -> Length:
    """Read a window length: ``year``, ``3 months``, ``2w``, ``7d``, ``6h``, ``30min``.

    Raises
    ------
    EventmapError
        For text that is not a length.
    """
    match = _LENGTH.match(text.lower())
    unit = _ALIASES.get(match.group("unit")) if match else None
    if unit is None:
        raise EventmapError(f"window length {text!r} is not a length like 'year', '3 months', '7d' or '6h'")
    count = int(match.group("count") or 1)
    if not 1 <= count <= 10_000:
        raise EventmapError(f"window length {text!r}: the count must be between 1 and 10000")
    return Length(count, unit)


@dataclass(frozen=True)
class Frame:
    """One frame of an animation.

    Attributes
    ----------
    index
        Position in the animation, from 0.
    lo, hi
        The time window the frame shows (``lo`` is -inf when cumulative).
    label
        The frame's date or window for the large type, at the step's precision.
    caption
        A second line under the label ('' when the label says it all).
    progress
        How far through the animation's time range the frame is, 0 to 1.
    trail_lo
        Events that ended after this instant but before ``lo`` are shown
        fading out (equal to ``lo`` when there is no trail).
    """

    index: int
    lo: float
    hi: float
    label: str
    caption: str
    progress: float
    trail_lo: float


@dataclass(frozen=True)
class FramePlan:
    """The frames of an animation through ``[start, end)``; see :func:`plan_frames`."""

    start: float
    end: float
    step: Step
    length: Length
    cumulative: bool = False
    trail: int = 0

    def __len__(self) -> int:
        return self.step.index(self.start, self.end - 1) + 1

    def __iter__(self) -> Iterator[Frame]:
        for k in range(len(self)):
            yield self.frame(k)

    def frame(self, index: int) -> Frame:
        """Frame number ``index`` (0-based)."""
        lo = self.step.add(self.start, index)
        step_hi = self.step.add(lo, 1)
        hi = step_hi if self.cumulative else self.length.end(lo)
        span = self.end - self.start
        progress = min(1.0, max(0.0, (min(step_hi, self.end) - self.start) / span))
        if self.cumulative:
            return Frame(index, -math.inf, step_hi, self.period_label(lo), f"all events since {self.period_label(self.start)}",
                         progress, -math.inf)
        label = self.period_label(lo)
        if self.length.unit != step_name(self.step) or self.length.count != 1:
            last = self.period_label(self.step.floor(hi - 1, self.start))
            label = label if last == label else f"{label} – {last}"
        trail_lo = self.step.add(lo, -self.trail) if self.trail else lo
        return Frame(index, lo, hi, label, "", progress, trail_lo)

    def period_label(self, lo: float) -> str:
        """The period of this plan's step starting at ``lo``, for people."""
        moment = _EPOCH + timedelta(milliseconds=lo)
        unit = step_name(self.step)
        month = MONTHS[moment.month - 1]
        if unit == "year":
            return f"{moment.year}"
        if unit == "quarter":
            return f"Q{(moment.month - 1) // 3 + 1} {moment.year}"
        if unit == "month":
            return f"{month} {moment.year}"
        day = f"{moment.day} {month} {moment.year}"
        if unit == "week":
            return f"week of {day}"
        if unit == "day":
            return day
        return f"{day} {moment:%H:%M}"

    def window(self) -> TimeWindow:
        """The whole time range the animation covers."""
        return TimeWindow(self.start, self.end)


def default_step_name(window: TimeWindow, data_range: tuple[float, float] | None = None, frames: int = 120) -> str:
    """The finest step that covers the range in at most ``frames`` frames (``year`` when nothing fits)."""
    lo, hi = window.lo, window.hi
    if data_range is not None:
        lo = data_range[0] if lo == -math.inf else lo
        hi = data_range[1] if hi == math.inf else hi
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return "year"
    for name in STEP_NAMES:
        step = step_named(name)
        if step.index(step.floor(lo), hi - 1) + 1 <= frames:
            return name
    return "year"


def plan_frames(
    window: TimeWindow,
    step: str | Step,
    length: str | Length | None = None,
    cumulative: bool = False,
    trail: int = 0,
    data_range: tuple[float, float] | None = None,
    max_frames: int = MAX_FRAMES,
) -> FramePlan:
    """Plan an animation through ``window`` (open ends taken from ``data_range``).

    Parameters
    ----------
    window
        The time range; an open end is filled in from ``data_range``.
    step
        How far each frame moves on: a :class:`Step` or one of :data:`STEP_NAMES`.
    length
        How long each frame's window is (one step when None).
    cumulative
        Each frame shows everything up to the end of its step.
    trail
        Events fade out over this many steps after their window has passed.
    data_range
        The dataset's first start and last end, for open ends of ``window``.
    max_frames
        More frames than this is an error.

    Raises
    ------
    EventmapError
        For an empty or unbounded range, a bad step or length, or too many frames.
    """
    step = step_named(step) if isinstance(step, str) else step
    length = Length(1, step_name(step)) if length is None else parse_length(length) if isinstance(length, str) else length
    if trail < 0:
        raise EventmapError(f"trail {trail}: must be 0 or more steps")
    lo, hi = window.lo, window.hi
    if data_range is not None:
        lo = data_range[0] if lo == -math.inf else lo
        hi = data_range[1] if hi == math.inf else hi
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise EventmapError("the animation needs a time range: give --from and --to, or a dataset with dated events")
    if hi <= lo:
        raise EventmapError("the time range is empty (it ends before it starts): nothing to animate")
    start = step.floor(lo)
    plan = FramePlan(start, hi, step, length, cumulative, trail)
    count = step.index(start, hi - 1) + 1
    if count > max_frames:
        raise EventmapError(
            f"stepping by {step_name(step)} from {plan.period_label(start)} to {plan.period_label(step.floor(hi - 1))} "
            f"makes {count:,} frames (at most {max_frames:,}); use a coarser step or a shorter range"
        )
    return plan
