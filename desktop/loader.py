"""Reading an event file in a worker thread, behind a progress dialog the user can cancel.

The window calls :func:`load_with_progress` for File ▸ Open and for dropped
files. The read itself is :func:`geo.importers.load_dataset`; this module only
runs it off the GUI thread, shows how far it got, and stops it on Cancel.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from eventmap.desktop.dialogs.warnings_dialog import show_warnings
from eventmap.geo.databases import DatabaseRead, DatabaseSource
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset
from eventmap.geo.importers import Progress, load_dataset

log = logging.getLogger("eventmap")

PROGRESS_STEPS = 1000
SHOW_AFTER_MS = 300  # a quick read finishes without the dialog flashing up

# Readers still running after their dialog was cancelled; kept alive until
# their thread ends (it stops at the reader's next progress report).
_RUNNING: set[_Reader] = set()
_busy = False  # a load_with_progress is waiting for its reader


class _Reader(QObject):
    """Runs one load_dataset in a thread; its signals arrive in the GUI thread."""

    progressed = Signal(float)
    finished = Signal()

    def __init__(self, path: Path, read: Callable[[Progress], Dataset] | None = None, stop: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.path = path
        self.read = read or (lambda progress: load_dataset(self.path, progress=progress))
        self.stop = stop  # stops a read that does not report progress for a while (a database query)
        self.dataset: Dataset | None = None
        self.error: EventmapError | None = None
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"read {path.name}", daemon=True)

    def start(self) -> None:
        _RUNNING.add(self)
        self.finished.connect(lambda: _RUNNING.discard(self))
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()
        if self.stop is not None:
            self.stop()

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def wait(self) -> None:
        self._thread.join()
        _RUNNING.discard(self)

    def _progress(self, fraction: float) -> bool:
        self.progressed.emit(fraction)
        return not self._cancel.is_set()

    def _run(self) -> None:
        try:
            self.dataset = self.read(self._progress)
        except EventmapError as exc:
            self.error = exc
        except MemoryError:
            self.error = EventmapError(f"{self.path.name}: not enough memory to read this file")
        except Exception as exc:
            log.exception("reading %s failed", self.path)
            self.error = EventmapError(f"{self.path.name}: could not be read ({type(exc).__name__}: {exc})")
        finally:
            self.finished.emit()


def load_with_progress(parent: QWidget | None, path: str | Path, show: Callable[[Dataset], None] | None = None) -> Dataset | None:
    """Read an event file without freezing the window; None if the user cancelled.

    A progress dialog with a Cancel button appears if the read takes more than
    a moment; it names the file and the step ("Reading events.geojson (2.1 MB)…
    step 1 of 2", with the share read). ``show``, if given, is the second step
    (putting the dataset on the map): while it runs the dialog says so, so it
    is never an empty box. Warnings met while reading are listed in a dialog
    afterwards (it does not block).

    Raises
    ------
    EventmapError
        If the file cannot be read; the caller keeps the data it had.
    """
    global _busy
    path = Path(path)
    if _busy:  # e.g. a file dropped while another is being read
        raise EventmapError(f"{path.name}: another file is still being read; wait for it or cancel it first")
    _busy = True
    try:
        return _load(parent, path, show=show)
    finally:
        _busy = False


def load_database_with_progress(parent: QWidget | None, source: DatabaseSource, password: str | None = None) -> Dataset | None:
    """Read a database source like a file (:func:`load_with_progress`): off the GUI thread, with Cancel.

    The progress dialog names the source and its time limit; Cancel stops
    the running query on the server.

    Raises
    ------
    EventmapError
        If the source cannot be read; the caller keeps the data it had.
    """
    global _busy
    label = source.label()
    if _busy:
        raise EventmapError(f"{label}: another file is still being read; wait for it or cancel it first")
    _busy = True
    try:
        run = DatabaseRead(source, password)
        text = f"Reading {label}…\n(time limit {source.time_limit:g} s; Cancel stops the query)"
        return _load(parent, Path(source.database), _Reader(Path(source.database), run.run, run.cancel), text, label)
    finally:
        _busy = False


def _size_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    return f" ({size / 1e6:,.1f} MB)" if size >= 100_000 else f" ({size / 1e3:,.0f} kB)" if size >= 1000 else ""


def _load(parent: QWidget | None, path: Path, reader: _Reader | None = None, text: str | None = None, name: str | None = None,
          show: Callable[[Dataset], None] | None = None) -> Dataset | None:
    reader = reader or _Reader(path)
    name = name or path.name
    steps = " (step 1 of 2)" if show is not None else ""
    dialog = QProgressDialog(parent)
    dialog.setObjectName("loadProgress")
    dialog.setWindowTitle(f"Opening {name}")
    label = QLabel(text or f"Reading {path.name}{_size_text(path)}…{steps}")
    label.setTextFormat(Qt.TextFormat.PlainText)  # a file name is not markup
    dialog.setLabel(label)
    dialog.setCancelButtonText("Cancel")
    dialog.setRange(0, PROGRESS_STEPS)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setValue(0)
    loop = QEventLoop()
    showing = [True]

    def on_progress(fraction: float) -> None:
        # A report queued before the read ended may arrive after the dialog is gone.
        if showing[0]:
            dialog.setValue(round(max(0.0, min(1.0, fraction)) * PROGRESS_STEPS))
            if dialog.wasCanceled():  # cancel() as well as the button
                loop.quit()

    reader.progressed.connect(on_progress)
    reader.finished.connect(loop.quit)
    dialog.canceled.connect(loop.quit)
    reader.start()
    loop.exec()

    cancelled = dialog.wasCanceled()
    showing[0] = False
    try:
        if cancelled:
            reader.cancel()
            log.info("reading %s cancelled", path)
            return None
        reader.wait()  # it has reported; its thread is ending
        if reader.error is not None:
            raise reader.error
        dataset = reader.dataset
        assert dataset is not None
        if show is not None:
            _drawing(dialog, label, f"Putting {len(dataset):,} events from {name} on the map… (step 2 of 2)")
            show(dataset)
    finally:
        dialog.close()
        dialog.deleteLater()
    if dataset.warnings:
        show_warnings(parent, dataset.warnings, name)
    return dataset


def _drawing(dialog: QProgressDialog, label: QLabel, text: str) -> None:
    """Say what the next (blocking) step does, and paint it before it starts."""
    from PySide6.QtWidgets import QApplication

    label.setText(text)
    dialog.setCancelButton(None)  # the map is built in one go: nothing to cancel
    if dialog.isVisible():
        dialog.setValue(PROGRESS_STEPS)
        dialog.repaint()
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
