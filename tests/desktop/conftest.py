"""Fixtures for window tests: a factory that opens main windows and deletes them afterwards."""

from __future__ import annotations

import pytest

from eventmap.desktop.app import pin_singletons, register_scheme
from eventmap.geo.paths import default_dataset

# The eventmap: scheme must be known before WebEngine starts; pytest-qt's
# QApplication is made without desktop.app.application(), so register it here.
register_scheme()
pin_singletons()  # PySide6 6.12 on Python 3.11 (see desktop.app); before pytest-qt starts Qt

WAIT_MS = 30_000


def page_state(qtbot, view, timeout_ms: int = 10_000) -> dict | None:
    """What the page shows now (view, bounds, visible events, popup), waiting for its answer."""
    if not view.is_ready:
        return None
    answers: list = []
    view.state(answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=timeout_ms)
    return answers[0]


@pytest.fixture
def ask_page(qtbot):
    """``ask_page(view)``: what the page shows now (None before it is ready); only tests ask the page."""
    return lambda view: page_state(qtbot, view)


@pytest.fixture
def state():
    """A view state on the bundled dataset, for widget tests without a window."""
    from eventmap.desktop.view_state import ViewState
    from eventmap.geo.importers import load_dataset

    return ViewState(load_dataset(default_dataset()))


@pytest.fixture
def make_map_view(qtbot):
    """``make_map_view(dataset, window=None, options=None, size=(900, 600))``: a shown map view, its page drawn."""
    from eventmap.desktop.map.map_view import QtMapView
    from eventmap.geo.dates import TimeWindow
    from eventmap.geo.page.config import MapOptions

    def make(dataset, window=None, options=None, size=(900, 600)) -> QtMapView:
        view = QtMapView()
        qtbot.addWidget(view)
        view.resize(*size)
        view.show()
        with qtbot.waitSignal(view.mapReady, timeout=WAIT_MS * 2):
            view.show_dataset(dataset, window or TimeWindow.all_time(), options or MapOptions())
        return view

    return make


@pytest.fixture
def make_main_window(qtbot):
    """Make a shown main window on a dataset (the bundled one by default), its map drawn.

    Every window made is deleted at the end of the test, before the next one:
    a map page must never outlive the test that made it.
    """
    from eventmap.desktop.main_window import MainWindow, delete_window

    windows = []

    def make(path=None, size=(1100, 720), **kwargs) -> MainWindow:
        window = MainWindow(**kwargs)
        windows.append(window)
        if size is not None:
            window.resize(*size)
        window.show()
        with qtbot.waitSignal(window.view.mapReady, timeout=WAIT_MS):
            assert window.open_path(path or default_dataset())
        return window

    yield make
    for window in windows:
        delete_window(window)


@pytest.fixture
def map_state(qtbot):
    """``map_state(window)``: what the page shows, asked once it has drawn the last change sent to it."""

    def ask(window) -> dict:
        seq = window.map_link.last_seq
        qtbot.waitUntil(lambda: window.view.is_ready and window.view.last_painted >= seq, timeout=WAIT_MS)
        state = page_state(qtbot, window.view)
        assert state is not None
        return state

    return ask


class SlotErrors:
    """Exceptions the slot guard caught during a test (see eventmap.desktop.slots)."""

    def __init__(self) -> None:
        self.caught: list[BaseException] = []
        self.expected = False

    def expect(self) -> list[BaseException]:
        """Say this test makes slots fail on purpose; returns the list they are caught into."""
        self.expected = True
        return self.caught


@pytest.fixture(autouse=True)
def slot_errors(monkeypatch):
    """The guard keeps an exception inside its slot: a test that did not expect one still fails on it."""
    from eventmap.desktop import slots

    errors = SlotErrors()
    report = slots.report_error

    def record(exc, where=""):
        errors.caught.append(exc)
        report(exc, where)

    monkeypatch.setattr(slots, "report_error", record)
    yield errors
    for dialog in list(slots._open_dialog):
        dialog.close()
    slots._open_dialog.clear()
    if errors.caught and not errors.expected:
        pytest.fail(f"a slot raised (the guard caught it): {errors.caught[0]!r}")
