"""Parquet and GeoParquet: read any table of events, write datasets losslessly.

Reading: the point of each row comes from the GeoParquet primary geometry
column (WKB, or GeoArrow ``point``), else from a binary column named like a
geometry (``geometry``, ``geom``, ``wkb``…), else from longitude/latitude
columns found as in a CSV header. The other columns map to event fields by
the CSV importer's layout rules (generic, ACLED, UCDP GED). The file is read
one row group at a time.

Writing (:func:`write_parquet`): GeoParquet 1.1 with a WKB ``geometry``
column (or plain ``longitude``/``latitude`` columns), one column per canonical
field and per extra property, and a description of the columns in the file's
metadata so that eventmap reads it back exactly: properties whose values are
not all of one simple type are stored as JSON text.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset
from eventmap.geo.importers.common import Progress
from eventmap.geo.importers.table import (
    CANONICAL,
    FEATURE_COLUMN,
    METADATA_KEY,
    Points,
    TableLayout,
    TableReader,
    guess_geometry_column,
    points_from_geometries,
    points_from_wkb,
)

BATCH_ROWS = 65_536
ROW_GROUP_ROWS = 131_072
GEO_VERSION = "1.1.0"
_LONLAT_CRS = {("EPSG", "4326"), ("OGC", "CRS84"), ("OGC", "CRS84H")}
_MISSING = object()


def read_parquet(path: str | Path, name: str, progress: Progress | None = None) -> Dataset:
    """Read a Parquet or GeoParquet table of events.

    Raises
    ------
    EventmapError
        If the file is not Parquet, has no geometry or coordinate columns,
        uses a coordinate system other than longitude/latitude, holds no
        usable event, or the read was cancelled.
    """
    import pyarrow as pa  # noqa: PLC0415 - pyarrow is slow to import; most files are not Parquet
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise EventmapError(f"{name}: not a readable Parquet file ({_brief(exc)})") from None
    schema = parquet.schema_arrow
    metadata = schema.metadata or {}
    geometry, encoding = _geometry_column(schema, metadata, name)
    names = [n for n in schema.names if n != geometry]
    reader = TableReader(
        names, name, total=parquet.metadata.num_rows, progress=progress,
        stored=TableLayout.from_metadata(metadata.get(METADATA_KEY)), has_points=geometry is not None,
        extra_prefix="parquet",
    )  # fmt: skip
    try:
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            columns = [batch.column(n).to_pylist() for n in names]
            points = _points(batch.column(geometry), encoding) if geometry is not None else None
            reader.add(columns, points)
    except (pa.ArrowException, OSError) as exc:
        raise EventmapError(f"{name}: row {reader.row + 1} and on cannot be read ({_brief(exc)})") from None
    return reader.finish()


def _geometry_column(schema: Any, metadata: dict[bytes, bytes], name: str) -> tuple[str | None, str]:
    """(column, encoding) of the table's point geometry, or (None, '') to use coordinate columns."""
    import pyarrow as pa  # noqa: PLC0415

    raw = metadata.get(b"geo")
    if raw:
        try:
            geo = json.loads(raw)
            column = geo["primary_column"]
            info = geo["columns"][column]
        except (ValueError, KeyError, TypeError):
            raise EventmapError(f"{name}: the GeoParquet 'geo' metadata is not valid (it needs primary_column and columns)") from None
        if column not in schema.names:
            raise EventmapError(f"{name}: the GeoParquet primary column {column!r} is not in the table")
        _check_crs(info.get("crs", _MISSING), name, column)
        encoding = str(info.get("encoding", "WKB")).lower()
        if encoding not in ("wkb", "point"):
            raise EventmapError(f"{name}: geometry column {column!r} is encoded as {encoding!r}; eventmap reads WKB and GeoArrow point")
        return column, encoding
    binary = {f.name for f in schema if pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)}
    column = guess_geometry_column(list(schema.names), binary)
    return (column, "wkb") if column else (None, "")


def _check_crs(crs: Any, name: str, column: str) -> None:
    """Refuse a coordinate system other than longitude/latitude (GeoParquet's default is OGC:CRS84)."""
    if crs is _MISSING:
        return
    if crs is None:
        raise EventmapError(f"{name}: geometry column {column!r} has an undefined coordinate system; eventmap needs longitude/latitude (OGC:CRS84)")
    ident = None
    if isinstance(crs, dict):
        ident = crs.get("id") if isinstance(crs.get("id"), dict) else None
        label = crs.get("name") or crs.get("id")
    else:
        text = str(crs)
        label = text
        if ":" in text:
            authority, code = text.split(":", 1)
            ident = {"authority": authority, "code": code}
    if ident is not None and (str(ident.get("authority", "")).upper(), str(ident.get("code", "")).upper()) in _LONLAT_CRS:
        return
    if isinstance(crs, dict) and str(crs.get("name", "")).upper() in ("WGS 84", "WGS 84 (CRS84)"):
        return
    raise EventmapError(
        f"{name}: geometry column {column!r} uses the coordinate system {_brief(label)}; eventmap reads longitude/latitude"
        " (EPSG:4326 or OGC:CRS84) only: reproject the file first (e.g. ogr2ogr -t_srs EPSG:4326)",
    )


def _points(column: Any, encoding: str) -> Points:
    if encoding == "point":
        import numpy as np  # noqa: PLC0415
        import shapely  # noqa: PLC0415

        x = column.field("x").to_numpy(zero_copy_only=False).astype(float)
        y = column.field("y").to_numpy(zero_copy_only=False).astype(float)
        present = column.is_valid().to_pylist()
        geoms = shapely.points(x, y)
        geoms[~np.asarray(present, dtype=bool)] = None
        return points_from_geometries(geoms, present)
    fast = _wkb_points_fast(column)
    return fast if fast is not None else points_from_wkb(column.to_pylist())


def _wkb_points_fast(column: Any) -> Points | None:
    """2D little-endian WKB points read straight from the Arrow buffers with numpy, or None to decode with shapely.

    Most files (eventmap's own, GeoPandas') hold nothing else: 21 bytes a row, no parsing.
    """
    import numpy as np  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if array.null_count or not pa.types.is_binary(array.type) or len(array) == 0:
        return None
    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    if not np.all(np.diff(offsets) == 21):
        return None
    rows = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]].reshape(-1, 21)
    if not (np.all(rows[:, 0] == 1) and np.all(rows[:, 1:5] == np.array([1, 0, 0, 0], dtype=np.uint8))):
        return None
    x = rows[:, 5:13].copy().view("<f8").ravel()
    y = rows[:, 13:21].copy().view("<f8").ravel()
    if not (np.all(np.abs(x) <= 180) and np.all(np.abs(y) <= 90)):  # NaN (an empty point) fails too
        return None
    return Points(x.tolist(), y.tolist())


def _brief(value: Any, limit: int = 160) -> str:
    text = str(value).strip().splitlines()[0] if str(value).strip() else type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- writing -------------------------------------------------------------------


def write_parquet(dataset: Dataset, path: str | Path, geometry: str = "wkb") -> Path:
    """Write a dataset as GeoParquet (``geometry="wkb"``) or plain Parquet with lon/lat columns (``"lonlat"``).

    The file is written next to ``path`` and renamed into place; a previous
    file is kept as ``path + '.bak'``. Reading it back with :func:`read_parquet`
    gives the same events, extra properties and dataset members.

    Raises
    ------
    EventmapError
        If the file cannot be written (the previous file is then unchanged).
    """
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    if geometry not in ("wkb", "lonlat"):
        raise EventmapError(f"unknown Parquet geometry {geometry!r}; use 'wkb' or 'lonlat'")
    path = Path(path)
    table = dataset_table(dataset, geometry)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        os.close(fd)
    except OSError as exc:
        raise EventmapError(f"{path}: cannot write here ({exc.strerror or exc})") from None
    try:
        pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        os.chmod(tmp, 0o666 & ~_umask())
        if path.exists():
            shutil.copy2(path, path.with_name(path.name + ".bak"))
        os.replace(tmp, path)
    except (OSError, pa.ArrowException) as exc:
        Path(tmp).unlink(missing_ok=True)
        raise EventmapError(f"{path}: could not save ({_brief(exc)}); the previous file is unchanged") from None
    return path


def dataset_table(dataset: Dataset, geometry: str = "wkb") -> Any:
    """The pyarrow Table :func:`write_parquet` writes (with its GeoParquet and eventmap metadata)."""
    import numpy as np  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415

    events = dataset.events
    arrays: list[Any] = []
    names: list[str] = []
    properties: list[list[str]] = []

    def add(column: str, key: str, array: Any, encoding: str) -> None:
        names.append(column)
        arrays.append(array)
        properties.append([column, key, encoding])

    lon = np.fromiter((e.lon for e in events), float, len(events))
    lat = np.fromiter((e.lat for e in events), float, len(events))
    metadata: dict[bytes, bytes] = {}
    if geometry == "wkb":
        import shapely  # noqa: PLC0415

        wkb = shapely.to_wkb(shapely.points(lon, lat), output_dimension=2) if len(events) else np.array([], dtype=object)
        names.append("geometry")
        arrays.append(pa.array(wkb, type=pa.binary()))
        bbox = [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())] if len(events) else []
        column_info: dict[str, Any] = {"encoding": "WKB", "geometry_types": ["Point"]}
        if bbox:
            column_info["bbox"] = bbox
        metadata[b"geo"] = json.dumps({"version": GEO_VERSION, "primary_column": "geometry", "columns": {"geometry": column_info}}).encode()
        reserved = {"geometry"}
    else:
        add("longitude", "longitude", pa.array(lon), "longitude")
        add("latitude", "latitude", pa.array(lat), "latitude")
        reserved = {"longitude", "latitude"}
    reserved |= set(CANONICAL) | {FEATURE_COLUMN}

    add("id", "id", pa.array([e.id for e in events], pa.string()), "plain")
    add("title", "title", pa.array([e.title for e in events], pa.string()), "plain")
    add("start", "start", pa.array([e.start.text if e.start is not None else None for e in events], pa.string()), "plain")
    add("end", "end", pa.array([e.end.text if e.end is not None else None for e in events], pa.string()), "plain")
    add("precision", "precision", pa.array([e.precision or None for e in events], pa.string()), "plain")
    for key in ("place", "category", "summary", "url"):
        add(key, key, pa.array([getattr(e, key) for e in events], pa.string()), "plain")
    array, encoding = _typed_column([e.source for e in events], none_is_missing=True)
    add("source", "source", array, encoding)

    keys: dict[str, None] = {}
    for event in events:
        for key in event.extra:
            keys.setdefault(key, None)
    used = set(names)
    for key in keys:
        column, n = key, 2
        while column in reserved or column in used:
            column, n = f"extra_{key}" if n == 2 else f"extra_{key}_{n}", n + 1
        used.add(column)
        array, encoding = _typed_column([e.extra.get(key, _MISSING) for e in events])
        add(column, key, array, encoding)
    members = [_feature_members(e) for e in events]
    if any(members):
        add(FEATURE_COLUMN, FEATURE_COLUMN, pa.array([_dumps(m) if m else None for m in members], pa.string()), "json")

    description = {"version": 1, "name": dataset.name, "extra": dataset.extra, "properties": properties}
    metadata[METADATA_KEY] = json.dumps(description, ensure_ascii=False, default=str).encode("utf-8")
    return pa.Table.from_arrays(arrays, names=names).replace_schema_metadata(metadata)


def _feature_members(event: Any) -> dict[str, Any]:
    """The event's other feature members; under "geometry" (never another member) the point's own extras."""
    if not event.coords_rest and not event.geometry_extra:
        return event.feature_extra
    geometry = dict(event.geometry_extra or {})
    if event.coords_rest:
        geometry["coordinates"] = list(event.coords_rest)
    return {**event.feature_extra, "geometry": geometry}


def _typed_column(values: list[Any], none_is_missing: bool = False) -> tuple[Any, str]:
    """A column of one simple Arrow type when every present value has it, else JSON text (lossless)."""
    import pyarrow as pa  # noqa: PLC0415

    present = [v for v in values if v is not _MISSING and (v is not None or not none_is_missing)]
    kinds = {v.__class__ for v in present}
    plain = [None if v is _MISSING else v for v in values]
    if kinds == {str}:
        return pa.array(plain, pa.string()), "plain"
    if kinds == {bool}:
        return pa.array(plain, pa.bool_()), "plain"
    if kinds == {int} and all(-(1 << 63) <= v < (1 << 63) for v in present):
        return pa.array(plain, pa.int64()), "plain"
    if kinds == {float} and all(math.isfinite(v) for v in present):
        return pa.array(plain, pa.float64()), "plain"
    if not present:
        return pa.array(plain, pa.string()), "plain"
    return pa.array([None if v is _MISSING or (v is None and none_is_missing) else _dumps(v) for v in values], pa.string()), "json"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
