"""Test set-up shared by tests/geo and tests/desktop.

Qt must run offscreen and Chromium without its sandbox (we run as root in CI);
both are set before any QApplication exists. No test may reach the network.
"""

from __future__ import annotations

import os
import socket

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
os.environ.setdefault("QT_LOGGING_RULES", "qt.webenginecontext.debug=false")


class NetworkUsed(AssertionError):
    """A test tried to open a network connection."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any attempt to connect anywhere but a local (AF_UNIX) socket."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise NetworkUsed(f"test tried to connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(NetworkUsed(f"create_connection{a!r}")))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: (_ for _ in ()).throw(NetworkUsed(f"getaddrinfo{a!r}")))


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path_factory, monkeypatch):
    """Point every settings and cache location at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("eventmap-home")
    monkeypatch.setenv("EVENTMAP_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("EVENTMAP_CACHE_DIR", str(home / "cache"))
    return home


@pytest.fixture
def pg_url():
    """The URL of the PostgreSQL/PostGIS test server (tools/pg_test_server.sh, started by .ci/run), on a Unix socket."""
    url = os.environ.get("EVENTMAP_TEST_PG")
    if not url:
        pytest.skip("no PostgreSQL test server: run tools/pg_test_server.sh start DIR and set EVENTMAP_TEST_PG to the URL it prints")
    return url


def solid_png(rgb: tuple[int, int, int], size: int = 256, note: str = "") -> bytes:
    """A one-colour PNG tile, written with the standard library (``note`` goes in a tEXt chunk)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\0" + bytes(rgb) * size
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\0" + note.encode()) + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b""))


@pytest.fixture
def make_tile_file(tmp_path):
    """``make_tile_file(kind="pmtiles", rgb=(255, 0, 255), max_zoom=3)``: a small raster tile file.

    Every tile from zoom 0 to ``max_zoom`` is one colour, so a picture of the
    map shows whether the tiles were drawn. PMTiles are written with the
    ``pmtiles`` package, MBTiles with sqlite3.
    """

    def make(kind: str = "pmtiles", rgb: tuple[int, int, int] = (255, 0, 255), max_zoom: int = 3):
        # Each tile names itself, so no two are equal: the pmtiles writer's
        # run-length coding of equal tiles loses the zoom range.
        tiles = {(z, x, y): solid_png(rgb, note=f"{z}/{x}/{y}") for z in range(max_zoom + 1) for x in range(2**z) for y in range(2**z)}
        path = tmp_path / f"tiles.{kind}"
        if kind == "mbtiles":
            import sqlite3

            db = sqlite3.connect(path)
            db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
            db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
            db.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "test tiles"), ("format", "png"),
                                                                    ("bounds", "-180,-85,180,85"), ("attribution", "<b>test</b> tiles")])
            db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", [(z, x, (1 << z) - 1 - y, tile) for (z, x, y), tile in tiles.items()])
            db.commit()
            db.close()
            return path
        from pmtiles.tile import Compression, TileType, zxy_to_tileid
        from pmtiles.writer import Writer

        with path.open("wb") as f:
            writer = Writer(f)
            for tile_id, tile in sorted((zxy_to_tileid(z, x, y), tile) for (z, x, y), tile in tiles.items()):
                writer.write_tile(tile_id, tile)
            writer.finalize(
                {"tile_type": TileType.PNG, "tile_compression": Compression.NONE, "min_zoom": 0, "max_zoom": max_zoom,
                 "min_lon_e7": -1800000000, "min_lat_e7": -850000000, "max_lon_e7": 1800000000, "max_lat_e7": 850000000,
                 "center_zoom": 0, "center_lon_e7": 0, "center_lat_e7": 0},
                {"name": "test tiles", "attribution": "<b>test</b> tiles"},
            )
        return path

    return make
