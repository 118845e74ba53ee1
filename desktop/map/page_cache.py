"""The app's pages, kept in the cache folder so folium runs once per distinct page.

Building a page is a pure function (:mod:`eventmap.geo.page.build`); this is
the I/O around it: a page built before is read back instead of importing and
running folium again (a quarter of a second at every start). Any cache problem
just means building the page again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from eventmap.geo import __version__
from eventmap.geo.config import cache_dir
from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import Event, EventColumns
from eventmap.geo.page.assets import assets_fingerprint
from eventmap.geo.page.build import page_html
from eventmap.geo.page.config import MapOptions, page_config

PAGE_CACHE_SIZE = 24  # app pages kept in the cache folder


def app_page_html(
    events: list[Event],
    window: TimeWindow,
    options: MapOptions,
    categories: list[str],
    columns: EventColumns | None = None,
) -> str:
    """The app's page for these events and options, from the cache or built now."""
    options.mode = "app"
    config = page_config(events, window, options, categories, columns)
    key = hashlib.sha256(json.dumps([config, __version__, assets_fingerprint()], sort_keys=True).encode()).hexdigest()
    cached = cache_dir() / "pages" / f"{key[:32]}.html"
    try:
        return cached.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    html = page_html(config)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, cached)
        _prune(cached.parent, keep=PAGE_CACHE_SIZE)
    except OSError:
        pass
    return html


def _prune(folder: Path, keep: int) -> None:
    # Pages rebuilt after edits each get their own key (the view is part of
    # it): keep only the most recently written ones.
    pages = sorted(folder.glob("*.html"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in pages[keep:]:
        old.unlink(missing_ok=True)
