"""The map's viewport as numbers: a centre and a zoom, and how it carries to another picture size.

Web Mercator, as the page draws it: at zoom ``z`` the world is ``256 * 2**z``
CSS pixels wide. An export "as on screen" keeps the screen's centre and zoom,
so it has the same scale (the same scale bar) and, at the same size in CSS
pixels, the same extent; more device pixels (2x) only make it sharper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

View = tuple[float, float, float]  # latitude, longitude, zoom


@dataclass(frozen=True, slots=True)
class Viewport:
    """What a map shows: its centre, zoom and bounds, and its size in pixels.

    Attributes
    ----------
    center
        ``(latitude, longitude)`` of the middle of the map.
    zoom
        The Web Mercator zoom level (fractional zooms allowed).
    bounds
        ``((south, west), (north, east))`` in degrees.
    size
        ``(width, height)`` in CSS pixels.
    """

    center: tuple[float, float]
    zoom: float
    bounds: tuple[tuple[float, float], tuple[float, float]]
    size: tuple[int, int] = (0, 0)

    @classmethod
    def from_report(cls, report: dict[str, Any]) -> Viewport | None:
        """The viewport a page reports (``center``, ``zoom``, ``bounds``, ``size``), or None when it is incomplete."""
        try:
            lat, lon = (float(v) for v in report["center"])
            (south, west), (north, east) = ((float(a), float(b)) for a, b in report["bounds"])
            zoom = float(report["zoom"])
            width, height = (int(v) for v in report.get("size") or (0, 0))
        except (KeyError, TypeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in (lat, lon, south, west, north, east, zoom)):
            return None
        return cls((lat, lon), zoom, ((south, west), (north, east)), (width, height))

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point is inside the bounds (across the antimeridian too)."""
        (south, west), (north, east) = self.bounds
        if not south <= lat <= north:
            return False
        if east - west >= 360:
            return True
        lon = (lon - west) % 360 + west  # the same longitude, counted from the west edge
        return lon <= east

    @property
    def view(self) -> View:
        """``(latitude, longitude, zoom)``."""
        return (self.center[0], self.center[1], self.zoom)


def view_for_size(view: View, screen_size: tuple[int, int], size: tuple[int, int]) -> View:
    """The view that shows the screen's extent in a picture of ``size`` CSS pixels.

    The same size gives the same view. Another size keeps the centre and
    zooms so the screen's whole extent fits (the scale changes by the ratio
    of the sizes, and the picture shows a little more along one side when
    the proportions differ).
    """
    lat, lon, zoom = view
    (sw, sh), (w, h) = screen_size, size
    if (sw, sh) == (w, h) or min(sw, sh, w, h) <= 0:
        return (lat, lon, zoom)
    return (lat, lon, zoom + math.log2(min(w / sw, h / sh)))


def metres_per_pixel(lat: float, zoom: float) -> float:
    """Ground metres per CSS pixel at latitude ``lat`` (what the scale bar shows)."""
    return 2 * math.pi * 6_378_137 * math.cos(math.radians(lat)) / (256 * 2**zoom)
