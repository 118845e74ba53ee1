"""The window opens hostile files and paints: no crash, no exception out of a slot; a warning or the error dialog instead.

Each file is one of the attack's classes of bad input: a date that is year 0
in UTC, lone surrogates in the title and the collection name, nesting 600
deep, integers of 400 digits, place names that are HTML, a quote left open,
a damaged KMZ, an entity bomb, a file name that is not UTF-8. After each the
window is painted (map, slider, year filter, table) and every label that can
show dataset text must be plain text.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from eventmap.desktop.plain_text import plain_tooltip
from eventmap.desktop.run import grab_window

pytestmark = pytest.mark.webengine

DATA = Path(__file__).parents[1] / "data"
SPOOF = "<img src=/usr/share/icons/hicolor/48x48/apps/x.png width=300><h1>SPOOFED</h1>"


def point(props: dict, coords=(73.05, 33.69)) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(coords)}, "properties": props}


def collection(*features, **members) -> str:
    return json.dumps({"type": "FeatureCollection", **members, "features": list(features)})


def deep(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


def hostile_files(folder: Path) -> dict[str, Path]:
    files = {
        "year0.geojson": collection(
            point({"title": "year 0 in UTC", "start": "0001-01-01T00:30+01:00"}),
            point({"title": "first supported day", "start": "0001-01-01"}),
            point({"title": "last supported day", "start": "9998-12-31"}, coords=(10, 10)),
        ),
        "surrogates.geojson": collection(point({"title": "a\ud800b", "start": "2020", "place": "p\udfff"}), name="Name \ud800"),
        "deep.geojson": collection(point({"title": "ok", "start": "2020"}), point({"title": "deep", "source": deep(600)}), meta=deep(600)),
        "huge.geojson": collection(
            point({"title": "ok", "start": "2020"}), point({"title": "big", "time": 10**400}), point({"title": "far"}, coords=(10**400, 1))
        ),
        "spoof.geojson": collection(
            point({"title": SPOOF, "place": SPOOF, "start": "2020", "category": SPOOF}),
            point({"title": "two", "place": SPOOF + "2", "start": "2021"}, coords=(74.3, 31.5)),
        ),
        "open_quote.csv": 'lat,lon,title\n1,2,"open\n3,4,b\n5,6,c\n7,8,d\n',
    }
    out = {}
    for name, text in files.items():
        out[name] = folder / name
        out[name].write_text(text, encoding="utf-8")
    kmz = folder / "damaged.kmz"
    with zipfile.ZipFile(kmz, "w", compression=zipfile.ZIP_LZMA) as archive:
        archive.writestr("doc.kml", (DATA / "kml_every_time.kml").read_bytes())
    raw = bytearray(kmz.read_bytes())
    at = raw.index(b"doc.kml") + 27
    raw[at : at + 40] = bytes(40)
    kmz.write_bytes(bytes(raw))
    out["damaged.kmz"] = kmz
    out["bomb.kml"] = DATA / "kml_entity_bomb.kml"
    odd = folder / b"caf\xe9.geojson".decode("utf-8", "surrogateescape")
    odd.write_text(collection(point({"title": "odd name", "start": "2020"})), encoding="utf-8")
    out["odd name"] = odd
    return out


@pytest.fixture
def messages(monkeypatch):
    """Every message box is answered at once; what it said is kept, with its text format."""
    said: list[tuple[str, Qt.TextFormat]] = []

    def exec_(box):
        said.append((box.text(), box.textFormat()))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return said


def rich_labels(window) -> list[str]:
    """Labels in the window (and its dialogs) showing text that could be dataset text, not as plain text."""
    out = []
    for top in QApplication.topLevelWidgets():
        for label in top.findChildren(QLabel):
            text = label.text()
            if label.textFormat() != Qt.TextFormat.PlainText and label.isVisible() and ("SPOOF" in text or "\ufffd" in text):
                out.append(f"{label.objectName() or type(label).__name__}: {text[:60]!r}")
    return out


@pytest.mark.timeout(300)
def test_hostile_files_open_and_paint_with_a_warning_or_the_error_dialog(make_main_window, qtbot, tmp_path, messages):
    window = make_main_window()
    files = hostile_files(tmp_path)
    expected_refused = {"damaged.kmz", "bomb.kml"}
    for name, path in files.items():
        before = len(messages)
        opened = window.open_path(path)
        assert opened == (name not in expected_refused), name
        if not opened:
            text, text_format = messages[before]
            assert text_format == Qt.TextFormat.PlainText and text.startswith(path.name.split(".")[0][:3]), (name, text)
        else:
            assert window.state.dataset.events, name
        image = grab_window(window, timeout_ms=3000)
        assert not image.isNull() and image.width() > 0
        for widget in (window.time_slider, window.event_table if hasattr(window, "event_table") else window):
            widget.repaint()
        qtbot.wait(10)
        assert rich_labels(window) == [], name
    # the year-0 feature was refused with a warning; the years 1 and 9998 are shown
    window.open_path(files["year0.geojson"])
    assert [e.title for e in window.state.dataset.events] == ["first supported day", "last supported day"]
    assert any("outside the years 1-9998 (UTC)" in w for w in window.state.dataset.warnings)
    # two selected events with HTML place names: the status bar shows the text, as text
    window.open_path(files["spoof.geojson"])
    window.state.set_selection([0, 1])
    label = window.distance_label
    qtbot.waitUntil(label.isVisible, timeout=2000)
    assert label.textFormat() == Qt.TextFormat.PlainText and SPOOF in label.text()
    assert window.windowTitle().startswith("spoof.geojson") or "eventmap" in window.windowTitle()


def test_a_tooltip_of_dataset_text_is_shown_literally():
    assert plain_tooltip("a < b") == "a < b"
    shown = plain_tooltip(SPOOF)
    assert "<img" not in shown and "&lt;img" in shown and shown.startswith("<qt>")


def test_no_static_message_box_in_desktop_renders_rich_text():
    # QMessageBox.warning()/critical()/information()/question() guess the text format: a message
    # quoting dataset text would be rendered as HTML. desktop/plain_text.py has plain ones.
    source = Path(__file__).parents[2] / "desktop"
    found = [
        f"{path.relative_to(source)}:{number}"
        for path in sorted(source.rglob("*.py"))
        if path.name != "plain_text.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"QMessageBox\.(warning|critical|information|question)\(", line)
    ]
    assert found == []
