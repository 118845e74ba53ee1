"""The bundled reference layers: what they hold, and how the page is told about them."""

import json
import math
import re

import pytest

from eventmap.geo.events import Event
from eventmap.geo.page.assets import reference_json
from eventmap.geo.page.build import build_map, render_html
from eventmap.geo.page.config import MapOptions, page_config


# A page asset fetched from the network (as in test_page_build).
NETWORK = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|@import|url\(\s*["']?(?:https?:)?//""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def reference():
    return json.loads(reference_json())


def decode(line, q):
    x = y = 0
    points = []
    for i in range(0, len(line), 2):
        x += line[i]
        y += line[i + 1]
        points.append((x / q, y / q))
    return points


def near(points, lon, lat, km):
    # Distance to the polyline's vertices and segment midpoints is enough at these scales.
    def dist(p):
        dx = (p[0] - lon) * 111.3 * math.cos(math.radians(lat))
        return math.hypot(dx, (p[1] - lat) * 111.3)

    mids = [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in zip(points, points[1:])]
    return any(dist(p) <= km for p in points + mids)


def test_rivers_include_the_indus_at_tarbela_and_the_volga_at_volgograd(reference):
    q = reference["q"]
    rivers = [decode(r[2], q) for r in reference["rivers"]]
    for lon, lat in ((72.70, 34.09), (68.86, 27.70), (44.52, 48.71)):  # Tarbela, Sukkur, Volgograd
        assert any(near(r, lon, lat, 30) for r in rivers), (lon, lat)
    # Every river has a zoom it appears from, so small ones wait for a closer view.
    assert {r[0] for r in reference["rivers"]} >= {2.0, 3.0, 5.0}


def test_the_line_of_control_is_disputed_and_the_punjab_border_is_not(reference):
    q = reference["q"]
    borders = [(kind, decode(line, q)) for kind, line in reference["borders"]]
    # The Line of Control passes near Chakothi (34.1 N 73.9 E) and Poonch.
    loc = [kind for kind, pts in borders if near(pts, 73.93, 34.10, 12)]
    punjab = [kind for kind, pts in borders if near(pts, 74.55, 31.55, 12)]  # Wagah, between Lahore and Amritsar
    assert loc and all(loc), loc
    assert punjab and not any(punjab), punjab


def test_divisions_lines_and_names(reference):
    names = {l[0] for l in reference["labels"] if l[4] == "a"}
    assert {"Punjab", "Maryland"} <= names
    assert len(reference["admin1"]) > 1000


def test_places_are_ranked_capitals_and_big_cities_first(reference):
    labels = reference["labels"]
    zooms = [l[3] for l in labels]
    assert zooms == sorted(zooms)
    by_name = {}
    for name, lon, lat, zoom, kind in labels:
        by_name.setdefault(name, (zoom, kind, lon, lat))
    assert by_name["Islamabad"][:2] == (3, "c") and by_name["Moscow"][:2] == (3, "c")
    assert by_name["Rawalpindi"][0] <= 4
    assert by_name["Fort Meade"][0] > by_name["Baltimore"][0]
    assert any(kind == "s" for *_, kind in labels) and any(kind == "l" for *_, kind in labels)


def test_page_config_carries_the_reference_layers_and_their_credit():
    events = [Event(id="a", title="x", lon=73.0, lat=33.7)]
    static = page_config(events, options=MapOptions(mode="static"))
    assert static["reference"]["data"]["labels"]
    assert "GeoNames" in static["attribution"]
    app = page_config(events, options=MapOptions(mode="app"))
    assert app["reference"] == {"url": "reference.json"}
    off = page_config(events, options=MapOptions(mode="static", reference=False))
    assert off["reference"] is None and "GeoNames" not in off["attribution"]


def test_the_exported_page_embeds_the_layers_and_no_network_address():
    events = [Event(id="a", title="x", lon=73.0, lat=33.7)]
    html = render_html(build_map(events, options=MapOptions(mode="static")))
    assert "EMReference" in html and "Islamabad" in html
    assert not NETWORK.search(html)
