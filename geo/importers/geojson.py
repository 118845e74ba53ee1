"""GeoJSON reader: canonical eventmap datasets and FeatureCollections from elsewhere.

A canonical feature (``start``/``end``/``title`` properties, Point geometry)
is read exactly as :func:`geo.events.event_from_feature` reads it. Features
from other tools are first brought to that shape: the time is taken from the
first of ``begin``, ``date``, ``time``, ``timestamp``, ``datetime``,
``event_date``… (ISO 8601 at any precision, or epoch seconds or milliseconds),
the title from ``name`` or ``place``, and other geometries are reduced to a
representative point. The properties they came from stay in the event's extra
properties, so nothing is lost.
"""

from __future__ import annotations

import json
import math
import warnings as pywarnings
from collections import Counter
from typing import Any

from geo.errors import EventmapError
from geo.events import Dataset, Event, event_from_feature
from geo.importers.common import (
    Progress,
    Ticker,
    finish,
    finite_or_none,
    has_non_finite,
    parse_when,
)

START_KEYS = ("begin", "date", "time", "timestamp", "datetime", "event_date", "start_date", "date_start", "start_time")
END_KEYS = ("end_date", "date_end", "end_time")
TITLE_KEYS = ("name", "place", "label", "headline")
# Nesting depth of the coordinates of each geometry type, as RFC 7946 has it.
_DEPTH = {"LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}


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
    except ValueError as exc:
        # Python refuses integers of more than 4300 digits (CVE-2020-10735).
        raise EventmapError(f"{name}: not usable JSON ({exc})") from None


def read_geojson(raw: bytes, name: str, progress: Progress | None = None) -> Dataset:
    """Read a FeatureCollection (or one Feature) of events.

    Features that cannot be read are skipped with a warning naming their index;
    the read fails only when no event remains.

    Raises
    ------
    EventmapError
        If the file is not GeoJSON, holds no usable event, or the read was cancelled.
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
        raise EventmapError(f"{name}: expected a GeoJSON FeatureCollection or Feature, found {_brief(kind)}")
    warnings: list[str] = []
    events: list[Event] = []
    reduced: Counter[str] = Counter()
    ticker = Ticker(progress, len(features), name)
    for index, feature in enumerate(features):
        ticker.tick(index)
        where = f"feature {index}"
        try:
            events.append(event_from_feature(normalise_feature(feature, where, warnings, reduced), where, warnings))
        except EventmapError as exc:
            warnings.append(f"{exc.message} (skipped)")
        except RecursionError:
            warnings.append(f"{where}: nested too deeply (skipped)")
    ticker.report(1.0)
    if reduced:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(reduced.items()))
        total = sum(reduced.values())
        warnings.insert(0, f"{total} feature{'s' if total != 1 else ''} ({kinds}) placed at a representative point of the shape")
    if has_non_finite(extra):
        extra = finite_or_none(extra)
    title = extra.get("name") if isinstance(extra.get("name"), str) else None
    if title is None and isinstance(extra.get("metadata"), dict) and isinstance(extra["metadata"].get("title"), str):
        title = extra["metadata"]["title"]
    return finish(events, warnings, name, title=title, extra=extra)


def normalise_feature(feature: Any, where: str, warnings: list[str], reduced: Counter[str]) -> Any:
    """Bring one feature from any tool to the canonical shape :func:`event_from_feature` reads.

    A canonical feature comes back unchanged (the same object). Otherwise a
    shallow copy is returned: a Point geometry, ``start``/``end`` as ISO text,
    a ``title``; the properties those came from are left in place.

    Raises
    ------
    EventmapError
        Naming ``where``, if the geometry cannot give a point.
    """
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return feature  # event_from_feature says what is wrong with it
    geometry = feature.get("geometry")
    props = feature.get("properties")
    changed: dict[str, Any] = {}
    if isinstance(geometry, dict) and geometry.get("type") in (*_DEPTH, "GeometryCollection"):
        changed["geometry"] = _representative_point(geometry, where)
        reduced[str(geometry["type"])] += 1
    if isinstance(props, dict):
        new_props = _normalise_properties(props, where, warnings)
        if new_props is not props:
            changed["properties"] = new_props
    members = {k: v for k, v in feature.items() if k not in ("type", "geometry", "properties", "id")}
    if has_non_finite(members):
        changed.update(finite_or_none(members))
        warnings.append(f"{where}: NaN or infinite numbers in the feature replaced by null")
    return {**feature, **changed} if changed else feature


def _normalise_properties(props: dict[str, Any], where: str, warnings: list[str]) -> dict[str, Any]:
    new = props
    if has_non_finite(props):
        new = finite_or_none(props)
        warnings.append(f"{where}: NaN or infinite numbers in the properties replaced by null")
    if _empty(new.get("start")) and _empty(new.get("end")):
        found = _first_date(new, START_KEYS, where, warnings)
        if found is not None:
            new = {**new, "start": found}
        end = _first_date(new, END_KEYS, where, warnings)
        if end is not None:
            new = {**new, "end": end}
    elif _empty(new.get("start")) and not _empty(new.get("begin")):
        # begin/end pairs: end is already where the canonical reader looks
        found = _first_date(new, ("begin",), where, warnings)
        if found is not None:
            new = {**new, "start": found}
    for key in ("start", "end"):
        value = new.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # canonical dates are text; a number here is epoch time (or a year)
            new = {**new, key: _date_text(value, where, key, warnings, strict=True)}
    if "title" not in new:
        for key in TITLE_KEYS:
            if isinstance(new.get(key), str) and new[key].strip():
                new = {**new, "title": new[key]}
                break
    return new


def _first_date(props: dict[str, Any], keys: tuple[str, ...], where: str, warnings: list[str]) -> str | None:
    for key in keys:
        if not _empty(props.get(key)):
            return _date_text(props[key], where, key, warnings, strict=False)
    return None


def _date_text(value: Any, where: str, key: str, warnings: list[str], strict: bool) -> str | None:
    """The canonical ISO text of a date value, or None (with a warning) when it is not one.

    A property eventmap only guesses is a date (``time``, ``date``…) that turns
    out not to be one leaves the event undated; a bad ``start`` or ``end``
    skips the feature, as for canonical files.
    """
    try:
        date = parse_when(value)
        return date.text if date is not None else None
    except EventmapError as exc:
        if strict:
            raise EventmapError(f"{where}: {key} {exc.message}") from None
        warnings.append(f"{where}: {key} {exc.message}; the event is kept undated")
        return None


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _representative_point(geometry: dict[str, Any], where: str) -> dict[str, Any]:
    """A Point geometry inside (or on) a LineString, Polygon, Multi* or GeometryCollection."""
    kind = geometry.get("type")
    if not _geometry_ok(geometry, 0):
        raise EventmapError(f"{where}: {kind} has coordinates that are not [longitude, latitude] numbers in range")
    from shapely.errors import ShapelyError  # noqa: PLC0415 - shapely is slow to import; most files are points
    from shapely.geometry import shape  # noqa: PLC0415

    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore", RuntimeWarning)
            point = shape(geometry).representative_point()
    except (ShapelyError, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise EventmapError(f"{where}: {kind} geometry cannot be read ({_brief(str(exc))})") from None
    if point.is_empty or not (math.isfinite(point.x) and math.isfinite(point.y)):
        raise EventmapError(f"{where}: {kind} geometry is empty")
    return {"type": "Point", "coordinates": [point.x, point.y]}


def _geometry_ok(geometry: Any, level: int) -> bool:
    if not isinstance(geometry, dict) or level > 8:
        return False
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        parts = geometry.get("geometries")
        return isinstance(parts, list) and bool(parts) and all(_geometry_ok(g, level + 1) for g in parts)
    if kind == "Point":
        return _position_ok(geometry.get("coordinates"))
    depth = _DEPTH.get(str(kind))
    return depth is not None and _nested_ok(geometry.get("coordinates"), depth)


def _nested_ok(value: Any, depth: int) -> bool:
    if not isinstance(value, list) or not value:
        return False
    if depth == 1:
        return all(_position_ok(p) for p in value)
    return all(_nested_ok(v, depth - 1) for v in value)


def _position_ok(value: Any) -> bool:
    if not isinstance(value, list) or len(value) < 2:
        return False
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value):
        return False
    return -180 <= value[0] <= 180 and -90 <= value[1] <= 90


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"

