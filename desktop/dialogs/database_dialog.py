"""File ▸ Open Database…: a DuckDB file or a PostgreSQL URL, a table or a query, and a time limit.

The dialog only describes the source (:class:`geo.databases.DatabaseSource`)
and takes the password for this once; the window reads it. A password is
never written to the settings: the recent sources keep the URL without it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from eventmap.desktop.slots import guarded
from eventmap.geo.databases import DEFAULT_TIME_LIMIT, DatabaseSource, parse_source, strip_password
from eventmap.geo.errors import EventmapError

KINDS = (("duckdb", "DuckDB file"), ("postgresql", "PostgreSQL / PostGIS"))


class QtOpenDatabaseDialog(QDialog):
    """Asks for a database source; :attr:`sourceChosen` carries it and the password (or None)."""

    sourceChosen = Signal(object, object)  # DatabaseSource, str | None

    def __init__(self, parent: QWidget | None = None, recent: list[str] | None = None, time_limit: float = DEFAULT_TIME_LIMIT) -> None:
        super().__init__(parent)
        self.setObjectName("openDatabase")
        self.setWindowTitle("Open Database")
        self.setWindowModality(Qt.WindowModality.WindowModal)

        self.recent = QComboBox()
        self.recent.setObjectName("recent")
        self.recent.addItem("(recent sources)", None)
        for text in recent or []:
            self.recent.addItem(text, text)
        self.recent.setEnabled(bool(recent))
        self.recent.activated.connect(guarded(self._on_recent_chosen))

        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for key, text in KINDS:
            self.kind.addItem(text, key)
        self.kind.currentIndexChanged.connect(guarded(self._on_kind_changed))
        self.connection = QLineEdit()
        self.connection.setObjectName("connection")
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(guarded(self._on_browse))
        row = QHBoxLayout()
        row.addWidget(self.connection, 1)
        row.addWidget(self.browse)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("not saved; empty to use ~/.pgpass or PGPASSWORD")

        self.use_table = QRadioButton("Table")
        self.use_query = QRadioButton("SQL query")
        self.use_table.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.use_table)
        group.addButton(self.use_query)
        self.table = QLineEdit()
        self.table.setObjectName("table")
        self.table.setPlaceholderText("events, or schema.events")
        self.query = QPlainTextEdit()
        self.query.setObjectName("query")
        self.query.setPlaceholderText("SELECT * FROM events WHERE event_date >= '2020-01-01'")
        self.query.setFixedHeight(90)
        self.use_table.toggled.connect(guarded(self._on_mode_changed))

        self.time_limit = QDoubleSpinBox()
        self.time_limit.setObjectName("timeLimit")
        self.time_limit.setRange(1, 3600)
        self.time_limit.setDecimals(0)
        self.time_limit.setSuffix(" s")
        self.time_limit.setValue(time_limit)
        self.time_limit.setToolTip("The query is stopped after this long; Cancel stops it sooner")

        hint = QLabel("Columns are read as in a CSV: latitude/longitude or a geometry column, dates, title, category…"
                      " (ACLED and UCDP GED tables are recognised). The query runs read-only.")
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what the user typed
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()

        form = QFormLayout()
        form.addRow("Recent", self.recent)
        form.addRow("Database", self.kind)
        self.connection_label = QLabel()
        form.addRow(self.connection_label, row)
        self.password_label = QLabel("Password")
        form.addRow(self.password_label, self.password)
        form.addRow(self.use_table, self.table)
        form.addRow(self.use_query, self.query)
        form.addRow("Time limit", self.time_limit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(guarded(self._on_open))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._on_kind_changed()
        self._on_mode_changed()
        self.resize(560, self.sizeHint().height())

    # --- filling in --------------------------------------------------------------

    def set_source(self, source: DatabaseSource) -> None:
        """Show ``source`` in the fields (from the recent list, or a test)."""
        self.kind.setCurrentIndex(0 if source.kind == "duckdb" else 1)
        self.connection.setText(source.target)
        if source.table:
            self.use_table.setChecked(True)
            self.table.setText(source.table)
        else:
            self.use_query.setChecked(True)
            self.query.setPlainText(source.query or "")
        self.time_limit.setValue(source.time_limit)

    def source(self) -> DatabaseSource:
        """The source the fields describe.

        Raises
        ------
        EventmapError
            If a field is missing or wrong (the message says which).
        """
        kind = self.kind.currentData()
        target = self.connection.text().strip()
        if not target:
            raise EventmapError("name the DuckDB file" if kind == "duckdb" else "give the PostgreSQL connection URL")
        table = self.table.text().strip() if self.use_table.isChecked() else None
        query = self.query.toPlainText().strip() if self.use_query.isChecked() else None
        if self.use_table.isChecked() and not table:
            raise EventmapError("name the table to read")
        if self.use_query.isChecked() and not query:
            raise EventmapError("write the query to run")
        limit = float(self.time_limit.value())
        if kind == "duckdb":
            return DatabaseSource("duckdb", target, table, query, limit)
        if not target.startswith(("postgresql://", "postgres://")):
            raise EventmapError(f"{target!r} is not a PostgreSQL URL (postgresql://USER@HOST:PORT/DATABASE)")
        url, password = strip_password(target)
        if password:
            self.connection.setText(url)
            if not self.password.text():
                self.password.setText(password)
        return parse_source(url, table=table, query=query, time_limit=limit)

    # --- slots ---------------------------------------------------------------------

    def _on_open(self) -> None:
        try:
            source = self.source()
        except EventmapError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return
        password = self.password.text() if source.kind == "postgresql" and self.password.text() else None
        self.accept()
        self.sourceChosen.emit(source, password)

    def _on_recent_chosen(self, index: int) -> None:
        text = self.recent.itemData(index)
        if not text:
            return
        try:
            self.set_source(parse_source(text, time_limit=float(self.time_limit.value())))
        except EventmapError as exc:
            self.error.setText(exc.message)
            self.error.show()

    def _on_kind_changed(self, _index: int = 0) -> None:
        duckdb = self.kind.currentData() == "duckdb"
        self.connection_label.setText("File" if duckdb else "URL")
        self.connection.setPlaceholderText("study.duckdb" if duckdb else "postgresql://analyst@db.example.org:5432/conflict")
        self.browse.setVisible(duckdb)
        self.password.setVisible(not duckdb)
        self.password_label.setVisible(not duckdb)

    def _on_mode_changed(self, _checked: bool = False) -> None:
        self.table.setEnabled(self.use_table.isChecked())
        self.query.setEnabled(self.use_query.isChecked())

    def _on_browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "DuckDB file", self.connection.text(), "DuckDB (*.duckdb *.ddb *.db);;All files (*)")
        if path:
            self.connection.setText(path)
