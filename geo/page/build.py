"""The map page as a pure function: events and options -> ``folium.Map`` -> HTML.

Deterministic (the same arguments give the same page), with no I/O but reading
the installed assets, and no Qt. folium is imported only when a page is built.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from eventmap.geo import __version__
from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import Event, EventColumns
from eventmap.geo.page.assets import leaflet_css, leaflet_js, page_script, resource_text, tile_origin
from eventmap.geo.page.config import MapOptions, page_config

if TYPE_CHECKING:
    import folium


def build_map(
    events: list[Event],
    window: TimeWindow | None = None,
    options: MapOptions | None = None,
    categories: list[str] | None = None,
    columns: EventColumns | None = None,
) -> folium.Map:
    """Build the folium Map of ``events`` as seen through ``window``.

    Pure and deterministic: the same arguments give the same page. In
    ``static`` mode every event passed is embedded (with its text) and the
    window applied in the page; in ``app`` mode the page fetches the events.

    Parameters
    ----------
    events
        The events, in dataset order (the page reports positions in this list).
    window
        The time window shown first (all time when None).
    options
        How the page is built; see :class:`~eventmap.geo.page.config.MapOptions`.
    categories
        The dataset's category list (defines colours and legend order);
        derived from ``events`` when None.
    columns
        The dataset's :class:`~eventmap.geo.events.EventColumns` of ``events``,
        if at hand (saves reading a million events again).
    """
    options = options or MapOptions()
    return map_from_config(page_config(events, window, options, categories, columns))


def page_nonce(config: dict[str, Any]) -> str:
    """The nonce every script of the page carries: derived from the page's content, so pages are reproducible."""
    text = json.dumps([config, __version__], sort_keys=True, allow_nan=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def map_from_config(config: dict[str, Any]) -> folium.Map:
    """The folium Map for a configuration made by :func:`~eventmap.geo.page.config.page_config`."""
    from eventmap.geo.page.elements import (
        ContentPolicy,
        Element,
        EventLayer,
        EventMap,
        ExternalScript,
        InlineAsset,
        PageFigure,
        PageTitle,
    )

    nonce = page_nonce(config)
    (south, west), (north, east) = config["fit"]
    fmap = EventMap(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=4,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
        world_copy_jump=False,
        min_zoom=2,
        max_zoom=18,
    )
    PageFigure(nonce).add_child(fmap)
    root = fmap.get_root()
    app = config["mode"] == "app"
    tiles = config["tiles"]
    root.header.add_child(Element('<meta charset="utf-8">'), name="charset")
    root.header.add_child(PageTitle(config["title"]), name="title")
    root.header.add_child(ContentPolicy([tile_origin(tiles["url"])] if tiles else [], app, nonce), name="csp")
    root.header.add_child(InlineAsset("style", leaflet_css(), "leaflet_css"), name="leaflet_css")
    root.header.add_child(InlineAsset("style", resource_text("eventmap.css"), "eventmap_css"), name="eventmap_css")
    root.header.add_child(InlineAsset("script", leaflet_js(), "leaflet_js", nonce), name="leaflet_js")
    if app:
        root.header.add_child(ExternalScript("qwebchannel.js", nonce), name="qwebchannel")
        root.header.add_child(InlineAsset("script", resource_text("bridge.js"), "bridge_js", nonce), name="bridge_js")
    if (config.get("localTiles") or {}).get("kind") == "vector":
        # The vector-tile renderer, only for a page that draws a user's vector tile file.
        root.header.add_child(InlineAsset("script", resource_text("vendor/protomaps-leaflet.js"), "protomaps_js", nonce), name="protomaps_js")
    root.header.add_child(InlineAsset("script", page_script(), "eventmap_js", nonce), name="eventmap_js")
    if app:
        # Hooks for the app's tests (where a marker is drawn): never in a standalone export.
        root.header.add_child(InlineAsset("script", resource_text("testing.js"), "testing_js", nonce), name="testing_js")
    fmap.add_child(EventLayer(config))
    return fmap


def render_html(fmap: folium.Map) -> str:
    """The page's HTML: rendered by folium and never rewritten afterwards."""
    return fmap.get_root().render()


def page_html(config: dict[str, Any]) -> str:
    """The HTML of the page for ``config`` (see :func:`map_from_config`)."""
    return render_html(map_from_config(config))
