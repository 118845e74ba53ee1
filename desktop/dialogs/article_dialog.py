"""Events from an article: paste or open it, confirm its date, review the candidates, keep what is right.

The reading and matching (geo.article) run on a worker thread, so the window
stays responsive while the gazetteer loads. Every row starts unticked; rows
below the default confidence are behind a toggle. Article text is data: the
sentence column is escaped before the date phrase and the place are marked,
every other cell is plain text.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QObject, QRect, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.slots import guarded
from eventmap.geo.article.extract import DEFAULT_MIN_CONFIDENCE, ArticleInfo, Candidate, candidate_event
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Event

COLUMNS = ("Keep", "Sentence", "When", "How dated", "Place", "Category", "Confidence", "Flags")
KEEP, SENTENCE, WHEN, BASIS, PLACE, CATEGORY, CONFIDENCE, FLAGS = range(len(COLUMNS))
CATEGORY_CHOICES = ("exercise", "defence", "diplomacy", "trade", "energy", "conflict", "disaster", "politics", "other")
DATE_MARK = "#fde68a"
PLACE_MARK = "#bfdbfe"
CHIP_COLORS = {"explicit": "#dcfce7", "open span": "#e0e7ff", "weekday": "#fef3c7", "relative": "#fee2e2"}


def marked_sentence(candidate: Candidate) -> str:
    """The sentence as escaped rich text, the date phrase and the place name marked.

    Every piece of the article's text goes through ``html.escape``; only our own
    ``<span>`` tags are markup.
    """
    text = candidate.quote
    marks = []
    if candidate.date_span[0] >= 0:
        marks.append((*candidate.date_span, DATE_MARK))
    if candidate.place_span is not None:
        marks.append((*candidate.place_span, PLACE_MARK))
    marks.sort()
    out, at = [], 0
    for begin, stop, color in marks:
        if begin < at:
            continue
        out.append(html.escape(text[at:begin]))
        out.append(f"<span style='background-color:{color}'>{html.escape(text[begin:stop])}</span>")
        at = stop
    out.append(html.escape(text[at:]))
    return "".join(out)


def basis_chip(candidate: Candidate) -> tuple[str, str]:
    """The chip's text and colour: how the date was found."""
    mention = candidate.mention
    if mention.basis.startswith("explicit"):
        return "explicit", CHIP_COLORS["explicit"]
    if mention.kind == "open span":
        return mention.basis, CHIP_COLORS["open span"]
    if mention.kind == "weekday":
        return "weekday resolved", CHIP_COLORS["weekday"]
    return mention.basis, CHIP_COLORS["relative"]


class _RichTextDelegate(QStyledItemDelegate):
    """Paints a cell's escaped rich text (the Sentence column)."""

    def _document(self, option: QStyleOptionViewItem, index) -> QTextDocument:
        document = QTextDocument()
        document.setHtml(index.data(Qt.ItemDataRole.UserRole) or "")
        document.setDefaultFont(option.font)
        document.setTextWidth(max(100, option.rect.width()))
        return document

    def paint(self, painter, option, index) -> None:
        option = QStyleOptionViewItem(option)
        self.initStyleOption(option, index)
        document = self._document(option, index)
        option.text = ""  # the delegate paints the text itself, from the escaped rich text
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(QRect(0, 0, option.rect.width(), option.rect.height()))
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        document = self._document(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()) + 4)


class _Signals(QObject):
    done = Signal(object, int)  # (result or EventmapError, request number)


class _ExtractJob(QRunnable):
    """Reads (if a file) and extracts on a pool thread; reports through a queued signal."""

    def __init__(self, number: int, text: str | None, path: str | None, published: date | None, existing: list[Event]) -> None:
        super().__init__()
        self.signals = _Signals()
        self.number, self.text, self.path, self.published, self.existing = number, text, path, published, existing

    def run(self) -> None:
        from eventmap.geo.article.extract import extract_candidates
        from eventmap.geo.article.reading import read_article, read_text

        try:
            article = read_article(self.path, self.published) if self.path else read_text(self.text or "", self.published)
            candidates = []
            if article.info.published is not None:
                candidates = extract_candidates(article.text, article.info.published, existing=self.existing)
            result: object = (article, candidates)
        except EventmapError as exc:
            result = exc
        except Exception as exc:  # noqa: BLE001 - a worker must report, never die silently
            result = EventmapError(f"Reading the article failed: {type(exc).__name__}: {exc}")
        self.signals.done.emit(result, self.number)


class QtArticleDialog(QDialog):
    """Paste or open an article, confirm its publication date, review and tick the candidate events.

    Parameters
    ----------
    existing
        The events already in the dataset (for the possible-duplicate flag).
    parent
        The window.
    """

    finishedWork = Signal()  # a run of the worker has been shown (tests wait on it)

    def __init__(self, existing: list[Event] | None = None, parent: QWidget | None = None, *, into: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("articleDialog")
        self.setWindowTitle("Events from an article" + (f": add to {into}" if into else ""))
        self.existing = list(existing or [])
        self.info = ArticleInfo()
        self.candidates: list[Candidate] = []
        self._path: str | None = None
        self._request = 0
        self._busy = False
        self._text = ""

        self.article = QPlainTextEdit()
        self.article.setObjectName("articleText")
        self.article.setPlaceholderText("Paste the article's text here (headline first), or open a .txt or .html file.")
        self.article.setMaximumHeight(130)
        self.open_button = QPushButton("&Open File…")
        self.open_button.clicked.connect(guarded(self._on_open))
        self.find_button = QPushButton("&Find Events")
        self.find_button.setDefault(True)
        self.find_button.clicked.connect(guarded(self._on_find))

        self.published = QDateEdit()
        self.published.setObjectName("publishedDate")
        self.published.setDisplayFormat("d MMM yyyy")
        self.published.setCalendarPopup(True)
        self.published.setDate(QDate.currentDate())
        self.published.dateChanged.connect(guarded(self._on_published_changed))
        self.suggestions = QComboBox()
        self.suggestions.setObjectName("dateSuggestions")
        self.suggestions.setToolTip("Publication dates found in the article, with where each came from")
        self.suggestions.activated.connect(guarded(self._on_suggestion_chosen))
        self.date_note = QLabel("The publication date is needed: relative dates (“last month”) are resolved against it.")
        self.date_note.setTextFormat(Qt.TextFormat.PlainText)
        self.date_note.setWordWrap(True)

        self.show_low = QCheckBox(f"Show low-confidence rows (below {DEFAULT_MIN_CONFIDENCE:g})")
        self.show_low.toggled.connect(guarded(self._apply_filter))
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("candidateTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setItemDelegateForColumn(SENTENCE, _RichTextDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(SENTENCE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((KEEP, 40), (WHEN, 150), (BASIS, 170), (PLACE, 200), (CATEGORY, 96), (CONFIDENCE, 76), (FLAGS, 150)):
            self.table.setColumnWidth(column, width)
        self.table.itemChanged.connect(guarded(self._on_item_changed))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add Ticked Events")
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(guarded(self.accept))
        self.buttons.rejected.connect(guarded(self.reject))

        top = QHBoxLayout()
        top.addWidget(self.article, 1)
        side = QVBoxLayout()
        side.addWidget(self.open_button)
        side.addWidget(self.find_button)
        side.addStretch(1)
        top.addLayout(side)
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Published:"))
        dates.addWidget(self.published)
        dates.addWidget(self.suggestions, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(dates)
        layout.addWidget(self.date_note)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.show_low)
        bottom.addWidget(self.status, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.buttons)
        self.resize(1280, 640)

    # --- input ------------------------------------------------------------------------

    def load_file(self, path: str) -> None:
        """Read an article file (on the worker) and fill the date suggestions and the table."""
        self._path = path
        self.article.setPlainText("")
        self.article.setPlaceholderText(f"Reading {Path(path).name}…")
        self._start(text=None, path=path, published=None)

    def set_text(self, text: str) -> None:
        self._path = None
        self.article.setPlainText(text)

    def _on_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an article", str(Path.home()),
                                              "Articles (*.txt *.html *.htm);;All files (*)")
        if path:
            self.load_file(path)

    def _on_find(self) -> None:
        text = self.article.toPlainText()
        if not text.strip() and not self._path:
            self.status.setText("Paste an article or open a file first.")
            return
        self._start(text=text if text.strip() else None, path=None if text.strip() else self._path, published=None)

    def _on_suggestion_chosen(self, index: int) -> None:
        day = self.suggestions.itemData(index)
        if isinstance(day, date):
            self.published.setDate(QDate(day.year, day.month, day.day))

    def _on_published_changed(self, _value: QDate) -> None:
        if self._text or self._path:
            self._start(text=self._text or None, path=None if self._text else self._path, published=self.published_date())

    def published_date(self) -> date:
        value = self.published.date()
        return date(value.year(), value.month(), value.day())

    # --- the worker -----------------------------------------------------------------

    def _start(self, text: str | None, path: str | None, published: date | None) -> None:
        self._request += 1
        self._busy = True
        self.find_button.setEnabled(False)
        self.status.setText("Finding events… (the gazetteer loads on first use)")
        job = _ExtractJob(self._request, text, path, published, self.existing)
        job.signals.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._job = job  # keep the signal carrier alive until it reports
        QThreadPool.globalInstance().start(job)

    @guarded
    def _on_done(self, result: object, number: int) -> None:
        if number != self._request:
            return  # an older run: a newer date or text replaced it
        self._busy = False
        self.find_button.setEnabled(True)
        if isinstance(result, EventmapError):
            self.status.setText(result.message)
            self.finishedWork.emit()
            return
        article, candidates = result
        self._text = article.text
        if self._path and not self.article.toPlainText():
            self.article.blockSignals(True)
            self.article.setPlainText(article.text)
            self.article.blockSignals(False)
        self.info = article.info
        self._fill_suggestions(article.info)
        if article.info.published is None:
            self.status.setText("No publication date found in the article: set it above, then Find Events.")
            self._request += 1
            self.info = replace(article.info, published=self.published_date())
            self._start(text=article.text, path=None, published=self.published_date())
            return
        self.candidates = candidates
        self._fill_table()
        self.finishedWork.emit()

    def _fill_suggestions(self, info: ArticleInfo) -> None:
        self.suggestions.blockSignals(True)
        self.suggestions.clear()
        for day, where in info.suggestions:
            self.suggestions.addItem(f"{day.isoformat()} — {where}", day)
        if not info.suggestions:
            self.suggestions.addItem("no date found in the article: set it", None)
        self.suggestions.blockSignals(False)
        if info.published is not None:
            self.published.blockSignals(True)
            self.published.setDate(QDate(info.published.year, info.published.month, info.published.day))
            self.published.blockSignals(False)

    # --- the table --------------------------------------------------------------------

    def _fill_table(self) -> None:
        ticked = {(c.quote, c.mention.phrase) for c, row in zip(self._shown, range(self.table.rowCount()))
                  if self._is_ticked(row)} if getattr(self, "_shown", None) else set()
        self._shown = list(self.candidates)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self._shown))
        for row, candidate in enumerate(self._shown):
            keep = QTableWidgetItem()
            keep.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            keep.setCheckState(Qt.CheckState.Checked if (candidate.quote, candidate.mention.phrase) in ticked else Qt.CheckState.Unchecked)
            self.table.setItem(row, KEEP, keep)
            sentence = QTableWidgetItem(candidate.quote)  # plain text for copy and accessibility
            sentence.setData(Qt.ItemDataRole.UserRole, marked_sentence(candidate))
            sentence.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.table.setItem(row, SENTENCE, sentence)
            self.table.setItem(row, WHEN, self._plain(candidate.when() + f"  ({candidate.mention.precision})"))
            chip_text, chip_color = basis_chip(candidate)
            chip = self._plain(chip_text)
            chip.setBackground(QColor(chip_color))
            chip.setToolTip(candidate.mention.basis)
            self.table.setItem(row, BASIS, chip)
            self.table.setCellWidget(row, PLACE, self._place_box(candidate))
            self.table.setCellWidget(row, CATEGORY, self._category_box(candidate))
            confidence = self._plain(f"{candidate.confidence:.2f}")
            confidence.setToolTip("\n".join(candidate.reasons))
            self.table.setItem(row, CONFIDENCE, confidence)
            self.table.setItem(row, FLAGS, self._plain(", ".join(candidate.flags)))
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self._apply_filter()

    @staticmethod
    def _plain(text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        item.setToolTip(text)
        return item

    def _place_box(self, candidate: Candidate) -> QComboBox:
        box = QComboBox()
        box.setObjectName("placeChoice")
        options = ([candidate.place] if candidate.place else []) + list(candidate.alternatives)
        for match in options:
            box.addItem(f"{match.place.label()} — {match.how}", match.place)
        if not options:
            box.addItem("no place found (not added)", None)
        box.setToolTip(candidate.place_match_text())
        return box

    def _category_box(self, candidate: Candidate) -> QComboBox:
        box = QComboBox()
        box.setEditable(True)
        box.addItems(CATEGORY_CHOICES)
        box.setCurrentText(candidate.category)
        return box

    def _apply_filter(self, *_args) -> None:
        show_low = self.show_low.isChecked()
        hidden = 0
        for row, candidate in enumerate(getattr(self, "_shown", [])):
            low = candidate.confidence < DEFAULT_MIN_CONFIDENCE
            self.table.setRowHidden(row, low and not show_low)
            hidden += low and not show_low
        self._update_status(hidden)

    def _update_status(self, hidden: int = 0) -> None:
        ticked = len(self.ticked_rows())
        total = len(getattr(self, "_shown", []))
        published = self.info.published.isoformat() if self.info.published else "?"
        where = next((w for d, w in self.info.suggestions if d == self.info.published), "set by you")
        self.status.setText(f"{total} candidates from an article of {published} ({where}); {ticked} ticked"
                            + (f"; {hidden} low-confidence hidden" if hidden else ""))
        self.ok_button.setEnabled(ticked > 0)

    def _is_ticked(self, row: int) -> bool:
        item = self.table.item(row, KEEP)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def ticked_rows(self) -> list[int]:
        return [row for row in range(self.table.rowCount()) if self._is_ticked(row) and not self.table.isRowHidden(row)]

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == KEEP:
            self._update_status(sum(1 for r in range(self.table.rowCount()) if self.table.isRowHidden(r)))

    def set_ticked(self, row: int, ticked: bool = True) -> None:
        self.table.item(row, KEEP).setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    # --- output ---------------------------------------------------------------------

    def accepted_events(self) -> list[Event]:
        """The ticked rows as events, with the place and category the user chose, carrying source and quote."""
        used = {e.id for e in self.existing}
        events: list[Event] = []
        for row in self.ticked_rows():
            candidate = self._shown[row]
            place_box: QComboBox = self.table.cellWidget(row, PLACE)
            category_box: QComboBox = self.table.cellWidget(row, CATEGORY)
            place = place_box.currentData()
            if place is None:
                continue
            event = candidate_event(candidate, self.info, used)
            events.append(replace(event, lat=place.lat, lon=place.lon, place=place.name,
                                  category=category_box.currentText().strip() or candidate.category))
        return events
