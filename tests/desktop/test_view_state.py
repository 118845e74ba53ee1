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
