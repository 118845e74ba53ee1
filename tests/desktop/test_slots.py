"""The slot guard: an exception in a slot becomes the error dialog and a log line, and the app goes on."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMessageBox

from eventmap.desktop import slots
from eventmap.desktop.slots import guarded
from eventmap.geo.errors import EventmapError


def error_dialogs() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "eventmapErrorDialog" and w.isVisible()]


class Source(QObject):
    fired = Signal(int)


def test_a_slot_that_raises_shows_the_dialog_and_the_next_signal_still_arrives(qtbot, slot_errors, caplog):
    caught = slot_errors.expect()
    source = Source()
    received = []

    def broken(value: int) -> None:
        raise ZeroDivisionError(f"bad {value} <b>not bold</b>")

    source.fired.connect(guarded(broken))
    source.fired.connect(received.append)
    with caplog.at_level(logging.ERROR, logger="eventmap"):
        source.fired.emit(7)  # the emit returns: nothing escaped
    assert [type(e) for e in caught] == [ZeroDivisionError]
    assert received == [7]  # the other slot still ran
    assert "unexpected error in" in caplog.text and "ZeroDivisionError" in caplog.text
    (dialog,) = error_dialogs()
    assert dialog.textFormat() == Qt.TextFormat.PlainText
    assert "ZeroDivisionError: bad 7 <b>not bold</b>" in dialog.text()
    assert "Traceback" in dialog.detailedText() and "broken" in dialog.detailedText()
    assert dialog.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse

    source.fired.emit(8)  # a second failure while the dialog is open: logged, not a second dialog
    assert len(caught) == 2 and len(error_dialogs()) == 1
    assert received == [7, 8]


def test_bad_input_in_a_slot_shows_its_message_without_a_traceback(qtbot, slot_errors):
    slot_errors.expect()
    action = QAction("Open")

    def open_it() -> None:  # takes no argument although triggered passes one
        raise EventmapError("events.csv, line 3: the date 'soon' is not a date")

    action.triggered.connect(guarded(open_it))
    action.trigger()
    (dialog,) = error_dialogs()
    assert dialog.text() == "events.csv, line 3: the date 'soon' is not a date"
    assert dialog.detailedText() == ""


def test_a_guarded_slot_gets_only_the_arguments_it_takes(qtbot):
    action = QAction("Check")
    action.setCheckable(True)
    calls = []
    action.triggered.connect(guarded(lambda: calls.append("no args")))
    action.triggered.connect(guarded(lambda checked: calls.append(checked)))
    action.trigger()
    assert calls == ["no args", True]


def test_a_menu_action_of_the_window_that_raises_keeps_the_window_working(make_main_window, slot_errors, monkeypatch):
    from eventmap.desktop.main_window import MainWindow

    caught = slot_errors.expect()

    def broken_about(self) -> None:
        raise RuntimeError("the about box broke")

    monkeypatch.setattr(MainWindow, "_on_about", broken_about)  # before the window wires its menus
    window = make_main_window()
    window.named_actions["about"].trigger()
    assert [str(e) for e in caught] == ["the about box broke"]
    assert len(error_dialogs()) == 1
    window.state.set_search("Moscow")  # the window goes on
    assert window.state.search == "Moscow"
    assert window.isVisible()


def test_a_malformed_message_from_the_page_is_caught_at_the_bridge(make_main_window, slot_errors):
    caught = slot_errors.expect()
    window = make_main_window()
    window.view.bridge.receive("selected", '{"no index": 1}')  # what a broken page script could send
    assert [type(e) for e in caught] == [KeyError]
    assert len(error_dialogs()) == 1


def test_the_guard_wraps_only_once():
    def slot() -> None:
        pass

    once = guarded(slot)
    assert guarded(once) is once
    assert once.__name__ == "slot" and slots.guarded(once) is once


def test_an_exception_that_reaches_the_top_becomes_the_dialog_too(qtbot, slot_errors, monkeypatch):
    """An unguarded slot's exception goes to sys.excepthook; the app's hook shows the same dialog."""
    import sys

    caught = slot_errors.expect()
    try:
        raise ValueError("from a slot without the guard")
    except ValueError as exc:
        slots.excepthook(type(exc), exc, exc.__traceback__)
    assert [str(e) for e in caught] == ["from a slot without the guard"]
    (dialog,) = error_dialogs()
    assert "ValueError: from a slot without the guard" in dialog.text() and "Traceback" in dialog.detailedText()

    passed_on = []
    monkeypatch.setattr(sys, "__excepthook__", lambda *args: passed_on.append(args[0]))
    slots.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert passed_on == [KeyboardInterrupt] and len(caught) == 1


def test_the_app_start_up_installs_the_hook(tmp_path):
    import os
    import subprocess
    import sys

    code = ("import sys; from eventmap.desktop.app import application; application(headless=True); "
            "print(sys.excepthook.__module__, sys.excepthook.__name__)")
    env = dict(os.environ, EVENTMAP_CONFIG_DIR=str(tmp_path / "c"), EVENTMAP_CACHE_DIR=str(tmp_path / "k"))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["eventmap.desktop.slots", "excepthook"], done.stderr
