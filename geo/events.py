"""Events, datasets, and the canonical GeoJSON form eventmap reads and saves.

A dataset file is an RFC 7946 FeatureCollection of Point features whose
properties are ``id``, ``title``, ``start``, ``end``, ``precision``, ``place``,
``category``, ``summary``, ``source`` and ``url``. Any other property, feature
member or collection member is kept as it was and written back on save.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from collections.abc import Iterable
from typing import Any

import numpy as np

from eventmap.geo.brief import brief
from eventmap.geo.dates import PartialDate, format_date, format_span, parse_date, span_is_valid
from eventmap.geo.errors import EventmapError

KNOWN_PROPERTIES = ("id", "title", "start", "end", "precision", "place", "category", "summary", "source", "url")
_KNOWN_SET = frozenset(KNOWN_PROPERTIES)
_FEATURE_MEMBERS = frozenset(("type", "geometry", "properties", "id"))
CATEGORIES = ("exercise", "defence", "diplomacy", "trade", "energy")
MAX_TEXT = 100_000  # longer strings are cut (a dataset is not a place for novels)
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class Event:
    """One dated event at one point.

    ``start`` and ``end`` are partial dates; ``end`` is None for an event that
    lasts exactly its start period; both None for an undated event, shown at
    every time. Either may be the open date ``..``.

    So that a load and save keep what a file said: ``extra`` holds the other
    properties, ``feature_extra`` the other feature members, ``coords_rest``
    the point's coordinates past longitude and latitude (elevation...),
    ``geometry_extra`` the geometry's other members (``bbox``, ``crs``), and
    ``written`` the id, title and category exactly as written where eventmap
    reads them normalised (a number id, a category in capitals, a title with
    blanks around it); they are saved as written while the event keeps them.
    """

    id: str
    title: str
    lon: float
    lat: float
    start: PartialDate | None = None
    end: PartialDate | None = None
    place: str = ""
    category: str = ""
    summary: str = ""
    source: Any = None
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    feature_extra: dict[str, Any] = field(default_factory=dict)
    coords_rest: tuple[Any, ...] = ()
    geometry_extra: dict[str, Any] | None = None
    written: dict[str, Any] | None = None

    @property
    def elevation(self) -> Any:
        """The third coordinate of the point as the file gave it (None if it had two)."""
        return self.coords_rest[0] if self.coords_rest else None

    @property
    def lo(self) -> float:
        """Start of the event's period, epoch ms (``-inf`` if unbounded)."""
        return self.start.lo if self.start is not None else -math.inf

    @property
    def hi(self) -> float:
        """End (exclusive) of the event's period, epoch ms (``inf`` if unbounded)."""
        if self.end is not None:
            return self.end.hi
        return self.start.hi if self.start is not None else math.inf

    @property
    def precision(self) -> str:
        """The precision of the start date: year, month, day, minute, second (or '')."""
        if self.start is not None and not self.start.is_open:
            return self.start.precision
        return ""

    def when(self) -> str:
        """The dates for people, each at its precision."""
        return format_span(self.start, self.end)

    def source_text(self) -> str:
        """The source as one line of plain text."""
        return format_source(self.source)


def format_source(source: Any) -> str:
    """Flatten a source (text, mapping or list of them) into one line of text.

    A mapping reads as a citation: ``Arab News, 'Pakistani, Russian armies kick
    off ...', 15 Oct 2024`` (publisher, with the author in brackets, the
    headline in quotes, the date at its precision; an ISO interval such as
    ``2020-11-05/2020-11-07`` as ``5 Nov 2020 – 7 Nov 2020``). The URL is left
    out: it is the event's link.
    """
    if source is None:
        return ""
    if isinstance(source, str):
        return source
    if isinstance(source, dict):
        keys = ("publisher", "author", "title", "published", "seed")
        parts = []
        publisher, author = str(source.get("publisher") or ""), str(source.get("author") or "")
        if publisher or author:
            parts.append(f"{publisher} ({author})" if publisher and author else publisher or author)
        if source.get("title"):
            parts.append(f"'{source['title']}'")
        if source.get("published"):
            parts.append(_format_published(str(source["published"])))
        if source.get("seed"):
            parts.append(str(source["seed"]))
        parts += [str(v) for k, v in source.items() if k not in keys and k != "url" and v]
        return ", ".join(parts)
    if isinstance(source, list):
        return "; ".join(filter(None, (format_source(s) for s in source)))
    return str(source)


def _format_published(text: str) -> str:
    """An ISO date (or ``start/end`` interval) for people; other text as it is."""
    try:
        first, _, last = text.partition("/")
        if last:
            return f"{format_date(parse_date(first))} – {format_date(parse_date(last))}"
        return format_date(parse_date(first))
    except EventmapError:
        return text


def slugify(text: str, fallback: str = "event") -> str:
    """A stable lowercase id made from text."""
    slug = _SLUG.sub("-", text.lower()).strip("-")[:60].strip("-")
    return slug or fallback


def order_categories(names: Iterable[str], every_known: bool = False) -> list[str]:
    """Categories in eventmap's order: the known ones (:data:`CATEGORIES`) first in their fixed order, then others by name.

    With ``every_known`` the known categories are all listed, used or not (the form offers them).
    """
    used = set(names) - {""} if every_known else set(names)
    known = list(CATEGORIES) if every_known else [c for c in CATEGORIES if c in used]
    return known + sorted(used - set(CATEGORIES))


@dataclass
class Dataset:
    """A list of events with where they came from and what was said on the way.

    ``warnings`` lists problems met while reading that did not stop it
    (skipped rows, guessed values), each naming its location.
    """

    events: list[Event]
    name: str = "Untitled"
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.events)

    @cached_property
    def columns(self) -> EventColumns:
        """Numeric columns of the events, for fast time and category filtering."""
        return EventColumns.from_events(self.events)

    def invalidate(self) -> None:
        """Forget derived columns after the events list changed."""
        self.__dict__.pop("columns", None)

    def categories(self) -> list[str]:
        """Categories in use: the known ones in their fixed order, then others by name."""
        return order_categories({e.category for e in self.events})

    def years(self) -> list[int]:
        """Every calendar year that at least one (bounded) event touches."""
        return self.columns.years()

    def date_range(self) -> tuple[float, float] | None:
        """The earliest start and latest end over bounded events, epoch ms."""
        return self.columns.date_range()


@dataclass
class EventColumns:
    """The events as arrays: ``lo``/``hi`` epoch ms, ``lat``/``lon``, ``cat`` codes."""

    lo: np.ndarray
    hi: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    cat: np.ndarray
    categories: list[str]

    @classmethod
    def from_events(cls, events: list[Event]) -> EventColumns:
        categories: dict[str, int] = {}
        codes = [categories.setdefault(e.category, len(categories)) for e in events]
        return cls(
            lo=np.fromiter((e.lo for e in events), float, len(events)),
            hi=np.fromiter((e.hi for e in events), float, len(events)),
            lat=np.fromiter((e.lat for e in events), float, len(events)),
            lon=np.fromiter((e.lon for e in events), float, len(events)),
            cat=np.asarray(codes, dtype=np.int32),
            categories=list(categories),
        )

    def in_window(self, lo: float, hi: float) -> np.ndarray:
        """Boolean mask of the events overlapping ``[lo, hi)``."""
        return (self.lo < hi) & (self.hi > lo)

    def date_range(self) -> tuple[float, float] | None:
        finite_lo = self.lo[np.isfinite(self.lo)]
        finite_hi = self.hi[np.isfinite(self.hi)]
        if finite_lo.size == 0 and finite_hi.size == 0:
            return None
        both = np.concatenate([finite_lo, finite_hi])
        lo = float(finite_lo.min()) if finite_lo.size else float(both.min())
        hi = float(finite_hi.max()) if finite_hi.size else float(both.max())
        return lo, hi

    def years(self) -> list[int]:
        span = self.date_range()
        if span is None:
            return []
        from eventmap.geo.dates import _utc  # noqa: PLC0415 - tiny helper, avoid a public name

        first, last = _utc(span[0]).year, _utc(span[1] - 1).year
        years = []
        for year in range(first, last + 1):
            start = parse_date(f"{year:04d}")
            if bool(np.any((self.lo < start.hi) & (self.hi > start.lo) & np.isfinite(self.lo) & np.isfinite(self.hi))):
                years.append(year)
        return years


# --- canonical GeoJSON -------------------------------------------------------


def _text(value: Any, where: str, key: str, warnings: list[str]) -> str:
    if value.__class__ is str and len(value) <= MAX_TEXT:
        return value  # the common case, first (a million features call this six times each)
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    if len(value) > MAX_TEXT:
        warnings.append(f"{where}: {key} is {len(value):,} characters long; cut to {MAX_TEXT:,}")
        value = value[:MAX_TEXT]
    return value


def _coordinate(value: Any, low: float, high: float) -> float | None:
    if value.__class__ is float:
        return value if low <= value <= high else None  # NaN fails the comparison
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not low <= value <= high:  # before float(): 10**400 is an int float() cannot hold
        return None
    return float(value)


def event_from_feature(feature: Any, where: str, warnings: list[str]) -> Event:
    """Make an event from one canonical GeoJSON Point feature.

    Raises
    ------
    EventmapError
        With a message naming ``where`` if the feature cannot be an event.
    """
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise EventmapError(f"{where}: not a GeoJSON Feature")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else "no"
        raise EventmapError(f"{where}: has {kind} geometry; only Point events are supported")
    coords = geometry.get("coordinates")
    if not isinstance(coords, (list, tuple)) or len(coords) < 2:
        raise EventmapError(f"{where}: Point has no [longitude, latitude] coordinates")
    lon, lat = _coordinate(coords[0], -180, 180), _coordinate(coords[1], -90, 90)
    if lon is None or lat is None:
        raise EventmapError(f"{where}: coordinates {brief(coords[:2])} are not a longitude in -180..180 and a latitude in -90..90")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise EventmapError(f"{where}: properties is not an object")
    start = end = None
    value = props.get("start")
    if value is not None and value != "":
        start = _date(value, where, "start", warnings)
    value = props.get("end")
    if value is not None and value != "":
        end = _date(value, where, "end", warnings)
    if not span_is_valid(start, end):
        raise EventmapError(f"{where}: ends ({end.text}) before it starts ({start.text})")
    raw_title = props.get("title")
    title = _text(raw_title, where, "title", warnings).strip()
    raw_id = props.get("id", feature.get("id"))
    ident = _text(raw_id, where, "id", warnings).strip()
    url = _text(props.get("url"), where, "url", warnings).strip()
    raw_category = props.get("category")
    category = _text(raw_category, where, "category", warnings).strip().lower()
    written = None
    # GeoJSON ids are text or numbers: keep a number as a number, and text with blanks as written.
    # (Only what differs by that alone: a text cut to MAX_TEXT is saved cut, as it now is.)
    if (raw_id.__class__ is str and raw_id != ident and raw_id.strip() == ident) or (raw_id.__class__ in (int, float) and str(raw_id) == ident):
        written = {"id": raw_id}
    if "id" in feature and "id" in props and feature["id"] != props["id"] and feature["id"].__class__ in (str, int, float):
        written = {**(written or {}), "feature_id": feature["id"]}
    if raw_title.__class__ is str and raw_title != title and raw_title.strip() == title:
        written = {**(written or {}), "title": raw_title}
    if raw_category.__class__ is str and raw_category != category and raw_category.strip().lower() == category:
        written = {**(written or {}), "category": raw_category}
    # Most features and properties hold only the usual members: skip building a filtered copy.
    feature_extra = {} if feature.keys() <= _FEATURE_MEMBERS else {k: v for k, v in feature.items() if k not in _FEATURE_MEMBERS}
    geometry_extra = None if len(geometry) == 2 else {k: v for k, v in geometry.items() if k not in ("type", "coordinates")} or None
    precision = props.get("precision")
    if precision not in (None, "") and start is not None and not start.is_open and precision != start.precision:
        warnings.append(f"{where}: precision {precision!r} does not match start {start.text!r} ({start.precision}); using {start.precision}")
    return Event(
        id=ident,
        title=title,
        lon=lon,
        lat=lat,
        start=start,
        end=end,
        # Datasets repeat their places and categories: one string each, not one per event.
        place=sys.intern(_text(props.get("place"), where, "place", warnings)),
        category=sys.intern(category),
        summary=_text(props.get("summary"), where, "summary", warnings),
        source=props.get("source"),
        url=url,
        extra={} if props.keys() <= _KNOWN_SET else {k: v for k, v in props.items() if k not in _KNOWN_SET},
        feature_extra=feature_extra,
        coords_rest=tuple(coords[2:]) if len(coords) > 2 else (),
        geometry_extra=geometry_extra,
        written=written,
    )


def _date(value: Any, where: str, key: str, warnings: list[str]) -> PartialDate:
    try:
        date = parse_date(value if isinstance(value, str) else str(value))
    except EventmapError as exc:
        raise EventmapError(f"{where}: {key} {exc}") from None
    if value.__class__ is str and date.text != value.strip():
        warnings.append(f"{where}: {key} {brief(value)} is not written in ASCII digits; saved as {date.text!r}")
    return date


def id_base(event: Event) -> str:
    """The id an event without one is given: its start and title, slugified."""
    return slugify(f"{event.start.text if event.start else ''} {event.title}")


def free_id(base: str, taken: set[str], next_suffix: dict[str, int] | None = None) -> str:
    """``base``, else ``base-2``, ``base-3``, ...: the first that is not in ``taken``.

    ``next_suffix`` remembers, per base, the first suffix not yet tried, so that
    giving ids to many events with the same base stays linear.
    """
    if base not in taken:
        return base
    n = next_suffix.get(base, 2) if next_suffix is not None else 2
    ident = f"{base}-{n}"
    while ident in taken:
        n += 1
        ident = f"{base}-{n}"
    if next_suffix is not None:
        next_suffix[base] = n + 1
    return ident


def assign_ids(events: list[Event], warnings: list[str]) -> None:
    """Give every event a unique id, keeping given ones and reporting duplicates."""
    seen: set[str] = set()
    next_suffix: dict[str, int] = {}
    for index, event in enumerate(events):
        ident = free_id(event.id or id_base(event), seen, next_suffix)
        if event.id and ident != event.id:
            warnings.append(f"feature {index}: duplicate id {event.id!r}; renamed {ident!r}")
            if event.written and "id" in event.written:
                # The id as written is no longer the event's: the new one is saved (and read back) as it is.
                event.written = {k: v for k, v in event.written.items() if k != "id"} or None
        event.id = ident
        seen.add(ident)


def feature_from_event(event: Event) -> dict[str, Any]:
    """The canonical GeoJSON feature of an event (inverse of :func:`event_from_feature`).

    What the event keeps as written (:attr:`Event.written`) is saved as written
    while it still reads as the event's value.
    """
    written = event.written or {}
    ident: Any = event.id
    if "id" in written and str(written["id"]).strip() == event.id:
        ident = written["id"]
    title: Any = event.title
    if "title" in written and written["title"].strip() == event.title:
        title = written["title"]
    props: dict[str, Any] = {"id": ident, "title": title}
    if event.start is not None:
        props["start"] = event.start.text
        if not event.start.is_open:
            props["precision"] = event.start.precision
    if event.end is not None:
        props["end"] = event.end.text
    if event.place:
        props["place"] = event.place
    if event.category:
        category = written.get("category")
        props["category"] = category if category is not None and category.strip().lower() == event.category else event.category
    if event.summary:
        props["summary"] = event.summary
    if event.source is not None:
        props["source"] = event.source
    if event.url:
        props["url"] = event.url
    props.update(event.extra)
    geometry: dict[str, Any] = {"type": "Point", "coordinates": [event.lon, event.lat, *event.coords_rest]}
    if event.geometry_extra:
        geometry.update(event.geometry_extra)
    feature_id = written.get("feature_id", ident)
    return {"type": "Feature", "id": feature_id, "geometry": geometry, "properties": props, **event.feature_extra}


def dataset_to_geojson(dataset: Dataset) -> dict[str, Any]:
    """The canonical FeatureCollection of a dataset."""
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    collection.update({k: v for k, v in dataset.extra.items() if k not in ("type", "features")})
    collection["features"] = [feature_from_event(e) for e in dataset.events]
    return collection


def with_events(dataset: Dataset, events: list[Event]) -> Dataset:
    """A copy of ``dataset`` holding ``events`` (columns recomputed)."""
    return replace(dataset, events=events, warnings=list(dataset.warnings))
