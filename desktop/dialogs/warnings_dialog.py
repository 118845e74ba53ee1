"""The dialog that lists what an import could not read, for the user to copy."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.slots import guarded


class QtWarningsDialog(QDialog):
    """A read-only list of warnings, one a line, with a Copy button.

    Warnings quote the file (names, values), so they are shown as plain text
    only: no widget here interprets markup.
    """

    def __init__(self, warnings: list[str], source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warningsDialog")
        self.setWindowTitle(f"Warnings while reading {source}")
        self.warnings = list(warnings)
        count = len(self.warnings)
        self.summary = QLabel(
            f"{source} was read, but {count} {'thing was' if count == 1 else 'things were'} "
            "skipped or guessed. Each line names where in the file it happened."
        )
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("warningsText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(self.plain_text())
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Copy every warning to the clipboard")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(720, 360)

    def plain_text(self) -> str:
        return "\n".join(self.warnings)

    @guarded
    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.plain_text())


def show_warnings(parent: QWidget | None, warnings: list[str], source: str) -> QtWarningsDialog:
    """Open the warnings dialog over ``parent`` without blocking; it deletes itself when closed."""
    dialog = QtWarningsDialog(warnings, source, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
