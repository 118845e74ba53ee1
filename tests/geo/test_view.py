"""The view filter: which events a window, categories and search show, and how the window is labelled."""

import math

import numpy as np
import pytest

from eventmap.geo.dates import TimeWindow, parse_date
from eventmap.geo.events import Dataset, Event
from eventmap.geo.view import ViewFilter, count_text, filter_label, shown_categories, shown_dataset, visible_mask

Y2020 = TimeWindow.year(2020)
END_2020 = parse_date("2020").hi
START_2020 = parse_date("2020").lo


def event(ident, start, category="conflict", title="", end=None):
    return Event(id=ident, title=title or ident, lon=0.0, lat=0.0, start=parse_date(start) if start else None,
                 end=parse_date(end) if end else None, category=category)


@pytest.fixture
def dataset():
    return Dataset(events=[
        event("a", "2019-06", "conflict", "Border clash"),
        event("b", "2020-03", "diplomacy", "Summit in Geneva"),
        event("c", "2020-11-08", "conflict", "Ceasefire"),
        event("d", "2021-01", "disaster", "Flood"),
        event("e", None, "diplomacy", "Undated treaty"),
        event("f", "2018", "conflict", "Long war", end="2020-02"),
    ], name="t")


@pytest.mark.parametrize(
    ("window", "cumulative", "label"),
    [
        (Y2020, False, "2020"),
        (Y2020, True, "up to 2020"),
        (TimeWindow(START_2020, math.inf), False, "from 1 Jan 2020"),
        (TimeWindow(START_2020, math.inf), True, "All time"),  # everything up to the end of time
        (TimeWindow(-math.inf, END_2020), False, "until 31 Dec 2020"),
        (TimeWindow(-math.inf, END_2020), True, "until 31 Dec 2020"),  # never "up to until"
        (TimeWindow.all_time(), False, "All time"),
        (TimeWindow.all_time(), True, "All time"),
        (TimeWindow(parse_date("2020-11-08").lo, parse_date("2020-11-08").hi), True, "up to 8 Nov 2020"),
    ],
)
def test_every_kind_of_window_has_one_label(window, cumulative, label):
    view = ViewFilter(window=window, cumulative=cumulative)
    assert view.label() == filter_label(window, cumulative) == label
    assert "up to from" not in label and "up to until" not in label


def test_the_mask_follows_window_categories_and_search(dataset):
    def shown(view):
        return [e.id for e, keep in zip(dataset.events, visible_mask(dataset, view), strict=True) if keep]

    assert shown(ViewFilter()) == list("abcdef")
    assert shown(ViewFilter(window=Y2020)) == ["b", "c", "e", "f"]  # the undated one is always there
    assert shown(ViewFilter(window=Y2020, cumulative=True)) == ["a", "b", "c", "e", "f"]
    assert shown(ViewFilter(window=Y2020, hidden=frozenset({"conflict"}))) == ["b", "e"]
    assert shown(ViewFilter(search="GENÈVE")) == []
    assert shown(ViewFilter(search="geneva summit")) == ["b"]
    assert shown(ViewFilter(window=TimeWindow.year(2019), search="geneva")) == []


def test_a_filter_is_a_frozen_value(dataset):
    view = ViewFilter(window=Y2020, hidden={"conflict"})
    assert isinstance(view.hidden, frozenset) and hash(view) == hash(ViewFilter(window=Y2020, hidden=frozenset({"conflict"})))
    with pytest.raises(AttributeError):
        view.cumulative = True  # type: ignore[misc]
    assert view.with_(cumulative=True).shown_window == TimeWindow(-math.inf, END_2020)
    assert view.shown_window == Y2020


def test_a_filter_carried_to_another_dataset_drops_categories_it_lacks(dataset):
    view = ViewFilter(hidden=frozenset({"conflict", "protest"}))
    assert view.for_dataset(dataset).hidden == {"conflict"}
    assert shown_categories(dataset, view) == [c for c in dataset.categories() if c != "conflict"]


def test_shown_dataset_and_counts_agree_with_the_mask(dataset):
    view = ViewFilter(window=Y2020)
    shown = shown_dataset(dataset, view)
    assert [e.id for e in shown.events] == ["b", "c", "e", "f"]
    assert int(np.count_nonzero(visible_mask(dataset, view))) == len(shown) == 4
    assert count_text(4, 6) == "4 of 6 events" and count_text(1, 1) == "1 of 1 event" and count_text(1200, 5000) == "1,200 of 5,000 events"
