"""The table of the events the map shows, as a view of ViewState.

The model holds one integer array: the dataset positions of the visible
events in display order. Nothing is made per row until the view asks for a
cell, so a filter change over a million events costs a few array operations.
Sorting uses one order per column, computed once per dataset; a filter change
keeps that order by masking it rather than sorting again. Any other property
of the events (a quake's magnitude, a conflict's deaths) can be a column too:
right-click the header to choose.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QItemSelection, QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from eventmap.desktop.view_state import ViewState
from eventmap.geo.brief import UNTITLED
from eventmap.geo.certainty import event_certainty
from eventmap.geo.page.colors import category_colors
from eventmap.geo.properties import property_names, property_order, property_text

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
        self._orders: dict[int | str, np.ndarray] = {}
        self._icons: dict[str, QIcon] = {}
        self.wanted: list[str] = []  # the property columns asked for (kept across datasets)
        self.properties: list[str] = []  # the dataset's other properties
        self.extra: list[str] = []  # the property columns shown: those wanted that the dataset has
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
        self.properties = property_names(self.state.dataset)
        self._place_extra()
        self.refresh()

    def set_property_columns(self, names: list[str]) -> None:
        """Show these properties as columns after the usual four (those the dataset lacks wait for one that has them)."""
        self.wanted = list(dict.fromkeys(names))
        self._place_extra()

    def _place_extra(self) -> None:
        extra = [name for name in self.wanted if name in self.properties]
        if extra == self.extra:
            return
        if self.sort_column >= len(COLUMNS) and self.column_name(self.sort_column) not in extra:
            self.sort_column, self.sort_order = DATE, Qt.SortOrder.AscendingOrder
        self.beginResetModel()
        self.extra = extra
        self.endResetModel()

    def column_name(self, column: int) -> str | None:
        """The property shown in ``column`` (None for the usual four)."""
        return self.extra[column - len(COLUMNS)] if len(COLUMNS) <= column < len(COLUMNS) + len(self.extra) else None

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
        name = self.column_name(column)
        key: int | str = column if name is None else "property:" + name
        order = self._orders.get(key)
        if order is None:
            order = self._orders[key] = self._compute_order(column)
        return order

    def _compute_order(self, column: int) -> np.ndarray:
        dataset = self.state.dataset
        name = self.column_name(column)
        if name is not None:
            return property_order(dataset, name)
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
        return 0 if parent.isValid() else len(COLUMNS) + len(self.extra)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if section < len(COLUMNS) else self.column_name(section)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return "Right-click to choose which properties are columns"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        position = int(self.rows[index.row()])
        event = self.state.dataset.events[position]
        column = index.column()
        name = self.column_name(column)
        if name is not None:
            if role == Qt.ItemDataRole.DisplayRole:
                return property_text(event.extra.get(name))
            if role == INDEX_ROLE:
                return position
            return None
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
    columnsChanged(list)
        The user chose other property columns (the window remembers them).
    """

    eventsSelected = Signal(list)
    columnsChanged = Signal(list)

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
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu)
        self.table_model.modelReset.connect(self._on_columns_reset)
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

    def set_property_columns(self, names: list[str]) -> None:
        """Show these properties as columns (as remembered in the settings)."""
        self.table_model.set_property_columns(names)

    def property_menu(self) -> QMenu:
        """The header's menu: one checkable entry per property of the dataset."""
        menu = QMenu(self)
        menu.setObjectName("columnsMenu")
        model = self.table_model
        if not model.properties:
            action = menu.addAction("No other properties in this dataset")
            action.setEnabled(False)
        for name in model.properties:
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name in model.extra)
            action.toggled.connect(lambda checked, name=name: self.show_property(name, checked))
        return menu

    def show_property(self, name: str, shown: bool) -> None:
        """Add (or remove) the column of the property ``name``."""
        wanted = [n for n in self.table_model.wanted if n != name] + ([name] if shown else [])
        self.table_model.set_property_columns(wanted)
        self.columnsChanged.emit(list(self.table_model.wanted))

    def _on_header_menu(self, point) -> None:
        self.property_menu().exec(self.horizontalHeader().mapToGlobal(point))

    def _on_columns_reset(self) -> None:
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        for k, name in enumerate(self.table_model.extra):
            column = len(COLUMNS) + k
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            if header.sectionSize(column) < 40 or header.sectionSize(column) == header.defaultSectionSize():
                header.resizeSection(column, min(160, max(60, metrics.horizontalAdvance(name) + 24)))

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
