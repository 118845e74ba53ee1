"""The event table, its lazy model, and the category and search widgets, on a bare ViewState."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from eventmap.desktop.view_state import ViewState
from eventmap.desktop.widgets.qt_category_filter import QtCategoryFilter
from eventmap.desktop.widgets.qt_event_table import DATE, INDEX_ROLE, SORT_ROLE, TITLE, QtEventTable
from eventmap.desktop.widgets.qt_search import QtSearch
from eventmap.geo.dates import TimeWindow, parse_date
from eventmap.geo.events import Dataset, Event


@pytest.fixture
def table(qtbot, state):
    widget = QtEventTable(state)
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    return widget


def column(table, col: int, role=Qt.ItemDataRole.DisplayRole) -> list:
    model = table.model()
    return [model.data(model.index(r, col), role) for r in range(model.rowCount())]


def test_rows_show_dates_at_their_precision_sorted_by_start(state, table):
    state.set_window(TimeWindow.year(2020))
    assert column(table, DATE) == ["Nov 2020", "Nov 2020", "5 Nov 2020", "8 Nov 2020 – 21 Nov 2020"]
    starts = column(table, DATE, SORT_ROLE)
    assert starts == sorted(starts)
    assert starts[0] == parse_date("2020-11").lo
    table.sortByColumn(DATE, Qt.SortOrder.DescendingOrder)
    assert column(table, DATE)[0] == "8 Nov 2020 – 21 Nov 2020"
    table.sortByColumn(TITLE, Qt.SortOrder.AscendingOrder)
    titles = column(table, TITLE)
    assert titles == sorted(titles, key=str.casefold)
    # Sorting survives a filter change.
    state.set_window(TimeWindow.all_time())
    titles = column(table, TITLE)
    assert len(titles) == 13 and titles == sorted(titles, key=str.casefold)


def test_tooltips_escape_dataset_text(qtbot):
    hostile = Event(id="x", title="<img src=x onerror=alert(1)>", lon=1, lat=2, summary="<script>alert(2)</script>")
    state = ViewState(Dataset(events=[hostile]))
    table = QtEventTable(state)
    qtbot.addWidget(table)
    tip = table.model().data(table.model().index(0, TITLE), Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "<script" not in tip and "&lt;img" in tip


def test_selection_follows_the_model_both_ways(state, table):
    table.selectRow(2)
    assert state.selected == table.model().data(table.model().index(2, 0), INDEX_ROLE)
    state.set_selected(12)
    assert table.selected_events() == [12]
    # An event the filter hides has no row, and is no longer selected (no popup over a hidden marker).
    state.set_window(TimeWindow.year(2014))
    assert table.selected_events() == [] and state.selected == -1
    state.set_window(TimeWindow.all_time())
    assert table.selected_events() == [] and state.selected == -1
    table.selectRow(2)
    table.selectionModel().select(table.model().index(3, 0), table.selectionModel().SelectionFlag.Select | table.selectionModel().SelectionFlag.Rows)
    assert len(state.selection) == 2 and state.selection == tuple(table.selected_events())  # the set lives in the model


def test_category_boxes_and_search_set_the_model(qtbot, state):
    boxes = QtCategoryFilter(state)
    search = QtSearch(state)
    qtbot.addWidget(boxes)
    qtbot.addWidget(search)
    assert list(boxes.boxes) == ["exercise", "defence", "diplomacy", "trade", "energy"]
    assert boxes.boxes["energy"].text() == "energy (3)"
    boxes.boxes["energy"].click()
    assert state.hidden_categories == {"energy"}
    state.set_hidden_categories(set())
    assert boxes.boxes["energy"].isChecked()
    QTest.keyClicks(search, "gwadar")
    with qtbot.waitSignal(state.searchChanged, timeout=2_000):
        pass  # typing applies after a pause
    assert state.search == "gwadar"
    assert list(np.flatnonzero(state.visible_mask())) == [6]


def big_dataset(n: int) -> Dataset:
    rng = np.random.default_rng(7)
    days = [parse_date(f"{2010 + y}-{m:02d}-{d:02d}") for y in range(15) for m in range(1, 13) for d in range(1, 29)]
    picks = rng.integers(0, len(days), n)
    cats = ("exercise", "defence", "diplomacy", "trade", "energy")
    codes = rng.integers(0, len(cats), n)
    lat, lon = rng.uniform(20, 60, n), rng.uniform(40, 90, n)
    events = [Event(id=str(i), title=f"Event {i}", lon=float(lon[i]), lat=float(lat[i]), start=days[picks[i]], category=cats[codes[i]]) for i in range(n)]
    return Dataset(events=events, name="synthetic")


def test_many_events_filter_and_sort_consistently(qtbot):
    # Speed at 1M events is measured by the benchmark (python -m tools.bench), not asserted here.
    dataset = big_dataset(50_000)
    state = ViewState(dataset)
    table = QtEventTable(state)
    qtbot.addWidget(table)
    table.show()
    for year in (2012, 2016, 2020, 2023):
        state.set_window(TimeWindow.year(year))
        QTest.qWait(0)
        assert table.model().rowCount() == int(np.count_nonzero(state.visible_mask()))
    state.set_hidden_categories({"trade"})
    assert table.model().rowCount() == int(np.count_nonzero(state.visible_mask()))
    last = table.model().rowCount() - 1
    assert math.isfinite(table.model().data(table.model().index(last, DATE), SORT_ROLE))


def usgs_state():
    from pathlib import Path

    from eventmap.geo.importers import load_dataset

    return ViewState(load_dataset(Path(__file__).parents[1] / "data" / "usgs_significant_month_2014-03.geojson"))


def test_any_property_can_be_a_column_chosen_from_the_header(qtbot):
    state = usgs_state()
    table = QtEventTable(state)
    qtbot.addWidget(table)
    model = table.model()
    assert model.columnCount() == 4 and "mag" in model.properties and "alert" in model.properties
    menu = table.property_menu()
    names = [a.text() for a in menu.actions()]
    assert "mag" in names and not any(a.isChecked() for a in menu.actions())
    chosen = []
    table.columnsChanged.connect(chosen.append)
    next(a for a in menu.actions() if a.text() == "mag").trigger()  # as a right-click on the header would
    assert model.columnCount() == 5 and model.headerData(4, Qt.Orientation.Horizontal) == "mag"
    assert chosen == [["mag"]]
    magnitudes = column(table, 4)
    expected = [f"{state.dataset.events[int(i)].extra['mag']:g}" for i in model.rows]
    assert magnitudes == expected and all(magnitudes)
    # Sorting by the column sorts numerically (6.1 after 5.9, not by text).
    table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    values = [float(v) for v in column(table, 4)]
    assert values == sorted(values, reverse=True)
    # A filter keeps the column; another dataset without the property hides it until one has it again.
    state.set_search("chile")
    assert model.columnCount() == 5 and 0 < model.rowCount() < len(state.dataset)
    from eventmap.geo.importers import load_dataset
    from eventmap.geo.paths import default_dataset

    usgs = state.dataset
    state.set_dataset(load_dataset(default_dataset()))
    assert model.columnCount() == 4 and model.wanted == ["mag"]
    state.set_dataset(usgs)
    assert model.columnCount() == 5
    table.show_property("mag", False)
    assert model.columnCount() == 4 and chosen[-1] == []


def test_property_columns_are_remembered(qtbot, tmp_path):
    from eventmap.desktop.settings import Settings

    path = tmp_path / "settings.json"
    settings = Settings()
    settings.table_columns = ["mag", "alert"]
    settings.save(path)
    again = Settings.load(path)
    assert again.table_columns == ["mag", "alert"]
    table = QtEventTable(usgs_state())
    qtbot.addWidget(table)
    table.set_property_columns(again.table_columns)
    assert [table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(4, 6)] == ["mag", "alert"]
