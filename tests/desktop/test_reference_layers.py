"""The reference layers as the app's page draws them: labels share one pass, stay inside, stay off the network."""

from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor

from eventmap.desktop.map.web import profile
from eventmap.geo.dates import TimeWindow
from eventmap.geo.importers import load_dataset
from eventmap.geo.page.config import MapOptions
from eventmap.geo.paths import default_dataset

pytestmark = pytest.mark.webengine

UCDP = Path(__file__).parents[1] / "data" / "ucdp_ged_pakistan_hdx_excerpt.csv"


def page_state(qtbot, view):
    states = []
    view.state(states.append)
    qtbot.waitUntil(lambda: bool(states), timeout=10_000)
    return states[0]


def test_reference_labels_fit_inside_the_map_and_never_overlap(qtbot, make_map_view):
    view = make_map_view(load_dataset(UCDP), size=(900, 600))
    state = page_state(qtbot, view)
    labels = state["referenceLabels"]
    kinds = {label["kind"] for label in labels}
    assert {"country", "p", "a"} <= kinds, kinds  # countries, towns and provinces around the Line of Control
    width, height = state["size"]
    boxes = [label["box"] for label in labels] + state["siteBoxes"]
    assert state["siteBoxes"]
    for box in boxes:  # nothing cut at the map's edge
        assert 0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height, box
    for i, a in enumerate(boxes):  # nothing printed over anything else
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] - 0.5 and a[2] > b[0] + 0.5 and a[1] < b[3] - 0.5 and a[3] > b[1] + 0.5), (a, b)


def test_russia_is_labelled_on_a_map_of_moscow_and_pakistan(qtbot, make_map_view):
    view = make_map_view(load_dataset(default_dataset()), TimeWindow.all_time(), size=(1200, 800))
    state = page_state(qtbot, view)
    countries = [label["name"] for label in state["referenceLabels"] if label["kind"] == "country"]
    assert "Russia" in countries and "Pakistan" in countries


def test_without_reference_layers_the_page_draws_none(qtbot, make_map_view):
    view = make_map_view(load_dataset(default_dataset()), options=MapOptions(reference=False))
    state = page_state(qtbot, view)
    assert state["referenceLabels"] is None


class _Recorder(QWebEngineUrlRequestInterceptor):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info):  # noqa: N802 - Qt override
        self.urls.append(info.requestUrl().toString())


def test_the_page_with_reference_layers_requests_nothing_from_the_network(qtbot, make_map_view):
    recorder = _Recorder()
    profile().setUrlRequestInterceptor(recorder)
    try:
        view = make_map_view(load_dataset(UCDP), size=(800, 500))
        page_state(qtbot, view)
    finally:
        profile().setUrlRequestInterceptor(None)
    assert any(url.endswith("/reference.json") for url in recorder.urls), recorder.urls
    assert all(url.startswith(("eventmap:", "data:")) for url in recorder.urls), recorder.urls
