"""The one model of what the window shows; every widget reads and writes it.

Widgets never talk to each other: they set fields here and follow the
signals. A signal fires only when a field really changes, so a widget that
sets the model from its own signal does not loop.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import Dataset, Event
from eventmap.geo.view import ViewFilter, count_text, search_mask, visible_mask
from eventmap.geo.viewport import Viewport


class ViewState(QObject):
    """Dataset, filter (a :class:`~eventmap.geo.view.ViewFilter`) and selected event.

    Signals
    -------
    datasetChanged
        A different dataset was opened, with its own filter (the map page is rebuilt).
    eventsEdited
        Events of the current dataset were added, changed or removed.
    windowChanged, categoriesChanged, searchChanged
        A filter changed (the page is told; never rebuilt).
    selectionChanged(int)
        The current event's position in ``dataset.events`` (-1 for none).
    selectionSetChanged(list)
        The positions of every selected event (the table's rows, the two a distance is measured between).
    viewportChanged
        The map's centre, zoom or bounds changed (reported by the page).
    dirtyChanged(bool)
        Whether there are unsaved edits.
    """

    datasetChanged = Signal()
    eventsEdited = Signal()
    windowChanged = Signal()
    categoriesChanged = Signal()
    searchChanged = Signal()
    selectionChanged = Signal(int)
    selectionSetChanged = Signal(list)
    viewportChanged = Signal()
    dirtyChanged = Signal(bool)

    def __init__(self, dataset: Dataset | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dataset = dataset or Dataset(events=[])
        self._view = ViewFilter()
        self._search_mask: np.ndarray | None = None
        self._visible: np.ndarray | None = None  # the visible mask, computed once per change
        self._selected = -1
        self._selection: tuple[int, ...] = ()
        self._viewport: Viewport | None = None
        self._dirty = False

    # --- dataset ------------------------------------------------------------

    @property
    def dataset(self) -> Dataset:
        return self._dataset

    def set_dataset(self, dataset: Dataset, view: ViewFilter | None = None) -> None:
        """Show another dataset and its filter in one step (one ``datasetChanged``).

        Without ``view`` the current filter stays, less the categories the new
        dataset does not have.
        """
        self._dataset = dataset
        self._view = (view or self._view).for_dataset(dataset)
        self._selected = -1
        self._search_mask = search_mask(dataset, self._view.search)
        self._visible = None
        self._viewport = None  # the new page fits its own events
        had_selection = bool(self._selection)
        self._selection = ()
        self._set_dirty(False)
        self.datasetChanged.emit()
        self.selectionChanged.emit(-1)
        if had_selection:
            self.selectionSetChanged.emit([])

    def replace_events(self, events: list[Event], selected: int = -1) -> None:
        """Replace the events after an edit (used by undoable commands)."""
        self._dataset.events = events
        self._dataset.invalidate()
        self._search_mask = search_mask(self._dataset, self._view.search)
        self._visible = None
        selected = selected if 0 <= selected < len(events) else -1
        if selected >= 0 and not self.visible_mask()[selected]:
            selected = -1  # an event added outside the window is not shown: nothing to select, no popup
        self._selected = selected
        old_selection, self._selection = self._selection, (selected,) if selected >= 0 else ()
        self._set_dirty(True)
        self.eventsEdited.emit()
        self.selectionChanged.emit(self._selected)
        if self._selection != old_selection:
            self.selectionSetChanged.emit(list(self._selection))

    @property
    def dirty(self) -> bool:
        return self._dirty

    def mark_edited(self) -> None:
        """Something saved with the dataset changed besides its events (its story)."""
        self._set_dirty(True)

    def mark_saved(self) -> None:
        self._set_dirty(False)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    # --- the filter -------------------------------------------------------------

    @property
    def view(self) -> ViewFilter:
        """The current filter: window, cumulative mode, hidden categories, search."""
        return self._view

    def set_view(self, view: ViewFilter) -> None:
        """Change any fields of the filter; each changed part emits its signal once."""
        old = self._view
        if view == old:
            return
        self._view = view
        self._visible = None
        if view.search != old.search:
            self._search_mask = search_mask(self._dataset, view.search)
        if (view.window, view.cumulative) != (old.window, old.cumulative):
            self.windowChanged.emit()
        if view.hidden != old.hidden:
            self.categoriesChanged.emit()
        if view.search != old.search:
            self.searchChanged.emit()
        self._drop_hidden_selection()

    def _drop_hidden_selection(self) -> None:
        """A selected event the filter now hides is no longer selected (its popup closes with it)."""
        if not self._selection and self._selected < 0:
            return
        mask = self.visible_mask()
        kept = tuple(i for i in self._selection if mask[i])
        if kept == self._selection and (self._selected < 0 or mask[self._selected]):
            return
        current = self._selected if self._selected >= 0 and mask[self._selected] else (kept[-1] if kept else -1)
        self._apply_selection(kept, current)

    @property
    def window(self) -> TimeWindow:
        return self._view.window

    @property
    def cumulative(self) -> bool:
        return self._view.cumulative

    def set_window(self, window: TimeWindow, cumulative: bool | None = None) -> None:
        cumulative = self._view.cumulative if cumulative is None else cumulative
        self.set_view(self._view.with_(window=window, cumulative=cumulative))

    def window_label(self) -> str:
        return self._view.label()

    @property
    def hidden_categories(self) -> frozenset[str]:
        return self._view.hidden

    def set_hidden_categories(self, hidden: set[str] | frozenset[str]) -> None:
        self.set_view(self._view.with_(hidden=frozenset(hidden)))

    @property
    def search(self) -> str:
        return self._view.search

    def set_search(self, text: str) -> None:
        self.set_view(self._view.with_(search=text))

    def search_indices(self) -> list[int] | None:
        """Dataset positions matching the search (None when there is no search)."""
        return None if self._search_mask is None else [int(i) for i in np.flatnonzero(self._search_mask)]

    # --- selection ----------------------------------------------------------------

    @property
    def selected(self) -> int:
        return self._selected

    def set_selected(self, index: int) -> None:
        """Select one event (-1: none); it becomes the whole selection."""
        index = index if 0 <= index < len(self._dataset.events) else -1
        self._apply_selection((index,) if index >= 0 else (), index)

    @property
    def selection(self) -> tuple[int, ...]:
        """Every selected event's position, in the order they were given."""
        return self._selection

    def set_selection(self, indices: list[int] | tuple[int, ...], current: int | None = None) -> None:
        """Select several events; ``current`` (by default the last) is the one whose popup and form follow."""
        n = len(self._dataset.events)
        kept = tuple(dict.fromkeys(i for i in indices if 0 <= i < n))
        if current is None or current not in kept:
            current = kept[-1] if kept else -1
        self._apply_selection(kept, current)

    def _apply_selection(self, selection: tuple[int, ...], current: int) -> None:
        changed_set = selection != self._selection
        self._selection = selection
        if current != self._selected:
            self._selected = current
            self.selectionChanged.emit(current)
        if changed_set:
            self.selectionSetChanged.emit(list(selection))

    # --- the map's viewport ----------------------------------------------------------

    @property
    def viewport(self) -> Viewport | None:
        """What the map shows, as the page last reported it (None before its first report)."""
        return self._viewport

    def set_viewport(self, viewport: Viewport | None) -> None:
        if viewport != self._viewport:
            self._viewport = viewport
            self.viewportChanged.emit()

    # --- derived --------------------------------------------------------------------

    def visible_mask(self) -> np.ndarray:
        """Which events pass every filter (the same rule the page applies).

        Computed once per change of the dataset or the filter and shared by
        every widget that asks; treat it as read-only.
        """
        if self._visible is None or len(self._visible) != len(self._dataset.events):
            self._visible = visible_mask(self._dataset, self._view, self._search_mask)
            self._visible.flags.writeable = False
        return self._visible

    def visible_indices(self) -> np.ndarray:
        return np.flatnonzero(self.visible_mask())

    def visible_count(self) -> int:
        return int(np.count_nonzero(self.visible_mask())) if len(self._dataset.events) else 0

    def count_text(self) -> str:
        """``3 of 13 events``: what the view shows of the dataset."""
        return count_text(self.visible_count(), len(self._dataset.events))
