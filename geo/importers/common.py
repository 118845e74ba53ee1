"""Helpers shared by the importers: progress, lenient dates, text clean-up, the final dataset."""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any

from eventmap.geo.brief import shorten
from eventmap.geo.dates import MAX_MS, MIN_MS, RANGE_TEXT, PartialDate, ascii_digits, parse_date, span_is_valid
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import KNOWN_PROPERTIES, MAX_TEXT, Dataset, Event, assign_ids
from eventmap.geo.links import is_http_link

Progress = Callable[[float], bool]
"""Called with the fraction done (0..1); returning False asks the reader to stop."""

MAX_WARNINGS = 1000  # a dialog of a million lines helps nobody; the count says the rest

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Epoch values at or above this are milliseconds: 1e11 s is the year 5138, 1e11 ms is March 1973.
_MS_THRESHOLD = 1e11
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$", re.ASCII)
# A decimal number as tables and KML write one: ASCII digits only, no Python underscores (1_000).
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$", re.ASCII)
_INTEGER = re.compile(r"^[+-]?\d+$", re.ASCII)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# "13 October 2024", "9-May-20", "09 May 2020", "13 Oct. 2024"
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ \-/.]+([A-Za-z]+)\.?[ \-/.,]+(\d{4}|\d{2})$", re.ASCII)
# "October 13, 2024", "Oct 13 2024"
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?[ \-]+(\d{1,2}),?[ \-]+(\d{4})$", re.ASCII)
# "2024/10/13", "2024.10.13"
_YMD_SLASHED = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$", re.ASCII)
# YYYYMMDD with a plausible month and day; as epoch seconds these would all fall in 1970-1973
_BASIC_DATE = re.compile(r"^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$", re.ASCII)
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00(?::00(?:[.,]0+)?)?$", re.ASCII)


class Ticker:
    """Calls ``progress`` about every 1% of ``total`` steps and stops the read when it says so."""

    def __init__(self, progress: Progress | None, total: int, name: str, lo: float = 0.0, hi: float = 1.0) -> None:
        self.progress = progress
        self.total = max(1, total)
        self.step = max(1, self.total // 100)
        self.name = name
        self.lo, self.hi = lo, hi

    def tick(self, index: int) -> None:
        """Report step ``index`` (0-based) if it falls on a 1% mark.

        Raises
        ------
        EventmapError
            If the progress callback returned False (the user cancelled).
        """
        if self.progress is not None and index % self.step == 0:
            self.report(min(1.0, index / self.total))

    def report(self, fraction: float) -> None:
        """Report a fraction of this ticker's range, whatever the step."""
        if self.progress is not None and self.progress(self.lo + (self.hi - self.lo) * fraction) is False:
            raise EventmapError(f"{self.name}: reading cancelled")


# --- numbers -------------------------------------------------------------------


def parse_number(text: str) -> float | None:
    """The value of a decimal number written in a file (``-12.5``, ``3e2``), or None.

    Stricter than ``float()``: no underscores (``1_0`` is not ten), no
    non-ASCII digits, no ``nan`` or ``inf``; the result is finite.
    """
    text = text.strip()
    if not _DECIMAL.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def parse_integer(text: str) -> int | None:
    """The value of a whole number written in a file (``1000``, ``-3``), or None (``1_000``, ``1.5``, 5000 digits)."""
    text = text.strip()
    if not _INTEGER.match(text) or len(text) > 100:
        return None
    return int(text)


def finite_number(value: Any) -> float | None:
    """A JSON number as a finite float, or None: not a number, NaN, infinite, or too large for a float (10**400)."""
    if value.__class__ is float:
        return value if value - value == 0.0 else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        return float(value) if -1e308 < value < 1e308 else None
    value = float(value)
    return value if math.isfinite(value) else None


# --- dates ---------------------------------------------------------------------


def epoch_text(value: float) -> str:
    """ISO 8601 text (UTC, to the second or millisecond) of an epoch time in seconds or milliseconds.

    Values of 1e11 or more are taken as milliseconds (USGS feeds, JavaScript),
    smaller ones as seconds (Unix time).

    Raises
    ------
    EventmapError
        If the value is not a finite number or lies outside the years 1-9998.
    """
    number = finite_number(value)
    if number is None:
        if isinstance(value, int) and not isinstance(value, bool):
            raise EventmapError(f"{shorten(value)!r} as an epoch time is outside {RANGE_TEXT}, the dates eventmap supports")
        raise EventmapError(f"{shorten(value)!r} is not an epoch time")
    ms = number if abs(number) >= _MS_THRESHOLD else number * 1000.0
    if not MIN_MS <= ms < MAX_MS:
        raise EventmapError(f"{shorten(value)!r} as an epoch time is outside {RANGE_TEXT}, the dates eventmap supports")
    moment = _EPOCH + timedelta(milliseconds=round(ms))
    # Not strftime: its %Y writes the year 5 as "5", not "0005".
    text = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def parse_when(value: Any, midnight_is_day: bool = False) -> PartialDate | None:
    """Read a date written in any of the ways event files do.

    Accepts ISO 8601 at any precision (through :func:`geo.dates.parse_date`),
    epoch seconds or milliseconds (numbers or digit strings), a whole number
    below 10000 as a year, ``20201108`` (ISO basic format) as a day, ``13 October 2024``, ``9-May-20``, ``October 13, 2024``
    and ``2024/10/13``. Empty values give None. With ``midnight_is_day``, a
    date-time at exactly midnight without a zone (``1990-10-04 00:00:00.000``,
    as spreadsheets write plain dates) is read as that day.

    Raises
    ------
    EventmapError
        If the value is not a date in any of these forms.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise EventmapError(f"{value!r} is not a date")
    if isinstance(value, (int, float)):
        return _number_date(value)
    if not isinstance(value, str):
        raise EventmapError(f"{shorten(value)!r} is not a date")
    text = ascii_digits(value).strip()
    if not text:
        return None
    if _BASIC_DATE.match(text):
        return parse_date(f"{text[:4]}-{text[4:6]}-{text[6:]}")  # 20201108, ISO 8601 basic format
    if _NUMBER.match(text) and len(text.lstrip("+-").split(".")[0]) > 4:
        if len(text) > 40:
            raise EventmapError(f"{shorten(text)!r} is not a date (a number too large for an epoch time)")
        return _number_date(float(text))
    if midnight_is_day:
        match = _MIDNIGHT.match(text)
        if match:
            text = match.group(1)
    try:
        return parse_date(text)
    except EventmapError:
        iso = _named_month_date(text)
        if iso is not None:
            try:
                return parse_date(iso)
            except EventmapError:
                raise EventmapError(f"{shorten(text)!r} is not a real date") from None
        if re.match(r"^[+-]?\d{4}-", text):
            raise  # ISO-shaped but impossible (2020-02-30): parse_date says exactly what is wrong
        raise EventmapError(
            f"{shorten(text)!r} is not a date (expected ISO 8601 like 2020-11-08, '13 October 2024' or epoch seconds)"
        ) from None


def _number_date(value: float) -> PartialDate:
    if finite_number(value) is None:
        return parse_date(epoch_text(value))  # raises, saying why
    if isinstance(value, int) or value == int(value):
        if 1 <= value < 10000:
            # 2014 means the year 2014, not 33 minutes after midnight on 1 January 1970.
            return parse_date(f"{int(value):04d}")
        if _BASIC_DATE.match(str(int(value))):
            return parse_when(str(int(value)))
    return parse_date(epoch_text(value))


def _named_month_date(text: str) -> str | None:
    """ISO text of a day written with a month name or slashes year-first, or None."""
    match = _DAY_MONTH_YEAR.match(text)
    if match:
        day, month, year = match.group(1), match.group(2), match.group(3)
    else:
        match = _MONTH_DAY_YEAR.match(text)
        if match:
            month, day, year = match.group(1), match.group(2), match.group(3)
        else:
            match = _YMD_SLASHED.match(text)
            if not match:
                return None
            return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    if len(year) == 2:
        # Excel's two-digit years, as strptime's %y reads them: 69-99 → 19xx, 00-68 → 20xx.
        year = ("19" if int(year) >= 69 else "20") + year
    return f"{year}-{number:02d}-{int(day):02d}"


def check_span(start: PartialDate | None, end: PartialDate | None) -> PartialDate | None:
    """The end to store for a span: None when it equals the start.

    Raises
    ------
    EventmapError
        If the span ends before it starts.
    """
    if not span_is_valid(start, end):
        raise EventmapError(f"ends ({end.text}) before it starts ({start.text})")
    if end is not None and start is not None and end.text == start.text:
        return None
    return end


# --- text ----------------------------------------------------------------------


def clip(value: str, where: str, key: str, warnings: list[str]) -> str:
    """``value`` cut to :data:`geo.events.MAX_TEXT` characters, with a warning when cut."""
    if len(value) > MAX_TEXT:
        warnings.append(f"{where}: {key} is {len(value):,} characters long; cut to {MAX_TEXT:,}")
        return value[:MAX_TEXT]
    return value


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, with line breaks where blocks end."""

    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr"})
    HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if is_http_link(href):
                self.links.append(href.strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """The plain text of an HTML fragment, and the http(s) links it contains.

    Tags are dropped (the content of ``script`` and ``style`` too), entities
    unescaped, block ends become line breaks and runs of blanks one space.
    Text without markup comes back unchanged apart from whitespace.
    """
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = "".join(extractor.parts)
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, extractor.links


def first_sentence(text: str, limit: int = 120) -> str:
    """The first sentence of ``text``, cut at ``limit`` characters on a word boundary."""
    text = " ".join(text.split())
    match = re.search(r"(?<=[.!?])\s", text)
    sentence = text[: match.start()] if match else text
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


def finite_or_none(value: Any) -> Any:
    """``value`` with every NaN or infinite float (also inside lists and dicts) replaced by None.

    JSON has no NaN; a file that holds one (Python's ``json`` reads the
    ``NaN`` literal) could not be saved again otherwise.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list):
        return [finite_or_none(v) for v in value]
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    return value


def has_non_finite(value: Any) -> bool:
    """Whether ``value`` holds a NaN or infinite float anywhere."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, list):
        return any(has_non_finite(v) for v in value)
    if isinstance(value, dict):
        return any(has_non_finite(v) for v in value.values())
    return False


# --- result --------------------------------------------------------------------


def finish(events: list[Event], warnings: list[str], name: str, title: str | None = None, extra: dict | None = None) -> Dataset:
    """The dataset of ``events``, ids made unique, warnings prefixed with the file name.

    Raises
    ------
    EventmapError
        Naming the file and listing every problem, if no event was read.
    """
    if not events:
        problems = warnings or ["the file holds no events"]
        raise EventmapError(f"{name}: no usable events", cap_warnings(problems))
    assign_ids(events, warnings)
    return Dataset(
        events=events,
        name=title or name,
        warnings=cap_warnings([f"{name}: {w}" for w in warnings]),
        extra=dict(extra or {}),
    )


def cap_warnings(warnings: list[str]) -> list[str]:
    """At most :data:`MAX_WARNINGS` warnings, the last line counting the ones left out."""
    if len(warnings) <= MAX_WARNINGS:
        return warnings
    return [*warnings[:MAX_WARNINGS], f"… and {len(warnings) - MAX_WARNINGS:,} more warnings"]


def extra_key(key: str, prefix: str) -> str:
    """A name for an extra property that cannot be mistaken for a canonical one on reload.

    A table column or KML field called ``title`` or ``precision`` that eventmap
    did not read as such is kept as ``csv_title``/``kml_precision``.
    """
    return f"{prefix}_{key}" if key in KNOWN_PROPERTIES else key


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a reader makes millions of events.

    Its full passes walk every event made so far, over and over: most of the
    time of reading a large table. Events form no cycles that need it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
