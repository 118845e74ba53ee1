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
