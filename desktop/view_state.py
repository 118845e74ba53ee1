"""The one model of what the window shows; every widget reads and writes it.

Widgets never talk to each other: they set fields here and follow the
signals. A signal fires only when a field really changes, so a widget that
sets the model from its own signal does not loop.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, Signal

from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import Dataset, Event
from eventmap.geo.filtering import search_mask, visible_mask


class ViewState(QObject):
    """Dataset, time window, categories, search text and selected event.

    Signals
    -------
    datasetChanged
        A different dataset was opened (the map page is rebuilt).
    eventsEdited
        Events of the current dataset were added, changed or removed.
    windowChanged, categoriesChanged, searchChanged
        A filter changed (the page is told; never rebuilt).
    selectionChanged(int)
        The selected event's position in ``dataset.events`` (-1 for none).
    dirtyChanged(bool)
        Whether there are unsaved edits.
    """

    datasetChanged = Signal()
    eventsEdited = Signal()
    windowChanged = Signal()
    categoriesChanged = Signal()
    searchChanged = Signal()
    selectionChanged = Signal(int)
    dirtyChanged = Signal(bool)

    def __init__(self, dataset: Dataset | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dataset = dataset or Dataset(events=[])
        self._window = TimeWindow.all_time()
        self._cumulative = False
        self._hidden: frozenset[str] = frozenset()
        self._search = ""
        self._search_mask: np.ndarray | None = None
        self._selected = -1
        self._dirty = False

    # --- dataset ------------------------------------------------------------

    @property
    def dataset(self) -> Dataset:
        return self._dataset

    def set_dataset(self, dataset: Dataset) -> None:
        """Show another dataset: filters that no longer apply are reset."""
        self._dataset = dataset
        self._selected = -1
        self._hidden = frozenset(c for c in self._hidden if c in dataset.categories())
        self._search_mask = search_mask(dataset, self._search)
        self._set_dirty(False)
        self.datasetChanged.emit()
        self.selectionChanged.emit(-1)

    def replace_events(self, events: list[Event], selected: int = -1) -> None:
        """Replace the events after an edit (used by undoable commands)."""
        self._dataset.events = events
        self._dataset.invalidate()
        self._search_mask = search_mask(self._dataset, self._search)
        self._selected = selected if 0 <= selected < len(events) else -1
        self._set_dirty(True)
        self.eventsEdited.emit()
        self.selectionChanged.emit(self._selected)

    @property
    def dirty(self) -> bool:
        return self._dirty

    def mark_saved(self) -> None:
        self._set_dirty(False)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    # --- time -------------------------------------------------------------------

    @property
    def window(self) -> TimeWindow:
        return self._window

    @property
    def cumulative(self) -> bool:
        return self._cumulative

    def set_window(self, window: TimeWindow, cumulative: bool | None = None) -> None:
        cumulative = self._cumulative if cumulative is None else cumulative
        if window == self._window and cumulative == self._cumulative:
            return
        self._window, self._cumulative = window, cumulative
        self.windowChanged.emit()

    def window_label(self) -> str:
        label = self._window.label()
        return f"up to {label}" if self._cumulative and self._window.hi != math.inf else label

    # --- categories and search --------------------------------------------------

    @property
    def hidden_categories(self) -> frozenset[str]:
        return self._hidden

    def set_hidden_categories(self, hidden: set[str] | frozenset[str]) -> None:
        hidden = frozenset(hidden)
        if hidden != self._hidden:
            self._hidden = hidden
            self.categoriesChanged.emit()

    @property
    def search(self) -> str:
        return self._search

    def set_search(self, text: str) -> None:
        if text != self._search:
            self._search = text
            self._search_mask = search_mask(self._dataset, text)
            self.searchChanged.emit()

    def search_indices(self) -> list[int] | None:
        """Dataset positions matching the search (None when there is no search)."""
        return None if self._search_mask is None else [int(i) for i in np.flatnonzero(self._search_mask)]

    # --- selection ----------------------------------------------------------------

    @property
    def selected(self) -> int:
        return self._selected

    def set_selected(self, index: int) -> None:
        index = index if 0 <= index < len(self._dataset.events) else -1
        if index != self._selected:
            self._selected = index
            self.selectionChanged.emit(index)

    # --- derived --------------------------------------------------------------------

    def visible_mask(self) -> np.ndarray:
        """Which events pass every filter (the same rule the page applies)."""
        return visible_mask(self._dataset, self._window, self._hidden, self._search_mask, self._cumulative)

    def visible_indices(self) -> np.ndarray:
        return np.flatnonzero(self.visible_mask())
