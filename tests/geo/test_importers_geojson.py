"""GeoJSON import: the USGS sample, foreign time and title properties, other geometries, bad files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from eventmap.geo.dates import parse_date
from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import file_filter, load_dataset
from eventmap.geo.importers.common import epoch_text, parse_when
from eventmap.geo.paths import data_dir
from eventmap.geo.storage import dumps_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


def write_json(tmp_path: Path, value: object, name: str = "in.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def feature(props: object, geometry: object = None, **members: object) -> dict:
    geometry = {"type": "Point", "coordinates": [10.0, 50.0]} if geometry is None else geometry
    return {"type": "Feature", "geometry": geometry, "properties": props, **members}


def collection(*features: dict, **members: object) -> dict:
    return {"type": "FeatureCollection", **members, "features": list(features)}


# --- the USGS sample ---------------------------------------------------------------


def test_usgs_sample_gives_twelve_quakes_with_epoch_ms_times():
    dataset = load_dataset(DATA / "usgs_significant_month_2014-03.geojson")
    assert len(dataset) == 12
    assert dataset.warnings == []
    assert dataset.name == "USGS Significant Earthquakes, Past Month"
    first = dataset.events[0]
    # "time": 1395409267500 is 21 March 2014 13:41:07.5 UTC (the GCMT id gcmt20140321134107 agrees)
    assert first.id == "usc000njrq"
    assert first.start.text == "2014-03-21T13:41:07.500Z"
    assert first.start.precision == "second"
    assert first.end is None
    assert first.title == "M 6.5 - 113km E of Mohean, India"
    assert (first.lon, first.lat) == (94.3248, 7.7686)
    assert first.elevation == 10
    assert first.extra["time"] == 1395409267500  # the original value is kept
    assert first.extra["tsunami"] is None
    last = dataset.events[-1]
    assert last.id == "usb000mzef"
    assert last.start.text == "2014-03-02T09:37:54.830Z"
    westwood = dataset.events[1]
    assert westwood.start.text == "2014-03-17T13:25:36.900Z"
    assert dataset.extra["bbox"] == [-125.1338, -60.8391, 9.8, 169.8222, 40.8287, 636.76]


def test_usgs_sample_round_trips_through_canonical_form():
    dataset = load_dataset(DATA / "usgs_significant_month_2014-03.geojson")
    text = dumps_dataset(dataset)
    again = json.loads(text)
    assert again["features"][0]["properties"]["start"] == "2014-03-21T13:41:07.500Z"
    assert again["features"][0]["geometry"]["coordinates"] == [94.3248, 7.7686, 10]


def test_canonical_dataset_loads_and_round_trips_unchanged(tmp_path):
    source = data_dir() / "events.geojson"
    dataset = load_dataset(source)
    copy = tmp_path / "copy.geojson"
    copy.write_text(dumps_dataset(dataset), encoding="utf-8")
    again = load_dataset(copy)
    assert again.events == dataset.events
    assert again.extra == dataset.extra
    assert dumps_dataset(again) == dumps_dataset(dataset)


# --- dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "start", "end"),
    [
        ({"start": "2014", "end": "2015-08"}, "2014", "2015-08"),
        ({"begin": "2020-11-08", "end": "2020-11-09"}, "2020-11-08", "2020-11-09"),
        ({"date": "2015-08"}, "2015-08", None),
        ({"time": 1395409267500}, "2014-03-21T13:41:07.500Z", None),
        ({"timestamp": 1420070400}, "2015-01-01T00:00:00Z", None),
        ({"timestamp": "1420070400"}, "2015-01-01T00:00:00Z", None),
        ({"datetime": "2020-11-08 14:30:00+02:00"}, "2020-11-08 14:30:00+02:00", None),
        ({"event_date": "13 October 2024"}, "2024-10-13", None),
        ({"date": 2014}, "2014", None),
        ({"start": 1395409267500}, "2014-03-21T13:41:07.500Z", None),
        ({"date_start": "1990-10-04", "date_end": "1990-10-06"}, "1990-10-04", "1990-10-06"),
    ],
)
def test_time_is_read_from_the_usual_properties(tmp_path, props, start, end):
    dataset = load_dataset(write_json(tmp_path, collection(feature({"title": "x", **props}))))
    event = dataset.events[0]
    assert event.start.text == start
    assert (event.end.text if event.end else None) == end


def test_start_wins_over_other_time_properties(tmp_path):
    dataset = load_dataset(write_json(tmp_path, collection(feature({"start": "2001", "time": 1395409267500}))))
    assert dataset.events[0].start.text == "2001"
    assert dataset.events[0].extra["time"] == 1395409267500


def test_a_guessed_time_property_that_is_no_date_leaves_the_event_undated(tmp_path):
    dataset = load_dataset(write_json(tmp_path, collection(feature({"title": "x", "time": "teatime"}))))
    assert dataset.events[0].start is None
    assert dataset.warnings == [
        "in.geojson: feature 0: time 'teatime' is not a date (expected ISO 8601 like 2020-11-08,"
        " '13 October 2024' or epoch seconds); the event is kept undated"
    ]


def test_epoch_seconds_and_milliseconds_are_told_apart_by_size():
    assert epoch_text(0) == "1970-01-01T00:00:00Z"
    assert epoch_text(1_000_000_000) == "2001-09-09T01:46:40Z"  # seconds
    assert epoch_text(1_000_000_000_000) == "2001-09-09T01:46:40Z"  # milliseconds
    assert epoch_text(1_000_000_000_123) == "2001-09-09T01:46:40.123Z"
    with pytest.raises(EventmapError, match="outside the years"):
        epoch_text(1e20)
    with pytest.raises(EventmapError):
        epoch_text(math.nan)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("13 October 2024", "2024-10-13"),
        ("9-May-20", "2020-05-09"),
        ("1-Jan-99", "1999-01-01"),
        ("October 13, 2024", "2024-10-13"),
        ("2024/10/13", "2024-10-13"),
        ("2015-08", "2015-08"),
        ("20201108", "2020-11-08"),
        (20201108, "2020-11-08"),
    ],
)
def test_lenient_dates(text, iso):
    assert parse_when(text) == parse_date(iso)


def test_midnight_date_times_from_spreadsheets_are_days_only_when_asked():
    assert parse_when("1990-10-04 00:00:00.000", midnight_is_day=True).text == "1990-10-04"
    assert parse_when("1990-10-04 00:00:00.000").precision == "second"
    assert parse_when("1990-10-04 00:00:01", midnight_is_day=True).precision == "second"


@pytest.mark.parametrize("text", ["31 February 2021", "2021-02-30", "soon", "13 Smarch 2024", "99999999999999999999999"])
def test_bad_dates_raise_the_project_error(text):
    with pytest.raises(EventmapError):
        parse_when(text)


# --- titles, geometry, members ---------------------------------------------------------


def test_title_falls_back_to_name_then_place(tmp_path):
    dataset = load_dataset(
        write_json(
            tmp_path,
            collection(feature({"name": "Named"}, id="a"), feature({"place": "5 km N of Somewhere"}, id="b"), feature(None, id="c")),
        )
    )
    assert [e.title for e in dataset.events] == ["Named", "5 km N of Somewhere", ""]
    assert dataset.events[0].extra == {"name": "Named"}


def test_other_geometries_are_reduced_with_one_warning(tmp_path):
    square = [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]
    geometries = [
        {"type": "LineString", "coordinates": [[0, 0], [4, 0]]},
        {"type": "Polygon", "coordinates": square},
        {"type": "MultiPolygon", "coordinates": [square, [[[10, 10], [11, 10], [11, 11], [10, 10]]]]},
        {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [5, 6]}]},
        {"type": "Point", "coordinates": [1, 2, 300]},
    ]
    dataset = load_dataset(write_json(tmp_path, collection(*(feature({"title": str(i)}, g) for i, g in enumerate(geometries)))))
    assert len(dataset) == 5
    polygon = dataset.events[1]
    assert 0 < polygon.lon < 2 and 0 < polygon.lat < 2
    assert (dataset.events[3].lon, dataset.events[3].lat) == (5, 6)
    assert dataset.warnings == [
        "in.geojson: 4 features (1 GeometryCollection, 1 LineString, 1 MultiPolygon, 1 Polygon)"
        " placed at a representative point of the shape"
    ]


def test_bad_features_are_skipped_with_their_index(tmp_path):
    features = [
        json.dumps(feature({"title": "ok", "start": "2020"})),
        # a JSON NaN literal, which Python's json module reads
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [NaN, 2]}, "properties": {}}',
        json.dumps(feature({"title": "lat 95"}, {"type": "Point", "coordinates": [10, 95]})),
        '{"type": "Feature", "geometry": null, "properties": {"title": "no geometry"}}',
        json.dumps(feature({"title": "bad line"}, {"type": "LineString", "coordinates": [[0, 0], ["a", 1]]})),
        json.dumps(feature({"title": "backwards", "start": "2020-05", "end": "2019"})),
    ]
    path = tmp_path / "in.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [' + ",\n".join(features) + "]}", encoding="utf-8")
    dataset = load_dataset(path)
    assert [e.title for e in dataset.events] == ["ok"]
    assert dataset.warnings == [
        "in.geojson: feature 1: coordinates [nan, 2] are not a longitude in -180..180 and a latitude in -90..90 (skipped)",
        "in.geojson: feature 2: coordinates [10, 95] are not a longitude in -180..180 and a latitude in -90..90 (skipped)",
        "in.geojson: feature 3: has no geometry; only Point events are supported (skipped)",
        "in.geojson: feature 4: LineString has coordinates that are not [longitude, latitude] numbers in range (skipped)",
        "in.geojson: feature 5: ends (2019) before it starts (2020-05) (skipped)",
    ]


def test_nan_in_properties_becomes_null_so_the_dataset_can_be_saved(tmp_path):
    path = tmp_path / "in.geojson"
    path.write_text('{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {"mag": NaN, "deep": [Infinity]}}')
    dataset = load_dataset(path)
    assert dataset.events[0].extra == {"mag": None, "deep": [None]}
    assert "NaN or infinite numbers in the properties replaced by null" in dataset.warnings[0]
    dumps_dataset(dataset)  # must not raise


def test_crs_bbox_and_a_single_feature_are_tolerated(tmp_path):
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    dataset = load_dataset(write_json(tmp_path, collection(feature({"title": "a"}), crs=crs, bbox=[10, 50, 10, 50])))
    assert dataset.extra["crs"] == crs
    single = load_dataset(write_json(tmp_path, feature({"title": "one"}, bbox=[10, 50, 10, 50]), "one.json"))
    assert [e.title for e in single.events] == ["one"]


def test_duplicate_ids_are_renamed_with_a_warning(tmp_path):
    dataset = load_dataset(write_json(tmp_path, collection(feature({"id": "x"}), feature({"id": "x"}))))
    assert [e.id for e in dataset.events] == ["x", "x-2"]
    assert dataset.warnings == ["in.geojson: feature 1: duplicate id 'x'; renamed 'x-2'"]


# --- bad files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("usgs_truncated.geojson", "usgs_truncated.geojson: not valid JSON at line 3, column 504: Unterminated string"),
        ("empty.geojson", "empty.geojson: the file is empty"),
        ("blank.geojson", "blank.geojson: the file is empty"),
        ("garbage.geojson", "garbage.geojson: not UTF-8 text (byte 1); is it really GeoJSON?"),
    ],
)
def test_bad_files_give_one_clear_message(name, message):
    with pytest.raises(EventmapError) as caught:
        load_dataset(DATA / name)
    assert caught.value.lines() == [message]


def test_nothing_usable_lists_every_problem(tmp_path):
    with pytest.raises(EventmapError) as caught:
        load_dataset(write_json(tmp_path, collection(feature({}, {"type": "Point", "coordinates": [999, 0]}), {"type": "Nope"})))
    assert caught.value.message == "in.geojson: no usable events"
    assert [p.split(":")[0] for p in caught.value.problems] == ["feature 0", "feature 1"]


def test_an_integer_too_long_to_read_costs_one_property_not_the_file(tmp_path):
    path = tmp_path / "big.geojson"
    point = '"geometry": {"type": "Point", "coordinates": [1, 2]}'
    path.write_text('{"type": "Feature", ' + point + ', "properties": {"title": "t", "n": ' + "9" * 5000 + "}}")
    dataset = load_dataset(path)
    assert dataset.events[0].extra == {"n": None}
    assert dataset.warnings == ["big.geojson: feature 0: NaN or infinite numbers in the properties replaced by null"]


def test_unknown_suffix_and_missing_file(tmp_path):
    with pytest.raises(EventmapError, match="unknown file type '.xlsx'"):
        load_dataset(tmp_path / "a.xlsx")
    with pytest.raises(EventmapError, match="no such file"):
        load_dataset(tmp_path / "missing.csv")
    with pytest.raises(EventmapError, match="is a folder"):
        load_dataset(tmp_path.joinpath("dir.kml").mkdir() or tmp_path / "dir.kml")


# --- progress ------------------------------------------------------------------------


def test_progress_is_reported_and_can_cancel(tmp_path):
    many = collection(*(feature({"title": str(i), "start": "2020"}) for i in range(1000)))
    path = write_json(tmp_path, many)
    seen: list[float] = []
    load_dataset(path, progress=lambda f: seen.append(f) or True)
    assert 90 <= len(seen) <= 110
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0
    with pytest.raises(EventmapError, match="in.geojson: reading cancelled"):
        load_dataset(path, progress=lambda f: f < 0.5)


def test_file_filter_names_every_format():
    text = file_filter()
    for suffix in ("*.geojson", "*.json", "*.csv", "*.tsv", "*.txt", "*.kml", "*.kmz"):
        assert suffix in text.split(";;")[0]



def test_an_undated_saved_event_stays_undated_despite_a_time_property(tmp_path):
    saved = feature({"id": "e1", "title": "undated", "time": 1395409267500, "date": "2020"}, id="e1")
    dataset = load_dataset(write_json(tmp_path, collection(saved)))
    assert dataset.events[0].start is None
    assert dataset.events[0].extra == {"time": 1395409267500, "date": "2020"}
    foreign = feature({"title": "quake", "time": 1395409267500}, id="e1")  # no id in the properties: not saved by eventmap
    assert load_dataset(write_json(tmp_path, collection(foreign))).events[0].start.text == "2014-03-21T13:41:07.500Z"
