"""The status bar: Go to place flies the map to a gazetteer name; coordinates follow the mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from eventmap.geo.places.distance import distance_km

pytestmark = pytest.mark.webengine


def page_state(qtbot, window):
    states = []
    window.view.state(states.append)
    qtbot.waitUntil(lambda: bool(states), timeout=10_000)
    return states[0]


def test_go_to_place_flies_the_map_to_a_town_no_event_is_at(make_main_window, qtbot):
    window = make_main_window()
    box = window.go_to_place
    QTest.keyClicks(box, "Faisalabad")
    with qtbot.waitSignal(window.view.framePainted, timeout=15_000):
        QTest.keyClick(box, Qt.Key.Key_Return)
    state = page_state(qtbot, window)
    assert distance_km(tuple(state["center"]), (31.42, 73.08)) < 5
    assert state["zoom"] == 10
    assert "Faisalabad" in window.statusBar().currentMessage()


def test_an_unknown_place_says_so_and_leaves_the_map(make_main_window, qtbot):
    window = make_main_window()
    before = page_state(qtbot, window)
    QTest.keyClicks(window.go_to_place, "Qwxzrt Nowhere")
    QTest.keyClick(window.go_to_place, Qt.Key.Key_Return)
    assert "No place called 'Qwxzrt Nowhere'" in window.statusBar().currentMessage()
    assert page_state(qtbot, window)["center"] == before["center"]


def test_coordinates_under_the_mouse_show_in_the_status_bar(make_main_window, qtbot):
    window = make_main_window()
    target = window.view.focusProxy() or window.view
    centre = QPoint(target.width() // 2, target.height() // 2)
    QTest.mouseMove(target, centre)
    QTest.mouseMove(target, centre + QPoint(5, 3))
    qtbot.waitUntil(lambda: "°" in window.pointer_label.text(), timeout=10_000)
    state = page_state(qtbot, window)
    lat_text, lon_text = window.pointer_label.text().split(", ")
    lat = float(lat_text.split("°")[0]) * (1 if lat_text.endswith("N") else -1)
    lon = float(lon_text.split("°")[0]) * (1 if lon_text.endswith("E") else -1)
    (south, west), (north, east) = state["bounds"]
    assert south <= lat <= north and west <= lon <= east
