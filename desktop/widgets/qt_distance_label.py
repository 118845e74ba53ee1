"""The status bar's distance readout: two selected events, the geodesic distance between them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from eventmap.desktop.view_state import ViewState

TOOLTIP = "Geodesic distance (WGS 84) between the two selected events"


class QtDistanceLabel(QLabel):
    """Shows ``place A – place B: 1,234.5 km`` while exactly two events are selected, else hides."""

    def __init__(self, state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("distanceLabel")
        self.setTextFormat(Qt.TextFormat.PlainText)  # place names are dataset text
        self.state = state
        self.hide()

    def show_selection(self, indices: Sequence[int]) -> None:
        """Show the distance between the two events at ``indices`` (positions in the dataset)."""
        events = self.state.dataset.events
        if len(indices) != 2 or not all(0 <= i < len(events) for i in indices):
            self.hide()
            return
        from eventmap.geo.places.distance import distance_km, distance_text  # geopy: loaded when first needed

        a, b = (events[i] for i in indices)
        km = distance_km((a.lat, a.lon), (b.lat, b.lon))
        names = [e.place or e.title for e in (a, b)]
        self.setText(f"{names[0]} – {names[1]}: {distance_text(km)}")
        self.setToolTip(TOOLTIP)
        self.show()
