"""The story panel: the stops of the dataset's story, to add, reorder, caption, delete and present."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.slots import guarded
from eventmap.desktop.story import StoryState, stop_label
from eventmap.geo.story import MAX_CAPTION, Stop

CAPTION_DELAY_MS = 600  # a caption is saved as one undo step once typing pauses


class QtStoryPanel(QWidget):
    """List of stops with buttons; the caption and hold of the current stop below.

    ``current_stop()`` makes a stop from what the window shows; ``go_to(index)``
    shows a stop; ``present()`` starts presenter mode. The panel only edits the
    :class:`StoryState`; it never moves the map itself.
    """

    def __init__(
        self,
        story: StoryState,
        current_stop: Callable[[], Stop | None],
        go_to: Callable[[int], None],
        present: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.story = story
        self._current_stop = current_stop
        self._go_to = go_to
        self._filling = False

        self.list = QListWidget()
        self.list.setObjectName("storyStops")
        self.list.setToolTip("Click a stop to show it")
        self.add_button = QPushButton("Add Stop")
        self.add_button.setToolTip("Add what the map shows now (view, time, filters, selection) as a stop")
        self.update_button = QPushButton("Update")
        self.update_button.setToolTip("Replace the chosen stop with what the map shows now (keeps its caption)")
        self.up_button, self.down_button = QPushButton("Up"), QPushButton("Down")
        self.delete_button = QPushButton("Delete")
        self.present_button = QPushButton("Present")
        self.present_button.setToolTip("Full screen; ←/→ or Space between stops, Esc to leave (F5)")
        self.caption = QPlainTextEdit()
        self.caption.setPlaceholderText("Caption for this stop (plain text; links are clickable)")
        self.caption.setMaximumHeight(90)
        self.hold = QDoubleSpinBox()
        self.hold.setRange(0.5, 3600)
        self.hold.setSuffix(" s")
        self.hold.setToolTip("How long the stop stays on screen when the story plays")
        self.empty = QLabel("No stops yet: set the map, the time and the filters, then Add Stop.")
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.update_button, self.up_button, self.down_button, self.delete_button):
            button.setMinimumWidth(10)  # the panel may be narrow: buttons shrink, the list keeps its room
            buttons.addWidget(button)
        hold_row = QHBoxLayout()
        hold_row.addWidget(QLabel("Hold"))
        hold_row.addWidget(self.hold)
        hold_row.addStretch(1)
        hold_row.addWidget(self.present_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.caption)
        layout.addLayout(hold_row)

        self._caption_timer = QTimer(self)
        self._caption_timer.setSingleShot(True)
        self._caption_timer.setInterval(CAPTION_DELAY_MS)
        self._caption_timer.timeout.connect(guarded(self._commit_caption))

        self.add_button.clicked.connect(guarded(self._on_add))
        self.update_button.clicked.connect(guarded(self._on_update))
        self.up_button.clicked.connect(guarded(lambda: self._on_move(-1)))
        self.down_button.clicked.connect(guarded(lambda: self._on_move(1)))
        self.delete_button.clicked.connect(guarded(self._on_delete))
        self.present_button.clicked.connect(guarded(present))
        self.list.currentRowChanged.connect(guarded(self._on_row_changed))
        self.caption.textChanged.connect(guarded(self._on_caption_typed))
        self.hold.valueChanged.connect(guarded(self._on_hold_changed))
        story.storyChanged.connect(guarded(self._fill))
        story.currentChanged.connect(guarded(self._on_current_changed))
        self._fill()

    # --- from the model -------------------------------------------------------------------

    def _fill(self) -> None:
        self._commit_caption()
        self._filling = True
        try:
            stops = self.story.story.stops
            self.list.clear()
            for number, stop in enumerate(stops, 1):
                item = QListWidgetItem(stop_label(number, stop))
                item.setToolTip(stop.caption[:500])
                self.list.addItem(item)
            self.list.setCurrentRow(self.story.current)
            self.empty.setVisible(not stops)
            self._show_fields()
        finally:
            self._filling = False
        self._update_buttons()

    def _on_current_changed(self, index: int) -> None:
        if self.list.currentRow() != index:
            self._filling = True
            try:
                self.list.setCurrentRow(index)
            finally:
                self._filling = False
        self._show_fields()
        self._update_buttons()

    def _show_fields(self) -> None:
        index = self.story.current
        stop = self.story.story.stops[index] if 0 <= index < len(self.story.story) else None
        was = self._filling
        self._filling = True
        try:
            self.caption.setPlainText(stop.caption if stop else "")
            self.hold.setValue(stop.hold if stop else 6.0)
        finally:
            self._filling = was
        self.caption.setEnabled(stop is not None)
        self.hold.setEnabled(stop is not None)

    def _update_buttons(self) -> None:
        count, index = len(self.story.story), self.story.current
        chosen = 0 <= index < count
        self.update_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
        self.up_button.setEnabled(chosen and index > 0)
        self.down_button.setEnabled(chosen and index < count - 1)
        self.present_button.setEnabled(count > 0)

    # --- to the model ------------------------------------------------------------------------

    def _on_row_changed(self, row: int) -> None:
        if self._filling or row < 0:
            return
        self._commit_caption()
        self._go_to(row)

    def _on_add(self) -> None:
        stop = self._current_stop()
        if stop is None:
            return
        at = self.story.current + 1 if self.story.current >= 0 else len(self.story.story)
        self.story.edit(self.story.story.added(stop, at), "Add Stop")
        self.story.set_current(at)

    def _on_update(self) -> None:
        index = self.story.current
        stop = self._current_stop()
        if stop is None or not 0 <= index < len(self.story.story):
            return
        old = self.story.story.stops[index]
        stop = _with(stop, caption=old.caption, hold=old.hold)
        self.story.edit(self.story.story.replaced(index, stop), "Update Stop")

    def _on_move(self, by: int) -> None:
        index = self.story.current
        to = index + by
        if not (0 <= index < len(self.story.story) and 0 <= to < len(self.story.story)):
            return
        self.story.edit(self.story.story.moved(index, to), "Move Stop")
        self.story.set_current(to)

    def _on_delete(self) -> None:
        index = self.story.current
        if not 0 <= index < len(self.story.story):
            return
        self.story.edit(self.story.story.removed(index), "Delete Stop")
        self.story.set_current(min(index, len(self.story.story) - 1))

    def _on_caption_typed(self) -> None:
        if not self._filling:
            self._caption_timer.start()

    def _commit_caption(self) -> None:
        """Save the caption being typed (only while typing is pending: undo never re-saves it)."""
        if not self._caption_timer.isActive():
            return
        self._caption_timer.stop()
        index = self.story.current
        if not 0 <= index < len(self.story.story):
            return
        stop = self.story.story.stops[index]
        text = self.caption.toPlainText()[:MAX_CAPTION]
        if text != stop.caption:
            self.story.edit(self.story.story.replaced(index, _with(stop, caption=text)), "Edit Caption")

    def _on_hold_changed(self, value: float) -> None:
        index = self.story.current
        if self._filling or not 0 <= index < len(self.story.story):
            return
        stop = self.story.story.stops[index]
        if value != stop.hold:
            self.story.edit(self.story.story.replaced(index, _with(stop, hold=float(value))), "Change Hold")


def _with(stop: Stop, **changes) -> Stop:
    from dataclasses import replace

    return replace(stop, **changes)
