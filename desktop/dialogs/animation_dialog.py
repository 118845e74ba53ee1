"""File ▸ Export Animation…: the options of a clip, and its progress with Cancel.

The dialog offers the command line's options (range, step, window length,
cumulative, trail, frames per second, hold, size, title, format) and shows
the frame count and length as they change; a range that cannot be animated
says why and disables Export. The progress dialog shows frames done and time
left; Cancel stops after the current frame and nothing is written.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.export.encoders import ANIMATION_FORMATS
from eventmap.geo.animation import STEP_NAMES, FramePlan, plan_frames
from eventmap.geo.dates import TimeWindow, date_from_ms, parse_date
from eventmap.geo.errors import EventmapError

SIZES = {"1280 × 720 (HD)": (1280, 720), "1920 × 1080 (Full HD)": (1920, 1080), "854 × 480": (854, 480), "640 × 360": (640, 360)}


@dataclass
class AnimationChoice:
    """What the user chose in the dialog."""

    path: Path
    plan: FramePlan
    fps: float
    hold_last: float
    size: tuple[int, int]
    title: str
    keep_area: bool


class QtAnimationDialog(QDialog):
    """The options of an animation of what the map shows."""

    def __init__(self, path: Path, title: str, data_range: tuple[float, float] | None, window: TimeWindow,
                 step: str = "year", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Animation")
        self.data_range = data_range
        lo = window.lo if math.isfinite(window.lo) else (data_range[0] if data_range else math.nan)
        hi = window.hi if math.isfinite(window.hi) else (data_range[1] if data_range else math.nan)
        self.from_edit = QLineEdit(date_from_ms(lo, "day").text if math.isfinite(lo) else "", self)
        self.to_edit = QLineEdit(date_from_ms(hi - 1, "day").text if math.isfinite(hi) else "", self)
        for edit in (self.from_edit, self.to_edit):
            edit.setPlaceholderText("2014, 2014-09 or 2014-09-01")
        self.step_box = QComboBox(self)
        self.step_box.addItems(STEP_NAMES)
        self.step_box.setCurrentText(step)
        self.length_edit = QLineEdit(self)
        self.length_edit.setPlaceholderText("one step (or e.g. 3 months, 7d, 6h)")
        self.cumulative_box = QCheckBox("Cumulative: each frame shows everything up to its date", self)
        self.trail_box = QSpinBox(self)
        self.trail_box.setRange(0, 50)
        self.trail_box.setSuffix(" steps")
        self.trail_box.setSpecialValueText("none")
        self.fps_box = QDoubleSpinBox(self)
        self.fps_box.setRange(0.5, 60)
        self.fps_box.setDecimals(1)
        self.fps_box.setValue(4)
        self.hold_box = QDoubleSpinBox(self)
        self.hold_box.setRange(0, 60)
        self.hold_box.setSuffix(" s")
        self.hold_box.setValue(1)
        self.size_box = QComboBox(self)
        self.size_box.addItems(SIZES)
        self.keep_area_box = QCheckBox("Keep the map's area on screen (otherwise fit the events)", self)
        self.keep_area_box.setChecked(True)
        self.title_edit = QLineEdit(title, self)
        self.format_box = QComboBox(self)
        for suffix, name in ANIMATION_FORMATS.items():
            self.format_box.addItem(f"{name} ({suffix})", suffix)
        self.path_edit = QLineEdit(str(path), self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._on_browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        self.summary = QLabel(self)  # plain text: it may quote what the user typed
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        form = QFormLayout()
        form.addRow("From:", self.from_edit)
        form.addRow("To:", self.to_edit)
        form.addRow("Step:", self.step_box)
        form.addRow("Window:", self.length_edit)
        form.addRow("", self.cumulative_box)
        form.addRow("Fading trail:", self.trail_box)
        form.addRow("Frames per second:", self.fps_box)
        form.addRow("Hold last frame:", self.hold_box)
        form.addRow("Size:", self.size_box)
        form.addRow("", self.keep_area_box)
        form.addRow("Title:", self.title_edit)
        form.addRow("Format:", self.format_box)
        form.addRow("File:", file_row)
        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.button_box.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.button_box)
        for edit in (self.from_edit, self.to_edit, self.length_edit, self.path_edit):
            edit.textChanged.connect(self._on_options_changed)
        for box in (self.step_box, self.size_box):
            box.currentIndexChanged.connect(self._on_options_changed)
        self.format_box.currentIndexChanged.connect(self._on_format_changed)
        self.cumulative_box.toggled.connect(self._on_options_changed)
        for spin in (self.trail_box, self.fps_box, self.hold_box):
            spin.valueChanged.connect(self._on_options_changed)
        suffix = Path(path).suffix.lower()
        index = self.format_box.findData(suffix if suffix in ANIMATION_FORMATS else ".mp4")
        self.format_box.setCurrentIndex(index)
        self._on_format_changed()

    def _window(self) -> TimeWindow:
        first, last = self.from_edit.text().strip(), self.to_edit.text().strip()
        lo = parse_date(first).lo if first else -math.inf
        hi = parse_date(last).hi if last else math.inf
        return TimeWindow(lo, hi) if lo < hi else TimeWindow(lo, lo)

    def plan(self) -> FramePlan:
        """The frames the options make.

        Raises
        ------
        EventmapError
            When they make none or too many.
        """
        window = self._window()
        if window.hi <= window.lo:
            raise EventmapError("the time range is empty (it ends before it starts)")
        return plan_frames(window, self.step_box.currentText(), self.length_edit.text().strip() or None,
                           self.cumulative_box.isChecked(), self.trail_box.value(), self.data_range)

    def _on_format_changed(self, *_args) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(self.format_box.currentData())))
        self._on_options_changed()

    def _on_options_changed(self, *_args) -> None:
        try:
            plan = self.plan()
        except EventmapError as exc:
            self.summary.setText(str(exc))
            self.export_button.setEnabled(False)
            return
        frames = len(plan) + round(self.hold_box.value() * self.fps_box.value())
        self.summary.setText(f"{len(plan):,} frames, {plan.period_label(plan.start)} to {plan.period_label(plan.step.floor(plan.end - 1))}: "
                             f"a clip of {frames / self.fps_box.value():.1f} s")
        self.export_button.setEnabled(bool(self.path_edit.text().strip()))

    def _on_browse(self) -> None:
        suffix = self.format_box.currentData()
        chosen, _ = QFileDialog.getSaveFileName(self, "Export animation to", self.path_edit.text(), f"{ANIMATION_FORMATS[suffix]} (*{suffix})")
        if chosen:
            path = Path(chosen)
            self.path_edit.setText(str(path if path.suffix.lower() == suffix else path.with_suffix(suffix)))

    def choice(self) -> AnimationChoice:
        """The options as chosen (call once :meth:`plan` succeeds: Export is enabled only then)."""
        suffix = self.format_box.currentData()
        path = Path(self.path_edit.text().strip()).expanduser()
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        return AnimationChoice(path, self.plan(), self.fps_box.value(), self.hold_box.value(), SIZES[self.size_box.currentText()],
                               self.title_edit.text().strip(), self.keep_area_box.isChecked())


class QtAnimationProgress(QProgressDialog):
    """Frames done, time left and Cancel, while an animation renders.

    Signals
    -------
    frameDone(int, int)
        Frames done, frames in all (after each frame).
    """

    frameDone = Signal(int, int)

    def __init__(self, path: Path, total: int, parent: QWidget | None = None) -> None:
        super().__init__(f"Rendering {total:,} frames…\n{path}", "Cancel", 0, total, parent)
        self.setWindowTitle("Exporting animation")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.path = path
        self.started = time.monotonic()

    def report(self, done: int, total: int) -> bool:
        """The renderer's progress callback: True to go on, False once Cancel was pressed."""
        elapsed = time.monotonic() - self.started
        left = elapsed / done * (total - done) if done else 0.0
        self.setMaximum(total)
        self.setValue(done)
        self.setLabelText(f"Frame {done:,} of {total:,} · about {left:.0f} s left\n{self.path}")
        self.frameDone.emit(done, total)
        return not self.wasCanceled()
