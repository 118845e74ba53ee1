"""A dataset that tries script injection runs nothing, in the app or in an exported page.

tests/data/hostile.geojson puts HTML with event handlers, ``</script>``,
template literals, ``javascript:``/``data:`` links, Jinja braces, bidi
overrides and a 100,000-character string into every text field (and into
the collection name, an id, property names and feature members). Each
payload sets ``window.__pwned`` if it runs. The tests open every popup and
tooltip and then ask the page whether anything ran; a control test shows the
same payloads do run when put into a page as markup, so a "nothing ran"
result means something.

The page must also be unable to read local files, or another view's files
from the eventmap: scheme, even without its Content-Security-Policy.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView

from eventmap.desktop.app import register_scheme
from eventmap.desktop.export import ExportRequest, export_html_text
from eventmap.desktop.map.map_view import QtMapView
from eventmap.desktop.map.web import scheme_handler
from eventmap.geo.importers import load_dataset
from eventmap.geo.page.config import MapOptions
from eventmap.geo.page.payload import event_details

register_scheme()  # before any QApplication exists (collection runs first)

pytestmark = pytest.mark.webengine

HOSTILE = Path(__file__).parents[1] / "data" / "hostile.geojson"
PAGE_TIMEOUT = 60_000
LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)

POPUP_DOM = """JSON.stringify((function () {
  // The newest popup (the one before may still be fading out).
  var boxes = document.querySelectorAll('.leaflet-popup .em-popup'), box = boxes[boxes.length - 1];
  if (!box) return null;
  function text(sel) { var n = box.querySelector(sel); return n ? n.textContent : null; }
  return {
    title: text('.em-popup-title'), when: text('.em-popup-when'), chip: text('.em-chip'),
    summary: text('.em-popup-summary'), source: text('.em-popup-source'),
    links: Array.from(box.querySelectorAll('a')).map(function (a) { return a.getAttribute('href'); }),
    more: Array.from(box.querySelectorAll('.em-more-table tr')).map(function (tr) {
      return Array.from(tr.children).map(function (c) { return c.textContent; });
    }),
    tags: Array.from(box.querySelectorAll('*')).map(function (n) { return n.tagName.toLowerCase(); })
  };
})())"""

DOCUMENT_DOM = """JSON.stringify({
  pwned: String(window.__pwned),
  links: Array.from(document.querySelectorAll('a')).map(function (a) { return a.getAttribute('href'); }),
  injected: document.querySelectorAll('img[src="x"], iframe, svg[onload], script:not([nonce])').length,
  title: document.title
})"""


@pytest.fixture(scope="module")
def hostile():
    return load_dataset(HOSTILE)


def run_js(qtbot, page, script: str):
    """Run a script in the page and return its value."""
    with qtbot.waitCallback(timeout=10_000) as callback:
        page.runJavaScript(script, 0, callback)
    return callback.args[0]


def ask_json(qtbot, page, script: str):
    result = run_js(qtbot, page, script)
    return json.loads(result) if isinstance(result, str) else result


def wait_js(qtbot, page, script: str, expected) -> None:
    qtbot.waitUntil(lambda: run_js(qtbot, page, script) == expected, timeout=PAGE_TIMEOUT)


def expected_popup(details: dict[str, str]) -> dict:
    return {
        "title": details["title"],
        "when": " · ".join(x for x in (details["when"], details["place"]) if x),
        "chip": details["category"] or None,
        "summary": details["summary"] or None,
        "source": ("Sources:" + "".join(details["sources"])) if details.get("sources") else (f"Source: {details['source']}" if details["source"] else None),
        "links": [details["url"]] if details["url"] else [],
        "more": details["more"],
    }


def check_popup(popup: dict | None, event) -> None:
    assert popup is not None, f"no popup for {event.id!r}"
    details = event_details(event)
    for key, value in expected_popup(details).items():
        assert popup[key] == value, f"{event.id!r}: popup {key} is not the literal text"
    # Text became text: only the elements the popup builds itself (the "More" table of other properties too).
    assert set(popup["tags"]) <= {"div", "span", "p", "a", "table", "tr", "th", "td"}, popup["tags"]
    assert ("table" in popup["tags"]) == bool(details["more"])
    for href in popup["links"]:
        assert LINK.match(href), href


def check_document(document: dict) -> None:
    assert document["pwned"] == "undefined", f"an injected script ran (window.__pwned = {document['pwned']})"
    assert document["injected"] == 0, "markup from the dataset reached the DOM"
    for href in document["links"]:
        # Leaflet's own controls use "#" links; anything else must be http(s).
        assert href.startswith("#") or LINK.match(href), f"non-http(s) link in the page: {href!r}"


@pytest.fixture
def app_view(make_map_view, hostile):
    return make_map_view(hostile, options=MapOptions(title=hostile.name))


# --- the payloads are live (control) ------------------------------------------------


def test_the_payloads_run_when_a_page_treats_them_as_markup(qtbot, hostile):
    """Without this, "window.__pwned is undefined" would prove nothing."""
    view = QWebEngineView()
    qtbot.addWidget(view)
    view.show()
    texts = [t for e in hostile.events for t in (e.title, e.place, e.category) if "<img" in t or "<svg" in t]
    assert texts
    # Deliberately unsafe: data as innerHTML, no Content-Security-Policy.
    data = json.dumps(texts).replace("</", "<\\/")
    page = f"<html><body><div id=box></div><script>document.getElementById('box').innerHTML = {data}.join(' ');</script></body></html>"
    with qtbot.waitSignal(view.loadFinished, timeout=PAGE_TIMEOUT):
        view.setHtml(page, QUrl("https://control.invalid/"))
    qtbot.waitUntil(lambda: run_js(qtbot, view.page(), "String(window.__pwned)") != "undefined", timeout=PAGE_TIMEOUT)


# --- in the app -------------------------------------------------------------------------


def test_hostile_dataset_is_read_verbatim(hostile):
    assert len(hostile.events) == 12
    by_id = {e.id: e for e in hostile.events}
    assert by_id["img"].title == '<img src=x onerror="window.__pwned=1">'
    assert by_id["jinja"].title == "{{7*7}}"
    assert len(by_id["svg"].summary) == 100_000
    assert by_id["rtl"].title.startswith("\u202e")
    # Links that are not http(s) are kept as data but never offered as links.
    assert by_id["img"].url == "javascript:window.__pwned=5"
    assert event_details(by_id["img"])["url"] == ""
    assert event_details(by_id["script"])["url"] == ""
    assert event_details(by_id["separators"])["url"] == "https://example.org/ok"


def test_no_script_runs_in_the_app_when_every_popup_and_tooltip_opens(qtbot, app_view, hostile):
    view, page = app_view, app_view.page()
    # Tooltips first, while every marker is in view (a popup pans the map).
    for index, event in enumerate(hostile.events):
        point = ask_json(qtbot, page, f"eventmap.call('markerPoint', {json.dumps({'index': index})})")
        assert point is not None, f"{event.id!r} is not drawn"
        x, y = point
        run_js(qtbot, page, "(function (x, y) { var m = window.map_0; m.fire('mousemove', {containerPoint: L.point(x, y), latlng: m.containerPointToLatLng([x, y])}); })"
               f"({float(x)}, {float(y)}); 0")
        wait_js(qtbot, page, "(function () { var t = document.querySelector('.em-tooltip'); return t ? t.textContent : null; })()",
                event_details(event)["title"])
        assert run_js(qtbot, page, "document.querySelectorAll('.em-tooltip *').length") <= 1

    links_seen, more_seen = 0, []
    for index, event in enumerate(hostile.events):
        with qtbot.waitSignal(view.bridge.popupOpened, timeout=PAGE_TIMEOUT, check_params_cb=lambda i, index=index: i == index):
            view.select(index, fly=False)
        popup = ask_json(qtbot, page, POPUP_DOM)
        check_popup(popup, event)
        links_seen += len(popup["links"])
        more_seen += popup["more"]

    # The two https links of the dataset are offered; no other link is.
    assert links_seen == 2
    # The hostile property names and values went through the "More" table as text.
    assert ["<img src=x onerror=window.__pwned=22>", '<img src=x onerror="window.__pwned=1">'] in more_seen
    assert ["onload", "<script>window.__pwned=21</script>"] in more_seen
    state = ask_json(qtbot, page, "eventmap.call('getState', {})")
    assert state["title"] == hostile.name  # the collection's name, shown as text
    legend = ask_json(qtbot, page, "JSON.stringify(Array.from(document.querySelectorAll('.em-legend-row')).map(function (r) { return r.textContent; }))")
    assert legend == [c or "uncategorised" for c in hostile.categories()]
    check_document(ask_json(qtbot, page, DOCUMENT_DOM))
    assert not [m for m in page.console if "Content Security Policy" in m and "script" in m.lower()], page.console


def test_the_event_table_shows_the_text_as_plain_text(qtbot, hostile):
    table = pytest.importorskip("eventmap.desktop.widgets.qt_event_table")
    from PySide6.QtCore import Qt

    from eventmap.desktop.view_state import ViewState

    state = ViewState(hostile)
    model = table.EventTableModel(state)
    titles = set()
    for row in range(model.rowCount()):
        title_cell = model.index(row, table.TITLE)
        event = hostile.events[model.data(title_cell, table.INDEX_ROLE)]
        titles.add(model.data(title_cell, Qt.ItemDataRole.DisplayRole))
        assert model.data(model.index(row, table.PLACE), Qt.ItemDataRole.DisplayRole) == event.place
        tip = model.data(title_cell, Qt.ItemDataRole.ToolTipRole) or ""
        # Tool tips are rich text: the dataset's part must arrive escaped.
        assert "<img" not in tip and "<svg" not in tip and "<script" not in tip and "<iframe" not in tip
        assert html.escape(event.title) in tip
    assert titles == {e.title for e in hostile.events}


# --- in an exported page ------------------------------------------------------------------


def test_no_script_runs_in_the_exported_html_when_every_popup_opens(qtbot, hostile, tmp_path):
    out = tmp_path / "hostile.html"
    text = export_html_text(ExportRequest(out=out, dataset=hostile))
    # The data is in the page only as escaped JSON.
    for raw in ("<img src=x", "<svg onload", "</script><script>window", '<iframe src="javascript', '<a href="javascript'):
        assert raw not in text, raw
    out.write_text(text, encoding="utf-8")

    view = QWebEngineView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=PAGE_TIMEOUT):
        view.load(QUrl.fromLocalFile(str(out)))
    page = view.page()
    wait_js(qtbot, page, "String(!!(window.eventmap && eventmap.state.ready))", "true")
    assert run_js(qtbot, page, "eventmap.state.shown") == len(hostile.events)

    links_seen, more_seen = 0, []
    for index, event in enumerate(hostile.events):
        run_js(qtbot, page, f"eventmap.call('select', {json.dumps({'index': index, 'fly': False})}); 0")
        wait_js(qtbot, page, "String(eventmap.state.popup && eventmap.state.popup.index)", str(index))
        popup = ask_json(qtbot, page, POPUP_DOM)
        check_popup(popup, event)
        links_seen += len(popup["links"])
        more_seen += popup["more"]
    assert links_seen == 2
    assert ["onload", "<script>window.__pwned=21</script>"] in more_seen
    document = ask_json(qtbot, page, DOCUMENT_DOM)
    check_document(document)
    assert run_js(qtbot, page, "document.querySelector('.em-title-text').textContent") == hostile.name

    # The exported page reaches nothing: not even a local file next to it.
    run_js(qtbot, page, FETCH_PROBE % {"url": json.dumps(out.as_uri())})
    wait_js(qtbot, page, "String(window.__probe).slice(0, 5)", "error")


# --- what the app page can reach --------------------------------------------------------------

FETCH_PROBE = """
window.__probe = 'pending';
fetch(%(url)s).then(function (r) { return r.text(); })
  .then(function (t) { window.__probe = 'read ' + t.length; }, function (e) { window.__probe = 'error ' + e; });
0
"""


def fetch_result(qtbot, page, url: str) -> str:
    run_js(qtbot, page, FETCH_PROBE % {"url": json.dumps(url)})
    qtbot.waitUntil(lambda: run_js(qtbot, page, "window.__probe") != "pending", timeout=PAGE_TIMEOUT)
    return run_js(qtbot, page, "window.__probe")


def test_the_app_page_cannot_fetch_local_files_or_other_views_files(qtbot, app_view, tmp_path):
    page = app_view.page()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    scheme_handler().publish("otherhost", {"page.html": (b"<p>another view's page</p>", b"text/html")})
    try:
        assert fetch_result(qtbot, page, "events.bin").startswith("read ")  # its own files: yes
        assert fetch_result(qtbot, page, secret.as_uri()).startswith("error")
        assert fetch_result(qtbot, page, "file:///etc/hostname").startswith("error")
        assert fetch_result(qtbot, page, "eventmap://otherhost/page.html").startswith("error")
    finally:
        scheme_handler().withdraw("otherhost")


PROBE_PAGE = """<!doctype html><html><body><script>
window.results = {};
function probe(name, url) {
  window.results[name] = 'pending';
  fetch(url).then(function (r) { return r.text(); })
    .then(function (t) { window.results[name] = 'read ' + t; }, function (e) { window.results[name] = 'error'; });
}
function xhr(name, url) {
  window.results[name] = 'pending';
  var x = new XMLHttpRequest();
  x.onload = function () { window.results[name] = 'read ' + x.responseText; };
  x.onerror = function () { window.results[name] = 'error'; };
  try { x.open('GET', url); x.send(); } catch (e) { window.results[name] = 'error'; }
}
function image(name, url) {
  window.results[name] = 'pending';
  var i = new Image();
  i.onload = function () { window.results[name] = 'read'; };
  i.onerror = function () { window.results[name] = 'error'; };
  i.src = url;
}
probe('own', 'own.txt');
image('ownImage', 'dot.gif');
probe('file', %(file)s);
xhr('fileXhr', %(file)s);
image('fileImage', %(image)s);
probe('otherHost', 'eventmap://otherhost/secret.txt');
image('otherHostImage', 'eventmap://otherhost/dot.gif');
</script></body></html>"""

DOT_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def test_without_its_csp_a_page_still_reads_only_its_own_files(qtbot, tmp_path):
    """The profile and the scheme, not only the page's CSP, keep files out of reach."""
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    picture = tmp_path / "dot.gif"
    picture.write_bytes(DOT_GIF)
    page_html = PROBE_PAGE % {"file": json.dumps(secret.as_uri()), "image": json.dumps(picture.as_uri())}
    scheme_handler().publish("probe", {
        "page.html": (page_html.encode(), b"text/html"),
        "own.txt": (b"mine", b"text/plain"),
        "dot.gif": (DOT_GIF, b"image/gif"),
    })
    scheme_handler().publish("otherhost", {"secret.txt": (b"secret", b"text/plain"), "dot.gif": (DOT_GIF, b"image/gif")})
    view = QtMapView()  # the app's page and profile, loading a page without a CSP
    qtbot.addWidget(view)
    view.show()
    try:
        with qtbot.waitSignal(view.loadFinished, timeout=PAGE_TIMEOUT):
            view.load(QUrl("eventmap://probe/page.html"))
        page = view.page()
        qtbot.waitUntil(lambda: "pending" not in ask_json(qtbot, page, "JSON.stringify(window.results)").values(), timeout=PAGE_TIMEOUT)
        results = ask_json(qtbot, page, "JSON.stringify(window.results)")
    finally:
        scheme_handler().withdraw("probe")
        scheme_handler().withdraw("otherhost")
    assert results["own"] == "read mine"
    assert results["ownImage"] == "read"
    assert {k: v for k, v in results.items() if not k.startswith("own")} == {
        "file": "error", "fileXhr": "error", "fileImage": "error", "otherHost": "error", "otherHostImage": "error",
    }


# --- building the page: dataset text is never a template -------------------------------------

START_CALL = re.compile(r"eventmap\.start\(map_\d+, (\{.*\})\);\s*$", re.MULTILINE)


@pytest.mark.parametrize("mode", ["app", "static"])
def test_map_building_never_treats_dataset_text_as_a_template(mode):
    """Dataset text must reach the page's config as data, whatever Jinja would make of it.

    (branca re-compiles a MacroElement's output as a template: "{{7*7}}" in a
    place name became "49", and "{{ lipsum.__globals__.os... }}" ran Python.)
    """
    from eventmap.geo.dates import parse_date
    from eventmap.geo.events import Event
    from eventmap.geo.page.build import build_map, render_html

    code = "{{ lipsum.__globals__.os.getcwd() }}"
    broken = "{{ 'unclosed"  # a template syntax error, if it were one
    events = [
        Event(id="a", title="{{7*7}}", lon=70.0, lat=30.0, start=parse_date("2020"), place=code, category="{% if 1 %}x{% endif %}"),
        Event(id="b", title="b", lon=72.0, lat=32.0, start=parse_date("2021"), place=broken, category="{# comment #}"),
    ]
    page = render_html(build_map(events, None, MapOptions(mode=mode, title="{{ 7*7 }}")))
    config = json.loads(START_CALL.search(page).group(1))
    assert config["title"] == "{{ 7*7 }}"
    assert [s["name"] for s in config["sites"]] == [code, broken]
    assert {c["name"] for c in config["categories"]} == {"{% if 1 %}x{% endif %}", "{# comment #}"}
    assert str(Path.cwd()) not in page
