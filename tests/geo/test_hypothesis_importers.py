"""Property tests: whatever a file holds, importing it raises nothing but EventmapError.

And when an import succeeds, the dataset is sound: ids unique, coordinates on
the map, and it survives the canonical save and reload unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
import zipfile
from pathlib import Path
from unittest import mock
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset
from eventmap.geo.importers import SUFFIXES, load_dataset
from eventmap.geo.importers import geojson
from eventmap.geo.importers.geojson import read_geojson
from eventmap.geo.storage import dumps_dataset

DATA = Path(__file__).resolve().parents[1] / "data"
SETTINGS = settings(
    # modest by default (the whole file runs in about 10 s); raise it to hunt: EVENTMAP_HYPOTHESIS_EXAMPLES=5000
    max_examples=int(os.environ.get("EVENTMAP_HYPOTHESIS_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class _Place:
    def __init__(self, name: str, lat: float, lon: float) -> None:
        self.name, self.lat, self.lon, self.country = name, lat, lon, "XX"


class _Gazetteer:
    """Knows 'Here'; for 'Broken' answers with a place whose coordinates are nonsense."""

    def lookup(self, name: str, country: str | None = None) -> _Place | None:
        if name.lower() == "here":
            return _Place("Here", 10.0, 20.0)
        if name.lower() == "broken":
            return _Place("Broken", math.nan, 999.0)
        return None




def load_bytes(raw: bytes, suffix: str) -> Dataset | None:
    """Import ``raw`` as a file ``in<suffix>``; None if it gave an EventmapError (which must name the file)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(raw)
        try:
            dataset = load_dataset(path, geocoder=_Gazetteer())
        except EventmapError as exc:
            assert exc.message.startswith(f"in{suffix}"), exc.message
            assert all(isinstance(p, str) and p for p in exc.problems)
            event("refused")
            return None
    event("imported")
    check_sound(dataset, suffix)
    return dataset


def check_sound(dataset: Dataset, suffix: str) -> None:
    assert len(dataset) > 0
    ids = [e.id for e in dataset.events]
    assert len(set(ids)) == len(ids)
    for event in dataset.events:
        assert isinstance(event.id, str) and event.id
        assert math.isfinite(event.lat) and -90 <= event.lat <= 90
        assert math.isfinite(event.lon) and -180 <= event.lon <= 180
        assert isinstance(event.title, str) and isinstance(event.summary, str)
        assert event.lo <= event.hi
    assert all(w.startswith(f"in{suffix}") for w in dataset.warnings)
    again = read_geojson(dumps_dataset(dataset).encode("utf-8"), "again.geojson")
    assert again.events == dataset.events


# --- anything at all ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", sorted(SUFFIXES))
@SETTINGS
@given(raw=st.binary(max_size=3000))
def test_binary_garbage(suffix, raw):
    load_bytes(raw, suffix)


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".kml"])
@SETTINGS
@given(text=st.text(max_size=2000))
def test_any_text(suffix, text):
    load_bytes(text.encode("utf-8"), suffix)


def _mutations(sample: str):
    raw = (DATA / sample).read_bytes()
    at = st.integers(0, len(raw))
    return st.one_of(
        at.map(lambda i: raw[:i]),
        st.tuples(at, st.binary(min_size=1, max_size=20)).map(lambda t: raw[: t[0]] + t[1] + raw[t[0] :]),
        st.tuples(at, at, st.binary(max_size=20)).map(lambda t: raw[: min(t[:2])] + t[2] + raw[max(t[:2]) :]),
    )


@pytest.mark.parametrize(
    "sample",
    ["usgs_significant_month_2014-03.geojson", "ucdp_ged_pakistan_hdx_excerpt.csv", "giscore_TimeTest.kml", "acled_synthetic.csv"],
)
@SETTINGS
@given(data=st.data())
def test_damaged_samples(sample, data):
    load_bytes(data.draw(_mutations(sample)), Path(sample).suffix)


# --- JSON and GeoJSON -----------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=25)


@SETTINGS
@given(value=JSON)
def test_any_json(value):
    load_bytes(json.dumps(value).encode(), ".geojson")


LAT = st.floats(min_value=-90, max_value=90)
LON = st.floats(min_value=-180, max_value=180)
WILD_NUMBER = st.one_of(
    st.floats(min_value=-200, max_value=200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0, 1e308, -1e308, 5e-324, 90.0000001, -180.5]),
)
NUMBER = st.one_of(LAT, LAT, WILD_NUMBER)  # mostly usable, so that imports also succeed
ODD = st.one_of(st.none(), st.booleans(), st.text(max_size=5), st.just([]), st.just({}))
POSITION = st.one_of(
    st.tuples(LON, LAT).map(list),
    st.tuples(LON, LAT, NUMBER).map(list),
    st.lists(st.one_of(NUMBER, NUMBER, NUMBER, ODD), min_size=0, max_size=4),
)
GEOMETRY_TYPES = ["Point", "LineString", "MultiPoint", "Polygon", "MultiLineString", "MultiPolygon", "GeometryCollection", "Curve", ""]


def _nested(depth: int):
    strategy = POSITION
    for _ in range(depth):
        strategy = st.lists(strategy, max_size=5)
    return strategy


COORDINATES = st.one_of(POSITION, _nested(1), _nested(2), _nested(3), ODD)
SIMPLE_GEOMETRY = st.fixed_dictionaries({"type": st.sampled_from(GEOMETRY_TYPES), "coordinates": COORDINATES})
GEOMETRY = st.one_of(
    st.tuples(LON, LAT).map(lambda p: {"type": "Point", "coordinates": list(p)}),
    st.tuples(LON, LAT).map(lambda p: {"type": "Point", "coordinates": list(p)}),
    st.none(),
    SIMPLE_GEOMETRY,
    st.fixed_dictionaries({"type": st.just("GeometryCollection"), "geometries": st.lists(SIMPLE_GEOMETRY, max_size=3)}),
    ODD,
)
DATE_TEXT = st.one_of(
    st.dates().map(str),
    st.datetimes(timezones=st.just(None) | st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(
        ["2014", "2015-08", "2020-11-08", "2020-11-08T10:00Z", "2020-11-08 10:00:00+02:00", "..", "13 October 2024",
         "9-May-20", "2020-02-30", "0000", "9999-12-31", "1395409267500", "", " ", "-2020", "+12345-01-01"]
    ),
    st.text(max_size=25),
)  # fmt: skip
DATE = st.one_of(DATE_TEXT, NUMBER, ODD)
KEYS = ["start", "end", "begin", "date", "time", "timestamp", "datetime", "event_date", "title", "name", "place",
        "id", "precision", "category", "summary", "source", "url", "end_date"]  # fmt: skip
PROPERTIES = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(KEYS), st.one_of(DATE, JSON), max_size=6),
    st.dictionaries(st.text(max_size=6), JSON, max_size=3),
    ODD,
)
FEATURE = st.fixed_dictionaries(
    {"type": st.sampled_from(["Feature"] * 8 + ["feature", "Point"]), "geometry": GEOMETRY, "properties": PROPERTIES},
    optional={"id": st.one_of(st.sampled_from(["a", "a", "b", ""]), st.integers(), ODD), "bbox": JSON, "extra": JSON},
)


@SETTINGS
@given(features=st.lists(FEATURE, max_size=8), members=st.dictionaries(st.sampled_from(["bbox", "crs", "name", "metadata"]), JSON))
def test_geojson_collections(features, members):
    load_bytes(json.dumps({"type": "FeatureCollection", **members, "features": features}).encode(), ".geojson")


def _outcome(raw: bytes) -> tuple:
    try:
        dataset = geojson.read_geojson(raw, "in.geojson")
    except EventmapError as exc:
        return ("error", exc.lines())
    return (dumps_dataset(dataset), dataset.warnings, dataset.name)


@SETTINGS
@given(
    features=st.lists(FEATURE, max_size=6),
    members=st.dictionaries(st.sampled_from(["bbox", "crs", "name", "metadata", "type", "features"]), JSON),
    spacing=st.sampled_from([None, 1, "\t"]),
)
def test_streaming_read_equals_whole_parse(features, members, spacing):
    text = json.dumps({"type": "FeatureCollection", **members, "features": features}, indent=spacing)
    raw = text.encode()
    with mock.patch.object(geojson, "_read_collection_streaming", lambda *args: None):
        whole = _outcome(raw)
    assert _outcome(raw) == whole


@SETTINGS
@given(
    lon=st.floats(allow_nan=True, allow_infinity=True),
    lat=st.floats(allow_nan=True, allow_infinity=True),
    props=st.dictionaries(st.sampled_from(KEYS), DATE, max_size=4),
)
def test_geojson_points_with_any_numbers(lon, lat, props):
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
    dataset = load_bytes(json.dumps(feature).encode(), ".geojson")  # NaN and Infinity literals too
    if dataset is not None:
        assert (dataset.events[0].lon, dataset.events[0].lat) == (lon, lat)


@SETTINGS
@given(lon=LON, lat=LAT, rest=st.lists(WILD_NUMBER | ODD, min_size=1, max_size=2), saved=st.booleans())
def test_geojson_3d_points_with_any_elevation(lon, lat, rest, saved):
    props = {"id": "a", "title": "t"} if saved else {}
    feature = {"type": "Feature", "id": "a", "geometry": {"type": "Point", "coordinates": [lon, lat, *rest]}, "properties": props}
    dataset = load_bytes(json.dumps({"type": "FeatureCollection", "features": [feature]}).encode(), ".geojson")
    assert dataset is not None and (dataset.events[0].lon, dataset.events[0].lat) == (lon, lat)


@SETTINGS
@given(size=st.integers(100_001, 300_000), key=st.sampled_from(["title", "summary", "place", "id", "other"]))
def test_huge_strings_are_cut(size, key):
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {key: "x" * size}}
    dataset = load_bytes(json.dumps(feature).encode(), ".geojson")
    assert dataset is not None


# --- CSV -----------------------------------------------------------------------------------

COLUMNS = ["lat", "lon", "Latitude", "LONGITUDE", "y", "x", "date", "start", "end", "event_date", "date_start", "date_end",
           "time", "year", "title", "name", "place", "location", "city", "where_coordinates", "dyad_name", "event_type",
           "notes", "source", "url", "id", "country", "fatalities", "best", "precision", "event_id_cnty", "actor1", "#tag",
           "", "lat"]  # fmt: skip
CELL = st.one_of(
    NUMBER.map(str),
    DATE_TEXT,
    st.sampled_from(["Here", "Broken", "here", "", " ", "1,5", "−3.5", "nan", "inf", "1e400", "#date+start", '"', "\r\n"]),
    st.text(max_size=20),
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]


@SETTINGS
@given(
    header=st.lists(st.one_of(st.sampled_from(COLUMNS), st.text(max_size=8)), min_size=1, max_size=8),
    rows=st.lists(st.lists(CELL, max_size=9), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(ENCODINGS),
    suffix=st.sampled_from([".csv", ".tsv", ".txt"]),
)
def test_csv_tables(header, rows, delimiter, encoding, suffix):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    raw = buffer.getvalue().encode(encoding, errors="replace")
    load_bytes(raw, suffix)


ROLE_VALUES = {
    "lat": LAT.map(str),
    "lon": LON.map(str),
    "date": DATE_TEXT,
    "end": DATE_TEXT | st.just(""),
    "title": st.text(max_size=15),
    "place": st.sampled_from(["Here", "Broken", "Nowhere", ""]),
    "notes": st.text(max_size=40),
    "id": st.sampled_from(["a", "a", "b", ""]),
    "category": st.text(max_size=8),
    "extra": st.text(max_size=8),
    "precision": st.text(max_size=8),
}


@SETTINGS
@given(
    columns=st.lists(st.sampled_from(sorted(ROLE_VALUES)), min_size=1, max_size=8, unique=True),
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_csv_plausible_tables(columns, data, delimiter):
    rows = data.draw(st.lists(st.tuples(*(ROLE_VALUES[c] for c in columns)), max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    load_bytes(buffer.getvalue().encode("utf-8", errors="replace"), ".csv")


@SETTINGS
@given(
    lines=st.lists(st.lists(CELL, max_size=6).map(lambda cells: ",".join(cells)), max_size=10),
    header=st.sampled_from(["lat,lon,date,title", "city,date", "latitude;longitude;event_date", "event_id_cnty,event_date,event_type,actor1,location,latitude,longitude"]),
)
def test_csv_unquoted_lines(lines, header):
    load_bytes("\n".join([header, *lines]).encode("utf-8", errors="replace"), ".csv")


@SETTINGS
@given(lat=NUMBER, lon=NUMBER, first=DATE_TEXT, last=DATE_TEXT, ident=st.sampled_from(["a", "a", "b", ""]))
def test_csv_coordinates_dates_and_duplicate_ids(lat, lon, first, last, ident):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([["id", "lat", "lon", "start", "end"], [ident, lat, lon, first, last], [ident, lat, lon, first, last]])
    dataset = load_bytes(buffer.getvalue().encode(), ".csv")
    if dataset is not None:
        assert all(e.lat == float(lat) for e in dataset.events)


# --- KML and KMZ -----------------------------------------------------------------------------

NAMESPACES = ["http://www.opengis.net/kml/2.2", "http://earth.google.com/kml/2.1", "http://earth.google.com/kml/2.0", None]
def XML_TEXT(max_size: int) -> st.SearchStrategy[str]:  # noqa: N802 - reads like st.text
    """Text XML 1.0 can hold (no control characters but tab and newline, no surrogates)."""
    return st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n"), max_size=max_size)


KML_TIME = st.sampled_from(
    ["", "2007", "2007-01", "2007-01-14", "2007-01-14T21:05:02Z", "2007-01-14T21:05:02+03:00", "2007-01-14T21:05:02",
     "2007-01-14T21:05Z", "yesterday", "2007-13", " 2007 "]
) | XML_TEXT(20)  # fmt: skip
KML_COORDINATES = st.one_of(
    st.tuples(LON, LAT).map(lambda p: f"{p[0]},{p[1]}"),
    st.tuples(LON, LAT).map(lambda p: f"{p[0]},{p[1]}"),
    st.tuples(NUMBER, NUMBER).map(lambda p: f"{p[0]},{p[1]}"),
    st.tuples(NUMBER, NUMBER, NUMBER).map(lambda p: f"{p[0]} , {p[1]} , {p[2]}"),
    XML_TEXT(20),
)


@st.composite
def kml_documents(draw) -> str:
    placemarks = []
    for _ in range(draw(st.integers(0, 5))):  # 0: no placemark at all
        parts = [f"<name>{escape(draw(XML_TEXT(20)))}</name>"]
        if draw(st.booleans()):
            parts.append(f"<description>{escape(draw(XML_TEXT(60) | st.sampled_from(['<b>x</b>', '<script>alert(1)</script>', '&lt;i&gt;'])))}</description>")
        kind = draw(st.sampled_from(["stamp", "span", "none"]))
        if kind == "stamp":
            parts.append(f"<TimeStamp><when>{escape(draw(KML_TIME))}</when></TimeStamp>")
        elif kind == "span":
            begin, end = draw(KML_TIME), draw(KML_TIME)
            parts.append(f"<TimeSpan><begin>{escape(begin)}</begin><end>{escape(end)}</end></TimeSpan>")
        geometry = draw(st.sampled_from(["Point", "Point", "Point", "LineString", "Polygon", "MultiGeometry", "none"]))
        coords = escape(" ".join(draw(st.lists(KML_COORDINATES, min_size=1, max_size=4))))
        if geometry == "Point":
            parts.append(f"<Point><coordinates>{coords}</coordinates></Point>")
        elif geometry == "LineString":
            parts.append(f"<LineString><coordinates>{coords}</coordinates></LineString>")
        elif geometry == "Polygon":
            parts.append(f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon>")
        elif geometry == "MultiGeometry":
            parts.append(f"<MultiGeometry><LineString><coordinates>{coords}</coordinates></LineString></MultiGeometry>")
        if draw(st.booleans()):
            key = escape(draw(st.sampled_from(["title", "x", "", "start"]) | XML_TEXT(5)), {'"': "&quot;"})
            parts.append(f'<ExtendedData><Data name="{key}"><value>{escape(draw(XML_TEXT(10)))}</value></Data></ExtendedData>')
        placemarks.append("<Placemark>" + "".join(parts) + "</Placemark>")
    body = "".join(placemarks)
    for _ in range(draw(st.integers(0, 3))):
        tag = draw(st.sampled_from(["Folder", "Document"]))
        body = f"<{tag}><name>{escape(draw(XML_TEXT(5)))}</name>{body}</{tag}>"
    namespace = draw(st.sampled_from(NAMESPACES))
    attribute = f' xmlns="{namespace}"' if namespace else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<kml{attribute}>{body}</kml>'


@SETTINGS
@given(document=kml_documents())
def test_kml_documents(document):
    load_bytes(document.encode("utf-8"), ".kml")


@SETTINGS
@given(document=kml_documents(), member=st.sampled_from(["doc.kml", "a/b.kml", "x.KML", "doc.txt"]))
def test_kmz_archives(document, member):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, document)
    load_bytes(buffer.getvalue(), ".kmz")


@SETTINGS
@given(
    inner=st.text(max_size=200),
    prolog=st.sampled_from(["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>', '<?xml version="1.0" encoding="nonsense"?>', "<!DOCTYPE kml>", '<!DOCTYPE x [<!ENTITY e "e">]>']),
)
def test_xml_with_arbitrary_content(inner, prolog):
    load_bytes(f"{prolog}<kml><Placemark>{inner}</Placemark></kml>".encode("utf-8", errors="replace"), ".kml")
