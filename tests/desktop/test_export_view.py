"""Exports show what the window's map shows: the same centre, scale and extent (#11.1), and remember their folder."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventmap.desktop.export import render_view
from eventmap.desktop.export.pdf import print_scale
from eventmap.desktop.settings import Settings
from eventmap.geo.dates import TimeWindow
from eventmap.geo.viewport import metres_per_pixel

pytestmark = pytest.mark.webengine


def same_view(exported: dict, screen: dict) -> None:
    assert exported["size"] == screen["size"]
    assert exported["zoom"] == pytest.approx(screen["zoom"], abs=1e-9)
    assert exported["center"] == pytest.approx(screen["center"], abs=1e-6)
    for (a, b), (c, d) in zip(exported["bounds"], screen["bounds"]):
        assert (a, b) == pytest.approx((c, d), abs=1e-6)
    # The scale bar measures the same ground per pixel.
    assert metres_per_pixel(exported["center"][0], exported["zoom"]) == pytest.approx(metres_per_pixel(screen["center"][0], screen["zoom"]))


def test_png_as_on_screen_at_1x_and_2x_and_the_pdf_keep_the_screens_view(make_main_window, map_state, qtbot, tmp_path):
    window = make_main_window(size=(1000, 700))
    window.state.set_window(TimeWindow.year(2020))
    seq = window.view.send("setView", {"lat": 31.5, "lon": 71.25, "zoom": 5.5})  # zoomed in, as a user would
    assert window.view.wait_painted(seq)
    # The page reports its view to the model once it settles; the export reads the model.
    qtbot.waitUntil(lambda: window.state.viewport is not None and window.state.viewport.view[2] == 5.5, timeout=10_000)
    screen = map_state(window)
    assert screen["zoom"] == 5.5

    request = window.exports.request(tmp_path / "map.png")
    image, exported = render_view(request)
    same_view(exported, screen)
    assert (image.width(), image.height()) == tuple(screen["size"])

    image, exported = render_view(replace(request, scale=2.0))
    same_view(exported, screen)
    assert (image.width(), image.height()) == (2 * screen["size"][0], 2 * screen["size"][1])

    pdf = replace(request, out=tmp_path / "map.pdf")
    scale = print_scale(pdf.size)
    assert scale > 2.5  # 300 ppi on A4, not a screen's pixels blown up
    image, exported = render_view(replace(pdf, scale=scale))
    same_view(exported, screen)


def test_the_export_folder_is_remembered_across_sessions(make_main_window, tmp_path, monkeypatch):
    from eventmap.desktop.dialogs import export_dialog

    folder = tmp_path / "exports"
    folder.mkdir()
    window = make_main_window()

    def accept(dialog):
        dialog.set_format("geojson")
        dialog.path_edit.setText(str(folder / "shown.geojson"))
        return export_dialog.QDialog.DialogCode.Accepted

    monkeypatch.setattr(export_dialog.QtExportDialog, "exec", accept)
    window.exports.on_export()
    assert (folder / "shown.geojson").exists()
    # Saved at once, not only when the window closes.
    settings = Settings.load()
    assert settings.export_dir == str(folder) and settings.export_format == "geojson"
    assert window.exports.default_path(".png").parent == folder
