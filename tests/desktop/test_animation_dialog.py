"""Export ▸ Animation… in the window: the dialog's options, the progress, and Cancel."""

from __future__ import annotations

import av
import pytest

from eventmap.desktop.dialogs.animation_dialog import QtAnimationProgress

pytestmark = pytest.mark.webengine


def test_the_dialog_counts_frames_refuses_bad_ranges_and_exports_with_progress(make_main_window, qtbot, tmp_path):
    window = make_main_window()
    assert window.named_actions["export_animation"].shortcut().toString() == "Ctrl+Shift+E"
    dialog = window.exports.animation_dialog()
    qtbot.addWidget(dialog)
    dialog.from_edit.setText("2014")
    dialog.to_edit.setText("2024")
    dialog.step_box.setCurrentText("year")
    dialog.fps_box.setValue(2)
    dialog.hold_box.setValue(0)
    assert dialog.summary.text().startswith("11 frames, 2014 to 2024") and "5.5 s" in dialog.summary.text()
    assert dialog.export_button.isEnabled()

    dialog.to_edit.setText("2013")
    assert "empty" in dialog.summary.text() and not dialog.export_button.isEnabled()
    dialog.to_edit.setText("2024")
    dialog.step_box.setCurrentText("hour")
    assert "at most 10,000" in dialog.summary.text() and not dialog.export_button.isEnabled()
    dialog.step_box.setCurrentText("year")

    dialog.format_box.setCurrentIndex(dialog.format_box.findData(".gif"))
    assert dialog.path_edit.text().endswith(".gif")
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(".mp4"))
    dialog.path_edit.setText(str(tmp_path / "clip.mp4"))
    dialog.size_box.setCurrentText("640 × 360")
    choice = dialog.choice()
    assert (choice.size, choice.fps, len(choice.plan)) == ((640, 360), 2.0, 11)

    progress = QtAnimationProgress(choice.path, 11, window)
    reports = []
    progress.frameDone.connect(lambda done, total: reports.append((done, total, progress.labelText())))
    written = window.exports.export_animation(choice, progress)
    assert written == tmp_path / "clip.mp4"
    assert [r[:2] for r in reports] == [(k, 11) for k in range(1, 12)]
    assert "Frame 5 of 11" in reports[4][2] and "s left" in reports[4][2]
    with av.open(str(written)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 11
    assert window.settings.export_dir == str(tmp_path) and window.settings.animation_format == ".mp4"


def test_cancel_in_the_progress_dialog_stops_and_leaves_no_file(make_main_window, qtbot, tmp_path):
    window = make_main_window()
    dialog = window.exports.animation_dialog()
    qtbot.addWidget(dialog)
    dialog.from_edit.setText("2014")
    dialog.to_edit.setText("2024")
    dialog.step_box.setCurrentText("quarter")
    dialog.size_box.setCurrentText("640 × 360")
    dialog.path_edit.setText(str(tmp_path / "clip.webm"))
    choice = dialog.choice()
    progress = QtAnimationProgress(choice.path, len(choice.plan), window)
    done = []
    progress.frameDone.connect(lambda n, _total: (done.append(n), progress.cancel() if n == 3 else None))
    assert window.exports.export_animation(choice, progress) is None
    assert done == [1, 2, 3]
    assert list(tmp_path.iterdir()) == []
    assert "cancelled" in window.statusBar().currentMessage()
