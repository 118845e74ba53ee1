"""Reading files in a worker thread with progress and Cancel; the warnings dialog."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from eventmap.desktop import loader
from eventmap.desktop.loader import load_with_progress
from eventmap.desktop.view_state import ViewState
from eventmap.desktop.dialogs.warnings_dialog import QtWarningsDialog
from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import default_dataset

DATA = Path(__file__).parents[1] / "data"
ROWS = 50_000


@pytest.fixture(scope="module")
def big_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    csv = folder / "big.csv"
    with csv.open("w", encoding="utf-8") as out:
        out.write("title,date,lat,lon,category\n")
        for i in range(ROWS):
            out.write(f"Event {i},{2000 + i % 20}-{1 + i % 12:02d}-{1 + i % 28:02d},{-60 + (i * 7) % 120}.5,{-170 + (i * 13) % 340}.25,trade\n")
    geojson = folder / "big.geojson"
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [(i % 340) - 170, (i % 120) - 60]},
         "properties": {"title": f"Event {i}", "start": f"{2000 + i % 20}", "category": "energy"}}
        for i in range(ROWS)
    ]
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return {"csv": csv, "geojson": geojson}


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def progress_values(monkeypatch):
    """Every value the progress dialog is given, and on which thread."""
    class Values(list):
        threads: set[str]

    values = Values()
    threads: set[str] = set()
    original = QProgressDialog.setValue

    def record(dialog, value):
        values.append(value)
        threads.add(threading.current_thread().name)
        original(dialog, value)

    monkeypatch.setattr(QProgressDialog, "setValue", record)
    values.threads = threads
    return values


@pytest.fixture(autouse=True)
def no_reader_left(qtbot):
    yield
    # Every worker thread ends, also after a cancel.
    qtbot.waitUntil(lambda: not loader._RUNNING, timeout=30_000)


@pytest.mark.parametrize("kind", ["csv", "geojson"])
def test_a_big_file_loads_with_progress(parent, big_files, progress_values, kind):
    dataset = load_with_progress(parent, big_files[kind])
    assert dataset is not None and len(dataset.events) == ROWS
    assert dataset.path == big_files[kind]
    assert dataset.events[123].title == "Event 123"
    # The dialog was told how far the read got, step by step, from the GUI thread.
    steps = [v for v in progress_values if 0 < v < loader.PROGRESS_STEPS]
    assert len(steps) >= 20
    assert steps == sorted(steps)
    assert progress_values.threads == {threading.main_thread().name}
    assert not parent.findChildren(QtWarningsDialog)  # a clean file: no warnings dialog
    assert not [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]


def test_cancel_returns_none_and_leaves_the_current_dataset(parent, big_files, monkeypatch, qtbot):
    state = ViewState(load_dataset(default_dataset()))
    before = state.dataset
    original = QProgressDialog.setValue
    seen = []

    def cancel_midway(dialog, value):
        original(dialog, value)
        seen.append(value)
        if 0 < value < loader.PROGRESS_STEPS and not dialog.wasCanceled():
            dialog.findChild(QPushButton).click()  # the user presses Cancel

    monkeypatch.setattr(QProgressDialog, "setValue", cancel_midway)
    assert load_with_progress(parent, big_files["csv"]) is None
    assert state.dataset is before and len(state.dataset.events) == len(load_dataset(default_dataset()).events)
    assert max(seen) < loader.PROGRESS_STEPS  # it did not read to the end first
    # The worker stops at its next progress report and leaves nothing behind.
    qtbot.waitUntil(lambda: not loader._RUNNING, timeout=30_000)
    assert not parent.findChildren(QtWarningsDialog)


def test_a_malformed_file_raises_the_project_error(parent):
    with pytest.raises(EventmapError) as caught:
        load_with_progress(parent, DATA / "usgs_truncated.geojson")
    assert "usgs_truncated.geojson" in str(caught.value) and "line" in str(caught.value)
    with pytest.raises(EventmapError):
        load_with_progress(parent, DATA / "garbage.kmz")
    with pytest.raises(EventmapError, match="no such file"):
        load_with_progress(parent, DATA / "missing.csv")
    assert not parent.findChildren(QtWarningsDialog)


def test_an_unexpected_reader_failure_becomes_the_project_error(parent, monkeypatch):
    def broken(path, progress=None):
        raise ValueError("reader bug")

    monkeypatch.setattr(loader, "load_dataset", broken)
    with pytest.raises(EventmapError, match="reader bug"):
        load_with_progress(parent, DATA / "empty.csv")


def test_warnings_are_listed_in_a_dialog_that_copies_them(parent, qtbot):
    expected = load_dataset(DATA / "events_bad_rows.csv").warnings
    assert len(expected) >= 5
    dataset = load_with_progress(parent, DATA / "events_bad_rows.csv")
    assert dataset is not None and dataset.warnings == expected
    dialogs = parent.findChildren(QtWarningsDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitExposed(dialog)
    assert dialog.text.isReadOnly()
    assert dialog.text.toPlainText() == "\n".join(expected)
    assert "events_bad_rows.csv" in dialog.windowTitle() and str(len(expected)) in dialog.summary.text()

    QGuiApplication.clipboard().clear()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == "\n".join(expected)
    dialog.close()
    qtbot.waitUntil(lambda: not parent.findChildren(QtWarningsDialog))  # it deletes itself


def test_warnings_quoting_markup_are_shown_as_text(qtbot):
    lines = ['feature 3: title <img src=x onerror="alert(1)"> <b>bold</b> (skipped)', "row 9: &amp; stays &amp;"]
    dialog = QtWarningsDialog(lines, "<i>hostile</i>.csv")
    qtbot.addWidget(dialog)
    assert dialog.text.toPlainText() == "\n".join(lines)
    assert "<i>hostile</i>.csv" in dialog.summary.text()
    from PySide6.QtCore import Qt

    assert dialog.summary.textFormat() == Qt.TextFormat.PlainText


@pytest.mark.webengine
def test_cancelling_an_open_in_the_main_window_keeps_its_data(qtbot, big_files, monkeypatch):
    main = pytest.importorskip("eventmap.desktop.main_window")
    from eventmap.desktop.settings import Settings

    window = main.MainWindow(settings=Settings(), remember=False)
    try:
        window.show()
        before = window.state.dataset
        original = QProgressDialog.setValue

        def cancel_midway(dialog, value):
            original(dialog, value)
            if 0 < value < loader.PROGRESS_STEPS and not dialog.wasCanceled():
                dialog.cancel()

        monkeypatch.setattr(QProgressDialog, "setValue", cancel_midway)
        assert window.open_path(big_files["geojson"]) is False
        assert window.state.dataset is before
        monkeypatch.undo()
        assert window.open_path(big_files["geojson"]) is True
        assert len(window.state.dataset.events) == ROWS
    finally:
        main.delete_window(window)


def test_many_signals_do_not_wear_out_python():
    """Progress reports are signals; PySide6 6.12 on Python 3.11 drops a reference to True on each.

    Without the guard that Qt's start-up applies (desktop.app.pin_singletons,
    called by the tests' conftest as by application()) this aborts the test run
    with "Fatal Python error: bool_dealloc" after a few hundred signals.
    """
    import sys

    from PySide6.QtCore import QObject, Signal

    from eventmap.desktop import app

    class Reporter(QObject):
        progressed = Signal(float)

    if app.needs_pinning():
        assert app._pinned  # the conftest pinned them, as application() does
    reporter = Reporter()
    received = []
    reporter.progressed.connect(received.append)
    for i in range(20_000):
        reporter.progressed.emit(i / 20_000)
        reporter.progressed.disconnect(received.append)
        reporter.progressed.connect(received.append)
    assert len(received) == 20_000
    assert sys.getrefcount(True) > 1_000_000 and sys.getrefcount(None) > 1_000_000


def test_the_reference_pin_is_only_for_the_versions_that_need_it():
    from eventmap.desktop.app import needs_pinning

    assert needs_pinning("6.12.0", (3, 11), "cpython") and needs_pinning("6.12.3", (3, 10), "cpython")
    assert not needs_pinning("6.11.2", (3, 11), "cpython")
    assert not needs_pinning("6.13.0", (3, 11), "cpython")
    assert not needs_pinning("6.12.0", (3, 12), "cpython")
    assert not needs_pinning("6.12.0", (3, 11), "pypy")


def test_importing_the_desktop_package_pins_nothing():
    """The pin happens where Qt starts, never as a side effect of an import."""
    import subprocess
    import sys

    code = ("import sys; before = sys.getrefcount(True); import eventmap.desktop, eventmap.desktop.cli; "
            "print(sys.getrefcount(True) - before < 1_000_000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "True"


def test_the_opening_dialog_names_the_file_and_the_step_it_is_on(parent, big_files):
    """Never an empty box (#11.8): reading says which file and how far, then the map step says so while it runs."""
    seen = {}

    def show(dataset):
        (dialog,) = [d for d in parent.findChildren(QProgressDialog) if d.objectName() == "loadProgress"]
        seen.update(visible=dialog.isVisible(), title=dialog.windowTitle(), text=dialog.labelText(), value=dialog.value(),
                    cancel=[b.text() for b in dialog.findChildren(QPushButton) if b.isVisible()], events=len(dataset.events))

    reading = []
    original = QProgressDialog.setValue

    def record_text(dialog, value):
        reading.append(dialog.labelText())
        original(dialog, value)

    QProgressDialog.setValue = record_text
    try:
        dataset = load_with_progress(parent, big_files["geojson"], show=show)
    finally:
        QProgressDialog.setValue = original
    assert dataset is not None and seen["events"] == ROWS
    size_mb = big_files["geojson"].stat().st_size / 1e6
    assert reading[0] == f"Reading big.geojson ({size_mb:,.1f} MB)… (step 1 of 2)"
    assert seen["visible"] and seen["title"] == "Opening big.geojson"
    assert seen["text"] == f"Putting {ROWS:,} events from big.geojson on the map… (step 2 of 2)"
    assert seen["value"] == loader.PROGRESS_STEPS and seen["cancel"] == []  # the map step cannot be cancelled half-way
    assert not [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]  # gone once the map is there


def test_a_failing_map_step_closes_the_dialog_and_says_why(parent, big_files):
    def show(dataset):
        raise EventmapError("the map could not be built")

    with pytest.raises(EventmapError, match="could not be built"):
        load_with_progress(parent, big_files["csv"], show=show)
    assert not [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]
