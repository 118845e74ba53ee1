"""CSV, TSV and other delimited text tables of events (generic, ACLED and UCDP GED layouts).

The encoding (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 or
Latin-1), the delimiter (``,`` ``;`` tab ``|``) and the header row are found
by looking at the file. A row that cannot be read is skipped with a warning
naming its line; rows without coordinates are placed through the gazetteer
when a place column names somewhere it knows.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from eventmap.geo.brief import shorten
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset, Event
from eventmap.geo.importers.common import Progress, Ticker, check_span, clip, extra_key, finish, parse_integer, parse_number
from eventmap.geo.importers.layouts import LAT, LON, PLACE, Columns, Layout, choose_layout, column_key
from eventmap.geo.importers.common import collector_paused
from eventmap.geo.importers.textstream import StreamTicker, TextStream

DELIMITERS = ",;\t|"
SNIFF_CHARS = 16_384
HEADER_SEARCH_ROWS = 20
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


class PlaceFinder(Protocol):
    """What places rows without coordinates: a gazetteer, or anything with its ``lookup``."""

    def lookup(self, name: str, country: str | None = None) -> Any:
        """A place (with ``name``, ``lat`` and ``lon``) for a name, or None."""


Geocoder = PlaceFinder | Callable[[], PlaceFinder]


def read_delimited(raw: bytes, name: str, progress: Progress | None = None, *, geocoder: Geocoder | None = None) -> Dataset:
    """Read a delimited text table of events.

    Parameters
    ----------
    raw, name, progress
        The file's bytes, its name for messages, and the progress callback.
    geocoder
        Places rows that have a place name but no coordinates: an object with
        ``lookup(name, country)`` or a function that makes one when the first
        such row comes (and may raise :class:`EventmapError`); the bundled
        offline gazetteer when None.

    Raises
    ------
    EventmapError
        If the file is empty, binary, has no header naming coordinate or place
        columns, no row gives an event, or the read was cancelled.
    """
    return read_delimited_stream(io.BytesIO(raw), len(raw), name, progress, geocoder=geocoder)


def read_delimited_file(path: str | Path, name: str, progress: Progress | None = None, *, geocoder: Geocoder | None = None) -> Dataset:
    """Read a delimited text table of events from a file, a piece at a time (any size; see :func:`read_delimited`)."""
    try:
        with open(path, "rb") as binary:
            return read_delimited_stream(binary, os.fstat(binary.fileno()).st_size, name, progress, geocoder=geocoder)
    except OSError as exc:
        raise EventmapError(f"{name}: cannot read ({exc.strerror or exc})") from None


def read_delimited_stream(
    binary: BinaryIO, size: int, name: str, progress: Progress | None = None, *, geocoder: Geocoder | None = None
) -> Dataset:
    """Read a delimited text table from a binary stream of ``size`` bytes, row by row (see :func:`read_delimited`).

    Rows become events as they are read: the rows are never all held at once.
    """
    warnings: list[str] = []
    stream = TextStream(binary, size, name)
    chunks = stream.chunks()
    head = ""
    for text in chunks:  # enough text to sniff the delimiter, and to know whether the file is blank
        head += text
        if len(head) > SNIFF_CHARS and head.strip():
            break
    if not head.strip():
        raise EventmapError(f"{name}: the file is empty")
    delimiter = sniff_delimiter(head)
    ticker = StreamTicker(stream, progress, name)
    rows = _read_rows(stream.lines(itertools.chain([head], chunks)), delimiter, name, warnings, ticker)
    first = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    header_at = find_header(first)
    if header_at is None:
        raise EventmapError(
            f"{name}: no header row naming the coordinate columns (latitude and longitude, lat and lon, or y and x)"
            " or a place column (place, location, city) in the first lines",
        )
    line, header = first[header_at]
    if header_at:
        warnings.append(f"lines 1-{line - 1}: skipped before the header row on line {line}")
    columns = Columns(header)
    layout = choose_layout(columns)
    body = itertools.chain(first[header_at + 1 :], rows)
    following = next(body, None)
    if following is not None and not _is_hxl(following[1]):
        body = itertools.chain([following], body)  # HXL hashtags (#date+start) under the header are a second header, not data
    with collector_paused():
        events = _read_events(body, columns, layout, name, warnings, ticker, geocoder)
    warnings[:0] = stream.warnings()  # how the file was decoded comes first, as it concerns every row
    return finish(events, warnings, name)


def sniff_delimiter(text: str) -> str:
    """The delimiter of a table: csv.Sniffer's guess if the first lines agree with it, else the best of ``, ; tab |``."""
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    scores = {d: _consistency(sample, d) for d in DELIMITERS}
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = None
    if guess in scores and scores[guess][1] > 1 and scores[guess] >= max(scores.values()):
        return guess
    best = max(DELIMITERS, key=lambda d: scores[d])  # ties go to the earlier, commoner delimiter
    return best if scores[best][1] > 1 else ","


def _consistency(sample: str, delimiter: str) -> tuple[float, int]:
    """How well ``delimiter`` splits the sample: (share of lines with the commonest field count, that count).

    The commonest count, not the first line's: exports often start with a
    comment or title line before the header.
    """
    try:
        rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if any(c.strip() for c in r)]
    except csv.Error:
        return (0.0, 0)
    widths = Counter(len(r) for r in rows[: HEADER_SEARCH_ROWS * 2])
    if not widths:
        return (0.0, 0)
    width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
    if width < 2:
        return (0.0, width)
    return (count / sum(widths.values()), width)


MAX_FIELD_CHARS = 100_000  # a cell longer than this is a quote left open, not a note
MAX_RECOVERIES = 100  # unclosed quotes re-read after; past this many the file is read as it comes
_LINE_END = re.compile(r"\r\n|\r|\n")


class _Lines:
    """The lines csv.reader reads, remembering those of the record being read so that they can be read again."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.again: deque[str] = deque()
        self.record: list[str] = []
        self.exhausted = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.again:
            line = self.again.popleft()
        else:
            try:
                line = next(self.lines)
            except StopIteration:
                self.exhausted = True
                raise
        self.record.append(line)
        return line


def _read_rows(lines: Iterator[str], delimiter: str, name: str, warnings: list[str], ticker: Ticker | StreamTicker) -> Iterator[tuple[int, list[str]]]:
    """Every non-blank row with the line it starts on, as the file is read.

    A quote left open swallows every line after it into one cell, up to the
    next quote or the end of the file. A row whose cell runs over lines that
    look like rows of their own (or is absurdly long) is reported with the line
    its quote opened on, skipped, and reading starts again on the next line.
    """
    source = _Lines(lines)
    reader = csv.reader(source, delimiter=delimiter)
    width = 0
    last_line, recoveries = 0, 0
    while True:
        ticker.tick(last_line)
        source.record = []
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            warnings.append(f"row {last_line + 1}: {exc} (skipped)")
            if not source.record:
                return  # the reader cannot move past this point
            last_line += len(source.record)
            continue
        end_line = last_line + len(source.record)
        if end_line - last_line > 1 and _open_quote(row, delimiter, width, source.exhausted):
            opened = last_line + 1
            longest = max(len(c) for c in row)
            if recoveries < MAX_RECOVERIES:
                warnings.append(
                    f"line {opened}: a quoted field runs on to line {end_line} ({end_line - opened + 1} lines, {longest:,} characters)"
                    f" over lines that look like rows: is a closing quote missing on line {opened}? That row is skipped;"
                    f" reading goes on at line {opened + 1}"
                )
                source.again.extendleft(reversed(source.record[1:]))  # read the swallowed lines again, as rows
                reader = csv.reader(source, delimiter=delimiter)
                last_line, recoveries = opened, recoveries + 1
                continue
            warnings.append(f"line {opened}: a quoted field runs on to line {end_line}: is a closing quote missing?")
        if any(cell.strip() for cell in row):
            yield last_line + 1, row
            if not width:
                width = len(row)
        last_line = end_line


def _open_quote(row: list[str], delimiter: str, width: int, at_end: bool) -> bool:
    """Whether a row that spans lines looks like a quote left open rather than a note written over lines."""
    for cell in row:
        if len(cell) > MAX_FIELD_CHARS:
            return True
        if "\n" not in cell and "\r" not in cell:
            continue
        if width < 3:
            continue
        lines = _LINE_END.split(cell)[1:]
        row_like = sum(1 for line in lines if line.count(delimiter) >= width - 1)
        if row_like >= 2 or (row_like and at_end):
            return True
    return False


def find_header(rows: list[tuple[int, list[str]]]) -> int | None:
    """The index of the first row (among the first few) naming coordinate or place columns."""
    for index, (_, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {column_key(cell.lstrip("\ufeff")) for cell in row}
        if (keys & set(LAT) and keys & set(LON)) or keys & set(PLACE) or {"where_coordinates", "location"} & keys:
            return index
    return None


def _is_hxl(row: list[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def _read_events(
    body: Iterator[tuple[int, list[str]]],
    columns: Columns,
    layout: Layout,
    name: str,
    warnings: list[str],
    ticker: Ticker | StreamTicker,
    places: Geocoder | None = None,
) -> list[Event]:
    consumed = layout.consumed()
    geocoder = _Geocoder(places)
    events: list[Event] = []
    placed: list[int] = []
    width = len(columns.names)
    for index, (line, cells) in enumerate(body):
        ticker.tick(index)
        where = f"row {line}"
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            warnings.append(f"{where}: {len(cells)} fields but the header has {width}; a quote or delimiter is out of place (skipped)")
            continue
        row = dict(zip(columns.names, cells))
        try:
            event, geocoded = _event_from_row(row, layout, consumed, geocoder, where, warnings)
        except EventmapError as exc:
            warnings.append(f"{where}: {exc.message} (skipped)")
            continue
        if geocoded:
            placed.append(line)
        events.append(event)
    ticker.report(1.0)
    if placed:
        shown = ", ".join(str(n) for n in placed[:20]) + (", …" if len(placed) > 20 else "")
        warnings.append(
            f"{len(placed)} row{'s' if len(placed) != 1 else ''} without coordinates placed from the gazetteer by place name"
            f" (row{'s' if len(placed) != 1 else ''} {shown}); check them"
        )
    if geocoder.unavailable:
        warnings.append(f"rows without coordinates could not be placed: {geocoder.unavailable}")
    return events


def _event_from_row(
    row: dict[str, str], layout: Layout, consumed: set[str], geocoder: _Geocoder, where: str, warnings: list[str]
) -> tuple[Event, bool]:
    fields = layout.fields(row)
    end = check_span(fields.start, fields.end)
    geocoded = False
    if fields.lat and fields.lon:
        lat = _coordinate(fields.lat, layout.lat, -90, 90, row)
        lon = _coordinate(fields.lon, layout.lon, -180, 180, row)
    else:
        found = geocoder.locate([name for name, _ in fields.locations], fields.country)
        if found is None:
            if not fields.locations:
                raise EventmapError("no coordinates and no place name to look up")
            if geocoder.unavailable:
                raise EventmapError(f"no coordinates (place {fields.locations[0][0]!r} not looked up)")
            raise EventmapError(f"no coordinates, and the gazetteer does not know {fields.locations[0][0]!r}")
        lat, lon, used, index = found
        column = fields.locations[index][1]
        if column != fields.locations[0][1]:
            warnings.append(
                f"{where}: the gazetteer does not know {fields.locations[0][0]!r}; placed at {used!r}"
                f" from the {column} column instead (a coarser place)"
            )
        geocoded = True
    if fields.undated:
        warnings.append(f"{where}: no date; the event is shown at every time")
    extra: dict[str, Any] = {}
    for column, value in row.items():
        value = value.strip()
        if column in consumed or not value:
            continue
        extra[extra_key(column, "csv")] = _integer(value) if column in layout.integers else clip(value, where, column, warnings)
    if geocoded:
        extra["located_by"] = f"gazetteer: {used}"
    event = Event(
        id=clip(fields.id, where, "id", warnings),
        title=clip(fields.title, where, "title", warnings),
        lon=lon,
        lat=lat,
        start=fields.start,
        end=end,
        place=clip(fields.place, where, "place", warnings),
        category=clip(fields.category, where, "category", warnings),
        summary=clip(fields.summary, where, "summary", warnings),
        source=clip(fields.source, where, "source", warnings) or None,
        url=clip(fields.url, where, "url", warnings),
        extra=extra,
    )
    return event, geocoded


def _coordinate(text: str, column: str | None, low: float, high: float, row: dict[str, str]) -> float:
    cleaned = text.replace("\u2212", "-").replace(" ", "")
    if _DECIMAL_COMMA.match(cleaned):
        cleaned = cleaned.replace(",", ".")  # 34,82 in a semicolon-separated European table
    value = parse_number(cleaned)
    if value is None:
        raise EventmapError(f"{column} {shorten(text)!r} is not a number")
    if not low <= value <= high:
        raise EventmapError(f"{column} {shorten(text)!r} is outside {low:g}..{high:g}")
    return value


def _integer(value: str) -> int | str:
    number = parse_integer(value)
    return value if number is None else number


class _Geocoder:
    """Looks place names up through the given finder (the bundled gazetteer by default), made on first need."""

    def __init__(self, places: Geocoder | None = None) -> None:
        self._places = places
        self.gazetteer: Any = None
        self.unavailable = ""

    def locate(self, names: list[str], country: str) -> tuple[float, float, str, int] | None:
        """(lat, lon, place name, index in ``names``) of the first of ``names`` the gazetteer knows, or None."""
        if not names or self.unavailable or not self._load():
            return None
        for index, name in enumerate(names):
            try:
                place = self.gazetteer.lookup(name, country=country or None)
            except EventmapError:
                place = None
            if place is None:
                continue
            lat, lon = getattr(place, "lat", None), getattr(place, "lon", None)
            if _in_range(lat, -90, 90) and _in_range(lon, -180, 180):
                return float(lat), float(lon), str(getattr(place, "name", name) or name), index
        return None

    def _load(self) -> bool:
        if self.gazetteer is not None:
            return True
        places = self._places
        if places is not None and hasattr(places, "lookup"):
            self.gazetteer = places
            return True
        if places is None:
            from eventmap.geo.places.world import load_places  # noqa: PLC0415 - only files without coordinates need it

            places = load_places
        try:
            self.gazetteer = places()
        except EventmapError as exc:
            self.unavailable = f"the gazetteer cannot be loaded ({exc.message})"
            return False
        return True


def _in_range(value: Any, low: float, high: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and low <= value <= high
