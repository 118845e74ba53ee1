"""A basemap file the user brings: tiles from a local PMTiles or MBTiles file are drawn, with no network."""

from __future__ import annotations

import pytest
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor

from eventmap.desktop.map.web import profile
from eventmap.geo.dates import TimeWindow
from eventmap.geo.importers import load_dataset
from eventmap.geo.page.config import MapOptions
from eventmap.geo.paths import default_dataset
from eventmap.geo.tile_archive import open_tile_archive

pytestmark = pytest.mark.webengine

MAGENTA = 0xFF00FF


class _Recorder(QWebEngineUrlRequestInterceptor):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info):  # noqa: N802 - Qt override
        self.urls.append(info.requestUrl().toString())


def share_of(image, rgb: int) -> float:
    points = [(x, y) for x in range(0, image.width(), 9) for y in range(0, image.height(), 9)]
    return sum(1 for x, y in points if image.pixel(x, y) & 0xFFFFFF == rgb) / len(points)


@pytest.mark.parametrize("kind", ["pmtiles", "mbtiles"])
def test_tiles_from_a_local_file_are_drawn_under_the_events(qtbot, make_map_view, make_tile_file, kind):
    archive = open_tile_archive(make_tile_file(kind, rgb=(255, 0, 255), max_zoom=3))
    recorder = _Recorder()
    profile().setUrlRequestInterceptor(recorder)
    try:
        from eventmap.desktop.map.map_view import QtMapView

        view = QtMapView()
        qtbot.addWidget(view)
        view.resize(700, 450)
        view.show()
        view.tile_archive = archive
        with qtbot.waitSignal(view.mapReady, timeout=60_000):
            view.show_dataset(load_dataset(default_dataset()), TimeWindow.all_time(), MapOptions(local_tiles=archive.page_info()))
        image = view.grab_painted()
    finally:
        profile().setUrlRequestInterceptor(None)
        archive.close()
    # The tiles cover the map; the events, title and legend sit on top.
    assert share_of(image, MAGENTA) > 0.5
    tile_urls = [u for u in recorder.urls if "/tiles/" in u]
    assert tile_urls and all(u.startswith("eventmap:") for u in recorder.urls), recorder.urls[:5]
    # Zoom 4 and deeper are past the file's zoom 3: Leaflet scales zoom-3 tiles, it never asks for more.
    assert all(int(u.split("/tiles/")[1].split("/")[0]) <= 3 for u in tile_urls)


def test_without_a_tile_file_no_tile_is_asked_for(qtbot, make_map_view):
    recorder = _Recorder()
    profile().setUrlRequestInterceptor(recorder)
    try:
        make_map_view(load_dataset(default_dataset()), size=(500, 350))
    finally:
        profile().setUrlRequestInterceptor(None)
    assert recorder.urls and not [u for u in recorder.urls if "/tiles/" in u]


def test_cli_export_draws_a_tile_file_given_as_basemap(qapp, make_tile_file, tmp_path, capsys):
    from PySide6.QtGui import QImage

    from eventmap.desktop.cli import main

    tiles = make_tile_file("mbtiles", rgb=(255, 0, 255), max_zoom=3)
    out = tmp_path / "tiles.png"
    assert main(["export", "--basemap", str(tiles), "--size", "600x400", "-o", str(out)]) == 0
    assert share_of(QImage(str(out)), MAGENTA) > 0.5


def test_cli_export_with_a_broken_tile_file_says_which_and_why(qapp, tmp_path, capsys):
    from eventmap.desktop.cli import main

    broken = tmp_path / "broken.pmtiles"
    broken.write_bytes(b"this is not a tile archive" * 20)
    assert main(["export", "--basemap", str(broken), "-o", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "broken.pmtiles" in err and "not a PMTiles file" in err and "Traceback" not in err


def test_the_basemap_file_chosen_in_the_window_is_remembered_and_used(make_main_window, make_tile_file, qtbot):
    tiles = make_tile_file("pmtiles", rgb=(255, 0, 255), max_zoom=3)
    window = make_main_window()
    with qtbot.waitSignal(window.view.mapReady, timeout=60_000):
        assert window.set_basemap_file(str(tiles))
    assert window.settings.basemap_file == str(tiles)
    assert "test tiles" in window.basemap_label.text()
    image = window.view.grab_painted()
    assert share_of(image, MAGENTA) > 0.4
    # Choosing a bundled basemap again drops the file.
    with qtbot.waitSignal(window.view.mapReady, timeout=60_000):
        window.set_basemap("natural-earth")
    assert window.settings.basemap_file == "" and window.map_link.tile_archive is None
