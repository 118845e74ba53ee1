"""Where "Go to place" takes the map, and how a point under the mouse is written.

A name is looked up in the project's gazetteer first (its ranking knows
capitals, hints such as ``"Moscow, Idaho"`` and alternate names), then in the
bundled reference names (GeoNames places, Natural Earth divisions, lakes and
seas; see data/reference/SOURCES.md) and the basemap's countries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from eventmap.geo.places.gazetteer import Gazetteer, load_gazetteer
from eventmap.geo.places.names import normalize_name
from eventmap.geo.paths import data_dir

# How close the map comes for each kind of place.
ZOOM_BY_KIND = {"country": 5, "capital": 10, "city": 10, "town": 12, "division": 7, "sea": 5, "lake": 8}
DEFAULT_ZOOM = 12
REFERENCE_KINDS = {"c": "capital", "p": "city", "a": "division", "l": "lake", "s": "sea"}


@dataclass(frozen=True)
class PlaceView:
    """A place found by name: where it is, how close to show it, and what to call it."""

    label: str
    lat: float
    lon: float
    zoom: float


def format_point(lat: float, lon: float) -> str:
    """``"33.7210° N, 73.0430° E"``: a latitude and longitude for people (4 decimals, about 10 m)."""
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.4f}° {ns}, {abs(lon):.4f}° {ew}"


@lru_cache(maxsize=1)
def _reference_index() -> dict[str, tuple[str, float, float, str]]:
    """Normalized name -> (name, lat, lon, kind): the first (most important) of each name."""
    index: dict[str, tuple[str, float, float, str]] = {}
    try:
        labels = json.loads((data_dir() / "reference" / "reference.json").read_text(encoding="utf-8"))["labels"]
    except (OSError, ValueError, KeyError):
        labels = []
    # Labels are sorted by the zoom they appear at: capitals and big cities first.
    for name, lon, lat, _zoom, kind in labels:
        index.setdefault(normalize_name(name), (name, lat, lon, REFERENCE_KINDS.get(kind, "town")))
    try:
        countries = json.loads((data_dir() / "basemap" / "countries-110m.geojson").read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError):
        countries = []
    for feature in countries:
        props = feature.get("properties") or {}
        if props.get("name") and props.get("label"):
            index[normalize_name(props["name"])] = (props["name"], props["label"][1], props["label"][0], "country")
    return index


def find_place(text: str, gazetteer: Gazetteer | None = None) -> PlaceView | None:
    """The place a name means, or None when nothing goes by that name.

    Parameters
    ----------
    text
        A place name, with optional hints (``"Moscow, Idaho"``, ``"Shahkot, Azad Kashmir"``).
    gazetteer
        The gazetteer to ask first (the bundled one by default).
    """
    text = " ".join(text.split())
    if not text:
        return None
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    place = gazetteer.lookup(text)
    if place is not None:
        return PlaceView(place.label(), place.lat, place.lon, ZOOM_BY_KIND.get(place.kind, DEFAULT_ZOOM))
    key = normalize_name(text)
    found = _reference_index().get(key)
    if found is None and "," in text:
        found = _reference_index().get(normalize_name(text.split(",")[0]))
    if found is None:
        return None
    name, lat, lon, kind = found
    return PlaceView(name, lat, lon, ZOOM_BY_KIND.get(kind, DEFAULT_ZOOM))
