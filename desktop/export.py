"""Exports: PNG and PDF rendered by the app's own map page, standalone HTML, GeoJSON.

PNG and PDF use an offscreen :class:`~desktop.map.map_view.QtMapView`, so an
export looks exactly like the map in the window. HTML and GeoJSON need no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from eventmap.geo.dates import TimeWindow
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset
from eventmap.geo.view import ViewFilter, search_mask, shown_categories, shown_dataset
from eventmap.geo.page.build import build_map, render_html
from eventmap.geo.page.config import MapOptions
from eventmap.geo.storage import dumps_dataset, write_atomic

FORMATS = {".png": "PNG image", ".pdf": "PDF document", ".html": "standalone HTML page", ".geojson": "GeoJSON of the events shown"}
MAX_PIXELS = 8000


@dataclass
class ExportRequest:
    """What to export: the dataset as the user sees it, and how big."""

    out: Path
    dataset: Dataset
    view: ViewFilter = field(default_factory=ViewFilter)
    size: tuple[int, int] = (1200, 800)
    scale: float = 1.0
    basemap: str = "natural-earth"
    title: str | None = None
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None

    def kind(self) -> str:
        suffix = Path(self.out).suffix.lower()
        if suffix not in FORMATS:
            names = ", ".join(FORMATS)
            raise EventmapError(f"{self.out}: cannot export to {suffix or 'a file without extension'!r}; use one of {names}")
        return suffix[1:]

    def check(self) -> None:
        self.kind()
        width, height = self.size
        if not (50 <= width <= MAX_PIXELS and 50 <= height <= MAX_PIXELS):
            raise EventmapError(f"size {width}x{height}: width and height must be between 50 and {MAX_PIXELS} pixels")
        folder = Path(self.out).expanduser().resolve().parent
        if not folder.is_dir():
            raise EventmapError(f"{self.out}: the folder {folder} does not exist")
        if not 0.5 <= self.scale <= 4 or max(width, height) * self.scale > MAX_PIXELS * 2:
            raise EventmapError(f"scale {self.scale}: must be between 0.5 and 4 and keep the image under {MAX_PIXELS * 2} pixels")

    @property
    def window(self) -> TimeWindow:
        return self.view.window

    def label(self) -> str:
        return self.view.label()

    def shown(self) -> Dataset:
        """The dataset cut down to the events the view shows."""
        return shown_dataset(self.dataset, self.view)

    def options(self, mode: str) -> MapOptions:
        search = search_mask(self.dataset, self.view.search)
        extra: dict = {"windowLabel": self.label()}
        if mode == "app":
            extra["zoomControl"] = False  # a picture has no buttons to press
        if search is not None and mode == "app":
            extra["search"] = [int(i) for i in search.nonzero()[0]]
        if self.bounds is not None:
            extra["zoomSnap"] = 0
        return MapOptions(
            title=self.title or self.dataset.name,
            mode=mode,
            basemap=self.basemap,
            cumulative=self.view.cumulative,
            fit=self.bounds,
            categories=shown_categories(self.dataset, self.view),
            extra=extra,
        )


def export(request: ExportRequest) -> Path:
    """Write the export the file name asks for; returns the path written.

    Raises
    ------
    EventmapError
        For an unknown format, a bad size, or a file that cannot be written.
    """
    request.check()
    kind = request.kind()
    if kind == "geojson":
        write_atomic(request.out, dumps_dataset(request.shown()), backup=False)
    elif kind == "html":
        write_atomic(request.out, export_html_text(request), backup=False)
    else:
        # Print wants more pixels than a screen: a PDF's map is rendered at 2x at least.
        image = render_image(request if kind == "png" else replace(request, scale=max(2.0, request.scale)))
        if kind == "png":
            if not image.save(str(request.out), "PNG"):
                raise EventmapError(f"{request.out}: could not write the PNG file")
        else:
            write_pdf(request, image)
    return Path(request.out)


def export_html_text(request: ExportRequest) -> str:
    """A standalone page of the events shown: every script and style inlined."""
    shown = request.shown()
    options = request.options("static")
    options.categories = None  # the page holds only the shown events already
    fmap = build_map(shown.events, TimeWindow.all_time(), options, categories=request.dataset.categories())
    return render_html(fmap)


def render_image(request: ExportRequest):
    """Render the map offscreen at the requested size and scale; returns a QImage."""
    import shiboken6
    from PySide6.QtCore import Qt

    from eventmap.desktop.app import application
    from eventmap.desktop.map.map_view import QtMapView

    application(headless=True)
    width, height = request.size
    view = QtMapView()
    try:
        view.resize(round(width * request.scale), round(height * request.scale))
        view.setZoomFactor(request.scale)
        # Rendered for real, but never mapped on the user's screen.
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        view.show()
        view.show_dataset(request.dataset, request.window, request.options("app"))
        image = view.grab_painted()
    finally:
        view.close()
        # Now, not later: a page must be gone before its profile is released.
        shiboken6.delete(view)
    return image


def write_pdf(request: ExportRequest, image) -> None:
    """A one-page landscape PDF: the map picture and a line saying where it came from."""
    from PySide6.QtCore import QMarginsF, QRectF, Qt
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

    writer = QPdfWriter(str(request.out))
    writer.setTitle(request.title or request.dataset.name)
    writer.setCreator("eventmap")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape, QMarginsF(12, 12, 12, 12)))
    writer.setResolution(300)
    painter = QPainter()
    if not painter.begin(writer):
        raise EventmapError(f"{request.out}: could not write the PDF file")
    try:
        page = writer.pageLayout().paintRectPixels(writer.resolution())
        footer_height = writer.resolution() * 0.3
        area = QRectF(0, 0, page.width(), page.height() - footer_height)
        scaled = image.size().scaled(area.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF((area.width() - scaled.width()) / 2, 0, scaled.width(), scaled.height())
        painter.drawImage(target, image)
        painter.setFont(QFont("Sans Serif", 8))
        note = f"{request.title or request.dataset.name} · {request.label()} · exported with eventmap on {date.today():%d %b %Y} · basemap: Natural Earth (public domain)"
        painter.drawText(QRectF(0, target.bottom() + footer_height * 0.2, page.width(), footer_height), Qt.AlignmentFlag.AlignLeft, note)
    finally:
        painter.end()
