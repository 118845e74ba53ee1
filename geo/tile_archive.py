"""Basemaps a user brings: tiles read from a local PMTiles or MBTiles file.

The app serves the tiles to its page from its own URL scheme, one request per
tile, so nothing is fetched from the network. PMTiles are read with the
``pmtiles`` package, MBTiles (SQLite) with the standard library. Raster tiles
(PNG, JPEG, WebP) are drawn by Leaflet; vector tiles (MVT) by the vendored
protomaps-leaflet renderer.
"""

from __future__ import annotations

import gzip
import mmap
import sqlite3
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventmap.geo.errors import EventmapError

SUFFIXES = (".pmtiles", ".mbtiles")
MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "pbf": "application/x-protobuf", "mvt": "application/x-protobuf"}


@dataclass
class TileArchive:
    """An open tile file: what it holds, and its tiles by ``(z, x, y)`` (XYZ scheme)."""

    path: Path
    format: str  # png, jpg, webp or pbf
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None  # west, south, east, north
    attribution: str = ""
    name: str = ""
    _read: Any = field(default=None, repr=False)
    _close: Any = field(default=None, repr=False)

    @property
    def kind(self) -> str:
        """``"raster"`` or ``"vector"``."""
        return "vector" if self.format == "pbf" else "raster"

    @property
    def mime(self) -> str:
        return MIME.get(self.format, "application/octet-stream")

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's bytes (decompressed), or None where the file has none."""
        if not (self.min_zoom <= z <= self.max_zoom) or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        data = self._read(z, x, y)
        if data is None:
            return None
        data = bytes(data)
        if data[:2] == b"\x1f\x8b":  # vector tiles are usually stored gzipped
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError, zlib.error):
                return None
        return data

    def page_info(self) -> dict[str, Any]:
        """What the page needs to draw the tiles (served under ``tiles/{z}/{x}/{y}``)."""
        return {
            "url": "tiles/{z}/{x}/{y}",
            "kind": self.kind,
            "minZoom": self.min_zoom,
            "maxZoom": self.max_zoom,
            "bounds": [[self.bounds[1], self.bounds[0]], [self.bounds[3], self.bounds[2]]] if self.bounds else None,
            "attribution": self.attribution,
            "name": self.name or self.path.name,
        }

    def close(self) -> None:
        if self._close:
            self._close()
            self._close = None


def open_tile_archive(path: str | Path) -> TileArchive:
    """Open a PMTiles or MBTiles file.

    Raises
    ------
    EventmapError
        The file is missing, unreadable, of another kind, or holds no tiles.
    """
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise EventmapError(f"{path}: a basemap file must be .pmtiles or .mbtiles")
    if not path.is_file():
        raise EventmapError(f"{path}: no such basemap file")
    try:
        if path.suffix.lower() == ".pmtiles":
            return _open_pmtiles(path)
        return _open_mbtiles(path)
    except EventmapError:
        raise
    except (OSError, ValueError, KeyError, sqlite3.Error, UnicodeDecodeError) as exc:
        raise EventmapError(f"{path}: not a readable {path.suffix[1:].upper()} file ({exc})") from exc


def _open_pmtiles(path: Path) -> TileArchive:
    from pmtiles.reader import Reader
    from pmtiles.tile import Compression, TileType

    handle = path.open("rb")
    try:
        mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError as exc:  # an empty file
        handle.close()
        raise EventmapError(f"{path}: not a PMTiles file (it is empty)") from exc
    if mapping[:7] != b"PMTiles":
        mapping.close()
        handle.close()
        raise EventmapError(f"{path}: not a PMTiles file (no PMTiles header)")
    reader = Reader(lambda offset, length: mapping[offset:offset + length])
    header = reader.header()
    formats = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp", TileType.MVT: "pbf"}
    fmt = formats.get(header["tile_type"])
    if fmt is None:
        raise EventmapError(f"{path}: tiles of type {header['tile_type'].name} cannot be drawn (PNG, JPEG, WebP or MVT can)")
    if header["tile_compression"] not in (Compression.NONE, Compression.GZIP, Compression.UNKNOWN):
        raise EventmapError(f"{path}: tiles compressed with {header['tile_compression'].name} cannot be read (gzip or none can)")
    try:
        metadata = reader.metadata()
    except (ValueError, OSError):
        metadata = {}
    bounds = tuple(header[k] / 1e7 for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7"))
    lock = threading.Lock()

    def read(z: int, x: int, y: int):
        with lock:
            return reader.get(z, x, y)

    def close() -> None:
        mapping.close()
        handle.close()

    return TileArchive(path, fmt, header["min_zoom"], header["max_zoom"], bounds if bounds[0] < bounds[2] else None,
                       str(metadata.get("attribution", "") if isinstance(metadata, dict) else ""),
                       str(metadata.get("name", "") if isinstance(metadata, dict) else ""), read, close)


def _open_mbtiles(path: Path) -> TileArchive:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    try:
        meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
        zooms = db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
    except sqlite3.DatabaseError as exc:
        db.close()
        raise EventmapError(f"{path}: not an MBTiles file (no metadata and tiles tables: {exc})") from exc
    if zooms[0] is None:
        db.close()
        raise EventmapError(f"{path}: the MBTiles file holds no tiles")
    fmt = str(meta.get("format", "png")).lower()
    if fmt not in MIME:
        db.close()
        raise EventmapError(f"{path}: tiles of format {fmt!r} cannot be drawn (png, jpg, webp or pbf can)")
    bounds = None
    try:
        west, south, east, north = (float(v) for v in str(meta.get("bounds", "")).split(","))
        bounds = (west, south, east, north)
    except ValueError:
        pass
    lock = threading.Lock()

    def read(z: int, x: int, y: int):
        # MBTiles rows count from the south (TMS).
        with lock:
            row = db.execute("SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                             (z, x, (1 << z) - 1 - y)).fetchone()
        return row[0] if row else None

    return TileArchive(path, "pbf" if fmt == "mvt" else fmt, int(zooms[0]), int(zooms[1]), bounds,
                       str(meta.get("attribution", "")), str(meta.get("name", "")), read, db.close)


def describe(archive: TileArchive) -> str:
    """One line for the status bar: name, kind and zoom range."""
    return f"{archive.name or archive.path.name} ({archive.kind} tiles, zoom {archive.min_zoom}–{archive.max_zoom})"


