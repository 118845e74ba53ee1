"""Bad input gives a clear message or a correct result: each class of defect from the attack on the readers."""

from __future__ import annotations

import csv
import io
import json
import lzma
import math
import os
import time
import zipfile
from pathlib import Path

import pytest

from eventmap.geo.dates import MAX_MS, MIN_MS, TimeWindow, date_from_ms, parse_date, window_label
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset, Event, assign_ids
from eventmap.geo.importers import load_dataset
from eventmap.geo.importers.common import epoch_text, parse_when
from eventmap.geo.importers.layouts import Columns
from eventmap.geo.page.payload import event_details
from eventmap.geo.storage import dumps_dataset, save_dataset
from eventmap.geo.validate import validate_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


def point(props: dict, coords: list | None = None, **members) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coords or [73.05, 33.69]}, "properties": props, **members}


def write(tmp_path: Path, *features: dict, name: str = "in.geojson", **members) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", **members, "features": list(features)}), encoding="utf-8")
    return path


GOOD = point({"title": "good", "start": "2020-01-01"})


# --- 1. the supported date range ---------------------------------------------------


@pytest.mark.parametrize("text", ["0001-01-01T00:30+01:00", "9998-12-31T23:30-01:00"])
def test_a_date_outside_the_supported_range_in_utc_is_refused_naming_the_feature(tmp_path, text):
    dataset = load_dataset(write(tmp_path, GOOD, point({"title": "year 0 in UTC", "start": text})))
    assert [e.title for e in dataset.events] == ["good"]
    assert dataset.warnings == [
        f"in.geojson: feature 1: start {text!r} is outside the years 1-9998 (UTC), the dates eventmap supports (skipped)"
    ]


def test_the_first_and_last_supported_dates_are_read_and_shown():
    first, last = parse_date("0001-01-01T00:30Z"), parse_date("9998-12-31T23:30-00:00")
    assert first.lo >= MIN_MS and last.hi <= MAX_MS
    assert date_from_ms(first.lo).text == "0001-01-01"  # not "1-01-01": strftime drops the zeros
    assert window_label(first.lo, last.hi).startswith("1 Jan 1")


def test_a_window_never_holds_an_instant_outside_the_supported_dates():
    window = TimeWindow(MIN_MS - 86_400_000.0 * 800, MAX_MS + 86_400_000.0 * 800)
    assert (window.lo, window.hi) == (MIN_MS, MAX_MS)
    assert window.label()  # no OverflowError on the way
    assert TimeWindow().is_all_time


def test_epoch_times_in_the_years_1_to_999_are_written_with_four_digit_years():
    ms = (parse_date("0005-03-04T05:06:07Z").lo)
    assert epoch_text(ms) == "0005-03-04T05:06:07Z"
    assert parse_when(ms).text == "0005-03-04T05:06:07Z"


# --- 2. lone surrogates -----------------------------------------------------------


def test_lone_surrogates_are_replaced_at_read_time_with_a_warning(tmp_path):
    path = tmp_path / "in.geojson"
    text = json.dumps({"type": "FeatureCollection", "name": "Name \ud800", "features": [
        point({"title": "a\ud800b", "start": "2020", "source": {"k\udfff": ["x\udc00"]}}),
    ]})
    path.write_text(text, encoding="utf-8")
    dataset = load_dataset(path)
    event = dataset.events[0]
    assert event.title == "a\ufffdb" and event.source == {"k\ufffd": ["x\ufffd"]}
    assert dataset.name == "Name \ufffd"
    assert any("feature 0: 3 texts hold invalid Unicode" in w for w in dataset.warnings)
    assert any("collection member 'name'" in w for w in dataset.warnings)
    dumps_dataset(dataset).encode("utf-8")  # everything downstream holds valid Unicode


def test_a_file_name_that_is_not_utf8_gives_a_clean_name(tmp_path):
    name = b"caf\xe9.geojson".decode("utf-8", "surrogateescape")
    path = write(tmp_path, GOOD, name=name)
    dataset = load_dataset(path)
    assert dataset.name == "caf\ufffd.geojson"
    dataset.name.encode("utf-8")


def test_a_lone_surrogate_in_utf16_csv_is_replaced(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes("lat,lon,title\n1,2,a".encode("utf-16") + b"\x00\xd8" + "b\n".encode("utf-16-le"))
    dataset = load_dataset(path)
    assert dataset.events[0].title == "a\ufffdb"
    assert "lone surrogate" in dataset.warnings[0]


# --- 3. saving: the .bak, temp files ----------------------------------------------


def test_a_failing_save_leaves_no_temp_file_and_keeps_the_old_file(tmp_path, monkeypatch):
    dataset = load_dataset(write(tmp_path, GOOD))
    target = tmp_path / "out.geojson"
    target.write_text("old")
    (tmp_path / "out.geojson.bak").write_text("older")

    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("eventmap.geo.storage.os.replace", broken)
    with pytest.raises(EventmapError, match="No space left on device.*previous file is unchanged"):
        save_dataset(dataset, target)
    assert target.read_text() == "old" and (tmp_path / "out.geojson.bak").read_text() == "older"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.geojson", "out.geojson", "out.geojson.bak"]


def test_the_bak_is_the_previous_file_and_stale_temps_are_removed(tmp_path):
    dataset = load_dataset(write(tmp_path, GOOD))
    target = tmp_path / "out.geojson"
    target.write_text("version 1")
    stale = tmp_path / ".out.geojson.999999999-abc.tmp"  # a killed save's: no such process
    stale.write_text("half")
    save_dataset(dataset, target)
    assert (tmp_path / "out.geojson.bak").read_text() == "version 1"
    assert not stale.exists()
    assert json.loads(target.read_text())["features"][0]["properties"]["title"] == "good"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times come from /proc")
def test_a_killed_savers_temp_is_removed_even_when_its_pid_now_belongs_to_another_process(tmp_path):
    """Found in CI: Linux reuses pids (32,768 by default), so a pid alone cannot name a live writer."""
    from eventmap.geo.storage import _start_time

    dataset = load_dataset(write(tmp_path, GOOD))
    target = tmp_path / "out.geojson"
    target.write_text("version 1")
    live = os.getppid()  # a process that runs, but did not write these files
    reused = tmp_path / f".out.geojson.{live}_1-abc.bak.tmp"  # its pid, another start time: a dead saver's
    writing = tmp_path / f".out.geojson.{live}_{_start_time(live)}-def.tmp"  # really that process's, fresh
    reused.write_text("half")
    writing.write_text("being written")
    save_dataset(dataset, target)
    assert not reused.exists()
    assert writing.exists()  # a live writer's file is left alone


def test_a_dataset_json_cannot_hold_is_an_eventmap_error_not_a_half_file(tmp_path):
    dataset = Dataset([Event("a", "t", 1.0, 2.0, extra={"n": math.nan})])
    with pytest.raises(EventmapError, match="cannot be written as GeoJSON"):
        save_dataset(dataset, tmp_path / "out.geojson")
    assert list(tmp_path.iterdir()) == []


# --- 4. a quote left open in a CSV ------------------------------------------------


def test_an_unclosed_quote_is_reported_with_its_line_and_the_rest_is_read(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('lat,lon,title\n1,2,"open\n3,4,b\n5,6,c\n7,8,d\n')
    dataset = load_dataset(path)
    assert [e.title for e in dataset.events] == ["b", "c", "d"]
    assert dataset.warnings[0].startswith("in.csv: line 2: a quoted field runs on to line 5")
    assert "is a closing quote missing on line 2?" in dataset.warnings[0]


def test_a_note_over_several_lines_is_not_an_unclosed_quote(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('lat,lon,title,notes\n1,2,a,"first line\nsecond, with a comma"\n3,4,b,x\n')
    dataset = load_dataset(path)
    assert [e.title for e in dataset.events] == ["a", "b"] and dataset.warnings == []
    assert dataset.events[0].summary == "first line\nsecond, with a comma"


# --- 5. linear, not quadratic -----------------------------------------------------


def test_unique_ids_for_many_features_with_the_same_or_no_id_take_linear_time():
    def timed(events):
        begin = time.perf_counter()
        assign_ids(events, [])
        return time.perf_counter() - begin, events

    seconds, events = timed([Event("same", "t", 0.0, 0.0) for _ in range(20_000)])
    assert len({e.id for e in events}) == 20_000 and events[-1].id == "same-20000"
    _, idless = timed([Event("", "t", 0.0, 0.0) for _ in range(20_000)])
    assert len({e.id for e in idless}) == 20_000
    assert seconds < 5  # quadratic was about 20 s for 20k here; linear is a few ms (not a benchmark: a guard)


def test_duplicate_column_names_are_numbered_in_linear_time():
    columns = Columns(["lat", "lon"] + ["x"] * 20_000 + ["x_3"])
    assert columns.names[2:5] == ["x", "x_2", "x_3"] and columns.names[-1] == "x_3_2"
    assert len(set(columns.names)) == len(columns.names)


# --- 6. huge integers -------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        point({"title": "lon"}, coords=[10**400, 1]),
        point({"title": "start", "start": 10**400}),
        point({"title": "time", "time": 10**400}),
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [10**400, 3]]}, "properties": {"title": "line"}},
        point({"title": "elevation"}, coords=[1, 2, 10**400]),
    ],
)
def test_a_huge_integer_skips_or_keeps_that_feature_never_the_import(tmp_path, bad):
    dataset = load_dataset(write(tmp_path, GOOD, bad))
    assert dataset.events[0].title == "good"
    assert len(dataset.events) == 1 or dataset.events[1].title in ("time", "elevation")
    dumps_dataset(dataset)


# --- 7. a damaged KMZ -------------------------------------------------------------


@pytest.mark.parametrize("method", [zipfile.ZIP_LZMA, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2])
def test_a_corrupt_compressed_kmz_member_is_one_clear_message(tmp_path, method):
    kml = (DATA / "kml_every_time.kml").read_bytes()
    path = tmp_path / "bad.kmz"
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        archive.writestr("doc.kml", kml)
    raw = bytearray(path.read_bytes())
    start = raw.index(b"doc.kml") + len(b"doc.kml") + 20  # into the compressed bytes
    raw[start : start + 40] = bytes(40)
    path.write_bytes(bytes(raw))
    with pytest.raises(EventmapError) as caught:
        load_dataset(path)
    assert caught.value.message.startswith("bad.kmz: ")
    assert "damaged" in caught.value.message or "not a readable KMZ" in caught.value.message
    assert lzma  # (the lzma module is what raised _lzma.LZMAError before)


# --- 8. deep nesting --------------------------------------------------------------


def _deep(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = {"k": [value]}
    return value


def test_nesting_600_deep_is_bounded_at_read_time(tmp_path):
    dataset = load_dataset(write(tmp_path, GOOD, point({"title": "deep", "source": _deep(300)}), metadata=_deep(300)))
    assert [e.title for e in dataset.events] == ["good"]
    assert "in.geojson: feature 1: lists or objects nested more than 32 levels deep (skipped)" in dataset.warnings
    assert "in.geojson: collection member 'metadata': nested more than 32 levels deep; left out" in dataset.warnings
    assert "metadata" not in dataset.extra
    validate_dataset(dataset)
    dumps_dataset(dataset)


def test_nesting_within_the_bound_is_kept(tmp_path):
    source = _deep(10)
    dataset = load_dataset(write(tmp_path, point({"title": "ok", "source": source})))
    assert dataset.events[0].source == source and dataset.warnings == []
    assert event_details(dataset.events[0])["source"]


# --- 12. round trips keep what they need not change ---------------------------------


def test_load_and_save_keep_members_ids_and_text_as_written(tmp_path):
    features = [
        {"type": "Feature", "id": 7, "_elevation": "hello",
         "geometry": {"type": "Point", "coordinates": [73.05, 33.69, 512.5, 9.0], "bbox": [73, 33, 74, 34], "crs": {"type": "name"}},
         "properties": {"id": 7, "title": "  Padded title ", "category": "Energy", "start": "2020-01-01"}},
        {"type": "Feature", "id": "feature-id", "geometry": {"type": "Point", "coordinates": [1.0, 2.0]},
         "properties": {"id": "property-id", "title": "b", "start": "2020"}},
    ]
    path = write(tmp_path, *features)
    dataset = load_dataset(path)
    assert dataset.events[0].title == "Padded title" and dataset.events[0].category == "energy"
    saved = json.loads(dumps_dataset(dataset))
    first, second = saved["features"]
    assert first["id"] == 7 and first["properties"]["id"] == 7
    assert first["_elevation"] == "hello"
    assert first["geometry"] == features[0]["geometry"]
    assert first["properties"]["title"] == "  Padded title " and first["properties"]["category"] == "Energy"
    assert second["id"] == "feature-id" and second["properties"]["id"] == "property-id"
    # and again: a second round trip changes nothing
    again = tmp_path / "again.geojson"
    again.write_text(dumps_dataset(dataset))
    assert json.loads(dumps_dataset(load_dataset(again))) == saved


def test_nan_in_a_collection_member_is_reported_when_it_becomes_null(tmp_path):
    path = tmp_path / "in.geojson"
    path.write_text('{"type": "FeatureCollection", "stats": {"mean": NaN}, "features": [' + json.dumps(GOOD) + "]}")
    dataset = load_dataset(path)
    assert dataset.extra["stats"] == {"mean": None}
    assert "in.geojson: collection member 'stats': NaN or infinite numbers (JSON has none) replaced by null" in dataset.warnings
    assert any("'stats'" in p for p in validate_dataset(dataset).problems)


# --- 14. numbers and dates read strictly ------------------------------------------


def test_python_underscore_numbers_are_not_numbers(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("lat,lon,title\n1_0,2,a\n10,2,b\n")
    dataset = load_dataset(path)
    assert [e.title for e in dataset.events] == ["b"]
    assert "lat '1_0' is not a number" in dataset.warnings[0]


def test_acled_fatalities_with_an_underscore_stay_text(tmp_path):
    rows = list(csv.reader(io.StringIO((DATA / "acled_synthetic.csv").read_text(encoding="utf-8"))))
    rows[1][rows[0].index("fatalities")] = "1_000"
    path = tmp_path / "acled.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows[:2])
    event = load_dataset(path).events[0]
    assert event.extra["fatalities"] == "1_000"


@pytest.mark.parametrize("text", ["\u0662\u0660\u0662\u0660-\u0660\u0661-\u0660\u0662", "２０２０-０１-０２", "２０２０－０１－０２"])
def test_dates_in_other_digits_are_read_and_saved_as_iso(tmp_path, text):
    dataset = load_dataset(write(tmp_path, point({"title": "t", "start": text})))
    assert dataset.events[0].start.text == "2020-01-02"
    assert json.loads(dumps_dataset(dataset))["features"][0]["properties"]["start"] == "2020-01-02"
    assert "is not written in ASCII digits; saved as '2020-01-02'" in dataset.warnings[0]


# --- #11.18: the latitude/longitude swap hint -----------------------------------------


def test_no_swap_hint_for_a_quake_really_at_sea():
    report = validate_dataset(load_dataset(DATA / "usgs_significant_month_2014-03.geojson"))
    assert not [n for n in report.notes if "swapped" in n]
    assert any("in no country" in n for n in report.notes)


def test_a_swap_hint_when_the_point_does_not_fit_the_dataset(tmp_path):
    right = [point({"title": f"r{i}", "start": "2020"}, coords=[73.04 + i / 10, 33.72]) for i in range(5)]
    swapped = point({"title": "swapped", "start": "2020"}, coords=[33.72, 73.04])
    notes = validate_dataset(load_dataset(write(tmp_path, *right, swapped))).notes
    assert [n for n in notes if "swapped" in n] == [
        "feature 5: at lat 73.04, lon 33.72 it is at sea, far from the other events; with latitude and longitude swapped it would be in Pakistan"
    ]
