"""The app's page cache: folium runs once per distinct page, and a damaged cache costs nothing."""

import pytest

from eventmap.desktop.map import page_cache
from eventmap.desktop.map.page_cache import app_page_html
from eventmap.geo.dates import TimeWindow
from eventmap.geo.importers import load_dataset
from eventmap.geo.page.build import build_map, render_html
from eventmap.geo.page.config import MapOptions
from eventmap.geo.paths import default_dataset


@pytest.fixture(scope="module")
def seed():
    return load_dataset(default_dataset())


def test_app_page_is_built_by_folium_once_then_read_from_the_cache(seed, fresh_settings):
    import sys

    cats = seed.categories()
    first = app_page_html(seed.events, TimeWindow.year(2020), MapOptions(title="A"), cats)
    assert first == render_html(build_map(seed.events, TimeWindow.year(2020), MapOptions(title="A", mode="app"), cats))
    pages = list((fresh_settings / "cache" / "pages").glob("*.html"))
    assert len(pages) == 1
    assert app_page_html(seed.events, TimeWindow.year(2020), MapOptions(title="A"), cats) == first
    # Anything that changes the page changes its key: never a stale page.
    other = app_page_html(seed.events, TimeWindow.year(2020), MapOptions(title="B"), cats)
    assert '"title": "B"' in other and other != first
    assert len(list((fresh_settings / "cache" / "pages").glob("*.html"))) == 2
    assert "folium" in sys.modules  # built by folium, as the first call had to


def test_a_damaged_page_cache_is_rebuilt(seed, fresh_settings):
    cats = seed.categories()
    page = app_page_html(seed.events, TimeWindow.all_time(), MapOptions(), cats)
    cached = next((fresh_settings / "cache" / "pages").glob("*.html"))
    cached.write_bytes(b"\xff\xfe not utf-8")
    assert app_page_html(seed.events, TimeWindow.all_time(), MapOptions(), cats) == page


def test_page_cache_keeps_only_the_newest_pages(seed, fresh_settings, monkeypatch):
    monkeypatch.setattr(page_cache, "PAGE_CACHE_SIZE", 3)
    for zoom in range(5):
        page_cache.app_page_html(seed.events, TimeWindow.all_time(), MapOptions(view=(30.0, 70.0, zoom + 3)), seed.categories())
    pages = list((fresh_settings / "cache" / "pages").glob("*.html"))
    assert len(pages) == 3
    assert any('"view": [30.0, 70.0, 7]' in p.read_text() for p in pages)  # the newest is kept
