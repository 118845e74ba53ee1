"""Parquet, GeoParquet and GeoPackage: lossless round trips, tables from other tools, bad files."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from eventmap.geo.convert import run_import
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import feature_from_event
from eventmap.geo.importers import load_dataset
from eventmap.geo.importers.geopackage import geometry_blob
from eventmap.geo.importers.parquet import write_parquet
from eventmap.geo.synthetic import synthetic_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


def features(dataset):
    return [feature_from_event(e) for e in dataset.events]


@pytest.fixture
def varied():
    """Synthetic events with the awkward parts a real dataset has: typed, mixed and nested extras."""
    data = synthetic_dataset(300)
    data.events[0].extra = {"fatalities": 3, "geometry": "a text called geometry", "nested": {"a": [1, 2.5, None]}}
    data.events[1].extra = {"fatalities": None, "mixed": 1}
    data.events[2].extra = {"mixed": "one", "flag": True}
    data.events[3].source = {"publisher": "Dawn", "url": "https://example.org/a"}
    data.events[4].feature_extra = {"_elevation": 12.5, "bbox": [1, 2, 3, 4]}
    data.extra["license"] = "CC0"
    return data


@pytest.mark.parametrize("geometry", ["wkb", "lonlat"])
def test_parquet_round_trip_is_lossless(tmp_path, varied, geometry):
    out = write_parquet(varied, tmp_path / "events.parquet", geometry=geometry)
    back = load_dataset(out)
    assert features(back) == features(varied)
    assert back.extra == varied.extra and back.name == varied.name
    assert back.warnings == [] and back.path == out
    assert back.events[1].extra == {"fatalities": None, "mixed": 1}  # an explicit null stays, a missing key stays missing


def test_geoparquet_metadata_is_standard(tmp_path, varied):
    out = write_parquet(varied, tmp_path / "events.geoparquet")
    table = pq.read_table(out)
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"
    lon, lat, *_ = geo["columns"]["geometry"]["bbox"]
    assert lon == min(e.lon for e in varied.events) and lat == min(e.lat for e in varied.events)
    first = shapely.from_wkb(table.column("geometry")[0].as_py())
    assert (first.x, first.y) == (varied.events[0].lon, varied.events[0].lat)
    # Other tools see plain typed columns; an extra named like the geometry column is renamed, not lost.
    assert table.column("fatalities").type == pa.string()  # int and null mixed: JSON text, read back exactly
    assert "extra_geometry" in table.column_names and table.column("start")[0].as_py() == varied.events[0].start.text


def test_import_csv_to_parquet_gives_the_same_events(tmp_path, capsys):
    src = DATA / "ucdp_ged_pakistan_hdx_excerpt.csv"
    out = tmp_path / "ucdp.parquet"
    assert run_import(str(src), str(out)) == 0
    assert "imported 31 events" in capsys.readouterr().out
    assert features(load_dataset(out)) == features(load_dataset(src))


def _string_table(path: Path, skip_hxl: bool = False) -> pa.Table:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[2:] if skip_hxl else rows[1:]
    return pa.table({name: [r[i] for r in body] for i, name in enumerate(header)})


def test_a_ucdp_table_in_parquet_reads_like_the_csv(tmp_path):
    src = DATA / "ucdp_ged_pakistan_hdx_excerpt.csv"
    pq.write_table(_string_table(src, skip_hxl=True), tmp_path / "ucdp.parquet")
    table = load_dataset(tmp_path / "ucdp.parquet")
    assert features(table) == features(load_dataset(src))
    assert table.events[0].title == "Government of India - Government of Pakistan at Kel village"


def test_an_acled_table_with_typed_columns(tmp_path):
    table = pa.table(
        {
            "event_id_cnty": ["PAK1", "PAK2", "PAK3"],
            "event_date": pa.array([dt.date(2024, 10, 13), dt.date(2020, 5, 9), None], pa.date32()),
            "event_type": ["Protests", "Riots", "Protests"],
            "actor1": ["Protesters", "Rioters", "Protesters"],
            "location": ["Lahore", "Karachi", "Quetta"],
            "latitude": [31.5497, 24.86, 200.0],
            "longitude": [74.3436, 67.01, 67.0],
            "fatalities": pa.array([0, 2, 1], pa.int32()),
            "reported": pa.array([dt.datetime(2024, 10, 14, 9, 30, tzinfo=dt.timezone.utc)] * 3, pa.timestamp("s", tz="UTC")),
            "tags": pa.array([["crowd size=100"], [], None], pa.list_(pa.string())),
        }
    )
    pq.write_table(table, tmp_path / "acled.parquet")
    data = load_dataset(tmp_path / "acled.parquet")
    assert [e.title for e in data.events] == ["Protests in Lahore", "Riots in Karachi"]
    first = data.events[0]
    assert first.start.text == "2024-10-13" and first.category == "protests" and first.id == "PAK1"
    assert first.extra["fatalities"] == 0 and first.extra["tags"] == ["crowd size=100"]
    assert first.extra["reported"] == "2024-10-14T09:30:00Z"
    assert data.warnings == ["acled.parquet: row 3: latitude 200.0 is outside -90..90 (skipped)"]


def test_geoparquet_from_another_tool_with_lines_polygons_and_nulls(tmp_path):
    wkb = shapely.to_wkb(
        [shapely.Point(10, 20), shapely.LineString([(0, 0), (2, 0)]), shapely.box(30, 40, 32, 42), None, shapely.Point(500, 5)]
    )
    table = pa.table(
        {
            "name": ["a", "b", "c", "d", "e"],
            "when": pa.array([dt.datetime(2020, 1, 1, 12, 0)] * 5, pa.timestamp("ms")),
            "geom": pa.array(list(wkb), pa.binary()),
        }
    )
    geo = {"version": "1.0.0", "primary_column": "geom", "columns": {"geom": {"encoding": "WKB", "geometry_types": []}}}
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(geo).encode()}), tmp_path / "other.parquet")
    data = load_dataset(tmp_path / "other.parquet")
    assert [e.title for e in data.events] == ["a", "b", "c"]
    assert (data.events[0].lon, data.events[0].lat) == (10, 20)
    assert shapely.box(30, 40, 32, 42).contains(shapely.Point(data.events[2].lon, data.events[2].lat))
    assert data.events[0].start.text == "2020-01-01T12:00:00" and data.events[0].start.precision == "second"
    assert "other.parquet: row 4: no geometry (skipped)" in data.warnings
    assert any("row 5: coordinates (500, 5)" in w for w in data.warnings)
    assert any("2 rows have line or polygon geometry" in w for w in data.warnings)


def test_a_projected_geoparquet_is_refused_by_name(tmp_path):
    table = pa.table({"title": ["a"], "geometry": pa.array([shapely.to_wkb(shapely.Point(1e6, 2e6))], pa.binary())})
    crs = {"type": "ProjectedCRS", "name": "WGS 84 / Pseudo-Mercator", "id": {"authority": "EPSG", "code": 3857}}
    geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB", "crs": crs}}}
    pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(geo).encode()}), tmp_path / "mercator.parquet")
    with pytest.raises(EventmapError, match=r"mercator.parquet: .*Pseudo-Mercator.*reproject"):
        load_dataset(tmp_path / "mercator.parquet")


def test_bad_parquet_files(tmp_path):
    (tmp_path / "fake.parquet").write_text("id,title\n1,a\n")
    with pytest.raises(EventmapError, match=r"fake.parquet: not a readable Parquet file"):
        load_dataset(tmp_path / "fake.parquet")
    pq.write_table(pa.table({"title": ["a"], "value": [1]}), tmp_path / "nocoords.parquet")
    with pytest.raises(EventmapError, match=r"nocoords.parquet: no geometry column and no coordinate columns .* the columns are title, value"):
        load_dataset(tmp_path / "nocoords.parquet")
    pq.write_table(pa.table({"lat": [1.0], "lon": [2.0]}).slice(0, 0), tmp_path / "empty.parquet")
    with pytest.raises(EventmapError, match=r"empty.parquet: the table has no rows"):
        load_dataset(tmp_path / "empty.parquet")
    with pytest.raises(EventmapError, match=r"no such file"):
        load_dataset(tmp_path / "missing.parquet")


def test_parquet_progress_and_cancel(tmp_path):
    out = write_parquet(synthetic_dataset(2000), tmp_path / "events.parquet")
    seen: list[float] = []
    assert len(load_dataset(out, progress=lambda f: seen.append(f) or True)) == 2000
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(EventmapError, match="reading cancelled"):
        load_dataset(out, progress=lambda f: f < 0.5)


# --- GeoPackage ----------------------------------------------------------------


def write_gpkg(path: Path, rows: list[dict], srs_id: int = 4326, layers: tuple[str, ...] = ("events",)) -> Path:
    """A minimal GeoPackage as GDAL writes one: the three required tables and one feature table per layer."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA application_id = 1196444487")
    con.execute(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,"
        " organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)"
    )
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS[...]', NULL)")
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 / Pseudo-Mercator', 3857, 'EPSG', 3857, 'PROJCS[...]', NULL)")
    con.execute(
        "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT, description TEXT,"
        " last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER)"
    )
    con.execute(
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT)"
    )
    for layer in layers:
        con.execute(
            f'CREATE TABLE "{layer}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB, title TEXT, start DATE, category TEXT, deaths INTEGER)'
        )
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES (?, 'features', ?)", (layer, srs_id))
        con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POINT', ?, 0, 0)", (layer, srs_id))
        for row in rows:
            geom = row.get("geom")
            blob = geometry_blob(shapely.to_wkb(geom), srs_id) if geom is not None else None
            con.execute(
                f'INSERT INTO "{layer}" (geom, title, start, category, deaths) VALUES (?, ?, ?, ?, ?)',
                (blob, row.get("title"), row.get("start"), row.get("category"), row.get("deaths")),
            )
    con.commit()
    con.close()
    return path


GPKG_ROWS = [
    {"geom": shapely.Point(74.34, 31.55), "title": "Rally in Lahore", "start": "2024-10-13", "category": "Protest", "deaths": 0},
    {"geom": shapely.Point(67.0, 24.86, 5.0), "title": "Strike in Karachi", "start": "2024-11", "category": "protest", "deaths": 2},
    {"geom": None, "title": "Nowhere", "start": "2024-11-02"},
    {"geom": shapely.Point(67.0, 30.18), "title": "Bad date", "start": "2024-13-40"},
]


def test_geopackage_layer_reads_with_csv_rules(tmp_path):
    data = load_dataset(write_gpkg(tmp_path / "events.gpkg", GPKG_ROWS))
    assert [e.title for e in data.events] == ["Rally in Lahore", "Strike in Karachi"]
    first, second = data.events
    assert (first.lon, first.lat, first.start.text, first.category) == (74.34, 31.55, "2024-10-13", "protest")
    assert first.extra == {"deaths": 0} and second.start.precision == "month"
    assert second.feature_extra == {} and second.elevation == 5.0
    assert data.warnings[0] == "events.gpkg: row 3: no geometry (skipped)"
    assert data.warnings[1].startswith("events.gpkg: row 4: start ") and data.warnings[1].endswith("(skipped)")


def test_geopackage_other_layers_are_named(tmp_path):
    data = load_dataset(write_gpkg(tmp_path / "two.gpkg", GPKG_ROWS[:1], layers=("first", "second")))
    assert len(data) == 1 and data.warnings == ["two.gpkg (layer first): read layer 'first'; the file also has 'second'"]


def test_bad_geopackages(tmp_path):
    with pytest.raises(EventmapError, match=r"merc.gpkg: layer 'events' uses the coordinate system WGS 84 / Pseudo-Mercator \(EPSG:3857\)"):
        load_dataset(write_gpkg(tmp_path / "merc.gpkg", GPKG_ROWS, srs_id=3857))
    sqlite3.connect(tmp_path / "plain.gpkg").execute("CREATE TABLE t (a)").connection.commit()
    with pytest.raises(EventmapError, match=r"plain.gpkg: not a GeoPackage"):
        load_dataset(tmp_path / "plain.gpkg")
    (tmp_path / "text.gpkg").write_text("not sqlite at all " * 100)
    with pytest.raises(EventmapError, match=r"text.gpkg: not a readable GeoPackage"):
        load_dataset(tmp_path / "text.gpkg")
    with pytest.raises(EventmapError, match=r"no usable events"):
        load_dataset(write_gpkg(tmp_path / "none.gpkg", GPKG_ROWS[2:]))
