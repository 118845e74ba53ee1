"""Distances between points on the Earth."""

from __future__ import annotations


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The geodesic (WGS 84) distance between two ``(lat, lon)`` points, in km."""
    # geopy costs ~0.1 s to import: only when a distance is first needed, never at start-up.
    from geopy.distance import geodesic  # noqa: PLC0415

    return geodesic(a, b).kilometers


def distance_text(km: float) -> str:
    """A distance in km as people read it: ``3,658.3 km``."""
    return f"{km:,.1f} km"
