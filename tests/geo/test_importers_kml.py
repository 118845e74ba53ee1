"""KML and KMZ import: the giscore sample, every KML time form, text descriptions, hostile XML."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import pytest

from eventmap.geo.dates import OPEN
from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.importers.common import html_to_text
from eventmap.geo.importers.geojson import read_geojson
from eventmap.geo.storage import dumps_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


def kml(body: str, namespace: str = "http://www.opengis.net/kml/2.2") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="{namespace}"><Document>{body}</Document></kml>\n'


def placemark(inner: str, coordinates: str = "10,50") -> str:
    return f"<Placemark>{inner}<Point><coordinates>{coordinates}</coordinates></Point></Placemark>"


def write(tmp_path: Path, text: str, name: str = "in.kml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the giscore sample -------------------------------------------------------------------


def test_giscore_sample_gives_six_placemarks_with_their_times():
    dataset = load_dataset(DATA / "giscore_TimeTest.kml")
    assert dataset.warnings == []
    assert [e.title for e in dataset.events] == [
        "startPointMarker", "no-start-time-point", "start-end-time-point",
        "no-end-time-point", "endPointMarker", "noTime-StaticMarker",
    ]  # fmt: skip
    spans = [(e.start.text if e.start else None, e.end.text if e.end else None) for e in dataset.events]
    assert spans == [
        ("2008-08-12T01:00:00Z", None),  # TimeStamp
        ("..", "2008-08-12T02:00:00Z"),  # TimeSpan with end only
        ("2008-08-12T03:00:00Z", "2008-08-12T04:00:00Z"),
        ("2008-08-12T04:00:00Z", ".."),  # TimeSpan with begin only
        ("2008-08-12T05:00:00Z", None),
        (None, None),  # no time: shown at every time
    ]
    first = dataset.events[0]
    assert (first.lon, first.lat) == (-76.72894181350101, 39.104144789924)
    assert first.coords_rest == (8.5,) and first.feature_extra == {}
    assert first.summary == "point 1"
    assert dataset.events[1].start is OPEN
    assert dataset.events[5].lo == -math.inf and dataset.events[5].hi == math.inf


def test_giscore_sample_round_trips_through_canonical_form():
    dataset = load_dataset(DATA / "giscore_TimeTest.kml")
    again = read_geojson(dumps_dataset(dataset).encode(), "again.geojson")
    assert again.events == dataset.events


# --- every time form, folders, text -----------------------------------------------------------


def test_every_kml_time_precision():
    dataset = load_dataset(DATA / "kml_every_time.kml")
    by_id = {e.id: e for e in dataset.events}
    assert dataset.name == "Every KML time"
    expected = {
        "year": ("2007", "year", None),
        "month": ("2007-01", "month", None),
        "day": ("2007-01-14", "day", None),
        "utc": ("2007-01-14T21:05:02Z", "second", None),
        "offset": ("2007-01-14T21:05:02+03:00", "second", None),
        "local": ("2007-01-14T21:05:02", "second", None),
        "minutes": ("2007-01-14T21:05Z", "minute", None),
        "from": ("1999", "year", ".."),
        "until": ("..", "open", "2010-06-30"),
        "span": ("2007-01", "month", "2007-03"),
    }
    for ident, (start, precision, end) in expected.items():
        event = by_id[ident]
        assert (event.start.text, event.start.precision, event.end.text if event.end else None) == (start, precision, end), ident
    assert by_id["offset"].lo == by_id["utc"].lo - 3 * 3_600_000
    assert by_id["static"].start is None and by_id["static"].end is None
    assert by_id["year"].extra == {"folder": "Stamps"}
    assert by_id["from"].extra == {"folder": "Spans / Open"}


def test_kml_descriptions_become_text_and_extended_data_extra():
    dataset = load_dataset(DATA / "kml_every_time.kml")
    static = next(e for e in dataset.events if e.id == "static")
    assert static.title == "no time"
    assert static.summary == "Bridge closed & guarded.\nSecond line\nreport bad"
    assert "<" not in static.summary and "alert" not in static.summary and "snippet" not in static.summary
    assert static.url == "https://example.org/report"  # only http(s) links are taken
    assert static.extra == {"casualties": "3", "kml_title": "a field called title", "unit": "2nd battalion"}
    assert (static.lon, static.lat) == (12.0, 50.0)  # "12 , 50 , 0"
    escaped = next(e for e in dataset.events if e.id == "escaped")
    assert escaped.summary == "in italics & more"


def test_kml_problems_are_reported_per_placemark():
    dataset = load_dataset(DATA / "kml_every_time.kml")
    assert len(dataset) == 13
    area = next(e for e in dataset.events if e.id == "area")
    assert 13 < area.lon < 14 and 50 < area.lat < 51
    assert dataset.warnings == [
        "kml_every_time.kml: 1 placemark (1 Polygon) placed at a representative point of the shape",
        "kml_every_time.kml: placemark 14 ('bad time'): TimeStamp when 'yesterday' is not a date"
        " (expected ISO 8601 like 2020-11-08, '13 October 2024' or epoch seconds) (skipped)",
        "kml_every_time.kml: placemark 15 ('backwards'): ends (2008) before it starts (2009) (skipped)",
        "kml_every_time.kml: placemark 16 ('no geometry'): has no Point (skipped)",
        "kml_every_time.kml: placemark 17 ('off the map'): coordinates '200,95' are not a longitude in -180..180"
        " and a latitude in -90..90 (skipped)",
    ]


def test_bare_placemarks_with_and_without_namespace():
    dataset = load_dataset(DATA / "kml_bare.kml")
    assert [e.title for e in dataset.events] == ["bare, no namespace", "bare, 2.2 namespace"]
    assert dataset.events[0].start.text == "2015-08"
    assert dataset.events[1].start.text == "2020-11-08T10:00:00-05:00"
    assert dataset.events[1].end.text == "2020-11-08T12:30:00-05:00"


@pytest.mark.parametrize(
    "namespace",
    ["http://www.opengis.net/kml/2.2", "http://earth.google.com/kml/2.1", "http://earth.google.com/kml/2.0", ""],
)
def test_every_kml_namespace(tmp_path, namespace):
    text = kml(placemark("<name>a</name><TimeStamp><when>2001</when></TimeStamp>"), namespace)
    if not namespace:
        text = text.replace(' xmlns=""', "")
    assert load_dataset(write(tmp_path, text)).events[0].start.text == "2001"


def test_multigeometry_uses_its_point_and_lines_are_reduced(tmp_path):
    body = (
        "<Placemark><name>multi</name><MultiGeometry><LineString><coordinates>0,0 1,1</coordinates></LineString>"
        "<Point><coordinates>5,6</coordinates></Point></MultiGeometry></Placemark>"
        "<Placemark><name>line</name><LineString><coordinates>0,0 4,0</coordinates></LineString></Placemark>"
    )
    dataset = load_dataset(write(tmp_path, kml(body)))
    assert (dataset.events[0].lon, dataset.events[0].lat) == (5, 6)
    assert dataset.events[1].lat == 0 and 0 <= dataset.events[1].lon <= 4
    assert dataset.warnings == ["in.kml: 1 placemark (1 LineString) placed at a representative point of the shape"]


def test_html_to_text_never_keeps_markup():
    text, links = html_to_text('<div onclick="x()">A&nbsp;&lt;b&gt;</div><style>p{}</style><iframe src="data:text/html,x"></iframe>B')
    assert text == "A <b>\nB"  # &lt;b&gt; was text in the HTML, shown as such; it stays text (escaped where shown)
    assert links == []


# --- KMZ ---------------------------------------------------------------------------------------


def make_kmz(tmp_path: Path, members: dict[str, str | bytes], name: str = "in.kmz") -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def test_kmz_reads_doc_kml(tmp_path):
    text = (DATA / "giscore_TimeTest.kml").read_bytes()
    path = make_kmz(tmp_path, {"files/other.kml": kml(placemark("<name>other</name>")), "doc.kml": text, "files/i.png": b"\x89PNG"})
    dataset = load_dataset(path)
    assert len(dataset) == 6
    assert dataset.path == path


def test_kmz_reads_the_first_kml_when_there_is_no_doc_kml(tmp_path):
    path = make_kmz(tmp_path, {"a/places.KML": kml(placemark("<name>only</name>"))})
    assert [e.title for e in load_dataset(path).events] == ["only"]


def test_kmz_errors_name_the_member(tmp_path):
    path = make_kmz(tmp_path, {"doc.kml": "<kml><Placemark>"})
    with pytest.raises(EventmapError, match=r"in.kmz/doc.kml: not well-formed XML at line 1"):
        load_dataset(path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_kml_inside.kmz", "no_kml_inside.kmz: the KMZ archive holds no .kml file"),
        ("garbage.kmz", "garbage.kmz: not a readable KMZ (zip) archive ('File is not a zip file')"),
    ],
)
def test_bad_kmz(name, message):
    with pytest.raises(EventmapError) as caught:
        load_dataset(DATA / name)
    assert caught.value.lines() == [message]


# --- hostile and broken XML ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("kml_entity_bomb.kml", "kml_entity_bomb.kml: declares a DOCTYPE (kml); entity definitions are refused for safety"),
        ("kml_external_entity.kml", "kml_external_entity.kml: declares a DOCTYPE (kml); entity definitions are refused for safety"),
        ("kml_truncated.kml", "kml_truncated.kml: not well-formed XML at line 10, column 1: no element found"),
        ("garbage.kml", "garbage.kml: not well-formed XML at line 1, column 2: not well-formed (invalid token)"),
        ("empty.kml", "empty.kml: the file is empty"),
    ],
)
def test_hostile_and_broken_kml(name, message):
    with pytest.raises(EventmapError) as caught:
        load_dataset(DATA / name)
    assert caught.value.lines() == [message]


def test_undefined_entities_and_other_roots_are_errors(tmp_path):
    with pytest.raises(EventmapError, match="undefined entity"):
        load_dataset(write(tmp_path, kml(placemark("<name>&bomb;</name>"))))
    with pytest.raises(EventmapError, match=r"not a KML file \(the root element is <svg>"):
        load_dataset(write(tmp_path, '<svg xmlns="http://www.w3.org/2000/svg"/>'))


def test_a_document_without_placemarks(tmp_path):
    with pytest.raises(EventmapError) as caught:
        load_dataset(write(tmp_path, kml("<name>empty</name>")))
    assert caught.value.lines() == ["in.kml: no usable events", "no Placemark in the file"]


def test_deeply_nested_folders_are_an_error_not_a_crash(tmp_path):
    body = "<Folder>" * 5000 + placemark("<name>deep</name>") + "</Folder>" * 5000
    with pytest.raises(EventmapError, match="nested too deeply"):
        load_dataset(write(tmp_path, kml(body)))


def test_progress_and_cancel(tmp_path):
    path = write(tmp_path, kml("".join(placemark(f"<name>{i}</name>") for i in range(500))))
    seen: list[float] = []
    assert len(load_dataset(path, progress=lambda f: seen.append(f) or True)) == 500
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(EventmapError, match="in.kml: reading cancelled"):
        load_dataset(path, progress=lambda f: False)
