"""The export and About dialogs, without running an export."""

from __future__ import annotations

from eventmap.desktop.dialogs.about_dialog import QtAboutDialog, about_html
from eventmap.desktop.dialogs.export_dialog import QtExportDialog


def test_the_export_dialog_turns_choices_into_a_request(qtbot, tmp_path):
    dialog = QtExportDialog((900, 600), tmp_path / "map.png", "My events", last_format="pdf")
    qtbot.addWidget(dialog)
    assert dialog.format() == "pdf"
    assert dialog.path_edit.text().endswith("map.pdf")
    assert not dialog.width_box.isEnabled()

    dialog.set_format("png2x")
    choice = dialog.choice()
    assert (choice.format, choice.size, choice.scale, choice.path) == ("png2x", (900, 600), 2.0, tmp_path / "map.png")
    assert "1800 × 1200" in dialog.buttons["png2x"].text()

    dialog.set_format("png-custom")
    dialog.width_box.setValue(1280)
    dialog.height_box.setValue(720)
    assert dialog.choice().size == (1280, 720) and dialog.choice().scale == 1.0

    dialog.set_format("geojson")
    dialog.path_edit.setText(str(tmp_path / "shown.txt"))
    assert dialog.choice().path == tmp_path / "shown.geojson"
    assert dialog.choice().title == "My events"
    dialog.path_edit.setText("  ")
    assert not dialog.export_button.isEnabled()


def test_about_names_the_version_sources_and_licences(qtbot):
    from eventmap.geo import __version__

    text = about_html()
    for needle in (__version__, "Natural Earth", "public domain", "GeoNames", "CC BY 4.0", "000_9e369aff28458d19.txt",
                   "003_c46de655e29607e1.txt", "Leaflet (BSD-2-Clause)", "folium (MIT)"):
        assert needle in text, needle
    dialog = QtAboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "About eventmap"
