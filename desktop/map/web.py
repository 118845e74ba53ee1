"""The WebEngine profile, page and eventmap: scheme that every map view uses.

Pages are served from memory under ``eventmap://<host>/``; nothing else on
disk is reachable from a page, and the page may not navigate anywhere. Links
the user clicks in a popup open in the system browser, and only if http(s).
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QBuffer, QByteArray, QFile, QIODevice, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestJob,
    QWebEngineUrlSchemeHandler,
)

from eventmap.desktop.app import SCHEME

log = logging.getLogger("eventmap")

_PROFILE: QWebEngineProfile | None = None
_HANDLER: SchemeHandler | None = None
_QWEBCHANNEL_JS: bytes | None = None
_TILE_PATH = re.compile(r"tiles/(\d{1,2})/(\d{1,8})/(\d{1,8})(?:\.\w+)?")


class SchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves each view's page, events and basemap from memory."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._sites: dict[str, dict[str, tuple[bytes, bytes]]] = {}
        self._tiles: dict[str, object] = {}

    def publish(self, host: str, files: dict[str, tuple[bytes, bytes]], tiles=None) -> None:
        """Serve ``files`` (path -> (content, mime type)) under ``eventmap://host/``,
        and ``tiles/{z}/{x}/{y}`` from ``tiles`` (a TileArchive) if given."""
        self._sites[host] = files
        if tiles is None:
            self._tiles.pop(host, None)
        else:
            self._tiles[host] = tiles

    def withdraw(self, host: str) -> None:
        self._sites.pop(host, None)
        self._tiles.pop(host, None)

    def _tile(self, host: str, path: str) -> tuple[bytes, bytes] | None:
        archive = self._tiles.get(host)
        match = _TILE_PATH.fullmatch(path)
        if archive is None or match is None:
            return None
        try:
            data = archive.tile(int(match[1]), int(match[2]), int(match[3]))
        except Exception as exc:  # noqa: BLE001 - a bad tile is a missing tile, never a crash
            log.warning("tile %s of %s unreadable: %s", path, archive.path, exc)
            return None
        return (data, archive.mime.encode()) if data is not None else None

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 - Qt override
        url = job.requestUrl()
        initiator = job.initiator()
        # A page reads only its own host's files; only the view itself (no
        # initiator: a typed navigation) opens a page.
        if not initiator.isEmpty() and (initiator.scheme() != SCHEME.decode() or initiator.host() != url.host()):
            log.warning("%s asked for %s: refused", initiator.toString()[:100], url.toString()[:200])
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        files = self._sites.get(url.host(), {})
        path = url.path().lstrip("/")
        entry = files.get(path)
        if entry is None and path.startswith("tiles/"):
            entry = self._tile(url.host(), path)
            if entry is None:  # no tile there: an empty answer, not an error for every tile off the file
                job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
                return
        if entry is None:
            log.warning("page asked for %s: not served", url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        content, mime = entry
        buffer = QBuffer(job)
        buffer.setData(QByteArray(content))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buffer)


def qwebchannel_script() -> bytes:
    """Qt's qwebchannel.js, served on each view's own host (a page may not load qrc:)."""
    global _QWEBCHANNEL_JS
    if _QWEBCHANNEL_JS is None:
        import PySide6.QtWebChannel  # noqa: F401, PLC0415 - registers the :/qtwebchannel resources

        source = QFile(":/qtwebchannel/qwebchannel.js")
        if not source.open(QIODevice.OpenModeFlag.ReadOnly):
            raise RuntimeError("Qt's qwebchannel.js resource is missing")
        _QWEBCHANNEL_JS = bytes(source.readAll().data())
        source.close()
    return _QWEBCHANNEL_JS


def profile() -> QWebEngineProfile:
    """The one off-the-record profile, kept alive for the whole process."""
    global _PROFILE, _HANDLER
    if _PROFILE is None:
        from PySide6.QtWidgets import QApplication

        _PROFILE = QWebEngineProfile(QApplication.instance())
        _PROFILE.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        _PROFILE.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        _HANDLER = SchemeHandler(_PROFILE)
        _PROFILE.installUrlSchemeHandler(SCHEME, _HANDLER)
        settings = _PROFILE.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.PluginsEnabled, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.ShowScrollBars, False)
    return _PROFILE


def scheme_handler() -> SchemeHandler:
    profile()
    assert _HANDLER is not None
    return _HANDLER


class MapPage(QWebEnginePage):
    """A page that stays on its map: no navigation, no pop-ups, links go to the browser."""

    def __init__(self, view) -> None:
        super().__init__(profile(), view)
        self.console: list[str] = []

    def acceptNavigationRequest(self, url: QUrl, kind, is_main_frame: bool) -> bool:  # noqa: N802
        if url.scheme() == SCHEME.decode() and kind == QWebEnginePage.NavigationType.NavigationTypeTyped:
            return True
        if url.scheme() in ("http", "https") and kind == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            QDesktopServices.openUrl(url)
        elif url.scheme() not in (SCHEME.decode(), "about", "data"):
            log.warning("blocked navigation to %s", url.toString()[:200])
        return False

    def createWindow(self, kind):  # noqa: N802 - target=_blank links
        return _LinkCatcher(self)

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:  # noqa: N802
        self.console.append(message)
        if level != QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel:
            log.warning("page: %s (%s:%s)", message, source, line)


class _LinkCatcher(QWebEnginePage):
    """Receives a link opened in a new window and hands http(s) links to the system browser."""

    def __init__(self, parent: QWebEnginePage) -> None:
        super().__init__(profile(), parent)

    def acceptNavigationRequest(self, url: QUrl, kind, is_main_frame: bool) -> bool:  # noqa: N802
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
        self.deleteLater()
        return False
