"""File ▸ Export: choose a format and a file, then export with visible progress.

PNG and PDF are rendered by Qt WebEngine, so they run on the GUI thread; the
render waits in local event loops, so the window keeps painting while a busy
cursor and a progress box say what is happening. HTML and GeoJSON need no Qt
and run in a worker thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.export import FORMATS as STILL_FORMATS
from eventmap.desktop.export import MAX_PIXELS, ExportRequest, export
from eventmap.desktop.slots import guarded
from eventmap.geo.errors import EventmapError
from eventmap.desktop.plain_text import critical

# key: (text, file suffix)
FORMATS = {
    "png": ("PNG image, as on screen", ".png"),
    "png2x": ("PNG image, 2× sharper (for print and slides)", ".png"),
    "png-custom": ("PNG image, custom size", ".png"),
    "pdf": ("PDF document (A4 landscape, map at 300 ppi)", ".pdf"),
    "html": ("Standalone HTML page (opens offline in any browser)", ".html"),
    "geojson": ("GeoJSON of the events shown", ".geojson"),
}
FILTERS = {suffix: f"{name} (*{suffix})" for suffix, name in STILL_FORMATS.items()}  # the export's own format table


@dataclass
class ExportChoice:
    """What the user chose in the dialog."""

    format: str
    path: Path
    size: tuple[int, int]
    scale: float
    title: str
    with_table: bool = False


class QtExportDialog(QDialog):
    """Format, size, title and file of an export of what the map shows."""

    def __init__(self, view_size: tuple[int, int], path: Path, title: str, last_format: str = "png", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.view_size = (max(50, view_size[0]), max(50, view_size[1]))
        width, height = self.view_size
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        formats = QVBoxLayout()
        for key, (text, _suffix) in FORMATS.items():
            if key == "png":
                text += f" ({width} × {height})"
            elif key == "png2x":
                text += f" ({2 * width} × {2 * height})"
            button = QRadioButton(text, self)
            self.group.addButton(button)
            self.buttons[key] = button
            formats.addWidget(button)
            if key == "png-custom":
                self.width_box, self.height_box = QSpinBox(self), QSpinBox(self)
                for box, value in ((self.width_box, width), (self.height_box, height)):
                    box.setRange(50, MAX_PIXELS)
                    box.setValue(value)
                    box.setSuffix(" px")
                row = QHBoxLayout()
                row.setContentsMargins(24, 0, 0, 0)
                row.addWidget(self.width_box)
                row.addWidget(QLabel("×", self))
                row.addWidget(self.height_box)
                row.addStretch(1)
                formats.addLayout(row)
            if key == "pdf":
                self.table_box = QCheckBox("List the events shown (date, place, title, sources) on the pages after the map", self)
                table_row = QHBoxLayout()
                table_row.setContentsMargins(24, 0, 0, 0)
                table_row.addWidget(self.table_box)
                formats.addLayout(table_row)
        self.title_edit = QLineEdit(title, self)
        self.path_edit = QLineEdit(str(path), self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._on_browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        note = QLabel("The export shows the map as on screen: the same area, time window, categories and search.", self)
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Format:", formats)
        form.addRow("Title:", self.title_edit)
        form.addRow("File:", file_row)
        self.button_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.button_box.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.button_box.accepted.connect(guarded(self.accept))
        self.button_box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.button_box)
        self.group.buttonToggled.connect(self._on_format_toggled)
        self.path_edit.textChanged.connect(lambda text: self.export_button.setEnabled(bool(text.strip())))
        self.buttons.get(last_format, self.buttons["png"]).setChecked(True)
        self._on_format_toggled()

    def format(self) -> str:
        return next(key for key, button in self.buttons.items() if button.isChecked())

    def set_format(self, key: str) -> None:
        self.buttons[key].setChecked(True)

    @guarded
    def _on_format_toggled(self, *_args) -> None:
        key = self.format()
        custom = key == "png-custom"
        self.width_box.setEnabled(custom)
        self.height_box.setEnabled(custom)
        self.table_box.setEnabled(key == "pdf")
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(FORMATS[key][1])))

    @guarded
    def _on_browse(self) -> None:
        suffix = FORMATS[self.format()][1]
        chosen, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(), FILTERS[suffix])
        if chosen:
            path = Path(chosen)
            self.path_edit.setText(str(path if path.suffix.lower() == suffix else path.with_suffix(suffix)))

    def choice(self) -> ExportChoice:
        key = self.format()
        size, scale = self.view_size, 1.0
        if key == "png2x":
            scale = 2.0
        elif key == "png-custom":
            size = (self.width_box.value(), self.height_box.value())
        path = Path(self.path_edit.text().strip()).expanduser()
        if path.suffix.lower() != FORMATS[key][1]:
            path = path.with_suffix(FORMATS[key][1])
        return ExportChoice(key, path, size, scale, self.title_edit.text().strip(), key == "pdf" and self.table_box.isChecked())


def run_export(parent: QWidget, request: ExportRequest) -> Path | None:
    """Export with a busy cursor and a progress box; failures become a dialog. Returns the file written."""
    kind = request.kind()
    width, height = request.size
    what = {"png": f"Rendering a {round(width * request.scale)} × {round(height * request.scale)} PNG image",
            "pdf": "Rendering the map for a PDF document", "html": "Writing a standalone HTML page",
            "geojson": "Writing the events as GeoJSON"}[kind]
    progress = QProgressDialog(f"{what}…\n{request.out}", "", 0, 0, parent)
    progress.setWindowTitle("Exporting")
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.show()
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        if kind in ("png", "pdf"):
            return export(request)
        return _in_thread(export, request)
    except (EventmapError, OSError) as exc:
        lines = exc.lines() if isinstance(exc, EventmapError) else [f"{request.out}: {exc.strerror or exc}"]
        QGuiApplication.restoreOverrideCursor()
        progress.close()
        critical(parent, "Export failed", "\n".join(lines))
        return None
    finally:
        if QGuiApplication.overrideCursor() is not None:
            QGuiApplication.restoreOverrideCursor()
        progress.close()
        progress.deleteLater()


def _in_thread(function, *args):
    """Run ``function`` in a worker thread while the event loop keeps the window alive."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:  # handed back to the GUI thread and raised there
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="eventmap-export", daemon=True)
    worker.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: None if worker.is_alive() else loop.quit())
    timer.start(20)
    if worker.is_alive():
        loop.exec()
    timer.stop()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]
