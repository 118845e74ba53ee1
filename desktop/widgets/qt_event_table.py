"""The table of the events the map shows, as a view of ViewState.

The model holds one integer array: the dataset positions of the visible
events in display order. Nothing is made per row until the view asks for a
cell, so a filter change over a million events costs a few array operations.
Sorting uses one order per column, computed once per dataset; a filter change
keeps that order by masking it rather than sorting again.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QItemSelection, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from eventmap.desktop.view_state import ViewState
from eventmap.geo.brief import UNTITLED
from eventmap.geo.certainty import event_certainty
from eventmap.geo.page.colors import category_colors

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the value a column sorts by (an event's start for the date)
INDEX_ROLE = Qt.ItemDataRole.UserRole + 2  # the event's position in dataset.events
COLUMNS = ("Date", "Title", "Place", "Category")
DATE, TITLE, PLACE, CATEGORY = range(4)
UNCATEGORISED = "uncategorised"
UNSURE_COLOR = QColor("#7a7f86")  # dates and places the data is not sure of
SAMPLE = 200  # events measured to size the columns


def swatch(color: str, size: int = 12) -> QIcon:
    """A round colour chip, as in the map's legend."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#ffffff"))
    painter.setBrush(QColor(color))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


class EventTableModel(QAbstractTableModel):
    """The visible events, one row each: date at its precision, title, place, category."""

    def __init__(self, state: ViewState, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.rows = np.zeros(0, dtype=np.int64)
        self.sort_column = DATE
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._orders: dict[int, np.ndarray] = {}
        self._icons: dict[str, QIcon] = {}
        state.datasetChanged.connect(self._on_dataset_changed)
        state.eventsEdited.connect(self._on_dataset_changed)
        state.windowChanged.connect(self.refresh)
        state.categoriesChanged.connect(self.refresh)
        state.searchChanged.connect(self.refresh)
        self._on_dataset_changed()

    # --- rows ----------------------------------------------------------------------

    def _on_dataset_changed(self) -> None:
        self._orders.clear()
        colors = category_colors(self.state.dataset.categories())
        self._icons = {name: swatch(color) for name, color in colors.items()}
        self.refresh()

    def refresh(self) -> None:
        """Recompute the rows from the model's filters, in the current sort order."""
        mask = self.state.visible_mask()
        order = self.order(self.sort_column)
        rows = order[mask[order]]
        if self.sort_order == Qt.SortOrder.DescendingOrder:
            rows = rows[::-1]
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def order(self, column: int) -> np.ndarray:
        """All dataset positions sorted by ``column`` (ties by date), computed once per dataset."""
        order = self._orders.get(column)
        if order is None:
            order = self._orders[column] = self._compute_order(column)
        return order

    def _compute_order(self, column: int) -> np.ndarray:
        dataset = self.state.dataset
        cols = dataset.columns
        if column == DATE:
            return np.lexsort((cols.hi, cols.lo))
        if column == CATEGORY:
            rank = np.argsort(np.argsort([c.casefold() for c in cols.categories])) if cols.categories else np.zeros(0, int)
            return np.lexsort((cols.lo, rank[cols.cat] if len(cols.cat) else cols.cat))
        attribute = "title" if column == TITLE else "place"
        events = dataset.events
        lo = cols.lo
        return np.array(sorted(range(len(events)), key=lambda i: (getattr(events[i], attribute).casefold(), lo[i])), dtype=np.int64)

    def row_of(self, index: int) -> int:
        """The row showing the event at dataset position ``index`` (-1 if not shown)."""
        found = np.flatnonzero(self.rows == index)
        return int(found[0]) if found.size else -1

    def event_index(self, row: int) -> int:
        return int(self.rows[row])

    # --- Qt's model interface --------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        position = int(self.rows[index.row()])
        event = self.state.dataset.events[position]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == DATE:
                return event.when()
            if column == TITLE:
                return event.title or UNTITLED
            if column == PLACE:
                return event.place
            return event.category or UNCATEGORISED
        if role == SORT_ROLE:
            if column == DATE:
                return event.lo
            return (event.title, event.place, event.category)[column - 1].casefold()
        if role == INDEX_ROLE:
            return position
        if role == Qt.ItemDataRole.DecorationRole and column == CATEGORY:
            return self._icons.get(event.category)
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole) and column in (DATE, PLACE):
            # Dates and places the data is not sure of are marked (grey, with why in the tip).
            certainty = event_certainty(event)
            unsure = certainty.date != "exact" if column == DATE else certainty.place != "exact"
            if not unsure:
                return None
            if role == Qt.ItemDataRole.ForegroundRole:
                return UNSURE_COLOR
            # Tool tips are rich text when they look like it: the notes (dataset text too) are escaped.
            return "<qt>" + "<br>".join(html.escape(note) for note in certainty.notes) + "</qt>"
        if role == Qt.ItemDataRole.ToolTipRole and column == TITLE:
            # Tool tips are rich text when they look like it: dataset text is escaped.
            summary = event.summary if len(event.summary) <= 400 else event.summary[:399] + "…"
            return f"<qt><b>{html.escape(event.title)}</b><br>{html.escape(summary)}</qt>"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self.refresh()


class QtEventTable(QTableView):
    """The event list: selecting a row selects the event; a selected event selects its row.

    Signals
    -------
    eventsSelected(list)
        The dataset positions of all selected rows (ctrl-click selects several).
    """

    eventsSelected = Signal(list)

    def __init__(self, state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.table_model = EventTableModel(state, self)
        self.setModel(self.table_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setShowGrid(False)
        self.setSortingEnabled(True)
        self.sortByColumn(DATE, Qt.SortOrder.AscendingOrder)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.setVisible(False)
        # Fixed row heights: the view never measures a million rows.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self._fit_columns()
        self.setAccessibleName("Events in the window")
        self.selectionModel().selectionChanged.connect(self._on_rows_selected)
        self.table_model.modelReset.connect(self._on_selection_changed)
        state.selectionChanged.connect(self._on_selection_changed)
        state.datasetChanged.connect(self._fit_columns)

    def _fit_columns(self) -> None:
        """Size date, place and category to a sample of the events (never to all of them)."""
        events = self.state.dataset.events
        sample = events[:: max(1, len(events) // SAMPLE)][:SAMPLE]
        metrics = self.fontMetrics()

        def width(texts, least: str, most: int) -> int:
            return min(most, max([metrics.horizontalAdvance(t) for t in texts] + [metrics.horizontalAdvance(least)]) + 18)

        header = self.horizontalHeader()
        header.resizeSection(DATE, width((e.when() for e in sample), "13 Oct 2024", 220))
        header.resizeSection(PLACE, width((e.place for e in sample), "Place", 160))
        header.resizeSection(CATEGORY, width((e.category for e in sample), UNCATEGORISED[:8], 140) + 18)

    def selected_events(self) -> list[int]:
        """Dataset positions of the selected rows, in the order of the table."""
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        return [self.table_model.event_index(r) for r in rows]

    def _on_rows_selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        events = self.selected_events()
        current = self.selectionModel().currentIndex()
        if current.isValid() and self.selectionModel().isRowSelected(current.row(), QModelIndex()):
            self.state.set_selection(events, self.table_model.event_index(current.row()))
        elif events:
            self.state.set_selection(events, events[-1])
        self.eventsSelected.emit(events)

    def _on_selection_changed(self, index: int | None = None) -> None:
        index = self.state.selected if index is None else index
        selection = self.selectionModel()
        row = self.table_model.row_of(index) if index >= 0 else -1
        if row < 0:
            if selection.hasSelection():
                selection.clearSelection()
            return
        current = selection.currentIndex()
        if current.isValid() and current.row() == row and selection.isRowSelected(row, QModelIndex()):
            return
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        selection.setCurrentIndex(self.table_model.index(row, 0), flags)
        self.scrollTo(self.table_model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
