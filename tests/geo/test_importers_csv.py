"""CSV/TSV import: UCDP GED sample, ACLED layout, generic tables, encodings, geocoding, bad rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.importers.delimited import sniff_delimiter
from eventmap.geo.storage import dumps_dataset
from eventmap.geo.importers.geojson import read_geojson

DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class FakePlace:
    name: str
    lat: float
    lon: float
    country: str = ""


class FakeGazetteer:
    """Knows three places; records every lookup."""

    PLACES = {
        "athmuqam": FakePlace("Athmuqam", 34.5717, 73.8972, "PK"),
        "lahore": FakePlace("Lahore", 31.558, 74.3507, "PK"),
        "sindh": FakePlace("Sindh", 26.0, 68.5, "PK"),
    }

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []

    def lookup(self, name: str, country: str | None = None) -> FakePlace | None:
        self.asked.append((name, country))
        return self.PLACES.get(name.lower())


@pytest.fixture
def gazetteer() -> FakeGazetteer:
    """A stand-in for the gazetteer, given to the readers, so these tests do not depend on its data."""
    return FakeGazetteer()


def write(tmp_path: Path, text: str, name: str = "in.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- the UCDP GED sample ------------------------------------------------------------------


def test_ucdp_sample_gives_31_events_and_skips_the_hxl_row():
    dataset = load_dataset(DATA / "ucdp_ged_pakistan_hdx_excerpt.csv")
    assert len(dataset) == 31  # 33 lines: header, HXL tags, 31 events
    assert dataset.warnings == []
    first = dataset.events[0]
    assert first.id == "59553"
    assert first.start.text == "1990-10-04" and first.start.precision == "day"
    assert first.end is None  # date_end equals date_start
    assert first.title == "Government of India - Government of Pakistan at Kel village"
    assert first.category == "conflict"
    assert first.place == "Kel village"
    assert (first.lat, first.lon) == (34.821865, 74.355544)
    assert first.summary == "State-based conflict: 2 deaths (best estimate). Kel sector of the control line."
    assert first.source == "R 4/10 1990"
    assert first.extra["best"] == 2 and first.extra["adm_1"] == "Azad Jammu & Kashmir"
    assert "geom_wkt" not in first.extra and "latitude" not in first.extra
    # a source_article written as """Reuters News,...""" in the file
    assert dataset.events[1].source == "Reuters News,1990-12-29,PAKISTANI SPOKESMAN SAYS INDIAN FORCES KILLED BUS PASSENGER."
    span = next(e for e in dataset.events if e.id == "372703")
    assert (span.start.text, span.end.text) == ("1994-01-01", "1994-06-28")
    assert dataset.events[-1].id == "372180" and dataset.events[-1].start.text == "1997-06-10"
    low_high = next(e for e in dataset.events if e.id == "55106")
    assert low_high.summary.startswith("State-based conflict: 0 deaths (best estimate; low 0, high 24).")


def test_ucdp_sample_round_trips_through_canonical_form():
    dataset = load_dataset(DATA / "ucdp_ged_pakistan_hdx_excerpt.csv")
    again = read_geojson(dumps_dataset(dataset).encode(), "again.geojson")
    assert again.events == dataset.events


# --- ACLED ---------------------------------------------------------------------------------


def test_acled_layout(gazetteer):
    dataset = load_dataset(DATA / "acled_synthetic.csv", geocoder=gazetteer)
    by_id = {e.id: e for e in dataset.events}
    assert sorted(by_id) == ["PAK90001", "PAK90002", "PAK90003", "PAK90005", "PAK90006"]
    lahore = by_id["PAK90001"]
    assert lahore.title == "Protests in Lahore"
    assert lahore.start.text == "2024-10-13"
    assert lahore.category == "protests"
    assert lahore.summary.startswith("On 13 October 2024, traders protested in Lahore")
    assert lahore.source == "Dawn"
    assert lahore.place == "Lahore"
    assert lahore.extra["fatalities"] == 0
    assert lahore.extra["event_type"] == "Protests"
    assert "notes" not in lahore.extra and "event_date" not in lahore.extra
    kel = by_id["PAK90002"]
    assert kel.start.text == "2020-05-09"  # 9-May-20
    assert kel.summary == 'Cross-border firing, "heavy" shelling,\nreported along the LoC near Kel.'
    assert by_id["PAK90006"].start.text == "1999-01-01"  # 1-Jan-99
    assert by_id["PAK90006"].title == "Talks opened in the capital."  # no location: the notes' first sentence
    geocoded = by_id["PAK90003"]
    assert (geocoded.lat, geocoded.lon) == (34.5717, 73.8972)
    assert geocoded.extra["located_by"] == "gazetteer: Athmuqam"
    assert ("Athmuqam", "Pakistan") in gazetteer.asked
    coarse = by_id["PAK90005"]
    assert (coarse.lat, coarse.lon) == (26.0, 68.5)
    assert dataset.warnings == [
        "acled_synthetic.csv: row 6: event_date '31 February 2021' is not a real date (skipped)",
        "acled_synthetic.csv: row 7: the gazetteer does not know 'Nowhereville'; placed at 'Sindh' from the admin1"
        " column instead (a coarser place)",
        "acled_synthetic.csv: 2 rows without coordinates placed from the gazetteer by place name (rows 5, 7); check them",
    ]


# --- generic tables ------------------------------------------------------------------------


def test_bad_rows_are_skipped_with_their_line_numbers(gazetteer):
    dataset = load_dataset(DATA / "events_bad_rows.csv", geocoder=gazetteer)
    assert [e.title for e in dataset.events] == ["Good row", "Month only", "Undated", "Spreadsheet midnight"]
    assert dataset.warnings == [
        "events_bad_rows.csv: row 3: date 'soon' is not a date (expected ISO 8601 like 2020-11-08, '13 October 2024' or epoch seconds) (skipped)",
        "events_bad_rows.csv: row 4: no coordinates and no place name to look up (skipped)",
        "events_bad_rows.csv: row 5: lat '123' is outside -90..90 (skipped)",
        "events_bad_rows.csv: row 7: ends (2016-04-01) before it starts (2016-05-01) (skipped)",
        "events_bad_rows.csv: row 8: no date; the event is shown at every time",
        "events_bad_rows.csv: row 10: lat 'abc' is not a number (skipped)",
        "events_bad_rows.csv: row 11: 12 fields but the header has 10; a quote or delimiter is out of place (skipped)",
    ]
    good, month, undated, midnight = dataset.events
    assert (good.category, good.url, good.summary, good.extra) == ("diplomacy", "https://example.org/a", "talks", {"magnitude": "1"})
    assert month.start.precision == "month"
    assert undated.start is None and undated.end is None
    assert (midnight.start.text, midnight.end.text) == ("2019-03-01", "2019-03-04")


def test_latin1_semicolons_and_decimal_commas():
    dataset = load_dataset(DATA / "latin1_semicolon.csv")
    assert [e.title for e in dataset.events] == ["Fête à Genève", "Zürich Sechseläuten"]
    assert (dataset.events[0].lat, dataset.events[0].lon) == (46.2044, 6.1432)
    assert dataset.events[1].start.text == "2021-04-20"
    assert dataset.warnings == [
        "latin1_semicolon.csv: line 2: the file is not UTF-8 (byte 41); read as Windows-1252 (Latin-1): check accented letters"
    ]


def test_bom_tabs_comment_lines_and_epoch_seconds():
    dataset = load_dataset(DATA / "utf8_bom.tsv")
    assert [e.title for e in dataset.events] == ["Åland meeting", "Kyiv talks"]
    assert dataset.events[0].start.text == "2018-09"
    assert dataset.events[1].start.text == "2022-03-15T00:00:00Z"
    assert dataset.events[1].source == "epoch seconds"
    assert dataset.warnings == ["utf8_bom.tsv: lines 1-2: skipped before the header row on line 3"]


def test_rows_without_coordinates_are_geocoded(gazetteer):
    dataset = load_dataset(DATA / "places_only.csv", geocoder=gazetteer)
    assert [(e.title, e.lat, e.lon) for e in dataset.events] == [("Athmuqam", 34.5717, 73.8972), ("Lahore", 31.558, 74.3507)]
    assert dataset.warnings == [
        "places_only.csv: row 3: no coordinates, and the gazetteer does not know 'Atlantis' (skipped)",
        "places_only.csv: 2 rows without coordinates placed from the gazetteer by place name (rows 2, 4); check them",
    ]
    assert gazetteer.asked[:2] == [("Athmuqam", "Pakistan"), ("Atlantis", None)]


def test_rows_are_reported_when_the_gazetteer_cannot_load(tmp_path):
    def broken():
        raise EventmapError("gazetteer.csv: no such file")

    path = write(tmp_path, "city,date,lat,lon\nLahore,2020,,\nParis,2020,48.85,2.35\n")
    dataset = load_dataset(path, geocoder=broken)
    assert [e.title for e in dataset.events] == ["Paris"]
    assert dataset.warnings == [
        "in.csv: row 2: no coordinates (place 'Lahore' not looked up) (skipped)",
        "in.csv: rows without coordinates could not be placed: the gazetteer cannot be loaded (gazetteer.csv: no such file)",
    ]


def test_the_real_gazetteer_places_ucdp_style_names(tmp_path):
    path = write(tmp_path, "where_coordinates,date_start,dyad_name,country\nKel village,1990-10-04,A - B,Pakistan\n")
    dataset = load_dataset(path)
    kel = dataset.events[0]
    assert abs(kel.lat - 34.82) < 0.1 and abs(kel.lon - 74.36) < 0.1
    assert kel.title == "A - B at Kel village"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ('name,notes\n"x","a; b; c; d"\n', ","),
        ("# title line\nlat;lon;name\n1,5;2,5;x\n", ";"),
    ],
)
def test_delimiter_sniffing(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_column_names_ignore_case_spaces_and_duplicates(tmp_path):
    path = write(tmp_path, "Event Name,LATITUDE,Lng,Start Date,title,title\nBig,10,20,2020-01-02,T,dup\n")
    event = load_dataset(path).events[0]
    assert (event.lat, event.lon, event.start.text) == (10.0, 20.0, "2020-01-02")
    assert event.title == "T"
    assert event.extra == {"Event Name": "Big", "title_2": "dup"}


def test_extra_columns_named_like_canonical_fields_are_renamed(tmp_path):
    path = write(tmp_path, "lat,lon,date,name,precision\n1,2,2020,x,approximate\n")
    event = load_dataset(path).events[0]
    assert event.extra == {"csv_precision": "approximate"}
    again = read_geojson(dumps_dataset(load_dataset(path)).encode(), "again.geojson")
    assert again.events[0].extra == {"csv_precision": "approximate"}


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "excel.txt"
    path.write_bytes("name\tlat\tlon\nÖl\t1\t2\n".encode("utf-16"))
    assert load_dataset(path).events[0].title == "Öl"


# --- bad files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "in.csv: the file is empty"),
        ("\n\n  \n", "in.csv: the file is empty"),
        ("a,b,c\n1,2,3\n", "in.csv: no header row naming the coordinate columns"),
        ("lat,lon\n", "in.csv: no usable events"),
        ("lat,lon\n1,2\x00\n", "in.csv: this is a binary file, not a text table (it contains NUL bytes)"),
    ],
)
def test_bad_tables(tmp_path, text, message):
    with pytest.raises(EventmapError) as caught:
        load_dataset(write(tmp_path, text))
    assert caught.value.message.startswith(message)


def test_binary_garbage_and_empty_file():
    with pytest.raises(EventmapError, match="garbage.csv: this is a binary file"):
        load_dataset(DATA / "garbage.csv")
    with pytest.raises(EventmapError, match="empty.csv: the file is empty"):
        load_dataset(DATA / "empty.csv")


def test_no_usable_row_lists_the_problems(tmp_path, gazetteer):
    with pytest.raises(EventmapError) as caught:
        load_dataset(write(tmp_path, "lat,lon,date\n100,0,2020\n0,0,never\n"), geocoder=gazetteer)
    assert caught.value.lines() == [
        "in.csv: no usable events",
        "row 2: lat '100' is outside -90..90 (skipped)",
        "row 3: date 'never' is not a date (expected ISO 8601 like 2020-11-08, '13 October 2024' or epoch seconds) (skipped)",
    ]


def test_a_huge_field_skips_only_its_row(tmp_path):
    path = write(tmp_path, "lat,lon,notes\n1,2," + "x" * 200_000 + "\n3,4,short\n")
    dataset = load_dataset(path)
    assert [e.summary for e in dataset.events] == ["short"]
    assert dataset.warnings == ["in.csv: row 2: field larger than field limit (131072) (skipped)"]


def test_progress_and_cancel(tmp_path):
    path = write(tmp_path, "lat,lon,date\n" + "1,2,2020\n" * 5000)
    seen: list[float] = []
    assert len(load_dataset(path, progress=lambda f: seen.append(f) or True)) == 5000
    assert seen == sorted(seen) and 0 <= seen[0] and seen[-1] == 1.0
    assert len(seen) >= 100
    with pytest.raises(EventmapError, match="in.csv: reading cancelled"):
        load_dataset(path, progress=lambda f: f < 0.6)
