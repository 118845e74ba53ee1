"""Tables with typed columns (Parquet, GeoPackage, database queries) into events.

A table arrives in batches of columns (Python values, None for null) and,
when it has one, a geometry column already decoded to points. Its column
names go through the same layout guess as a CSV header
(:func:`geo.importers.layouts.choose_layout`: generic, ACLED or UCDP GED),
so a table and a CSV of the same export give the same events. Columns the
layout does not use are kept in each event's extra properties with their
types (numbers stay numbers); dates and times become ISO 8601 text.

Tables eventmap wrote itself (:mod:`geo.importers.parquet`) carry a small
description of their columns and are read back exactly, without guessing.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from eventmap.geo.dates import PartialDate, parse_date
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset, Event
from eventmap.geo.importers.common import Progress, Ticker, check_span, clip, collector_paused, extra_key, finish
from eventmap.geo.importers.layouts import LAT, LON, Columns, Layout, choose_layout

# The columns a table written by eventmap holds for the canonical fields.
CANONICAL = ("id", "title", "start", "end", "precision", "place", "category", "summary", "source", "url")
FEATURE_COLUMN = "eventmap_feature"
METADATA_KEY = b"eventmap"
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


@dataclass
class Points:
    """A batch's points from a geometry column: lon/lat (None where the row has none) and why not."""

    lon: list[float | None]
    lat: list[float | None]
    problems: dict[int, str] = field(default_factory=dict)  # row in batch -> what is wrong
    elevation: list[float | None] | None = None
    reduced: int = 0  # lines or polygons placed at a point on them


@dataclass
class TableLayout:
    """How eventmap wrote a table: column name -> (property key, encoding 'plain' or 'json')."""

    properties: dict[str, tuple[str, str]]
    extra: dict[str, Any]
    name: str | None = None

    @classmethod
    def from_metadata(cls, raw: bytes | None) -> TableLayout | None:
        """The layout stored in a file's metadata, or None for a table from elsewhere."""
        if not raw:
            return None
        try:
            data = json.loads(raw)
            props = {str(c): (str(k), str(enc)) for c, k, enc in data["properties"]}
            return cls(props, dict(data.get("extra") or {}), data.get("name"))
        except (ValueError, KeyError, TypeError):
            return None  # someone else's 'eventmap' key: read as any table


def text_of(value: Any) -> str:
    """A cell as the text a CSV would hold: how layouts read dates, titles and coordinates."""
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return value.isoformat(timespec="seconds" if not value.microsecond else "milliseconds") + "Z"
        return value.isoformat(timespec="seconds" if not value.microsecond else "milliseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(jsonable(value), ensure_ascii=False)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)


def jsonable(value: Any) -> Any:
    """A cell as a JSON value, keeping its type where JSON has one (saved losslessly in GeoJSON)."""
    if value is None or value.__class__ in (str, int, bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool):  # numpy.bool_ and other subclasses
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time, bytes, bytearray, memoryview)):
        return text_of(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return jsonable(value.tolist())
    return str(value)


def _number(value: Any, column: str | None, low: float, high: float) -> float:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = float(value)
        shown = value
    else:
        shown = text_of(value)
        cleaned = shown.replace("\u2212", "-").replace(" ", "")
        if _DECIMAL_COMMA.match(cleaned):
            cleaned = cleaned.replace(",", ".")
        try:
            number = float(cleaned)
        except ValueError:
            raise EventmapError(f"{column} {str(shown)[:40]!r} is not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise EventmapError(f"{column} {shown!r} is outside {low:g}..{high:g}")
    return number


class TableReader:
    """Turns the batches of one table into events, then a dataset.

    Parameters
    ----------
    names
        The table's column names, in order (the geometry column left out).
    name
        The table's name for messages (a file name, ``table events``).
    total
        How many rows to expect, for progress (0 if unknown).
    progress
        Called with the fraction read; returning False cancels.
    stored
        The layout eventmap stored in the file, if it wrote it.
    has_points
        Whether a geometry column gives each row's point.
    extra_prefix
        Prefix for extra properties named like a canonical one (``csv_title``).
    require_dates
        Refuse a table with no column to date events by.
    """

    def __init__(
        self,
        names: list[str],
        name: str,
        total: int = 0,
        progress: Progress | None = None,
        stored: TableLayout | None = None,
        has_points: bool = False,
        extra_prefix: str = "table",
        require_dates: bool = False,
    ) -> None:
        self.name = name
        self.names = list(names)
        self.stored = stored
        self.has_points = has_points
        self.events: list[Event] = []
        self.warnings: list[str] = []
        self.row = 0  # rows seen so far
        self.ticker = Ticker(progress, total, name) if total else None
        self.progress = progress
        self.reduced = 0
        self.extra_prefix = extra_prefix
        if stored is not None:
            return
        self.columns = Columns(self.names)
        self.layout: Layout = choose_layout(self.columns)
        layout = self.layout
        if not has_points and not (layout.lat and layout.lon):
            raise EventmapError(
                f"{name}: no geometry column and no coordinate columns (latitude and longitude, lat and lon, or y and x);"
                f" the columns are {_list(self.names)}",
            )
        if require_dates and not layout.has_dates:
            raise EventmapError(
                f"{name}: no date column (start, date, event_date, date_start, year, …) to place the events in time;"
                f" the columns are {_list(self.names)}",
            )
        consumed = layout.consumed()
        if has_points:
            consumed -= {c for c in (layout.lat, layout.lon) if c}
        self.consumed = consumed
        self.extra_columns = [(i, n, extra_key(n, extra_prefix)) for i, n in enumerate(self.columns.names) if n not in consumed]
        self.integers = layout.integers

    # --- batches ---------------------------------------------------------------

    def add(self, columns: list[list[Any]], points: Points | None = None) -> None:
        """Read one batch: one list of values per column (all of one length), and its points."""
        with collector_paused():
            self._add(columns, points)

    def _add(self, columns: list[list[Any]], points: Points | None) -> None:
        count = len(columns[0]) if columns else (len(points.lon) if points else 0)
        if points is not None:
            self.reduced += points.reduced
        if self.stored is not None:
            self._add_stored(columns, points, count)
            return
        names = self.columns.names
        layout = self.layout
        for k in range(count):
            self.row += 1
            if self.ticker is not None:
                self.ticker.tick(self.row - 1)
            where = f"row {self.row}"
            values = [column[k] for column in columns]
            try:
                if points is not None:
                    if k in points.problems:
                        raise EventmapError(points.problems[k])
                    lon, lat = points.lon[k], points.lat[k]
                    if lon is None or lat is None:
                        raise EventmapError("no geometry")
                else:
                    lon = lat = None
                event = self._event(names, values, layout, lon, lat, where)
            except EventmapError as exc:
                self.warnings.append(f"{where}: {exc.message} (skipped)")
                continue
            if points is not None and points.elevation is not None and points.elevation[k] is not None:
                event.coords_rest = (points.elevation[k],)
            self.events.append(event)

    def _event(self, names: list[str], values: list[Any], layout: Layout, lon: float | None, lat: float | None, where: str) -> Event:
        row = {n: text_of(v) for n, v in zip(names, values)}
        fields = layout.fields(row)
        end = check_span(fields.start, fields.end)
        if lon is None or lat is None:
            lat_value = values[names.index(layout.lat)] if layout.lat else None
            lon_value = values[names.index(layout.lon)] if layout.lon else None
            if _blank(lat_value) or _blank(lon_value):
                raise EventmapError("no coordinates")
            lat = _number(lat_value, layout.lat, -90, 90)
            lon = _number(lon_value, layout.lon, -180, 180)
        if fields.undated:
            self.warnings.append(f"{where}: no date; the event is shown at every time")
        extra: dict[str, Any] = {}
        for index, column, key in self.extra_columns:
            value = values[index]
            if value is None or (value.__class__ is str and not value.strip()):
                continue
            if value.__class__ is str:
                value = value.strip()
                if column in self.integers:
                    extra[key] = _integer(value)
                else:
                    extra[key] = clip(value, where, column, self.warnings)
            else:
                extra[key] = jsonable(value)
        return Event(
            id=clip(fields.id, where, "id", self.warnings),
            title=clip(fields.title, where, "title", self.warnings),
            lon=lon,
            lat=lat,
            start=fields.start,
            end=end,
            place=sys.intern(clip(fields.place, where, "place", self.warnings)),
            category=sys.intern(clip(fields.category, where, "category", self.warnings)),
            summary=clip(fields.summary, where, "summary", self.warnings),
            source=clip(fields.source, where, "source", self.warnings) or None,
            url=clip(fields.url, where, "url", self.warnings),
            extra=extra,
        )

    def _add_stored(self, columns: list[list[Any]], points: Points | None, count: int) -> None:
        """Rows of a table eventmap wrote: the columns say exactly which property each is."""
        stored = self.stored
        assert stored is not None
        slots: dict[str, list[Any]] = {}
        extras: list[tuple[str, str, list[Any]]] = []
        feature: list[Any] | None = None
        lon_col = lat_col = None
        for column_name, values in zip(self.names, columns):
            key, encoding = stored.properties.get(column_name, (column_name, "plain"))
            if column_name == FEATURE_COLUMN:
                feature = values
            elif encoding == "longitude":
                lon_col = values
            elif encoding == "latitude":
                lat_col = values
            elif key in CANONICAL and key != "precision" and encoding in ("plain", "json"):
                slots[key] = values if encoding == "plain" else [_loads(v) for v in values]
            elif key != "precision":
                extras.append((key, encoding, values))
        if points is None and (lon_col is None or lat_col is None):
            raise EventmapError(f"{self.name}: the table has no geometry and no longitude/latitude columns")
        empty = [None] * count

        def col(key: str) -> list[Any]:
            return slots.get(key, empty)

        ids, titles, starts, ends = col("id"), col("title"), col("start"), col("end")
        places, cats, summaries, sources, urls = col("place"), col("category"), col("summary"), col("source"), col("url")
        problems = points.problems if points is not None else {}
        plon = points.lon if points is not None else None
        plat = points.lat if points is not None else None
        elevation = points.elevation if points is not None else None
        tick = self.ticker.tick if self.ticker is not None else None
        dates: dict[Any, PartialDate | None] = {None: None, "": None}  # a table repeats its dates: parse each once
        append = self.events.append
        intern = sys.intern
        first_row = self.row
        self.row += count
        for k in range(count):
            if tick is not None:
                tick(first_row + k)
            try:
                if plon is not None:
                    if k in problems:
                        raise EventmapError(problems[k])
                    lon, lat = plon[k], plat[k]
                    if lon is None or lat is None:
                        raise EventmapError("no geometry")
                else:
                    lon = _number(lon_col[k], "longitude", -180, 180)
                    lat = _number(lat_col[k], "latitude", -90, 90)
                text = starts[k]
                start = dates[text] if text in dates else dates.setdefault(text, _stored_date(text, "start"))
                text = ends[k]
                end = dates[text] if text in dates else dates.setdefault(text, _stored_date(text, "end"))
                if start is not None and end is not None and end.hi <= start.lo:
                    raise EventmapError(f"ends ({end.text}) before it starts ({start.text})")
            except EventmapError as exc:
                self.warnings.append(f"row {first_row + k + 1}: {exc.message} (skipped)")
                continue
            extra = {}
            for key, encoding, values in extras:
                value = values[k]
                if value is not None:
                    extra[key] = _loads(value) if encoding == "json" else value
            coords_rest: tuple = ()
            geometry_extra: dict[str, Any] = {}
            if feature is not None and feature[k] is not None:
                feature_extra = _loads(feature[k])
                if not isinstance(feature_extra, dict):
                    feature_extra = {}
                # "geometry" is never another feature member: it holds what the point had besides lon/lat.
                stored = feature_extra.pop("geometry", None)
                geometry_extra = dict(stored) if isinstance(stored, dict) else {}
                rest = geometry_extra.pop("coordinates", None)
                coords_rest = tuple(rest) if isinstance(rest, list) else ()
            else:
                feature_extra = {}
            if not coords_rest and elevation is not None and elevation[k] is not None:
                coords_rest = (elevation[k],)
            append(
                Event(
                    id=ids[k] or "",
                    title=titles[k] or "",
                    lon=lon,
                    lat=lat,
                    start=start,
                    end=end,
                    place=intern(places[k] or ""),
                    category=intern(cats[k] or ""),
                    summary=summaries[k] or "",
                    source=sources[k],
                    url=urls[k] or "",
                    extra=extra,
                    feature_extra=feature_extra,
                    coords_rest=coords_rest,
                    geometry_extra=geometry_extra or None,
                )
            )

    def finish(self) -> Dataset:
        """The dataset read; warnings name the table.

        Raises
        ------
        EventmapError
            If no row gave an event (the message lists why rows were skipped).
        """
        if self.ticker is not None:
            self.ticker.report(1.0)
        elif self.progress is not None and self.progress(1.0) is False:
            raise EventmapError(f"{self.name}: reading cancelled")
        if self.reduced:
            self.warnings.append(f"{self.reduced:,} rows have line or polygon geometry; each is placed at a point on its shape")
        if self.row == 0:
            raise EventmapError(f"{self.name}: the table has no rows")
        extra = dict(self.stored.extra) if self.stored is not None else {}
        title = self.stored.name if self.stored is not None else None
        return finish(self.events, self.warnings, self.name, title=title, extra=extra)

    def tick(self, done: int, total: int) -> None:
        """Report progress when rows are counted by the caller (no row total known up front)."""
        if self.progress is not None and total and self.progress(min(1.0, done / total)) is False:
            raise EventmapError(f"{self.name}: reading cancelled")


def _stored_date(value: Any, key: str) -> PartialDate | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value if isinstance(value, str) else text_of(value))
    except EventmapError as exc:
        raise EventmapError(f"{key} {exc.message}") from None


def _loads(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _integer(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and math.isnan(value))


def _list(names: Iterable[str], limit: int = 12) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "") if names else "(none)"


def points_from_wkb(values: list[Any]) -> Points:
    """Decode a batch of WKB geometries (bytes, or None) to points with shapely, vectorised.

    Points give their coordinates; lines and polygons a point on them; an
    empty, unreadable or out-of-range geometry a problem for its row.
    """
    import numpy as np  # noqa: PLC0415
    import shapely  # noqa: PLC0415

    count = len(values)
    raw = np.empty(count, dtype=object)
    raw[:] = [bytes(v) if isinstance(v, (bytes, bytearray, memoryview)) else None for v in values]
    geoms = shapely.from_wkb(raw, on_invalid="ignore")
    return points_from_geometries(geoms, [v is not None for v in values])


def points_from_geometries(geoms: Any, present: list[bool]) -> Points:
    """Points (see :func:`points_from_wkb`) of an array of shapely geometries."""
    import warnings as pywarnings  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415
    import shapely  # noqa: PLC0415

    count = len(geoms)
    problems: dict[int, str] = {}
    kinds = shapely.get_type_id(geoms)  # -1 for None
    is_point = kinds == 0
    other = (kinds > 0) & ~shapely.is_empty(geoms)
    reduced = int(other.sum())
    points = geoms.copy()
    if reduced:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore", RuntimeWarning)
            points[other] = shapely.point_on_surface(geoms[other])
    usable = (is_point | other) & ~shapely.is_empty(points)
    x = np.full(count, np.nan)
    y = np.full(count, np.nan)
    x[usable] = shapely.get_x(points[usable])
    y[usable] = shapely.get_y(points[usable])
    in_range = usable & (np.abs(x) <= 180) & (np.abs(y) <= 90)
    z = None
    has_z = usable & shapely.has_z(points)
    if has_z.any():
        zs = np.full(count, np.nan)
        zs[has_z] = shapely.get_z(points[has_z])
        z = [float(v) if h and math.isfinite(v) else None for v, h in zip(zs.tolist(), has_z.tolist())]
    for k in np.flatnonzero(~in_range).tolist():
        if not present[k]:
            problems[k] = "no geometry"
        elif kinds[k] < 0:
            problems[k] = "the geometry is not valid WKB"
        elif not usable[k]:
            problems[k] = "the geometry is empty"
        else:
            problems[k] = f"coordinates ({x[k]:g}, {y[k]:g}) are not a longitude in -180..180 and a latitude in -90..90"
    lon = [v if ok else None for v, ok in zip(x.tolist(), in_range.tolist())]
    lat = [v if ok else None for v, ok in zip(y.tolist(), in_range.tolist())]
    return Points(lon, lat, problems, z, reduced)


GEOMETRY_NAMES = ("geometry", "geom", "the_geom", "wkb_geometry", "shape", "wkb", "geom_wkb")


def guess_geometry_column(names: list[str], binary: set[str]) -> str | None:
    """The binary column that most likely holds WKB geometry, by its name."""
    by_key = {n.lower(): n for n in names if n in binary}
    for key in GEOMETRY_NAMES:
        if key in by_key:
            return by_key[key]
    return None


__all__ = [
    "CANONICAL",
    "FEATURE_COLUMN",
    "GEOMETRY_NAMES",
    "LAT",
    "LON",
    "METADATA_KEY",
    "Points",
    "TableLayout",
    "TableReader",
    "guess_geometry_column",
    "jsonable",
    "points_from_geometries",
    "points_from_wkb",
    "text_of",
]
