"""Keeps a QtMapView showing what the ViewState says.

The page is built only for a new dataset, a new basemap, or after edits (and
then keeps the user's pan and zoom). Every filter change is one small message
through the bridge. Changes made while a page is loading are sent once it has
drawn its first frame.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from eventmap.desktop.map.map_view import QtMapView
from eventmap.desktop.view_state import ViewState
from eventmap.geo.page.config import MapOptions

log = logging.getLogger("eventmap")


@dataclass(frozen=True)
class Basemap:
    """A choice in View ▸ Basemap: the offline country shapes, optionally with online tiles on top."""

    key: str
    title: str
    shapes: str
    tiles: str | None = None

    @property
    def online(self) -> bool:
        return self.tiles is not None


BASEMAPS = {
    b.key: b
    for b in (
        Basemap("natural-earth", "Natural Earth 50m (offline)", "natural-earth"),
        Basemap("natural-earth-110m", "Natural Earth 110m (offline)", "natural-earth-110m"),
        Basemap("osm", "OpenStreetMap (online tiles)", "natural-earth", "osm"),
        Basemap("carto-light", "CARTO light (online tiles)", "natural-earth", "carto-light"),
    )
}
OFFLINE = "natural-earth"


class MapLink(QObject):
    """Sends the model's changes to a map view, and the page's clicks to the model.

    Signals
    -------
    tilesFailed(str)
        The online tiles named could not be loaded; the map is back on the offline basemap.
    """

    tilesFailed = Signal(str)

    def __init__(self, state: ViewState, view: QtMapView, basemap: str = OFFLINE) -> None:
        super().__init__(view)
        self.state = state
        self.view = view
        self.basemap = BASEMAPS.get(basemap, BASEMAPS[OFFLINE])
        self.last_seq = 0  # the sequence number of the last change sent (0: the page's first frame)
        self.pages_built = 0
        self._generation = 0
        self._sent: dict[str, Any] = {}
        self._from_page = -1
        state.datasetChanged.connect(lambda: self.rebuild(keep_view=False))
        state.eventsEdited.connect(lambda: self.rebuild(keep_view=True))
        state.windowChanged.connect(self._send_window)
        state.categoriesChanged.connect(self._send_categories)
        state.searchChanged.connect(self._send_search)
        state.selectionChanged.connect(self._on_selection_changed)
        view.mapReady.connect(self._on_map_ready)
        view.bridge.selected.connect(self._on_marker_clicked)
        view.bridge.tilesFailed.connect(self._on_tiles_failed)

    # --- building the page ------------------------------------------------------

    def set_basemap(self, key: str) -> None:
        """Show another basemap (rebuilds the page, keeping the view)."""
        basemap = BASEMAPS.get(key, BASEMAPS[OFFLINE])
        if basemap != self.basemap:
            self.basemap = basemap
            self.rebuild(keep_view=True)

    def rebuild(self, keep_view: bool = True) -> None:
        """Build and load the page for the current dataset (the one costly step)."""
        self._generation += 1
        generation = self._generation
        if keep_view and self.view.is_ready:
            self.view.state(lambda page: self._build(generation, page))
        else:
            self._build(generation, None)

    def _build(self, generation: int, page: dict | None) -> None:
        if generation != self._generation:
            return  # a newer rebuild was asked for meanwhile
        state = self.state
        view = None
        if page and page.get("center") and page.get("zoom") is not None:
            view = (float(page["center"][0]), float(page["center"][1]), float(page["zoom"]))
        extra: dict[str, Any] = {"windowLabel": state.window_label()}
        search = state.search_indices()
        if search is not None:
            extra["search"] = search
        categories = state.dataset.categories()
        options = MapOptions(
            title=state.dataset.name,
            basemap=self.basemap.shapes,
            tiles=self.basemap.tiles,
            cumulative=state.cumulative,
            categories=[c for c in categories if c not in state.hidden_categories],
            view=view,
            extra=extra,
        )
        self.last_seq = 0
        self._sent = self._current()
        self.pages_built += 1
        self.view.show_dataset(state.dataset, state.window, options)

    def _current(self) -> dict[str, Any]:
        state = self.state
        return {"window": (state.window, state.cumulative), "categories": state.hidden_categories, "search": state.search}

    def _on_map_ready(self) -> None:
        # Whatever changed while the page was loading goes now.
        current = self._current()
        if current["window"] != self._sent.get("window"):
            self._send_window()
        if current["categories"] != self._sent.get("categories"):
            self._send_categories()
        if current["search"] != self._sent.get("search"):
            self._send_search()
        if self.state.selected >= 0:
            self.view.select(self.state.selected, fly=False)

    # --- filters: messages, never a new page ---------------------------------------

    def _send_window(self) -> None:
        if self.view.is_ready:
            state = self.state
            self._sent["window"] = (state.window, state.cumulative)
            self.last_seq = self.view.set_window(state.window, state.window_label(), state.cumulative)

    def _send_categories(self) -> None:
        if self.view.is_ready:
            hidden = self.state.hidden_categories
            self._sent["categories"] = hidden
            codes = [i for i, c in enumerate(self.state.dataset.categories()) if c in hidden]
            self.last_seq = self.view.set_hidden_categories(codes)

    def _send_search(self) -> None:
        if self.view.is_ready:
            self._sent["search"] = self.state.search
            self.last_seq = self.view.set_search(self.state.search_indices())

    def frame_pending(self) -> bool:
        """Whether the page has yet to paint the last change sent (play waits for it)."""
        return self.view.is_ready and self.view.last_painted < self.last_seq

    def fit_all(self) -> None:
        if self.view.is_ready:
            self.last_seq = self.view.send("fitAll")

    # --- selection, both ways ---------------------------------------------------------

    def _on_selection_changed(self, index: int) -> None:
        if index == self._from_page and index >= 0:
            return  # the page selected it itself, with its popup open
        if self.view.is_ready:
            self.view.select(index if index >= 0 else None)

    def _on_marker_clicked(self, index: int) -> None:
        self._from_page = index
        try:
            self.state.set_selected(index)
        finally:
            self._from_page = -1

    def _on_tiles_failed(self, name: str) -> None:
        if self.basemap.online:
            log.warning("online tiles %s failed to load; back to the offline basemap", name)
            self.set_basemap(OFFLINE)
            self.tilesFailed.emit(name or "the online tiles")

    # --- asking the page -----------------------------------------------------------------

    def page_state(self, timeout_ms: int = 5000) -> dict | None:
        """What the page shows now (view, bounds, visible events), waiting for its answer."""
        if not self.view.is_ready:
            return None
        result: list[dict | None] = []
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)

        def answer(state: dict | None) -> None:
            if not result:  # a late answer, after the timeout, finds the loop gone
                result.append(state)
                loop.quit()

        self.view.state(answer)
        if not result:
            timer.start(timeout_ms)
            loop.exec()
        if not result:
            result.append(None)
        return result[0]
