"""The form that adds or edits one event.

It only builds an :class:`~geo.events.Event`; the undoable commands in
:mod:`desktop.editing` put it into the model. A field the user did not touch
keeps the event's own value exactly (a structured source, a date's text, a
coordinate finer than the spin boxes show), and properties eventmap does not
know are carried over untouched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.slots import guarded
from eventmap.geo.dates import PartialDate, parse_date, span_is_valid
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import MAX_TEXT, Event, format_source, order_categories
from eventmap.geo.links import is_http_link

if TYPE_CHECKING:  # geopy (with requests) costs 0.2 s: loaded on the first "Look up"
    from eventmap.geo.places.geocoding import GeocoderChain

DECIMALS = 6  # about 0.1 m
ERROR_STYLE = "color: #b3261e;"


def _plain_label(text: str = "", error: bool = False) -> QLabel:
    # Dataset text and messages quoting it are never markup.
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if error:
        label.setStyleSheet(ERROR_STYLE)
        label.setVisible(False)
    return label


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class QtEventDialog(QDialog):
    """Title, dates, place, coordinates, category, summary, source and link of an event.

    Parameters
    ----------
    parent
        The window the dialog belongs to.
    event
        The event to edit, or None to add a new one.
    categories
        Categories offered besides the known ones (those of the dataset).
    map_clicked
        The map's click signal (latitude, longitude); "Pick on map" waits for
        it. Without one the button is disabled.
    geocoder
        Resolves place names for "Look up"; the offline gazetteer when None.

    Signals
    -------
    lookupFinished(bool)
        A "Look up" ended; True when it found the place.
    """

    lookupFinished = Signal(bool)

    def __init__(
        self,
        parent: QWidget | None = None,
        event: Event | None = None,
        *,
        categories: Iterable[str] = (),
        map_clicked: SignalInstance | None = None,
        geocoder: GeocoderChain | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("eventDialog")
        self.setWindowTitle("Edit Event" if event is not None else "Add Event")
        self.original = event
        self._map_clicked = map_clicked
        self._geocoder = geocoder
        self._lat = event.lat if event is not None else 0.0
        self._lon = event.lon if event is not None else 0.0
        self._located = event is not None
        self._submitted = False  # OK was pressed: every error shows
        self._touched: set[str] = set()  # fields edited so far: their errors show as the user types

        self.title = QLineEdit()
        self.start = QLineEdit()
        self.start.setPlaceholderText("2020-11-08, 2015-08 or 2014; empty: undated (shown at every time)")
        self.end = QLineEdit()
        self.end.setPlaceholderText("empty: the same period as the start")
        self.place = QLineEdit()
        self.place.setPlaceholderText("e.g. Tarbela, Pakistan")
        self.lookup_button = QPushButton("&Look up")
        self.lookup_button.setToolTip("Find the place in the gazetteer and fill in its coordinates")
        self.pick_button = QPushButton("&Pick on map")
        self.pick_button.setCheckable(True)
        self.pick_button.setToolTip("Click the map where the event happened")
        self.lat = QDoubleSpinBox()
        self.lon = QDoubleSpinBox()
        for box, limit, hint in ((self.lat, 90.0, "Latitude: north positive"), (self.lon, 180.0, "Longitude: east positive")):
            box.setDecimals(DECIMALS)
            box.setRange(-limit, limit)
            box.setSuffix("°")
            box.setToolTip(hint)
            box.setSingleStep(0.1)
            box.setAccelerated(True)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumHeight(90)
        self.source = QLineEdit()
        self.source.setPlaceholderText("publisher, title, date")
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://…")
        for line in (self.title, self.start, self.end, self.place, self.source, self.url):
            line.setMaxLength(MAX_TEXT)  # the default 32767 would cut a long imported text

        self.title_error = _plain_label(error=True)
        self.start_error = _plain_label(error=True)
        self.end_error = _plain_label(error=True)
        self.where_status = _plain_label()
        self.where_status.setVisible(False)
        self.where_error = _plain_label(error=True)
        self.url_error = _plain_label(error=True)

        self._fill(event, categories)
        self._build_layout()
        for key in ("title", "start", "end", "url"):
            getattr(self, key).textEdited.connect(guarded(lambda _text, key=key: self._on_field_edited(key)))
        self.lat.valueChanged.connect(self._on_lat_changed)
        self.lon.valueChanged.connect(self._on_lon_changed)
        self.lookup_button.clicked.connect(guarded(self.look_up))
        self.pick_button.toggled.connect(self._on_pick_toggled)
        self.finished.connect(lambda _result: self.pick_button.setChecked(False))
        if map_clicked is None:
            self.pick_button.setEnabled(False)
            self.pick_button.setToolTip("No map to pick from")

    # --- building ------------------------------------------------------------

    def _fill(self, event: Event | None, categories: Iterable[str]) -> None:
        names = order_categories(categories, every_known=True)
        self.category.addItems(names)
        if event is None:
            self.category.setCurrentIndex(-1)
            self.category.setEditText("")
        else:
            self.title.setText(event.title)
            self.start.setText(event.start.text if event.start is not None else "")
            self.end.setText(event.end.text if event.end is not None else "")
            self.place.setText(event.place)
            self.category.setEditText(event.category)
            self.summary.setPlainText(event.summary)
            self.source.setText(format_source(event.source))
            self.url.setText(event.url)
        self._set_coordinates(self._lat, self._lon)
        # What the widgets show now (read back: a widget may normalise text),
        # to tell untouched fields from edited ones.
        self._shown = self._texts()

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Title:", self.title)
        form.addRow("", self.title_error)
        form.addRow("&Start:", self.start)
        form.addRow("", self.start_error)
        form.addRow("&End:", self.end)
        form.addRow("", self.end_error)
        place_row = QHBoxLayout()
        place_row.addWidget(self.place, 1)
        place_row.addWidget(self.lookup_button)
        place_row.addWidget(self.pick_button)
        form.addRow(_buddy("&Place:", self.place), place_row)
        coords = QHBoxLayout()
        coords.addWidget(self.lat, 1)
        coords.addWidget(_buddy("Lo&ngitude:", self.lon))
        coords.addWidget(self.lon, 1)
        form.addRow(_buddy("Lat&itude:", self.lat), coords)
        form.addRow("", self.where_status)
        form.addRow("", self.where_error)
        form.addRow("&Category:", self.category)
        form.addRow("Su&mmary:", self.summary)
        form.addRow("So&urce:", self.source)
        form.addRow("Lin&k:", self.url)
        form.addRow("", self.url_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(guarded(self.accept))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _texts(self) -> dict[str, str]:
        return {
            "title": self.title.text(),
            "start": self.start.text(),
            "end": self.end.text(),
            "place": self.place.text(),
            "category": self.category.currentText(),
            "summary": self.summary.toPlainText(),
            "source": self.source.text(),
            "url": self.url.text(),
        }

    # --- coordinates --------------------------------------------------------------

    def coordinates(self) -> tuple[float, float]:
        """``(lat, lon)`` as they will be saved (more precise than the spin boxes show)."""
        return self._lat, self._lon

    def set_coordinates(self, lat: float, lon: float) -> None:
        """Place the event at ``lat``, ``lon`` (what Look up and Pick on map do)."""
        self._lat, self._lon = max(-90.0, min(90.0, lat)), max(-180.0, min(180.0, lon))
        self._located = True
        self._set_coordinates(self._lat, self._lon)
        if self._submitted:
            self.validate()

    def _set_coordinates(self, lat: float, lon: float) -> None:
        for box, value in ((self.lat, lat), (self.lon, lon)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)

    @guarded
    def _on_lat_changed(self, value: float) -> None:
        self._lat, self._located = value, True
        self.validate()

    @guarded
    def _on_lon_changed(self, value: float) -> None:
        self._lon, self._located = value, True
        self.validate()

    def geocoder(self) -> GeocoderChain:
        if self._geocoder is None:
            from eventmap.geo.places.geocoding import make_geocoder

            self._geocoder = make_geocoder(online=False)
        return self._geocoder

    def look_up(self) -> bool:
        """Find the place name in the gazetteer chain and take its coordinates."""
        name = self.place.text().strip()
        found = False
        if not name:
            self._show_where("Type a place name to look up.", error=True)
        else:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                result = self.geocoder().resolve(name)
            except EventmapError as exc:
                self._show_where(exc.message, error=True)
            else:
                if result is None:
                    where = "the gazetteer or online" if self.geocoder().online else "the offline gazetteer"
                    self._show_where(f"No place called {name!r} in {where}. Pick it on the map or type the coordinates.", error=True)
                else:
                    self.set_coordinates(result.lat, result.lon)
                    label = f"{result.name}, {result.country_name}" if result.country_name and result.country_name != result.name else result.name
                    source = f"{result.source}, {result.reference}" if result.reference else result.source
                    self._show_where(f"Found {label} ({source}).")
                    found = True
            finally:
                QGuiApplication.restoreOverrideCursor()
        self.lookupFinished.emit(found)
        return found

    @guarded
    def _on_pick_toggled(self, on: bool) -> None:
        if self._map_clicked is None:
            return
        if on:
            self._map_clicked.connect(self._on_map_clicked)
            self._show_where("Click the map where the event happened (press the button again to stop).")
        else:
            try:
                self._map_clicked.disconnect(self._on_map_clicked)
            except (RuntimeError, TypeError):
                pass  # already gone with its page

    @guarded
    def _on_map_clicked(self, lat: float, lon: float) -> None:
        self.pick_button.setChecked(False)
        self.set_coordinates(lat, lon)
        self._show_where(f"Picked {lat:.4f}, {lon:.4f} on the map.")
        self.raise_()
        self.activateWindow()

    def _show_where(self, text: str, error: bool = False) -> None:
        self.where_status.setText("" if error else text)
        self.where_status.setVisible(not error and bool(text))
        self.where_error.setText(text if error else "")
        self.where_error.setVisible(error and bool(text))

    # --- validation and the result -----------------------------------------------

    def _on_field_edited(self, key: str) -> None:
        self._touched.add(key)
        self.validate()

    def _changed(self, key: str) -> bool:
        return self._texts()[key] != self._shown[key]

    def _date(self, key: str, label: QLabel) -> tuple[bool, PartialDate | None]:
        """The date in field ``key`` (the event's own when untouched), and whether it is valid."""
        text = self._texts()[key].strip()
        if not self._changed(key) and self.original is not None:
            return True, getattr(self.original, key)
        if not text:
            return True, None
        try:
            return True, parse_date(text)
        except EventmapError as exc:
            self._error(label, exc.message, key)
            return False, None

    def _error(self, label: QLabel, text: str, key: str = "") -> None:
        label.setText(text)
        label.setVisible(bool(text) and (self._submitted or key in self._touched))

    def validate(self) -> bool:
        """Check every field, showing a message under each one that is wrong."""
        for label in (self.title_error, self.start_error, self.end_error, self.url_error):
            self._error(label, "")
        ok = True
        if not self.title.text().strip():
            self._error(self.title_error, "An event needs a title.", "title")
            ok = False
        start_ok, start = self._date("start", self.start_error)
        end_ok, end = self._date("end", self.end_error)
        ok = ok and start_ok and end_ok
        if not span_is_valid(start, end):
            self._error(self.end_error, f"The end ({end.text}) is before the start ({start.text}).", "end")
            self.end_error.setVisible(True)
            ok = False
        url = self.url.text().strip()
        if url and self._changed("url") and not is_http_link(url):
            self._error(self.url_error, "A link must start with http:// or https:// and contain no spaces.", "url")
            ok = False
        if not self._located:
            if self._submitted:  # not while the user is still typing the title
                self._show_where("Say where: look up the place, pick it on the map, or type the coordinates.", error=True)
            ok = False
        elif not self.where_error.isHidden() and self.where_error.text().startswith("Say where"):
            self._show_where("")
        return ok

    def edited_event(self) -> Event | None:
        """The event the form describes, or None while a field is wrong.

        The id stays the edited event's (empty for a new one: the command that
        adds it chooses one); its extra properties are kept.
        """
        if not self.validate():
            return None
        _ok, start = self._date("start", self.start_error)
        _ok, end = self._date("end", self.end_error)
        base = self.original or Event(id="", title="", lon=0.0, lat=0.0)
        texts = self._texts()

        def text(key: str, clean) -> Any:
            if self.original is not None and not self._changed(key):
                return getattr(self.original, key)
            return clean(texts[key])

        source = base.source if self.original is not None and not self._changed("source") else (texts["source"].strip() or None)
        return dataclasses.replace(
            base,
            title=text("title", str.strip),
            start=start,
            end=end,
            place=text("place", str.strip),
            category=text("category", lambda s: s.strip().lower()),
            summary=text("summary", lambda s: s.strip("\n")),
            source=source,
            url=text("url", str.strip),
            lat=self._lat,
            lon=self._lon,
            extra=dict(base.extra),
            feature_extra=dict(base.feature_extra),
        )

    def accept(self) -> None:
        self._submitted = True
        if self.edited_event() is None:
            for field, label in ((self.title, self.title_error), (self.start, self.start_error), (self.end, self.end_error), (self.url, self.url_error)):
                if not label.isHidden():
                    field.setFocus()
                    break
            return
        super().accept()
