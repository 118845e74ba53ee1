"""The bundled dataset: valid, sourced, and placed where the gazetteer says."""

import re

from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import CATEGORIES
from eventmap.geo.places.gazetteer import load_gazetteer
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import data_dir, default_dataset
from eventmap.geo.validate import validate_dataset

SEEDS = {"000_9e369aff28458d19.txt", "003_c46de655e29607e1.txt"}


def test_bundled_dataset_is_valid():
    dataset = load_dataset(default_dataset())
    report = validate_dataset(dataset)
    assert report.problems == []
    assert 12 <= report.count <= 20
    assert set(dataset.categories()) <= set(CATEGORIES)


def test_every_event_has_a_source_naming_a_seed_file_and_a_summary():
    for event in load_dataset(default_dataset()).events:
        sources = event.source if isinstance(event.source, list) else [event.source]
        assert {s["seed"] for s in sources} <= SEEDS, event.id
        assert all(s["publisher"] and s["published"] for s in sources)
        assert len(event.summary) > 40, event.id
        assert event.start is not None and event.start.precision in ("year", "month", "day")


def test_events_sit_on_their_gazetteer_place():
    gazetteer = load_gazetteer()
    for event in load_dataset(default_dataset()).events:
        place = gazetteer.lookup(event.place)
        assert place is not None, event.place
        assert abs(place.lat - event.lat) < 1e-6 and abs(place.lon - event.lon) < 1e-6, event.id


def test_design_sites_are_used():
    places = {e.place for e in load_dataset(default_dataset()).events}
    assert {"Tarbela", "Pabbi", "Gwadar", "Moscow"} <= places


def test_year_2020_selects_exactly_the_2020_events():
    dataset = load_dataset(default_dataset())
    mask = dataset.columns.in_window(TimeWindow.year(2020).lo, TimeWindow.year(2020).hi)
    chosen = {e.id for e, m in zip(dataset.events, mask) if m}
    assert chosen == {e.id for e in dataset.events if e.start.text.startswith("2020")}
    assert "druzhba-5-exercise-2020-11-08" in chosen


def test_sources_md_explains_every_event():
    text = (data_dir() / "SOURCES.md").read_text(encoding="utf-8")
    for event in load_dataset(default_dataset()).events:
        assert f"`{event.id}`" in text, event.id
    assert re.search(r"15 October 2024", text) and "2020-11-05/2020-11-07" in text
