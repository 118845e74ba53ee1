"""Popups on the map page: clear of the overlays, open only while their event is shown; measuring."""

from __future__ import annotations

import math

import pytest

from eventmap.geo.dates import TimeWindow
from eventmap.geo.importers import load_dataset
from eventmap.geo.page.config import MapOptions
from eventmap.geo.paths import default_dataset

pytestmark = pytest.mark.webengine

MOSCOW_2014, GWADAR_2020, TARBELA_2020 = 0, 6, 4
ISLAMABAD_2016 = 2
WAIT = 15_000


@pytest.fixture(scope="module")
def seed():
    return load_dataset(default_dataset())


def ask(qtbot, view, name, payload=None):
    answers = []
    view.bridge.ask(name, payload or {}, answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=WAIT)
    return answers[0]


def center_putting(lat: float, lon: float, y: float, height: int, zoom: float) -> tuple[float, float]:
    """The map centre that puts (lat, lon) at ``y`` px from the top of a map ``height`` px tall."""
    merc = lambda a: math.log(math.tan(math.pi / 4 + math.radians(a) / 2))  # noqa: E731
    world = 256 * 2**zoom / (2 * math.pi)
    centre = merc(lat) - (height / 2 - y) / world
    return math.degrees(2 * math.atan(math.exp(centre)) - math.pi / 2), lon


def overlaps(a, b) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def settled_popup(qtbot, view):
    """The popup's and overlays' boxes once Leaflet has finished panning it into view."""
    seen = []

    def steady():
        rects = ask(qtbot, view, "overlayRects")
        seen.append(rects)
        return rects["popup"] is not None and not rects["moving"] and len(seen) > 1 and seen[-2]["popup"] == rects["popup"]

    qtbot.waitUntil(steady, timeout=WAIT)
    return seen[-1]


def open_popup(qtbot, view, index):
    with qtbot.waitSignal(view.bridge.popupOpened, timeout=WAIT, check_params_cb=lambda i: i == index):
        view.select(index, fly=False)


def test_a_popup_near_the_top_opens_below_the_title_card(qtbot, make_map_view, seed):
    # A narrow map: the long title wraps onto two lines (the card is taller than a fixed padding).
    view = make_map_view(seed, TimeWindow.year(2014), MapOptions(title=seed.name), size=(520, 600))
    event = seed.events[MOSCOW_2014]
    lat, lon = center_putting(event.lat, event.lon, 30, 600, 5)
    with qtbot.waitSignal(view.framePainted, timeout=WAIT):
        view.send("setView", {"lat": lat, "lon": lon, "zoom": 5})
    open_popup(qtbot, view, MOSCOW_2014)
    rects = settled_popup(qtbot, view)
    assert rects["title"][3] > 75  # two lines: the old fixed 70 px padding was not enough
    width, height = rects["size"]
    popup, close = rects["popup"], rects["close"]
    assert not overlaps(popup, rects["title"]), rects
    assert not overlaps(close, rects["title"]), rects
    assert 0 <= popup[0] and popup[2] <= width and 0 <= popup[1] and popup[3] <= height, rects


def test_a_popup_near_the_legend_opens_clear_of_it(qtbot, make_map_view, seed):
    view = make_map_view(seed, TimeWindow.year(2020), MapOptions(title=seed.name), size=(900, 600))
    rects = ask(qtbot, view, "overlayRects")
    legend = rects["legend"]
    # Put Gwadar's marker deep inside the legend's box (a popup's box ends ~20 px above its marker).
    point = ask(qtbot, view, "markerPoint", {"index": GWADAR_2020})
    event = seed.events[GWADAR_2020]
    state = view.state_now()
    zoom = state["zoom"]
    scale = 256 * 2**zoom / 360
    lat, lon = center_putting(event.lat, event.lon, legend[1] + 60, 600, zoom)
    lon = event.lon - ((legend[0] + 30) - 450) / scale
    with qtbot.waitSignal(view.framePainted, timeout=WAIT):
        view.send("setView", {"lat": lat, "lon": lon, "zoom": zoom})
    point = ask(qtbot, view, "markerPoint", {"index": GWADAR_2020})
    assert point is not None and legend[0] < point[0] < legend[2] and legend[1] < point[1] < legend[3]
    open_popup(qtbot, view, GWADAR_2020)
    rects = settled_popup(qtbot, view)
    assert not overlaps(rects["popup"], rects["legend"]), rects


def test_a_popup_closes_when_a_filter_hides_its_event(qtbot, make_map_view, seed):
    view = make_map_view(seed, TimeWindow.year(2020))
    open_popup(qtbot, view, TARBELA_2020)
    assert view.state_now()["popup"]["index"] == TARBELA_2020
    codes = {c: i for i, c in enumerate(seed.categories())}
    with qtbot.waitSignal(view.framePainted, timeout=WAIT):
        view.set_hidden_categories([codes["exercise"]])
    assert view.state_now()["popup"] is None
    # (Leaflet fades a closed popup out over 200 ms before it leaves the page.)
    qtbot.waitUntil(lambda: ask(qtbot, view, "overlayRects")["popup"] is None, timeout=WAIT)
    # Shown again: nothing reopens by itself, and a new window hides it again after a reopen.
    with qtbot.waitSignal(view.framePainted, timeout=WAIT):
        view.set_hidden_categories([])
    open_popup(qtbot, view, TARBELA_2020)
    with qtbot.waitSignal(view.framePainted, timeout=WAIT):
        view.set_window(TimeWindow.year(2014), "2014")
    assert view.state_now()["popup"] is None


def test_no_popup_opens_for_an_event_the_filters_hide(qtbot, make_map_view, seed):
    view = make_map_view(seed, TimeWindow.year(2020))
    asked, opened = [], []
    view.bridge.detailsRequested.connect(asked.append)
    view.bridge.popupOpened.connect(opened.append)
    view.select(ISLAMABAD_2016, fly=False)  # a 2016 event while 2020 is shown
    with qtbot.waitSignal(view.framePainted, timeout=WAIT):
        view.send("repaint")
    # The page decides at once (before the frame it then paints), so nothing is on its way.
    assert asked == [] and opened == []
    state = view.state_now()
    assert state["popup"] is None and ask(qtbot, view, "overlayRects")["popup"] is None


def test_two_selected_events_are_joined_by_their_geodesic(qtbot, make_main_window, seed):
    from eventmap.geo.places.distance import distance_km, distance_text

    window = make_main_window()
    moscow, islamabad = seed.events[MOSCOW_2014], seed.events[ISLAMABAD_2016]
    window.state.set_window(TimeWindow.all_time())
    # Two rows selected in the event list, as a user does it (Ctrl+click).
    table, rows = window.table, {}
    for row in range(table.model().rowCount()):
        rows[table.table_model.event_index(row)] = row
    flags = table.selectionModel().SelectionFlag.Select | table.selectionModel().SelectionFlag.Rows
    table.selectRow(rows[MOSCOW_2014])
    table.selectionModel().select(table.model().index(rows[ISLAMABAD_2016], 0), flags)
    assert set(window.state.selection) == {MOSCOW_2014, ISLAMABAD_2016}
    label = distance_text(distance_km((moscow.lat, moscow.lon), (islamabad.lat, islamabad.lon)))
    qtbot.waitUntil(lambda: ask(qtbot, window.view, "overlayRects")["label"] == [label], timeout=WAIT)
    assert label in window.distance_label.text()  # the status bar says the same
    assert ask(qtbot, window.view, "getState")["ruler"]["link"] > 8  # a curve, not a straight segment
    table.selectRow(rows[MOSCOW_2014])
    qtbot.waitUntil(lambda: ask(qtbot, window.view, "overlayRects")["label"] == [], timeout=WAIT)


def test_the_ruler_measures_the_great_circle_between_two_clicks(qtbot, make_map_view, seed):
    from geopy.distance import great_circle

    view = make_map_view(seed, TimeWindow.year(2020), size=(900, 600))
    clicked, selected = [], []
    view.bridge.mapClicked.connect(lambda lat, lon: clicked.append((lat, lon)))
    view.bridge.selected.connect(selected.append)
    with qtbot.waitSignal(view.framePainted, timeout=WAIT):
        view.set_ruler(True)
    marker = ask(qtbot, view, "markerPoint", {"index": GWADAR_2020})
    ask(qtbot, view, "pointer", {"x": marker[0], "y": marker[1]})  # on a marker: measures, does not select
    ask(qtbot, view, "pointer", {"x": 700, "y": 150})
    ruler = ask(qtbot, view, "getState")["ruler"]
    assert ruler["on"] and len(ruler["points"]) == 2
    (a_lat, a_lon), (b_lat, b_lon) = ruler["points"]
    expected = great_circle((a_lat, a_lon), (b_lat, b_lon)).meters
    assert ruler["metres"] == pytest.approx(expected, rel=1e-4)
    assert abs(a_lat - seed.events[GWADAR_2020].lat) < 0.5  # the first click was where Gwadar is drawn
    labels = ask(qtbot, view, "overlayRects")["label"]
    assert len(labels) == 1 and labels[0].endswith(" km")
    with qtbot.waitSignal(view.framePainted, timeout=WAIT):
        view.set_ruler(False)  # its frame comes after anything the clicks reported
    assert clicked == [] and selected == []
    qtbot.waitUntil(lambda: ask(qtbot, view, "overlayRects")["label"] == [], timeout=WAIT)
    ask(qtbot, view, "pointer", {"x": 700, "y": 150})
    qtbot.waitUntil(lambda: len(clicked) == 1, timeout=WAIT)  # the ruler off: a click is a click again
