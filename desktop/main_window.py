"""The main window: the map in the middle, time controls below, the event list beside it.

It assembles the widgets around one :class:`~desktop.view_state.ViewState` and
wires menus to them; the widgets never talk to each other.

``window.menus`` (``"file"``, ``"edit"``, ``"view"``, ``"time"``, ``"help"``) and
``window.named_actions`` name what the menus hold. ``window.close_guards`` are
callables asked before the dataset is replaced or the window closes, any of
which may return False to keep things as they are (the editing controller's
``maybe_save`` is one). Start-up and screenshots are in :mod:`desktop.run`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.exporting import WindowExports
from eventmap.desktop.editing import EditingController
from eventmap.desktop.map.map_view import QtMapView
from eventmap.desktop.map.sync import BASEMAPS, OFFLINE, MapLink
from eventmap.desktop.plain_text import warn
from eventmap.desktop.presenter import Presenter
from eventmap.desktop.settings import Settings
from eventmap.desktop.slots import guarded
from eventmap.desktop.story import StoryState, bounds_of, show_stop, stop_from_view
from eventmap.desktop.view_state import ViewState
from eventmap.desktop.widgets.qt_category_filter import QtCategoryFilter
from eventmap.desktop.widgets.qt_distance_label import QtDistanceLabel
from eventmap.desktop.widgets.qt_event_table import QtEventTable
from eventmap.desktop.widgets.qt_recent_menu import QtRecentMenu
from eventmap.desktop.widgets.qt_go_to_place import QtGoToPlace, QtPointerLabel
from eventmap.desktop.widgets.qt_search import QtSearch
from eventmap.desktop.widgets.qt_story_panel import QtStoryPanel
from eventmap.desktop.widgets.qt_time_slider import SPEEDS, QtTimeSlider
from eventmap.desktop.widgets.qt_year_filter import QtYearFilter
from eventmap.geo.databases import DatabaseSource
from eventmap.geo.dates import TimeWindow
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset
from eventmap.geo.paths import default_dataset
from eventmap.geo.sanitize import display_name, display_path
from eventmap.geo.tile_archive import describe, open_tile_archive
from eventmap.geo.view import ViewFilter

log = logging.getLogger("eventmap")

DEFAULT_SIZE = (1400, 900)
EVENTS_SHARE, EVENTS_WIDTH = 0.4, (360, 560)  # the event list's first width; the map gets the rest
MAX_ERROR_LINES = 25
STATUS_MS = 8000


class MainWindow(QMainWindow):
    """The eventmap window.

    Parameters
    ----------
    settings
        Remembered choices (loaded from the config folder when None).
    remember
        Whether closing the window saves geometry and choices (not for screenshots).
    """

    def __init__(self, settings: Settings | None = None, remember: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("eventmapMainWindow")
        self.settings = settings if settings is not None else Settings.load()
        self.remember = remember
        self.close_guards: list[Callable[[], bool]] = []
        self.state = ViewState(parent=self)
        self.view = QtMapView(self)
        self.setCentralWidget(self.view)
        self.map_link = MapLink(self.state, self.view, self.settings.basemap)
        self._restore_basemap_file()
        self.exports = WindowExports(self)

        self.time_slider = QtTimeSlider(self.state, self)
        self.time_slider.set_frame_gate(self.map_link.frame_pending)
        self.year_filter = QtYearFilter(self.state, self)
        self.time_slider.add_control("Year:", self.year_filter)
        self.time_slider.set_speed(self.settings.play_speed if self.settings.play_speed in SPEEDS else 1.0)
        self.time_slider.loop.setChecked(self.settings.loop)
        self.search = QtSearch(self.state, self)
        self.categories = QtCategoryFilter(self.state, self)
        self.table = QtEventTable(self.state, self)
        self.table.set_property_columns(self.settings.table_columns)
        self.table.columnsChanged.connect(guarded(self._on_table_columns_changed))
        self._build_docks()
        self._build_status_bar()
        self.menus: dict[str, QMenu] = {}
        self.named_actions: dict[str, QAction] = {}
        self._build_menus()
        self.setAcceptDrops(True)

        self.state.datasetChanged.connect(guarded(self._on_dataset_changed))
        self.state.eventsEdited.connect(guarded(self._update_counts))
        self.state.windowChanged.connect(guarded(self._update_counts))
        self.state.categoriesChanged.connect(guarded(self._update_counts))
        self.state.searchChanged.connect(guarded(self._update_counts))
        self.state.dirtyChanged.connect(self.setWindowModified)
        self.state.selectionSetChanged.connect(guarded(self.distance_label.show_selection))
        self.map_link.tilesFailed.connect(guarded(self._on_tiles_failed))
        self.view.bridge.pageError.connect(guarded(lambda message: self.statusBar().showMessage(f"Map: {message}", STATUS_MS)))
        self._on_dataset_changed()

        self.resize(*DEFAULT_SIZE)
        self._install_editing()
        self._install_story()
        if remember:
            self._restore_layout()

    # --- assembling ---------------------------------------------------------------

    def _build_docks(self) -> None:
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.time_dock = QDockWidget("Time", self)
        self.time_dock.setObjectName("timeDock")
        self.time_dock.setWidget(self.time_slider)
        self.time_dock.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.TopDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.time_dock)

        panel = QWidget(self)
        column = QVBoxLayout(panel)
        column.setContentsMargins(6, 6, 6, 6)
        column.setSpacing(6)
        column.addWidget(self.search)
        column.addWidget(self.categories)
        column.addWidget(self.table, 1)
        self.events_dock = QDockWidget("Events", self)
        self.events_dock.setObjectName("eventsDock")
        self.events_dock.setWidget(panel)
        self.events_dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.events_dock)
        self._docks_sized = False

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.distance_label = QtDistanceLabel(self.state, self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("statusCount")
        self.basemap_label = QLabel(self)
        self.basemap_label.setObjectName("statusBasemap")
        self.pointer_label = QtPointerLabel(self)
        for label in (self.count_label, self.basemap_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # the status bar shows no markup, whatever a name holds
        for label in (self.distance_label, self.pointer_label, self.count_label, self.basemap_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)
        self.go_to_place = QtGoToPlace(self)
        bar.addPermanentWidget(self.go_to_place)
        self.go_to_place.placeFound.connect(guarded(self._on_place_found))
        self.go_to_place.notFound.connect(guarded(lambda text: bar.showMessage(f"No place called {text!r} in the gazetteer", STATUS_MS)))
        self.view.bridge.pointerMoved.connect(guarded(self.pointer_label.show_point))
        self.view.bridge.pointerLeft.connect(guarded(self.pointer_label.clear_point))
        self._show_basemap()

    def _on_place_found(self, place) -> None:
        self.view.fly_to(place.lat, place.lon, place.zoom)
        self.statusBar().showMessage(f"Going to {place.label}", STATUS_MS)

    def _action(self, key: str, text: str, slot: Callable | None = None, shortcut: str | QKeySequence.StandardKey | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(guarded(slot))
        self.named_actions[key] = action
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = self.menus["file"] = bar.addMenu("&File")
        file.addAction(self._action("open", "&Open…", self._on_open, "Ctrl+O", "Open an event file (GeoJSON, CSV, KML, KMZ, Parquet, GeoPackage)"))
        file.addAction(self._action("open_database", "Open &Database…", self._on_open_database, None,
                                    "Read events from a DuckDB file or a PostgreSQL/PostGIS table or query"))
        self.recent_menu = QtRecentMenu(self.settings, self.remember, self)
        self.recent_menu.openRequested.connect(guarded(self.open_path))
        file.addMenu(self.recent_menu)
        file.addSeparator()
        for key, text, shortcut in (("save", "&Save", "Ctrl+S"), ("save_as", "Save &As…", "Ctrl+Shift+S")):
            action = self._action(key, text, None, shortcut)
            action.setEnabled(False)  # the editing module connects and enables these
            file.addAction(action)
        file.addAction(self._action("new_from_article", "New Events from &Article…", lambda: self.events_from_article(add=False),
                                    None, "Read a news article (pasted, .txt or .html) and review the events it reports"))
        file.addAction(self._action("import", "&Import…", self._on_import, None,
                                    "Read events from a CSV, KML or KMZ file (ACLED, UCDP, Google Earth…)"))  # the editing module connects and enables these
        file.addSeparator()
        export_menu = file.addMenu("&Export")
        export_menu.addAction(self._action("export", "&Map or Events…", self._on_export, "Ctrl+E",
                                           "Export the map as PNG, PDF or HTML, or the events as GeoJSON"))
        export_menu.addAction(self._action("export_animation", "&Animation…", self.exports.on_export_animation, "Ctrl+Shift+E",
                                           "Export the time slider as a clip: MP4, WebM, GIF or animated WebP"))
        self.menus["export"] = export_menu
        file.addSeparator()
        quit_action = self._action("quit", "&Quit", self.close, "Ctrl+Q")
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file.addAction(quit_action)

        self.menus["edit"] = bar.addMenu("&Edit")

        view = self.menus["view"] = bar.addMenu("&View")
        basemaps = view.addMenu("&Basemap")
        self.basemap_group = QActionGroup(self)
        for key, basemap in BASEMAPS.items():
            action = self._action(f"basemap:{key}", basemap.title, lambda _checked=False, k=key: self.set_basemap(k))
            action.setCheckable(True)
            action.setChecked(key == self.map_link.basemap.key)
            self.basemap_group.addAction(action)
            basemaps.addAction(action)
            if key == "natural-earth-110m":
                basemaps.addSeparator()
        basemaps.addSeparator()
        basemaps.addAction(self._action("open-basemap-file", "Open Basemap &File…", lambda _checked=False: self.choose_basemap_file(),
                                        tip="A PMTiles or MBTiles file (raster or vector tiles) drawn under the events, offline"))
        view.addAction(self._action("fit_all", "&Fit All", self.map_link.fit_all, "Ctrl+0", "Zoom the map to all events"))
        view.addSeparator()
        for key, dock in (("show_time", self.time_dock), ("show_events", self.events_dock)):
            action = dock.toggleViewAction()
            action.setText(f"Show {dock.windowTitle()} Panel")
            self.named_actions[key] = action
            view.addAction(action)

        time = self.menus["time"] = bar.addMenu("&Time")
        slider = self.time_slider
        for action in (slider.play_action, slider.previous_action, slider.next_action, None, slider.previous_period_action,
                       slider.next_period_action, slider.first_action, slider.last_action):
            if action is None:
                time.addSeparator()
            else:
                time.addAction(action)
        self.named_actions.update(play=slider.play_action, previous_event=slider.previous_action, next_event=slider.next_action)

        help_menu = self.menus["help"] = bar.addMenu("&Help")
        help_menu.addAction(self._action("sample", "Open the &Sample Dataset", self.open_sample,
                                         tip="Open the events that come with eventmap"))
        help_menu.addSeparator()
        about = self._action("about", "&About eventmap", self._on_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(about)

    def _finish_edit_menu(self) -> None:
        edit = self.menus["edit"]
        if edit.actions():
            edit.addSeparator()
        edit.addAction(self._action("add_from_article", "Add Events from &Article…", lambda: self.events_from_article(add=True),
                                    None, "Review the events a news article reports and add the ones you tick"))
        edit.addAction(self._action("find", "&Find…", self._on_find, "Ctrl+F", "Search the events"))
        edit.addAction(self._action("reset_filters", "&Reset Filters", self.reset_filters, None, "Show all time, every category, no search"))

    def _install_editing(self) -> None:
        """Undo, add/edit/delete and saving: one controller, given what it works on."""
        self.editing = EditingController(self, self.state, map_clicked=self.view.bridge.mapClicked)
        self.undo_stack = self.editing.undo_stack
        self.editing.add_menu_actions(self.menus["edit"])
        for widget in (self.view, self.table):
            self.editing.add_return_shortcut(widget)
        for key, slot in (("save", self.editing.save), ("save_as", self.editing.save_as)):
            self.named_actions[key].triggered.connect(guarded(slot))
            self.named_actions[key].setEnabled(True)
        self.close_guards.append(self.editing.maybe_save)
        self.editing.saved.connect(guarded(self._on_saved))
        self._finish_edit_menu()

    def _install_story(self) -> None:
        """The story panel (a dock), presenter mode, and KML gx:Tour in and out."""
        self.story = StoryState(self.state, self.undo_stack, self)
        self.story.problem.connect(guarded(lambda text: self.statusBar().showMessage(f"Story: {text}", STATUS_MS)))
        self.presenter = Presenter(self, self.story, self.go_to_stop, self.view)
        self.story_panel = QtStoryPanel(self.story, self.current_stop, self.go_to_stop, self.present, self)
        self.story_dock = QDockWidget("Story", self)
        self.story_dock.setObjectName("storyDock")
        self.story_dock.setWidget(self.story_panel)
        self.story_dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.story_dock)
        self.tabifyDockWidget(self.events_dock, self.story_dock)
        self.story_dock.hide()  # until the user asks for it (View ▸ Show Story Panel); its layout is remembered
        view = self.menus["view"]
        toggle = self.story_dock.toggleViewAction()
        toggle.setText("Show Story Panel")
        self.named_actions["show_story"] = toggle
        view.addAction(toggle)
        view.addAction(self._action("present", "&Present Story", self.present, "F5",
                                    "The story full screen: ←/→ or Space between stops, P plays, Esc leaves"))
        export_menu = self.menus["export"]
        export_menu.addAction(self._action("export_interactive", "&Interactive Page…", self._on_export_interactive, None,
                                           "One .html file anyone can open offline: map, time slider, filters, event list and the story"))
        export_menu.addAction(self._action("export_tour", "Story as Google Earth &Tour (KML)…", self._on_export_tour, None,
                                           "Write the story as a KML gx:Tour (FlyTo and TimeSpan) for Google Earth"))
        self.menus["file"].insertAction(self.named_actions["import"], self._action(
            "import_tour", "Import Story from &KML Tour…", self._on_import_tour, None, "Read a Google Earth gx:Tour as this dataset's story"))

    def _on_table_columns_changed(self, names: list[str]) -> None:
        self.settings.table_columns = list(names)
        if self.remember:
            self.settings.save()

    def current_stop(self):
        """A story stop of what the window shows now (None before the map has drawn)."""
        viewport = self.state.viewport  # the page's last settled view, kept in the model
        bounds = bounds_of(viewport.bounds) if viewport is not None else None
        if bounds is None:
            self.statusBar().showMessage("The map is not ready yet; try again in a moment", STATUS_MS)
            return None
        return stop_from_view(self.state, bounds)

    def go_to_stop(self, index: int, animate: bool = True) -> int:
        """Show stop ``index``: filter and selection in the model, then the map flies to its view."""
        stops = self.story.story.stops
        if not 0 <= index < len(stops):
            return 0
        self.story.set_current(index)
        seq = [0]
        show_stop(self.state, stops[index], lambda bounds: seq.__setitem__(0, self.view.fit_bounds(bounds, animate)))
        return seq[0]

    def present(self) -> None:
        if not len(self.story.story):
            self.statusBar().showMessage("The story has no stops yet: Add Stop in the Story panel", STATUS_MS)
            self.story_dock.show()
            self.story_dock.raise_()
            return
        self.presenter.start(max(0, self.story.current))

    def _on_export_tour(self) -> None:
        from eventmap.geo.story import story_to_kml
        from eventmap.geo.storage import write_atomic

        if not len(self.story.story):
            self.statusBar().showMessage("The story has no stops to export", STATUS_MS)
            return
        start = str(Path(self.settings.export_dir or Path.home()) / "story.kml")
        path, _ = QFileDialog.getSaveFileName(self, "Export Story as KML Tour", start, "KML (*.kml)")
        if not path:
            return
        try:
            write_atomic(path, story_to_kml(self.story.story).decode("utf-8"), backup=False)
        except EventmapError as exc:
            warn(self, "Export Story", exc.message)
            return
        self.statusBar().showMessage(f"Wrote {path} ({len(self.story.story)} stops)", STATUS_MS)

    def _on_export_interactive(self) -> None:
        from eventmap.desktop.dialogs.export_dialog import run_export
        from eventmap.desktop.export import ExportRequest

        start = str(self.exports.default_path(".html"))
        path, _ = QFileDialog.getSaveFileName(self, "Export Interactive Page", start, "Web page (*.html)")
        if not path:
            return
        if not path.lower().endswith(".html"):
            path += ".html"
        request = ExportRequest(out=Path(path), dataset=self.state.dataset, view=self.state.view, title=self.state.dataset.name,
                                basemap=self.map_link.basemap.shapes, interactive=True)
        written = run_export(self, request)
        if written is not None:
            self.exports.remember(written)
            self.statusBar().showMessage(f"Exported {written}", STATUS_MS)

    def _on_import_tour(self) -> None:
        from eventmap.geo.story import story_from_kml

        path, _ = QFileDialog.getOpenFileName(self, "Import Story from KML Tour", str(Path.home()), "KML (*.kml)")
        if not path:
            return
        try:
            story = story_from_kml(Path(path).read_bytes(), Path(path).name)
        except OSError as exc:
            warn(self, "Import Story", f"{display_path(path)}: cannot read ({exc.strerror or exc})")
            return
        except EventmapError as exc:
            warn(self, "Import Story", exc.message)
            return
        self.story.edit(story, "Import Story")
        self.story_dock.show()
        self.story_dock.raise_()

    def _restore_layout(self) -> None:
        # Docks first: which are shown decides how small the window may be.
        if self.settings.window_state:
            self._docks_sized = self.restoreState(QByteArray.fromBase64(self.settings.window_state.encode("ascii")))
        if self.settings.geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.geometry.encode("ascii")))

    # --- datasets --------------------------------------------------------------------

    def may_replace(self) -> bool:
        """Ask every close guard whether the current dataset may go."""
        return all(guard() for guard in self.close_guards)

    def open_path(self, path: str | Path, window: TimeWindow | None = None, cumulative: bool = False) -> bool:
        """Open an event file; on failure show why and keep the current dataset.

        Returns True when the file was opened.
        """
        path = Path(path)
        if not self.may_replace():
            return False
        try:
            dataset = self._load(path, lambda dataset: self.show_dataset(dataset, window, cumulative))
        except EventmapError as exc:
            self.show_load_error(path, exc)
            return False
        if dataset is None:  # cancelled
            self.statusBar().showMessage(f"Did not open {display_name(path)}", STATUS_MS)
            return False
        if path.resolve() != default_dataset().resolve():
            self.settings.add_recent(path)
            if self.remember:
                self.settings.save()
        warnings = f" ({len(dataset.warnings)} warnings)" if dataset.warnings else ""
        self.statusBar().showMessage(f"Opened {display_name(path)}: {len(dataset):,} events{warnings}", STATUS_MS)
        return True

    def open_sample(self) -> bool:
        """Open the dataset that comes with eventmap (Help ▸ Sample Dataset)."""
        return self.open_path(default_dataset())

    def open_database(self, source: DatabaseSource, password: str | None = None) -> bool:
        """Open a database table or query; on failure show why and keep the current dataset.

        Returns True when it was opened.
        """
        if not self.may_replace():
            return False
        from eventmap.desktop.loader import load_database_with_progress

        label = source.label()
        try:
            dataset = load_database_with_progress(self, source, password)
        except EventmapError as exc:
            self.show_database_error(label, exc)
            return False
        if dataset is None:
            self.statusBar().showMessage(f"Did not open {label}", STATUS_MS)
            return False
        self.show_dataset(dataset)
        self.settings.add_recent_database(source.text())
        self.settings.database_time_limit = source.time_limit
        if self.remember:
            self.settings.save()
        warnings = f" ({len(dataset.warnings)} warnings)" if dataset.warnings else ""
        self.statusBar().showMessage(f"Opened {label}: {len(dataset):,} events{warnings}", STATUS_MS)
        return True

    def show_database_error(self, label: str, error: EventmapError) -> None:
        lines = error.lines()
        warn(self, "Could not open the database", "\n".join(lines[:MAX_ERROR_LINES]))
        self.statusBar().showMessage(f"Could not open {label}; still showing {self.state.dataset.name}", STATUS_MS)

    def _on_open_database(self) -> None:
        from eventmap.desktop.dialogs.database_dialog import QtOpenDatabaseDialog

        dialog = QtOpenDatabaseDialog(self, self.settings.recent_databases, self.settings.database_time_limit)
        dialog.sourceChosen.connect(guarded(self.open_database))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _load(self, path: Path, show: Callable[[Dataset], None]) -> Dataset | None:
        from eventmap.desktop.loader import load_with_progress

        return load_with_progress(self, path, show)

    def show_load_error(self, path: Path, error: EventmapError) -> None:
        lines = error.lines()
        if len(lines) > MAX_ERROR_LINES:
            lines = lines[:MAX_ERROR_LINES] + [f"… and {len(lines) - MAX_ERROR_LINES} more problems"]
        warn(self, f"Could not open {display_name(path)}", "\n".join(lines))
        self.statusBar().showMessage(f"Could not open {display_name(path)}; still showing {self.state.dataset.name}", STATUS_MS)

    def show_dataset(self, dataset: Dataset, window: TimeWindow | None = None, cumulative: bool = False) -> None:
        """Show another dataset with fresh filters (the map page is built once)."""
        self.time_slider.stop()
        self.state.set_dataset(dataset, ViewFilter(window=window or TimeWindow.all_time(), cumulative=cumulative))

    def reset_filters(self) -> None:
        self.state.set_view(ViewFilter())

    def _on_dataset_changed(self) -> None:
        dataset = self.state.dataset
        self.setWindowTitle(f"{dataset.name}[*] — eventmap")
        self.setWindowModified(self.state.dirty)
        self.distance_label.show_selection([])
        self._update_counts()

    def _update_counts(self) -> None:
        self.count_label.setText(self.state.count_text())

    # --- menus --------------------------------------------------------------------------

    def _on_open(self) -> None:
        from eventmap.geo.importers import file_filter

        start = str(Path(self.settings.last_dataset).parent) if self.settings.last_dataset else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open events", start, file_filter())
        if path:
            self.open_path(path)

    def _on_import(self) -> None:
        start = str(Path(self.settings.last_dataset).parent) if self.settings.last_dataset else str(Path.home())
        filters = ("Tables and KML (*.csv *.tsv *.txt *.kml *.kmz *.geojson *.json *.parquet *.geoparquet *.gpkg);;CSV (*.csv *.tsv *.txt);;"
                   "KML and KMZ (*.kml *.kmz);;GeoJSON from other tools (*.geojson *.json);;"
                   "Parquet and GeoParquet (*.parquet *.geoparquet);;GeoPackage (*.gpkg)")
        path, _ = QFileDialog.getOpenFileName(self, "Import events", start, filters)
        if path:
            self.open_path(path)

    def _on_saved(self, path: str) -> None:
        self.settings.add_recent(path)
        if self.remember:
            self.settings.save()
        self.statusBar().showMessage(f"Saved {path}", STATUS_MS)

    def _on_find(self) -> None:
        self.events_dock.show()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def events_from_article(self, add: bool, dialog_hook: Callable | None = None) -> int:
        """File ▸ New / Edit ▸ Add Events from Article: the review dialog, then a new dataset or undoable adds.

        Returns how many events were taken. ``dialog_hook`` (tests) gets the dialog before it runs.
        """
        from dataclasses import replace

        from eventmap.desktop.dialogs.article_dialog import QtArticleDialog
        from eventmap.desktop.editing import AddEventCommand, unique_id
        from eventmap.geo.events import Dataset

        current = self.state.dataset
        dialog = QtArticleDialog(current.events if add else [], self, into=current.name if add else "")
        if dialog_hook is not None:
            dialog_hook(dialog)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        events = dialog.accepted_events()
        if not events:
            return 0
        if add:
            self.undo_stack.beginMacro(f"Add {len(events)} events from an article")
            for event in events:
                self.editing.push(AddEventCommand(self.state, replace(event, id=unique_id(event, self.state.dataset.events))))
            self.undo_stack.endMacro()
        else:
            if not self.may_replace():
                return 0
            title = dialog.info.headline or "an article"
            self.show_dataset(Dataset(events, name=f"Events from {title}"))
        self.statusBar().showMessage(f"{len(events)} events from the article", STATUS_MS)
        return len(events)

    def _on_about(self) -> None:
        from eventmap.desktop.dialogs.about_dialog import QtAboutDialog

        QtAboutDialog(self).exec()

    def set_basemap(self, key: str) -> None:
        """Show another basemap (the page is rebuilt, keeping the view)."""
        key = key if key in BASEMAPS else OFFLINE
        self.named_actions[f"basemap:{key}"].setChecked(True)
        self.settings.basemap = key
        self.settings.basemap_file = ""
        self.map_link.set_basemap_file(None)
        self.map_link.set_basemap(key)
        self._show_basemap()

    def choose_basemap_file(self) -> None:
        """View ▸ Basemap ▸ Open Basemap File…: a local PMTiles or MBTiles file under the events."""
        start = str(Path(self.settings.basemap_file).parent) if self.settings.basemap_file else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open Basemap File", start, "Tile files (*.pmtiles *.mbtiles)")
        if path:
            self.set_basemap_file(path)

    def set_basemap_file(self, path: str) -> bool:
        """Draw the tiles of ``path`` under the events (remembered); False, with a message, if it cannot be read."""
        try:
            archive = open_tile_archive(path)
        except EventmapError as exc:
            warn(self, "Open Basemap File", exc.message)
            return False
        self.settings.basemap_file = str(path)
        self.map_link.set_basemap_file(archive)
        self._show_basemap()
        return True

    def _restore_basemap_file(self) -> None:
        if not self.settings.basemap_file:
            return
        try:
            self.map_link.tile_archive = open_tile_archive(self.settings.basemap_file)
        except EventmapError as exc:
            log.warning("basemap file not used: %s", exc.message)
            self.settings.basemap_file = ""

    def _show_basemap(self) -> None:
        archive = self.map_link.tile_archive
        self.basemap_label.setText(f"Basemap: {describe(archive)}" if archive is not None else f"Basemap: {self.map_link.basemap.title}")

    def _on_tiles_failed(self, name: str) -> None:
        self.named_actions[f"basemap:{OFFLINE}"].setChecked(True)
        self.settings.basemap = OFFLINE
        self._show_basemap()
        self.statusBar().showMessage(f"Could not load {name} tiles (no network?); showing the offline Natural Earth basemap", 15000)

    # --- export -------------------------------------------------------------------------

    def _on_export(self) -> None:
        self.exports.on_export()

    def export_to(self, path: str | Path, size: tuple[int, int] | None = None, scale: float = 1.0, title: str | None = None,
                  with_table: bool = False) -> Path | None:
        """Export what the map shows (same view, window, categories, search) to ``path``."""
        return self.exports.export_to(path, size, scale, title, with_table)

    # --- the window ------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            # After the drop returns: a dialog inside a drop handler blocks the drag source.
            QTimer.singleShot(0, guarded(lambda: self.open_path(files[0])))

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._docks_sized:
            # First run: size the event list to the window (later runs restore the user's layout).
            self._docks_sized = True
            least, most = EVENTS_WIDTH
            width = min(most, max(least, round(self.width() * EVENTS_SHARE)))
            self.resizeDocks([self.events_dock], [width], Qt.Orientation.Horizontal)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        try:
            may_close = self.may_replace()
        except Exception as exc:  # noqa: BLE001 - a failing close guard keeps the window (and the edits) open
            from eventmap.desktop import slots

            slots.report_error(exc, "closing the window")
            may_close = False
        if not may_close:
            event.ignore()
            return
        self.time_slider.stop()
        if self.remember:
            self.settings.geometry = bytes(self.saveGeometry().toBase64()).decode("ascii")
            self.settings.window_state = bytes(self.saveState().toBase64()).decode("ascii")
            self.settings.play_speed = self.time_slider.speed
            self.settings.loop = self.time_slider.loop.isChecked()
            self.settings.save()
        super().closeEvent(event)


def delete_window(window: MainWindow) -> None:
    """Delete the window now, asking nothing: its map page must be gone before the WebEngine profile."""
    import shiboken6

    if shiboken6.isValid(window):
        window.close_guards.clear()
        window.close()
        if shiboken6.isValid(window):
            shiboken6.delete(window)
