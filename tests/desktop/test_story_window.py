"""Stories in the window: the panel edits with undo, presenter mode steps the view and time, save keeps it."""

from __future__ import annotations

import json
import math

import pytest
from PySide6.QtCore import Qt

from eventmap.desktop.story import caption_html
from eventmap.geo.dates import TimeWindow
from eventmap.geo.story import Stop, Story, dataset_story, story_from_kml, story_to_kml

WAIT_MS = 30_000

STOPS = (
    Stop((22.0, 60.0, 38.0, 78.0), caption="Pakistan"),
    Stop((33.4, 71.5, 34.6, 73.5), TimeWindow.year(2020).lo, TimeWindow.year(2020).hi, selected="druzhba-5-exercise-2020-11-08", caption="Tarbela, 2020"),
    Stop((54.5, 35.5, 57.0, 39.5), TimeWindow.between("2024-10", "2024-10").lo, TimeWindow.between("2024-10", "2024-10").hi,
         hidden_categories=frozenset({"exercise"}), caption="Moscow, Oct 2024 <b>forum</b> https://example.org/a"),
    Stop((20.0, 30.0, 62.0, 90.0), -math.inf, TimeWindow.year(2024).hi, cumulative=True, caption="Ten years", hold=0.5),
)


def _viewport_holds(window, bounds) -> bool:
    viewport = window.state.viewport
    if viewport is None:
        return False
    (south, west), (north, east) = viewport.bounds
    return _contains((south, west, north, east), bounds)


def _contains(outer, inner, slack=0.35):
    """``outer`` holds ``inner``, give or take ``slack`` of inner's size (zoom steps round the view)."""
    s, w, n, e = inner
    dy, dx = (n - s) * slack, (e - w) * slack
    return outer[0] <= s + dy and outer[1] <= w + dx and outer[2] >= n - dy and outer[3] >= e - dx


def test_panel_adds_the_current_view_as_a_stop_with_undo(make_main_window, qtbot):
    window = make_main_window()
    window.state.set_window(TimeWindow.year(2020))
    window.named_actions["show_story"].trigger()
    assert window.story_dock.isVisible()
    panel = window.story_panel
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert len(window.story.story) == 1
    stop = window.story.story.stops[0]
    assert (stop.lo, stop.hi) == (TimeWindow.year(2020).lo, TimeWindow.year(2020).hi)
    assert stop.bounds[0] < stop.bounds[2] and stop.bounds[1] < stop.bounds[3]
    assert window.isWindowModified() or window.state.dirty
    panel.caption.setPlainText("The 2020 drills")
    panel._commit_caption()
    assert window.story.story.stops[0].caption == "The 2020 drills"
    window.undo_stack.undo()
    assert window.story.story.stops[0].caption == ""
    window.undo_stack.undo()
    assert len(window.story.story) == 0
    window.undo_stack.redo()
    assert len(window.story.story) == 1


def test_four_stops_play_in_presenter_mode(make_main_window, qtbot):
    window = make_main_window()
    window.story.edit(Story("Ties", STOPS), "Set Story")
    window.present()
    assert window.presenter.active and window.isFullScreen()
    assert not window.events_dock.isVisible() and not window.menuBar().isVisible()
    for index, stop in enumerate(STOPS):
        if index:
            qtbot.keyClick(window.view.focusProxy() or window.view, Qt.Key.Key_Right)
        assert window.story.current == index
        assert window.state.view.window == TimeWindow(stop.lo, stop.hi)
        assert window.state.view.cumulative == stop.cumulative
        assert window.state.view.hidden == stop.hidden_categories
        # The flight ends when the page reports its settled view; the model keeps it.
        qtbot.waitUntil(lambda: _viewport_holds(window, stop.bounds), timeout=WAIT_MS)
    selected = window.state.dataset.events[window.state.selected].id if window.state.selected >= 0 else None
    assert selected is None  # the last stop selects nothing
    assert "&lt;b&gt;forum&lt;/b&gt;" in caption_html(STOPS[2].caption)
    qtbot.keyClick(window.view.focusProxy() or window.view, Qt.Key.Key_Escape)
    assert not window.presenter.active
    qtbot.waitUntil(lambda: window.events_dock.isVisible() and window.menuBar().isVisible(), timeout=5000)


def test_stop_selects_its_event(make_main_window):
    window = make_main_window()
    window.story.edit(Story("Ties", STOPS), "Set Story")
    window.go_to_stop(1, animate=False)
    assert window.state.dataset.events[window.state.selected].id == "druzhba-5-exercise-2020-11-08"


def test_story_is_saved_in_the_dataset_file(make_main_window, tmp_path):
    source = tmp_path / "events.geojson"
    from eventmap.geo.paths import default_dataset

    source.write_bytes(default_dataset().read_bytes())
    window = make_main_window(source)
    window.story.edit(Story("Ties", STOPS), "Set Story")
    assert window.editing.save()
    saved = json.loads(source.read_text(encoding="utf-8"))
    story, problems = dataset_story({k: v for k, v in saved.items() if k not in ("type", "features")})
    assert problems == [] and story == Story("Ties", STOPS)
    assert story_from_kml(story_to_kml(story), "t.kml") == story


def test_caption_links_are_links_and_markup_is_text():
    html = caption_html('see https://example.org/x?a=1&b=2. <script>alert(1)</script>')
    assert '<a href="https://example.org/x?a=1&amp;b=2">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_export_interactive_page_from_the_menu_keeps_the_story(make_main_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window = make_main_window()
    window.story.edit(Story("Ties", STOPS), "Set Story")
    out = tmp_path / "page"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "Web page (*.html)"))
    window.named_actions["export_interactive"].trigger()
    page = tmp_path / "page.html"
    assert page.is_file()
    text = page.read_text(encoding="utf-8")
    assert '"interactive"' in text and "Moscow, Oct 2024" in text.replace("\\u003c", "<")
