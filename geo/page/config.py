"""How a page is built (:class:`MapOptions`) and what the page script is told (:func:`page_config`).

Pure data: no folium, no I/O beyond the installed basemap of a static page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import Event, EventColumns, order_categories
from eventmap.geo.page.assets import BASEMAPS, basemap_json, reference_data, tile_layer
from eventmap.geo.page.colors import SEA_COLOR, category_colors
from eventmap.geo.page.payload import _finite, event_payload



# GeoNames asks for credit (CC BY 4.0); Natural Earth is public domain.
REFERENCE_ATTRIBUTION = "Places: GeoNames (CC BY 4.0)"


@dataclass(frozen=True)
class Site:
    """A place whose label stays on the map at every zoom and time."""

    name: str
    lat: float
    lon: float


@dataclass
class MapOptions:
    """How the page is built.

    Attributes
    ----------
    title
        Shown in the title box at the top of the map.
    mode
        ``"static"``: the events (with their text) are embedded and the page is
        self-contained (HTML export). ``"app"``: the page fetches events and
        basemap from the ``eventmap:`` scheme and talks to Qt over QWebChannel.
    basemap
        One of :data:`BASEMAPS`.
    tiles
        A key of :data:`~eventmap.geo.page.assets.TILE_PROVIDERS` to draw online
        tiles over the basemap, or None.
    sites
        Places labelled at all times (by default the places the events use, up to 30).
    cumulative
        Show everything up to the window's end instead of only the window.
    legend_all
        List every category in the legend, not only those of the events shown.
    reference
        Draw the bundled reference layers (data/reference/reference.json):
        coast, borders with disputed lines, rivers, lakes, first-order
        divisions, and the names of places, divisions, seas and countries.
    local_tiles
        Tiles from a PMTiles or MBTiles file the user opened, as
        :meth:`eventmap.geo.tile_archive.TileArchive.page_info` describes them
        (app pages only: the app serves them). The reference layers are left
        out then: the user's map has its own.
    reference_region
        Static pages only: carry just the reference layers around this
        ``((south, west), (north, east))`` region (see
        :func:`eventmap.geo.page.regional.regional_reference`), not the world's.
    """

    title: str = "eventmap"
    mode: str = "static"
    basemap: str = "natural-earth"
    tiles: str | None = None
    sites: list[Site] | None = None
    cumulative: bool = False
    show_legend: bool = True
    legend_all: bool = False
    show_title: bool = True
    fit: tuple[tuple[float, float], tuple[float, float]] | None = None
    view: tuple[float, float, float] | None = None  # lat, lon, zoom (overrides fit)
    categories: list[str] | None = None  # all shown when None
    reference: bool = True  # rivers, lakes, borders, divisions and place names under the events
    local_tiles: dict[str, Any] | None = None  # a user's tile file (TileArchive.page_info()), served by the app
    reference_region: tuple[tuple[float, float], tuple[float, float]] | None = None  # static pages: only this region's layers
    extra: dict[str, Any] = field(default_factory=dict)


def default_sites(events: list[Event], limit: int = 30) -> list[Site]:
    """One labelled site per place the events use, if there are few enough."""
    sites: dict[str, Site] = {}
    for event in events:
        if event.place and event.place not in sites:
            sites[event.place] = Site(event.place, event.lat, event.lon)
            if len(sites) > limit:
                return []
    return list(sites.values())


def fit_bounds(events: list[Event]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """South-west and north-east corners around the events, with a margin."""
    if not events:
        return None
    n = len(events)
    return _bounds(np.fromiter((e.lat for e in events), float, n), np.fromiter((e.lon for e in events), float, n))


def _bounds(lat: np.ndarray, lon: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if lat.size == 0:
        return None
    west, south, east, north = float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())
    pad_lat, pad_lon = max(1.0, (north - south) * 0.08), max(1.0, (east - west) * 0.08)
    return ((max(-85.0, south - pad_lat), west - pad_lon), (min(85.0, north + pad_lat), east + pad_lon))


def _window_bounds(events: list[Event], window: TimeWindow, columns: EventColumns | None) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The bounds of the events the window shows, or of all events when it shows none."""
    if columns is None or len(columns.lo) != len(events):
        columns = EventColumns.from_events(events)
    shown = (columns.lo < window.hi) & (columns.hi > window.lo)
    if shown.any():
        return _bounds(columns.lat[shown], columns.lon[shown])
    return _bounds(columns.lat, columns.lon)


def page_config(
    events: list[Event],
    window: TimeWindow | None = None,
    options: MapOptions | None = None,
    categories: list[str] | None = None,
    columns: EventColumns | None = None,
) -> dict[str, Any]:
    """What the page script is told about the page: pure data, no folium.

    See :func:`eventmap.geo.page.build.build_map` for the parameters.
    """
    options = options or MapOptions()
    window = window or TimeWindow.all_time()
    if categories is None:
        categories = order_categories(e.category for e in events)
    colors = category_colors(categories)
    sites = options.sites if options.sites is not None else default_sites(events)
    bounds = options.fit or _window_bounds(events, window, columns) or ((20.0, 40.0), (60.0, 80.0))
    config: dict[str, Any] = {
        "mode": options.mode,
        "title": options.title,
        "showTitle": options.show_title,
        "showLegend": options.show_legend,
        "legendAll": options.legend_all,
        "window": {"lo": _finite(window.lo), "hi": _finite(window.hi)},
        "cumulative": options.cumulative,
        "categories": [{"name": c or "uncategorised", "color": colors[c]} for c in categories],
        "hidden": [i for i, c in enumerate(categories) if options.categories is not None and c not in options.categories],
        "sites": [{"name": s.name, "lat": s.lat, "lon": s.lon} for s in sites],
        "fit": [list(bounds[0]), list(bounds[1])],
        "view": list(options.view) if options.view else None,
        "sea": SEA_COLOR,
        "tiles": tile_layer(options.tiles) if options.tiles else None,
        **options.extra,
    }
    reference = options.reference and not (options.local_tiles and options.mode == "app")
    config["localTiles"] = options.local_tiles if options.mode == "app" else None
    config["attribution"] = REFERENCE_ATTRIBUTION if reference else ""
    if options.mode == "app":
        # Relative to the page's own eventmap://<view>/ address.
        config["events"] = {"url": "events.bin"}
        config["basemap"] = {"url": f"basemap/{options.basemap}.json"}
        config["reference"] = {"url": "reference.json"} if reference else None
    else:
        config["events"] = {"data": event_payload(events, categories)}
        config["basemap"] = {"data": json.loads(basemap_json(options.basemap))}
        layers = None
        if reference:
            layers = reference_data()
            if options.reference_region is not None:
                from eventmap.geo.page.regional import regional_reference

                layers = regional_reference(layers, options.reference_region)
        config["reference"] = {"data": layers} if reference else None
    return config
