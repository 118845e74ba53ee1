"""Exports: PNG and PDF rendered by the app's own map page, standalone HTML, GeoJSON.

PNG and PDF use an offscreen :class:`~desktop.map.map_view.QtMapView`, so an
export looks exactly like the map in the window. HTML and GeoJSON need no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from eventmap.geo.dates import TimeWindow
from eventmap.geo.errors import EventmapError
from eventmap.geo.tile_archive import open_tile_archive
from eventmap.geo.events import Dataset
from eventmap.geo.view import ViewFilter, search_mask, shown_categories, shown_dataset
from eventmap.geo.page.build import build_map, render_html
from eventmap.geo.page.config import MapOptions
from eventmap.geo.storage import dumps_dataset, write_atomic
from eventmap.geo.viewport import view_for_size

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
    basemap_file: str | None = None  # a PMTiles or MBTiles file under the events (pictures only: PNG, PDF, video)
    title: str | None = None
    # The screen's map view (latitude, longitude, zoom) and its size in CSS pixels:
    # the export keeps the centre and the scale, never refits (refitting pads and zooms out).
    map_view: tuple[float, float, float] | None = None
    map_size: tuple[int, int] | None = None
    with_table: bool = False  # PDF: list the events shown on the pages after the map
    legend_all: bool = False  # the legend lists every category, not only those shown
    interactive: bool = False  # HTML: the whole dataset with time slider, filters, list and story, not a still

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
        map_view = None
        if self.map_view is not None:
            map_view = view_for_size(self.map_view, self.map_size or self.size, self.size)
            extra["zoomSnap"] = 0  # the zoom is the screen's exactly, not rounded to a quarter step
        return MapOptions(
            title=self.title or self.dataset.name,
            mode=mode,
            basemap=self.basemap,
            cumulative=self.view.cumulative,
            view=map_view,
            legend_all=self.legend_all,
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
        text = export_interactive_text(request) if request.interactive else export_html_text(request)
        write_atomic(request.out, text, backup=False)
    else:
        from eventmap.desktop.export.pdf import print_scale, write_pdf

        # Print wants more pixels than a screen: a PDF's map is rendered at the size it prints, 300 ppi.
        image = render_image(request if kind == "png" else replace(request, scale=max(request.scale, print_scale(request.size))))
        if kind == "png":
            if not image.save(str(request.out), "PNG"):
                raise EventmapError(f"{request.out}: could not write the PNG file")
        else:
            write_pdf(request, image, request.shown().events if request.with_table else None)
    return Path(request.out)


def export_html_text(request: ExportRequest) -> str:
    """A standalone page of the events shown: every script and style inlined."""
    shown = request.shown()
    options = request.options("static")
    options.categories = None  # the page holds only the shown events already
    # The page holds its own copy of the reference layers: those around the events shown.
    from eventmap.geo.page.config import fit_bounds

    options.reference_region = fit_bounds(shown.events or request.dataset.events)
    fmap = build_map(shown.events, TimeWindow.all_time(), options, categories=request.dataset.categories())
    return render_html(fmap)


def export_interactive_text(request: ExportRequest) -> str:
    """A standalone interactive page: every event, and in the page a time slider with its
    histogram, play, the year filter, category and text filters, the event list, popups, and
    the dataset's story with its stops (resources/page/controls.js), all offline."""
    from eventmap.geo.story import dataset_story, story_to_json

    story, _problems = dataset_story(request.dataset.extra)
    options = request.options("static")
    options.categories = None
    options.extra.pop("search", None)
    options.extra["windowLabel"] = "All time"
    options.extra["interactive"] = {"story": story_to_json(story) if story is not None else None}
    # The page holds its own copy of the map: the reference layers around the events (and the
    # story's stops), and the lighter country shapes unless the user chose another basemap.
    from eventmap.geo.page.config import fit_bounds

    region = fit_bounds(request.dataset.events)
    if region is not None and story is not None:
        (south, west), (north, east) = region
        for stop in story.stops:
            south, west, north, east = min(south, stop.bounds[0]), min(west, stop.bounds[1]), max(north, stop.bounds[2]), max(east, stop.bounds[3])
        region = ((south, west), (north, east))
    options.reference_region = region
    if options.basemap == "natural-earth":
        options.basemap = "natural-earth-110m"
    fmap = build_map(request.dataset.events, TimeWindow.all_time(), options, categories=request.dataset.categories())
    return render_html(fmap)


def render_image(request: ExportRequest):
    """Render the map offscreen at the requested size and scale; returns a QImage."""
    return render_view(request)[0]


def render_view(request: ExportRequest):
    """Render the map offscreen; returns the QImage and what the page reports it shows (view, bounds, size)."""
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
        options = request.options("app")
        if request.basemap_file:
            archive = view.tile_archive = open_tile_archive(request.basemap_file)
            options.local_tiles = archive.page_info()
        view.show_dataset(request.dataset, request.window, options)
        image = view.grab_painted()
        state = view.state_now()
    finally:
        if view.tile_archive is not None:
            view.tile_archive.close()
        view.close()
        # Now, not later: a page must be gone before its profile is released.
        shiboken6.delete(view)
    return image, state
