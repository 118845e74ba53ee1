"""Basemap files a user brings: PMTiles and MBTiles read tile by tile, bad files explained."""

import pytest

from eventmap.geo.errors import EventmapError
from eventmap.geo.tile_archive import open_tile_archive


@pytest.mark.parametrize("kind", ["pmtiles", "mbtiles"])
def test_tiles_are_read_by_xyz_with_the_files_metadata(make_tile_file, kind):
    archive = open_tile_archive(make_tile_file(kind, rgb=(10, 200, 30), max_zoom=2))
    try:
        assert (archive.kind, archive.format, archive.min_zoom, archive.max_zoom) == ("raster", "png", 0, 2)
        tile = archive.tile(2, 3, 1)
        assert tile is not None and tile.startswith(b"\x89PNG")
        assert archive.tile(3, 0, 0) is None  # deeper than the file goes
        assert archive.tile(2, 4, 0) is None  # off the world
        info = archive.page_info()
        assert info["url"] == "tiles/{z}/{x}/{y}" and info["maxZoom"] == 2 and info["name"] == "test tiles"
        assert info["bounds"] == [[-85.0, -180.0], [85.0, 180.0]]
    finally:
        archive.close()


def test_mbtiles_rows_count_from_the_south(make_tile_file, tmp_path):
    import sqlite3

    path = make_tile_file("mbtiles", max_zoom=1)
    db = sqlite3.connect(path)
    # Mark the north-west tile of zoom 1 (XYZ 1/0/0 is TMS row 1).
    db.execute("UPDATE tiles SET tile_data = ? WHERE zoom_level = 1 AND tile_column = 0 AND tile_row = 1", (b"north-west",))
    db.commit()
    db.close()
    archive = open_tile_archive(path)
    assert archive.tile(1, 0, 0) == b"north-west"
    assert archive.tile(1, 0, 1) != b"north-west"
    archive.close()


def test_bad_basemap_files_get_a_clear_message(tmp_path):
    with pytest.raises(EventmapError, match="must be .pmtiles or .mbtiles"):
        open_tile_archive(tmp_path / "map.png")
    with pytest.raises(EventmapError, match="no such basemap file"):
        open_tile_archive(tmp_path / "missing.pmtiles")
    fake = tmp_path / "fake.pmtiles"
    fake.write_bytes(b"not a tile archive at all" * 10)
    with pytest.raises(EventmapError, match="not a PMTiles file"):
        open_tile_archive(fake)
    empty = tmp_path / "empty.pmtiles"
    empty.write_bytes(b"")
    with pytest.raises(EventmapError, match="not a PMTiles file"):
        open_tile_archive(empty)
    text = tmp_path / "notes.mbtiles"
    text.write_text("hello")
    with pytest.raises(EventmapError, match="not an MBTiles file|not a readable MBTILES"):
        open_tile_archive(text)
