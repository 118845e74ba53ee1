"""How the columns of a table become an event: the generic layout, ACLED and UCDP GED.

Columns are found by name, compared without case, spaces or punctuation
(``Event Date``, ``event_date`` and ``EVENT-DATE`` are one name). A layout
says which column holds each field of an event and which columns name a place
to geocode when a row has no coordinates; every column it does not use is
kept in the event's extra properties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eventmap.geo.certainty import widen_to_precision
from eventmap.geo.dates import PartialDate
from eventmap.geo.errors import EventmapError
from eventmap.geo.importers.common import first_sentence, parse_when

LAT = ("latitude", "lat", "y", "lat_dd", "decimal_latitude", "decimallatitude", "point_y", "lat_y")
LON = ("longitude", "lon", "lng", "long", "x", "lon_dd", "decimal_longitude", "decimallongitude", "point_x", "lon_x")
START = (
    "start", "start_date", "date_start", "startdate", "begin", "begin_date", "event_date", "date",
    "datetime", "date_time", "time", "timestamp", "when", "start_time",
)  # fmt: skip
END = ("end", "end_date", "date_end", "enddate", "finish", "end_time")
YEAR = ("year",)
TITLE = ("title", "name", "event", "event_name", "headline", "label", "subject")
PLACE = ("place", "location", "place_name", "placename", "city", "town", "village", "locality", "where", "address", "site")
CATEGORY = ("category", "event_type", "type", "kind", "class")
SUMMARY = ("summary", "description", "notes", "note", "details", "comment", "comments", "text")
SOURCE = ("source", "sources", "publisher")
URL = ("url", "link", "href", "source_url", "website")
ID = ("id", "event_id", "uid", "identifier")
COUNTRY = ("country", "country_name", "iso3", "country_code")

UCDP_VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}
_PLACE_SUFFIX = re.compile(r"\s+(village|town|city|district|area|province|region|sector|valley)$", re.IGNORECASE)


def column_key(name: str) -> str:
    """A column name compared without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


class Columns:
    """The header of a table, searchable by normalised column name."""

    def __init__(self, header: list[str]) -> None:
        self.names: list[str] = []
        seen: set[str] = set()
        next_suffix: dict[str, int] = {}  # per name, the first suffix not yet tried: linear in repeated names
        for index, raw in enumerate(header):
            name = raw.strip().lstrip("\ufeff") or f"column_{index + 1}"
            if name in seen:
                base = name
                n = next_suffix.get(base, 2)
                name = f"{base}_{n}"
                while name in seen:
                    n += 1
                    name = f"{base}_{n}"
                next_suffix[base] = n + 1
            seen.add(name)
            self.names.append(name)
        self.by_key: dict[str, str] = {}
        for name in self.names:
            self.by_key.setdefault(column_key(name), name)

    def find(self, keys: tuple[str, ...]) -> str | None:
        """The first column whose normalised name is one of ``keys``, in the order of ``keys``."""
        for key in keys:
            if key in self.by_key:
                return self.by_key[key]
        return None

    def has(self, *keys: str) -> bool:
        """Whether every one of ``keys`` names a column."""
        return all(key in self.by_key for key in keys)


@dataclass
class RowFields:
    """What one table row says, before its coordinates are checked or geocoded."""

    title: str = ""
    start: PartialDate | None = None
    end: PartialDate | None = None
    place: str = ""
    category: str = ""
    summary: str = ""
    source: str = ""
    url: str = ""
    id: str = ""
    lat: str = ""
    lon: str = ""
    country: str = ""
    locations: list[tuple[str, str]] = field(default_factory=list)  # (place name, its column), best first
    undated: bool = False


class Layout:
    """The generic layout: each field from the first column named like it."""

    name = "table"
    midnight_is_day = True

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        find = columns.find
        self.lat, self.lon = find(LAT), find(LON)
        self.start, self.end = find(START), find(END)
        self.year = find(YEAR) if self.start is None else None
        self.title, self.place = find(TITLE), find(PLACE)
        self.category, self.summary = find(CATEGORY), find(SUMMARY)
        self.source, self.url, self.id = find(SOURCE), find(URL), find(ID)
        self.country = find(COUNTRY)
        self.location_columns = [c for c in (self.place,) if c]
        self.integers: set[str] = set()

    @property
    def has_dates(self) -> bool:
        """Whether the table has a column to date its events by."""
        return bool(self.start or self.end or self.year)

    def consumed(self) -> set[str]:
        """Columns whose whole content becomes an event field (the others go to extra)."""
        used = (self.lat, self.lon, self.start, self.end, self.year, self.title, self.place)
        used += (self.category, self.summary, self.source, self.url, self.id)
        return {c for c in used if c}

    def fields(self, row: dict[str, str]) -> RowFields:
        """The event fields of one row.

        Raises
        ------
        EventmapError
            If a date cell is not a date (the message names the column).
        """
        cell = _Cell(row)
        out = RowFields(
            place=cell(self.place),
            category=cell(self.category).lower(),
            summary=cell(self.summary),
            source=cell(self.source),
            url=cell(self.url),
            id=cell(self.id),
            lat=cell(self.lat),
            lon=cell(self.lon),
            country=cell(self.country),
        )
        out.start = self._date(cell, self.start or self.year)
        out.end = self._date(cell, self.end)
        out.undated = self.has_dates and out.start is None and out.end is None
        out.title = self.title_of(cell, out)
        out.locations = self.locations_of(cell)
        return out

    def title_of(self, cell: _Cell, fields: RowFields) -> str:
        """The title: the title column, else the place, else the summary's first sentence."""
        return cell(self.title) or fields.place or first_sentence(fields.summary)

    def locations_of(self, cell: _Cell) -> list[tuple[str, str]]:
        """(place name, column) pairs to geocode from, best first."""
        return [(cell(c), c) for c in self.location_columns if cell(c)]

    def _date(self, cell: _Cell, column: str | None) -> PartialDate | None:
        if not column:
            return None
        try:
            return parse_when(cell(column), midnight_is_day=self.midnight_is_day)
        except EventmapError as exc:
            raise EventmapError(f"{column} {exc.message}") from None


class AcledLayout(Layout):
    """ACLED exports: ``event_date``, ``event_type``, ``location``, ``notes``, ``fatalities``…"""

    name = "ACLED"

    @staticmethod
    def matches(columns: Columns) -> bool:
        """Whether the header is an ACLED export's."""
        return columns.has("event_id_cnty") or columns.has("event_date", "event_type", "actor1")

    def __init__(self, columns: Columns) -> None:
        super().__init__(columns)
        find = columns.find
        self.start, self.end, self.year = find(("event_date",)), None, None
        self.id = find(("event_id_cnty", "data_id", "event_id"))
        self.event_type = find(("event_type",))
        self.category = None  # derived from event_type, which stays in extra as written
        self.title = None
        self.place, self.summary, self.source = find(("location",)), find(("notes",)), find(("source",))
        self.location_columns = [c for c in (self.place, find(("admin3",)), find(("admin2",)), find(("admin1",))) if c]
        self.integers = {c for c in (find(("fatalities",)),) if c}
        self.time_precision = find(("time_precision",))

    def fields(self, row: dict[str, str]) -> RowFields:
        out = super().fields(row)
        cell = _Cell(row)
        out.category = cell(self.event_type).lower()
        # time_precision 2/3: the date is only known to the week or the month
        out.start = widen_to_precision(out.start, cell(self.time_precision))
        return out

    def title_of(self, cell: _Cell, fields: RowFields) -> str:
        """``Protests in Lahore``; without a location, the notes' first sentence."""
        kind = cell(self.event_type)
        if kind and fields.place:
            return f"{kind} in {fields.place}"
        return first_sentence(fields.summary) or kind or fields.place


class UcdpLayout(Layout):
    """UCDP GED: ``date_start``/``date_end``, ``dyad_name``, ``where_coordinates``, ``best``…"""

    name = "UCDP GED"

    @staticmethod
    def matches(columns: Columns) -> bool:
        """Whether the header is a UCDP GED file's."""
        return columns.has("date_start") and (
            columns.has("dyad_name") or columns.has("conflict_name") or columns.has("where_coordinates")
        )

    def __init__(self, columns: Columns) -> None:
        super().__init__(columns)
        find = columns.find
        self.start, self.end, self.year = find(("date_start",)), find(("date_end",)), None
        self.id = find(("id",))
        self.title = self.category = self.summary = None
        self.place = find(("where_coordinates",))
        self.source = find(("source_article",))
        self.dyad, self.conflict = find(("dyad_name",)), find(("conflict_name",))
        self.wkt = find(("geom_wkt",))
        self.location_columns = [c for c in (self.place, find(("adm_2",)), find(("adm_1",))) if c]
        self.integers = {c for c in (find((k,)) for k in ("best", "high", "low", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")) if c}

    def consumed(self) -> set[str]:
        return super().consumed() | {c for c in (self.wkt,) if c}

    def fields(self, row: dict[str, str]) -> RowFields:
        out = super().fields(row)
        cell = _Cell(row)
        out.category = "conflict"
        out.source = out.source.strip().strip('"').strip()
        out.summary = self._summary(cell)
        return out

    def title_of(self, cell: _Cell, fields: RowFields) -> str:
        """``Government of India - Government of Pakistan at Kel village``."""
        who = cell(self.dyad) or cell(self.conflict)
        if who and fields.place:
            return f"{who} at {fields.place}"
        return who or fields.place

    def locations_of(self, cell: _Cell) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for name, column in super().locations_of(cell):
            # "Kel village", "Neelam district": a gazetteer may know only "Kel" and "Neelam"
            for candidate in (name, _PLACE_SUFFIX.sub("", name)):
                if candidate and (candidate, column) not in out:
                    out.append((candidate, column))
        return out

    def _summary(self, cell: _Cell) -> str:
        parts = []
        violence = UCDP_VIOLENCE.get(cell(self.columns.find(("type_of_violence",))))
        best = cell(self.columns.find(("best",)))
        if best:
            low, high = cell(self.columns.find(("low",))), cell(self.columns.find(("high",)))
            deaths = f"{best} death{'' if best == '1' else 's'} (best estimate"
            deaths += f"; low {low}, high {high})" if low and high and (low, high) != (best, best) else ")"
            parts.append(f"{violence}: {deaths}." if violence else f"{deaths[0].upper()}{deaths[1:]}.")
        elif violence:
            parts.append(f"{violence}.")
        where = cell(self.columns.find(("where_description",)))
        if where:
            parts.append(where if where.endswith(".") else where + ".")
        return " ".join(parts)


class _Cell:
    """Reads a row's cells by column name; a missing column reads as empty text."""

    def __init__(self, row: dict[str, str]) -> None:
        self.row = row

    def __call__(self, column: str | None) -> str:
        if not column:
            return ""
        return self.row.get(column, "").strip()


def choose_layout(columns: Columns) -> Layout:
    """The layout whose columns the header has: ACLED, UCDP GED, or the generic one."""
    for layout in (AcledLayout, UcdpLayout):
        if layout.matches(columns):
            return layout(columns)
    return Layout(columns)
