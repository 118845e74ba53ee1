"""With no display at all, eventmap says what to do in one line (before Qt aborts), and exports still work."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from eventmap.desktop.app import NO_DISPLAY, missing_display

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY/WAYLAND_DISPLAY are the Linux (X11, Wayland) way")

RUN = "import sys; from eventmap.desktop.cli import main; code = main(sys.argv[1:]); print('qt' if 'PySide6.QtWidgets' in sys.modules else 'no qt'); sys.exit(code)"


def bare_environment(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["EVENTMAP_CONFIG_DIR"] = str(tmp_path / "config")
    env["EVENTMAP_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def test_which_environments_have_no_display():
    assert missing_display({}, "linux") == NO_DISPLAY
    assert missing_display({"DISPLAY": ""}, "linux") == NO_DISPLAY
    assert missing_display({"DISPLAY": ":0"}, "linux") is None
    assert missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert missing_display({}, "darwin") is None and missing_display({}, "win32") is None


def test_the_window_without_a_display_is_one_clear_line_and_exit_2(tmp_path):
    done = subprocess.run([sys.executable, "-c", RUN], env=bare_environment(tmp_path), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [NO_DISPLAY]
    assert "DISPLAY" in lines[0] and "QT_QPA_PLATFORM=offscreen" in lines[0] and "eventmap export" in lines[0]
    assert done.stdout.strip() == "no qt"  # found out before Qt was started


@pytest.mark.webengine
def test_export_without_a_display_renders_offscreen_by_itself(tmp_path):
    out = tmp_path / "y.png"
    done = subprocess.run([sys.executable, "-c", RUN, "export", "--year", "2020", "--size", "400x300", "-o", str(out)],
                          env=bare_environment(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 1000
