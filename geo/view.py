"""What a view shows: one frozen filter value, and the answers drawn from it.

A :class:`ViewFilter` holds the time window, cumulative mode, the hidden
categories and the search text. The window, the export and the command line
all hold one, and ask the same functions here which events it shows, how many,
and how its window is labelled, so the app, the export and the CLI agree.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import Dataset, with_events


@dataclass(frozen=True, slots=True)
class ViewFilter:
    """The filters of a view: time window, cumulative mode, hidden categories, search.

    Attributes
    ----------
    window
        The period shown; an event overlapping it passes.
    cumulative
        Show everything up to the window's end (the window's start is ignored).
    hidden
        Category names not shown.
    search
        Words every shown event contains (blank: no search).
    """

    window: TimeWindow = field(default_factory=TimeWindow.all_time)
    cumulative: bool = False
    hidden: frozenset[str] = frozenset()
    search: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.hidden, frozenset):
            object.__setattr__(self, "hidden", frozenset(self.hidden))

    def with_(self, **changes: Any) -> ViewFilter:
        """A copy with some fields changed (``window=``, ``cumulative=``, ``hidden=``, ``search=``)."""
        return replace(self, **changes)

    @property
    def shown_window(self) -> TimeWindow:
        """The period whose events pass: the window, from the start of time when cumulative."""
        if self.cumulative:
            return TimeWindow(-math.inf, self.window.hi)
        return self.window

    def label(self) -> str:
        """The window for people, as the app, the export and the PDF all say it."""
        return filter_label(self.window, self.cumulative)

    def for_dataset(self, dataset: Dataset) -> ViewFilter:
        """This filter, without the hidden categories that ``dataset`` does not have."""
        hidden = frozenset(c for c in self.hidden if c in dataset.categories())
        return self if hidden == self.hidden else replace(self, hidden=hidden)


def filter_label(window: TimeWindow, cumulative: bool = False) -> str:
    """Label a window, cumulative or not: ``2020``, ``up to 2020``, ``until 31 Dec 2020``, ``All time``.

    A cumulative window shows everything before its end, so its start says
    nothing: open at the end it is all time, open at the start it is the plain
    ``until`` label, and a closed window is ``up to`` its own label.
    """
    if not cumulative:
        return window.label()
    if window.hi == math.inf:
        return TimeWindow.all_time().label()
    if window.lo == -math.inf:
        return window.label()
    return "up to " + window.label()


def count_text(shown: int, total: int) -> str:
    """``3 of 13 events``."""
    return f"{shown:,} of {total:,} event" + ("" if total == 1 else "s")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_mask(dataset: Dataset, text: str) -> np.ndarray | None:
    """Events whose title, place, summary, category or source contain every word of ``text``.

    Case- and accent-insensitive. None when ``text`` is blank (no search).
    """
    words = _fold(text).split()
    if not words:
        return None
    mask = np.zeros(len(dataset), dtype=bool)
    for i, e in enumerate(dataset.events):
        hay = _fold(" ".join((e.title, e.place, e.summary, e.category, e.source_text(), e.id)))
        mask[i] = all(w in hay for w in words)
    return mask


def visible_mask(dataset: Dataset, view: ViewFilter, search: np.ndarray | None | bool = True) -> np.ndarray:
    """Boolean mask of the events ``view`` shows, as the page computes it.

    ``search`` is the view's search mask when the caller keeps one (None for
    no search); by default it is computed from ``view.search``.
    """
    if search is True:
        search = search_mask(dataset, view.search)
    cols = dataset.columns
    window = view.shown_window
    mask = cols.in_window(window.lo, window.hi)
    if view.hidden:
        hidden_codes = [i for i, c in enumerate(cols.categories) if c in view.hidden]
        mask &= ~np.isin(cols.cat, hidden_codes)
    if search is not None and search is not False:
        mask &= search
    return mask


def shown_dataset(dataset: Dataset, view: ViewFilter) -> Dataset:
    """The dataset cut down to the events ``view`` shows."""
    mask = visible_mask(dataset, view)
    return with_events(dataset, [e for e, keep in zip(dataset.events, mask, strict=True) if keep])


def shown_categories(dataset: Dataset, view: ViewFilter) -> list[str]:
    """The dataset's categories that ``view`` does not hide, in the dataset's order."""
    return [c for c in dataset.categories() if c not in view.hidden]


def hidden_codes(dataset: Dataset, view: ViewFilter) -> list[int]:
    """The category codes (positions in ``dataset.categories()``) that ``view`` hides."""
    return [i for i, c in enumerate(dataset.categories()) if c in view.hidden]
