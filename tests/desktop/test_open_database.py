"""File ▸ Open Database… as a user takes it (the dialog, the progress, the window), and the CLI with a database."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
import pytest
import shapely
from PySide6.QtWidgets import QDialogButtonBox

from eventmap.desktop.cli import main
from eventmap.desktop.dialogs.database_dialog import QtOpenDatabaseDialog
from eventmap.desktop.settings import Settings, settings_path
from eventmap.geo.paths import default_dataset
from eventmap.geo.synthetic import synthetic_dataset


@pytest.fixture
def duck_file(tmp_path):
    data = synthetic_dataset(300)
    path = tmp_path / "study.duckdb"
    con = duckdb.connect(str(path))
    rows = pa.table(
        {
            "id": [e.id for e in data.events],
            "title": [e.title for e in data.events],
            "start": [e.start.text for e in data.events],
            "category": [e.category for e in data.events],
            "geom": pa.array([shapely.to_wkb(shapely.Point(e.lon, e.lat)) for e in data.events], pa.binary()),
        }
    )
    con.register("rows", rows)
    con.execute("CREATE TABLE events AS SELECT * FROM rows")
    con.execute("CREATE TABLE notes AS SELECT 1 AS id, 'text' AS body")
    con.close()
    return path


def open_dialog(window, qtbot) -> QtOpenDatabaseDialog:
    window.named_actions["open_database"].trigger()
    qtbot.waitUntil(lambda: window.findChild(QtOpenDatabaseDialog) is not None and window.findChild(QtOpenDatabaseDialog).isVisible())
    return window.findChild(QtOpenDatabaseDialog)


def fill(dialog, kind: int, connection: str, table: str | None = None, query: str | None = None, password: str = "", limit: float = 30):
    dialog.kind.setCurrentIndex(kind)
    dialog.connection.setText(connection)
    dialog.password.setText(password)
    if table is not None:
        dialog.use_table.setChecked(True)
        dialog.table.setText(table)
    else:
        dialog.use_query.setChecked(True)
        dialog.query.setPlainText(query or "")
    dialog.time_limit.setValue(limit)


def click_open(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Open).click()


def test_open_a_duckdb_table_through_the_dialog(make_main_window, qtbot, duck_file):
    window = make_main_window(default_dataset(), remember=True)
    dialog = open_dialog(window, qtbot)
    fill(dialog, 0, str(duck_file), table="events")
    click_open(dialog)
    qtbot.waitUntil(lambda: len(window.state.dataset) == 300, timeout=20_000)
    assert window.state.dataset.name == "events" and window.state.dataset.path is None
    assert Settings.load().recent_databases == [f"duckdb:{duck_file}?table=events"]
    # The recent list fills the dialog the next time.
    again = open_dialog(window, qtbot)
    again.recent.setCurrentIndex(1)
    again.recent.activated.emit(1)
    assert (again.connection.text(), again.table.text()) == (str(duck_file), "events")
    again.reject()


def test_a_bad_table_says_why_and_keeps_the_dataset(make_main_window, qtbot, duck_file, monkeypatch):
    window = make_main_window(default_dataset())
    before = window.state.dataset
    shown = []
    monkeypatch.setattr(window, "show_database_error", lambda label, error: shown.append(error.message))
    dialog = open_dialog(window, qtbot)
    fill(dialog, 0, str(duck_file), table="notes")
    click_open(dialog)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert shown == [f"table notes in DuckDB study.duckdb: no geometry column and no coordinate columns (latitude and longitude,"
                     " lat and lon, or y and x); the columns are id, body"]
    assert window.state.dataset is before


def test_the_dialog_checks_its_fields_before_closing(qtbot):
    dialog = QtOpenDatabaseDialog()
    qtbot.addWidget(dialog)
    chosen = []
    dialog.sourceChosen.connect(lambda source, password: chosen.append((source, password)))
    fill(dialog, 1, "mysql://db/x", table="t")
    click_open(dialog)
    assert not chosen and "is not a PostgreSQL URL" in dialog.error.text()
    fill(dialog, 0, "x.duckdb", table="")
    click_open(dialog)
    assert not chosen and dialog.error.text() == "name the table to read"
    fill(dialog, 1, "postgresql://me:hunter2@db/conflict", query="SELECT 1", limit=45)
    click_open(dialog)
    source, password = chosen[0]
    assert (source.target, source.query, source.time_limit, password) == ("postgresql://me@db/conflict", "SELECT 1", 45.0, "hunter2")
    assert "hunter2" not in source.text()


@pytest.mark.postgres
def test_open_a_postgis_table_through_the_dialog(make_main_window, qtbot, pg_url):
    window = make_main_window(default_dataset(), remember=True)
    dialog = open_dialog(window, qtbot)
    url = pg_url.replace("postgresql:///", "postgresql://postgres:not-kept@/", 1)  # trust auth: the password is ignored
    fill(dialog, 1, url, table="events", password="")
    click_open(dialog)
    qtbot.waitUntil(lambda: window.state.dataset.name == "events", timeout=30_000)
    assert len(window.state.dataset) >= 1000
    kept = settings_path().read_text(encoding="utf-8")
    assert "not-kept" not in kept and json.loads(kept)["recent_databases"][0].endswith("table=events")


@pytest.mark.postgres
def test_a_postgis_query_over_its_time_limit_keeps_the_dataset(make_main_window, qtbot, pg_url, monkeypatch):
    window = make_main_window(default_dataset())
    before = window.state.dataset
    shown = []
    monkeypatch.setattr(window, "show_database_error", lambda label, error: shown.append(error.message))
    dialog = open_dialog(window, qtbot)
    fill(dialog, 1, pg_url, query="SELECT pg_sleep(30), * FROM events LIMIT 1", limit=1)
    click_open(dialog)
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert shown == ["query on PostgreSQL eventmap: stopped after the time limit of 1 s; raise the limit or narrow the query"]
    assert window.state.dataset is before


def test_cli_reads_a_duckdb_source(tmp_path, capsys, duck_file):
    assert main(["validate", f"duckdb:{duck_file}?table=events"]) == 0
    assert "events: 300" in capsys.readouterr().out
    out = tmp_path / "e.geojson"
    assert main(["export", "--dataset", str(duck_file), "--table", "events", "--year", "2020", "-o", str(out)]) == 0
    assert 0 < len(json.loads(out.read_text())["features"]) < 300
    assert main(["import", f"duckdb:{duck_file}", "--query", "SELECT * FROM events LIMIT 10", "-o", str(tmp_path / "e.parquet")]) == 0
    assert "imported 10 events" in capsys.readouterr().out
    assert main(["validate", f"duckdb:{duck_file}?table=notes"]) == 1
    assert "no geometry column" in capsys.readouterr().err
    assert main(["validate", "events.csv", "--table", "events"]) == 2


@pytest.mark.postgres
def test_cli_reads_a_postgis_table(tmp_path, capsys, pg_url):
    out = tmp_path / "pg.geojson"
    assert main(["export", "--dataset", pg_url, "--table", "events", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text())["features"]) >= 1000
    assert main(["validate", pg_url + "&table=events_lonlat"]) == 0
    assert "events: 100" in capsys.readouterr().out


def test_the_app_opens_a_database_source_for_a_screenshot(tmp_path, capsys, duck_file):
    out = tmp_path / "db.png"
    assert main([f"duckdb:{duck_file}?table=events", "--screenshot", str(out), "--size", "900x600"]) == 0
    assert "300 of 300 events" in capsys.readouterr().out and out.stat().st_size > 10_000
    assert main([f"duckdb:{duck_file}?table=notes", "--screenshot", str(out)]) == 1
    assert "no geometry column" in capsys.readouterr().err
