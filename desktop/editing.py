"""Adding, editing and deleting events with undo/redo; saving; asking before losing edits.

Every edit is a QUndoCommand that hands a new events list to
:meth:`ViewState.replace_events`; the commands keep the events they replaced,
so undo puts back the very same objects. The undo stack's clean state is the
saved file: undoing back to it clears the model's dirty flag.

The main window makes one :class:`EditingController` with what it works on
(the view state, the map's click signal, the selected rows), puts its actions
in the Edit menu and asks :meth:`~EditingController.maybe_save` before closing
or opening another file.
"""

from __future__ import annotations

import logging
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from eventmap.desktop.dialogs.event_dialog import QtEventDialog
from eventmap.desktop.slots import guarded
from eventmap.desktop.view_state import ViewState
from eventmap.geo.brief import shorten, title_or_untitled
from eventmap.geo.errors import EventmapError
from eventmap.geo.sources import merge_events
from eventmap.geo.events import Dataset, Event, free_id, id_base, slugify
from eventmap.geo.paths import data_dir
from eventmap.geo.sanitize import display_path
from eventmap.geo.storage import save_dataset

log = logging.getLogger("eventmap")

SAVE_SUFFIXES = (".geojson", ".json")  # what eventmap writes: canonical GeoJSON
SAVE_FILTER = "GeoJSON (*.geojson)"


# --- undoable commands -----------------------------------------------------------


class AddEventCommand(QUndoCommand):
    """Insert one event (at the end unless ``index`` says where); it becomes selected."""

    def __init__(self, state: ViewState, event: Event, index: int | None = None) -> None:
        super().__init__(f"Add “{_short(event.title)}”")
        self.state = state
        self.event = event
        self.index = len(state.dataset.events) if index is None else index
        self.selected_before = state.selected

    def redo(self) -> None:
        events = list(self.state.dataset.events)
        events.insert(self.index, self.event)
        self.state.replace_events(events, self.index)

    def undo(self) -> None:
        events = list(self.state.dataset.events)
        assert events[self.index] is self.event, "the events changed outside the undo stack"
        del events[self.index]
        self.state.replace_events(events, self.selected_before)


class EditEventCommand(QUndoCommand):
    """Replace the event at ``index`` by ``new``; undo puts the old one back."""

    def __init__(self, state: ViewState, index: int, new: Event) -> None:
        self.old = state.dataset.events[index]
        super().__init__(f"Edit “{_short(self.old.title)}”")
        self.state = state
        self.index = index
        self.new = new

    def _swap(self, out: Event, into: Event) -> None:
        events = list(self.state.dataset.events)
        assert events[self.index] is out, "the events changed outside the undo stack"
        events[self.index] = into
        self.state.replace_events(events, self.index)

    def redo(self) -> None:
        self._swap(self.old, self.new)

    def undo(self) -> None:
        self._swap(self.new, self.old)


class DeleteEventCommand(QUndoCommand):
    """Remove the events at ``indices``; undo puts each back where it was, selected."""

    def __init__(self, state: ViewState, indices: int | list[int]) -> None:
        indices = sorted(set([indices] if isinstance(indices, int) else indices))
        self.removed = [(i, state.dataset.events[i]) for i in indices]
        title = _short(self.removed[0][1].title) if len(indices) == 1 else f"{len(indices)} events"
        super().__init__(f"Delete “{title}”" if len(indices) == 1 else f"Delete {title}")
        self.state = state
        self.selected_before = state.selected

    def redo(self) -> None:
        events = list(self.state.dataset.events)
        for index, event in reversed(self.removed):
            assert events[index] is event, "the events changed outside the undo stack"
            del events[index]
        self.state.replace_events(events, -1)

    def undo(self) -> None:
        events = list(self.state.dataset.events)
        for index, event in self.removed:
            events.insert(index, event)
        selected = self.selected_before if self.selected_before >= 0 else self.removed[0][0]
        self.state.replace_events(events, selected)


class MergeEventsCommand(QUndoCommand):
    """Merge the events at ``indices`` into the first of them (both reports' sources kept); undo splits them again."""

    def __init__(self, state: ViewState, indices: list[int]) -> None:
        indices = sorted(set(indices))
        self.state = state
        self.kept = indices[0]
        self.before = [(i, state.dataset.events[i]) for i in indices]
        merged = self.before[0][1]
        for _, other in self.before[1:]:
            merged = merge_events(merged, other)
        self.merged = merged
        super().__init__(f"Merge {len(indices)} Events into “{_short(merged.title)}”")

    def redo(self) -> None:
        events = list(self.state.dataset.events)
        for index, event in reversed(self.before[1:]):
            assert events[index] is event, "the events changed outside the undo stack"
            del events[index]
        events[self.kept] = self.merged
        self.state.replace_events(events, self.kept)

    def undo(self) -> None:
        events = list(self.state.dataset.events)
        events[self.kept] = self.before[0][1]
        for index, event in self.before[1:]:
            events.insert(index, event)
        self.state.replace_events(events, self.kept)


def _short(text: str, limit: int = 40) -> str:
    return shorten(title_or_untitled(text), limit)


def unique_id(event: Event, events: list[Event]) -> str:
    """An id for a new event, made from its date and title, that no other event has."""
    return free_id(id_base(event), {e.id for e in events})  # the readers' rule (geo.events.assign_ids)


# --- the window's editing -------------------------------------------------------------


class EditingController(QObject):
    """The undo stack, the Edit menu actions, and saving, for one main window.

    Signals
    -------
    saved(str)
        The dataset was written to this path (the window may show the new name).
    """

    saved = Signal(str)

    def __init__(
        self,
        window: QWidget,
        state: ViewState,
        undo_stack: QUndoStack | None = None,
        map_clicked: SignalInstance | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window  # the parent of the forms and message boxes
        self.state = state
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.map_clicked = map_clicked  # "Pick on map" in the form listens to it
        self.dialog: QtEventDialog | None = None
        self.save_path: Path | None = in_place_path(self.state.dataset)
        self.undo_stack.cleanChanged.connect(guarded(self._on_clean_changed))
        self.state.datasetChanged.connect(guarded(self._on_dataset_changed))
        self.state.selectionChanged.connect(guarded(self._update_actions))
        self.state.selectionSetChanged.connect(guarded(self._update_actions))

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        # Ctrl+Shift+Z first (the one the menu shows), then the platform's own (Ctrl+Y on Windows).
        redo = QKeySequence("Ctrl+Shift+Z")
        self.redo_action.setShortcuts([redo, *(k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo) if k != redo)])
        self.add_action = QAction("&Add Event…", self)
        self.add_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.add_action.setStatusTip("Add an event: its title, dates, place and more")
        self.add_action.triggered.connect(guarded(self.add_event))
        self.edit_action = QAction("&Edit Event…", self)
        self.edit_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.edit_action.setStatusTip("Change the selected event")
        self.edit_action.triggered.connect(guarded(self.edit_event))
        self.delete_action = QAction("&Delete Event", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setStatusTip("Delete the selected event (Undo brings it back)")
        self.delete_action.triggered.connect(guarded(self.delete_events))
        self.merge_action = QAction("&Merge Events", self)
        self.merge_action.setShortcut(QKeySequence("Ctrl+M"))
        self.merge_action.setStatusTip("Make the selected events one event that keeps every source (Undo splits them again)")
        self.merge_action.triggered.connect(guarded(self.merge_events))
        for action in (self.undo_action, self.redo_action, self.add_action, self.edit_action, self.delete_action, self.merge_action):
            # Every action needs a widget in the window to have its shortcut work.
            window.addAction(action)
        self._update_actions()

    # --- the actions ----------------------------------------------------------------

    def add_menu_actions(self, menu) -> None:
        first = menu.actions()[0] if menu.actions() else None
        for action in (self.undo_action, self.redo_action):
            menu.insertAction(first, action)
        menu.insertSeparator(first)
        for action in (self.add_action, self.edit_action, self.delete_action, self.merge_action):
            menu.insertAction(first, action)
        if first is not None:
            menu.insertSeparator(first)

    def add_return_shortcut(self, widget: QWidget) -> None:
        """Return edits the selected event while ``widget`` (the map, the table) has the focus.

        Not a window shortcut: Return in the search box or a form must stay theirs.
        """
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_Return), widget, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(guarded(self.edit_event))
        enter = QShortcut(QKeySequence(Qt.Key.Key_Enter), widget, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        enter.activated.connect(guarded(self.edit_event))

    def _update_actions(self, *_args) -> None:
        free = self.dialog is None
        selected = 0 <= self.state.selected < len(self.state.dataset.events)
        self.add_action.setEnabled(free)
        self.edit_action.setEnabled(free and selected)
        self.delete_action.setEnabled(free and selected)
        self.merge_action.setEnabled(free and len(set(self.state.selection)) >= 2)

    def _on_clean_changed(self, clean: bool) -> None:
        # The stack also says "clean" while the window is being deleted, the state perhaps already gone.
        if clean and shiboken6.isValid(self.state):
            self.state.mark_saved()

    def _on_dataset_changed(self) -> None:
        # Another dataset: the old one's edits cannot be undone into it.
        if self.dialog is not None:
            self.dialog.reject()
        self.undo_stack.clear()
        self.save_path = in_place_path(self.state.dataset)
        self._update_actions()

    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    # --- add, edit, delete ---------------------------------------------------------

    def open_dialog(self, event: Event | None) -> QtEventDialog:
        """Show the (non-modal, so the map can be clicked) event form; one at a time."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = QtEventDialog(self.window, event, categories=self.state.dataset.categories(), map_clicked=self.map_clicked)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.accepted.connect(guarded(lambda: self._on_dialog_accepted(dialog)))
        dialog.finished.connect(guarded(lambda _result: self._on_dialog_finished(dialog)))
        self.dialog = dialog
        self._update_actions()
        dialog.show()
        return dialog

    def add_event(self) -> QtEventDialog:
        return self.open_dialog(None)

    def edit_event(self) -> QtEventDialog | None:
        index = self.state.selected
        if not 0 <= index < len(self.state.dataset.events):
            return None
        return self.open_dialog(self.state.dataset.events[index])

    def merge_events(self) -> None:
        """Edit ▸ Merge Events: the selected events become one, keeping every source."""
        rows = sorted(i for i in set(self.state.selection) if 0 <= i < len(self.state.dataset.events))
        if len(rows) >= 2:
            self.push(MergeEventsCommand(self.state, rows))

    def delete_events(self) -> None:
        index = self.state.selected
        if not 0 <= index < len(self.state.dataset.events):
            return
        indices = [index]
        rows = list(self.state.selection)
        if index in rows:
            indices = rows  # the rows selected with it go too
        self.push(DeleteEventCommand(self.state, indices))

    def _on_dialog_accepted(self, dialog: QtEventDialog) -> None:
        event = dialog.edited_event()
        if event is None:
            return
        events = self.state.dataset.events
        if dialog.original is None:
            event.id = unique_id(event, events)
            self.push(AddEventCommand(self.state, event))
            return
        # Found by identity: undo and redo restore the same objects, so the
        # event is still found if the list changed while the form was open.
        index = next((i for i, e in enumerate(events) if e is dialog.original), -1)
        if event == dialog.original:
            return  # OK without a change: nothing to undo, nothing unsaved
        if index < 0:
            show_error(self.window, "Event not changed", "The event was deleted while its form was open; the changes were not applied.")
            return
        self.push(EditEventCommand(self.state, index, event))

    def _on_dialog_finished(self, dialog: QtEventDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
            self._update_actions()

    # --- saving --------------------------------------------------------------------------

    def save(self) -> bool:
        if self.save_path is None:
            return self.save_as()
        return self.write(self.save_path)

    def save_as(self) -> bool:
        dataset = self.state.dataset
        caption = "Save As"
        if dataset.path is not None and dataset.path.suffix.lower() not in SAVE_SUFFIXES:
            caption = f"Save As GeoJSON ({dataset.path.name} stays as it is)"
        elif dataset.path is not None and dataset.warnings:
            caption = f"Save As ({dataset.path.name} has parts eventmap could not read; it stays as it is)"
        path = ask_save_path(self.window, caption, suggested_path(dataset))
        if path is None:
            return False
        return self.write(path)

    def write(self, path: Path) -> bool:
        """Write the dataset to ``path`` (atomically, keeping a ``.bak``); False after telling the user why not."""
        dataset = self.state.dataset
        try:
            save_dataset(dataset, path)
        except EventmapError as exc:
            show_error(self.window, "Could not save", exc.message)
            return False
        except Exception as exc:  # noqa: BLE001 - a save that fails must say so and keep the edits, whatever failed
            log.exception("saving %s failed", display_path(path))
            show_error(self.window, "Could not save", f"{display_path(path)}: not saved ({type(exc).__name__}: {exc}); your edits are still open")
            return False
        log.info("saved %d events to %s", len(dataset.events), path)
        dataset.path = Path(path)
        self.save_path = Path(path)
        self.undo_stack.setClean()
        self.state.mark_saved()
        self.saved.emit(str(path))
        return True

    def maybe_save(self) -> bool:
        if not self.state.dirty:
            return True
        answer = ask_unsaved(self.window, display_name(self.state.dataset))
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard


def in_place_path(dataset: Dataset) -> Path | None:
    """Where Save may write without asking, or None when it must ask (Save As).

    Only a GeoJSON file read without a warning is overwritten: a CSV or KML
    file is never replaced by GeoJSON, a file with parts eventmap skipped is
    not replaced by what it could read, and the bundled sample stays as shipped.
    """
    path = dataset.path
    if path is None or path.suffix.lower() not in SAVE_SUFFIXES or dataset.warnings:
        return None
    try:
        if Path(path).resolve().is_relative_to(data_dir().resolve()):
            return None
    except (OSError, FileNotFoundError):
        pass
    return Path(path)


def suggested_path(dataset: Dataset) -> Path:
    """A GeoJSON name next to the file the dataset came from (never that file itself)."""
    if dataset.path is None:
        return Path.home() / f"{slugify(dataset.name, 'events')}.geojson"
    path = Path(dataset.path)
    folder = path.parent
    try:
        if folder.resolve().is_relative_to(data_dir().resolve()):
            folder = Path.home()
    except (OSError, FileNotFoundError):
        pass
    candidate = folder / f"{path.stem}.geojson"
    if candidate == path or candidate.exists():
        candidate = folder / f"{path.stem}-edited.geojson"
    return candidate


def display_name(dataset: Dataset) -> str:
    return dataset.path.name if dataset.path is not None else dataset.name


# --- dialogs (tests replace these answers) ----------------------------------------------


def _message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, informative: str = "") -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # file names and messages quote data: never markup
    if informative:
        box.setInformativeText(informative)
    return box


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    box = _message_box(parent, QMessageBox.Icon.Critical, title, text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def ask_unsaved(parent: QWidget | None, name: str) -> QMessageBox.StandardButton:
    """Save, Discard or Cancel for unsaved edits."""
    box = _message_box(parent, QMessageBox.Icon.Warning, "Unsaved changes", f"Save the changes to {name}?", "If you don't save, your edits are lost.")
    box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return QMessageBox.StandardButton(box.exec())


def ask_save_path(parent: QWidget | None, caption: str, suggested: Path) -> Path | None:
    """The GeoJSON file to write, or None if the user cancelled."""
    name, _filter = QFileDialog.getSaveFileName(parent, caption, str(suggested), SAVE_FILTER)
    if not name:
        return None
    path = Path(name)
    if path.suffix.lower() in SAVE_SUFFIXES:
        return path
    # Never GeoJSON under a .csv or .kml name: the file dialog asked about a
    # different file, so ask again if the GeoJSON one exists.
    path = path.with_suffix(".geojson") if path.suffix else path.with_name(path.name + ".geojson")
    if path.exists():
        box = _message_box(parent, QMessageBox.Icon.Warning, "Replace file?", f"{path.name} already exists. Replace it?", "The current file is kept as a .bak copy.")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return None
    return path
