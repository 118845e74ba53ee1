"""The one Python module that talks across the Qt/page boundary.

Python -> page: :meth:`MapBridge.call` sends ``eventmap.call(name, payload)``
with the payload JSON-encoded; no other JavaScript is assembled anywhere.
Page -> Python: resources/bridge.js calls the ``receive`` slot of the object
registered as ``bridge`` on the page's QWebChannel.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage

from eventmap.desktop.slots import guarded

log = logging.getLogger("eventmap")


def _clean(value: Any) -> Any:
    # JSON has no Infinity; the page reads null as an open end.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def encode_call(name: str, payload: dict[str, Any] | None) -> str:
    """The script for one call into the page: names and data only as JSON literals."""
    text = json.dumps(_clean(payload or {}), allow_nan=False, separators=(",", ":"))
    return f"eventmap.call({json.dumps(name)}, {text})"


class MapBridge(QObject):
    """Messages between a map page and Python, as Qt signals."""

    ready = Signal(int)  # number of events loaded
    painted = Signal(int, dict)  # sequence number, what the frame showed
    selected = Signal(int)  # dataset position of a clicked marker
    detailsRequested = Signal(int)
    popupOpened = Signal(int)
    mapClicked = Signal(float, float)  # latitude, longitude of a click on empty map
    tilesFailed = Signal(str)
    viewChanged = Signal(dict)  # centre, zoom, bounds and size, once a pan or zoom has settled
    pageError = Signal(str)
    pointerMoved = Signal(float, float)  # latitude, longitude under the mouse
    pointerLeft = Signal()

    def __init__(self, page: QWebEnginePage) -> None:
        super().__init__(page)
        self._page = page
        self._channel = QWebChannel(page)
        self._channel.registerObject("bridge", self)
        page.setWebChannel(self._channel)

    def call(self, name: str, payload: dict[str, Any] | None = None) -> None:
        """Run ``eventmap.call(name, payload)`` in the page, without waiting."""
        self._page.runJavaScript(encode_call(name, payload))

    def ask(self, name: str, payload: dict[str, Any] | None, callback: Callable[[Any], None]) -> None:
        """Run a call whose handler returns JSON text, and pass the decoded value to ``callback``."""

        @guarded
        def done(result: Any) -> None:
            try:
                callback(json.loads(result) if isinstance(result, str) and result else None)
            except json.JSONDecodeError:
                callback(None)

        self._page.runJavaScript(encode_call(name, payload), 0, done)

    @Slot(str, str)
    @guarded
    def receive(self, name: str, payload: str) -> None:
        """Called by resources/bridge.js for every ``eventmap.notify``."""
        try:
            data = json.loads(payload) if payload else None
        except json.JSONDecodeError:
            log.warning("bridge: unreadable %s message", name)
            return
        data = data if isinstance(data, dict) else {}
        if name == "detailsRequested" and not isinstance(data.get("index"), int):
            # a page still drawing the previous events can ask about one it has no index for
            log.info("bridge: %s without an event index (the page is being rebuilt)", name)
            return
        if name == "ready":
            self.ready.emit(int(data.get("n", 0)))
        elif name == "painted":
            self.painted.emit(int(data.get("seq") or 0), data)
        elif name == "selected":
            self.selected.emit(int(data["index"]))
        elif name == "detailsRequested":
            self.detailsRequested.emit(int(data["index"]))
        elif name == "popupOpened":
            self.popupOpened.emit(int(data["index"]))
        elif name == "mapClicked":
            self.mapClicked.emit(float(data["lat"]), float(data["lon"]))
        elif name == "viewChanged":
            self.viewChanged.emit(data)
        elif name == "pointer":
            if payload and payload != "null":
                self.pointerMoved.emit(float(data["lat"]), float(data["lon"]))
            else:
                self.pointerLeft.emit()
        elif name == "tilesFailed":
            self.tilesFailed.emit(str(data.get("name", "")))
        elif name == "error":
            self.pageError.emit(str(data.get("message", "")))
