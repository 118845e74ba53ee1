"""Parquet and GeoPackage through the command line and the window (open and drop)."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from eventmap.desktop.cli import main
from eventmap.geo.importers import file_filter, load_dataset
from eventmap.geo.importers.parquet import write_parquet
from eventmap.geo.paths import default_dataset
from eventmap.geo.synthetic import synthetic_dataset, write_csv


def test_import_csv_to_parquet_then_validate_and_export(tmp_path, capsys):
    src = write_csv(synthetic_dataset(500), tmp_path / "big.csv")
    out = tmp_path / "big.parquet"
    assert main(["import", str(src), "-o", str(out)]) == 0
    assert "imported 500 events" in capsys.readouterr().out
    assert [e.id for e in load_dataset(out).events] == [e.id for e in load_dataset(src).events]
    assert main(["validate", str(out)]) == 0
    assert "events: 500" in capsys.readouterr().out
    assert main(["import", str(src), "-o", str(tmp_path / "plain.parquet"), "--parquet-geometry", "lonlat"]) == 0
    assert main(["export", "--dataset", str(tmp_path / "plain.parquet"), "-o", str(tmp_path / "shown.geojson")]) == 0
    assert len(json.loads((tmp_path / "shown.geojson").read_text())["features"]) == 500


def test_a_broken_parquet_file_is_one_line_and_exit_1(tmp_path, capsys):
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    assert main(["validate", str(tmp_path / "bad.parquet")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("eventmap: bad.parquet: not a readable Parquet file") and "Traceback" not in err


def test_open_filter_names_the_new_formats():
    assert "*.parquet" in file_filter() and "*.gpkg" in file_filter() and "*.geoparquet" in file_filter()


def test_a_dropped_parquet_file_opens_and_a_broken_one_keeps_the_data(make_main_window, qtbot, tmp_path, monkeypatch):
    good = write_parquet(synthetic_dataset(200), tmp_path / "events.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"nope")
    window = make_main_window(default_dataset())

    def drop(path):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        window.dropEvent(event)

    drop(good)
    qtbot.waitUntil(lambda: len(window.state.dataset) == 200, timeout=10_000)
    assert window.state.dataset.path == good
    shown = []
    monkeypatch.setattr(window, "show_load_error", lambda path, error: shown.append((path, error.message)))
    drop(tmp_path / "broken.parquet")
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0][1].startswith("broken.parquet: not a readable Parquet file")
    assert len(window.state.dataset) == 200
