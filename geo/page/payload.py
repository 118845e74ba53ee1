"""The events as the page reads them: columns sorted by start, and popup details.

Two wire forms of the same columns: JSON (embedded in a standalone HTML
export, with each event's text) and a packed little-endian binary (served to
the app's page, without text: the page asks Python for details).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from eventmap.geo.brief import UNTITLED
from eventmap.geo.certainty import certainty_codes
from eventmap.geo.sources import source_conflicts, source_lines
from eventmap.geo.events import Event, EventColumns
from eventmap.geo.links import is_http_link



def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def sorted_order(events: list[Event]) -> np.ndarray:
    """Positions of the events sorted by start (stable), as the page stores them."""
    starts = np.fromiter((e.lo for e in events), float, len(events))
    return np.argsort(starts, kind="stable")


def event_payload(events: list[Event], categories: list[str], include_text: bool = True) -> dict[str, Any]:
    """The events as columns sorted by start, as resources/page/core.js reads them.

    ``index`` maps each position back to the event's position in ``events``.
    Infinite period ends become null. Text columns are present only with
    ``include_text``; the app asks Python for details instead.
    """
    order = sorted_order(events)
    code = {name: i for i, name in enumerate(categories)}
    ordered = [events[i] for i in order]
    payload: dict[str, Any] = {
        "n": len(ordered),
        "index": order.tolist(),
        "lo": [_finite(e.lo) for e in ordered],
        "hi": [_finite(e.hi) for e in ordered],
        "lat": [round(e.lat, 6) for e in ordered],
        "lon": [round(e.lon, 6) for e in ordered],
        "cat": [code.get(e.category, 0) for e in ordered],
    }
    dim = certainty_codes(ordered)
    if any(dim):
        payload["dim"] = list(dim)  # dates or places the data is not sure of: drawn lighter
    if include_text:
        payload["text"] = [event_details(e) for e in ordered]
    return payload


def event_payload_binary(events: list[Event], categories: list[str], columns: EventColumns | None = None) -> bytes:
    """The same columns as :func:`event_payload` without text, packed little-endian.

    Layout: uint32 header length, a JSON header ``{"n": N, "cat": B}`` padded
    with spaces to a multiple of 8 bytes, then ``lo``/``hi`` float64,
    ``lat``/``lon`` float32, ``index`` uint32 and ``cat`` arrays of N values
    each, every array padded to 8 bytes. ``cat`` is uint16 (B = 2), or uint32
    (B = 4) when there are more categories than uint16 can number.
    ``columns`` (the dataset's :class:`~eventmap.geo.events.EventColumns` of
    ``events``) saves reading every event again.
    """
    if columns is None or len(columns.lo) != len(events):
        columns = EventColumns.from_events(events)
    order = np.argsort(columns.lo, kind="stable")
    code = {name: i for i, name in enumerate(categories)}
    dtype = category_code_type(len(categories))
    remap = np.array([code.get(name, 0) for name in columns.categories] or [0], dtype=dtype)
    cat = remap[columns.cat[order]] if len(events) else np.zeros(0, dtype)
    dim = np.frombuffer(certainty_codes(events), dtype=np.uint8)
    return pack_columns(columns.lo[order], columns.hi[order], columns.lat[order], columns.lon[order], order.astype("<u4"), cat,
                        dim[order] if dim.any() else None)


def category_code_type(count: int) -> str:
    """The numpy type of category codes for ``count`` categories: uint16, or uint32 past 65,536."""
    return "<u2" if count <= 1 << 16 else "<u4"


def pack_columns(lo, hi, lat, lon, index, cat, dim=None) -> bytes:
    """Pack sorted event columns into the binary layout the page reads (``cat`` uint16 or uint32).

    ``dim`` (optional, uint8 per event, see :func:`eventmap.geo.certainty.certainty_codes`)
    follows ``cat`` when given, and the header says ``"dim": 1``.
    """
    cat_type = "<u4" if np.asarray(cat).dtype.itemsize > 2 else "<u2"
    head: dict[str, int] = {"n": int(len(lo)), "cat": int(cat_type[-1])}
    columns = [(lo, "<f8"), (hi, "<f8"), (lat, "<f4"), (lon, "<f4"), (index, "<u4"), (cat, cat_type)]
    if dim is not None:
        head["dim"] = 1
        columns.append((dim, "u1"))
    header = json.dumps(head).encode()
    header += b" " * (-(len(header) + 4) % 8)
    parts = [np.uint32(len(header)).astype("<u4").tobytes(), header]
    for array, dtype in columns:
        blob = np.ascontiguousarray(array, dtype=dtype).tobytes()
        parts.append(blob + b"\0" * (-len(blob) % 8))
    return b"".join(parts)


MORE_ROWS = 40  # other properties a popup lists at most (its table scrolls)
MORE_TEXT = 200  # characters of a value (or 60 of a name) a popup shows
# Properties a reader looks for first, when a source has them: USGS quakes,
# UCDP GED and ACLED events. Any other property follows in the file's order.
KEY_PROPERTIES = (
    "mag", "magType", "depth", "alert", "tsunami", "felt", "sig",
    "best", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "low", "high",
    "dyad_name", "side_a", "side_b", "type_of_violence",
    "fatalities", "event_type", "sub_event_type", "actor1", "actor2", "disorder_type",
)
_KEY_RANK = {name: i for i, name in enumerate(KEY_PROPERTIES)}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
        except (RecursionError, ValueError):
            return "…"
    return str(value)


def more_details(event: Event, limit: int = MORE_ROWS) -> list[list[str]]:
    """The event's other properties (those eventmap has no field for) as ``[name, value]`` text pairs.

    These are what an importer kept from the source: the USGS magnitude, depth
    and alert, the UCDP deaths and dyad, and so on. Empty values are left
    out; long names and values are cut; at most ``limit`` rows, the last one
    saying how many more there are.
    """
    items = [(name, value, _KEY_RANK.get(name, len(_KEY_RANK))) for name, value in event.extra.items()]
    third = event.elevation
    if third is not None:
        # A point's third coordinate: USGS feeds give the depth in km there.
        usgs = "mag" in event.extra and "magType" in event.extra
        name = "depth (km)" if usgs else "elevation"
        items.append((name, third, _KEY_RANK["depth"] if usgs else len(_KEY_RANK)))
    rows = []
    for name, value, _rank in sorted(items, key=lambda item: item[2]):  # stable: file order otherwise
        if value is None or (isinstance(value, (str, list, dict)) and not value):
            continue
        rows.append([_cut(str(name), 60), _cut(_value_text(value), MORE_TEXT)])
    if len(rows) > limit:
        rest = len(rows) - (limit - 1)
        rows = rows[: limit - 1] + [["…", f"{rest} more"]]
    return rows


def event_details(event: Event) -> dict[str, Any]:
    """What a popup or tooltip shows of an event, as plain text fields.

    The page puts these into the DOM as text, never as markup. ``url`` is kept
    only when it is an http(s) link; ``more`` holds the other properties (see
    :func:`more_details`).
    """
    url = event.url.strip() if is_http_link(event.url) else ""
    return {
        "id": event.id,
        "title": event.title or UNTITLED,
        "when": event.when(),
        "place": event.place,
        "category": event.category,
        "summary": event.summary,
        "source": event.source_text(),
        "date_basis": date_basis_text(event),
        "url": url,
        "more": more_details(event),
        **_several_sources(event),
    }


def _several_sources(event: Event) -> dict[str, list[str]]:
    """For an event with more than one source: each source's line, and where they disagree."""
    if not isinstance(event.source, list) or len(event.source) < 2:
        return {}
    return {"sources": source_lines(event), "conflicts": source_conflicts(event)}


def date_basis_text(event: Event) -> str:
    """How the event's date was found, for people: ``explicit ('in August 2015')``, or ''."""
    basis = str(event.extra.get("date_basis") or "").strip()
    phrase = str(event.extra.get("date_phrase") or "").strip()
    if phrase and phrase not in basis:
        return f"{basis} ('{phrase}')" if basis else f"'{phrase}'"
    return basis
