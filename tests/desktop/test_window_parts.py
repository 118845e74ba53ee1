"""The small parts the main window is assembled from: the recent-files menu, the distance readout,
the sample dataset always within reach, and the editing controller given its collaborators."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from eventmap.desktop.editing import EditingController
from eventmap.desktop.settings import Settings
from eventmap.desktop.view_state import ViewState
from eventmap.desktop.widgets.qt_distance_label import QtDistanceLabel
from eventmap.desktop.widgets.qt_recent_menu import SAMPLE_TEXT, QtRecentMenu
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import default_dataset


def one_event_file(path, title="Only one"):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [10.0, 20.0]},
        "properties": {"id": "a", "title": title, "start": "2021-03-04"}}]}), encoding="utf-8")
    return path


def texts(menu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_the_recent_menu_lists_the_files_and_always_offers_the_sample(qtbot, tmp_path):
    settings = Settings()
    menu = QtRecentMenu(settings, remember=False)
    assert texts(menu) == ["No recent files", SAMPLE_TEXT]
    settings.add_recent(one_event_file(tmp_path / "a.geojson"))
    menu.fill()
    assert texts(menu)[0].startswith("&1 a.geojson") and SAMPLE_TEXT in texts(menu) and "Clear Recent Files" in texts(menu)
    with qtbot.waitSignal(menu.openRequested) as asked:
        next(a for a in menu.actions() if a.text() == SAMPLE_TEXT).trigger()
    assert asked.args == [str(default_dataset())]


def test_a_recent_file_that_is_gone_is_dropped_with_a_word(qtbot, tmp_path, monkeypatch):
    settings = Settings()
    gone = one_event_file(tmp_path / "gone.geojson")
    settings.add_recent(gone)
    gone.unlink()
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.windowTitle()) or QMessageBox.StandardButton.Ok)
    menu = QtRecentMenu(settings, remember=False)
    requests = []
    menu.openRequested.connect(requests.append)
    menu.actions()[0].trigger()
    assert shown == ["File not found"] and requests == [] and settings.recent_files == []


def test_the_distance_label_shows_two_selected_events_only(qtbot):
    state = ViewState(load_dataset(default_dataset()))
    label = QtDistanceLabel(state)
    qtbot.addWidget(label)
    label.show_selection([0, 1])
    a, b = state.dataset.events[0], state.dataset.events[1]
    assert label.isVisibleTo(label.parentWidget() or label) or not label.isHidden()
    assert label.text().startswith(f"{a.place or a.title} – {b.place or b.title}: ") and label.text().endswith(" km")
    label.show_selection([0])
    assert label.isHidden()
    label.show_selection([0, 10_000])  # not in the dataset (it changed): nothing to measure
    assert label.isHidden()


def test_the_sample_dataset_can_be_opened_again_after_another_file(make_main_window, tmp_path):
    window = make_main_window()
    assert window.open_path(one_event_file(tmp_path / "other.geojson", "Elsewhere"))
    assert [e.title for e in window.state.dataset.events] == ["Elsewhere"]
    window.named_actions["sample"].trigger()
    assert window.state.dataset.path.resolve() == default_dataset().resolve()
    assert window.open_path(tmp_path / "other.geojson")
    window.recent_menu.fill()  # as when the menu opens
    sample = next(a for a in window.recent_menu.actions() if a.text() == SAMPLE_TEXT)
    sample.trigger()
    assert window.state.dataset.path.resolve() == default_dataset().resolve()
    assert "other.geojson" in window.recent_menu.actions()[0].text()


class Clicks(QObject):
    clicked = Signal(float, float)


def test_the_editing_controller_works_on_what_it_is_given(qtbot):
    """No window to search: the state (with the selection) and the map's click signal come in the constructor."""
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    state = ViewState(load_dataset(default_dataset()), parent=parent)
    clicks = Clicks()
    controller = EditingController(parent, state, map_clicked=clicks.clicked)
    before = len(state.dataset.events)
    state.set_selection([2, 4], current=4)
    controller.delete_action.trigger()
    assert len(state.dataset.events) == before - 2 and state.dirty
    controller.undo_stack.undo()
    assert len(state.dataset.events) == before and not state.dirty

    dialog = controller.add_event()
    assert dialog.pick_button.isEnabled()
    dialog.pick_button.setChecked(True)
    clicks.clicked.emit(12.5, 45.25)
    assert dialog.coordinates() == pytest.approx((12.5, 45.25))
    dialog.reject()
