"""The reference layers cut to a region, for pages that carry their own copy (interactive exports).

The app serves the whole world's reference layers from its own scheme, a
zoom at a time; a page that has to hold them inline keeps the lines that pass
through the region around its events, the place and division names inside it,
and every capital, sea and big lake name (they are few), so it stays small.
(Country names come from the basemap's shapes, which every page carries.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

MARGIN_DEGREES = 12.0
WORLD_LABEL_KINDS = frozenset("csl")  # capitals, seas, big lakes: a few hundred names, kept everywhere


def _line_box(line: list[int], q: float) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of a delta-encoded ``[x0, y0, dx, dy, ...]`` line."""
    coords = np.asarray(line, dtype=np.int64)
    xs, ys = np.cumsum(coords[0::2]) / q, np.cumsum(coords[1::2]) / q
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


def regional_reference(data: dict[str, Any], bounds: tuple[tuple[float, float], tuple[float, float]],
                       margin: float = MARGIN_DEGREES) -> dict[str, Any]:
    """The reference layers that reach the region ``((south, west), (north, east))`` widened by ``margin`` degrees."""
    (south, west), (north, east) = bounds
    south, north = max(-90.0, south - margin), min(90.0, north + margin)
    west, east = west - margin, east + margin
    q = float(data.get("q") or 1000)

    def meets(line: list[int]) -> bool:
        if len(line) < 2:
            return False
        w, s, e, n = _line_box(line, q)
        return w <= east and e >= west and s <= north and n >= south

    out = {key: value for key, value in data.items() if key not in ("coast", "borders", "rivers", "lakes", "admin1", "labels")}
    out["coast"] = [line for line in data.get("coast", []) if meets(line)]
    out["borders"] = [item for item in data.get("borders", []) if meets(item[-1])]
    out["rivers"] = [item for item in data.get("rivers", []) if meets(item[-1])]
    out["lakes"] = [item for item in data.get("lakes", []) if meets(item[-1])]
    out["admin1"] = [item for item in data.get("admin1", []) if meets(item[-1])]
    out["labels"] = [
        label for label in data.get("labels", [])
        if label[4] in WORLD_LABEL_KINDS or (south <= label[2] <= north and west <= label[1] <= east)
    ]
    return out
