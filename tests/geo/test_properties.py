"""Other properties as list columns: their names, their text and their order."""

import math

import numpy as np

from eventmap.geo.dates import parse_date
from eventmap.geo.events import Dataset, Event
from eventmap.geo.properties import property_names, property_order, property_text


def event(ident, start, **extra):
    return Event(id=ident, title=ident, lon=0.0, lat=0.0, start=parse_date(start), extra=extra)


def test_names_text_and_numeric_order():
    dataset = Dataset(events=[
        event("a", "2020", mag=6.1, alert="green", _elevation=10),
        event("b", "2019", mag=10, deaths="12"),
        event("c", "2021", mag=None, alert="red"),
        event("d", "2018", mag=5.9, tags=["x", "y"]),
        event("e", "2017", mag=float("nan")),
    ])
    assert property_names(dataset) == ["mag", "alert", "deaths", "tags"]  # most common first; "_" names are eventmap's
    assert [property_text(v) for v in (6.1, 10, None, "  two\nlines ", ["x", "y"], True, math.inf)] == \
        ["6.1", "10", "", "two lines", '["x", "y"]', "true", ""]
    order = property_order(dataset, "mag")
    assert [dataset.events[i].id for i in order] == ["d", "a", "b", "e", "c"]  # 5.9 < 6.1 < 10, then missing by date
    assert isinstance(order, np.ndarray) and order.dtype == np.int64
