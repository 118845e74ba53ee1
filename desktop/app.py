"""Start-up: the environment Chromium needs, the eventmap: scheme, the QApplication."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

log = logging.getLogger("eventmap")

SCHEME = b"eventmap"

_pinned = False


def needs_pinning(pyside: str | None = None, python: tuple[int, int] | None = None, implementation: str | None = None) -> bool:
    """Whether this PySide6 and Python need :func:`pin_singletons` (PySide6 6.12.x on CPython before 3.12)."""
    if pyside is None:
        import PySide6

        pyside = PySide6.__version__
    python = python or sys.version_info[:2]
    implementation = implementation or sys.implementation.name
    return implementation == "cpython" and python < (3, 12) and pyside.split(".")[:2] == ["6", "12"]


def pin_singletons() -> bool:
    """Work around PySide6 6.12 dropping references to None, True and False (CPython 3.11).

    PySide6 6.12 returns None, True and False from some calls (Signal.emit,
    connect, QAction.setEnabled, ...) without taking a reference. Python 3.12
    and later never free these objects (PEP 683), so there it does no harm; on
    3.11 every such call takes one reference away, and after a few hundred
    signals Python aborts with "Fatal Python error: bool_dealloc". Giving them
    2**40 references makes them as good as immortal. Called where Qt starts
    (:func:`application`, the tests' conftest), once; True when it pinned.
    """
    global _pinned
    if _pinned or not needs_pinning():
        return False
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
    _pinned = True
    return True


NO_DISPLAY = (
    "eventmap: there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): "
    "run it in a desktop session or set DISPLAY (e.g. DISPLAY=:0); without a display, "
    "'eventmap export' and 'eventmap --screenshot' still work, or set QT_QPA_PLATFORM=offscreen"
)


def missing_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """The one line to print when a window cannot open for want of a display, else None.

    Checked before Qt starts: Qt's own message ("no Qt platform plugin could be
    initialized") points nowhere, and it aborts the process.
    """
    environ = os.environ if environ is None else environ
    platform = platform or sys.platform
    if platform in ("win32", "darwin", "cygwin"):
        return None
    if any(environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")):
        return None
    return NO_DISPLAY


def prepare_environment(headless: bool = False) -> None:
    """Set what Qt WebEngine needs before any QApplication exists.

    As root, Chromium refuses to start its sandbox; only then is
    ``--no-sandbox`` added, and the log says so. ``headless`` (exports,
    benchmarks) renders offscreen unless QT_QPA_PLATFORM says otherwise.
    """
    if headless and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if sys.platform != "win32" and hasattr(os, "geteuid") and os.geteuid() == 0:
        if "--no-sandbox" not in flags and not os.environ.get("QTWEBENGINE_DISABLE_SANDBOX"):
            flags = (flags + " --no-sandbox").strip()
            log.info("running as root: Chromium started with --no-sandbox (its sandbox cannot run as root)")
    if not os.environ.get("EVENTMAP_DEBUG"):
        # Chromium's own chatter (D-Bus, GPU, sandbox) goes to stderr unless told otherwise.
        for flag in CHROMIUM_QUIET:
            if flag.split("=")[0] not in flags:
                flags = (flags + " " + flag).strip()
        os.environ.setdefault("QT_LOGGING_RULES", QUIET_RULES)
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = flags


CHROMIUM_QUIET = ("--log-level=3", "--disable-logging")
# Qt's categorised chatter: debug output, and the platform, RHI and WebEngine context notes.
QUIET_RULES = "*.debug=false;qt.qpa.*=false;qt.rhi.*=false;qt.webenginecontext.*=false;qt.webengine.*.info=false"


def quiet_message_handler(mode, context, message: str) -> None:
    """Qt's messages: only critical and fatal ones reach stderr; the rest go to the log (debug level).

    On a real display Qt says which GPU paths it tried ("Failed to load vulkan",
    "Unable to detect GPU vendor", "GLX: No DRI3 Extension"): software
    rendering is expected and the user cannot act on them. EVENTMAP_DEBUG=1
    installs no handler, so Qt prints everything.
    """
    from PySide6.QtCore import QtMsgType

    if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        sys.stderr.write(message + "\n")
    else:
        log.debug("qt: %s", message)


def register_scheme() -> None:
    """Register the eventmap: URL scheme (must happen before the QApplication)."""
    from PySide6.QtWebEngineCore import QWebEngineUrlScheme

    if QWebEngineUrlScheme.schemeByName(SCHEME).name() == SCHEME:
        return
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Neither LocalScheme nor LocalAccessAllowed: with them a page may read
    # file:///any/file (Chromium treats both as local). Without them each
    # eventmap://<view>/ host is its own origin: it fetches its own files, and
    # CORS keeps it from reading another view's (see desktop.map.web).
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme | QWebEngineUrlScheme.Flag.FetchApiAllowed)
    QWebEngineUrlScheme.registerScheme(scheme)


def application(argv: list[str] | None = None, headless: bool = False):
    """The QApplication, created once with everything WebEngine needs."""
    prepare_environment(headless)
    pin_singletons()
    register_scheme()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if not os.environ.get("EVENTMAP_DEBUG"):
            from PySide6.QtCore import qInstallMessageHandler

            qInstallMessageHandler(quiet_message_handler)
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(argv if argv is not None else [sys.argv[0]])
        from eventmap.desktop.slots import install_excepthook

        install_excepthook()  # the net under the slot guard
        app.setApplicationName("eventmap")
        app.setOrganizationName("eventmap")
        from eventmap.geo import __version__

        app.setApplicationVersion(__version__)
    return app
