"""Animations of the time slider: frames rendered one by one offscreen, and streamed to an encoder.

Never a screen recording: for each frame of the :class:`~eventmap.geo.animation.FramePlan`
the page is told the frame's time window, and the frame is grabbed once the
page has acknowledged painting it *and* the picture shows that change's stamp
(a corner block whose colour encodes the change's number: the page's
acknowledgement can arrive a frame or two before the picture reaches the
widget). The same input gives the same frames.

Every frame carries the page's own title, legend, scale bar and attribution,
and gets the frame's date in large type and a thin progress bar of time
painted over it here. Frames go straight to the encoder; none is kept.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from eventmap.desktop.export.encoders import ANIMATION_FORMATS, ThreadedEncoder, open_encoder
from eventmap.desktop.export.stills import ExportRequest
from eventmap.geo.animation import Frame, FramePlan
from eventmap.geo.errors import EventmapError
from eventmap.geo.page.colors import SEA_COLOR, category_colors
from eventmap.geo.page.config import MapOptions

MAX_SIZE = (3840, 2160)
BASE_HEIGHT = 720  # taller clips draw the page at a higher pixel ratio rather than showing more of it
STAMP_PX = 4
PROGRESS_COLOR = "#2b5c8a"
# The page's own colours (land, borders, labels) and the overlay's: a GIF palette keeps them exact.
PAGE_COLORS = (SEA_COLOR, "#f4f1e8", "#8c8c8c", "#1b1b1b", "#222222", "#6d6a60", "#8a8a8a", "#555555", "#ffffff", "#000000", PROGRESS_COLOR)


class Cancelled(Exception):
    """The user cancelled the animation (nothing was written)."""


@dataclass
class AnimationRequest:
    """What to animate: the still export's options (dataset, filters, view, title, size) and a frame plan."""

    still: ExportRequest
    plan: FramePlan
    fps: float = 4.0
    hold_last: float = 0.0

    @property
    def out(self) -> Path:
        return Path(self.still.out)

    def frame_count(self) -> int:
        """Frames in the file, the held last frame included."""
        return len(self.plan) + self.hold_frames()

    def hold_frames(self) -> int:
        return round(self.hold_last * self.fps)

    def check(self) -> None:
        """Reject what cannot be made, before any work.

        Raises
        ------
        EventmapError
            With one line saying what is wrong.
        """
        suffix = self.out.suffix.lower()
        if suffix not in ANIMATION_FORMATS:
            raise EventmapError(f"{self.out}: cannot write an animation as {suffix or 'a file without extension'!r}; use one of {', '.join(ANIMATION_FORMATS)}")
        width, height = self.still.size
        if not (64 <= width <= MAX_SIZE[0] and 64 <= height <= MAX_SIZE[1]):
            raise EventmapError(f"size {width}x{height}: an animation must be between 64x64 and {MAX_SIZE[0]}x{MAX_SIZE[1]} pixels")
        if suffix != ".gif" and (width % 2 or height % 2):
            raise EventmapError(f"size {width}x{height}: a {suffix[1:].upper()} needs an even width and height")
        if not (0.5 <= self.fps <= 60) or not math.isfinite(self.fps):
            raise EventmapError(f"fps {self.fps:g}: must be between 0.5 and 60 frames per second")
        if not (0 <= self.hold_last <= 60):
            raise EventmapError(f"hold-last {self.hold_last:g}: must be between 0 and 60 seconds")
        folder = self.out.expanduser().resolve().parent
        if not folder.is_dir():
            raise EventmapError(f"{self.out}: the folder {folder} does not exist")

    def pixel_ratio(self) -> float:
        """Device pixels per CSS pixel: a 1080p clip is the 720p page drawn sharper, so its text stays legible."""
        return max(1.0, self.still.size[1] / BASE_HEIGHT)

    def page_size(self) -> tuple[int, int]:
        """The page's size in CSS pixels."""
        ratio = self.pixel_ratio()
        return round(self.still.size[0] / ratio), round(self.still.size[1] / ratio)

    def options(self) -> MapOptions:
        """The page's options: the still's, for the plan's whole range, with frame stamps."""
        still = replace(self.still, size=self.page_size(),
                        view=self.still.view.with_(window=self.plan.window(), cumulative=self.plan.cumulative))
        options = still.options("app")
        options.extra["frameStamp"] = True
        # Fitted events stay clear of the date painted in the top right corner.
        options.extra["fitTop"] = round(self.page_size()[1] * 0.17)
        return options

    def palette_colors(self) -> list[str]:
        """Colours a GIF's palette keeps exact: the categories, the basemap and the text."""
        categories = self.still.dataset.categories()
        return list(category_colors(categories).values()) + list(PAGE_COLORS)


def decode_stamp(image) -> int:
    """The change number (mod 4096) stamped in the frame's top-left corner."""
    rgb = image.pixel(1, 1)
    r, g, b = (rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255
    return (min(15, r // 16) << 8) | (min(15, g // 16) << 4) | min(15, b // 16)


def paint_overlay(image, frame: Frame) -> None:
    """Paint the frame's date in large type (top right) and a thin progress bar of time (top edge)."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

    width, height = image.width(), image.height()
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        bar = max(STAMP_PX + 2, round(height / 120))
        painter.fillRect(0, 0, width, bar, QColor(255, 255, 255, 200))
        painter.fillRect(0, 0, round(width * frame.progress), bar, QColor(PROGRESS_COLOR))
        small = QFont("Sans Serif")
        small.setPixelSize(max(10, round(height / 45)))
        small_metrics = QFontMetricsF(small)
        pad = height / 60
        # The date keeps to the top right corner, clear of the page's centred title card:
        # a long label (a date and time, a range) goes on two lines, then the type shrinks to fit.
        budget = width * 0.27
        big, lines = _fit_label(frame.label, round(height / 13), budget)
        big_metrics = QFontMetricsF(big)
        line_height = big_metrics.height()
        text_width = max([big_metrics.horizontalAdvance(line) for line in lines]
                         + ([small_metrics.horizontalAdvance(frame.caption)] if frame.caption else []))
        text_width = min(text_width, width * 0.45)
        box_height = line_height * len(lines) + (small_metrics.height() if frame.caption else 0) + pad
        box = QRectF(width - text_width - 3 * pad, bar + pad, text_width + 2 * pad, box_height)
        path = QPainterPath()
        path.addRoundedRect(box, pad / 2, pad / 2)
        painter.fillPath(path, QColor(255, 255, 255, 225))
        painter.setPen(QPen(QColor("#1b1b1b")))
        painter.setFont(big)
        for k, line in enumerate(lines):
            painter.drawText(QRectF(box.left() + pad, box.top() + pad / 2 + k * line_height, text_width, line_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             big_metrics.elidedText(line, Qt.TextElideMode.ElideRight, text_width))
        if frame.caption:
            painter.setFont(small)
            painter.setPen(QPen(QColor("#555555")))
            painter.drawText(QRectF(box.left() + pad, box.top() + pad / 2 + len(lines) * line_height, text_width, small_metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             small_metrics.elidedText(frame.caption, Qt.TextElideMode.ElideRight, text_width))
    finally:
        painter.end()


def _fit_label(label: str, pixels: int, budget: float):
    """The bold font and the lines for ``label`` so that each line is at most ``budget`` wide."""
    from PySide6.QtGui import QFont, QFontMetricsF

    font = QFont("Sans Serif")
    font.setBold(True)
    font.setPixelSize(max(12, pixels))
    lines = [label]
    if QFontMetricsF(font).horizontalAdvance(label) > budget:
        if " – " in label:
            first, last = label.split(" – ", 1)
            lines = [first + " –", last]
        elif ":" in label and " " in label:
            lines = list(label.rsplit(" ", 1))  # "12 Aug 2008" over "14:00"
    widest = max(QFontMetricsF(font).horizontalAdvance(line) for line in lines)
    if widest > budget:
        font.setPixelSize(max(12, int(font.pixelSize() * budget / widest)))
    return font, lines


def image_to_rgb(image) -> np.ndarray:
    """A QImage as an ``(height, width, 3)`` uint8 RGB array (a copy)."""
    from PySide6.QtGui import QImage

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, line = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), np.uint8, count=line * height).reshape(height, line)
    return data[:, : width * 3].reshape(height, width, 3).copy()


ProgressCallback = Callable[[int, int], bool]  # (frames done, frames in all) -> go on?


def render_animation(request: AnimationRequest, progress: ProgressCallback | None = None, timeout_ms: int = 30_000) -> Path:
    """Render every frame of ``request`` and write the file; returns its path.

    ``progress(done, total)`` is called after each frame; when it returns
    False the animation stops, the partial file is removed and
    :class:`Cancelled` is raised.

    Raises
    ------
    EventmapError
        For options that cannot be made, or a page that does not draw.
    Cancelled
        When ``progress`` asked to stop.
    """
    import shiboken6
    from PySide6.QtCore import Qt

    from eventmap.desktop.app import application
    from eventmap.desktop.map.map_view import QtMapView

    request.check()
    application(headless=True)
    plan, total = request.plan, request.frame_count()
    width, height = request.still.size
    encoder = ThreadedEncoder(open_encoder(request.out, (width, height), request.fps, request.palette_colors()))
    view = QtMapView()
    try:
        view.resize(width, height)
        view.setZoomFactor(request.pixel_ratio())
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        view.show()
        view.show_dataset(request.still.dataset, request.plan.window(), request.options())
        if not view.wait_painted(0, timeout_ms):
            raise EventmapError(f"the map did not finish drawing within {timeout_ms // 1000} s")
        rgb = None
        for frame in plan:
            image = grab_frame(view, frame, plan.cumulative, plan.trail, timeout_ms)
            paint_overlay(image, frame)
            rgb = image_to_rgb(image)
            encoder.add(rgb)
            if progress is not None and not progress(frame.index + 1, total):
                raise Cancelled()
        hold = request.hold_frames()
        if hold and rgb is not None:
            encoder.add(rgb, repeat=hold)
            if progress is not None and not progress(total, total):
                raise Cancelled()
        return encoder.close()
    except BaseException:
        encoder.abort()
        raise
    finally:
        view.close()
        shiboken6.delete(view)


def grab_frame(view, frame: Frame, cumulative: bool = False, trail: int = 0, timeout_ms: int = 30_000):
    """Show ``frame``'s window and return the picture once it shows that change."""
    from PySide6.QtCore import QEventLoop, QTimer

    seq = view.send("setWindow", {
        "lo": frame.lo, "hi": frame.hi, "label": frame.label, "cumulative": cumulative,
        "trailLo": frame.trail_lo if frame.trail_lo < frame.lo else None, "trailSteps": trail,
    })
    if not view.wait_painted(seq, timeout_ms):
        raise EventmapError(f"the map did not draw frame {frame.index + 1} ({frame.label}) within {timeout_ms // 1000} s")
    deadline = time.monotonic() + timeout_ms / 1000
    loop = QEventLoop()
    while True:
        image = view.grab().toImage()
        if decode_stamp(image) == seq % 4096:
            return image
        if time.monotonic() > deadline:
            raise EventmapError(f"frame {frame.index + 1} ({frame.label}) did not reach the picture within {timeout_ms // 1000} s")
        QTimer.singleShot(4, loop.quit)
        loop.exec()
