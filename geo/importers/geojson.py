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
import re
import warnings as pywarnings
from collections import Counter
from typing import Any

from eventmap.geo.brief import brief
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset, Event, event_from_feature
from eventmap.geo.sanitize import MAX_DEPTH, Cleaner, TooDeep
from eventmap.geo.importers.common import (
    Progress,
    Ticker,
    collector_paused,
    finish,
    finite_number,
    finite_or_none,
    has_non_finite,
    parse_when,
)

START_KEYS = ("begin", "date", "time", "timestamp", "datetime", "event_date", "start_date", "date_start", "start_time")
END_KEYS = ("end_date", "date_end", "end_time")
TITLE_KEYS = ("name", "place", "label", "headline")
# Nesting depth of the coordinates of each geometry type, as RFC 7946 has it.
_DEPTH = {"LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}


_WHITESPACE = re.compile(r"[ \t\n\r]*")
# A \uD800-\uDFFF escape: a surrogate, of a pair or alone; only files with one need cleaning for them.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_MAX_INT_DIGITS = 4300  # Python's limit for reading an integer (CVE-2020-10735)
_CONSTANTS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class _WatchingDecoder(json.JSONDecoder):
    """The json module's decoder, noting whether a NaN or infinite number was read.

    Knowing that a feature holds none lets the reader skip searching it for
    one, which is a third of the time of reading a plain feature.
    """

    def __init__(self) -> None:
        super().__init__(parse_float=self._float, parse_constant=self._constant, parse_int=self._int)
        self.non_finite = False

    def _int(self, text: str) -> int | float:
        if len(text) > _MAX_INT_DIGITS:
            # Too long for int(): infinite, so it is reported and replaced like one, not a failed file.
            self.non_finite = True
            return math.inf if text[0] != "-" else -math.inf
        return int(text)

    def _float(self, text: str) -> float:
        value = float(text)
        if value - value != 0.0:  # inf or nan (1e400 overflows to inf)
            self.non_finite = True
        return value

    def _constant(self, name: str) -> float:
        self.non_finite = True
        return _CONSTANTS[name]


def decode_json(raw: bytes, name: str) -> Any:
    """Parse JSON bytes, with a message naming the file, line and column on failure."""
    return _parse_text(_decode_text(raw, name), name)


def _decode_text(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EventmapError(f"{name}: not UTF-8 text (byte {exc.start}); is it really GeoJSON?") from None
    if not text.strip():
        raise EventmapError(f"{name}: the file is empty")
    return text


def _parse_text(text: str, name: str) -> Any:
    try:
        return _WatchingDecoder().decode(text)
    except json.JSONDecodeError as exc:
        # json's messages may end "... starting at": the line and column say where.
        reason = re.sub(r"\s+(?:starting\s+)?at$", "", exc.msg)
        raise EventmapError(f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {reason}") from None
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
    text = _decode_text(raw, name)
    with collector_paused():
        streamed = _read_collection_streaming(text, name, progress)
    if streamed is not None:
        return streamed
    data = _parse_text(text, name)
    del text
    if isinstance(data, dict) and data.get("type") == "Feature":
        features, extra = [data], {}
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise EventmapError(f"{name}: FeatureCollection has no features list")
        extra = {k: v for k, v in data.items() if k not in ("type", "features")}
    else:
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise EventmapError(f"{name}: expected a GeoJSON FeatureCollection or Feature, found {brief(kind)}")
    reader = _FeatureReader()
    ticker = Ticker(progress, len(features), name)
    for index, feature in enumerate(features):
        ticker.tick(index)
        reader.add(feature, clean=True)
    ticker.report(1.0)
    return reader.finish(extra, name)


class _FeatureReader:
    """Turns features into events one at a time, collecting warnings."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.warnings: list[str] = []
        self.reduced: Counter[str] = Counter()
        self.count = 0

    def add(self, feature: Any, check_finite: bool = True, clean: bool = True) -> None:
        """Read one feature; ``clean`` False when the caller knows it holds no surrogate and no deep nesting."""
        where = f"feature {self.count}"
        self.count += 1
        try:
            if clean:
                feature = self._clean(feature, where)
            normal = normalise_feature(feature, where, self.warnings, self.reduced, check_finite=check_finite)
            self.events.append(event_from_feature(normal, where, self.warnings))
        except EventmapError as exc:
            self.warnings.append(f"{exc.message} (skipped)")
        except RecursionError:
            self.warnings.append(f"{where}: nested too deeply (skipped)")

    def _clean(self, value: Any, where: str) -> Any:
        cleaner = Cleaner(MAX_DEPTH + 3)  # a property sits three levels down: feature, properties, value
        try:
            value = cleaner(value)
        except TooDeep:
            raise EventmapError(f"{where}: lists or objects nested more than {MAX_DEPTH} levels deep") from None
        if cleaner.replaced:
            self.warnings.append(f"{where}: {_texts(cleaner.replaced)} invalid Unicode (a lone surrogate); replaced by \ufffd")
        return value

    def _clean_members(self, extra: dict[str, Any]) -> dict[str, Any]:
        """The collection's members cleaned; a member nested too deeply is left out, with a warning."""
        out: dict[str, Any] = {}
        for key, value in extra.items():
            cleaner = Cleaner(MAX_DEPTH + 1)
            try:
                key, value = cleaner(key), cleaner(value)
            except TooDeep:
                self.warnings.append(f"collection member {brief(key)}: nested more than {MAX_DEPTH} levels deep; left out")
                continue
            if cleaner.replaced:
                self.warnings.append(f"collection member {brief(key)}: {_texts(cleaner.replaced)} invalid Unicode (a lone surrogate); replaced by \ufffd")
            out[key] = value
        return out

    def finish(self, extra: dict[str, Any], name: str) -> Dataset:
        warnings, reduced = self.warnings, self.reduced
        extra = self._clean_members(extra)
        if reduced:
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(reduced.items()))
            total = sum(reduced.values())
            warnings.insert(0, f"{total} feature{'s' if total != 1 else ''} ({kinds}) placed at a representative point of the shape")
        if has_non_finite(extra):
            bad = ", ".join(repr(k) for k, v in extra.items() if has_non_finite(v))
            extra = finite_or_none(extra)
            warnings.append(f"collection member {bad}: NaN or infinite numbers (JSON has none) replaced by null")
        title = extra.get("name") if isinstance(extra.get("name"), str) else None
        if title is None and isinstance(extra.get("metadata"), dict) and isinstance(extra["metadata"].get("title"), str):
            title = extra["metadata"]["title"]
        return finish(self.events, warnings, name, title=title, extra=extra)


def _read_collection_streaming(text: str, name: str, progress: Progress | None) -> Dataset | None:
    """Read a FeatureCollection feature by feature, without building the whole JSON tree.

    Only the top-level object and its ``features`` array are walked here; each
    member and feature is parsed by the json module's own decoder and turned
    into an event at once, so memory holds events, not a million dicts. Returns
    None for anything else (a single Feature, invalid JSON, a duplicate
    ``features`` member...): the caller then parses the whole text as before,
    which gives the same events and the same messages.
    """
    reader = _FeatureReader()
    decoder = _WatchingDecoder()
    ticker = Ticker(progress, 100, name)
    step, length = max(1, len(text) // 100), len(text)
    next_mark = length
    decode, skip = decoder.raw_decode, _WHITESPACE.match
    members: dict[str, Any] = {}
    has_features = False
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    count = text.count
    try:
        pos = skip(text, 0).end()
        if text[pos] != "{":
            return None
        pos = skip(text, pos + 1).end()
        if text[pos] == "}":
            return None
        while True:
            key, pos = decode(text, pos)
            if not isinstance(key, str):
                return None
            pos = skip(text, pos).end()
            if text[pos] != ":":
                return None
            pos = skip(text, pos + 1).end()
            if key == "features":
                if has_features or text[pos] != "[":
                    return None  # let the full parse decide what the file means
                has_features = True
                ticker.report(0.0)
                next_mark = pos + step
                pos = skip(text, pos + 1).end()
                if text[pos] == "]":
                    pos += 1
                else:
                    while True:
                        if pos >= next_mark:
                            ticker.report(min(1.0, pos / length))
                            next_mark += step
                        decoder.non_finite = False
                        begin = pos
                        feature, pos = decode(text, pos)
                        # More brackets than MAX_DEPTH in its text is the cheap sign a feature may nest too deeply.
                        deep = count("[", begin, pos) + count("{", begin, pos) > MAX_DEPTH
                        reader.add(feature, check_finite=decoder.non_finite, clean=surrogates or deep)
                        if text.startswith(",\n", pos) and text[pos + 2] == "{":
                            pos += 2  # one feature per line, as eventmap saves: no whitespace to skip
                            continue
                        pos = skip(text, pos).end()
                        if text[pos] == ",":
                            pos = skip(text, pos + 1).end()
                        elif text[pos] == "]":
                            pos += 1
                            break
                        else:
                            return None
            else:
                members[key], pos = decode(text, pos)
            pos = skip(text, pos).end()
            if text[pos] == ",":
                pos = skip(text, pos + 1).end()
            elif text[pos] == "}":
                pos += 1
                break
            else:
                return None
        if skip(text, pos).end() != length:
            return None
    except (ValueError, IndexError, RecursionError):
        return None
    if not has_features or members.get("type") != "FeatureCollection":
        return None
    ticker.report(1.0)
    return reader.finish({k: v for k, v in members.items() if k != "type"}, name)


def normalise_feature(feature: Any, where: str, warnings: list[str], reduced: Counter[str], check_finite: bool = True) -> Any:
    """Bring one feature from any tool to the canonical shape :func:`event_from_feature` reads.

    A canonical feature comes back unchanged (the same object). Otherwise a
    shallow copy is returned: a Point geometry, ``start``/``end`` as ISO text,
    a ``title``; the properties those came from are left in place. With
    ``check_finite`` False the caller vouches that no NaN or infinite number
    is in the feature, and the (costly) search for one is skipped.

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
    elif check_finite and isinstance(geometry, dict) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates")
        if isinstance(coords, list) and len(coords) > 2 and has_non_finite(coords[2:]):
            # [lon, lat, NaN]: the point is fine, its elevation could not be saved as JSON
            changed["geometry"] = {**geometry, "coordinates": coords[:2]}
            warnings.append(f"{where}: elevation {coords[2]!r} is not a finite number; dropped")
    if isinstance(props, dict) and _saved_by_eventmap(feature, props):
        if check_finite and has_non_finite(props):
            changed["properties"] = finite_or_none(props)
            warnings.append(f"{where}: NaN or infinite numbers in the properties replaced by null")
    elif isinstance(props, dict):
        new_props = _normalise_properties(props, where, warnings, check_finite)
        if new_props is not props:
            changed["properties"] = new_props
    if not check_finite:
        # The caller made sure the feature holds no NaN or infinite number.
        return {**feature, **changed} if changed else feature
    members = {k: v for k, v in feature.items() if k not in ("type", "geometry", "properties", "id")}
    if has_non_finite(members):
        changed.update(finite_or_none(members))
        warnings.append(f"{where}: NaN or infinite numbers in the feature replaced by null")
    return {**feature, **changed} if changed else feature


def _saved_by_eventmap(feature: dict[str, Any], props: dict[str, Any]) -> bool:
    """Whether a feature has the shape eventmap saves: the same text id on the feature and in
    its properties, and a title. Its dates are only ever ``start``/``end``: an undated event
    whose extra properties include a ``time`` or ``date`` must stay undated on reload.
    """
    ident = props.get("id")
    return isinstance(ident, str) and feature.get("id") == ident and "title" in props


def _normalise_properties(props: dict[str, Any], where: str, warnings: list[str], check_finite: bool = True) -> dict[str, Any]:
    new = props
    if check_finite and has_non_finite(props):
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
        raise EventmapError(f"{where}: {kind} geometry cannot be read ({brief(str(exc))})") from None
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
    if not all(finite_number(v) is not None for v in value):  # 10**400 too: shapely would need it as a float
        return False
    return -180 <= value[0] <= 180 and -90 <= value[1] <= 90


def _texts(count: int) -> str:
    return "a text holds" if count == 1 else f"{count} texts hold"



