"""Text from a dataset (and messages quoting it) shown by Qt as plain text, never as rich text.

QLabel, QMessageBox (its static warning()/critical() too) and tool tips guess:
text that looks like HTML is rendered as HTML, so a place named
``<img src=...><h1>SPOOFED</h1>`` would load an image and change the layout.
Every label, message and tool tip that can show dataset text is made here.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` as it is, whatever it looks like."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def plain_tooltip(text: str) -> str:
    """``text`` as a tool tip that shows it literally (tool tips have no text format to set)."""
    if not QtGuiNamespace.mightBeRichText(text):
        return text
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, informative: str = "") -> QMessageBox:
    """A message box whose text and informative text are plain text."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if informative:
        box.setInformativeText(informative)
        for label in box.findChildren(QLabel):
            label.setTextFormat(Qt.TextFormat.PlainText)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """QMessageBox.warning with plain text (it would render text that looks like HTML)."""
    box = message_box(parent, QMessageBox.Icon.Warning, title, text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def critical(parent: QWidget | None, title: str, text: str) -> None:
    """QMessageBox.critical with plain text."""
    box = message_box(parent, QMessageBox.Icon.Critical, title, text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()
