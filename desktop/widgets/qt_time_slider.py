"""The time slider: a position plus a window length over the dataset's dates, as a view of ViewState.window.

The slider only draws a :class:`~eventmap.geo.timeline.Timeline`: its
positions are the periods (seconds to centuries, or a custom span) from the
dataset's first date to its last. Above it a strip shows how many events fall
in each period, with an axis labelled at any span. Play steps through the
periods, one step per frame the map has painted; previous / next jump to the
period of the previous / next event, skipping empty time; the date box jumps
to a typed date or time.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.plain_text import plain_tooltip
from eventmap.desktop.view_state import ViewState
from eventmap.geo.dates import TimeWindow, parse_date
from eventmap.geo.errors import EventmapError
from eventmap.geo.timeline import (
    Step,
    Timeline,
    auto_step,
    axis_ticks,
    count_overlapping,
    default_step,
    event_starts,
    jump_window,
    period_starts,
    step_of_window,
    timeline_for,
    units_for,
)

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0)
BASE_INTERVAL_MS = 800  # one period per 0.8 s at 1x
STRIP_PAD = 2
ALL_TIME = "all"
CUSTOM = "span"
BAR = QColor("#9db3cc")
BAR_IN_WINDOW = QColor("#1f5fa8")
BAND = QColor(31, 95, 168, 38)


class QtHistogramStrip(QWidget):
    """Event counts per period, painted as bars, with the current window shaded.

    Clicking or dragging on the strip asks for the period under the pointer
    (``timeClicked``); the strip itself changes nothing.
    """

    timeClicked = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edges = np.zeros(0)
        self.counts = np.zeros(0, dtype=np.int64)
        self.window: tuple[float, float] | None = None
        self.cumulative = False
        self._map = (0.0, 0.0, 1.0, 1.0)  # t0, x0, t1, x1: a time-linear axis
        self.setMinimumHeight(52)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Events per period; click to move the window there")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, 52)

    def set_axis(self, t0: float, x0: float, t1: float, x1: float) -> None:
        """Place time ``t0`` at pixel ``x0`` and ``t1`` at ``x1``."""
        self._map = (t0, x0, t1, x1) if t1 != t0 else (t0, x0, t0 + 1, x1)
        self.update()

    def set_counts(self, edges: np.ndarray, counts: np.ndarray) -> None:
        self.edges, self.counts = edges, counts
        self.update()

    def set_window(self, window: tuple[float, float] | None, cumulative: bool) -> None:
        self.window, self.cumulative = window, cumulative
        self.update()

    def x_of(self, ms: float) -> float:
        t0, x0, t1, x1 = self._map
        return x0 + (ms - t0) * (x1 - x0) / (t1 - t0)

    def time_of(self, x: float) -> float:
        t0, x0, t1, x1 = self._map
        return t0 + (x - x0) * (t1 - t0) / (x1 - x0) if x1 != x0 else t0

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        palette = self.palette()
        rect = self.rect()
        label_height = 14
        bars = QRectF(0, 3, rect.width(), rect.height() - label_height - 4)
        painter.fillRect(rect, palette.color(QPalette.ColorRole.Base))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(QPointF(0, bars.bottom() + 0.5), QPointF(rect.width(), bars.bottom() + 0.5))
        if self.window is not None:
            lo, hi = self.window
            left = 0.0 if self.cumulative or not math.isfinite(lo) else self.x_of(lo)
            right = rect.width() if not math.isfinite(hi) else self.x_of(hi)
            painter.fillRect(QRectF(left, 0, max(2.0, right - left), bars.bottom()), BAND)
        peak = int(self.counts.max()) if self.counts.size else 0
        if peak > 0:
            for k, count in enumerate(self.counts):
                if count <= 0:
                    continue
                a, b = self.x_of(self.edges[k]), self.x_of(self.edges[k + 1])
                height = max(2.0, bars.height() * count / peak)
                inside = self._in_window(self.edges[k], self.edges[k + 1])
                gap = 1.0 if b - a >= 4 else 0.0  # narrow bins (minutes of a day) touch: no stripes
                painter.fillRect(QRectF(a + gap / 2, bars.bottom() - height, max(1.0, b - a - gap), height), BAR_IN_WINDOW if inside else BAR)
        self._paint_axis(painter, bars.bottom() + 2, label_height)
        painter.end()

    def _in_window(self, lo: float, hi: float) -> bool:
        if self.window is None:
            return True
        w_lo, w_hi = self.window
        return lo < w_hi and (self.cumulative or hi > w_lo)

    def _paint_axis(self, painter: QPainter, top: float, height: int) -> None:
        if self.edges.size < 2:
            return
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        # The axis spans the strip's width: the times at its two edges.
        lo, hi = self.time_of(0.0), self.time_of(float(self.width()))
        char_px = metrics.horizontalAdvance("0")
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        for ms, text in axis_ticks(lo, hi, self.width(), char_px):
            x = self.x_of(ms)
            painter.drawLine(QPointF(x, top - 4), QPointF(x, top))
            width = metrics.horizontalAdvance(text)
            left = min(max(0.0, x - width / 2), self.width() - width)
            painter.drawText(QRectF(left, top, width + 2, height), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.timeClicked.emit(self.time_of(event.position().x()))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.timeClicked.emit(self.time_of(event.position().x()))


class QtTimeSlider(QWidget):
    """Position, window length, cumulative mode, play and step, over ViewState.window.

    The stepping rules live in :mod:`eventmap.geo.timeline`; this widget keeps
    one :class:`Timeline` for the current step and draws it.

    Signals
    -------
    playingChanged(bool)
        Playback started or stopped.
    """

    playingChanged = Signal(bool)

    def __init__(self, state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.step: Step = Step("month")  # the length the slider steps by (kept while the window is all time)
        self.timeline: Timeline | None = None  # the positions of ``step`` (None without dated events)
        self.span: tuple[float, float] | None = None  # the dataset's dates
        self._per_category: list[tuple[np.ndarray, np.ndarray]] = []  # sorted starts and ends, by category code
        self._starts = np.zeros(0)  # distinct event starts, sorted
        self._frame_pending: Callable[[], bool] = lambda: False
        self.frames_dropped = 0  # play ticks skipped while the map was still painting
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_tick)
        self.speed = 1.0

        self.strip = QtHistogramStrip(self)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setPageStep(1)
        self.slider.setAccessibleName("Time window position")
        self.length = QComboBox(self)
        self.length.setToolTip("Window length")
        self.length.setPlaceholderText("Custom")
        self.cumulative = QCheckBox("Cumulative", self)
        self.cumulative.setToolTip("Show everything up to the end of the window")
        self.loop = QCheckBox("Loop", self)
        self.speed_box = QComboBox(self)
        self.speed_box.setToolTip("Play speed")
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed:g}×", speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.date_box = QLineEdit(self)
        self.date_box.setObjectName("goToDate")
        self.date_box.setPlaceholderText("Go to date…")
        self.date_box.setToolTip("Type a date or time to go to (2020, 2020-11, 2020-11-08, 2008-08-12 14:30) and press Enter")
        self.date_box.setClearButtonEnabled(True)
        self.date_box.setMaximumWidth(170)
        self.date_box.setMinimumWidth(40)  # it gives way before the window grows
        self.window_label = QLabel(self)
        self.window_label.setTextFormat(Qt.TextFormat.PlainText)
        self.window_label.setObjectName("windowLabel")
        font = self.window_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.window_label.setFont(font)
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setObjectName("countLabel")

        pixmaps = QStyle.StandardPixmap
        self.play_action = self._action("Play", "Space", self.toggle_play, pixmaps.SP_MediaPlay)
        self.previous_action = self._action("Previous Event", "Left", lambda: self.step_event(False), pixmaps.SP_MediaSkipBackward)
        self.next_action = self._action("Next Event", "Right", lambda: self.step_event(True), pixmaps.SP_MediaSkipForward)
        self.previous_period_action = self._action("Previous Period", "Shift+Left", lambda: self.move_by(-1))
        self.next_period_action = self._action("Next Period", "Shift+Right", lambda: self.move_by(1))
        self.first_action = self._action("First Period", "Home", lambda: self.jump(False))
        self.last_action = self._action("Last Period", "End", lambda: self.jump(True))
        self.play_action.setCheckable(True)

        self._build_layout()
        self.slider.valueChanged.connect(self._on_slider_changed)
        self.length.currentIndexChanged.connect(self._on_length_changed)
        self.cumulative.toggled.connect(self._on_cumulative_toggled)
        self.speed_box.currentIndexChanged.connect(lambda i: self.set_speed(SPEEDS[i]))
        self.strip.timeClicked.connect(self._on_time_clicked)
        self.date_box.returnPressed.connect(self._on_date_entered)
        self.date_box.textEdited.connect(lambda _text: self._show_date_error(""))
        state.datasetChanged.connect(self._on_dataset_changed)
        state.eventsEdited.connect(self._on_dataset_changed)
        state.windowChanged.connect(self._on_window_changed)
        state.categoriesChanged.connect(self._on_categories_changed)
        state.searchChanged.connect(self._update_labels)
        self._on_dataset_changed()

    @property
    def origin(self) -> float:
        """The start of position 0."""
        return self.timeline.origin if self.timeline is not None else 0.0

    # --- building -----------------------------------------------------------

    def _action(self, text: str, shortcut: str, slot, pixmap=None) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{text} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
        if pixmap is not None:
            action.setIcon(self.style().standardIcon(pixmap))
        action.triggered.connect(slot)
        self.addAction(action)  # the shortcut works wherever the window has focus
        return action

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setIconSize(QSize(20, 20))
        return button

    def _build_layout(self) -> None:
        self._slider_row = QHBoxLayout()
        self._slider_row.setContentsMargins(0, 0, 0, 0)
        self._slider_row.addWidget(self.slider)
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(4)
        controls.addWidget(self._button(self.previous_action))
        controls.addWidget(self._button(self.play_action))
        controls.addWidget(self._button(self.next_action))
        controls.addWidget(self.speed_box)
        controls.addWidget(self.loop)
        controls.addSpacing(16)
        window_caption = QLabel("Window:", self)
        window_caption.setBuddy(self.length)
        controls.addWidget(window_caption)
        controls.addWidget(self.length)
        controls.addWidget(self.cumulative)
        self.controls = controls
        self._extra_at = controls.count()
        controls.addStretch(1)
        heading = QHBoxLayout()
        heading.setContentsMargins(0, 0, 0, 0)
        heading.addWidget(self.window_label)
        heading.addSpacing(12)
        heading.addWidget(self.count_label)
        heading.addStretch(1)
        heading.addWidget(self.date_box)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 6)
        column.setSpacing(2)
        column.addLayout(heading)
        column.addWidget(self.strip)
        column.addLayout(self._slider_row)
        column.addSpacing(4)
        column.addLayout(controls)

    def add_control(self, caption: str, widget: QWidget) -> None:
        """Add another view of the time window (the year filter) to the row of controls."""
        label = QLabel(caption, self)
        label.setBuddy(widget)
        self.controls.insertSpacing(self._extra_at, 16)
        self.controls.insertWidget(self._extra_at + 1, label)
        self.controls.insertWidget(self._extra_at + 2, widget)
        self._extra_at += 3

    def set_frame_gate(self, pending: Callable[[], bool]) -> None:
        """Tell play how to know that the map is still painting the last step (then it waits)."""
        self._frame_pending = pending

    # --- the model, seen by the slider ------------------------------------------

    def _on_dataset_changed(self) -> None:
        dataset = self.state.dataset
        self.span = dataset.date_range()
        cols = dataset.columns
        # Sorted once per dataset and category: a category change then only adds up counts.
        finite = np.isfinite(cols.lo) & np.isfinite(cols.hi)
        self._per_category = []
        self._starts = event_starts(cols.lo)
        for code in range(len(cols.categories)):
            keep = finite & (cols.cat == code)
            self._per_category.append((np.sort(cols.lo[keep]), np.sort(cols.hi[keep])))
        if self.span is not None:
            self.step = default_step(*self.span)
        self._fill_lengths()
        enabled = self.span is not None
        for widget in (self.slider, self.length, self.cumulative, self.strip, self.date_box):
            widget.setEnabled(enabled)
        for action in (self.play_action, self.previous_action, self.next_action, self.first_action, self.last_action,
                       self.previous_period_action, self.next_period_action):
            action.setEnabled(enabled)
        self._on_categories_changed()
        self._on_window_changed()

    def _fill_lengths(self) -> None:
        """Offer the window lengths that fit the dataset's dates, from seconds to centuries."""
        units = units_for(*self.span) if self.span is not None else ["day", "week", "month", "quarter", "year"]
        with QSignalBlocker(self.length):
            self.length.clear()
            for unit in units:
                self.length.addItem(unit.capitalize(), unit)
            self.length.addItem("All time", ALL_TIME)

    def _on_categories_changed(self) -> None:
        if self.span is None:
            self.strip.set_counts(np.zeros(0), np.zeros(0, dtype=np.int64))
            self._update_labels()
            return
        edges = period_starts(auto_step(*self.span), *self.span)
        counts = np.zeros(max(0, len(edges) - 1), dtype=np.int64)
        hidden = self.state.hidden_categories
        for name, (lo, hi) in zip(self.state.dataset.columns.categories, self._per_category, strict=True):
            if name not in hidden:
                counts += count_overlapping(lo, hi, edges)
        self.strip.set_counts(edges, counts)
        self._update_labels()

    def _on_window_changed(self) -> None:
        window = self.state.window
        finite = math.isfinite(window.lo) and math.isfinite(window.hi)
        if finite:
            self.step = step_of_window(window.lo, window.hi, prefer=self.step) or self.step
        self._place_positions()
        with QSignalBlocker(self.length):
            self._show_length(None if window.is_all_time else self.step if finite else False)
        with QSignalBlocker(self.cumulative):
            self.cumulative.setChecked(self.state.cumulative)
        with QSignalBlocker(self.slider):
            position = self.timeline.position_of(window.lo, window.hi) if self.timeline is not None else None
            # All time has no position: the handle rests at the start, the track unfilled.
            self.slider.setValue(0 if position is None else position)
        self.strip.set_window(None if window.is_all_time and not self.state.cumulative else (window.lo, window.hi), self.state.cumulative)
        self._update_labels()

    def _place_positions(self) -> None:
        """Set the slider's range to the periods of ``self.step`` covering the dataset (and the window)."""
        if self.span is None:
            self.timeline = None
            with QSignalBlocker(self.slider):
                self.slider.setRange(0, 0)
            return
        window = self.state.window
        self.timeline = timeline_for(self.span, self.step, (window.lo, window.hi))
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, self.timeline.last)
        self._align_strip()

    def _show_length(self, step: Step | None | bool) -> None:
        """Show ``step`` in the length box: None for all time, False for an open-ended window."""
        custom = self.length.findData(CUSTOM)
        if isinstance(step, Step) and step.unit == CUSTOM:
            if custom < 0:
                custom = self.length.count() - 1
                self.length.insertItem(custom, step.label(), CUSTOM)
            self.length.setItemText(custom, step.label())
            self.length.setCurrentIndex(custom)
            return
        if custom >= 0:
            self.length.removeItem(custom)
        if step is None:
            self.length.setCurrentIndex(self.length.findData(ALL_TIME))
        elif step is False:
            self.length.setCurrentIndex(-1)
        else:
            index = self.length.findData(step.unit)
            if index < 0:  # a unit finer or coarser than the data suggests, set from elsewhere
                index = self.length.count() - 1
                self.length.insertItem(index, step.label(), step.unit)
            self.length.setCurrentIndex(index)

    def _update_labels(self) -> None:
        self.window_label.setText(self.state.window_label())
        self.count_label.setText(self.state.count_text())

    # --- the user, through the slider -------------------------------------------

    def _on_slider_changed(self, value: int) -> None:
        if self.timeline is None:
            return
        self.set_window(*self.timeline.window(value))

    def _on_length_changed(self, index: int) -> None:
        unit = self.length.itemData(index)
        if unit is None or self.span is None:
            return
        if unit == ALL_TIME:
            self.stop()
            self.state.set_window(TimeWindow.all_time())
            return
        if unit == CUSTOM:
            return
        window = self.state.window
        anchor = window.lo if math.isfinite(window.lo) else self.span[0]
        step = Step(unit)
        self.step = step
        self.set_window(*step.window(step.floor(anchor), 0))

    def _on_cumulative_toggled(self, checked: bool) -> None:
        self.state.set_window(self.state.window, cumulative=checked)

    def _on_time_clicked(self, ms: float) -> None:
        if self.timeline is None:
            return
        self.set_window(*self.timeline.window(self.timeline.index(ms)))

    def _on_date_entered(self) -> None:
        text = self.date_box.text().strip()
        if not text or self.span is None:
            return
        try:
            date = parse_date(text)
            if date.is_open:
                raise EventmapError("type a date, not an open end")
        except EventmapError as exc:
            self._show_date_error(exc.message)
            return
        timeline = None if self.state.window.is_all_time else self.timeline
        self.stop()
        self.set_window(*jump_window(date, timeline))
        self._show_date_error("")

    def _show_date_error(self, message: str) -> None:
        self.date_box.setProperty("invalid", bool(message))
        self.date_box.setStyleSheet("QLineEdit { border: 1px solid #c0392b; }" if message else "")
        self.date_box.setToolTip(plain_tooltip(message) if message else "Type a date or time to go to (2020, 2020-11, 2020-11-08, 2008-08-12 14:30) and press Enter")

    def set_window(self, lo: float, hi: float) -> None:
        self.state.set_window(TimeWindow(lo, hi))

    # --- stepping and playing ----------------------------------------------------

    def move_by(self, periods: int) -> None:
        """Move the window by whole periods (from all time: start at the first period)."""
        if self.timeline is None:
            return
        if self.state.window.is_all_time:
            self._on_slider_changed(0 if periods >= 0 else self.timeline.last)
            return
        self.slider.setValue(self.timeline.clamp(self.slider.value() + periods))

    def jump(self, to_end: bool) -> None:
        """Home / End: the first or last period."""
        if self.timeline is None:
            return
        value = self.timeline.last if to_end else 0
        if self.state.window.is_all_time or self.slider.value() == value:
            self._on_slider_changed(value)
        else:
            self.slider.setValue(value)

    def step_event(self, forward: bool) -> bool:
        """Move to the period of the next (previous) event, skipping empty time; False at the end."""
        if self.timeline is None:
            return False
        window = self.state.window
        target = self.timeline.event_window(self._starts, window.lo, window.hi, forward)
        if target is None:
            return False
        self.set_window(*target)
        return True

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        with QSignalBlocker(self.speed_box):
            index = self.speed_box.findData(speed)
            if index >= 0:
                self.speed_box.setCurrentIndex(index)
        self._timer.setInterval(max(10, round(BASE_INTERVAL_MS / speed)))

    def toggle_play(self) -> None:
        if self.playing:
            self.stop()
        else:
            self.play()

    def play(self) -> None:
        """Step through the periods from here (from the start, if at the end or showing all time)."""
        if self.timeline is None:
            return
        if self.state.window.is_all_time or (self.slider.value() >= self.timeline.last and not self.loop.isChecked()):
            self._on_slider_changed(0)
        self._timer.setInterval(max(10, round(BASE_INTERVAL_MS / self.speed)))
        self._timer.start()
        self._show_playing(True)

    def stop(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._show_playing(False)

    def _show_playing(self, playing: bool) -> None:
        self.play_action.setChecked(playing)
        self.play_action.setText("Pause" if playing else "Play")
        pixmap = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_action.setIcon(self.style().standardIcon(pixmap))
        self.playingChanged.emit(playing)

    def _on_tick(self) -> None:
        if self.timeline is None:
            self.stop()
            return
        if self._frame_pending():
            # The map has not painted the last step yet: drop this frame rather than queue it.
            self.frames_dropped += 1
            return
        following = self.timeline.next_play(self.slider.value(), self.loop.isChecked())
        if following is None:
            self.stop()
        else:
            self.slider.setValue(following)

    # --- keeping the strip's axis under the slider's handle ----------------------

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._align_strip()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._align_strip()

    def _align_strip(self) -> None:
        """Put the centre of each period on the strip right above the slider's handle for it.

        The slider is inset so that its first and last handle positions sit at
        the middle of the first and last periods drawn on the strip.
        """
        width = self.strip.width()
        if self.timeline is None or width < 20:
            return
        option = QStyleOptionSlider()
        self.slider.initStyleOption(option)
        handle = self.slider.style().pixelMetric(QStyle.PixelMetric.PM_SliderLength, option, self.slider)
        count = self.timeline.count
        first_lo, first_hi = self.timeline.window(0)
        last_lo, last_hi = self.timeline.window(count - 1)
        period_px = (width - 2 * STRIP_PAD) / count
        inset = max(0, round(STRIP_PAD + period_px / 2 - handle / 2))
        self._slider_row.setContentsMargins(inset, 0, inset, 0)
        if count == 1:
            self.strip.set_axis(first_lo, STRIP_PAD, first_hi, width - STRIP_PAD)
            return
        x0, x1 = inset + handle / 2, width - inset - handle / 2
        self.strip.set_axis((first_lo + first_hi) / 2, x0, (last_lo + last_hi) / 2, x1)
