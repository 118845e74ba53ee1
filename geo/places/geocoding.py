"""Geocoding: a geopy geocoder over the gazetteer, and the chain that may go online.

Geocoding is offline by default: names are looked up in the gazetteer through
:class:`GazetteerGeocoder`, a geopy geocoder that can make no request at all.
Only a :class:`GeocoderChain` made with ``online=True`` asks OpenStreetMap's
Nominatim, one request a second at most, and it keeps every answer in a JSON
cache so a name is asked for once.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable, GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from eventmap.geo import __version__
from eventmap.geo.config import cache_dir
from eventmap.geo.errors import EventmapError
from eventmap.geo.places.gazetteer import Gazetteer, Place
from eventmap.geo.places.names import normalize_name

CACHE_FILE = "geocode-cache.json"
CACHE_VERSION = 1

USER_AGENT = f"eventmap/{__version__} (desktop event map)"
NOMINATIM_TIMEOUT = 10  # seconds
RATE_LIMIT_SECONDS = 1.0  # Nominatim's usage policy: at most one request a second
RETRIES = 1  # a timed-out or unavailable Nominatim is asked once more
RETRY_WAIT_SECONDS = 2.0



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
        The places to search; when None, the bundled curated gazetteer over the
        world one (:func:`eventmap.geo.places.world.load_places`), loaded on first use.
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
            from eventmap.geo.places.world import load_places  # noqa: PLC0415 - world file read on first look-up

            self._gazetteer = load_places()
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
        for attempt in range(RETRIES + 1):
            try:
                location = geocode(query, exactly_one=True, addressdetails=True, language="en",
                                   country_codes=codes)
                break
            except (GeocoderTimedOut, GeocoderUnavailable) as exc:
                if attempt < RETRIES:
                    time.sleep(RETRY_WAIT_SECONDS)  # once more, quietly: the user sees one line at most
                    continue
                raise EventmapError(f"Online geocoding failed for {query!r}: {_reason(exc)}") from None
            except (GeopyError, OSError) as exc:
                raise EventmapError(f"Online geocoding failed for {query!r}: {_reason(exc)}") from None
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
            # No retries in geopy's limiter: it logs each retried error with its
            # traceback; the chain retries by itself, without a word.
            self._online_geocode = RateLimiter(
                _make_nominatim().geocode,
                min_delay_seconds=RATE_LIMIT_SECONDS,
                max_retries=0,
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


def _reason(exc: BaseException) -> str:
    """The last line of what went wrong (urllib3 nests whole reprs in its messages)."""
    text = str(exc).strip() or type(exc).__name__
    if "Failed to resolve" in text or "Name or service not known" in text or "nodename nor servname" in text:
        return "the network or its name service is unreachable (are you offline?)"
    if "Network is unreachable" in text or "Connection refused" in text or "Max retries exceeded" in text:
        return "Nominatim cannot be reached (are you offline?)"
    return text.splitlines()[-1][:200]


def make_geocoder(online: bool = False) -> GeocoderChain:
    """The geocoder the app uses: the bundled gazetteer, plus Nominatim if ``online``."""
    return GeocoderChain(online=online)
