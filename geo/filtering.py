"""Which events a view shows: time window, categories and search, combined."""

from __future__ import annotations

import math
import unicodedata

import numpy as np

from eventmap.geo.dates import TimeWindow
from eventmap.geo.events import Dataset


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


def visible_mask(
    dataset: Dataset,
    window: TimeWindow,
    hidden_categories: frozenset[str] | set[str] = frozenset(),
    search: np.ndarray | None = None,
    cumulative: bool = False,
) -> np.ndarray:
    """Boolean mask of the events the map shows, as the page computes it."""
    cols = dataset.columns
    lo = -math.inf if cumulative else window.lo
    mask = cols.in_window(lo, window.hi)
    if hidden_categories:
        hidden_codes = [i for i, c in enumerate(cols.categories) if c in hidden_categories]
        mask &= ~np.isin(cols.cat, hidden_codes)
    if search is not None:
        mask &= search
    return mask


def step_event(dataset: Dataset, after: float, forward: bool = True) -> float | None:
    """The start of the next (or previous) event strictly after (before) ``after``, epoch ms."""
    starts = dataset.columns.lo
    starts = np.unique(starts[np.isfinite(starts)])
    if forward:
        i = np.searchsorted(starts, after, side="right")
        return float(starts[i]) if i < len(starts) else None
    i = np.searchsorted(starts, after, side="left") - 1
    return float(starts[i]) if i >= 0 else None
