"""The map widget: a QWebEngineView showing the page eventmap.geo.page builds.

The page is built once per dataset or basemap and loaded from the eventmap:
scheme (never setHtml, which fails above 2 MB). Filters, time and selection
are then sent as small messages through the bridge.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtWebEngineWidgets import QWebEngineView

from eventmap.desktop.map.bridge import MapBridge
from eventmap.desktop.map.page_cache import app_page_html
from eventmap.desktop.map.web import MapPage, qwebchannel_script, scheme_handler
from eventmap.geo.dates import TimeWindow
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset
from eventmap.geo.page.assets import basemap_json, reference_bytes
from eventmap.geo.page.config import MapOptions
from eventmap.geo.page.payload import event_details, event_payload_binary

log = logging.getLogger("eventmap")
_HOSTS = itertools.count(1)


def image_is_blank(image: QImage) -> bool:
    """True when a sample grid of the image is one colour (nothing painted yet)."""
    if image.isNull() or image.width() < 2 or image.height() < 2:
        return True
    first = image.pixel(0, 0)
    for y in range(1, 10):
        for x in range(1, 10):
            if image.pixel(image.width() * x // 10, image.height() * y // 10) != first:
                return False
    return True


class QtMapView(QWebEngineView):
    """Shows a dataset on the map and applies view changes without reloading.

    Signals
    -------
    mapReady
        The page has loaded the events and drawn its first frame.
    framePainted(int, dict)
        The page reports that the change with this sequence number is on screen.
    """

    mapReady = Signal()
    framePainted = Signal(int, dict)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._page = MapPage(self)
        self.setPage(self._page)
        self.bridge = MapBridge(self._page)
        self.host = f"view{next(_HOSTS)}"
        self.dataset: Dataset | None = None
        self.tile_archive = None  # a TileArchive the page's local tiles come from
        self.is_ready = False
        self.last_painted = -1
        self.last_frame: dict[str, Any] = {}
        self._seq = itertools.count(1)
        self.last_sent = 0
        self.bridge.ready.connect(self._on_ready)
        self.bridge.painted.connect(self._on_painted)
        self.bridge.detailsRequested.connect(self._on_details_requested)
        self.bridge.pageError.connect(lambda m: log.error("map page: %s", m))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setAcceptDrops(False)  # drops go to the window, which opens files

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(900, 600)

    # --- loading -----------------------------------------------------------

    def show_dataset(self, dataset: Dataset, window: TimeWindow, options: MapOptions) -> None:
        """Build the page for ``dataset`` and load it (the one costly step)."""
        options.mode = "app"
        self.dataset = dataset
        self.is_ready = False
        self.last_painted = -1
        categories = dataset.categories()
        columns = dataset.columns  # computed once per dataset, shared with the filters
        html = app_page_html(dataset.events, window, options, categories, columns)
        files = {
            "page.html": (html.encode("utf-8"), b"text/html"),
            "events.bin": (event_payload_binary(dataset.events, categories, columns), b"application/octet-stream"),
            f"basemap/{options.basemap}.json": (basemap_json(options.basemap).encode("utf-8"), b"application/json"),
            "qwebchannel.js": (qwebchannel_script(), b"text/javascript"),
        }
        if options.reference:
            files["reference.json"] = (reference_bytes(), b"application/json")
        scheme_handler().publish(self.host, files, tiles=self.tile_archive if options.local_tiles else None)
        self.load(QUrl(f"eventmap://{self.host}/page.html"))

    def _on_ready(self, n: int) -> None:
        self.is_ready = True

    def _on_painted(self, seq: int, info: dict) -> None:
        self.last_painted = max(self.last_painted, seq)
        self.last_frame = info
        if seq == 0:
            self.mapReady.emit()
        self.framePainted.emit(seq, info)

    def _on_details_requested(self, index: int) -> None:
        if self.dataset is not None and 0 <= index < len(self.dataset.events):
            self.bridge.call("details", {"index": index, "details": event_details(self.dataset.events[index])})

    # --- changes applied in the page ----------------------------------------

    def send(self, name: str, payload: dict[str, Any] | None = None) -> int:
        """Send a change to the page; returns the sequence number its frame will report."""
        seq = self.last_sent = next(self._seq)
        self.bridge.call(name, {**(payload or {}), "seq": seq})
        return seq

    def fly_to(self, lat: float, lon: float, zoom: float, duration: float = 0.8) -> int:
        """Fly the map to a point (a place found in the gazetteer)."""
        return self.send("flyTo", {"lat": lat, "lon": lon, "zoom": zoom, "duration": duration})

    def set_window(self, window: TimeWindow, label: str, cumulative: bool = False) -> int:
        return self.send("setWindow", {"lo": window.lo, "hi": window.hi, "label": label, "cumulative": cumulative})

    def set_hidden_categories(self, hidden: list[int]) -> int:
        return self.send("setCategories", {"hidden": hidden})

    def set_search(self, indices: list[int] | None) -> int:
        return self.send("setSearch", {"indices": indices})

    def select(self, index: int | None, fly: bool = True) -> None:
        self.bridge.call("select", {"index": -1 if index is None else index, "fly": fly})

    def fit_bounds(self, bounds: tuple[float, float, float, float], animate: bool = True) -> int:
        """Show ``(south, west, north, east)``, flying there when ``animate``; the change's sequence number."""
        south, west, north, east = bounds
        return self.send("fitBounds", {"bounds": [[south, west], [north, east]], "animate": animate})

    def set_link(self, indices: tuple[int, int] | None, label: str = "") -> int:
        """Draw the geodesic between two events (dataset positions) labelled ``label``; None removes it."""
        return self.send("setLink", {"indices": list(indices) if indices else None, "label": label})

    def set_ruler(self, on: bool) -> int:
        """Turn the page's ruler (click two points to measure) on or off."""
        return self.send("setRuler", {"on": on})

    def state(self, callback: Callable[[dict | None], None]) -> None:
        """Ask the page what it shows (visible events, view, labels, popup)."""
        self.bridge.ask("getState", {}, callback)

    def state_now(self, timeout_ms: int = 10_000) -> dict:
        """The page's state, waiting for its answer (running events); {} on timeout."""
        result: list[dict] = []
        loop = QEventLoop()
        QTimer.singleShot(timeout_ms, loop.quit)
        self.state(lambda state: (result.append(state or {}), loop.quit()))
        if not result:
            loop.exec()
        return result[0] if result else {}

    # --- pictures -------------------------------------------------------------

    def grab_when_painted(self, callback: Callable[[QImage], None], timeout_ms: int = 5000) -> None:
        """Grab the map once the page has painted and the frame has reached the widget."""
        deadline = QTimer(self)
        deadline.setSingleShot(True)
        deadline.start(timeout_ms)

        def attempt() -> None:
            image = self.grab().toImage()
            if not image_is_blank(image) or not deadline.isActive():
                callback(image)
            else:
                QTimer.singleShot(15, attempt)

        attempt()

    def wait_painted(self, seq: int = 0, timeout_ms: int = 60_000) -> bool:
        """Run the event loop until the frame ``seq`` is painted; False on timeout."""
        if self.last_painted >= seq:
            return True
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        done = lambda s, _info: loop.quit() if s >= seq else None  # noqa: E731
        self.framePainted.connect(done)
        self.bridge.pageError.connect(loop.quit)
        timer.start(timeout_ms)
        loop.exec()
        self.framePainted.disconnect(done)
        self.bridge.pageError.disconnect(loop.quit)
        return self.last_painted >= seq

    def grab_painted(self, timeout_ms: int = 60_000) -> QImage:
        """Block (running events) until the map is painted, and return its picture.

        Raises
        ------
        EventmapError
            If the page does not finish drawing in time.
        """
        if not self.wait_painted(0, timeout_ms):
            raise EventmapError(f"the map did not finish drawing within {timeout_ms // 1000} s")
        result: list[QImage] = []
        loop = QEventLoop()
        self.grab_when_painted(lambda image: (result.append(image), loop.quit()))
        if not result:
            loop.exec()
        return result[0]

    def closeEvent(self, event) -> None:  # noqa: N802
        scheme_handler().withdraw(self.host)
        super().closeEvent(event)
