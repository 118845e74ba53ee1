"""The offline gazetteer: a file of named places, read once and looked up by any of their names.

The bundled ``data/gazetteer.csv`` holds the places the project curates (dams,
ranges, training centres, the places of the bundled dataset, aliases), each
with where its coordinate comes from.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from eventmap.geo.errors import EventmapError
from eventmap.geo.paths import data_dir
from eventmap.geo.places.names import country_code, country_display_name, is_us_state_code, normalize_name, us_state_code
from eventmap.geo.places.ranking import Hint, rank_key, split_hints

GAZETTEER_FILE = "gazetteer.csv"
COLUMNS = (
    "name", "lat", "lon", "country", "country_name", "kind",
    "alternate_names", "population", "source", "note",
)

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_KIND = re.compile(r"^[a-z][a-z -]*$")


@dataclass(frozen=True)
class Place:
    """One row of the gazetteer: a named point and where its coordinate comes from."""

    name: str
    lat: float
    lon: float
    country: str
    country_name: str
    kind: str
    alternate_names: tuple[str, ...]
    population: int | None
    source: str
    note: str = ""

    @property
    def point(self) -> tuple[float, float]:
        """``(lat, lon)``, the order geopy uses."""
        return (self.lat, self.lon)

    def label(self) -> str:
        """``"Name, Country"`` for people (``"Moscow, United States"``)."""
        if self.kind == "country":
            return self.name
        return f"{self.name}, {self.country_name}"


class Gazetteer:
    """The places of a gazetteer file, indexed by every name they go by.

    Parameters
    ----------
    places
        The places, in file order.
    path
        The file they were read from, for messages.
    """

    def __init__(self, places: Iterable[Place], path: Path | None = None) -> None:
        places = list(places)
        self.places: list[Place] = places
        self.path = path
        self._index: dict[str, list[tuple[Place, bool]]] = {}
        self._country_names: dict[str, str] = {}
        self._countries_by_name: dict[str, str] = {}
        for place in places:
            self._country_names.setdefault(place.country, place.country_name)
            self._countries_by_name.setdefault(normalize_name(place.country_name), place.country)
            keys = {normalize_name(place.name): True}
            for alt in place.alternate_names:
                keys.setdefault(normalize_name(alt), False)
            for key, primary in keys.items():
                if key:
                    self._index.setdefault(key, []).append((place, primary))

    def __len__(self) -> int:
        return len(self.places)

    def __repr__(self) -> str:
        return f"<Gazetteer of {len(self.places)} places from {self.path}>"

    def country_name(self, code: str) -> str:
        """The country name the gazetteer uses for an ISO 3166-1 alpha-2 code (else its English name)."""
        code = code.upper()
        return self._country_names.get(code) or country_display_name(code)

    def country_codes(self, text: str) -> frozenset[str]:
        """The ISO 3166-1 alpha-2 codes a country hint can mean.

        ``"Russia"``, ``"Russian Federation"``, ``"RU"`` and ``"RUS"`` all give
        ``{"RU"}``; a US state (``"Idaho"``, ``"ID"``) gives ``{"US"}``, so
        ``"ID"`` gives both ``{"ID", "US"}`` (Indonesia or Idaho). Any other
        two letters are taken as a code. Unknown text gives an empty set.
        """
        codes: set[str] = set()
        key = normalize_name(text)
        if key in self._countries_by_name:
            codes.add(self._countries_by_name[key])
        code = country_code(text)
        if code:
            codes.add(code)
            if len(text.strip().replace(".", "")) == 2 and is_us_state_code(code):
                codes.add("US")
        if us_state_code(text):
            codes.add("US")
        return frozenset(codes)

    def lookup(self, name: str, country: str | None = None) -> Place | None:
        """The best place for a name, or None.

        Parameters
        ----------
        name
            A place name or alternate name, compared without regard to case,
            accents or spacing. Hints after a comma or in parentheses are
            understood: ``"Moscow, Russia"``, ``"Moscow, Idaho"``,
            ``"Moscow, ID"``, ``"Moscow (Russia)"``, ``"Shahkot, Azad Kashmir"``.
        country
            A country hint: an ISO 3166-1 alpha-2 code or a country name.

        Returns
        -------
        Place or None
            The first of :meth:`candidates`.
        """
        found = self.candidates(name, country)
        return found[0] if found else None

    def candidates(self, name: str, country: str | None = None) -> list[Place]:
        """Every place a name can mean, best first (see :mod:`eventmap.geo.places.ranking`).

        A hint ranks and never removes: ``candidates("Lahore", "RU")`` still finds Lahore.
        """
        text = " ".join(name.split())
        if not text:
            return []
        hint_texts = [country] if country else []
        matches = self.matches(normalize_name(text))
        if not matches:
            base, hints = split_hints(text)
            matches = self.matches(normalize_name(base))
            hint_texts += hints
        hints = [self._hint(h) for h in hint_texts if h.strip()]
        ranked: list[Place] = []
        for place, _ in sorted(matches, key=rank_key(hints, self.layer)):
            if place not in ranked:
                ranked.append(place)
        return ranked

    def layer(self, place: Place) -> int:
        """Which layer a place comes from (0: the only one; see :class:`~eventmap.geo.places.world.LayeredGazetteer`)."""
        return 0

    def matches(self, key: str) -> list[tuple[Place, bool]]:
        """The places a normalised name is a name of, each with whether it is their own name (not an alternate)."""
        return self._index.get(key, [])

    def _hint(self, text: str) -> Hint:
        codes = self.country_codes(text)
        if codes:
            return Hint(codes, ())
        anchors = tuple(
            place for place, _ in self.matches(normalize_name(text)) if place.kind != "country"
        )
        return Hint(frozenset(p.country for p in anchors), anchors)


def default_gazetteer_path() -> Path:
    """The bundled gazetteer file."""
    return data_dir() / GAZETTEER_FILE


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Read a gazetteer file (cached until the file changes).

    Parameters
    ----------
    path
        A CSV file with the columns of :data:`COLUMNS`; the bundled
        ``data/gazetteer.csv`` when None.

    Returns
    -------
    Gazetteer

    Raises
    ------
    EventmapError
        When the file is missing or not UTF-8, or any row is bad; every
        problem names the file and the line.
    """
    try:
        path = Path(path) if path is not None else default_gazetteer_path()
        stat = path.stat()
    except OSError as exc:
        raise EventmapError(f"Cannot read the gazetteer {path}: {exc.strerror or exc}") from exc
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> Gazetteer:
    return read_gazetteer(Path(path))


def read_gazetteer(path: Path) -> Gazetteer:
    """Read a gazetteer file without the cache; see :func:`load_gazetteer`."""
    places: list[Place] = []
    problems: list[str] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            try:
                header = reader.fieldnames or []
                missing = [c for c in COLUMNS if c not in header]
                if missing:
                    raise EventmapError(
                        f"{path}, line 1: the header lacks {', '.join(missing)}; "
                        f"expected {','.join(COLUMNS)}"
                    )
                for row in reader:
                    try:
                        places.append(_parse_row(row))
                    except ValueError as exc:
                        problems.append(f"{path}, line {reader.line_num}: {exc}")
            except csv.Error as exc:
                raise EventmapError(f"{path}, line {reader.line_num}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise EventmapError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise EventmapError(f"Cannot read the gazetteer {path}: {exc.strerror or exc}") from exc
    if problems:
        raise EventmapError(f"The gazetteer {path} has {len(problems)} bad row(s)", problems)
    return Gazetteer(places, path)


def _parse_row(row: dict[str | None, Any]) -> Place:
    if row.get(None):
        raise ValueError(
            f"{len(COLUMNS) + len(row[None])} fields, expected {len(COLUMNS)} "
            "(quote a field that contains a comma)"
        )
    if any(row.get(c) is None for c in COLUMNS):
        raise ValueError(f"too few fields, expected {len(COLUMNS)}")
    name = row["name"].strip()
    if not name:
        raise ValueError("the name is empty")
    lat = _coordinate(row["lat"], "lat", 90.0)
    lon = _coordinate(row["lon"], "lon", 180.0)
    country = row["country"].strip()
    if not _COUNTRY_CODE.match(country):
        raise ValueError(f"country {country!r} is not an ISO 3166-1 alpha-2 code such as PK")
    country_name = row["country_name"].strip()
    if not country_name:
        raise ValueError("country_name is empty")
    kind = row["kind"].strip()
    if not _KIND.match(kind):
        raise ValueError(f"kind {kind!r} is not a lower-case word such as city, town or dam")
    text = row["population"].strip().replace("_", "")
    population = None
    if text:
        if not text.isdigit():
            raise ValueError(f"population {row['population']!r} is not a whole number")
        population = int(text)
    source = row["source"].strip()
    if not source:
        raise ValueError("source is empty: say where the coordinate comes from")
    alternates = tuple(a.strip() for a in row["alternate_names"].split("|") if a.strip())
    return Place(name, lat, lon, country, country_name, kind, alternates, population, source,
                 row["note"].strip())


def _coordinate(text: str, what: str, limit: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValueError(f"{what} {text!r} is outside -{limit:g}..{limit:g}")
    return value
