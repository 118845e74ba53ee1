"""Which country a point is in, from the bundled basemap's country polygons."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from eventmap.geo.errors import EventmapError
from eventmap.geo.paths import data_dir
from eventmap.geo.places.distance import distance_km

# Country polygons, best first: at 1:110m the borders are too coarse for towns
# near them (Kasur, 5 km from the Indian border, falls in India), at 1:50m not.
COUNTRIES_FILES = (Path("basemap") / "countries-50m.geojson", Path("basemap") / "countries-110m.geojson")

# Basemap coastlines are generalised by a few kilometres, so a coastal town
# (Gwadar, on its isthmus) can fall just outside its country's polygon.
COUNTRY_SNAP_KM = 25.0


@dataclass(frozen=True)
class _Countries:
    names: tuple[str, ...]
    geometries: tuple[Any, ...]
    tree: Any


def countries_path() -> Path:
    """The country polygons :func:`country_of` uses: the bundled 1:50m basemap (else 1:110m)."""
    folder = data_dir()
    for name in COUNTRIES_FILES:
        if (folder / name).is_file():
            return folder / name
    return folder / COUNTRIES_FILES[-1]


@lru_cache(maxsize=2)
def _load_countries(path: str) -> _Countries:
    import shapely
    from shapely.geometry import shape

    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
        features = collection["features"]
        names = tuple(str(f["properties"]["name"]) for f in features)
        geometries = tuple(shape(f["geometry"]) for f in features)
    except OSError as exc:
        raise EventmapError(f"Cannot read the country polygons {path}: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EventmapError(f"{path} is not a GeoJSON FeatureCollection of named countries: {exc}") from exc
    return _Countries(names, geometries, shapely.STRtree(geometries))


def countries_of(lats: Any, lons: Any, *, snap_km: float = COUNTRY_SNAP_KM) -> list[str | None]:
    """:func:`country_of` for many points at once (one vectorised STRtree query).

    Points in no polygon are then snapped one by one, as :func:`country_of` does.
    """
    import numpy as np
    import shapely

    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    try:
        path = countries_path()
    except FileNotFoundError as exc:
        raise EventmapError(str(exc)) from exc
    countries = _load_countries(str(path))
    found = np.full(len(lats), -1, dtype=np.int64)
    for shift in (0.0, 360.0, -360.0):
        todo = np.flatnonzero(found < 0)
        if not len(todo):
            break
        points = shapely.points(lons[todo] + shift, lats[todo])
        hits = countries.tree.query(points, predicate="intersects")
        for point_index, country_index in zip(hits[0][::-1], hits[1][::-1]):  # lowest index wins
            found[todo[point_index]] = country_index
    names: list[str | None] = [countries.names[i] if i >= 0 else None for i in found]
    for i in np.flatnonzero(found < 0):
        names[i] = country_of(float(lats[i]), float(lons[i]), snap_km=snap_km)
    return names


def country_of(lat: float, lon: float, *, snap_km: float = COUNTRY_SNAP_KM) -> str | None:
    """The name of the country a point is in, from the bundled basemap polygons.

    The polygons are Natural Earth's (see :func:`countries_path`), loaded on
    first use and indexed with a shapely ``STRtree``.

    Parameters
    ----------
    lat, lon
        The point, in degrees.
    snap_km
        A point in no polygon but within this distance of one (a coastal
        town the generalised coastline leaves in the sea) counts as in the
        nearest country. 0 for strict containment.

    Returns
    -------
    str or None
        The basemap's country name (``"Pakistan"``, ``"United States of
        America"``), or None for the open sea.
    """
    from shapely import Point
    from shapely.ops import nearest_points

    try:
        path = countries_path()
    except FileNotFoundError as exc:
        raise EventmapError(str(exc)) from exc
    countries = _load_countries(str(path))
    # The basemap unwraps polygons across the antimeridian (Russia reaches lon 190).
    shifted = [Point(lon + shift, lat) for shift in (0.0, 360.0, -360.0)]
    for point in shifted:
        inside = countries.tree.query(point, predicate="intersects")
        if len(inside):
            return countries.names[int(min(inside))]
    if snap_km <= 0:
        return None
    best: tuple[float, str] | None = None
    for shift, point in zip((0.0, 360.0, -360.0), shifted):
        index = int(countries.tree.nearest(point))
        edge = nearest_points(countries.geometries[index], point)[0]
        km = distance_km((lat, lon), (edge.y, ((edge.x - shift + 180.0) % 360.0) - 180.0))
        if best is None or km < best[0]:
            best = (km, countries.names[index])
    return best[1] if best and best[0] <= snap_km else None
