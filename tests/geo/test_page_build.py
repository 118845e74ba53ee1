"""The map page: offline, every event present, dataset text never markup."""

import json
import re
from pathlib import Path

import pytest

from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import Event
from eventmap.geo.importers import load_dataset
from eventmap.geo.page.build import build_map, render_html
from eventmap.geo.page.colors import category_colors
from eventmap.geo.page.config import MapOptions
from eventmap.geo.page.payload import event_details, event_payload, event_payload_binary
from eventmap.geo.paths import default_dataset

DATA = Path(__file__).parents[1] / "data"

# Anything that would make the browser fetch: a script, stylesheet, image or
# frame from an http(s) or protocol-relative address, or a CSS import/url().
EXTERNAL_LOAD = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|@import|url\(\s*["']?(?:https?:)?//""",
    re.I,
)
CDN = re.compile(r"cdn\.|unpkg|jsdelivr|cdnjs|googleapis|bootstrapcdn|code\.jquery", re.I)


@pytest.fixture(scope="module")
def seed():
    return load_dataset(default_dataset())


@pytest.fixture(scope="module")
def seed_html(seed):
    return render_html(build_map(seed.events, TimeWindow.all_time(), MapOptions(title=seed.name)))


def embedded_config(html):
    match = re.search(r"eventmap\.start\(\w+, (\{.*\})\);", html)
    assert match, "the page does not start the event layer"
    return json.loads(match.group(1))


def test_default_page_loads_nothing_from_the_network(seed_html):
    assert not EXTERNAL_LOAD.search(seed_html), EXTERNAL_LOAD.search(seed_html)
    assert not CDN.search(seed_html)


def test_page_has_a_strict_content_policy(seed_html):
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', seed_html).group(1)
    assert "default-src 'none'" in policy
    nonce = re.search(r"'nonce-(\w+)'", policy).group(1)
    tags = re.findall(r"<script[^>]*>", seed_html)
    assert tags and all(f'nonce="{nonce}"' in t for t in tags)


def test_every_event_is_in_the_page(seed, seed_html):
    config = embedded_config(seed_html)
    payload = config["events"]["data"]
    assert payload["n"] == len(seed)
    assert sorted(t["id"] for t in payload["text"]) == sorted(e.id for e in seed.events)
    assert sorted(payload["index"]) == list(range(len(seed)))
    assert [s["name"] for s in config["sites"]] == sorted({e.place for e in seed.events}, key=[e.place for e in seed.events].index)


def test_design_sites_are_labelled(seed_html):
    names = {s["name"] for s in embedded_config(seed_html)["sites"]}
    assert {"Tarbela", "Pabbi", "Gwadar", "Moscow"} <= names


def test_payload_is_sorted_by_start_and_maps_back(seed):
    payload = event_payload(seed.events, seed.categories())
    starts = [lo for lo in payload["lo"]]
    assert starts == sorted(starts)
    for pos, index in enumerate(payload["index"]):
        assert payload["text"][pos]["id"] == seed.events[index].id


def test_binary_payload_layout(seed):
    import numpy as np

    blob = event_payload_binary(seed.events, seed.categories())
    header_len = int(np.frombuffer(blob[:4], "<u4")[0])
    header = json.loads(blob[4 : 4 + header_len])
    n = header["n"]
    assert n == len(seed) and (4 + header_len) % 8 == 0
    lo = np.frombuffer(blob, "<f8", n, 4 + header_len)
    assert list(lo) == sorted(e.lo for e in seed.events)


def test_popups_show_dates_at_their_precision(seed):
    by_id = {e.id: event_details(e) for e in seed.events}
    assert by_id["mi-35m-helicopter-deal-2015-08"]["when"] == "Aug 2015"
    assert by_id["druzhba-7-exercise-2024-10-13"]["when"] == "13 Oct 2024 – 27 Oct 2024"
    assert by_id["russia-lifts-arms-embargo-2014"]["when"] == "2014"


HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    "${window.__pwned=3}",
    "`+(window.__pwned=4)+`",
    '"><svg onload=window.__pwned=6>',
]


def test_dataset_text_never_reaches_the_page_as_markup():
    events = [
        Event(id=f"h{i}", title=t, summary=t, place=t, category=t, source=t, lon=70 + i, lat=30, url="javascript:alert(1)")
        for i, t in enumerate(HOSTILE)
    ]
    html = render_html(build_map(events, None, MapOptions(title=HOSTILE[1])))
    config_text = re.search(r"eventmap\.start\(\w+, (\{.*\})\);", html).group(1)
    # The text is only ever inside the JSON config (a plain script, no template literal) ...
    outside = html.replace(config_text, "")
    for text in HOSTILE:
        assert text not in outside
    # ... where no angle bracket survives, so nothing can close the script.
    assert "<" not in config_text and ">" not in config_text
    # The JSON still decodes to the exact original text, to be put in the DOM as text.
    config = json.loads(config_text)
    assert [t["title"] for t in config["events"]["data"]["text"]] == HOSTILE
    assert all(t["url"] == "" for t in config["events"]["data"]["text"])


def test_only_http_links_are_kept():
    ok = Event(id="a", title="a", lon=0, lat=0, url="https://example.org/a?b=1")
    bad = [Event(id="b", title="b", lon=0, lat=0, url=u) for u in ("javascript:x()", "data:text/html,hi", "file:///etc/passwd", "vbscript:x", " JAVASCRIPT:x")]
    assert event_details(ok)["url"] == "https://example.org/a?b=1"
    assert all(event_details(e)["url"] == "" for e in bad)


def test_page_is_deterministic(seed):
    first = render_html(build_map(seed.events, TimeWindow.year(2020), MapOptions()))
    second = render_html(build_map(seed.events, TimeWindow.year(2020), MapOptions()))
    assert first == second


def test_app_mode_keeps_data_out_of_the_html(seed):
    html = render_html(build_map(seed.events, None, MapOptions(mode="app")))
    config = embedded_config(html)
    assert config["events"] == {"url": "events.bin"}
    assert "druzhba" not in html.lower()
    assert len(html) < 400_000


def test_online_tiles_only_when_asked(seed, seed_html):
    assert embedded_config(seed_html)["tiles"] is None
    html = render_html(build_map(seed.events, None, MapOptions(tiles="osm")))
    tiles = embedded_config(html)["tiles"]
    assert tiles["url"].startswith("https://")
    assert "openstreetmap" in tiles["url"]
    policy = re.search(r'content="([^"]+)"', html[html.index("Content-Security-Policy") :]).group(1)
    assert "openstreetmap" in policy


def test_known_categories_have_fixed_colours():
    colors = category_colors(["trade", "exercise", "riots", ""])
    assert colors["exercise"] == "#d62728" and colors["trade"] == "#ef8a17"
    assert colors["riots"] not in (colors["trade"], colors["exercise"])
    assert len(set(colors.values())) == 4


def test_dataset_text_is_never_rewritten_in_the_page():
    """Text shaped like the page's own names or its nonce placeholder stays as written."""
    texts = ["@NONCE@", "map_" + "ab" * 16, "element_" + "0f" * 16, "event_layer_" + "12" * 16, 'nonce="x" <script']
    events = [Event(id=f"r{i}", title=t, summary=t, place=t, category="trade", source=t, lon=70 + i, lat=30) for i, t in enumerate(texts)]
    html = render_html(build_map(events, None, MapOptions(title="@NONCE@ map_" + "cd" * 16)))
    config = embedded_config(html)
    assert [t["title"] for t in config["events"]["data"]["text"]] == texts
    assert [t["summary"] for t in config["events"]["data"]["text"]] == texts
    assert config["title"] == "@NONCE@ map_" + "cd" * 16
    assert "<title>@NONCE@ map_" + "cd" * 16 + "</title>" in html
    # The nonce is on the page's own script tags and in its policy, nowhere else.
    nonce = re.search(r"'nonce-(\w+)'", html).group(1)
    assert html.count(nonce) == len(re.findall(r"<script\b", html)) + 1
    assert all(f'nonce="{nonce}"' in tag for tag in re.findall(r"<script\b[^>]*>", html))


def _decode_binary(blob):
    import numpy as np

    header_len = int(np.frombuffer(blob[:4], "<u4")[0])
    header = json.loads(blob[4 : 4 + header_len])
    n, offset, columns = header["n"], 4 + header_len, {}
    for name, dtype in (("lo", "<f8"), ("hi", "<f8"), ("lat", "<f4"), ("lon", "<f4"), ("index", "<u4"), ("cat", "<u%d" % header.get("cat", 2))):
        columns[name] = np.frombuffer(blob, dtype, n, offset)
        offset += -(-n * np.dtype(dtype).itemsize // 8) * 8
    assert offset == len(blob)
    return header, columns


def test_more_categories_than_uint16_can_number():
    n = 70_000
    events = [Event(id=f"e{i}", title=f"e{i}", lon=(i % 360) - 180, lat=(i % 170) - 85, category=f"c{i}") for i in range(n)]
    categories = [f"c{i}" for i in range(n)]
    header, columns = _decode_binary(event_payload_binary(events, categories))
    assert header["cat"] == 4
    # Every event keeps its own category: codes past 65,535 do not wrap.
    assert [categories[c] for c in columns["cat"][:3]] == [events[i].category for i in columns["index"][:3]]
    assert sorted(columns["cat"].tolist()) == list(range(n))
    assert (columns["cat"] == columns["index"]).all()
    # The JSON form of a standalone page holds the same codes.
    payload = event_payload(events, categories, include_text=False)
    assert max(payload["cat"]) == n - 1
    # Few categories stay at two bytes an event.
    header, columns = _decode_binary(event_payload_binary(events[:10], categories[:10]))
    assert header["cat"] == 2 and columns["cat"].dtype.itemsize == 2


def test_popups_show_the_other_properties_of_imported_data():
    from eventmap.geo.page.payload import MORE_ROWS

    usgs = load_dataset(DATA / "usgs_significant_month_2014-03.geojson").events[0]
    more = dict(event_details(usgs)["more"])
    assert more["mag"] == "6.5" and more["alert"] == "green" and more["depth (km)"] == "10"
    assert [name for name, _ in event_details(usgs)["more"][:3]] == ["mag", "magType", "depth (km)"]  # what a reader looks for first
    ucdp = load_dataset(DATA / "ucdp_ged_pakistan_hdx_excerpt.csv").events[0]
    more = dict(event_details(ucdp)["more"])
    assert more["best"] == "2" and more["deaths_b"] == "2"
    assert more["dyad_name"] == "Government of India - Government of Pakistan"
    # Known fields are not repeated; empty values are left out; nested values become one line of text.
    event = Event(id="x", title="t", lon=0, lat=0, extra={"a": "", "b": None, "c": {"k": [1, 2.5]}, "d": True, "e": "x" * 500})
    rows = event_details(event)["more"]
    assert rows[0] == ["c", '{"k": [1, 2.5]}'] and rows[1] == ["d", "true"]
    assert len(rows[2][1]) == 200 and rows[2][1].endswith("…")
    many = Event(id="y", title="t", lon=0, lat=0, extra={f"p{i}": i for i in range(100)})
    rows = event_details(many)["more"]
    assert len(rows) == MORE_ROWS and rows[-1] == ["…", f"{100 - MORE_ROWS + 1} more"]
    # The bundled dataset's events have none: no table.
    assert event_details(Event(id="z", title="t", lon=0, lat=0))["more"] == []
