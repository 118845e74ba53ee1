"""A report-grade PDF: the map at 300 pixels per inch on A4, then (optionally) the events shown as a table.

The map page holds the picture rendered at the size it prints (300 ppi; the
page is rendered, not scaled up) and a line saying what it shows. The table
pages list the events in date order: date, place, title and sources, with
the header repeated on each page. All text is drawn as plain text: dataset
text never meets markup here.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Event

PPI = 300
MARGIN_MM = 12
FOOTER_IN = 0.3
# Columns of the events table: heading and share of the width.
COLUMNS = (("Date", 0.17), ("Place", 0.17), ("Title", 0.36), ("Sources", 0.30))


def page_layout() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape, QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM))


def map_area_pixels() -> tuple[int, int]:
    """The map's printed size at :data:`PPI`, in pixels (the page less its margins and footer)."""
    rect = page_layout().paintRectPixels(PPI)
    return rect.width(), int(rect.height() - PPI * FOOTER_IN)


def print_scale(size: tuple[int, int], limit: float = 5.0) -> float:
    """The pixel density that renders a map of ``size`` CSS pixels at :data:`PPI` where it prints."""
    width, height = map_area_pixels()
    return min(limit, max(1.0, min(width / size[0], height / size[1])))


def write_pdf(request, image: QImage, events: list[Event] | None = None) -> None:
    """Write the map page, and a table of ``events`` on the pages after it when given."""
    writer = QPdfWriter(str(request.out))
    writer.setTitle(request.title or request.dataset.name)
    writer.setCreator("eventmap")
    writer.setPageLayout(page_layout())
    writer.setResolution(PPI)
    painter = QPainter()
    if not painter.begin(writer):
        raise EventmapError(f"{request.out}: could not write the PDF file")
    try:
        page = writer.pageLayout().paintRectPixels(writer.resolution())
        footer_height = PPI * FOOTER_IN
        area = QRectF(0, 0, page.width(), page.height() - footer_height)
        scaled = image.size().scaled(area.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF((area.width() - scaled.width()) / 2, 0, scaled.width(), scaled.height())
        painter.drawImage(target, image)
        painter.setFont(QFont("Sans Serif", 8))
        shown = f" · {len(events):,} events listed on the following pages" if events else ""
        note = (f"{request.title or request.dataset.name} · {request.label()}{shown} · exported with eventmap on "
                f"{date.today():%d %b %Y} · basemap: Natural Earth (public domain), places: GeoNames (CC BY 4.0)")
        note = QFontMetricsF(painter.font(), writer).elidedText(note, Qt.TextElideMode.ElideRight, target.width())
        painter.drawText(QRectF(target.left(), target.bottom() + footer_height * 0.2, target.width(), footer_height),
                         Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextSingleLine, note)
        if events:
            _draw_table(writer, painter, QRectF(0, 0, page.width(), page.height()), events, request)
    finally:
        painter.end()


def _cells(event: Event) -> list[str]:
    return [event.when(), event.place, event.title, event.source_text() + (f"\n{event.url}" if event.url else "")]


def _draw_table(writer: QPdfWriter, painter: QPainter, page: QRectF, events: list[Event], request) -> None:
    font, bold = QFont("Sans Serif", 8), QFont("Sans Serif", 8)
    bold.setBold(True)
    metrics = QFontMetricsF(font, writer)
    pad = PPI * 0.04
    footer = PPI * 0.3
    widths = [page.width() * share for _name, share in COLUMNS]
    lefts = [sum(widths[:k]) for k in range(len(widths))]
    flags = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
    title = f"Events shown: {request.title or request.dataset.name}, {request.label()} ({len(events):,})"
    ordered = sorted(events, key=lambda e: (e.lo, e.title))
    page_number, y = 1, page.bottom()  # start a page at once
    for event in ordered:
        cells = _cells(event)
        height = max(metrics.boundingRect(QRectF(0, 0, w - 2 * pad, 1e6), flags, text).height() for w, text in zip(widths, cells)) + 2 * pad
        if y + height > page.bottom() - footer:
            writer.newPage()
            page_number += 1
            painter.setFont(bold)
            painter.drawText(QRectF(0, 0, page.width(), metrics.height() * 1.6), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextSingleLine, title)
            y = metrics.height() * 1.8
            head = metrics.height() + 2 * pad
            painter.fillRect(QRectF(0, y, page.width(), head), Qt.GlobalColor.lightGray)
            for (name, _share), left, w in zip(COLUMNS, lefts, widths):
                painter.drawText(QRectF(left + pad, y + pad, w - 2 * pad, head), flags, name)
            y += head
            painter.setFont(font)
            painter.drawText(QRectF(0, page.bottom() - footer * 0.7, page.width(), footer * 0.7),
                             Qt.AlignmentFlag.AlignRight | Qt.TextFlag.TextSingleLine, f"page {page_number}")
        for left, w, text in zip(lefts, widths, cells):
            painter.drawText(QRectF(left + pad, y + pad, w - 2 * pad, height), flags, text)
        y += height
        painter.setPen(QPen(Qt.GlobalColor.gray, PPI / 150))
        painter.drawLine(0, int(y), int(page.width()), int(y))
        painter.setPen(QPen(Qt.GlobalColor.black))
