"""The interactive page: one offline .html with the map, time slider, filters, event list and the story."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView

from eventmap.desktop.export import ExportRequest, export
from eventmap.geo.dates import TimeWindow
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import default_dataset
from eventmap.geo.story import Stop, Story, store_story

pytestmark = pytest.mark.webengine
PAGE_TIMEOUT = 60_000
HOSTILE = Path(__file__).parents[1] / "data" / "hostile.geojson"

OCT_2024 = TimeWindow.between("2024-10", "2024-10")
STORY = Story("Ten years of ties", (
    Stop((22.0, 60.0, 38.0, 78.0), caption="Pakistan, all time"),
    Stop((33.4, 71.5, 34.6, 73.5), TimeWindow.year(2020).lo, TimeWindow.year(2020).hi,
         selected="druzhba-5-exercise-2020-11-08", caption="Tarbela 2020 <b>drills</b> https://example.org/druzhba"),
    Stop((54.5, 35.5, 57.0, 39.5), OCT_2024.lo, OCT_2024.hi, hidden_categories=frozenset({"exercise"}), caption="Moscow forum"),
    Stop((20.0, 30.0, 62.0, 90.0), -math.inf, TimeWindow.year(2016).hi, cumulative=True, caption="Up to 2016"),
))


def run_js(qtbot, page, script: str):
    with qtbot.waitCallback(timeout=10_000) as callback:
        page.runJavaScript(script, 0, callback)
    return callback.args[0]


def page_state(qtbot, page) -> dict:
    return json.loads(run_js(qtbot, page, "eventmap.interactive.state()"))


def open_page(qtbot, path: Path):
    view = QWebEngineView()
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=PAGE_TIMEOUT):
        view.load(QUrl.fromLocalFile(str(path)))
    page = view.page()
    qtbot.waitUntil(lambda: run_js(qtbot, page, "String(!!(window.eventmap && eventmap.interactive && eventmap.interactive.ready))") == "true",
                    timeout=PAGE_TIMEOUT)
    return view, page


@pytest.fixture
def story_page(tmp_path):
    dataset = load_dataset(default_dataset())
    dataset.extra = store_story(dataset.extra, STORY)
    out = tmp_path / "story.html"
    export(ExportRequest(out=out, dataset=dataset, interactive=True))
    return out


def test_page_is_one_offline_file_under_three_megabytes(story_page):
    text = story_page.read_text(encoding="utf-8")
    assert story_page.stat().st_size <= 3 * 1024 * 1024
    # Nothing is loaded from anywhere: no script, style, image or font address (Leaflet's credit is a plain link).
    assert not re.search(r"<(script|img|iframe|link)[^>]+(src|href)\s*=\s*[\"']?https?:", text, re.IGNORECASE)
    assert not re.search(r"url\(\s*[\"']?https?:", text, re.IGNORECASE)
    assert "controls.js" in text and "em-timebar" in text


def test_time_controls_filter_the_map_and_the_list(qtbot, story_page):
    _view, page = open_page(qtbot, story_page)
    assert page_state(qtbot, page)["shown"] == 13
    run_js(qtbot, page, "eventmap.interactive.setYear(2020); 0")
    qtbot.waitUntil(lambda: page_state(qtbot, page)["listed"] == 4, timeout=PAGE_TIMEOUT)
    state = page_state(qtbot, page)
    assert state["window"]["label"] == "2020" and state["shown"] == 4
    run_js(qtbot, page, "eventmap.interactive.setSearch('Druzhba'); 0")
    qtbot.waitUntil(lambda: (page_state(qtbot, page)["shown"], page_state(qtbot, page)["listed"]) == (2, 2), timeout=PAGE_TIMEOUT)
    titles = json.loads(run_js(qtbot, page, "JSON.stringify(Array.from(document.querySelectorAll('.em-item-title')).map(function (n) { return n.textContent; }))"))
    assert len(titles) == 2 and all("Druzhba" in t for t in titles)


def test_the_story_steps_through_its_stops(qtbot, story_page):
    _view, page = open_page(qtbot, story_page)
    expected = [("All time", 13), ("2020", 4), ("Oct 2024", 1), ("until 31 Dec 2016", 3)]
    for number, (label, shown) in enumerate(expected):
        if number == 0:
            run_js(qtbot, page, "eventmap.interactive.goToStop(0); 0")
        else:  # the page's own Next button
            run_js(qtbot, page, "document.querySelectorAll('.em-story .em-btn')[1].click(); 0")
        qtbot.waitUntil(lambda: page_state(qtbot, page)["stop"] == number, timeout=PAGE_TIMEOUT)
        qtbot.waitUntil(lambda: page_state(qtbot, page)["shown"] == shown, timeout=PAGE_TIMEOUT)
        state = page_state(qtbot, page)
        assert state["window"]["label"].endswith(label), state
        assert state["caption"] == STORY.stops[number].caption
    # Stop 2 selected its event; its caption's markup is text and its link a link.
    run_js(qtbot, page, "eventmap.interactive.goToStop(1); 0")
    qtbot.waitUntil(lambda: page_state(qtbot, page)["selected"] >= 0, timeout=PAGE_TIMEOUT)
    links = json.loads(run_js(qtbot, page, "JSON.stringify(Array.from(document.querySelectorAll('.em-caption a')).map(function (a) { return a.href; }))"))
    assert links == ["https://example.org/druzhba"]
    assert run_js(qtbot, page, "document.querySelectorAll('.em-caption b').length") == 0


def test_no_script_runs_in_the_interactive_page_of_the_hostile_dataset(qtbot, tmp_path):
    hostile = load_dataset(HOSTILE)
    out = tmp_path / "hostile.html"
    export(ExportRequest(out=out, dataset=hostile, interactive=True))
    _view, page = open_page(qtbot, out)
    for index in range(len(hostile.events)):
        run_js(qtbot, page, f"eventmap.call('select', {json.dumps({'index': index, 'fly': False})}); 0")
        qtbot.waitUntil(lambda: run_js(qtbot, page, "String(eventmap.state.popup && eventmap.state.popup.index)") == str(index), timeout=PAGE_TIMEOUT)
    run_js(qtbot, page, "eventmap.interactive.setSearch('a'); 0")
    titles = json.loads(run_js(qtbot, page, "JSON.stringify(Array.from(document.querySelectorAll('.em-item-title')).map(function (n) { return n.textContent; }))"))
    assert set(titles) <= {e.title or "(untitled)" for e in hostile.events}
    assert run_js(qtbot, page, "String(window.__pwned)") == "undefined"
    assert run_js(qtbot, page, "document.querySelectorAll('img[src=\"x\"], iframe, svg[onload], script:not([nonce])').length") == 0
