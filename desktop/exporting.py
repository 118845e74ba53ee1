"""The window's exports: File ▸ Export… (stills) and File ▸ Export Animation….

Builds the export requests from what the window shows (dataset, filters,
and the map's own view: centre, zoom and size), runs the dialogs and the
progress, and remembers the folder and the format in the settings.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QMainWindow

from eventmap.desktop.export import ExportRequest
from eventmap.geo.dates import TimeWindow
from eventmap.geo.errors import EventmapError
from eventmap.desktop.plain_text import critical, warn

if TYPE_CHECKING:
    from eventmap.desktop.export.animation import AnimationRequest

STATUS_MS = 8000


class WindowExports:
    """Exports of what a main window shows."""

    def __init__(self, window: QMainWindow) -> None:
        # The main window (above this module: it is handed in, never imported).
        self.window = window

    # --- what the window shows -------------------------------------------------------------

    def screen_view(self) -> tuple[tuple[float, float, float] | None, tuple[int, int]]:
        """The map's centre and zoom, and its size in CSS pixels, as the page last reported them to the model."""
        window = self.window
        viewport = window.state.viewport
        if viewport is None or min(viewport.size) <= 0:
            return (viewport.view if viewport else None), (window.view.width(), window.view.height())
        return viewport.view, viewport.size

    def request(self, path: str | Path, size: tuple[int, int] | None = None, scale: float = 1.0, title: str | None = None,
                with_table: bool = False) -> ExportRequest:
        """An export of what the map shows now: the same view, time window, categories and search."""
        window = self.window
        state = window.state
        view, view_size = self.screen_view()
        return ExportRequest(
            out=Path(path), dataset=state.dataset, view=state.view, size=size or view_size, scale=scale,
            basemap=window.map_link.basemap.shapes, title=title or state.dataset.name,
            basemap_file=str(window.map_link.tile_archive.path) if window.map_link.tile_archive is not None else None,
            map_view=view, map_size=view_size, with_table=with_table,
        )

    def default_path(self, suffix: str) -> Path:
        """A file name from the dataset and window, in the remembered export folder."""
        window = self.window
        folder = Path(window.settings.export_dir) if window.settings.export_dir else Path.home()
        if not folder.is_dir():
            folder = Path.home()
        name = re.sub(r"[^\w]+", "-", f"{window.state.dataset.name} {window.state.window_label()}").strip("-")
        return folder / f"{name[:80] or 'eventmap'}{suffix}"

    def remember(self, path: Path, format_key: str | None = None) -> None:
        """Keep the folder (and format) of a finished export, saved now (not only at exit)."""
        settings = self.window.settings
        settings.export_dir = str(Path(path).expanduser().resolve().parent)
        if format_key is not None:
            settings.export_format = format_key
        settings.save()

    # --- stills -----------------------------------------------------------------------------

    def on_export(self) -> None:
        """File ▸ Export…: the dialog, then the export."""
        from eventmap.desktop.dialogs.export_dialog import QtExportDialog

        window = self.window
        _view, view_size = self.screen_view()
        dialog = QtExportDialog(view_size, self.default_path(".png"), window.state.dataset.name, window.settings.export_format, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        choice = dialog.choice()
        written = self.export_to(choice.path, choice.size, choice.scale, choice.title, with_table=choice.with_table)
        if written is not None:
            self.remember(written, choice.format)

    def export_to(self, path: str | Path, size: tuple[int, int] | None = None, scale: float = 1.0, title: str | None = None,
                  with_table: bool = False) -> Path | None:
        """Export what the map shows to ``path``; None when it failed (the user was told)."""
        from eventmap.desktop.dialogs.export_dialog import run_export

        window = self.window
        request = self.request(path, size, scale, title, with_table)
        window.statusBar().showMessage(f"Exporting to {request.out}…")
        written = run_export(window, request)
        window.statusBar().showMessage("Export failed" if written is None else f"Exported {written}", STATUS_MS)
        return written


    # --- animations -------------------------------------------------------------------------

    def animation_dialog(self):
        """The animation dialog for what the window shows (not yet shown)."""
        from eventmap.desktop.dialogs.animation_dialog import QtAnimationDialog
        from eventmap.geo.animation import default_step_name

        window = self.window
        state = window.state
        data_range = state.dataset.date_range()
        suffix = window.settings.animation_format if window.settings.animation_format in (".mp4", ".webm", ".gif", ".webp") else ".mp4"
        # The slider's window picks the range when it is a range; one year or month picks the whole dataset.
        shown = state.view.window
        return QtAnimationDialog(self.default_path(suffix), state.dataset.name, data_range, TimeWindow.all_time(),
                                 default_step_name(TimeWindow.all_time(), data_range) if shown.is_all_time else _step_of(shown), window)

    def on_export_animation(self) -> None:
        """File ▸ Export ▸ Animation…: the dialog, then the clip with progress and Cancel."""
        dialog = self.animation_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            choice = dialog.choice()
        except EventmapError as exc:
            warn(self.window, "Export animation", str(exc))
            return
        self.export_animation(choice)

    def animation_request(self, choice) -> AnimationRequest:
        """The animation the dialog's ``choice`` asks for, of what the window shows."""
        from eventmap.desktop.export.animation import AnimationRequest

        still = self.request(choice.path, size=choice.size, title=choice.title or None)
        if not choice.keep_area:
            still = replace(still, map_view=None, map_size=None)
        return AnimationRequest(still, choice.plan, fps=choice.fps, hold_last=choice.hold_last)

    def export_animation(self, choice, progress=None) -> Path | None:
        """Render the clip with a progress dialog; None when cancelled or failed (the user was told of a failure)."""
        from eventmap.desktop.dialogs.animation_dialog import QtAnimationProgress
        from eventmap.desktop.export.animation import Cancelled, render_animation

        window = self.window
        request = self.animation_request(choice)
        progress = progress or QtAnimationProgress(request.out, request.frame_count(), window)
        self.progress = progress
        progress.show()
        window.statusBar().showMessage(f"Exporting an animation to {request.out}…")
        try:
            written = render_animation(request, progress.report)
        except Cancelled:
            window.statusBar().showMessage("Animation export cancelled: nothing was written", STATUS_MS)
            return None
        except (EventmapError, OSError) as exc:
            lines = exc.lines() if isinstance(exc, EventmapError) else [f"{request.out}: {exc.strerror or exc}"]
            progress.close()
            critical(window, "Export failed", "\n".join(lines))
            window.statusBar().showMessage("Animation export failed", STATUS_MS)
            return None
        finally:
            progress.close()
        window.settings.animation_format = request.out.suffix.lower()
        self.remember(written)
        window.statusBar().showMessage(f"Exported {written} ({request.frame_count()} frames)", STATUS_MS)
        return written


def _step_of(window: TimeWindow) -> str:
    """The step named after the slider's window length (a year's window steps by year)."""
    from eventmap.geo.timeline import step_of_window

    step = step_of_window(window.lo, window.hi)
    return step.unit if step is not None and step.unit != "span" else "year"
