"""Qt's and Chromium's messages about GPUs, Vulkan and D-Bus stay off stderr unless EVENTMAP_DEBUG=1 (#11.7)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType

from eventmap.desktop.app import CHROMIUM_QUIET, QUIET_RULES, prepare_environment, quiet_message_handler

WINDOW = """
from eventmap.desktop.app import application
app = application()
from PySide6.QtCore import QTimer
from eventmap.desktop.main_window import MainWindow
from eventmap.geo.paths import default_dataset
window = MainWindow()
window.show()
window.open_path(default_dataset())
window.view.mapReady.connect(lambda *a: QTimer.singleShot(1000, app.quit))
QTimer.singleShot(60_000, app.quit)
app.exec()
print(app.platformName(), window.view.is_ready)
"""


def test_qt_warnings_go_to_the_log_and_critical_messages_to_stderr(capsys, caplog):
    context = QMessageLogContext()
    with caplog.at_level("DEBUG", logger="eventmap"):
        for text in ("Failed to load vulkan: Cannot load library vulkan", "GLX: No DRI3 Extension.",
                     "Unable to detect GPU vendor for device: Mesa/X.org llvmpipe"):
            quiet_message_handler(QtMsgType.QtWarningMsg, context, text)
        quiet_message_handler(QtMsgType.QtInfoMsg, context, "some note")
        quiet_message_handler(QtMsgType.QtCriticalMsg, context, "the GPU process crashed")
    assert capsys.readouterr().err == "the GPU process crashed\n"
    assert "qt: GLX: No DRI3 Extension." in caplog.text


def test_chromium_is_told_to_keep_quiet_unless_debugging(monkeypatch):
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    monkeypatch.delenv("QT_LOGGING_RULES", raising=False)
    monkeypatch.delenv("EVENTMAP_DEBUG", raising=False)
    prepare_environment()
    flags = os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split()
    assert "--no-sandbox" in flags and all(flag in flags for flag in CHROMIUM_QUIET)
    assert os.environ["QT_LOGGING_RULES"] == QUIET_RULES

    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --log-level=0")
    monkeypatch.delenv("QT_LOGGING_RULES")
    monkeypatch.setenv("EVENTMAP_DEBUG", "1")
    prepare_environment()
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"].split() == ["--no-sandbox", "--log-level=0"]  # the user's own
    assert "QT_LOGGING_RULES" not in os.environ


@pytest.mark.webengine
@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (apt-get install xvfb) for a real X display")
def test_a_window_on_a_real_x_display_prints_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "EVENTMAP_DEBUG", "QT_LOGGING_RULES")}
    env.update(EVENTMAP_CONFIG_DIR=str(tmp_path / "config"), EVENTMAP_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1400x1000x24", sys.executable, "-c", WINDOW],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["xcb", "True"]  # a real X11 window, its map drawn
    assert done.stderr == ""
