"""Stories: editing, the saved form inside a dataset, and KML gx:Tour both ways."""

from __future__ import annotations

import math

import pytest

from eventmap.geo.dates import TimeWindow
from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import default_dataset
from eventmap.geo.storage import dumps_dataset
from eventmap.geo.story import (
    Stop,
    Story,
    dataset_story,
    store_story,
    story_from_json,
    story_from_kml,
    story_to_json,
    story_to_kml,
)

Y2020 = TimeWindow.year(2020)


def four_stops() -> Story:
    return Story(
        "Pakistan & Russia <ties>",
        (
            Stop((23.0, 60.0, 37.0, 78.0), caption="Pakistan: where the drills are"),
            Stop((33.0, 71.0, 35.0, 73.5), Y2020.lo, Y2020.hi, selected="druzhba-5-exercise-2020-11-08", caption='Tarbela, "Druzhba V" & <b>more</b>', hold=4),
            Stop((54.0, 35.0, 57.5, 40.0), TimeWindow.between("2024-10", "2024-10").lo, TimeWindow.between("2024-10", "2024-10").hi, hidden_categories=frozenset({"exercise"}), search="forum"),
            Stop((20.0, 30.0, 60.0, 80.0), -math.inf, TimeWindow.year(2024).hi, cumulative=True, caption="Ten years"),
        ),
    )


def test_edits_return_new_stories_in_order():
    story = four_stops()
    assert [s.caption for s in story.moved(3, 0).stops][0] == "Ten years"
    assert len(story.removed(1)) == 3 and story.removed(1).stops[1] is story.stops[2]
    assert story.added(story.stops[0], at=1).stops[1] is story.stops[0]
    assert story.replaced(2, story.stops[0]).stops[2] is story.stops[0]
    assert len(story) == 4  # the original is untouched
    with pytest.raises(IndexError):
        story.removed(4)


def test_saved_form_round_trips_exactly():
    story = four_stops()
    assert story_from_json(story_to_json(story)) == story


def test_story_is_saved_inside_the_dataset_and_read_back(tmp_path):
    dataset = load_dataset(default_dataset())
    dataset.extra = store_story(dataset.extra, four_stops())
    path = tmp_path / "with-story.geojson"
    path.write_text(dumps_dataset(dataset), encoding="utf-8")
    again = load_dataset(path)
    story, problems = dataset_story(again.extra)
    assert problems == []
    assert story == four_stops()
    assert len(again) == len(dataset)


def test_a_bad_story_is_reported_and_kept_untouched():
    bad = {"story": {"stops": [{"bounds": [10, 10, 5, 20]}]}, "other": 1}
    story, problems = dataset_story(bad)
    assert story is None
    assert "stop 1" in problems[0] and "bounds" in problems[0]
    assert bad["story"] == {"stops": [{"bounds": [10, 10, 5, 20]}]}  # kept for the next save


@pytest.mark.parametrize(
    "stop, words",
    [
        ({"bounds": [1, 2, 3]}, "bounds"),
        ({"bounds": [1, 2, 3, 4], "window": ["2021", "2020"]}, "ends before"),
        ({"bounds": [1, 2, 3, 4], "hold": -1}, "hold"),
        ({"bounds": [1, 2, 3, 4], "hidden_categories": "trade"}, "hidden_categories"),
        ({"bounds": [1, 2, 3, "x"]}, "four numbers"),
        ("stop", "object"),
    ],
)
def test_bad_stops_name_what_is_wrong(stop, words):
    with pytest.raises(EventmapError, match=words):
        story_from_json({"stops": [{"bounds": [0, 0, 1, 1]}, stop]})


def test_kml_tour_round_trips_eventmaps_own_stops():
    story = four_stops()
    kml = story_to_kml(story)
    assert b"<gx:Tour>" in kml and b"<gx:FlyTo>" in kml and b"<gx:TimeSpan>" in kml
    assert b"<b>more</b>" not in kml  # captions are escaped text, not markup
    assert story_from_kml(kml, "tour.kml") == story


def test_a_foreign_tour_reads_as_views_and_windows():
    kml = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<gx:Tour><name>Drive</name><gx:Playlist>
  <gx:FlyTo><gx:duration>3</gx:duration>
    <LookAt><gx:TimeSpan><begin>2014-08</begin><end>2014-09</end></gx:TimeSpan>
      <longitude>73.06</longitude><latitude>33.69</latitude><range>200000</range></LookAt></gx:FlyTo>
  <gx:Wait><gx:duration>8</gx:duration></gx:Wait>
  <gx:FlyTo><Camera><gx:TimeStamp><when>2020</when></gx:TimeStamp>
      <longitude>37.6</longitude><latitude>55.75</latitude><altitude>50000</altitude></Camera></gx:FlyTo>
</gx:Playlist></gx:Tour></kml>"""
    story = story_from_kml(kml, "drive.kml")
    assert story.title == "Drive" and len(story) == 2
    first, second = story.stops
    assert first.center == pytest.approx((33.69, 73.06))
    assert first.hold == 8
    assert (first.lo, first.hi) == (TimeWindow.between("2014-08", "2014-08").lo, TimeWindow.between("2014-09", "2014-09").hi)
    south, _, north, _ = first.bounds
    assert 1.0 < north - south < 2.0  # 200 km of view is about 1.5 degrees of latitude
    assert (second.lo, second.hi) == (Y2020.lo, Y2020.hi)


def test_kml_without_a_tour_or_with_a_doctype_is_refused():
    with pytest.raises(EventmapError, match="no gx:Tour"):
        story_from_kml(b"<kml xmlns='http://www.opengis.net/kml/2.2'><Document/></kml>", "plain.kml")
    with pytest.raises(EventmapError, match="DOCTYPE"):
        story_from_kml(b"<?xml version='1.0'?><!DOCTYPE kml [<!ENTITY a 'b'>]><kml/>", "evil.kml")
