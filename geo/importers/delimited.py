"""CSV, TSV and other delimited text tables of events (generic, ACLED and UCDP GED layouts).

The encoding (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252 or
Latin-1), the delimiter (``,`` ``;`` tab ``|``) and the header row are found
by looking at the file. A row that cannot be read is skipped with a warning
naming its line; rows without coordinates are placed through the gazetteer
when a place column names somewhere it knows.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset, Event
from eventmap.geo.importers.common import Progress, Ticker, check_span, clip, extra_key, finish, parse_integer, parse_number
from eventmap.geo.importers.layouts import LAT, LON, PLACE, Columns, Layout, choose_layout, column_key

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
    warnings: list[str] = []
    text = decode_text(raw, name, warnings)
    if not text.strip():
        raise EventmapError(f"{name}: the file is empty")
    if "\x00" in text:
        raise EventmapError(f"{name}: this is a binary file, not a text table (it contains NUL bytes)")
    delimiter = sniff_delimiter(text)
    rows = _read_rows(text, delimiter, name, warnings, Ticker(progress, text.count("\n") + 1, name, 0.0, 0.3))
    header_at = find_header(rows)
    if header_at is None:
        raise EventmapError(
            f"{name}: no header row naming the coordinate columns (latitude and longitude, lat and lon, or y and x)"
            " or a place column (place, location, city) in the first lines",
        )
    line, header = rows[header_at]
    if header_at:
        warnings.append(f"lines 1-{line - 1}: skipped before the header row on line {line}")
    columns = Columns(header)
    layout = choose_layout(columns)
    body = rows[header_at + 1 :]
    if body and _is_hxl(body[0][1]):
        body = body[1:]  # HXL hashtags (#date+start) under the header: a second header, not data
    events = _read_events(body, columns, layout, name, warnings, Ticker(progress, len(body), name, 0.3, 1.0), geocoder)
    return finish(events, warnings, name)


def decode_text(raw: bytes, name: str, warnings: list[str]) -> str:
    """The text of a table file: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252 or Latin-1 with a warning."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            if len(raw) % 2:
                raise EventmapError(f"{name}: starts as UTF-16 text but byte {exc.start} is not UTF-16") from None
            # A lone surrogate: the rest is sound text; U+FFFD marks the spot.
            line = raw[: exc.start].decode("utf-16", "replace").count("\n") + 1
            warnings.append(f"line {line}: invalid UTF-16 (a lone surrogate, byte {exc.start}); replaced by \ufffd")
            return raw.decode("utf-16", "replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = exc.start
    line = raw.count(b"\n", 0, where) + 1
    try:
        text = raw.decode("cp1252")
        used = "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        used = "Latin-1"
    warnings.append(f"line {line}: the file is not UTF-8 (byte {where}); read as {used}: check accented letters")
    return text


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


def _read_rows(text: str, delimiter: str, name: str, warnings: list[str], ticker: Ticker) -> list[tuple[int, list[str]]]:
    """Every non-blank row with the line it starts on.

    A quote left open swallows every line after it into one cell, up to the
    next quote or the end of the file. A row whose cell runs over lines that
    look like rows of their own (or is absurdly long) is reported with the line
    its quote opened on, skipped, and reading starts again on the next line.
    """
    rows: list[tuple[int, list[str]]] = []
    line_offsets: list[int] | None = None
    total_lines = text.count("\n") + 1
    first_line, recoveries = 0, 0
    while True:
        restart = _scan_rows(text, first_line, line_offsets, delimiter, rows, warnings, ticker, total_lines, recoveries < MAX_RECOVERIES)
        if restart is None:
            return rows
        recoveries += 1
        if line_offsets is None:
            line_offsets = [0, *(m.end() for m in _LINE_END.finditer(text))]
        first_line = restart


def _scan_rows(
    text: str,
    first_line: int,
    line_offsets: list[int] | None,
    delimiter: str,
    rows: list[tuple[int, list[str]]],
    warnings: list[str],
    ticker: Ticker,
    total_lines: int,
    may_restart: bool,
) -> int | None:
    """Read rows from line ``first_line + 1`` on into ``rows``; the line to start again from after an open quote, or None at the end."""
    start = line_offsets[first_line] if line_offsets is not None and first_line < len(line_offsets) else 0
    if start >= len(text):
        return None
    reader = csv.reader(io.StringIO(text[start:] if start else text, newline=""), delimiter=delimiter)
    width = len(rows[0][1]) if rows else 0
    last_line = first_line
    while True:
        ticker.tick(last_line)
        try:
            row = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            warnings.append(f"row {last_line + 1}: {exc} (skipped)")
            if first_line + reader.line_num == last_line:
                return None  # the reader cannot move past this point
            last_line = first_line + reader.line_num
            continue
        end_line = first_line + reader.line_num
        if end_line - last_line > 1 and _open_quote(row, delimiter, width, end_line >= total_lines - 1):
            opened = last_line + 1
            longest = max(len(c) for c in row)
            if may_restart:
                warnings.append(
                    f"line {opened}: a quoted field runs on to line {end_line} ({end_line - opened + 1} lines, {longest:,} characters)"
                    f" over lines that look like rows: is a closing quote missing on line {opened}? That row is skipped;"
                    f" reading goes on at line {opened + 1}"
                )
                return opened
            warnings.append(f"line {opened}: a quoted field runs on to line {end_line}: is a closing quote missing?")
        if any(cell.strip() for cell in row):
            rows.append((last_line + 1, row))
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
    body: list[tuple[int, list[str]]],
    columns: Columns,
    layout: Layout,
    name: str,
    warnings: list[str],
    ticker: Ticker,
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
        raise EventmapError(f"{column} {_short(text)!r} is not a number")
    if not low <= value <= high:
        raise EventmapError(f"{column} {_short(text)!r} is outside {low:g}..{high:g}")
    return value


def _integer(value: str) -> int | str:
    number = parse_integer(value)
    return value if number is None else number


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
            from eventmap.geo.places.gazetteer import load_gazetteer  # noqa: PLC0415 - only files without coordinates need it

            places = load_gazetteer
        try:
            self.gazetteer = places()
        except EventmapError as exc:
            self.unavailable = f"the gazetteer cannot be loaded ({exc.message})"
            return False
        return True


def _in_range(value: Any, low: float, high: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and low <= value <= high
