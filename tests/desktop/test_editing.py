"""Adding, editing and deleting events with undo/redo; the event form; saving and unsaved changes."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from eventmap.desktop import editing
from eventmap.desktop.app import register_scheme
from eventmap.desktop.dialogs.event_dialog import QtEventDialog
from eventmap.desktop.editing import AddEventCommand, DeleteEventCommand, EditEventCommand, EditingController
from eventmap.desktop.view_state import ViewState
from eventmap.geo.dates import parse_date
from eventmap.geo.events import Event
from eventmap.geo.places.gazetteer import load_gazetteer
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import default_dataset
from eventmap.geo.storage import dumps_dataset

register_scheme()  # before any QApplication exists (collection runs first)

DATA = Path(__file__).parents[1] / "data"

CANONICAL = {
    "type": "FeatureCollection",
    "name": "Edited on purpose",
    "metadata": {"compiled_by": "tests", "licence": "CC0"},
    "features": [
        {
            "type": "Feature", "id": "alpha", "bbox": [71.0, 33.0, 71.0, 33.0],
            "geometry": {"type": "Point", "coordinates": [71.123456789, 33.987654321, 512.5]},
            "properties": {"id": "alpha", "title": "Alpha", "start": "2016-09", "end": "2016-10-05", "precision": "month",
                           "place": "Somewhere", "category": "exercise", "summary": "First line\nsecond line",
                           "source": {"publisher": "Dawn", "title": "A report", "published": "2016-09-24", "url": "https://example.org/a"},
                           "url": "https://example.org/a", "fatalities": 3, "tags": ["x", "y"], "nested": {"k": None, "n": 1.5}},
        },
        {
            "type": "Feature", "id": "beta",
            "geometry": {"type": "Point", "coordinates": [37.6156, 55.7522]},
            "properties": {"id": "beta", "title": "Beta", "start": "2020", "precision": "year", "category": "diplomacy", "source": ["one", "two"]},
        },
        {
            "type": "Feature", "id": "gamma",
            "geometry": {"type": "Point", "coordinates": [-77.0364, 38.8951]},
            "properties": {"id": "gamma", "title": "Gamma (undated)", "category": "trade", "notes": "kept"},
        },
    ],
}


class EditingWindow(QMainWindow):
    """What the editing module needs of the main window, and nothing else."""

    def __init__(self, dataset=None) -> None:
        super().__init__()
        self.state = ViewState(dataset, parent=self)
        self.menus = {name: self.menuBar().addMenu(name.title()) for name in ("file", "edit", "view", "help")}


@pytest.fixture
def canonical_file(tmp_path):
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(CANONICAL, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def make_window(qtbot):
    def make(path=None, dataset=None):
        window = EditingWindow(load_dataset(path) if path is not None else dataset)
        qtbot.addWidget(window)
        window.editing = EditingController(window, window.state)
        window.undo_stack = window.editing.undo_stack
        window.editing.add_menu_actions(window.menus["edit"])
        return window

    return make


@pytest.fixture
def answer(monkeypatch):
    """Make every QMessageBox answer ``answer.button``, and record what it said."""

    class Answer:
        def __init__(self) -> None:
            self.button = QMessageBox.StandardButton.Ok
            self.asked: list[str] = []

    answer = Answer()

    def exec_(box):
        answer.asked.append(f"{box.text()}\n{box.informativeText()}".strip())
        return answer.button

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return answer


def new_event(title="Added", lat=34.0897, lon=72.6983, start="2021-03-04") -> Event:
    return Event(id="", title=title, lon=lon, lat=lat, start=parse_date(start), place="Tarbela", category="energy")


# --- commands ------------------------------------------------------------------------------


def test_add_edit_delete_change_the_model_and_undo_redo_restore_it_exactly(make_window, canonical_file):
    window = make_window(canonical_file)
    state, stack = window.state, window.undo_stack
    before = list(state.dataset.events)
    text_before = dumps_dataset(state.dataset)
    dirty, edited = [], []
    state.dirtyChanged.connect(dirty.append)
    state.eventsEdited.connect(lambda: edited.append(True))
    assert not state.dirty

    added = new_event()
    added.id = editing.unique_id(added, state.dataset.events)
    stack.push(AddEventCommand(state, added))
    assert state.dataset.events == [*before, added] and state.selected == 3 and state.dirty
    changed = dataclasses.replace(before[0], title="Alpha, renamed")
    stack.push(EditEventCommand(state, 0, changed))
    assert state.dataset.events[0].title == "Alpha, renamed" and state.selected == 0
    stack.push(DeleteEventCommand(state, 1))
    assert [e.id for e in state.dataset.events] == ["alpha", "gamma", added.id] and state.selected == -1
    assert len(edited) == 3 and dirty == [True]

    while stack.canUndo():
        stack.undo()
    # The very same objects, in the same order: nothing was copied or rebuilt.
    assert len(state.dataset.events) == len(before)
    assert all(a is b for a, b in zip(state.dataset.events, before))
    assert dumps_dataset(state.dataset) == text_before
    assert not state.dirty  # back at the saved state
    assert state.dataset.columns.lat.tolist() == [e.lat for e in before]  # derived columns follow

    while stack.canRedo():
        stack.redo()
    assert [e.id for e in state.dataset.events] == ["alpha", "gamma", added.id]
    assert state.dataset.events[0] is changed and state.dirty


def test_deleting_several_rows_and_undoing_puts_each_back_in_place(make_window, canonical_file):
    window = make_window(canonical_file)
    state = window.state
    before = list(state.dataset.events)
    window.undo_stack.push(DeleteEventCommand(state, [2, 0]))
    assert state.dataset.events == [before[1]]
    window.undo_stack.undo()
    assert all(a is b for a, b in zip(state.dataset.events, before)) and len(state.dataset.events) == 3


def test_opening_another_dataset_clears_the_undo_stack(make_window, canonical_file):
    window = make_window(canonical_file)
    window.undo_stack.push(DeleteEventCommand(window.state, 0))
    assert window.undo_stack.count() == 1 and window.state.dirty
    window.state.set_dataset(load_dataset(default_dataset()))
    assert window.undo_stack.count() == 0 and not window.undo_stack.canUndo()
    assert not window.state.dirty


def test_edit_menu_has_the_actions_and_they_follow_the_selection(make_window, canonical_file):
    window = make_window(canonical_file)
    actions = {a.text(): a for a in window.menus["edit"].actions() if a.text()}
    assert {"&Add Event…", "&Edit Event…", "&Delete Event"} <= set(actions)
    controller = window.editing
    assert controller.undo_action.shortcut() == controller.undo_action.shortcuts()[0]
    assert "Ctrl+Z" in controller.undo_action.shortcut().toString()
    assert controller.redo_action.shortcut().toString() == "Ctrl+Shift+Z"
    assert controller.add_action.shortcut().toString() == "Ctrl+Shift+N"
    assert not controller.edit_action.isEnabled() and not controller.delete_action.isEnabled()
    window.state.set_selected(1)
    assert controller.edit_action.isEnabled() and controller.delete_action.isEnabled()
    assert not controller.undo_action.isEnabled()
    controller.delete_action.trigger()
    assert [e.id for e in window.state.dataset.events] == ["alpha", "gamma"]
    assert controller.undo_action.isEnabled() and "Beta" in controller.undo_action.text()
    controller.undo_action.trigger()
    assert [e.id for e in window.state.dataset.events] == ["alpha", "beta", "gamma"] and window.state.selected == 1


# --- the form ------------------------------------------------------------------------------


def test_add_event_through_the_form(qtbot, make_window, canonical_file):
    window = make_window(canonical_file)
    window.editing.add_action.trigger()
    dialog = window.editing.dialog
    assert isinstance(dialog, QtEventDialog) and dialog.isVisible()
    assert not window.editing.add_action.isEnabled()  # one form at a time
    QTest.keyClicks(dialog.title, "Joint exercise")
    QTest.keyClicks(dialog.start, "2016-09-24")
    QTest.keyClicks(dialog.end, "2016-10-08")
    QTest.keyClicks(dialog.place, "Tarbela")
    with qtbot.waitSignal(dialog.lookupFinished, check_params_cb=lambda found: found):
        QTest.mouseClick(dialog.lookup_button, Qt.MouseButton.LeftButton)
    dialog.category.setEditText("Exercise")
    dialog.summary.setPlainText("Second joint exercise.")
    QTest.keyClicks(dialog.source, "ISPR")
    QTest.keyClicks(dialog.url, "https://example.org/druzhba")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    assert window.editing.dialog is None and window.editing.add_action.isEnabled()
    events = window.state.dataset.events
    assert len(events) == 4 and window.state.selected == 3 and window.state.dirty
    event = events[3]
    tarbela = load_gazetteer().lookup("Tarbela")
    assert (event.title, event.start.text, event.end.text) == ("Joint exercise", "2016-09-24", "2016-10-08")
    assert (event.lat, event.lon) == (tarbela.lat, tarbela.lon)
    assert (event.place, event.category, event.summary, event.source, event.url) == (
        "Tarbela", "exercise", "Second joint exercise.", "ISPR", "https://example.org/druzhba")
    assert event.id == "2016-09-24-joint-exercise" and len({e.id for e in events}) == 4
    window.undo_stack.undo()
    assert len(window.state.dataset.events) == 3


def test_editing_only_the_title_keeps_everything_else_exactly(qtbot, make_window, canonical_file):
    window = make_window(canonical_file)
    original = window.state.dataset.events[0]
    window.state.set_selected(0)
    window.editing.edit_action.trigger()
    dialog = window.editing.dialog
    assert dialog.title.text() == "Alpha" and dialog.start.text() == "2016-09" and dialog.end.text() == "2016-10-05"
    dialog.title.selectAll()
    QTest.keyClicks(dialog.title, "Alpha, edited")
    dialog.accept()

    edited = window.state.dataset.events[0]
    assert edited is not original and edited.title == "Alpha, edited"
    for name in ("id", "lat", "lon", "start", "end", "place", "category", "summary", "source", "url", "extra", "feature_extra"):
        assert getattr(edited, name) == getattr(original, name), name
    assert edited.lat == 33.987654321 and edited.source["published"] == "2016-09-24"  # finer than the spin box; still a mapping
    assert edited.extra == {"fatalities": 3, "tags": ["x", "y"], "nested": {"k": None, "n": 1.5}}
    window.undo_stack.undo()
    assert window.state.dataset.events[0] is original


def test_form_shows_clear_errors_and_refuses_bad_input(qtbot):
    dialog = QtEventDialog(None, None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.title_error.isHidden() and dialog.where_error.isHidden()  # nothing red before typing
    QTest.keyClicks(dialog.start, "2020-13")
    assert dialog.start_error.isVisible() and "2020-13" in dialog.start_error.text()
    assert dialog.title_error.isHidden()  # the title was not touched yet
    dialog.start.clear()
    QTest.keyClicks(dialog.start, "2020-02-30")
    assert "not a real date" in dialog.start_error.text()
    dialog.start.clear()
    QTest.keyClicks(dialog.start, "2020-05")
    assert dialog.start_error.isHidden()
    QTest.keyClicks(dialog.end, "2019")
    assert dialog.end_error.isVisible() and "before the start" in dialog.end_error.text()
    QTest.keyClicks(dialog.url, "javascript:alert(1)")
    assert dialog.url_error.isVisible()

    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.result() == 0  # not accepted
    assert dialog.title_error.isVisible() and dialog.where_error.isVisible()
    assert dialog.edited_event() is None

    QTest.keyClicks(dialog.title, "Fixed")
    dialog.end.clear()
    dialog.url.clear()
    dialog.lat.setValue(10.5)  # typing coordinates places the event
    dialog.lon.setValue(-20.25)
    event = dialog.edited_event()
    assert event is not None and (event.title, event.start.text, event.end, event.lat, event.lon) == ("Fixed", "2020-05", None, 10.5, -20.25)
    assert event.url == "" and event.id == ""


def test_look_up_reports_an_unknown_place(qtbot):
    dialog = QtEventDialog(None, None)
    qtbot.addWidget(dialog)
    dialog.place.setText("Nowhere-on-earth")
    assert dialog.look_up() is False
    assert "offline gazetteer" in dialog.where_error.text() and dialog.coordinates() == (0.0, 0.0)


@pytest.mark.webengine
def test_pick_on_map_takes_the_clicked_point(qtbot, make_map_view):
    view = make_map_view(load_dataset(default_dataset()))
    dialog = QtEventDialog(None, None, map_clicked=view.bridge.mapClicked)
    qtbot.addWidget(dialog)
    dialog.show()
    QTest.mouseClick(dialog.pick_button, Qt.MouseButton.LeftButton)
    assert dialog.pick_button.isChecked()
    # A click on empty map (no event near the bottom middle of this view).
    with qtbot.waitSignal(view.bridge.mapClicked, timeout=10_000) as clicked:
        target = view.focusProxy() or view
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(450, 560))
    lat, lon = clicked.args
    assert dialog.coordinates() == (lat, lon)
    assert not dialog.pick_button.isChecked()
    assert "Picked" in dialog.where_status.text()
    # Clicks after picking leave the form alone.
    view.bridge.mapClicked.emit(1.0, 2.0)
    assert dialog.coordinates() == (lat, lon)


# --- saving ------------------------------------------------------------------------------


def edit_everything(window) -> list[Event]:
    """Add, edit (keeping extra properties) and delete, as a user would; returns the events."""
    controller, state = window.editing, window.state
    controller.add_event()
    dialog = controller.dialog
    dialog.title.setText("Added")
    dialog.start.setText("2021-03")
    dialog.set_coordinates(34.0897, 72.6983)
    dialog.accept()
    state.set_selected(0)
    dialog = controller.edit_event()
    dialog.summary.setPlainText("Rewritten summary")
    dialog.end.setText("2016-11")
    dialog.accept()
    state.set_selected(1)
    controller.delete_action.trigger()
    return list(state.dataset.events)


def test_an_edited_dataset_survives_save_and_reload_unchanged(make_window, canonical_file, answer):
    window = make_window(canonical_file)
    original_bytes = canonical_file.read_bytes()
    events = edit_everything(window)
    assert [e.title for e in events] == ["Alpha", "Gamma (undated)", "Added"]
    assert events[0].summary == "Rewritten summary" and events[0].extra["fatalities"] == 3

    assert window.editing.save() is True
    assert answer.asked == []  # a clean GeoJSON file is saved in place, without questions
    assert not window.state.dirty and window.undo_stack.isClean()
    reloaded = load_dataset(canonical_file)
    assert reloaded.events == events
    assert reloaded.events[0].extra == {"fatalities": 3, "tags": ["x", "y"], "nested": {"k": None, "n": 1.5}}
    assert reloaded.events[0].feature_extra == {"bbox": [71.0, 33.0, 71.0, 33.0]} and reloaded.events[0].elevation == 512.5
    assert reloaded.events[0].source == CANONICAL["features"][0]["properties"]["source"]
    assert reloaded.extra == {"name": "Edited on purpose", "metadata": {"compiled_by": "tests", "licence": "CC0"}}
    assert reloaded.warnings == []
    # The previous file is kept, byte for byte.
    assert canonical_file.with_name("events.geojson.bak").read_bytes() == original_bytes
    # Saving what was loaded gives the same text again.
    assert dumps_dataset(reloaded) == canonical_file.read_text(encoding="utf-8")


def test_undo_back_to_the_saved_state_is_not_dirty(make_window, canonical_file):
    window = make_window(canonical_file)
    window.undo_stack.push(DeleteEventCommand(window.state, 0))
    assert window.editing.save()
    window.undo_stack.undo()
    assert window.state.dirty
    window.undo_stack.redo()
    assert not window.state.dirty


def test_the_bundled_dataset_loads_and_saves_unchanged(make_window, tmp_path, monkeypatch):
    window = make_window(default_dataset())
    out = tmp_path / "copy.geojson"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), editing.SAVE_FILTER))
    assert window.editing.save()  # the shipped file is never overwritten: Save asks where
    assert window.state.dataset.path == out
    assert load_dataset(out).events == load_dataset(default_dataset()).events


def test_a_failing_save_keeps_the_original_and_says_why(make_window, canonical_file, answer, monkeypatch):
    window = make_window(canonical_file)
    original = canonical_file.read_bytes()
    window.undo_stack.push(DeleteEventCommand(window.state, 0))

    def refuse(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    assert window.editing.save() is False
    monkeypatch.undo()
    assert canonical_file.read_bytes() == original
    assert sorted(p.name for p in canonical_file.parent.iterdir() if not p.name.endswith(".bak")) == ["events.geojson"]  # no temporary file left
    assert len(answer.asked) == 1 and "No space left on device" in answer.asked[0] and "unchanged" in answer.asked[0]
    assert window.state.dirty and not window.undo_stack.isClean()


def test_saving_into_a_missing_folder_fails_cleanly(make_window, canonical_file, answer, tmp_path, monkeypatch):
    window = make_window(canonical_file)
    window.undo_stack.push(DeleteEventCommand(window.state, 0))
    target = tmp_path / "gone" / "out.geojson"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), editing.SAVE_FILTER))
    assert window.editing.save_as() is False
    assert not target.exists() and window.state.dirty and window.state.dataset.path == canonical_file
    assert "cannot write here" in answer.asked[0]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_saving_into_a_read_only_folder_fails_cleanly(make_window, canonical_file, answer):
    window = make_window(canonical_file)
    window.undo_stack.push(DeleteEventCommand(window.state, 0))
    original = canonical_file.read_bytes()
    folder = canonical_file.parent
    folder.chmod(0o555)
    try:
        assert window.editing.save() is False
    finally:
        folder.chmod(0o755)
    assert canonical_file.read_bytes() == original and answer.asked


def test_save_of_an_imported_csv_writes_geojson_beside_it(make_window, tmp_path, monkeypatch, answer):
    csv = tmp_path / "table.csv"
    csv.write_bytes((DATA / "events_bad_rows.csv").read_bytes())
    original = csv.read_bytes()
    window = make_window(csv)
    window.undo_stack.push(DeleteEventCommand(window.state, 0))
    offered = []

    def choose(parent, caption, suggested, filters):
        offered.append((caption, suggested, filters))
        return str(csv), filters  # the user even picks the CSV itself

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    assert window.editing.save() is True
    caption, suggested, filters = offered[0]
    assert "GeoJSON" in caption and suggested == str(tmp_path / "table.geojson") and "*.geojson" in filters
    assert csv.read_bytes() == original  # never overwritten in another format
    written = tmp_path / "table.geojson"
    assert window.state.dataset.path == written and not window.state.dirty
    assert load_dataset(written).events == window.state.dataset.events
    # From now on Save writes the GeoJSON file, without asking.
    window.undo_stack.push(DeleteEventCommand(window.state, 0))
    assert window.editing.save() and len(offered) == 1
    assert len(load_dataset(written).events) == len(window.state.dataset.events)


def test_save_of_a_geojson_read_with_warnings_does_not_overwrite_it(make_window, tmp_path, monkeypatch):
    source = tmp_path / "feed.geojson"
    data = json.loads(json.dumps(CANONICAL))
    data["features"].append({"type": "Feature", "geometry": None, "properties": {"title": "no place"}})
    source.write_text(json.dumps(data), encoding="utf-8")
    original = source.read_bytes()
    window = make_window(source)
    assert window.state.dataset.warnings
    out = tmp_path / "feed-edited"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), editing.SAVE_FILTER))
    assert window.editing.save()
    assert source.read_bytes() == original
    assert (tmp_path / "feed-edited.geojson").exists()


def test_save_as_cancelled_writes_nothing(make_window, canonical_file, monkeypatch):
    window = make_window(canonical_file)
    window.undo_stack.push(DeleteEventCommand(window.state, 0))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    assert window.editing.save_as() is False and window.state.dirty


# --- closing with unsaved changes -------------------------------------------------------------


def test_maybe_save_asks_only_when_there_are_unsaved_changes(make_window, canonical_file, answer):
    window = make_window(canonical_file)
    assert window.editing.maybe_save() is True and answer.asked == []
    window.undo_stack.push(DeleteEventCommand(window.state, 0))
    original = canonical_file.read_bytes()

    answer.button = QMessageBox.StandardButton.Cancel
    assert window.editing.maybe_save() is False
    assert "events.geojson" in answer.asked[-1] and window.state.dirty and canonical_file.read_bytes() == original

    answer.button = QMessageBox.StandardButton.Discard
    assert window.editing.maybe_save() is True
    assert window.state.dirty and canonical_file.read_bytes() == original  # nothing written

    answer.button = QMessageBox.StandardButton.Save
    assert window.editing.maybe_save() is True
    assert not window.state.dirty and len(load_dataset(canonical_file).events) == 2


def test_maybe_save_stays_when_saving_fails(make_window, canonical_file, answer, monkeypatch):
    window = make_window(canonical_file)
    window.undo_stack.push(DeleteEventCommand(window.state, 0))
    answer.button = QMessageBox.StandardButton.Save
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(5, "I/O error")))
    assert window.editing.maybe_save() is False  # the window must not close over lost edits


# --- in the main window ---------------------------------------------------------------------------


@pytest.fixture
def main_window(qtbot):
    main = pytest.importorskip("eventmap.desktop.main_window")
    from eventmap.desktop.settings import Settings

    window = main.MainWindow(settings=Settings(), remember=False)
    window.show()
    yield window
    main.delete_window(window)


@pytest.mark.webengine
def test_the_main_window_wires_editing_saving_and_closing(qtbot, main_window, canonical_file, answer):
    window = main_window
    assert window.open_path(canonical_file)
    assert window.undo_stack is window.editing.undo_stack
    texts = [a.text() for a in window.menus["edit"].actions()]
    assert texts.index("&Undo") < texts.index("&Add Event…")
    window.state.set_selected(0)
    window.editing.delete_action.trigger()
    assert window.isWindowModified()
    # The table shows the edit.
    assert window.table.model().rowCount() == 2

    answer.button = QMessageBox.StandardButton.Cancel
    window.close()
    assert window.isVisible() and window.state.dirty
    assert not window.open_path(DATA / "hostile.geojson")  # Cancel keeps the edited data
    assert window.state.dataset.path == canonical_file

    window.named_actions["save"].trigger()
    assert not window.state.dirty and not window.isWindowModified()
    assert len(load_dataset(canonical_file).events) == 2


def test_ok_without_a_change_is_not_an_edit(make_window, canonical_file):
    window = make_window(canonical_file)
    window.state.set_selected(0)
    window.editing.edit_event().accept()
    assert window.undo_stack.count() == 0 and not window.state.dirty


@pytest.mark.parametrize(
    ("start", "end"),
    [("2020-11-08", "2020-11-07"), ("2020-11-08", "2020-11-08"), ("2020-11-08", "2020-11"), ("2020-11-08T10:00Z", "2020-11-08"),
     ("2020", "2019"), ("2020-11-08T10:00Z", "2020-11-08T09:59Z"), ("2020-11-08", "2020-11-09")],
)
def test_the_form_accepts_exactly_the_spans_the_reader_reads(qtbot, tmp_path, start, end):
    """An event saved from the form must open again: the form and the GeoJSON reader share one span rule."""
    from eventmap.geo.errors import EventmapError
    from eventmap.geo.importers import load_dataset

    dialog = QtEventDialog(None, None)
    qtbot.addWidget(dialog)
    QTest.keyClicks(dialog.title, "Span")
    QTest.keyClicks(dialog.start, start)
    QTest.keyClicks(dialog.end, end)
    dialog.lat.setValue(10.0)
    dialog.lon.setValue(20.0)
    form_accepts = dialog.edited_event() is not None
    path = tmp_path / "one.geojson"
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [20.0, 10.0]},
               "properties": {"id": "a", "title": "Span", "start": start, "end": end}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    try:
        reader_accepts = len(load_dataset(path)) == 1
    except EventmapError:
        reader_accepts = False
    assert form_accepts == reader_accepts
    assert form_accepts == (end >= start[: len(end)])  # an end in or after the start's period, never before


def test_merge_events_keeps_both_sources_and_undo_splits_them(make_main_window):
    window = make_main_window()
    events = window.state.dataset.events
    arrive = next(i for i, e in enumerate(events) if e.id == "druzhba-5-contingent-arrives-2020-11-05")
    drill = next(i for i, e in enumerate(events) if e.id == "druzhba-5-exercise-2020-11-08")
    before = len(events)
    # Select both rows in the event list, as a user does with Ctrl+click.
    from PySide6.QtCore import QItemSelectionModel

    table, model = window.table, window.table.table_model
    rows = [r for r in range(model.rowCount()) if model.event_index(r) in (arrive, drill)]
    assert len(rows) == 2
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        table.selectionModel().select(model.index(row, 0), flags)
    assert set(window.state.selection) == {arrive, drill}
    action = window.editing.merge_action
    assert action.isEnabled()
    action.trigger()
    assert len(window.state.dataset.events) == before - 1
    merged = window.state.dataset.events[min(arrive, drill)]
    assert isinstance(merged.source, list) and len(merged.source) == 2
    assert merged.start.text == "2020-11-05" and merged.end.text == "2020-11-21"
    window.undo_stack.undo()
    assert len(window.state.dataset.events) == before
    assert [e.id for e in window.state.dataset.events] == [e.id for e in events]
