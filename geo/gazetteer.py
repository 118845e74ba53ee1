"""The offline gazetteer, the geocoder chain, distances and country polygons.

Geocoding is offline by default: names are looked up in the bundled
``data/gazetteer.csv`` through :class:`GazetteerGeocoder`, a geopy geocoder
that can make no request at all. Only a :class:`GeocoderChain` made with
``online=True`` asks OpenStreetMap's Nominatim, one request a second at most,
and it keeps every answer in a JSON cache so a name is asked for once.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.distance import geodesic
from geopy.exc import GeocoderServiceError, GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from eventmap.geo import __version__
from eventmap.geo.config import cache_dir
from eventmap.geo.errors import EventmapError
from eventmap.geo.paths import data_dir

GAZETTEER_FILE = "gazetteer.csv"
COLUMNS = (
    "name", "lat", "lon", "country", "country_name", "kind",
    "alternate_names", "population", "source", "note",
)
# Country polygons, best first: at 1:110m the borders are too coarse for towns
# near them (Kasur, 5 km from the Indian border, falls in India), at 1:50m not.
COUNTRIES_FILES = (Path("basemap") / "countries-50m.geojson", Path("basemap") / "countries-110m.geojson")
CACHE_FILE = "geocode-cache.json"
CACHE_VERSION = 1

USER_AGENT = f"eventmap/{__version__} (desktop event map)"
NOMINATIM_TIMEOUT = 10  # seconds
RATE_LIMIT_SECONDS = 1.0  # Nominatim's usage policy: at most one request a second
RETRIES = 1  # a timed-out or unavailable Nominatim is asked once more
RETRY_WAIT_SECONDS = 2.0

# Basemap coastlines are generalised by a few kilometres, so a coastal town
# (Gwadar, on its isthmus) can fall just outside its country's polygon.
COUNTRY_SNAP_KM = 25.0

# Lower ranks first when a name has several places (after the country hint).
KIND_RANK = {"capital": 0, "city": 1}
OTHER_KIND_RANK = 2

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_KIND = re.compile(r"^[a-z][a-z -]*$")
_PARENTHESES = re.compile(r"^(?P<base>.*?)\s*\((?P<hint>[^()]*)\)\s*$")

# Country names people write that are not the gazetteer's own country_name.
COUNTRY_ALIASES = {
    "usa": "US", "u s a": "US", "u s": "US", "united states of america": "US", "america": "US",
    "uk": "GB", "united kingdom": "GB", "great britain": "GB", "britain": "GB",
    "russian federation": "RU", "rus": "RU", "islamic republic of iran": "IR", "irn": "IR",
    "islamic republic of pakistan": "PK", "pak": "PK", "ind": "IN", "chn": "CN",
    "people s republic of china": "CN", "prc": "CN", "afg": "AF", "uzb": "UZ", "kaz": "KZ",
    "tjk": "TJ", "kgz": "KG", "kyrgyz republic": "KG", "tkm": "TM", "bel": "BE",
}

US_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
    "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND",
    "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN",
    "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
}
_US_STATE_CODES = frozenset(US_STATES.values())


def normalize_name(text: str) -> str:
    """The form names are compared in: case, accents, punctuation and spacing aside.

    Parameters
    ----------
    text
        A place name in any script.

    Returns
    -------
    str
        Case-folded, without combining marks, with every run of characters
        that are not letters or digits turned into one space
        (``"  Saint-Pétersbourg "`` becomes ``"saint petersbourg"``).
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in bare).split())


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


@dataclass(frozen=True)
class _Hint:
    """What one hint (``"Idaho"`` in ``"Moscow, Idaho"``) says about the place wanted."""

    countries: frozenset[str]
    anchors: tuple[Place, ...]


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
        self.places: list[Place] = list(places)
        self.path = path
        self._index: dict[str, list[tuple[Place, bool]]] = {}
        self._country_names: dict[str, str] = {}
        for place in self.places:
            self._country_names.setdefault(place.country, place.country_name)
            keys = {normalize_name(place.name): True}
            for alt in place.alternate_names:
                keys.setdefault(normalize_name(alt), False)
            for key, primary in keys.items():
                if key:
                    self._index.setdefault(key, []).append((place, primary))
        self._countries_by_name: dict[str, str] = {
            normalize_name(name): code for code, name in self._country_names.items()
        }
        for alias, code in COUNTRY_ALIASES.items():
            self._countries_by_name.setdefault(alias, code)

    def __len__(self) -> int:
        return len(self.places)

    def __repr__(self) -> str:
        return f"<Gazetteer of {len(self.places)} places from {self.path}>"

    def country_name(self, code: str) -> str:
        """The country name the gazetteer uses for an ISO 3166-1 alpha-2 code (or the code)."""
        return self._country_names.get(code.upper(), code.upper())

    def country_codes(self, text: str) -> frozenset[str]:
        """The ISO 3166-1 alpha-2 codes a country hint can mean.

        ``"Russia"``, ``"Russian Federation"``, ``"RU"`` and ``"RUS"`` all give
        ``{"RU"}``; a US state (``"Idaho"``, ``"ID"``) gives ``{"US"}``, so
        ``"ID"`` gives both ``{"ID", "US"}`` (Indonesia or Idaho). Any other
        two letters are taken as a code. Unknown text gives an empty set.
        """
        key = normalize_name(text)
        codes: set[str] = set()
        if key in self._countries_by_name:
            codes.add(self._countries_by_name[key])
        compact = text.strip().replace(".", "")
        if len(compact) == 2 and compact.isascii() and compact.isalpha():
            codes.add(compact.upper())
            if compact.upper() in _US_STATE_CODES:
                codes.add("US")
        if key in US_STATES:
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
        """Every place a name can mean, best first.

        Places are ranked by agreement with the hints (a country, a US state,
        or another gazetteer place, whose nearest namesake wins), then by kind
        (capital, then city, then the rest), then by population. A hint ranks
        and never removes: ``candidates("Lahore", "RU")`` still finds Lahore.
        """
        text = " ".join(name.split())
        if not text:
            return []
        hint_texts = [country] if country else []
        matches = self._index.get(normalize_name(text), [])
        if not matches:
            base, hints = _split_hints(text)
            matches = self._index.get(normalize_name(base), [])
            hint_texts += hints
        hints = [self._hint(h) for h in hint_texts if h.strip()]

        def rank(match: tuple[Place, bool]) -> tuple[Any, ...]:
            place, primary = match
            mismatches = sum(1 for h in hints if h.countries and place.country not in h.countries)
            distance = sum(
                min(distance_km(place.point, a.point) for a in h.anchors) for h in hints if h.anchors
            )
            return (
                mismatches,
                distance,
                KIND_RANK.get(place.kind, OTHER_KIND_RANK),
                -(place.population or 0),
                not primary,
                place.name,
            )

        ranked: list[Place] = []
        for place, _ in sorted(matches, key=rank):
            if place not in ranked:
                ranked.append(place)
        return ranked

    def _hint(self, text: str) -> _Hint:
        codes = self.country_codes(text)
        if codes:
            return _Hint(codes, ())
        anchors = tuple(
            place for place, _ in self._index.get(normalize_name(text), []) if place.kind != "country"
        )
        return _Hint(frozenset(p.country for p in anchors), anchors)


def _split_hints(text: str) -> tuple[str, list[str]]:
    """``"Moscow (Idaho), USA"`` -> ``("Moscow", ["Idaho", "USA"])``."""
    first, *rest = [part.strip() for part in text.split(",")]
    hints = [r for r in rest if r]
    bracketed = _PARENTHESES.match(first)
    if bracketed and bracketed.group("base"):
        return bracketed.group("base"), [bracketed.group("hint"), *hints]
    return first, hints


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


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The geodesic (WGS 84) distance between two ``(lat, lon)`` points, in km."""
    return geodesic(a, b).kilometers


# --- geocoding -----------------------------------------------------------------


class _OfflineAdapter(BaseSyncAdapter):
    """A geopy adapter that refuses every request: the gazetteer never needs one."""

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        raise GeocoderServiceError(f"the offline gazetteer geocoder does not fetch {url}")

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        raise GeocoderServiceError(f"the offline gazetteer geocoder does not fetch {url}")


class GazetteerGeocoder(Geocoder):
    """A geopy geocoder over the gazetteer: offline, instant, never a request.

    Parameters
    ----------
    gazetteer
        The places to search; the bundled gazetteer (loaded on first use) when None.
    user_agent
        Sent with no request (there are none); given so geopy has one.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, user_agent: str = USER_AGENT) -> None:
        super().__init__(user_agent=user_agent, adapter_factory=_OfflineAdapter)
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer searched (the bundled one is read on first use)."""
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer()
        return self._gazetteer

    def geocode(
        self,
        query: str,
        exactly_one: bool = True,
        country_codes: str | Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """Find a name in the gazetteer.

        Parameters
        ----------
        query
            A place name, with optional hints (``"Moscow, Idaho"``).
        exactly_one
            Return the best location, or a list of every candidate, best first.
        country_codes
            ISO 3166-1 alpha-2 code(s): unlike a hint in the query, these
            restrict the result to those countries (as in geopy's Nominatim).
        timeout
            Ignored: nothing is fetched.

        Returns
        -------
        geopy.location.Location, list of them, or None
            The address is ``"Name, Country"``; ``raw`` holds the place's
            fields, ``"source": "gazetteer"`` and, as ``"coordinate_source"``,
            where the gazetteer's coordinate comes from.
        """
        if not isinstance(query, str):
            raise TypeError(f"the gazetteer geocoder takes a place name, not {type(query).__name__}")
        found = self.gazetteer.candidates(query)
        if country_codes:
            wanted = {country_codes.upper()} if isinstance(country_codes, str) else {
                c.upper() for c in country_codes
            }
            found = [p for p in found if p.country in wanted]
        if not found:
            return None
        locations = [_location(place) for place in found]
        return locations[0] if exactly_one else locations


def _location(place: Place) -> Location:
    raw = {
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "country_name": place.country_name,
        "kind": place.kind,
        "alternate_names": list(place.alternate_names),
        "population": place.population,
        "note": place.note,
        "coordinate_source": place.source,
        "source": "gazetteer",
    }
    return Location(place.label(), (place.lat, place.lon), raw)


@dataclass(frozen=True)
class GeocodeResult:
    """The answer to one name.

    ``country`` is an ISO 3166-1 alpha-2 code (empty if the source gave
    none); ``source`` is ``"gazetteer"``, ``"nominatim"`` or ``"nominatim
    (cached)"``; ``reference`` says more (``"GeoNames 524901"``,
    ``"OpenStreetMap relation 2555133"``); ``country_name`` is for people.
    """

    query: str
    name: str
    lat: float
    lon: float
    country: str
    source: str
    reference: str = ""
    country_name: str = ""


def _make_nominatim() -> Nominatim:
    """The online geocoder (tests replace this factory; nothing else makes one)."""
    return Nominatim(user_agent=USER_AGENT, timeout=NOMINATIM_TIMEOUT)


class GeocoderChain:
    """The gazetteer first, then (only when ``online``) OpenStreetMap's Nominatim.

    Parameters
    ----------
    online
        Ask Nominatim for names the gazetteer lacks. Off by default: no
        network traffic unless the user opts in.
    gazetteer
        The gazetteer; the bundled one when None.
    cache_path
        The JSON file of Nominatim answers; ``geo.config.cache_dir() /
        "geocode-cache.json"`` when None.
    """

    def __init__(
        self,
        *,
        online: bool = False,
        gazetteer: Gazetteer | None = None,
        cache_path: Path | None = None,
    ) -> None:
        self.online = online
        self.offline = GazetteerGeocoder(gazetteer)
        self._cache_path = cache_path
        self._cache: dict[str, Any] | None = None
        self._online_geocode: Callable[..., Any] | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer searched first."""
        return self.offline.gazetteer

    @property
    def cache_path(self) -> Path:
        """Where online answers are kept."""
        return self._cache_path or cache_dir() / CACHE_FILE

    def resolve(self, name: str, country: str | None = None) -> GeocodeResult | None:
        """The coordinates of a place name, or None when no source knows it.

        Parameters
        ----------
        name
            A place name, with optional hints (``"Moscow, Idaho"``).
        country
            Only places in this country: an ISO 3166-1 alpha-2 code or a
            country name the gazetteer knows.

        Raises
        ------
        EventmapError
            For an unknown country, when Nominatim cannot be reached or
            fails, or when the cache cannot be written.
        """
        query = " ".join(name.split())
        if not query:
            raise EventmapError("Nothing to geocode: the place name is empty")
        codes = self._country_codes(country)
        location = self.offline.geocode(query, exactly_one=True, country_codes=codes)
        if location is not None:
            raw = location.raw
            return GeocodeResult(query, raw["name"], raw["lat"], raw["lon"], raw["country"],
                                 "gazetteer", raw["coordinate_source"], raw["country_name"])
        if not self.online:
            return None
        return self._resolve_online(query, codes)

    def country_name(self, code: str) -> str:
        """A country code for people, as the gazetteer names it."""
        return self.gazetteer.country_name(code)

    def _country_codes(self, country: str | None) -> list[str] | None:
        text = (country or "").strip()
        if not text:
            return None
        if len(text) == 2 and text.isascii() and text.isalpha():
            return [text.upper()]  # a code given as a filter means that country only
        codes = self.gazetteer.country_codes(text)
        if not codes:
            raise EventmapError(
                f"Unknown country {country!r}: give an ISO 3166-1 alpha-2 code such as PK or RU"
            )
        return sorted(codes)

    def _resolve_online(self, query: str, codes: list[str] | None) -> GeocodeResult | None:
        cache = self._load_cache()
        key = f"{normalize_name(query)}|{','.join(codes or [])}"
        if key in cache:
            entry = cache[key]
            if entry is None:
                return None
            return GeocodeResult(query, entry["name"], entry["lat"], entry["lon"], entry["country"],
                                 "nominatim (cached)", entry.get("reference", ""),
                                 entry.get("country_name", ""))
        geocode = self._nominatim()
        try:
            location = geocode(query, exactly_one=True, addressdetails=True, language="en",
                               country_codes=codes)
        except (GeopyError, OSError) as exc:
            raise EventmapError(f"Online geocoding failed for {query!r}: {exc}") from exc
        result = None if location is None else _from_nominatim(query, location)
        cache[key] = None if result is None else {
            "name": result.name, "lat": result.lat, "lon": result.lon,
            "country": result.country, "reference": result.reference,
            "country_name": result.country_name,
        }
        self._save_cache()
        return result

    def _nominatim(self) -> Callable[..., Any]:
        # Made on first online use only: constructing the chain costs no network.
        if self._online_geocode is None:
            self._online_geocode = RateLimiter(
                _make_nominatim().geocode,
                min_delay_seconds=RATE_LIMIT_SECONDS,
                max_retries=RETRIES,
                error_wait_seconds=max(RETRY_WAIT_SECONDS, RATE_LIMIT_SECONDS),
                swallow_exceptions=False,
            )
        return self._online_geocode

    def _load_cache(self) -> dict[str, Any]:
        if self._cache is None:
            self._cache = {}
            try:
                stored = json.loads(self.cache_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                stored = None  # no cache yet, or a damaged one: it is rebuilt
            if isinstance(stored, dict) and stored.get("version") == CACHE_VERSION:
                entries = stored.get("entries")
                if isinstance(entries, dict):
                    self._cache.update(entries)
        return self._cache

    def _save_cache(self) -> None:
        path = self.cache_path
        text = json.dumps({"version": CACHE_VERSION, "entries": self._cache}, ensure_ascii=False,
                          indent=1, sort_keys=True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".geocode-cache-", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise EventmapError(
                f"Cannot write the geocoding cache {path}: {exc.strerror or exc} "
                "(set EVENTMAP_CACHE_DIR to a writable folder)"
            ) from exc


def _from_nominatim(query: str, location: Location) -> GeocodeResult:
    raw = location.raw if isinstance(location.raw, dict) else {}
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    name = raw.get("name") or (location.address or query).split(",")[0].strip()
    osm = " ".join(str(raw[k]) for k in ("osm_type", "osm_id") if raw.get(k))
    reference = f"OpenStreetMap {osm}".strip()
    return GeocodeResult(query, name, float(location.latitude), float(location.longitude),
                         str(address.get("country_code", "")).upper(), "nominatim", reference,
                         str(address.get("country", "")))


def make_geocoder(online: bool = False) -> GeocoderChain:
    """The geocoder the app uses: the bundled gazetteer, plus Nominatim if ``online``."""
    return GeocoderChain(online=online)


def run_geocode(name: str, online: bool = False, country: str | None = None) -> int:
    """``eventmap geocode NAME [--country CC] [--online]``: print where a name is.

    Prints ``Moscow, Russia: 55.7522, 37.6156 (source: gazetteer, GeoNames 524901)``
    and returns 0; for an unknown name prints ``no match for 'X' in the
    offline gazetteer (try --online)`` on stderr and returns 1.

    Raises
    ------
    EventmapError
        For an unknown country or a failed online request (the CLI shows it).
    """
    chain = make_geocoder(online=online)
    result = chain.resolve(name, country=country)
    if result is None:
        where = "the offline gazetteer or Nominatim" if online else "the offline gazetteer"
        within = f" in country {country}" if country else ""
        advice = "" if online else " (try --online)"
        print(f"no match for {name!r}{within} in {where}{advice}", file=sys.stderr)
        return 1
    country_name = result.country_name or (chain.country_name(result.country) if result.country else "")
    label = f"{result.name}, {country_name}" if country_name and country_name != result.name else result.name
    source = f"{result.source}, {result.reference}" if result.reference else result.source
    print(f"{label}: {result.lat:.4f}, {result.lon:.4f} (source: {source})")
    return 0


# --- countries -----------------------------------------------------------------


@dataclass(frozen=True)
class _Countries:
    names: tuple[str, ...]
    geometries: tuple[Any, ...]
    tree: Any


def countries_path() -> Path:
    """The country polygons :func:`country_of` uses: the bundled 1:50m basemap (else 1:110m)."""
    folder = data_dir()
    for name in COUNTRIES_FILES:
        if (folder / name).is_file():
            return folder / name
    return folder / COUNTRIES_FILES[-1]


@lru_cache(maxsize=2)
def _load_countries(path: str) -> _Countries:
    import shapely
    from shapely.geometry import shape

    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
        features = collection["features"]
        names = tuple(str(f["properties"]["name"]) for f in features)
        geometries = tuple(shape(f["geometry"]) for f in features)
    except OSError as exc:
        raise EventmapError(f"Cannot read the country polygons {path}: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EventmapError(f"{path} is not a GeoJSON FeatureCollection of named countries: {exc}") from exc
    return _Countries(names, geometries, shapely.STRtree(geometries))


def countries_of(lats: Any, lons: Any, *, snap_km: float = COUNTRY_SNAP_KM) -> list[str | None]:
    """:func:`country_of` for many points at once (one vectorised STRtree query).

    Points in no polygon are then snapped one by one, as :func:`country_of` does.
    """
    import numpy as np
    import shapely

    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    try:
        path = countries_path()
    except FileNotFoundError as exc:
        raise EventmapError(str(exc)) from exc
    countries = _load_countries(str(path))
    found = np.full(len(lats), -1, dtype=np.int64)
    for shift in (0.0, 360.0, -360.0):
        todo = np.flatnonzero(found < 0)
        if not len(todo):
            break
        points = shapely.points(lons[todo] + shift, lats[todo])
        hits = countries.tree.query(points, predicate="intersects")
        for point_index, country_index in zip(hits[0][::-1], hits[1][::-1]):  # lowest index wins
            found[todo[point_index]] = country_index
    names: list[str | None] = [countries.names[i] if i >= 0 else None for i in found]
    for i in np.flatnonzero(found < 0):
        names[i] = country_of(float(lats[i]), float(lons[i]), snap_km=snap_km)
    return names


def country_of(lat: float, lon: float, *, snap_km: float = COUNTRY_SNAP_KM) -> str | None:
    """The name of the country a point is in, from the bundled basemap polygons.

    The polygons are Natural Earth's (see :func:`countries_path`), loaded on
    first use and indexed with a shapely ``STRtree``.

    Parameters
    ----------
    lat, lon
        The point, in degrees.
    snap_km
        A point in no polygon but within this distance of one (a coastal
        town the generalised coastline leaves in the sea) counts as in the
        nearest country. 0 for strict containment.

    Returns
    -------
    str or None
        The basemap's country name (``"Pakistan"``, ``"United States of
        America"``), or None for the open sea.
    """
    from shapely import Point
    from shapely.ops import nearest_points

    try:
        path = countries_path()
    except FileNotFoundError as exc:
        raise EventmapError(str(exc)) from exc
    countries = _load_countries(str(path))
    # The basemap unwraps polygons across the antimeridian (Russia reaches lon 190).
    shifted = [Point(lon + shift, lat) for shift in (0.0, 360.0, -360.0)]
    for point in shifted:
        inside = countries.tree.query(point, predicate="intersects")
        if len(inside):
            return countries.names[int(min(inside))]
    if snap_km <= 0:
        return None
    best: tuple[float, str] | None = None
    for shift, point in zip((0.0, 360.0, -360.0), shifted):
        index = int(countries.tree.nearest(point))
        edge = nearest_points(countries.geometries[index], point)[0]
        km = distance_km((lat, lon), (edge.y, ((edge.x - shift + 180.0) % 360.0) - 180.0))
        if best is None or km < best[0]:
            best = (km, countries.names[index])
    return best[1] if best and best[0] <= snap_km else None
