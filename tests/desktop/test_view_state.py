"""The one model: a dataset and its filter change in one step; the visible mask is computed once per change."""

from eventmap.desktop.view_state import ViewState
from eventmap.geo.dates import TimeWindow, parse_date
from eventmap.geo.events import Dataset, Event
from eventmap.geo.view import ViewFilter


def dataset(name, *years, category="conflict"):
    return Dataset(events=[Event(id=f"{name}{i}", title=f"{name} {y}", lon=0.0, lat=0.0, start=parse_date(str(y)), category=category)
                           for i, y in enumerate(years)], name=name)


def record(state):
    seen = []
    for name in ("datasetChanged", "windowChanged", "categoriesChanged", "searchChanged"):
        getattr(state, name).connect(lambda name=name: seen.append((name, state.dataset.name, state.view)))
    return seen


def test_opening_a_dataset_replaces_dataset_and_filter_in_one_signal():
    state = ViewState(dataset("old", 2019, 2020))
    state.set_view(ViewFilter(window=TimeWindow.year(2020), hidden=frozenset({"conflict"}), search="x"))
    seen = record(state)
    fresh = ViewFilter(window=TimeWindow.year(2021))
    state.set_dataset(dataset("new", 2021, 2022), fresh)
    assert seen == [("datasetChanged", "new", fresh)]  # never a filter signal while the old dataset is loaded
    assert state.visible_count() == 1 and state.count_text() == "1 of 2 events"


def test_a_filter_change_emits_only_what_changed():
    state = ViewState(dataset("d", 2019, 2020))
    seen = record(state)
    state.set_view(ViewFilter(window=TimeWindow.year(2020), cumulative=True))
    state.set_window(TimeWindow.year(2020), cumulative=True)  # no change: no signal
    state.set_hidden_categories({"conflict"})
    assert [name for name, *_ in seen] == ["windowChanged", "categoriesChanged"]
    assert state.window_label() == "up to 2020" and state.visible_count() == 0


def test_the_visible_mask_is_computed_once_per_change(monkeypatch):
    import eventmap.desktop.view_state as model

    calls = []
    real = model.visible_mask
    monkeypatch.setattr(model, "visible_mask", lambda *a: calls.append(1) or real(*a))
    state = ViewState(dataset("d", 2019, 2020, 2021))
    state.set_window(TimeWindow.year(2020))
    first = state.visible_mask()
    assert state.visible_mask() is first and state.visible_count() == 1 and list(state.visible_indices()) == [1]
    assert len(calls) == 1  # every widget asking after one change shares one mask
    state.set_window(TimeWindow.year(2021))
    assert list(state.visible_indices()) == [2] and len(calls) == 2
    state.replace_events(state.dataset.events[:2])
    assert list(state.visible_indices()) == [] and len(calls) == 3


def test_a_filter_that_hides_the_selected_event_clears_the_selection():
    state = ViewState(dataset("d", 2019, 2020, 2020))
    current, sets = [], []
    state.selectionChanged.connect(current.append)
    state.selectionSetChanged.connect(sets.append)
    state.set_selection([1, 2], current=1)
    assert state.selected == 1 and state.selection == (1, 2)
    state.set_window(TimeWindow.year(2020))  # both still shown: nothing changes
    assert state.selection == (1, 2) and current == [1]
    state.set_window(TimeWindow.all_time())
    state.set_selection([0, 1], current=0)
    state.set_window(TimeWindow.year(2020))  # hides 0: the popup's event goes, the other stays selected
    assert state.selection == (1,) and state.selected == 1
    state.set_hidden_categories({"conflict"})  # hides everything
    assert state.selection == () and state.selected == -1
    assert current == [1, 0, 1, -1] and sets[-1] == []


def test_an_event_added_outside_the_window_is_not_selected():
    state = ViewState(dataset("d", 2019, 2020))
    state.set_window(TimeWindow.year(2020))
    added = Event(id="x", title="x 2021", lon=0.0, lat=0.0, start=parse_date("2021"), category="conflict")
    state.replace_events([*state.dataset.events, added], selected=2)
    assert state.selected == -1 and state.selection == ()  # no orphan popup for an event the map does not show
    inside = Event(id="y", title="y 2020", lon=0.0, lat=0.0, start=parse_date("2020-05"), category="conflict")
    state.replace_events([*state.dataset.events, inside], selected=3)
    assert state.selected == 3 and state.selection == (3,)


def test_the_viewport_is_taken_from_the_pages_report():
    from eventmap.geo.viewport import Viewport

    state = ViewState(dataset("d", 2020))
    seen = []
    state.viewportChanged.connect(lambda: seen.append(state.viewport))
    report = {"center": [30.5, 70.25], "zoom": 5.5, "bounds": [[20, 60], [40, 80]], "size": [800, 600]}
    state.set_viewport(Viewport.from_report(report))
    state.set_viewport(Viewport.from_report(dict(report)))  # the same view again: no signal
    assert seen == [Viewport((30.5, 70.25), 5.5, ((20.0, 60.0), (40.0, 80.0)), (800, 600))]
    assert seen[0].view == (30.5, 70.25, 5.5)
    assert Viewport.from_report({"center": [1, 2]}) is None and Viewport.from_report({**report, "zoom": "nan"}) is None
    state.set_dataset(dataset("e", 2021))
    assert state.viewport is None  # a new dataset's page fits its own events
