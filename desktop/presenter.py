"""Presenter mode: the story full screen, one stop at a time, the caption over the map.

←/→, Space, Page Up/Down step between stops, P plays (each stop held for its
hold time), Esc leaves. The window's docks, menus and bars are hidden while
presenting and come back as they were.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from eventmap.desktop.slots import guarded
from eventmap.desktop.story import StoryState, caption_html

NEXT_KEYS = {Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown, Qt.Key.Key_Down}
PREVIOUS_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Backspace}
KEYS = NEXT_KEYS | PREVIOUS_KEYS | {Qt.Key.Key_Escape, Qt.Key.Key_P, Qt.Key.Key_Home, Qt.Key.Key_End}


class Presenter(QObject):
    """Shows a story's stops full screen in ``window``, over ``stage`` (the map).

    ``go_to(index)`` shows a stop (the window's own code path: model, then map).

    Signals
    -------
    finished
        Presenter mode ended (Esc, or :meth:`stop`).
    """

    finished = Signal()

    def __init__(self, window: QMainWindow, story: StoryState, go_to: Callable[[int], None], stage: QWidget) -> None:
        super().__init__(window)
        self.window, self.story, self._go_to, self.stage = window, story, go_to, stage
        self.active = False
        self._restore: dict = {}
        self.caption = QLabel(stage)
        self.caption.setObjectName("presenterCaption")
        self.caption.setTextFormat(Qt.TextFormat.RichText)  # escaped text, links only: see caption_html
        self.caption.setOpenExternalLinks(True)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("QLabel#presenterCaption { background: rgba(20, 24, 28, 205); color: white; font-size: 20px; padding: 14px 20px; border-radius: 8px; }")
        self.caption.hide()
        self.counter = QLabel(stage)
        self.counter.setTextFormat(Qt.TextFormat.PlainText)
        self.counter.setStyleSheet("background: rgba(20, 24, 28, 160); color: white; padding: 4px 10px; border-radius: 6px;")
        self.counter.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(guarded(self._on_timer))
        self._shortcuts: list[QShortcut] = []
        self._parked: list[QAction] = []
        story.storyChanged.connect(guarded(self._on_story_changed))

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    # --- mode ---------------------------------------------------------------------------------

    def start(self, index: int = 0) -> None:
        """Enter presenter mode at stop ``index`` (nothing happens for an empty story)."""
        if not len(self.story.story):
            return
        if not self.active:
            w = self.window
            self._restore = {
                "full": w.isFullScreen(),
                "hidden": [child for child in w.findChildren(QWidget) if _is_chrome(w, child) and child.isVisible()],
            }
            for child in self._restore["hidden"]:
                child.hide()
            w.showFullScreen()
            self._take_keys()
            self.active = True
        self.show(index)

    def stop(self) -> None:
        """Leave presenter mode; the window's docks, menus and bars come back."""
        if not self.active:
            return
        self.active = False
        self._timer.stop()
        self._give_keys()
        self.caption.hide()
        self.counter.hide()
        for child in self._restore.get("hidden", []):
            child.show()
        if not self._restore.get("full"):
            self.window.showNormal()
        self.finished.emit()

    def show(self, index: int) -> None:
        """Show stop ``index`` (clamped to the story)."""
        count = len(self.story.story)
        if not count:
            self.stop()
            return
        index = max(0, min(index, count - 1))
        self._go_to(index)
        stop = self.story.story.stops[index]
        self.caption.setText(caption_html(stop.caption))
        self.caption.setVisible(bool(stop.caption.strip()))
        self.counter.setText(f"{index + 1} / {count}")
        self.counter.setVisible(True)
        self._place()
        if self.playing:
            self._timer.start(int(stop.hold * 1000))

    def next(self) -> None:
        if self.story.current < len(self.story.story) - 1:
            self.show(self.story.current + 1)
        else:
            self._timer.stop()

    def previous(self) -> None:
        self.show(max(0, self.story.current - 1))

    def toggle_play(self) -> None:
        """Play the stops, each for its hold time; again to pause."""
        if self.playing:
            self._timer.stop()
            return
        index = self.story.current
        if index >= len(self.story.story) - 1:
            self.show(0)
            index = 0
        self._timer.start(int(self.story.story.stops[max(0, index)].hold * 1000))

    def _on_timer(self) -> None:
        if self.active:
            self.next()

    def _on_story_changed(self) -> None:
        if self.active and not len(self.story.story):
            self.stop()

    def _place(self) -> None:
        area = self.stage.rect()
        width = min(900, max(200, area.width() - 80))
        self.caption.setFixedWidth(width)
        self.caption.adjustSize()
        self.caption.move(area.center().x() - width // 2, area.bottom() - self.caption.height() - 40)
        self.caption.raise_()
        self.counter.adjustSize()
        self.counter.move(area.right() - self.counter.width() - 16, 16)
        self.counter.raise_()

    # --- keys -------------------------------------------------------------------------------------

    def _take_keys(self) -> None:
        """Our keys become shortcuts of the window; its own actions on them wait until we leave."""
        sequences = {QKeySequence(key).toString() for key in KEYS}
        self._parked = [a for a in self.window.findChildren(QAction) if a.isEnabled() and any(k.toString() in sequences for k in a.shortcuts())]
        for action in self._parked:
            action.setEnabled(False)
        self._shortcuts = []
        for key in KEYS:
            shortcut = QShortcut(QKeySequence(key), self.window, context=Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(guarded(lambda k=key: self._handle_key(k)))
            self._shortcuts.append(shortcut)

    def _give_keys(self) -> None:
        for shortcut in self._shortcuts:
            shortcut.setEnabled(False)
            shortcut.deleteLater()
        self._shortcuts = []
        for action in self._parked:
            action.setEnabled(True)
        self._parked = []

    def _handle_key(self, key) -> None:
        if key == Qt.Key.Key_Escape:
            self.stop()
        elif key in NEXT_KEYS:
            if key != Qt.Key.Key_Space:
                self._timer.stop()  # stepping by hand pauses play; Space steps on while playing
            self.next()
        elif key in PREVIOUS_KEYS:
            self._timer.stop()
            self.previous()
        elif key == Qt.Key.Key_P:
            self.toggle_play()
        elif key == Qt.Key.Key_Home:
            self.show(0)
        elif key == Qt.Key.Key_End:
            self.show(len(self.story.story) - 1)


def _is_chrome(window: QMainWindow, child: QWidget) -> bool:
    """The window's docks, tool bars, menu bar and status bar (not the map)."""
    from PySide6.QtWidgets import QDockWidget, QMenuBar, QStatusBar, QToolBar

    return child.parentWidget() is window and isinstance(child, (QDockWidget, QToolBar, QMenuBar, QStatusBar))
