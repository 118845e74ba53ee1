"""GeoPackage (OGC 12-128r18): a feature table of events, read with sqlite3 and shapely.

The file is opened read-only. The layer is the first feature table in
``gpkg_contents`` (a warning names the others), or an attribute table with
longitude/latitude columns. Geometry blobs are a small GeoPackage header
followed by WKB, which shapely decodes a batch at a time. Columns map to
event fields by the CSV importer's layout rules.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path
from typing import Any

from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset
from eventmap.geo.importers.common import Progress
from eventmap.geo.importers.table import TableReader, points_from_wkb

BATCH_ROWS = 20_000
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_LONLAT = {("EPSG", 4326), ("OGC", 84)}


def read_geopackage(path: str | Path, name: str, progress: Progress | None = None, layer: str | None = None) -> Dataset:
    """Read the events of a GeoPackage layer (the first feature table unless ``layer`` names one).

    Raises
    ------
    EventmapError
        If the file is not a GeoPackage, the layer has no point geometry or
        coordinate columns, uses a coordinate system other than
        longitude/latitude, holds no usable event, or the read was cancelled.
    """
    path = Path(path)
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise EventmapError(f"{name}: cannot open as a GeoPackage ({exc})") from None
    try:
        return _read(connection, name, progress, layer)
    except sqlite3.DatabaseError as exc:
        raise EventmapError(f"{name}: not a readable GeoPackage ({exc})") from None
    finally:
        connection.close()


def _read(connection: sqlite3.Connection, name: str, progress: Progress | None, layer: str | None) -> Dataset:
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # not SQLite at all: DatabaseError, caught above
    try:
        contents = connection.execute("SELECT table_name, data_type FROM gpkg_contents ORDER BY rowid").fetchall()
    except sqlite3.DatabaseError:
        raise EventmapError(f"{name}: not a GeoPackage (it has no gpkg_contents table)") from None
    tables = [t for t, kind in contents if kind == "features"] + [t for t, kind in contents if kind == "attributes"]
    if layer is not None:
        if layer not in tables:
            raise EventmapError(f"{name}: no layer {layer!r}; the file has {', '.join(tables) or 'no layers'}")
        tables = [layer]
    if not tables:
        raise EventmapError(f"{name}: the GeoPackage has no feature or attribute table")
    table = tables[0]
    warnings = [f"read layer {table!r}; the file also has {', '.join(repr(t) for t in tables[1:])}"] if len(tables) > 1 else []
    geometry = None
    row = connection.execute("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (table,)).fetchone()
    if row is not None:
        geometry, srs_id = row
        _check_srs(connection, srs_id, name, table)
    quoted = _quote(table)
    total = connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
    cursor = connection.execute(f"SELECT * FROM {quoted}")
    names = [d[0] for d in cursor.description]
    geometry_index = names.index(geometry) if geometry in names else None
    keep = [i for i in range(len(names)) if i != geometry_index and names[i] != "fid"]
    label = f"{name} (layer {table})" if len(contents) > 1 else name
    reader = TableReader([names[i] for i in keep], label, total=total, progress=progress,
                         has_points=geometry_index is not None, extra_prefix="gpkg")  # fmt: skip
    reader.warnings.extend(warnings)
    while True:
        rows = cursor.fetchmany(BATCH_ROWS)
        if not rows:
            break
        columns = [[r[i] for r in rows] for i in keep]
        points = points_from_wkb([wkb_of_blob(r[geometry_index]) for r in rows]) if geometry_index is not None else None
        reader.add(columns, points)
    return reader.finish()


def wkb_of_blob(blob: Any) -> bytes | None:
    """The WKB inside a GeoPackage geometry blob (None for a null, empty or broken blob)."""
    if blob is None:
        return None
    data = bytes(blob)
    if data[:2] != b"GP":
        return data or None  # some writers store bare WKB
    if len(data) < 8:
        return None
    flags = data[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0x07)
    if envelope is None or flags & 0x10:  # a bad envelope code, or the empty-geometry flag
        return None
    return data[8 + envelope :] or None


def _check_srs(connection: sqlite3.Connection, srs_id: int, name: str, table: str) -> None:
    if srs_id in (4326, 0, -1):  # 0 and -1: undefined geographic / Cartesian, taken as lon/lat as GDAL does for 0
        return
    row = connection.execute(
        "SELECT srs_name, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,)
    ).fetchone()
    if row is not None and (str(row[1]).upper(), int(row[2] or 0)) in _LONLAT:
        return
    shown = f"{row[0]} ({row[1]}:{row[2]})" if row is not None else f"srs_id {srs_id}"
    raise EventmapError(
        f"{name}: layer {table!r} uses the coordinate system {shown}; eventmap reads longitude/latitude (EPSG:4326)"
        " only: reproject the layer first (e.g. ogr2ogr -t_srs EPSG:4326)",
    )


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def geometry_blob(wkb: bytes, srs_id: int = 4326) -> bytes:
    """A GeoPackage geometry blob (no envelope, little-endian header) around WKB."""
    return b"GP" + bytes((0, 0x01)) + struct.pack("<i", srs_id) + wkb
