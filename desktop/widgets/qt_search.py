"""The search box, as a view of ViewState.search."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit, QWidget

from eventmap.desktop.view_state import ViewState

DELAY_MS = 250  # wait for a pause in typing: a search over a big dataset is not free


class QtSearch(QLineEdit):
    """Words to find in title, place, summary, category or source (all of them, any case)."""

    def __init__(self, state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setPlaceholderText("Search title, place, summary…")
        self.setClearButtonEnabled(True)
        self.setToolTip("Show only events containing every word (Ctrl+F)")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.apply)
        self.textEdited.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self.apply)
        # The clear button changes the text without textEdited.
        self.textChanged.connect(lambda text: self.apply() if not text else None)
        state.searchChanged.connect(self._on_search_changed)
        self._on_search_changed()

    def apply(self) -> None:
        """Search for the text now (without waiting for the pause)."""
        self._timer.stop()
        self.state.set_search(self.text().strip())

    def _on_search_changed(self) -> None:
        if self.text().strip() != self.state.search:
            self.setText(self.state.search)
