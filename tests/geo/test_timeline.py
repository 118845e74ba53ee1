"""Calendar periods for the time slider: floors, steps, indices, and counts per period."""

import numpy as np
import pytest

from eventmap.geo.dates import TimeWindow, parse_date
from eventmap.geo.timeline import (
    DAY_MS,
    HOUR_MS,
    Step,
    auto_step,
    axis_ticks,
    count_overlapping,
    default_step,
    event_starts,
    jump_window,
    period_starts,
    step_of_window,
    timeline_for,
    units_for,
)


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
    assert auto_step(ms("2024-10-13"), parse_date("2024-10-27").hi) == Step("hour")  # 360 hours
    assert auto_step(ms("2024-10-13"), parse_date("2025-10-27").hi) == Step("day")
    assert default_step(*eleven_years) == Step("month")
    assert default_step(ms("1900"), ms("2024")) == Step("year")
    assert default_step(ms("2024-10-13"), ms("2024-10-28")) == Step("day")


# The giscore KML's six placemarks fall between 14:00 and 18:00 UTC on 12 Aug 2008.
FOUR_HOURS = (ms("2008-08-12T14:00Z"), ms("2008-08-12T18:00Z"))


@pytest.mark.parametrize(
    ("unit", "moment", "start"),
    [("second", "2008-08-12T14:03:07.500Z", "2008-08-12T14:03:07Z"), ("minute", "2008-08-12T14:03:07Z", "2008-08-12T14:03Z"),
     ("hour", "2008-08-12T14:59:59Z", "2008-08-12T14:00Z"), ("decade", "2008-08-12", "2000"), ("century", "1999-12-31", "1900")],
)
def test_units_from_seconds_to_centuries_floor_to_their_period(unit, moment, start):
    assert Step(unit).floor(ms(moment)) == ms(start)
    assert Step(unit).index(ms(start), Step(unit).add(ms(start), 3)) == 3


def test_hours_minutes_and_seconds_are_windows_and_steps():
    hour = TimeWindow.between("2008-08-12T14:00Z", "2008-08-12T14:59:59Z")
    assert step_of_window(ms("2008-08-12T14:00Z"), ms("2008-08-12T15:00Z")) == Step("hour")
    assert step_of_window(ms("2008-08-12T14:00Z"), ms("2008-08-12T14:01Z")) == Step("minute")
    assert step_of_window(ms("2008-08-12T14:00:05Z"), ms("2008-08-12T14:00:06Z")) == Step("second")
    assert step_of_window(ms("2008-08-12T14:00Z"), ms("2008-08-12T20:00Z")) == Step("span", 6 * HOUR_MS)
    assert Step("span", 6 * HOUR_MS).label() == "6 h" and Step("span", 90_000).label() == "90 s"
    assert hour.label() == "12 Aug 2008 14:00 UTC – 12 Aug 2008 14:59 UTC"


def test_four_hours_of_data_step_by_the_hour_and_bin_by_the_minute():
    assert default_step(*FOUR_HOURS) == Step("hour")
    assert auto_step(*FOUR_HOURS) == Step("minute")
    assert units_for(*FOUR_HOURS) == ["second", "minute", "hour", "day"]
    timeline = timeline_for(FOUR_HOURS, Step("hour"))
    assert timeline.count == 4 and timeline.window(0) == (ms("2008-08-12T14:00Z"), ms("2008-08-12T15:00Z"))
    assert [timeline.next_play(i, loop=False) for i in range(4)] == [1, 2, 3, None]
    assert timeline.next_play(3, loop=True) == 0
    # Eleven years offer days to decades, never a slider of millions of seconds.
    assert units_for(ms("2014"), parse_date("2024").hi) == ["day", "week", "month", "quarter", "year", "decade"]


def test_next_and_previous_event_skip_empty_periods():
    starts = event_starts(np.array([ms("2008-08-12T14:10Z"), ms("2008-08-12T14:20Z"), ms("2008-08-12T17:30Z"), float("-inf")]))
    timeline = timeline_for(FOUR_HOURS, Step("hour"))
    first = timeline.window(0)
    assert timeline.event_window(starts, *first, forward=True) == timeline.window(3)  # 15:00 and 16:00 are empty
    assert timeline.event_window(starts, *timeline.window(3), forward=False) == first
    assert timeline.event_window(starts, *timeline.window(3), forward=True) is None
    assert timeline.event_window(starts, float("-inf"), float("inf"), forward=True) == first
    assert timeline.position_of(*timeline.window(2)) == 2 and timeline.position_of(float("-inf"), float("inf")) is None


def test_a_typed_date_jumps_to_its_period():
    hours = timeline_for(FOUR_HOURS, Step("hour"))
    assert jump_window(parse_date("2008-08-12T16:42Z"), hours) == hours.window(2)
    assert jump_window(parse_date("2008-08-12T16:42Z"), None) == (ms("2008-08-12T16:42Z"), ms("2008-08-12T16:43Z"))
    assert jump_window(parse_date("2020"), None) == (TimeWindow.year(2020).lo, TimeWindow.year(2020).hi)


@pytest.mark.parametrize(
    ("first", "last", "texts"),
    [
        ("2008-08-12T14:00Z", "2008-08-12T18:00Z", {"14:00", "15:00", "16:00", "17:00", "18:00"}),
        ("2014-03", "2014-04", {"3 Mar", "10 Mar", "17 Mar", "24 Mar", "31 Mar"}),  # the USGS month had no labels
        ("2014", "2025", {"2014", "2016", "2020", "2024"}),
        ("1200", "2025", {"1200", "1500", "2000"}),
        ("2008-08-12T14:00:00Z", "2008-08-12T14:01:00Z", {"14:00:00", "14:00:30", "14:01:00"}),
    ],
)
def test_the_axis_is_labelled_at_every_span(first, last, texts):
    ticks = axis_ticks(ms(first), ms(last), 600)
    labels = [text for _ms, text in ticks]
    assert texts <= set(labels), labels
    assert 3 <= len(ticks) <= 600 / 35  # readable: never crowded, never empty
    assert all(ms(first) <= t <= ms(last) for t, _ in ticks) and [t for t, _ in ticks] == sorted(t for t, _ in ticks)
