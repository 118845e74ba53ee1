"""Build the map page: a pure function from events and options to folium and HTML.

The page is one folium Map whose assets are inlined from installed packages
(xstatic) and resources/, so it needs no network. Events are not folium
markers: they travel as one compact columnar payload that resources/eventmap.js
draws on a canvas and filters by time window, category and search in place.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from eventmap.geo import __version__
from eventmap.geo.config import cache_dir
from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import CATEGORIES, Event, EventColumns
from eventmap.geo.paths import data_dir, resources_dir

if TYPE_CHECKING:
    import folium

CATEGORY_COLORS = {
    "exercise": "#d62728",
    "defence": "#1f5fa8",
    "diplomacy": "#2b9a3e",
    "trade": "#ef8a17",
    "energy": "#8e4fbf",
}
EXTRA_COLORS = ("#17a2b8", "#b5651d", "#e377c2", "#7f7f00", "#4b6584", "#c0392b", "#16a085", "#6c5ce7")
UNCATEGORISED_COLOR = "#6b6b6b"
BASEMAPS = ("natural-earth", "natural-earth-110m")
SEA_COLOR = "#b9d7ea"
PAGE_CACHE_SIZE = 24  # app pages kept in the cache folder
TILE_PROVIDERS = {
    "osm": "OpenStreetMap.Mapnik",
    "carto-light": "CartoDB.Positron",
    "topo": "OpenTopoMap",
}
_SCRIPT_TAG = re.compile(r"<script(?=[\s>])")


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
        A key of :data:`TILE_PROVIDERS` to draw online tiles over the basemap, or None.
    sites
        Places labelled at all times (by default the places the events use, up to 30).
    cumulative
        Show everything up to the window's end instead of only the window.
    """

    title: str = "eventmap"
    mode: str = "static"
    basemap: str = "natural-earth"
    tiles: str | None = None
    sites: list[Site] | None = None
    cumulative: bool = False
    show_legend: bool = True
    show_title: bool = True
    fit: tuple[tuple[float, float], tuple[float, float]] | None = None
    view: tuple[float, float, float] | None = None  # lat, lon, zoom (overrides fit)
    categories: list[str] | None = None  # all shown when None
    extra: dict[str, Any] = field(default_factory=dict)


def category_colors(categories: list[str]) -> dict[str, str]:
    """A colour for each category: fixed for the known vocabulary, a palette for others."""
    colors, spare = {}, iter(EXTRA_COLORS * (1 + len(categories) // len(EXTRA_COLORS)))
    for name in categories:
        if name in CATEGORY_COLORS:
            colors[name] = CATEGORY_COLORS[name]
        elif not name:
            colors[name] = UNCATEGORISED_COLOR
        else:
            colors[name] = next(spare)
    return colors


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def sorted_order(events: list[Event]) -> np.ndarray:
    """Positions of the events sorted by start (stable), as the page stores them."""
    starts = np.fromiter((e.lo for e in events), float, len(events))
    return np.argsort(starts, kind="stable")


def event_payload(events: list[Event], categories: list[str], include_text: bool = True) -> dict[str, Any]:
    """The events as columns sorted by start, as resources/eventmap.js reads them.

    ``index`` maps each position back to the event's position in ``events``.
    Infinite period ends become null. Text columns are present only with
    ``include_text``; the app asks Python for details instead.
    """
    order = sorted_order(events)
    code = {name: i for i, name in enumerate(categories)}
    ordered = [events[i] for i in order]
    payload: dict[str, Any] = {
        "n": len(ordered),
        "index": order.tolist(),
        "lo": [_finite(e.lo) for e in ordered],
        "hi": [_finite(e.hi) for e in ordered],
        "lat": [round(e.lat, 6) for e in ordered],
        "lon": [round(e.lon, 6) for e in ordered],
        "cat": [code.get(e.category, 0) for e in ordered],
    }
    if include_text:
        payload["text"] = [event_details(e) for e in ordered]
    return payload


def event_payload_binary(events: list[Event], categories: list[str], columns: EventColumns | None = None) -> bytes:
    """The same columns as :func:`event_payload` without text, packed little-endian.

    Layout: uint32 header length, a JSON header ``{"n": N}`` padded with spaces
    to a multiple of 8 bytes, then ``lo``/``hi`` float64, ``lat``/``lon``
    float32, ``index`` uint32 and ``cat`` uint16 arrays of N values each.
    ``columns`` (the dataset's :class:`~geo.events.EventColumns` of ``events``)
    saves reading every event again.
    """
    if columns is None or len(columns.lo) != len(events):
        columns = EventColumns.from_events(events)
    order = np.argsort(columns.lo, kind="stable")
    code = {name: i for i, name in enumerate(categories)}
    remap = np.array([code.get(name, 0) for name in columns.categories] or [0], dtype="<u2")
    cat = remap[columns.cat[order]] if len(events) else np.zeros(0, "<u2")
    return pack_columns(columns.lo[order], columns.hi[order], columns.lat[order], columns.lon[order], order.astype("<u4"), cat)


def pack_columns(lo, hi, lat, lon, index, cat) -> bytes:
    """Pack sorted event columns into the binary layout the page reads."""
    header = json.dumps({"n": int(len(lo))}).encode()
    header += b" " * (-(len(header) + 4) % 8)
    parts = [np.uint32(len(header)).astype("<u4").tobytes(), header]
    for array, dtype in ((lo, "<f8"), (hi, "<f8"), (lat, "<f4"), (lon, "<f4"), (index, "<u4"), (cat, "<u2")):
        blob = np.ascontiguousarray(array, dtype=dtype).tobytes()
        parts.append(blob + b"\0" * (-len(blob) % 8))
    return b"".join(parts)


def event_details(event: Event) -> dict[str, str]:
    """What a popup or tooltip shows of an event, as plain text fields.

    The page puts these into the DOM as text, never as markup. ``url`` is kept
    only when it is an http(s) link.
    """
    url = event.url.strip()
    if not re.match(r"(?i)^https?://[^\s]+$", url):
        url = ""
    return {
        "id": event.id,
        "title": event.title or "(untitled)",
        "when": event.when(),
        "place": event.place,
        "category": event.category,
        "summary": event.summary,
        "source": event.source_text(),
        "url": url,
    }


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


# --- assets ---------------------------------------------------------------


@lru_cache(maxsize=None)
def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as leaflet

    return Path(leaflet.BASE_DIR)


@lru_cache(maxsize=None)
def leaflet_css() -> str:
    """Leaflet's stylesheet with its images inlined as data: URIs."""
    base = _leaflet_dir()
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        image = base / match.group(1)
        if not image.is_file():
            return "url(data:,)"
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode()})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)


@lru_cache(maxsize=None)
def leaflet_js() -> str:
    """Leaflet's script from the installed xstatic package."""
    return (_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def resource_text(name: str) -> str:
    """A text file from resources/."""
    return (resources_dir() / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def basemap_json(name: str = "natural-earth") -> str:
    """The basemap's country shapes as GeoJSON text."""
    file = "countries-110m.geojson" if name == "natural-earth-110m" else "countries-50m.geojson"
    return (data_dir() / "basemap" / file).read_text(encoding="utf-8")


def tile_layer(key: str) -> dict[str, Any]:
    """Leaflet options for an online tile provider (only used when the user asks)."""
    import xyzservices.providers as providers

    provider = providers.query_name(TILE_PROVIDERS.get(key, key))
    return {
        "url": provider.build_url(scale_factor="{r}") if "{r}" in provider.url else provider.build_url(),
        "attribution": provider.html_attribution,
        "maxZoom": int(provider.get("max_zoom", 18)),
        "subdomains": provider.get("subdomains", "abc"),
        "name": provider.name,
    }


def _origin(url: str) -> str:
    match = re.match(r"^(https?://[^/]+)", url.replace("{s}", "*"))
    return match.group(1) if match else ""


# --- the map ----------------------------------------------------------------


def page_config(
    events: list[Event],
    window: TimeWindow | None = None,
    options: MapOptions | None = None,
    categories: list[str] | None = None,
    columns: EventColumns | None = None,
) -> dict[str, Any]:
    """What resources/eventmap.js is told about the page: pure data, no folium.

    See :func:`build_map` for the parameters.
    """
    options = options or MapOptions()
    window = window or TimeWindow.all_time()
    if categories is None:
        used = {e.category for e in events}
        categories = [c for c in CATEGORIES if c in used] + sorted(used - set(CATEGORIES))
    colors = category_colors(categories)
    sites = options.sites if options.sites is not None else default_sites(events)
    bounds = options.fit or _window_bounds(events, window, columns) or ((20.0, 40.0), (60.0, 80.0))
    config: dict[str, Any] = {
        "mode": options.mode,
        "title": options.title,
        "showTitle": options.show_title,
        "showLegend": options.show_legend,
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
    if options.mode == "app":
        # Relative to the page's own eventmap://<view>/ address.
        config["events"] = {"url": "events.bin"}
        config["basemap"] = {"url": f"basemap/{options.basemap}.json"}
    else:
        config["events"] = {"data": event_payload(events, categories)}
        config["basemap"] = {"data": json.loads(basemap_json(options.basemap))}
    return config


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
        How the page is built; see :class:`MapOptions`.
    categories
        The dataset's category list (defines colours and legend order);
        derived from ``events`` when None.
    columns
        The dataset's :class:`~geo.events.EventColumns` of ``events``, if at
        hand (saves reading a million events again).
    """
    options = options or MapOptions()
    return _folium_map(page_config(events, window, options, categories, columns))


def _folium_map(config: dict[str, Any]) -> folium.Map:
    import folium

    from eventmap.geo.folium_page import ContentPolicy, Element, EventLayer, ExternalScript, InlineAsset, PageTitle

    (south, west), (north, east) = config["fit"]
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=4,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
        world_copy_jump=False,
        min_zoom=2,
        max_zoom=18,
    )
    # Per map, never the class-level lists: no CDN link reaches the page.
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    app = config["mode"] == "app"
    tiles = config["tiles"]
    root.header.add_child(Element('<meta charset="utf-8">'), name="charset")
    root.header.add_child(PageTitle(config["title"]), name="title")
    root.header.add_child(ContentPolicy([_origin(tiles["url"])] if tiles else [], app), name="csp")
    root.header.add_child(InlineAsset("style", leaflet_css(), "leaflet_css"), name="leaflet_css")
    root.header.add_child(InlineAsset("style", resource_text("eventmap.css"), "eventmap_css"), name="eventmap_css")
    root.header.add_child(InlineAsset("script", leaflet_js(), "leaflet_js"), name="leaflet_js")
    if app:
        root.header.add_child(ExternalScript("qwebchannel.js"), name="qwebchannel")
        root.header.add_child(InlineAsset("script", resource_text("bridge.js"), "bridge_js"), name="bridge_js")
    root.header.add_child(InlineAsset("script", resource_text("eventmap.js"), "eventmap_js"), name="eventmap_js")
    fmap.add_child(EventLayer(config))
    return fmap


def app_page_html(
    events: list[Event],
    window: TimeWindow,
    options: MapOptions,
    categories: list[str],
    columns: EventColumns | None = None,
) -> str:
    """The app's page, built by folium once and then kept in the cache folder.

    The page is a pure function of its configuration, the package version and
    the assets, so a page built before is read back instead of importing and
    running folium again (a quarter of a second at every start). Any cache
    problem just means building it again.
    """
    options.mode = "app"
    config = page_config(events, window, options, categories, columns)
    key = hashlib.sha256(json.dumps([config, __version__, _assets_fingerprint()], sort_keys=True).encode()).hexdigest()
    cached = cache_dir() / "pages" / f"{key[:32]}.html"
    try:
        return cached.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    html = render_html(_folium_map(config))
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


@lru_cache(maxsize=None)
def _assets_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(resources_dir().glob("*.[jc]s*")) + [_leaflet_dir() / "leaflet.js", _leaflet_dir() / "leaflet.css"]:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    try:
        from importlib.metadata import version

        digest.update(version("folium").encode())
    except Exception:  # noqa: BLE001 - metadata is only part of the key
        pass
    return digest.hexdigest()


def render_html(fmap: folium.Map) -> str:
    """The page's HTML, with a nonce on every script so no injected script can run."""
    html = fmap.get_root().render()
    # folium names elements with random ids; make them stable so the page is deterministic.
    names = sorted(set(re.findall(r"\b(?:map|event_layer|element)_[0-9a-f]{32}\b", html)))
    for i, name in enumerate(names):
        html = html.replace(name, f"{name.split('_')[0]}_{i}")
    nonce = hashlib.sha256(html.encode()).hexdigest()[:24]
    html = html.replace("@NONCE@", nonce)
    return _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', html)
