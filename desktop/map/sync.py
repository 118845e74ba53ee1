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

from PySide6.QtCore import QObject, Signal

from eventmap.desktop.map.map_view import QtMapView
from eventmap.desktop.view_state import ViewState
from eventmap.geo.page.config import MapOptions
from eventmap.geo.view import hidden_codes, shown_categories
from eventmap.geo.viewport import Viewport

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
        self.tile_archive = None  # a user's PMTiles or MBTiles file, drawn under the events
        self.last_seq = 0  # the sequence number of the last change sent (0: the page's first frame)
        self.pages_built = 0
        self._sent: dict[str, Any] = {}
        self._clicked = -1  # the marker last clicked on the page: its popup opens without flying
        state.datasetChanged.connect(lambda: self.rebuild(keep_view=False))
        state.eventsEdited.connect(lambda: self.rebuild(keep_view=True))
        state.windowChanged.connect(self._send_window)
        state.categoriesChanged.connect(self._send_categories)
        state.searchChanged.connect(self._send_search)
        state.selectionChanged.connect(self._on_selection_changed)
        state.selectionSetChanged.connect(self._send_link)
        view.mapReady.connect(self._on_map_ready)
        view.bridge.selected.connect(self._on_marker_clicked)
        view.bridge.viewChanged.connect(self._on_view_reported)
        view.bridge.tilesFailed.connect(self._on_tiles_failed)

    # --- building the page ------------------------------------------------------

    def set_basemap(self, key: str) -> None:
        """Show another basemap (rebuilds the page, keeping the view)."""
        basemap = BASEMAPS.get(key, BASEMAPS[OFFLINE])
        if basemap != self.basemap:
            self.basemap = basemap
            self.rebuild(keep_view=True)

    def set_basemap_file(self, archive) -> None:
        """Draw a user's tile file (an open TileArchive) under the events, or stop (None)."""
        old = self.tile_archive
        self.tile_archive = archive
        if old is not archive:
            self.rebuild(keep_view=True)
            if old is not None:
                old.close()

    def rebuild(self, keep_view: bool = True) -> None:
        """Build and load the page for the current dataset (the one costly step)."""
        state = self.state
        # The model keeps the view the page last reported: a rebuilt page opens on it.
        view = state.viewport.view if keep_view and state.viewport is not None else None
        extra: dict[str, Any] = {"windowLabel": state.window_label()}
        search = state.search_indices()
        if search is not None:
            extra["search"] = search
        options = MapOptions(
            title=state.dataset.name,
            basemap=self.basemap.shapes,
            tiles=self.basemap.tiles,
            cumulative=state.cumulative,
            categories=shown_categories(state.dataset, state.view),
            view=view,
            local_tiles=self.tile_archive.page_info() if self.tile_archive is not None else None,
            extra=extra,
        )
        self.view.tile_archive = self.tile_archive
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
        if len(self.state.selection) == 2:
            self._send_link()

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
            self.last_seq = self.view.set_hidden_categories(hidden_codes(self.state.dataset, self.state.view))

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
        if self.view.is_ready:
            self._show_selection(index)

    def _show_selection(self, index: int) -> None:
        """Open the selected event's popup, flying to it unless it was clicked where it is drawn."""
        if index < 0:
            self.view.select(None)
            return
        self.view.select(index, fly=index != self._clicked)

    def _send_link(self, *_args) -> None:
        """Two events selected: the page draws the geodesic between them, labelled with its length."""
        if not self.view.is_ready:
            return
        selection = self.state.selection
        events = self.state.dataset.events
        if len(selection) == 2 and all(0 <= i < len(events) for i in selection):
            from eventmap.geo.places.distance import distance_km, distance_text  # geopy: loaded when first needed

            a, b = (events[i] for i in selection)
            self.view.set_link((selection[0], selection[1]), distance_text(distance_km((a.lat, a.lon), (b.lat, b.lon))))
        else:
            self.view.set_link(None)

    def _on_marker_clicked(self, index: int) -> None:
        # The page only reports the click; the model selects and the page follows.
        self._clicked = index
        if index == self.state.selected:
            self._show_selection(index)  # selected already (its popup may have been closed): open it again
        else:
            self.state.set_selected(index)

    def _on_view_reported(self, report: dict) -> None:
        viewport = Viewport.from_report(report)
        if viewport is not None:
            self.state.set_viewport(viewport)

    def _on_tiles_failed(self, name: str) -> None:
        if self.basemap.online:
            log.warning("online tiles %s failed to load; back to the offline basemap", name)
            self.set_basemap(OFFLINE)
            self.tilesFailed.emit(name or "the online tiles")
