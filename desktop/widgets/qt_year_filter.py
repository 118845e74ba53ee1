"""The year filter: "All" and each year that has events, as a view of ViewState.window."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox, QWidget

from eventmap.desktop.view_state import ViewState
from eventmap.geo.dates import TimeWindow

ALL = "All"


class QtYearFilter(QComboBox):
    """Chooses a calendar year as the time window.

    When the window is not a whole year (a month, a custom range) the combo
    shows no year, only a dash: the slider says what the window is.
    """

    def __init__(self, state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setPlaceholderText("—")
        self.setToolTip("Show the events of one year (or all of them)")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.currentIndexChanged.connect(self._on_index_changed)
        state.datasetChanged.connect(self._on_dataset_changed)
        state.eventsEdited.connect(self._on_dataset_changed)
        state.windowChanged.connect(self._on_window_changed)
        self._on_dataset_changed()

    def _on_dataset_changed(self) -> None:
        with QSignalBlocker(self):
            self.clear()
            self.addItem(ALL, None)
            for year in self.state.dataset.years():
                self.addItem(str(year), year)
        self._on_window_changed()

    def _on_window_changed(self) -> None:
        window = self.state.window
        index = -1
        if window.is_all_time:
            index = 0
        else:
            for i in range(1, self.count()):
                if TimeWindow.year(self.itemData(i)) == window:
                    index = i
                    break
        with QSignalBlocker(self):
            self.setCurrentIndex(index)

    def _on_index_changed(self, index: int) -> None:
        if index < 0:
            return
        year = self.itemData(index)
        self.state.set_window(TimeWindow.all_time() if year is None else TimeWindow.year(year))
