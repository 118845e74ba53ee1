#!/usr/bin/env python3
"""Build the embedded offline basemap GeoJSON files from world-atlas TopoJSON.

One-time conversion script: the app ships its outputs
(``countries-50m.geojson``, ``countries-110m.geojson``) and never runs this.

Source: the npm package ``world-atlas`` version 2.0.2 (Natural Earth 4.1.0
admin-0 countries, 1:50m and 1:110m, public domain; packaging ISC licence).
See SOURCES.md beside this file.

How to rerun (needs the npm client and Python 3 with shapely >= 2.0, whose
numpy dependency is used too; nothing else; made with shapely 2.2.0)::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/build_basemap.py \\
        /tmp/package/countries-50m.json /tmp/package/countries-110m.json

Each input ``countries-<scale>.json`` is written to
``data/basemap/countries-<scale>.geojson`` (or to ``--out-dir``).

What the conversion does, per country of the TopoJSON ``countries`` object:

1. Decode the quantized, delta-encoded arcs with the topology's transform
   and assemble the rings (a negative arc index ``i`` means arc ``~i``
   reversed).
2. Antimeridian: unwrap every ring's longitudes so that consecutive points
   never jump by more than 180 degrees (add/subtract 360). A ring that then
   does not close (it runs around a pole: Antarctica) is closed through the
   pole (in world-atlas 50m, Antarctica is a tiny ring round the pole with
   the coast as its hole; the planar shape is the XOR of the rings' regions).
   Each polygon is then shifted by a multiple of 360 so that it sits
   next to the country's largest polygon when it lies near the antimeridian
   (Chukotka extends to ~190 E, the Aleutians west of Alaska go to ~-187, ...).
   Leaflet then draws every shape contiguous, with no horizontal smear.
3. Clip to latitude >= -85 (Web Mercator cannot show the pole; Antarctica's
   pole-closing edge becomes an edge along -85, the bottom of Leaflet's world).
4. Round coordinates (3 decimals for 50m, 2 for 110m, see ``DECIMALS``),
   drop repeated points and degenerate rings (fewer than 3 distinct points or
   zero area), orient rings per RFC 7946 (exterior counter-clockwise). A
   country whose result is not a valid (Multi)Polygon (parts touching along
   the antimeridian, bow-ties from rounding) has its parts unioned with
   shapely and is rounded again.
5. Properties: ``name``; ``id`` (ISO 3166-1 numeric, a string, as in
   world-atlas; absent for the few shapes without one, e.g. Kosovo);
   ``label`` [lon, lat], the pole of inaccessibility (shapely ``polylabel``,
   computed in Web Mercator so it looks central on the map) of the country's
   largest polygon; ``area_rank``, 0 = largest country by (equal-area) area.

Output is compact JSON (no spaces), UTF-8.
"""

import argparse
import json
import math
import os
import re
import sys

import numpy as np  # shapely's own dependency
import shapely
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.ops import polylabel

WORLD_ATLAS_VERSION = "2.0.2"
MIN_LAT = -85.0
# Decimals kept per scale (matched on the input file name).
DECIMALS = {"50m": 3, "110m": 2, "10m": 4}
# A polygon is only moved by +-360 when it lies this close to the antimeridian.
ANTIMERIDIAN_MARGIN = 40.0


# --------------------------------------------------------------------------
# TopoJSON decoding
# --------------------------------------------------------------------------

def decode_arcs(topology):
    """Return the topology's arcs as lists of (lon, lat) in degrees."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            sx, sy = transform["scale"]
            tx, ty = transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(p[0], p[1]) for p in arc]
        arcs.append(points)
    return arcs


def assemble_ring(arc_indices, arcs):
    ring = []
    for i in arc_indices:
        part = arcs[i] if i >= 0 else arcs[~i][::-1]
        if ring:
            part = part[1:]  # first point repeats the previous arc's last
        ring.extend(part)
    return ring


def geometry_polygons(geometry, arcs):
    """List of polygons, each a list of rings (exterior first)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polys = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polys = geometry["arcs"]
    else:
        return []
    return [[assemble_ring(r, arcs) for r in poly] for poly in polys]


# --------------------------------------------------------------------------
# Antimeridian handling
# --------------------------------------------------------------------------

def _unwrap(points):
    """Unwrap longitudes of a point list; return (points, total offset)."""
    out = [points[0]]
    offset = 0.0
    for (px, _py), (x, y) in zip(points, points[1:]):
        d = x - px
        if d > 180:
            offset -= 360
        elif d < -180:
            offset += 360
        out.append((x + offset, y))
    return out, offset


def _rotate_to_antimeridian(ring, direction):
    """Restart a pole-encircling ring where it crosses the antimeridian.

    ``direction`` is +1 if the ring runs eastward around the pole, -1 if
    westward; the first crossing in that direction is used, and the crossing
    point (interpolated at lon +-180) starts and ends the returned list.
    """
    pts = ring[:-1] if ring[0] == ring[-1] else ring
    n = len(pts)
    for j in range(n):
        (x1, y1), (x2, y2) = pts[j], pts[(j + 1) % n]
        d = x2 - x1
        if direction > 0 and d < -180:
            edge, bx = 180.0, x2 + 360.0
        elif direction < 0 and d > 180:
            edge, bx = -180.0, x2 - 360.0
        else:
            continue
        t = (edge - x1) / (bx - x1) if bx != x1 else 0.0
        y = y1 + t * (y2 - y1)
        rest = [pts[(j + 1 + k) % n] for k in range(n)]
        return [(-edge, y)] + rest + [(edge, y)]
    return ring


def unwrap_ring(ring):
    """Unwrap a ring's longitudes so no step exceeds 180 degrees.

    Returns ``(points, encircles_pole)``. A ring that runs around a pole
    (Antarctica's coast) is restarted at the antimeridian and closed along
    the pole, so it becomes a planar ring spanning lon -180..180 that
    encloses the region between itself and the pole.
    """
    out, offset = _unwrap(ring)
    if not offset:
        return out, False
    pole = -90.0 if sum(p[1] for p in ring) < 0 else 90.0
    out, _ = _unwrap(_rotate_to_antimeridian(ring, 1 if offset > 0 else -1))
    out += [(out[-1][0], pole), (out[0][0], pole), out[0]]
    return out, True


def shift_ring(ring, dx):
    return [(x + dx, y) for x, y in ring] if dx else ring


def ring_center_x(ring):
    xs = [p[0] for p in ring]
    return (min(xs) + max(xs)) / 2.0


def equal_area(geom):
    """Area in km^2 (Lambert cylindrical equal-area on a 6371 km sphere)."""
    r = 6371.0

    def proj(coords):
        out = coords.copy()
        out[:, 0] = np.radians(coords[:, 0]) * r
        out[:, 1] = np.sin(np.radians(np.clip(coords[:, 1], -90.0, 90.0))) * r
        return out

    return shapely.transform(geom, proj).area


def _planar(rings):
    """Polygon rings (exterior first) -> shapely geometry.

    Plain polygons map directly. A polygon with a pole-encircling ring (in
    world-atlas 50m, Antarctica is a tiny ring round the pole at -89.999
    with the coast as its "hole") becomes the XOR of the regions its rings
    enclose, which is what the spherical polygon means on the plane.
    """
    unwrapped = [unwrap_ring(r) for r in rings]
    if not any(enc for _r, enc in unwrapped):
        return None, [r for r, _enc in unwrapped]
    geom = None
    for r, _enc in unwrapped:
        g = shapely.make_valid(Polygon(r))
        geom = g if geom is None else geom.symmetric_difference(g)
    return geom, None


def _polys_of(geom):
    out = []
    for part in getattr(geom, "geoms", [geom]):
        if isinstance(part, Polygon) and not part.is_empty:
            out.append([list(part.exterior.coords)]
                       + [list(i.coords) for i in part.interiors])
        elif hasattr(part, "geoms"):
            out.extend(_polys_of(part))
    return out


def unwrap_country(polys):
    """Unwrap rings and keep the country's polygons next to each other."""
    unwrapped = []
    for rings in polys:
        geom, plain = _planar(rings)
        if geom is not None:
            unwrapped.extend(_polys_of(geom))
            continue
        ext = plain[0]
        # Put the exterior's middle within [-180, 180].
        cx = ring_center_x(ext)
        ext = shift_ring(ext, -360.0 * round(cx / 360.0))
        cx = ring_center_x(ext)
        holes = [shift_ring(h, -360.0 * round((ring_center_x(h) - cx) / 360.0))
                 for h in plain[1:]]
        unwrapped.append([ext] + holes)

    # Reference: the largest polygon. Polygons near the antimeridian move by
    # +-360 when that brings them closer to it.
    def poly_area(rings):
        try:
            return equal_area(Polygon(rings[0]))
        except Exception:
            return 0.0

    main = max(unwrapped, key=poly_area)
    ref = ring_center_x(main[0])
    result = []
    for rings in unwrapped:
        xs = [p[0] for p in rings[0]]
        near = min(xs) < -180 + ANTIMERIDIAN_MARGIN or max(xs) > 180 - ANTIMERIDIAN_MARGIN
        cx = ring_center_x(rings[0])
        best = 0.0
        if near and rings is not main:
            for dx in (-360.0, 360.0):
                if abs(cx + dx - ref) < abs(cx + best - ref):
                    best = dx
        result.append([shift_ring(r, best) for r in rings])
    return result


# --------------------------------------------------------------------------
# Clipping, rounding, orientation
# --------------------------------------------------------------------------

def clip_south(polys):
    """Clip polygons reaching south of MIN_LAT (only Antarctica in practice)."""
    out = []
    for rings in polys:
        if min(p[1] for p in rings[0]) >= MIN_LAT:
            out.append(rings)
            continue
        poly = shapely.make_valid(Polygon(rings[0], rings[1:]))
        out.extend(_polys_of(poly.intersection(box(-1000, MIN_LAT, 1000, 90))))
    return out


def signed_area(ring):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return s / 2.0


def num(v, nd):
    v = round(v, nd)
    return int(v) if v == int(v) else v


def round_ring(ring, nd, ccw):
    out = []
    for x, y in ring:
        p = (num(x, nd), num(y, nd))
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4 or len(set(out)) < 3:
        return None
    a = signed_area(out)
    if a == 0:
        return None
    if (a > 0) != ccw:
        out.reverse()
    return [list(p) for p in out]


def round_polys(polys, nd):
    out = []
    for rings in polys:
        ext = round_ring(rings[0], nd, ccw=True)
        if ext is None:
            continue
        holes = [h for h in (round_ring(r, nd, ccw=False) for r in rings[1:]) if h]
        out.append([ext] + holes)
    return out


def repair(polys, nd):
    """Fix an invalid result (touching parts, e.g. Taveuni split at 180 in
    the source; rounding bow-ties): union the parts, round again."""
    if not polys:
        return polys
    geom = MultiPolygon([Polygon(r[0], r[1:]) for r in polys])
    if geom.is_valid:
        return polys
    fixed = shapely.unary_union([shapely.make_valid(Polygon(r[0], r[1:])) for r in polys])
    fixed = round_polys(_polys_of(fixed), nd)
    again = MultiPolygon([Polygon(r[0], r[1:]) for r in fixed]) if fixed else None
    if again is None or (not again.is_valid and len(fixed) > len(polys)):
        return polys
    return fixed


# --------------------------------------------------------------------------
# Labels and ranking
# --------------------------------------------------------------------------

def _merc(coords):
    out = coords.copy()
    lat = np.radians(np.clip(coords[:, 1], -85.0, 85.0))
    out[:, 1] = np.degrees(np.log(np.tan(np.pi / 4 + lat / 2)))
    return out


def _inv_merc(coords):
    out = coords.copy()
    out[:, 1] = np.degrees(2 * np.arctan(np.exp(np.radians(coords[:, 1]))) - np.pi / 2)
    return out


def label_point(poly):
    """Pole of inaccessibility of ``poly`` as seen in Web Mercator."""
    try:
        m = shapely.make_valid(shapely.transform(poly, _merc))
        if not isinstance(m, Polygon):
            parts = [g for g in getattr(m, "geoms", []) if isinstance(g, Polygon)]
            m = max(parts, key=lambda g: g.area)
        tol = max(math.sqrt(m.area) / 200.0, 1e-5)
        p = shapely.transform(polylabel(m, tolerance=tol), _inv_merc)
        if not poly.buffer(1e-9).contains(p):
            raise ValueError("label outside")
    except Exception:
        p = poly.representative_point()
    return p.x, p.y


# --------------------------------------------------------------------------
# Main conversion
# --------------------------------------------------------------------------

def convert(topology, nd):
    arcs = decode_arcs(topology)
    records = []
    for g in topology["objects"]["countries"]["geometries"]:
        polys = geometry_polygons(g, arcs)
        if not polys:
            continue
        polys = unwrap_country(polys)
        polys = clip_south(polys)
        polys = repair(round_polys(polys, nd), nd)
        if not polys:
            continue
        shapes = [Polygon(r[0], r[1:]) for r in polys]
        areas = [equal_area(shapely.make_valid(s)) for s in shapes]
        largest = shapes[areas.index(max(areas))]
        lx, ly = label_point(largest)
        props = {"name": g.get("properties", {}).get("name", "")}
        if g.get("id") is not None:
            props["id"] = str(g["id"])
        props["label"] = [num(lx, nd), num(ly, nd)]
        if len(polys) == 1:
            geom = {"type": "Polygon", "coordinates": polys[0]}
        else:
            geom = {"type": "MultiPolygon", "coordinates": polys}
        records.append((sum(areas), props, geom))

    order = sorted(range(len(records)), key=lambda i: (-records[i][0], records[i][1]["name"]))
    for rank, i in enumerate(order):
        records[i][1]["area_rank"] = rank
    features = [{"type": "Feature", "properties": p, "geometry": geom}
                for _a, p, geom in records]
    return {"type": "FeatureCollection", "features": features}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+", help="world-atlas countries-*.json files")
    ap.add_argument("--out-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "basemap"))
    args = ap.parse_args(argv)
    for path in args.inputs:
        m = re.search(r"countries-(\d+m)\.json$", path)
        if not m:
            sys.exit(f"{path}: expected a world-atlas countries-<scale>.json file")
        scale = m.group(1)
        with open(path, encoding="utf-8") as f:
            topology = json.load(f)
        fc = convert(topology, DECIMALS.get(scale, 3))
        out = os.path.join(args.out_dir, f"countries-{scale}.geojson")
        with open(out, "w", encoding="utf-8") as f:
            json.dump(fc, f, separators=(",", ":"), ensure_ascii=False)
        print(f"{out}: {len(fc['features'])} features, {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main()
