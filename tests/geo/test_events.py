"""Events and datasets: reading canonical GeoJSON, saving it back without loss."""

import json
import math

import pytest

from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Event
from eventmap.geo.importers import load_dataset
from eventmap.geo.importers.geojson import read_geojson
from eventmap.geo.paths import default_dataset
from eventmap.geo.storage import dumps_dataset, save_dataset


def feature(props, coords=(72.69, 34.09), **extra):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(coords)}, "properties": props, **extra}


def collection(*features, **extra):
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def test_event_period_follows_start_and_end():
    ds = read_geojson(collection(feature({"title": "a", "start": "2024-10-13", "end": "2024-10-27"})), "x.geojson")
    event = ds.events[0]
    assert event.precision == "day"
    assert event.when() == "13 Oct 2024 – 27 Oct 2024"
    assert (event.hi - event.lo) / 86_400_000 == 15


def test_undated_event_covers_all_time():
    ds = read_geojson(collection(feature({"title": "always"})), "x.geojson")
    assert ds.events[0].lo == -math.inf and ds.events[0].hi == math.inf


def test_bad_features_are_skipped_with_their_index():
    raw = collection(
        feature({"title": "ok", "start": "2020"}),
        feature({"title": "bad date", "start": "2020-13"}),
        feature({"title": "far away"}, coords=(200, 10)),
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "properties": {}},
        feature({"title": "backwards", "start": "2021", "end": "2020"}),
    )
    ds = read_geojson(raw, "x.geojson")
    # The LineString is reduced to a point (and said so); the others are skipped.
    assert [e.title for e in ds.events] == ["ok", ""]
    text = "\n".join(ds.warnings)
    assert "feature 1" in text and "2020-13" in text
    assert "feature 2" in text and "longitude" in text
    assert "representative point" in text
    assert "feature 4" in text and "before it starts" in text


def test_nothing_usable_is_an_error_listing_problems():
    with pytest.raises(EventmapError) as info:
        read_geojson(collection(feature({"start": "nope"})), "x.geojson")
    assert "no usable events" in info.value.message
    assert any("feature 0" in p for p in info.value.problems)


def test_duplicate_ids_are_renamed_and_reported():
    ds = read_geojson(collection(feature({"id": "a", "title": "one"}), feature({"id": "a", "title": "two"})), "x.geojson")
    assert [e.id for e in ds.events] == ["a", "a-2"]
    assert any("duplicate id" in w for w in ds.warnings)


def test_unknown_properties_and_members_survive_save_and_load(tmp_path):
    raw = collection(
        feature(
            {"id": "e1", "title": "T", "start": "2015-08", "source": {"publisher": "P", "seed": "s.txt"}, "casualties": 3, "tags": ["a", "b"]},
            coords=(10, 20, 150.5),
            bbox=[10, 20, 10, 20],
        ),
        name="My set",
        metadata={"author": "me"},
    )
    first = read_geojson(raw, "in.geojson")
    path = tmp_path / "out.geojson"
    save_dataset(first, path)
    second = load_dataset(path)
    assert second.events == first.events
    assert second.extra == {"name": "My set", "metadata": {"author": "me"}}
    saved = json.loads(path.read_text())
    assert saved["features"][0]["properties"]["casualties"] == 3
    assert saved["features"][0]["geometry"]["coordinates"] == [10, 20, 150.5]
    assert saved["features"][0]["bbox"] == [10, 20, 10, 20]


def test_save_keeps_the_previous_file_as_bak(tmp_path):
    path = tmp_path / "events.geojson"
    path.write_text("old content")
    ds = read_geojson(collection(feature({"title": "x", "start": "2020"})), "x.geojson")
    save_dataset(ds, path)
    assert (tmp_path / "events.geojson.bak").read_text() == "old content"
    assert load_dataset(path).events[0].title == "x"


def test_failed_save_leaves_the_original(tmp_path, monkeypatch):
    path = tmp_path / "events.geojson"
    path.write_text("precious")
    ds = read_geojson(collection(feature({"title": "x", "start": "2020"})), "x.geojson")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("eventmap.geo.storage.os.replace", broken_replace)
    with pytest.raises(EventmapError) as info:
        save_dataset(ds, path)
    assert "previous file is unchanged" in str(info.value)
    assert path.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_bundled_dataset_round_trips_byte_for_byte():
    ds = load_dataset(default_dataset())
    assert dumps_dataset(ds) == default_dataset().read_text(encoding="utf-8")


def test_columns_match_events():
    ds = load_dataset(default_dataset())
    cols = ds.columns
    assert len(cols.lo) == len(ds)
    mask = cols.in_window(*_year(2020))
    assert sorted(e.id for e, m in zip(ds.events, mask) if m) == sorted(
        e.id for e in ds.events if e.lo < _year(2020)[1] and e.hi > _year(2020)[0]
    )


def _year(y):
    from eventmap.geo.dates import TimeWindow

    w = TimeWindow.year(y)
    return w.lo, w.hi


def test_event_equality_is_by_value():
    a = Event(id="x", title="t", lon=1, lat=2)
    assert a == Event(id="x", title="t", lon=1, lat=2)


def test_one_category_order_for_the_dataset_the_page_and_the_form():
    from eventmap.geo.dates import parse_date
    from eventmap.geo.events import CATEGORIES, Dataset, order_categories
    from eventmap.geo.page.config import page_config

    names = ["zeta", "trade", "alpha", "exercise", ""]
    dataset = Dataset(events=[Event(id=n or "x", title=n, lon=0.0, lat=0.0, start=parse_date("2020"), category=n) for n in names])
    assert dataset.categories() == order_categories(names) == ["exercise", "trade", "", "alpha", "zeta"]
    assert [c["name"] for c in page_config(dataset.events)["categories"]] == [c or "uncategorised" for c in dataset.categories()]
    assert order_categories(["zeta", ""], every_known=True) == [*CATEGORIES, "zeta"]  # the form offers every known one


def test_a_renamed_duplicate_numeric_id_reads_back_the_same(tmp_path):
    """Found by Hypothesis: two features with the feature id 0 and no properties."""
    import json

    from eventmap.geo.importers import load_dataset
    from eventmap.geo.importers.geojson import read_geojson
    from eventmap.geo.storage import dumps_dataset

    point = {"type": "Point", "coordinates": [73.05, 33.69]}
    features = [{"type": "Feature", "id": 0, "geometry": point, "properties": None} for _ in range(2)]
    path = tmp_path / "dup.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    dataset = load_dataset(path)
    assert [e.id for e in dataset.events] == ["0", "0-2"]
    text = dumps_dataset(dataset)
    again = read_geojson(text.encode("utf-8"), "again.geojson")
    assert again.events == dataset.events
    assert dumps_dataset(again) == text
