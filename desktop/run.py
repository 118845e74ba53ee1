"""Running the app: the window on a file, or one screenshot of it (``eventmap --screenshot``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QRect, QTimer
from PySide6.QtGui import QImage

from eventmap.desktop.main_window import DEFAULT_SIZE, MainWindow, delete_window
from eventmap.desktop.map.map_view import image_is_blank
from eventmap.desktop.settings import Settings
from eventmap.geo.databases import is_database_source, parse_source, read_database
from eventmap.geo.dates import TimeWindow
from eventmap.geo.errors import EventmapError
from eventmap.geo.paths import default_dataset

SETTLE_MS = 50
NOTE_MS = 30_000


def grab_window(window: MainWindow, timeout_ms: int = 5000) -> QImage:
    """A picture of the whole window, once the map's part of it is not blank."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        image = window.grab().toImage()
        ratio = image.devicePixelRatio()
        corner = window.view.mapTo(window, QPoint(0, 0))
        part = image.copy(QRect(round(corner.x() * ratio), round(corner.y() * ratio),
                                round(window.view.width() * ratio), round(window.view.height() * ratio)))
        if not image_is_blank(part) or time.monotonic() > deadline:
            return image
        loop = QEventLoop()
        QTimer.singleShot(15, loop.quit)
        loop.exec()


def run_app(
    file: str | None = None,
    window: TimeWindow | None = None,
    cumulative: bool = False,
    screenshot: str | None = None,
    size: tuple[int, int] | None = None,
    basemap: str | None = None,
) -> int:
    """Open the window on ``file`` (the bundled dataset when None); with ``screenshot``, save a picture and exit.

    Returns the process exit code: 0, or 1 when a screenshot cannot be made.
    """
    from eventmap.desktop.app import application

    app = application(headless=screenshot is not None)
    settings = Settings.load()
    if basemap and basemap.lower().endswith((".pmtiles", ".mbtiles")):
        settings.basemap_file = basemap  # opened (and checked) by the window
    elif basemap:
        settings.basemap = basemap
        settings.basemap_file = ""
    if screenshot is not None:
        return _screenshot(file, window, cumulative, Path(screenshot), size or DEFAULT_SIZE, settings)
    main = MainWindow(settings)
    if size:
        main.resize(*size)
    main.show()
    if file and is_database_source(file):
        try:
            opened = main.open_database(parse_source(file))
        except EventmapError as exc:
            main.show_database_error(file, exc)
            opened = False
    else:
        opened = main.open_path(file, window, cumulative) if file else False
    if not opened:
        main.open_path(default_dataset(), window, cumulative)
    if settings.note:
        main.statusBar().showMessage(settings.note, NOTE_MS)
    try:
        return app.exec()
    finally:
        delete_window(main)


def _screenshot(file: str | None, window: TimeWindow | None, cumulative: bool, out: Path, size: tuple[int, int], settings: Settings) -> int:
    from eventmap.geo.importers import load_dataset

    try:
        dataset = read_database(parse_source(file)) if is_database_source(file) else load_dataset(file or default_dataset())
    except EventmapError as exc:
        for n, line in enumerate(exc.lines()):
            print(f"eventmap: {line}" if n == 0 else f"  {line}", file=sys.stderr)
        return 1
    main = MainWindow(settings, remember=False)
    try:
        main.resize(*size)
        main.show_dataset(dataset, window, cumulative)
        main.show()
        view = main.view
        if not view.wait_painted(0) or not view.wait_painted(main.map_link.last_seq):
            print("eventmap: the map did not finish drawing", file=sys.stderr)
            return 1
        settle = QEventLoop()
        QTimer.singleShot(SETTLE_MS, settle.quit)  # let the last frame reach the widget
        settle.exec()
        image = grab_window(main)
        if not image.save(str(out), "PNG"):
            print(f"eventmap: {out}: could not write the PNG file", file=sys.stderr)
            return 1
        print(f"wrote {out} ({main.state.window_label()}: {main.time_slider.count_label.text()})")
        return 0
    finally:
        delete_window(main)
