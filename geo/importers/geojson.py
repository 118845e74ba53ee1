"""GeoJSON reader: canonical eventmap datasets and FeatureCollections from elsewhere."""

from __future__ import annotations

import json
from typing import Any

from geo.errors import EventmapError
from geo.events import Dataset, Event, assign_ids, event_from_feature


def decode_json(raw: bytes, name: str) -> Any:
    """Parse JSON bytes, with a message naming the file, line and column on failure."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EventmapError(f"{name}: not UTF-8 text (byte {exc.start}); is it really GeoJSON?") from None
    if not text.strip():
        raise EventmapError(f"{name}: the file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventmapError(f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise EventmapError(f"{name}: JSON nested too deeply") from None


def read_geojson(raw: bytes, name: str, progress=None) -> Dataset:
    """Read a FeatureCollection (or one Feature) of Point events.

    Features that cannot be read are skipped with a warning naming their index;
    the read fails only when no event remains.
    """
    data = decode_json(raw, name)
    if isinstance(data, dict) and data.get("type") == "Feature":
        features, extra = [data], {}
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise EventmapError(f"{name}: FeatureCollection has no features list")
        extra = {k: v for k, v in data.items() if k not in ("type", "features")}
    else:
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise EventmapError(f"{name}: expected a GeoJSON FeatureCollection or Feature, found {kind!r}")
    warnings: list[str] = []
    events: list[Event] = []
    step = max(1, len(features) // 100)
    for index, feature in enumerate(features):
        if progress is not None and index % step == 0 and progress(index / max(1, len(features))) is False:
            raise EventmapError(f"{name}: reading cancelled")
        try:
            events.append(event_from_feature(feature, f"feature {index}", warnings))
        except EventmapError as exc:
            warnings.append(f"{exc.message} (skipped)")
    if not events:
        problems = warnings or ["the collection has no features"]
        raise EventmapError(f"{name}: no usable events", problems)
    assign_ids(events, warnings)
    title = extra.get("name") if isinstance(extra.get("name"), str) else None
    return Dataset(events=events, name=title or name, warnings=[f"{name}: {w}" for w in warnings], extra=extra)
