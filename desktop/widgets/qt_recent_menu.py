"""File ▸ Open Recent: the files opened last, and always the bundled sample dataset.

The list lives in :class:`~eventmap.desktop.settings.Settings`; the menu only
shows it and says which file the user picked (:attr:`QtRecentMenu.openRequested`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QWidget

from eventmap.desktop.settings import Settings
from eventmap.desktop.slots import guarded
from eventmap.geo.paths import default_dataset
from eventmap.desktop.plain_text import warn

SAMPLE_TEXT = "&Sample Dataset (bundled with eventmap)"


class QtRecentMenu(QMenu):
    """The recent files of ``settings``, filled each time the menu opens.

    Signals
    -------
    openRequested(str)
        The user picked this file (it exists).
    """

    openRequested = Signal(str)

    def __init__(self, settings: Settings, remember: bool = True, parent: QWidget | None = None) -> None:
        super().__init__("Open &Recent", parent)
        self.settings = settings
        self.remember = remember  # whether a change of the list is saved at once
        self.aboutToShow.connect(guarded(self.fill))
        self.fill()

    def fill(self) -> None:
        self.clear()
        for n, text in enumerate(self.settings.recent_files, 1):
            path = Path(text)
            action = self.addAction(f"&{n % 10} {path.name}  —  {path.parent}")
            action.setData(text)
            action.triggered.connect(guarded(lambda _checked=False, p=text: self.open_recent(p)))
        if not self.settings.recent_files:
            self.addAction("No recent files").setEnabled(False)
        self.addSeparator()
        sample = self.addAction(SAMPLE_TEXT)
        sample.setObjectName("openSampleDataset")
        sample.setStatusTip("Open the events that come with eventmap")
        sample.triggered.connect(guarded(lambda _checked=False: self.openRequested.emit(str(default_dataset()))))
        if self.settings.recent_files:
            self.addAction("Clear Recent Files", guarded(self.clear_recent))

    def open_recent(self, text: str) -> None:
        """Ask to open ``text``; a file that is gone is dropped from the list, with a word why."""
        if not Path(text).exists():
            self.settings.forget_recent(text)
            self._save()
            warn(self.parentWidget(), "File not found", f"{text}\nno longer exists; it was removed from the recent files.")
            return
        self.openRequested.emit(text)

    def clear_recent(self) -> None:
        self.settings.recent_files = []
        self._save()

    def _save(self) -> None:
        if self.remember:
            self.settings.save()
