"""Category check boxes, as a view of ViewState.hidden_categories."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSignalBlocker, QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.view_state import ViewState
from eventmap.desktop.widgets.qt_event_table import UNCATEGORISED, swatch
from eventmap.geo.page.colors import category_colors


class FlowLayout(QLayout):
    """Items left to right, wrapping to the next line when the width runs out."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 12, line_spacing: int = 2) -> None:
        super().__init__(parent)
        self._items = []
        self._spacing, self._line_spacing = spacing, line_spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line > 0:
                x, y, line = rect.x(), y + line + self._line_spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


class QtCategoryFilter(QWidget):
    """One check box per category of the dataset, coloured as on the map, with its count."""

    def __init__(self, state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.boxes: dict[str, QCheckBox] = {}
        caption = QLabel("<b>Categories</b>", self)
        show_all = QPushButton("All", self)
        show_none = QPushButton("None", self)
        for button in (show_all, show_none):
            button.setFlat(True)
            button.setMaximumWidth(button.fontMetrics().horizontalAdvance("None") + 24)
        show_all.setToolTip("Show every category")
        show_none.setToolTip("Hide every category")
        show_all.clicked.connect(lambda: state.set_hidden_categories(frozenset()))
        show_none.clicked.connect(lambda: state.set_hidden_categories(frozenset(state.dataset.categories())))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(caption)
        top.addStretch(1)
        top.addWidget(show_all)
        top.addWidget(show_none)
        self._grid = FlowLayout()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(top)
        column.addLayout(self._grid)
        state.datasetChanged.connect(self._on_dataset_changed)
        state.eventsEdited.connect(self._on_dataset_changed)
        state.categoriesChanged.connect(self._on_categories_changed)
        self._on_dataset_changed()

    def _on_dataset_changed(self) -> None:
        for box in self.boxes.values():
            self._grid.removeWidget(box)
            box.deleteLater()
        self.boxes = {}
        dataset = self.state.dataset
        categories = dataset.categories()
        colors = category_colors(categories)
        cols = dataset.columns
        counts = np.bincount(cols.cat, minlength=len(cols.categories)) if len(cols.cat) else np.zeros(len(cols.categories), int)
        per_name = {name: int(counts[i]) for i, name in enumerate(cols.categories)}
        for name in categories:
            box = QCheckBox(f"{name or UNCATEGORISED} ({per_name.get(name, 0):,})", self)
            box.setIcon(swatch(colors[name]))
            box.setChecked(name not in self.state.hidden_categories)
            box.toggled.connect(self._on_box_toggled)
            self._grid.addWidget(box)
            self.boxes[name] = box

    def _on_categories_changed(self) -> None:
        hidden = self.state.hidden_categories
        for name, box in self.boxes.items():
            with QSignalBlocker(box):
                box.setChecked(name not in hidden)

    def _on_box_toggled(self, _checked: bool) -> None:
        self.state.set_hidden_categories(frozenset(name for name, box in self.boxes.items() if not box.isChecked()))
