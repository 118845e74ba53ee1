"""The bundled dataset: valid, sourced, and placed where the gazetteer says."""

import re

from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import CATEGORIES
from eventmap.geo.places.gazetteer import load_gazetteer
from eventmap.geo.importers import load_dataset
from eventmap.geo.page.payload import event_details
from eventmap.geo.paths import data_dir, default_dataset
from eventmap.geo.validate import validate_dataset

OUTLETS = {"Global Village Space", "Arab News"}


def test_bundled_dataset_is_valid():
    dataset = load_dataset(default_dataset())
    report = validate_dataset(dataset)
    assert report.problems == []
    assert 12 <= report.count <= 20
    assert set(dataset.categories()) <= set(CATEGORIES)


def test_every_event_has_a_readable_source_a_date_basis_and_a_summary():
    for event in load_dataset(default_dataset()).events:
        sources = event.source if isinstance(event.source, list) else [event.source]
        assert all(s["publisher"] in OUTLETS and s["published"] for s in sources), event.id
        text = event.source_text()
        assert not re.search(r"\.txt|seed|inferred", text), text  # file names stay in SOURCES.md
        assert event.extra["date_basis"], event.id
        assert len(event.summary) > 40, event.id
        assert event.start is not None and event.start.precision in ("year", "month", "day")


def test_a_source_reads_as_a_citation():
    events = {e.id: e for e in load_dataset(default_dataset()).events}
    druzhba = events["druzhba-7-exercise-2024-10-13"]
    assert druzhba.source_text() == (
        "Arab News, 'Pakistani, Russian armies kick off \u2018Druzhba-VII\u2019 joint counter-terror exercise', 15 Oct 2024"
    )
    assert druzhba.url == "https://www.arabnews.com/node/2575360"
    assert druzhba.extra["date_basis"].startswith("inferred: the year from the article's date (15 Oct 2024)")
    assert events["overchuk-visits-islamabad-2024-09"].extra["date_phrase"] == "Last month"
    assert events["mi-35m-helicopter-deal-2015-08"].extra["date_basis"] == "explicit"
    assert events["joint-exercises-begin-2016"].source_text() == "Global Village Space (GVS News Desk), 5 Nov 2020 \u2013 7 Nov 2020"
    both = events["russia-lifts-arms-embargo-2014"].source_text().split("; ")
    assert [part.split(",")[0] for part in both] == ["Global Village Space (GVS News Desk)", "Arab News"]


def test_the_popup_says_how_the_date_was_found():
    event = next(e for e in load_dataset(default_dataset()).events if e.id == "trade-investment-forum-moscow-2024-10")
    details = event_details(event)
    assert details["date_basis"] == "inferred from the article's date (15 Oct 2024) ('Earlier this month')"
    assert "Arab News" in details["source"] and ".txt" not in details["source"]


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


def test_inferred_dates_are_marked_and_explicit_ones_not():
    from eventmap.geo.certainty import event_certainty

    events = {e.id: e for e in load_dataset(default_dataset()).events}
    assert event_certainty(events["mi-35m-helicopter-deal-2015-08"]).date == "exact"
    assert event_certainty(events["joint-exercises-begin-2016"]).date == "exact"  # "explicit: open span ..."
    assert event_certainty(events["overchuk-visits-islamabad-2024-09"]).date == "inferred"
