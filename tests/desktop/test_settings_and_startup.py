"""Settings in the (temporary) config folder, remembered across windows; start-up and --screenshot."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtGui import QImage

from eventmap.desktop.map.map_view import image_is_blank
from eventmap.desktop.settings import Settings, settings_path
from eventmap.geo.config import config_dir
from eventmap.geo.dates import TimeWindow
from eventmap.geo.paths import default_dataset


def test_settings_live_in_the_config_folder(fresh_settings):
    assert settings_path().parent == config_dir()
    assert str(settings_path()).startswith(str(fresh_settings))
    settings = Settings.load()
    assert settings == Settings()
    settings.basemap = "natural-earth-110m"
    settings.add_recent("/tmp/a.geojson")
    settings.save()
    again = Settings.load()
    assert again.basemap == "natural-earth-110m"
    assert again.recent_files == ["/tmp/a.geojson"] and again.last_dataset == "/tmp/a.geojson"


def damaged_copies():
    return sorted(p.name for p in settings_path().parent.glob("settings.json.damaged-*"))


def test_damaged_or_strange_settings_give_the_defaults():
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    settings = Settings.load()
    assert settings == Settings() and "not valid JSON" in settings.note
    assert not path.exists() and len(damaged_copies()) == 1
    path.write_text(json.dumps({"basemap": 3, "play_speed": 2, "recent_files": ["a", 5], "loop": "yes", "unknown": 1}), encoding="utf-8")
    settings = Settings.load()
    assert settings.basemap == "natural-earth" and settings.play_speed == 2.0 and settings.loop is False
    assert settings.recent_files == ["a"]
    assert "basemap" in settings.note and "loop" in settings.note and "recent_files" in settings.note


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),  # RecursionError in the JSON reader
        ('{"play_speed": 1' + "0" * 400 + "}", "play_speed"),  # OverflowError turning it into a float
        ('{"play_speed": 1e400}', "play_speed"),  # reads as infinity
        ('{"recent_files": "not a list", "geometry": 5}', "recent_files"),
        (r'{"last_dataset": "a\ud800b"}', "last_dataset"),  # a lone surrogate could never be saved again
        ("[1, 2, 3]", "not a JSON object"),
        (b"\xff\xfe{".decode("latin-1"), "not valid JSON"),
    ],
)
def test_a_damaged_settings_file_is_set_aside_and_the_app_starts_on_defaults(text, why):
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    settings = Settings.load()
    assert why in settings.note and "set aside as settings.json.damaged-" in settings.note
    assert settings.play_speed == 1.0 and settings.recent_files == []
    (aside,) = damaged_copies()
    assert (path.parent / aside).read_text(encoding="utf-8") == text  # the user's file is kept as it was
    settings.save()  # and the next save writes a good file
    again = Settings.load()
    assert again == settings and again.note == ""


def test_good_settings_leave_no_note_and_nothing_set_aside():
    Settings(play_speed=2.0).save()
    assert Settings.load().note == "" and damaged_copies() == []


def test_the_window_starts_on_damaged_settings_and_says_so(qapp, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from eventmap.desktop.main_window import MainWindow
    from eventmap.desktop.run import run_app

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"play_speed": 1' + "0" * 400 + ', "basemap": "natural-earth-110m"}', encoding="utf-8")
    shown = {}
    original = MainWindow.show

    def show(self):
        shown["window"] = self
        original(self)

    monkeypatch.setattr(MainWindow, "show", show)
    monkeypatch.setattr(QApplication, "exec", staticmethod(lambda: shown.update(message=shown["window"].statusBar().currentMessage()) or 0))
    assert run_app(None) == 0
    assert "settings file was damaged" in shown["message"] and "play_speed" in shown["message"]
    assert damaged_copies()


def test_recent_files_are_unique_newest_first_and_bounded():
    settings = Settings()
    for n in range(15):
        settings.add_recent(f"/data/{n}.csv")
    settings.add_recent("/data/3.csv")
    assert settings.recent_files[0] == "/data/3.csv"
    assert len(settings.recent_files) == 10 and len(set(settings.recent_files)) == 10


@pytest.mark.webengine
def test_choices_persist_across_two_windows(make_main_window, tmp_path):
    from eventmap.desktop.main_window import delete_window

    copy = tmp_path / "mine.geojson"
    shutil.copy(default_dataset(), copy)
    first = make_main_window(size=(790, 560))  # fits the offscreen screen (800 x 600)
    first.set_basemap("natural-earth-110m")
    first.time_slider.set_speed(4.0)
    first.time_slider.loop.setChecked(True)
    first.events_dock.hide()
    assert first.open_path(copy)
    delete_window(first)
    assert settings_path().is_file()

    second = make_main_window(size=None)
    assert second.map_link.basemap.key == "natural-earth-110m"
    assert second.named_actions["basemap:natural-earth-110m"].isChecked()
    assert second.time_slider.speed == 4.0 and second.time_slider.loop.isChecked()
    assert second.settings.recent_files[0] == str(copy.resolve())
    assert (second.width(), second.height()) == (790, 560)
    assert not second.events_dock.isVisible()


@pytest.mark.webengine
def test_screenshot_saves_the_whole_window_once_painted(qapp, tmp_path, capsys):
    from eventmap.desktop.run import run_app

    out = tmp_path / "w.png"
    assert run_app(None, window=TimeWindow.year(2020), screenshot=str(out), size=(1000, 680)) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 680)
    assert not image_is_blank(image)
    assert "2020: 4 of 13 events" in capsys.readouterr().out
    assert not settings_path().exists()  # automation leaves the user's settings alone


def test_screenshot_of_a_bad_file_fails_with_a_message(qapp, tmp_path, capsys):
    from eventmap.desktop.run import run_app

    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"}]}', encoding="utf-8")
    assert run_app(str(bad), screenshot=str(tmp_path / "w.png")) == 1
    err = capsys.readouterr().err
    assert err.startswith("eventmap: ") and "bad.geojson" in err
    assert "Traceback" not in err
    assert not (tmp_path / "w.png").exists()


@pytest.mark.webengine
def test_a_bad_file_on_the_command_line_shows_why_then_opens_the_bundled_dataset(qapp, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from eventmap.desktop.main_window import MainWindow
    from eventmap.desktop.run import run_app

    bad = tmp_path / "bad.csv"
    bad.write_text("no,coordinates,here\n1,2,3\n", encoding="utf-8")
    shown: list[tuple[str, str]] = []
    opened: list[tuple[str, bool]] = []
    original = MainWindow.open_path

    def open_path(self, path, *args, **kwargs):
        result = original(self, path, *args, **kwargs)
        opened.append((str(path), result))
        return result

    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.windowTitle(), box.text())) or QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(MainWindow, "open_path", open_path)
    monkeypatch.setattr(QApplication, "exec", staticmethod(lambda: 0))  # the user quits at once
    assert run_app(str(bad)) == 0
    assert opened == [(str(bad), False), (str(default_dataset()), True)]
    assert len(shown) == 1 and "bad.csv" in shown[0][0]
