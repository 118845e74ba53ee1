"""The time slider, its histogram strip and the year filter, each built on a bare ViewState (no map)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from eventmap.desktop.view_state import ViewState
from eventmap.desktop.widgets.qt_time_slider import QtTimeSlider
from eventmap.desktop.widgets.qt_year_filter import QtYearFilter
from eventmap.geo.dates import TimeWindow
from eventmap.geo.timeline import Step
from eventmap.geo.view import ViewFilter


@pytest.fixture
def slider(qtbot, state):
    widget = QtTimeSlider(state)
    qtbot.addWidget(widget)
    widget.resize(900, 140)
    widget.show()
    return widget


@pytest.fixture
def years(qtbot, state):
    widget = QtYearFilter(state)
    qtbot.addWidget(widget)
    return widget


def month(text: str) -> TimeWindow:
    return TimeWindow.between(text, text)


def test_the_year_filter_lists_the_years_with_events(years):
    assert [years.itemText(i) for i in range(years.count())] == ["All", "2014", "2015", "2016", "2020", "2023", "2024"]
    assert years.currentText() == "All"


def test_year_filter_and_slider_are_two_views_of_one_window(state, slider, years):
    changes: list[TimeWindow] = []
    state.windowChanged.connect(lambda: changes.append(state.window))
    years.setCurrentIndex(years.findText("2016"))
    assert state.window == TimeWindow.year(2016)
    assert slider.length.currentData() == "year" and slider.slider.value() == 2
    slider.slider.setValue(6)
    assert state.window == TimeWindow.year(2020)
    assert years.currentText() == "2020"
    # A month: the year filter shows no year.
    slider.length.setCurrentIndex(slider.length.findData("month"))
    assert state.window == month("2020-01")
    assert years.currentIndex() == -1
    # All time, from either.
    years.setCurrentIndex(0)
    assert state.window.is_all_time
    assert slider.length.currentData() == "all"
    # Each change was one event: no ping-pong between the two views.
    assert changes == [TimeWindow.year(2016), TimeWindow.year(2020), month("2020-01"), TimeWindow.all_time()]


def test_a_window_that_is_no_calendar_period_steps_by_its_own_length(state, slider):
    window = TimeWindow.between("2024-09-01", "2024-10-31")
    state.set_window(window)
    assert slider.length.currentText() == "61 days"
    assert slider.step.window(slider.origin, slider.slider.value()) == (window.lo, window.hi)
    slider.move_by(-1)
    assert state.window == TimeWindow.between("2024-07-02", "2024-08-31")
    assert state.window.hi - state.window.lo == window.hi - window.lo


def test_stepping_skips_empty_time_and_home_end_jump(state, slider):
    state.set_window(month("2020-11"))
    assert slider.step_event(forward=True)
    assert state.window == month("2023-01")  # nothing starts from Dec 2020 to Dec 2022
    assert slider.step_event(forward=False)
    assert state.window == month("2020-11")
    slider.jump(to_end=True)
    assert state.window == month("2024-10")
    assert not slider.step_event(forward=True)  # no event starts after Oct 2024
    assert state.window == month("2024-10")
    slider.jump(to_end=False)
    assert state.window == month("2014-01")
    # From all time, the first step goes to the first event.
    state.set_window(TimeWindow.all_time())
    slider.step_event(forward=True)
    assert state.window == month("2014-01")


def test_cumulative_mode_shows_everything_up_to_the_window(state, slider):
    state.set_window(TimeWindow.year(2016))
    slider.cumulative.click()
    assert state.cumulative
    assert slider.window_label.text() == "up to 2016"
    assert slider.count_label.text() == "3 of 13 events"
    state.set_window(TimeWindow.year(2016), cumulative=False)
    assert not slider.cumulative.isChecked()
    assert slider.count_label.text() == "1 of 13 events"


def test_play_steps_and_loops(qtbot, state, slider):
    state.set_window(TimeWindow.year(2023))
    slider.loop.setChecked(True)
    slider.set_speed(8.0)
    seen: list[str] = []
    state.windowChanged.connect(lambda: seen.append(state.window_label()))
    slider.play()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=5_000)
    slider.stop()
    assert seen[:3] == ["2024", "2014", "2015"]
    assert not slider.playing and not slider.play_action.isChecked()


def test_the_histogram_counts_events_per_period_and_follows_the_categories(state, slider):
    strip = slider.strip
    assert strip.counts.sum() > 0
    # Monthly bins over 2014-2024; Nov 2020 has 4 events (two of them exercises).
    november = Step("month").index(strip.edges[0], month("2020-11").lo)
    assert strip.counts[november] == 4
    state.set_hidden_categories({"exercise"})
    assert strip.counts[november] == 2
    # Clicking the strip moves the window to the period under the pointer.
    state.set_window(TimeWindow.year(2014))
    x = strip.x_of(TimeWindow.year(2020).lo + 86_400_000 * 100)
    strip.timeClicked.emit(strip.time_of(x))
    assert state.window == TimeWindow.year(2020)


def test_the_strip_puts_each_period_above_its_slider_position(state, slider):
    from PySide6.QtWidgets import QStyle, QStyleOptionSlider

    state.set_window(TimeWindow.year(2020))
    option = QStyleOptionSlider()
    slider.slider.initStyleOption(option)
    handle = slider.slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider.slider)
    handle_x = slider.slider.mapTo(slider, handle.center()).x() - slider.strip.mapTo(slider, slider.strip.rect().topLeft()).x()
    band = (slider.strip.x_of(state.window.lo), slider.strip.x_of(state.window.hi))
    assert band[0] <= handle_x <= band[1]


def test_an_undated_dataset_disables_the_time_controls(qtbot):
    from eventmap.geo.events import Dataset, Event

    state = ViewState(Dataset(events=[Event(id="a", title="Somewhere", lon=1, lat=2)]))
    widget = QtTimeSlider(state)
    qtbot.addWidget(widget)
    assert not widget.slider.isEnabled() and not widget.play_action.isEnabled()
    assert not widget.step_event(True)
    assert widget.count_label.text() == "1 of 1 event"


def giscore_state():
    from pathlib import Path

    from eventmap.geo.importers import load_dataset

    return ViewState(load_dataset(Path(__file__).parents[1] / "data" / "giscore_TimeTest.kml"))


def test_four_hours_of_data_step_hour_by_hour_with_an_hourly_axis(qtbot):
    state = giscore_state()
    widget = QtTimeSlider(state)
    qtbot.addWidget(widget)
    widget.resize(900, 140)
    widget.show()
    assert [widget.length.itemData(i) for i in range(widget.length.count())] == ["second", "minute", "hour", "day", "all"]
    assert widget.step == Step("hour") and widget.slider.maximum() == 4  # something to step and play
    assert widget.strip.counts.size > 100 and widget.strip.counts.max() < len(state.dataset)  # not one solid bar
    widget.jump(to_end=False)
    assert widget.window_label.text().startswith("12 Aug 2008 01:00 UTC")
    widget.move_by(1)
    assert state.window.hi - state.window.lo == 3_600_000 and widget.window_label.text().startswith("12 Aug 2008 02:00 UTC")
    widget.length.setCurrentIndex(widget.length.findData("minute"))
    assert state.window.hi - state.window.lo == 60_000


def test_the_date_box_jumps_to_a_typed_time_and_says_what_is_wrong(qtbot):
    from PySide6.QtTest import QTest

    state = giscore_state()
    widget = QtTimeSlider(state)
    qtbot.addWidget(widget)
    QTest.keyClicks(widget.date_box, "2008-08-12 03:42")
    QTest.keyClick(widget.date_box, Qt.Key.Key_Return)
    assert state.window == TimeWindow.between("2008-08-12T03:42Z", "2008-08-12T03:42Z")  # from all time: the typed minute
    widget.length.setCurrentIndex(widget.length.findData("hour"))
    widget.date_box.clear()
    QTest.keyClicks(widget.date_box, "2008-08-12T02:10Z")
    QTest.keyClick(widget.date_box, Qt.Key.Key_Return)
    assert state.window == TimeWindow.between("2008-08-12T02:00Z", "2008-08-12T02:59:59Z")  # the hour containing it
    widget.date_box.clear()
    QTest.keyClicks(widget.date_box, "12/08/2008")
    QTest.keyClick(widget.date_box, Qt.Key.Key_Return)
    assert widget.date_box.property("invalid") and "12/08/2008" in widget.date_box.toolTip()
    assert state.window == TimeWindow.between("2008-08-12T02:00Z", "2008-08-12T02:59:59Z")  # unchanged


def test_after_reopening_all_time_shows_no_stale_track(qtbot, state):
    """Reopening a file in All-time mode once left the old position's part-filled track on the slider."""
    widget = QtTimeSlider(state)
    qtbot.addWidget(widget)
    widget.jump(to_end=True)
    assert widget.slider.value() == widget.slider.maximum() > 0
    fresh = giscore_state().dataset
    state.set_dataset(fresh, ViewFilter())
    assert state.window.is_all_time and widget.length.currentData() == "all"
    assert widget.slider.value() == widget.slider.minimum() == 0  # the handle at rest, nothing filled
    assert widget.slider.maximum() == widget.timeline.last == 4  # the new file's hours 01:00 to 05:00, not the old months
    assert widget.strip.window is None


def test_play_waits_for_the_map_to_paint_each_step(qtbot, state, slider):
    state.set_window(TimeWindow.year(2014))
    painting = [True]
    slider.set_frame_gate(lambda: painting[0])
    slider.set_speed(8.0)
    slider.play()
    qtbot.waitUntil(lambda: slider.frames_dropped >= 3, timeout=5_000)
    assert state.window == TimeWindow.year(2014)  # no frame queued while the page paints
    painting[0] = False
    qtbot.waitUntil(lambda: state.window != TimeWindow.year(2014), timeout=5_000)
    slider.stop()
    assert state.window == TimeWindow.year(2015)
