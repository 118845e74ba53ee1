"""Several sources for one event: the lines a popup lists, their conflicts, and merging two reports."""

from __future__ import annotations

import json

from eventmap.geo.dates import parse_date
from eventmap.geo.events import Event
from eventmap.geo.importers import load_dataset
from eventmap.geo.page.payload import event_details
from eventmap.geo.sources import merge_events, source_conflicts, source_lines, sources_of
from eventmap.geo.storage import dumps_dataset

GVS = {"publisher": "Global Village Space", "title": "Russian forces arrive", "published": "2020-11-06"}
ARAB = {"publisher": "Arab News", "title": "Druzhba V begins", "published": "2020-11-09", "url": "https://example.org/a"}


def drill(start: str, source, place: str = "Tarbela") -> Event:
    return Event("d", "Druzhba V", 72.69, 34.09, start=parse_date(start), place=place, category="exercise", source=source)


def test_merging_two_reports_keeps_both_sources_with_their_own_dates():
    merged = merge_events(drill("2020-11-08", GVS), drill("2020-11-09", ARAB, place="Pabbi"))
    first, second = sources_of(merged)
    assert first["publisher"] == "Global Village Space" and first["start"] == "2020-11-08" and first["place"] == "Tarbela"
    assert second["publisher"] == "Arab News" and second["start"] == "2020-11-09" and second["place"] == "Pabbi"
    # The span covers what both claim; the first report's title and place stay.
    assert merged.start.text == "2020-11-08" and merged.end.text == "2020-11-09"
    assert (merged.title, merged.place) == ("Druzhba V", "Tarbela")
    conflicts = source_conflicts(merged)
    assert any("when it began" in c and "8 Nov 2020 (Global Village Space)" in c and "9 Nov 2020 (Arab News)" in c for c in conflicts)
    assert any("where it was" in c and "Pabbi (Arab News)" in c for c in conflicts)


def test_sources_that_agree_have_no_conflict_and_list_one_line_each():
    merged = merge_events(drill("2020-11-08", GVS), drill("2020-11-08", ARAB))
    assert source_conflicts(merged) == []
    lines = source_lines(merged)
    assert len(lines) == 2 and lines[1].startswith("Arab News, 'Druzhba V begins', 9 Nov 2020")
    assert merged.end is None  # both say one day


def test_popup_details_list_several_sources_and_keep_one_line_for_one():
    merged = merge_events(drill("2020-11-08", GVS), drill("2020-11-09", ARAB))
    details = event_details(merged)
    assert len(details["sources"]) == 2 and details["conflicts"]
    assert "sources" not in event_details(drill("2020-11-08", GVS))


def test_merged_sources_survive_save_and_load(tmp_path):
    from eventmap.geo.events import Dataset

    merged = merge_events(drill("2020-11-08", GVS), drill("2020-11-09", ARAB))
    path = tmp_path / "m.geojson"
    path.write_text(dumps_dataset(Dataset([merged], name="m")), encoding="utf-8")
    again = load_dataset(path).events[0]
    assert again.source == merged.source
    assert json.loads(path.read_text(encoding="utf-8"))["features"][0]["properties"]["source"][1]["start"] == "2020-11-09"
