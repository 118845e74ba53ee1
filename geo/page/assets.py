"""The page's scripts and styles, all from installed packages or resources/page/.

Leaflet comes from the XStatic-Leaflet package; our own page is a few plain
scripts in resources/page/ that :func:`page_script` concatenates in order (no
bundler, no network). Every asset is inlined into the page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from eventmap.geo.paths import data_dir, resources_dir

BASEMAPS = ("natural-earth", "natural-earth-110m")  # the offline basemaps, by name: the one list of them

# The page's own modules, in the order they are concatenated: each may use the
# ones before it. bridge.js (app pages only) is separate: it needs qwebchannel.js.
PAGE_MODULES = ("core.js", "labels.js", "draw.js", "layers.js", "reference.js", "measure.js", "page.js", "controls.js")
TILE_PROVIDERS = {
    "osm": "OpenStreetMap.Mapnik",
    "carto-light": "CartoDB.Positron",
    "topo": "OpenTopoMap",
}


def page_dir() -> Path:
    """resources/page/: the page's scripts and stylesheet."""
    return resources_dir() / "page"


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
    """A text file from resources/page/."""
    return (page_dir() / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def page_script() -> str:
    """The page's own modules concatenated in :data:`PAGE_MODULES` order."""
    return "\n".join(f"/* ---- {name} ---- */\n" + resource_text(name) for name in PAGE_MODULES)


@lru_cache(maxsize=None)
def reference_json() -> str:
    """The reference layers as compact JSON text (see data/reference/SOURCES.md)."""
    return (data_dir() / "reference" / "reference.json").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def reference_bytes() -> bytes:
    """The reference layers as UTF-8 bytes, as the app's scheme serves them."""
    return reference_json().encode("utf-8")


@lru_cache(maxsize=1)
def reference_data() -> dict[str, Any]:
    """The reference layers parsed once (read-only, shared by every static page)."""
    return json.loads(reference_json())


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


def tile_origin(url: str) -> str:
    """The scheme and host of a tile URL template, for the page's content policy."""
    match = re.match(r"^(https?://[^/]+)", url.replace("{s}", "*"))
    return match.group(1) if match else ""


@lru_cache(maxsize=None)
def assets_fingerprint() -> str:
    """Changes whenever an asset the page inlines changes (part of a cached page's key)."""
    digest = hashlib.sha256()
    paths = sorted(page_dir().rglob("*.[jc]s*")) + [_leaflet_dir() / "leaflet.js", _leaflet_dir() / "leaflet.css"]
    for path in paths:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    try:
        from importlib.metadata import version

        digest.update(version("folium").encode())
    except Exception:  # noqa: BLE001 - metadata is only part of the key
        pass
    return digest.hexdigest()
