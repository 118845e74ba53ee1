"""The frame plan of an animation (no Qt): windows, labels, counts and the options it refuses."""

from __future__ import annotations

import math

import pytest

from eventmap.geo.animation import MAX_FRAMES, Length, default_step_name, parse_length, plan_frames
from eventmap.geo.dates import TimeWindow, parse_date
from eventmap.geo.errors import EventmapError
from eventmap.geo.viewport import metres_per_pixel, view_for_size


def test_a_year_step_from_2014_to_2024_makes_eleven_frames_one_per_year():
    plan = plan_frames(TimeWindow.between("2014", "2024"), "year")
    frames = list(plan)
    assert len(plan) == len(frames) == 11
    assert [f.label for f in frames] == [str(y) for y in range(2014, 2025)]
    for frame, year in zip(frames, range(2014, 2025)):
        assert (frame.lo, frame.hi) == (parse_date(str(year)).lo, parse_date(str(year)).hi)
        assert frame.caption == "" and frame.trail_lo == frame.lo
    progress = [f.progress for f in frames]
    assert progress == sorted(progress) and progress[-1] == 1.0 and 0 < progress[0] < 0.1


@pytest.mark.parametrize(
    ("first", "last", "step", "count", "label0", "label_last"),
    [
        ("2020-01", "2020-03", "month", 3, "Jan 2020", "Mar 2020"),
        ("2020", "2020", "quarter", 4, "Q1 2020", "Q4 2020"),
        ("2024-09-02", "2024-09-15", "week", 2, "week of 2 Sep 2024", "week of 9 Sep 2024"),
        ("2020-11-05", "2020-11-08", "day", 4, "5 Nov 2020", "8 Nov 2020"),
        ("2008-08-12", "2008-08-12", "hour", 24, "12 Aug 2008 00:00", "12 Aug 2008 23:00"),
        ("2008-08-12T14:00", "2008-08-12T14:09", "minute", 10, "12 Aug 2008 14:00", "12 Aug 2008 14:09"),
    ],
)
def test_labels_follow_the_step_precision(first, last, step, count, label0, label_last):
    plan = plan_frames(TimeWindow.between(first, last), step)
    assert len(plan) == count
    assert plan.frame(0).label == label0 and plan.frame(count - 1).label == label_last
    # Frames tile the range: each starts where the one before it ended.
    assert all(plan.frame(k).hi == plan.frame(k + 1).lo for k in range(count - 1))


def test_a_window_longer_than_the_step_slides_and_is_labelled_as_a_range():
    plan = plan_frames(TimeWindow.between("2014-01", "2014-12"), "month", "3 months")
    assert len(plan) == 12
    frame = plan.frame(0)
    assert frame.label == "Jan 2014 – Mar 2014"
    assert (frame.lo, frame.hi) == (parse_date("2014-01").lo, parse_date("2014-03").hi)
    assert plan.frame(1).lo == parse_date("2014-02").lo


def test_cumulative_frames_start_at_the_beginning_of_time_and_say_since_when():
    plan = plan_frames(TimeWindow.between("2014", "2016"), "year", cumulative=True)
    frame = plan.frame(2)
    assert frame.lo == -math.inf and frame.hi == parse_date("2016").hi
    assert frame.label == "2016" and frame.caption == "all events since 2014"


def test_a_trail_reaches_back_the_given_number_of_steps():
    plan = plan_frames(TimeWindow.between("2014", "2024"), "year", trail=2)
    assert plan.frame(5).trail_lo == parse_date("2017").lo
    assert plan.frame(5).lo == parse_date("2019").lo


def test_open_ends_come_from_the_data_range():
    data = (parse_date("2015-03-04").lo, parse_date("2016-07-01").hi)
    plan = plan_frames(TimeWindow.all_time(), "year", data_range=data)
    assert [f.label for f in plan] == ["2015", "2016"]
    assert default_step_name(TimeWindow.all_time(), data) == "week"  # 70 weeks fit in 120 frames; 487 days do not


@pytest.mark.parametrize(
    ("window", "step", "message"),
    [
        (TimeWindow(parse_date("2020").lo, parse_date("2020").lo), "year", "empty"),
        (TimeWindow.all_time(), "year", "needs a time range"),
        (TimeWindow.between("1990", "2024"), "hour", "306,816 frames"),
        (TimeWindow.between("2020", "2021"), "fortnight", "unknown step"),
    ],
)
def test_plans_that_cannot_be_made_say_why(window, step, message):
    with pytest.raises(EventmapError, match=message):
        plan_frames(window, step)


def test_the_frame_limit_is_checked_before_any_frame_is_made():
    window = TimeWindow.between("2000", "2024")
    assert len(plan_frames(window, "day", max_frames=MAX_FRAMES)) == 9132
    with pytest.raises(EventmapError, match="at most 1,000"):
        plan_frames(window, "day", max_frames=1000)


@pytest.mark.parametrize(("text", "length"), [("year", Length(1, "year")), ("3 months", Length(3, "month")), ("7d", Length(7, "day")),
                                              ("6h", Length(6, "hour")), ("30min", Length(30, "minute")), ("2 weeks", Length(2, "week"))])
def test_window_lengths_read_as_people_write_them(text, length):
    assert parse_length(text) == length


def test_a_length_that_is_not_one_is_refused():
    with pytest.raises(EventmapError, match="not a length"):
        parse_length("3 fortnights")


def test_the_same_picture_size_keeps_the_view_and_another_fits_the_screen_extent():
    view = (30.0, 60.0, 4.25)
    assert view_for_size(view, (835, 705), (835, 705)) == view
    lat, lon, zoom = view_for_size(view, (835, 705), (1670, 1410))
    assert (lat, lon) == (30.0, 60.0) and zoom == pytest.approx(5.25)
    # Wider than the screen: the height limits, so the screen's full height still shows.
    assert view_for_size(view, (800, 600), (1600, 600))[2] == pytest.approx(4.25)
    # The scale bar follows the zoom: one zoom step halves the metres per pixel.
    assert metres_per_pixel(30, 5.25) == pytest.approx(metres_per_pixel(30, 4.25) / 2)
