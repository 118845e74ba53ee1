"""Calendar periods for the time slider: floors, steps, indices, and counts per period."""

import numpy as np
import pytest

from eventmap.geo.dates import TimeWindow, parse_date
from eventmap.geo.timeline import DAY_MS, Step, auto_step, count_overlapping, default_step, period_starts, step_of_window


def ms(text: str) -> float:
    return parse_date(text).lo


@pytest.mark.parametrize(
    ("unit", "moment", "start"),
    [
        ("day", "2024-10-13T15:00Z", "2024-10-13"),
        ("week", "2024-10-13", "2024-10-07"),  # a Sunday belongs to the week from Monday 7 Oct
        ("week", "2024-10-14", "2024-10-14"),
        ("month", "2024-10-13", "2024-10-01"),
        ("quarter", "2024-11-30", "2024-10-01"),
        ("year", "2024-10-13", "2024-01-01"),
        ("week", "1969-12-31", "1969-12-29"),  # before the epoch too
    ],
)
def test_floor_finds_the_period_start(unit, moment, start):
    assert Step(unit).floor(ms(moment)) == ms(start)


def test_calendar_steps_follow_the_calendar():
    month = Step("month")
    assert month.add(ms("2024-01"), 1) == ms("2024-02")
    assert month.add(ms("2024-11"), 3) == ms("2025-02")
    assert month.add(ms("2024-03"), -3) == ms("2023-12")
    assert Step("quarter").window(ms("2024-01"), 3) == (ms("2024-10"), ms("2025-01"))
    assert Step("year").index(ms("2014"), ms("2020-11-08")) == 6
    assert Step("month").index(ms("2014"), ms("2024-10-13")) == 10 * 12 + 9


def test_a_span_step_counts_from_its_origin():
    window = TimeWindow.between("2024-09-01", "2024-10-31")
    step = step_of_window(window.lo, window.hi)
    assert step == Step("span", 61 * DAY_MS)
    assert step.label() == "61 days"
    assert step.index(window.lo, window.lo - 1) == -1
    assert step.window(window.lo, 1) == (ms("2024-11-01"), ms("2025-01-01"))


@pytest.mark.parametrize(
    ("first", "last", "unit"),
    [("2020", "2020", "year"), ("2024-10", "2024-10", "month"), ("2024-10-13", "2024-10-13", "day"),
     ("2024-07", "2024-09", "quarter"), ("2024-10-07", "2024-10-13", "week")],
)
def test_the_step_of_a_window_is_its_calendar_unit(first, last, unit):
    window = TimeWindow.between(first, last)
    assert step_of_window(window.lo, window.hi) == Step(unit)


def test_a_preferred_step_wins_when_it_fits_and_open_windows_have_none():
    week = TimeWindow.between("2024-10-07", "2024-10-13")
    seven = Step("span", 7 * DAY_MS)
    assert step_of_window(week.lo, week.hi, prefer=seven) == seven
    assert step_of_window(week.lo, week.hi, prefer=Step("month")) == Step("week")
    assert step_of_window(float("-inf"), ms("2024")) is None


def test_counts_per_period_include_events_that_span_them():
    # Events: all of 2020; Nov 2020; 8-21 Nov 2020; Oct 2024.
    lo = np.sort([ms("2020"), ms("2020-11"), ms("2020-11-08"), ms("2024-10")])
    hi = np.sort([parse_date("2020").hi, parse_date("2020-11").hi, parse_date("2020-11-21").hi, parse_date("2024-10").hi])
    edges = period_starts(Step("year"), ms("2019"), parse_date("2024").hi)
    assert list(count_overlapping(lo, hi, edges)) == [0, 3, 0, 0, 0, 1]
    months = period_starts(Step("month"), ms("2020-10"), parse_date("2020-12").hi)
    assert list(count_overlapping(lo, hi, months)) == [1, 3, 1]


def test_automatic_and_default_steps_suit_the_range():
    eleven_years = (ms("2014"), parse_date("2024").hi)
    assert auto_step(*eleven_years) == Step("month")  # 132 months; 574 weeks would be too many
    assert auto_step(ms("2024-10-13"), parse_date("2024-10-27").hi) == Step("day")
    assert default_step(*eleven_years) == Step("month")
    assert default_step(ms("1900"), ms("2024")) == Step("year")
    assert default_step(ms("2024-10-13"), ms("2024-10-28")) == Step("day")
