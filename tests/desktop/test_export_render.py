"""PNG and PDF exports rendered offscreen by the app's own map page."""

import pytest
from PySide6.QtGui import QImage

from eventmap.desktop.export import ExportRequest, export
from eventmap.desktop.map.map_view import image_is_blank
from eventmap.geo.dates import TimeWindow
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import default_dataset
from eventmap.geo.view import ViewFilter

pytestmark = pytest.mark.webengine


def colours(image: QImage, step: int = 7, right: int | None = None) -> set[int]:
    right = image.width() if right is None else right
    return {image.pixel(x, y) for x in range(0, right, step) for y in range(0, image.height(), step)}


def test_png_export_is_painted_and_shows_the_markers(qapp, tmp_path):
    out = tmp_path / "y.png"
    export(ExportRequest(out=out, dataset=load_dataset(default_dataset()), view=ViewFilter(window=TimeWindow.year(2020)), size=(900, 600)))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    assert not image_is_blank(image)
    found = colours(image, 3)
    # The 2020 events: exercise (red), diplomacy (green), trade (orange) markers.
    for rgb in (0xD62728, 0x2B9A3E, 0xEF8A17):
        assert any((c & 0xFFFFFF) == rgb for c in found), hex(rgb)
    # No defence event (blue) touches 2020, and the legend lists only what is shown.
    assert not any((c & 0xFFFFFF) == 0x1F5FA8 for c in colours(image, 1))


def test_legend_lists_what_is_shown_or_everything_when_asked(qapp, tmp_path):
    seed = load_dataset(default_dataset())
    out = tmp_path / "all-legend.png"
    export(ExportRequest(out=out, dataset=seed, view=ViewFilter(window=TimeWindow.year(2020)), size=(900, 600), legend_all=True))
    # The legend (bottom right) keeps the categories with no 2020 event: defence (blue), energy (purple).
    image = QImage(str(out))
    legend = {image.pixel(x, y) & 0xFFFFFF for x in range(700, 900) for y in range(400, 600)}
    assert 0x1F5FA8 in legend and 0x8E4FBF in legend


def test_the_page_legend_follows_the_filters(qtbot, make_map_view):
    seed = load_dataset(default_dataset())
    view = make_map_view(seed, TimeWindow.year(2020))

    def legend():
        states = []
        view.state(states.append)
        qtbot.waitUntil(lambda: bool(states), timeout=10_000)
        return states[0]["legend"]

    assert legend() == ["exercise", "diplomacy", "trade"]
    codes = {c: i for i, c in enumerate(seed.categories())}
    with qtbot.waitSignal(view.framePainted, timeout=10_000):
        view.set_hidden_categories([codes["exercise"]])
    assert legend() == ["diplomacy", "trade"]
    with qtbot.waitSignal(view.framePainted, timeout=10_000):
        view.set_window(TimeWindow.all_time(), "all time")
    assert legend() == [c for c in seed.categories() if c != "exercise"]


def test_png_export_at_2x_doubles_the_pixels(qapp, tmp_path):
    out = tmp_path / "y2.png"
    export(ExportRequest(out=out, dataset=load_dataset(default_dataset()), size=(400, 300), scale=2))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (800, 600)
    assert not image_is_blank(image)


def test_pdf_export_writes_a_pdf(qapp, tmp_path):
    out = tmp_path / "map.pdf"
    export(ExportRequest(out=out, dataset=load_dataset(default_dataset()), size=(600, 400)))
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000


def test_sites_without_events_in_the_window_stay_labelled_but_muted(qtbot, make_map_view):
    view = make_map_view(load_dataset(default_dataset()), TimeWindow.year(2020), size=(1000, 700))
    states = []
    view.state(states.append)
    qtbot.waitUntil(lambda: bool(states), timeout=10_000)
    state = states[0]
    # Pabbi has no 2020 event: its label stays (a design site) but is not an event place.
    assert "Pabbi" in state["siteLabels"] and "Pabbi" not in state["activeSites"]
    assert {"Tarbela", "Islamabad", "Gwadar"} <= set(state["activeSites"])


def test_pdf_with_table_has_a_300_ppi_map_and_lists_the_events_shown(qapp, tmp_path):
    import re

    from PySide6.QtPdf import QPdfDocument

    from eventmap.geo.view import ViewFilter

    out = tmp_path / "report.pdf"
    export(ExportRequest(out=out, dataset=load_dataset(default_dataset()), view=ViewFilter(window=TimeWindow.year(2020)),
                         size=(900, 600), with_table=True))
    data = out.read_bytes()
    # The map is one picture about 10.7 inches wide on A4 landscape: 300 ppi means ~3,200 pixels.
    widths = [int(w) for w in re.findall(rb"/Width (\d+)", data)]
    assert max(widths) >= 3000
    document = QPdfDocument()
    assert document.load(str(out)) == QPdfDocument.Error.None_
    assert document.pageCount() == 2
    table = document.getAllText(1).text()
    assert "Date" in table and "Sources" in table
    assert "Druzhba 5 joint counter-terrorism exercise at Tarbela" in table and "Gwadar" in table
    assert "Pabbi" not in table  # a 2024 event: not shown in 2020, not listed
    document.close()
