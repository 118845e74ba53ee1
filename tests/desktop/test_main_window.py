"""The main window, driven like a user would: the table and the map follow every control.

What the map shows is asked from the page through the bridge (``getState``):
``visible`` lists the dataset positions of the events drawn.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from eventmap.desktop.map.map_view import image_is_blank
from eventmap.geo.dates import TimeWindow
from eventmap.geo.places.distance import distance_km
from eventmap.geo.paths import default_dataset
from eventmap.geo.timeline import Step
from eventmap.geo.view import ViewFilter, visible_mask

pytestmark = pytest.mark.webengine

GWADAR, PABBI, TARBELA_ARRIVAL = 6, 12, 4  # positions in the bundled dataset


def expected(window, time_window: TimeWindow) -> list[int]:
    return [int(i) for i in np.flatnonzero(visible_mask(window.state.dataset, ViewFilter(window=time_window)))]


def table_events(window) -> list[int]:
    return sorted(int(i) for i in window.table.table_model.rows)


def count_loads(window) -> list[int]:
    loads: list[int] = []
    window.view.loadStarted.connect(lambda: loads.append(1))
    return loads


def test_choosing_a_year_updates_the_slider_the_table_and_the_map_without_a_reload(make_main_window, map_state):
    window = make_main_window()
    loads = count_loads(window)
    year = window.year_filter
    year.setCurrentIndex(year.findText("2020"))

    assert window.state.window == TimeWindow.year(2020)
    shown = expected(window, TimeWindow.year(2020))
    assert len(shown) == 4
    assert table_events(window) == shown
    page = map_state(window)
    assert page["visible"] == shown
    assert page["windowLabel"] == "2020"
    assert "4 of 13 events" in page["count"]
    # The slider is the other view of the same window.
    slider = window.time_slider
    assert slider.length.currentData() == "year"
    assert slider.slider.value() == 2020 - 2014
    assert slider.window_label.text() == "2020"
    assert slider.count_label.text() == "4 of 13 events"
    assert window.count_label.text() == "4 of 13 events"
    assert loads == []


def test_moving_the_slider_updates_the_year_filter_the_table_and_the_map(make_main_window, map_state):
    window = make_main_window()
    loads = count_loads(window)
    slider = window.time_slider
    slider.length.setCurrentIndex(slider.length.findData("month"))
    assert window.state.window == TimeWindow.between("2014-01", "2014-01")
    october = Step("month").index(slider.origin, TimeWindow.between("2024-10", "2024-10").lo)
    slider.slider.setValue(october)

    assert window.state.window == TimeWindow.between("2024-10", "2024-10")
    assert window.year_filter.currentIndex() == -1  # a month is no year
    shown = expected(window, window.state.window)
    assert table_events(window) == shown == [11, 12]
    page = map_state(window)
    assert page["visible"] == shown
    assert page["windowLabel"] == "Oct 2024"
    assert slider.window_label.text() == "Oct 2024"
    assert slider.count_label.text() == "2 of 13 events"

    # Back from the year filter: the slider follows.
    window.year_filter.setCurrentIndex(window.year_filter.findText("2023"))
    assert slider.length.currentData() == "year" and slider.slider.value() == 2023 - 2014
    assert map_state(window)["visible"] == expected(window, TimeWindow.year(2023))
    assert loads == []


def test_play_advances_period_by_period_and_stops_at_the_end(make_main_window, map_state, qtbot):
    window = make_main_window()
    slider = window.time_slider
    window.year_filter.setCurrentIndex(window.year_filter.findText("2020"))
    slider.slider.setValue(slider.slider.maximum() - 2)  # 2022
    seen: list[str] = []
    window.state.windowChanged.connect(lambda: seen.append(window.state.window_label()))
    slider.set_speed(8.0)
    slider.play()
    assert slider.playing
    qtbot.waitUntil(lambda: not slider.playing, timeout=10_000)
    assert seen == ["2023", "2024"]
    assert slider.slider.value() == slider.slider.maximum()
    assert map_state(window)["windowLabel"] == "2024"


def test_keyboard_plays_steps_over_empty_time_and_jumps(make_main_window, qtbot):
    window = make_main_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    window.table.setFocus()
    state = window.state
    state.set_window(TimeWindow.between("2020-11", "2020-11"))
    QTest.keyClick(window.table, Qt.Key.Key_Right)
    assert state.window == TimeWindow.between("2023-01", "2023-01")  # nothing starts from Dec 2020 to 2022
    QTest.keyClick(window.table, Qt.Key.Key_Left)
    assert state.window == TimeWindow.between("2020-11", "2020-11")
    QTest.keyClick(window.table, Qt.Key.Key_End)
    assert state.window == TimeWindow.between("2024-10", "2024-10")
    QTest.keyClick(window.table, Qt.Key.Key_Home)
    assert state.window == TimeWindow.between("2014-01", "2014-01")
    QTest.keyClick(window.table, Qt.Key.Key_Space)
    assert window.time_slider.playing
    QTest.keyClick(window.table, Qt.Key.Key_Space)
    assert not window.time_slider.playing


def test_search_and_category_filters_combine_with_time(make_main_window, map_state, qtbot):
    window = make_main_window()
    loads = count_loads(window)
    # (not "druzhba": the Druzhba VII article's headline is in the source of every event it dates)
    QTest.keyClicks(window.search, "counter-terrorism")
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    assert window.state.search == "counter-terrorism"
    assert table_events(window) == [5, 12]  # Druzhba 5, Druzhba VII
    assert map_state(window)["visible"] == [5, 12]

    window.year_filter.setCurrentIndex(window.year_filter.findText("2024"))
    assert table_events(window) == [12]
    assert map_state(window)["visible"] == [12]

    window.categories.boxes["exercise"].click()
    assert window.state.hidden_categories == {"exercise"}
    assert table_events(window) == []
    assert map_state(window)["visible"] == []

    window.search.clear()
    window.year_filter.setCurrentIndex(0)
    assert window.state.search == "" and window.state.window.is_all_time
    no_exercise = [i for i, e in enumerate(window.state.dataset.events) if e.category != "exercise"]
    assert table_events(window) == no_exercise
    page = map_state(window)
    assert page["visible"] == no_exercise
    assert f"{len(no_exercise)} of 13 events" in page["count"]
    assert loads == []


def test_a_table_row_selects_its_marker_and_a_marker_click_selects_its_row(make_main_window, qtbot, ask_page):
    window = make_main_window()
    view, table = window.view, window.table

    # Marker -> row: click where the page drew Pabbi's event.
    points: list = []
    view.bridge.ask("markerPoint", {"index": PABBI}, points.append)
    qtbot.waitUntil(lambda: bool(points), timeout=5_000)
    assert points[0] is not None
    x, y = points[0]
    QTest.mouseClick(view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(round(x), round(y)))
    qtbot.waitUntil(lambda: window.state.selected == PABBI, timeout=5_000)
    assert table.selected_events() == [PABBI]
    qtbot.waitUntil(lambda: ((ask_page(view) or {}).get("popup") or {}).get("index") == PABBI, timeout=10_000)

    # Row -> marker: the map flies to Gwadar and opens its popup.
    table.selectRow(table.table_model.row_of(GWADAR))
    assert window.state.selected == GWADAR

    def flown_to_gwadar() -> bool:
        state = ask_page(view) or {}
        popup = state.get("popup") or {}
        return state.get("selected") == GWADAR and popup.get("index") == GWADAR and state.get("zoom", 0) >= 6

    qtbot.waitUntil(flown_to_gwadar, timeout=10_000)
    state = ask_page(view)
    (south, west), (north, east) = state["bounds"]
    event = window.state.dataset.events[GWADAR]
    assert south < event.lat < north and west < event.lon < east


def test_two_selected_rows_show_their_distance_in_the_status_bar(make_main_window, qtbot):
    window = make_main_window()
    table = window.table
    for position, modifier in ((PABBI, Qt.KeyboardModifier.NoModifier), (TARBELA_ARRIVAL, Qt.KeyboardModifier.ControlModifier)):
        rect = table.visualRect(table.table_model.index(table.table_model.row_of(position), 1))
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    assert sorted(table.selected_events()) == [TARBELA_ARRIVAL, PABBI]
    assert window.state.selected == TARBELA_ARRIVAL
    a, b = window.state.dataset.events[PABBI], window.state.dataset.events[TARBELA_ARRIVAL]
    km = distance_km((a.lat, a.lon), (b.lat, b.lon))
    assert window.distance_label.isVisible()
    assert f"{km:,.1f} km" in window.distance_label.text()
    assert "Pabbi" in window.distance_label.text() and "Tarbela" in window.distance_label.text()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, table.visualRect(table.table_model.index(0, 1)).center())
    assert not window.distance_label.isVisible()


def test_export_writes_a_png_of_the_requested_size_and_the_events_shown(make_main_window, tmp_path):
    window = make_main_window()
    window.year_filter.setCurrentIndex(window.year_filter.findText("2020"))
    out = window.export_to(tmp_path / "map.png", size=(640, 400))
    assert out == tmp_path / "map.png"
    image = QImage(str(out))
    assert (image.width(), image.height()) == (640, 400)
    assert not image_is_blank(image)
    assert len({image.pixel(x, y) for x in range(0, 640, 16) for y in range(0, 400, 16)}) > 10
    assert "Exported" in window.statusBar().currentMessage()

    geojson = window.export_to(tmp_path / "shown.geojson")
    from eventmap.geo.importers import load_dataset

    assert len(load_dataset(geojson)) == 4


def test_a_failed_export_is_shown_as_a_dialog(make_main_window, tmp_path, monkeypatch):
    window = make_main_window()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.windowTitle(), box.text())) or QMessageBox.StandardButton.Ok)
    assert window.export_to(tmp_path / "missing-folder" / "map.geojson") is None
    assert shown and shown[0][0] == "Export failed" and "missing-folder" in shown[0][1]


def test_a_bad_dataset_shows_the_problems_and_keeps_the_current_one(make_main_window, monkeypatch):
    window = make_main_window()
    loads = count_loads(window)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.windowTitle(), box.text())) or QMessageBox.StandardButton.Ok)
    before = window.state.dataset
    bad = default_dataset().parents[1] / "tests" / "data" / "garbage.geojson"
    assert not window.open_path(bad)
    assert window.state.dataset is before
    assert len(shown) == 1
    title, text = shown[0]
    assert "garbage.geojson" in title and "garbage.geojson" in text
    assert window.table.table_model.rowCount() == 13
    assert loads == []


def test_edits_rebuild_the_page_and_keep_the_view(make_main_window, map_state, qtbot):
    window = make_main_window()
    window.map_link.last_seq = window.view.send("setView", {"lat": 30.0, "lon": 70.0, "zoom": 7})
    map_state(window)
    # The page reports its view once the move has settled; the model keeps it for the rebuilt page.
    qtbot.waitUntil(lambda: window.state.viewport is not None and window.state.viewport.zoom == 7, timeout=10_000)
    events = window.state.dataset.events
    with qtbot.waitSignal(window.view.mapReady, timeout=30_000):
        window.state.replace_events(events[:-1])
    page = map_state(window)
    assert page["zoom"] == 7
    assert page["center"] == pytest.approx([30.0, 70.0], abs=0.01)
    assert "12 of 12 events" in page["count"]
    assert window.table.table_model.rowCount() == 12


def test_online_tiles_that_fail_fall_back_to_the_offline_basemap(make_main_window, monkeypatch):
    window = make_main_window()
    builds: list[bool] = []
    # No page with online tiles in tests: they would reach the network.
    monkeypatch.setattr(window.map_link, "rebuild", lambda keep_view=True: builds.append(keep_view))
    window.set_basemap("osm")
    assert window.map_link.basemap.online
    assert "OpenStreetMap" in window.basemap_label.text()
    window.view.bridge.tilesFailed.emit("OpenStreetMap.Mapnik")
    assert window.map_link.basemap.key == "natural-earth"
    assert window.named_actions["basemap:natural-earth"].isChecked()
    assert "Natural Earth" in window.basemap_label.text()
    assert "offline" in window.statusBar().currentMessage()
    assert builds == [True, True]


def test_dropping_a_file_opens_it(make_main_window, tmp_path, qtbot):
    window = make_main_window()
    copy = tmp_path / "dropped.geojson"
    shutil.copy(default_dataset(), copy)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(copy))])
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.view.mapReady, timeout=30_000):
        window.dropEvent(event)
        qtbot.waitUntil(lambda: window.state.dataset.path == copy, timeout=10_000)
    assert str(copy.resolve()) in window.settings.recent_files


def test_menus_have_the_standard_shortcuts(make_main_window):
    window = make_main_window()
    assert set(window.menus) >= {"file", "edit", "view", "help"}
    shortcuts = {key: action.shortcut().toString() for key, action in window.named_actions.items()}
    assert shortcuts["open"] == "Ctrl+O" and shortcuts["export"] == "Ctrl+E" and shortcuts["quit"] == "Ctrl+Q"
    assert shortcuts["save"] == "Ctrl+S" and shortcuts["save_as"] == "Ctrl+Shift+S"
    texts = [a.text() for a in window.menus["file"].actions()]
    assert "Open &Recent" in texts and "&Import…" in texts
    basemaps = [a for a in window.named_actions if a.startswith("basemap:")]
    assert basemaps == ["basemap:natural-earth", "basemap:natural-earth-110m", "basemap:osm", "basemap:carto-light"]


def test_play_follows_the_pages_painted_frames(qtbot, make_main_window):
    window = make_main_window()
    link, slider = window.map_link, window.time_slider
    window.state.set_window(TimeWindow.year(2014))
    qtbot.waitUntil(lambda: not link.frame_pending(), timeout=10_000)
    assert link.last_seq > 0 and window.view.last_painted >= link.last_seq
    window.state.set_window(TimeWindow.year(2015))
    assert link.frame_pending()  # sent, not painted yet: play would wait
    qtbot.waitUntil(lambda: not link.frame_pending(), timeout=10_000)


def test_the_page_reports_its_view_and_the_model_keeps_it(make_main_window, qtbot, ask_page):
    window = make_main_window()
    state, view = window.state, window.view
    qtbot.waitUntil(lambda: state.viewport is not None, timeout=10_000)  # reported once the page is ready
    reports = []
    state.viewportChanged.connect(lambda: reports.append(state.viewport))
    view.send("setView", {"lat": 30.0, "lon": 70.0, "zoom": 7})
    qtbot.waitUntil(lambda: bool(reports) and abs(reports[-1].zoom - 7) < 1e-9, timeout=10_000)
    page = ask_page(view)
    assert state.viewport.center == pytest.approx(tuple(page["center"])) and state.viewport.size == tuple(page["size"])
    assert state.viewport.contains(30.0, 70.0) and not state.viewport.contains(-30.0, 70.0)
    # An edit rebuilds the page on the view the model kept: no question to the page.
    window.state.replace_events(list(window.state.dataset.events))
    qtbot.waitUntil(lambda: view.is_ready, timeout=30_000)
    assert ask_page(view)["zoom"] == pytest.approx(7)


def test_hiding_the_selected_event_closes_its_popup(make_main_window, qtbot, ask_page):
    window = make_main_window()
    state, view = window.state, window.view
    state.set_selected(PABBI)
    qtbot.waitUntil(lambda: ((ask_page(view) or {}).get("popup") or {}).get("index") == PABBI, timeout=10_000)
    state.set_hidden_categories({state.dataset.events[PABBI].category})
    assert state.selected == -1
    qtbot.waitUntil(lambda: not (ask_page(view) or {}).get("popup") and ask_page(view).get("selected") is None, timeout=10_000)
