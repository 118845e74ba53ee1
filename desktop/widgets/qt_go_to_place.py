"""The status bar's "Go to place" box and the coordinates under the mouse."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from eventmap.geo.places.goto import PlaceView, find_place, format_point


class QtGoToPlace(QLineEdit):
    """Type a place name and press Enter: ``placeFound`` carries where it is.

    Names are looked up in the gazetteer, then in the bundled reference names
    (:func:`eventmap.geo.places.goto.find_place`); ``notFound`` carries the text
    that found nothing.
    """

    placeFound = Signal(object)  # PlaceView
    notFound = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("goToPlace")
        self.setPlaceholderText("Go to place…")
        self.setClearButtonEnabled(True)
        self.setMaximumWidth(220)
        self.setToolTip("Type a city, province, country or sea and press Enter")
        self.returnPressed.connect(self._on_return_pressed)

    def _on_return_pressed(self) -> None:
        text = self.text().strip()
        if not text:
            return
        place: PlaceView | None = find_place(text)
        if place is None:
            self.notFound.emit(text)
        else:
            self.placeFound.emit(place)


class QtPointerLabel(QLabel):
    """Latitude and longitude under the mouse, as plain text; empty when the mouse is off the map."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pointerCoordinates")
        self.setTextFormat(self.textFormat().PlainText)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00.0000° N, 000.0000° W") + 16)

    def show_point(self, lat: float, lon: float) -> None:
        self.setText(format_point(lat, lon))

    def clear_point(self) -> None:
        self.clear()
