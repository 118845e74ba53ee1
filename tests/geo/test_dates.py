"""Partial dates, their periods, labels, and the time window."""

import math

import pytest

from eventmap.geo.dates import OPEN, TimeWindow, format_date, format_span, parse_date, window_label
from eventmap.geo.errors import EventmapError


@pytest.mark.parametrize(
    ("text", "precision", "shown"),
    [
        ("2014", "year", "2014"),
        ("2015-08", "month", "Aug 2015"),
        ("2020-11-08", "day", "8 Nov 2020"),
        ("2020-11-08T10:30Z", "minute", "8 Nov 2020 10:30 UTC"),
        ("2020-11-08T10:30:05+05:00", "second", "8 Nov 2020 05:30:05 UTC"),
        ("1990-10-04 00:00:00.000", "second", "4 Oct 1990 00:00:00 UTC"),
    ],
)
def test_precision_and_display(text, precision, shown):
    date = parse_date(text)
    assert date.precision == precision
    assert format_date(date) == shown


def test_a_partial_date_covers_its_whole_period():
    year, month, day = parse_date("2014"), parse_date("2024-02"), parse_date("2024-02-29")
    assert year.hi - year.lo == 365 * 86_400_000
    assert month.hi - month.lo == 29 * 86_400_000  # 2024 is a leap year
    assert day.hi - day.lo == 86_400_000
    assert month.lo <= day.lo < day.hi <= month.hi


@pytest.mark.parametrize("bad", ["", "2014-13", "2023-02-29", "20", "yesterday", "2014/05/01", "0000", "2020-11-08T25:00Z"])
def test_bad_dates_raise_the_project_error(bad):
    with pytest.raises(EventmapError) as info:
        parse_date(bad)
    assert bad in str(info.value) or bad == ""


def test_open_end_is_unbounded():
    assert parse_date("..") is OPEN
    assert OPEN.lo == -math.inf and OPEN.hi == math.inf


def test_spans_read_naturally():
    assert format_span(parse_date("2024-10-13"), parse_date("2024-10-27")) == "13 Oct 2024 – 27 Oct 2024"
    assert format_span(parse_date("2015-08"), None) == "Aug 2015"
    assert format_span(parse_date("2014"), OPEN) == "from 2014"
    assert format_span(OPEN, parse_date("2020")) == "until 2020"
    assert format_span(None, None) == "undated"


def test_year_window_touches_exactly_that_year():
    window = TimeWindow.year(2020)
    inside = parse_date("2020-12-31")
    before, after = parse_date("2019-12-31"), parse_date("2021-01-01")
    assert window.overlaps(inside.lo, inside.hi)
    assert not window.overlaps(before.lo, before.hi)
    assert not window.overlaps(after.lo, after.hi)
    # A span that starts before and ends inside the year touches it.
    assert window.overlaps(parse_date("2019-06").lo, parse_date("2020-01-01").hi)


def test_window_between_is_inclusive_of_the_last_date():
    window = TimeWindow.between("2024-09-01", "2024-10-31")
    last_day = parse_date("2024-10-31")
    assert window.overlaps(last_day.lo, last_day.hi)
    assert window.hi == parse_date("2024-11-01").lo


def test_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(EventmapError):
        TimeWindow.between("2024-10-01", "2024-09-01")


def test_window_labels():
    assert TimeWindow.all_time().label() == "All time"
    assert TimeWindow.year(2020).label() == "2020"
    assert TimeWindow.between("2024-10", "2024-10").label() == "Oct 2024"
    assert TimeWindow.between("2024-09-01", "2024-10-31").label() == "Sep 2024 – Oct 2024"
    assert TimeWindow.between("2024-09-03", "2024-09-10").label() == "3 Sep 2024 – 10 Sep 2024"
    assert window_label(-math.inf, parse_date("2020").hi) == "until 31 Dec 2020"


def test_span_rule_refuses_an_end_before_the_start_began():
    from eventmap.geo.dates import span_is_valid

    assert not span_is_valid(parse_date("2020-11-08"), parse_date("2020-11-07"))  # the form once accepted this
    assert span_is_valid(parse_date("2020-11-08"), parse_date("2020-11-08"))
    assert span_is_valid(parse_date("2020-11-08T10:00Z"), parse_date("2020-11-08"))
    assert span_is_valid(parse_date("2020-11-08"), None) and span_is_valid(None, parse_date("2020"))
    assert span_is_valid(parse_date("2020-11-08"), OPEN)
