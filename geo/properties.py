"""The other properties of events (a quake's magnitude, a conflict's deaths), as lists show them.

Importers keep every property eventmap has no field for in ``Event.extra``.
These functions name them, write a value as text, and sort by one, without
looking at every event of a large dataset more than a sort needs.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from eventmap.geo.events import Dataset

SAMPLE = 5_000  # events looked at to name the properties of a dataset


def property_names(dataset: Dataset, sample: int = SAMPLE) -> list[str]:
    """The extra property names of a dataset, most common first (ties by name), from a sample of its events.

    Names starting with ``_`` are eventmap's own bookkeeping and are left out.
    """
    events = dataset.events
    step = max(1, len(events) // sample)
    counts: dict[str, int] = {}
    for event in events[::step][:sample]:
        for name in event.extra:
            if not name.startswith("_"):
                counts[name] = counts.get(name, 0) + 1
    return sorted(counts, key=lambda name: (-counts[name], name.casefold()))


def property_text(value: Any) -> str:
    """A property value as one line of plain text: numbers as written, lists and objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) else ""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return " ".join(str(value).split())


def _sort_key(value: Any) -> tuple[int, float, str]:
    # Numbers first, in numeric order; then text; missing values last.
    if value is None or value == "":
        return (2, 0.0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        return (0, number, "") if math.isfinite(number) else (2, 0.0, "")
    text = property_text(value)
    try:
        number = float(text)
    except ValueError:
        return (1, 0.0, text.casefold())
    return (0, number, "") if math.isfinite(number) else (1, 0.0, text.casefold())


def property_order(dataset: Dataset, name: str) -> np.ndarray:
    """All dataset positions sorted by the property ``name`` (numbers numerically, missing last; ties by date)."""
    events = dataset.events
    lo = dataset.columns.lo
    keys = [_sort_key(event.extra.get(name)) for event in events]
    return np.array(sorted(range(len(events)), key=lambda i: (keys[i], lo[i])), dtype=np.int64)
