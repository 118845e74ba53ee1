"""Geocoding: the geopy geocoder over the gazetteer, and the online chain (no network: see conftest)."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest
from geopy.exc import GeocoderServiceError, GeocoderUnavailable
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

import eventmap.geo.places.geocoding as gz
from eventmap.geo.errors import EventmapError
from eventmap.geo.places.gazetteer import load_gazetteer
from eventmap.geo.places.geocoding import GazetteerGeocoder, GeocodeResult, make_geocoder


# --- the geopy geocoder ------------------------------------------------------------


@pytest.fixture(autouse=True)
def curated_only(monkeypatch, tmp_path):
    """The chain's behaviour over the curated file alone (the world file knows Ulaanbaatar and Atlantis)."""
    import eventmap.geo.places.world as world

    monkeypatch.setattr(world, "world_gazetteer_path", lambda: tmp_path / "no-world.tsv.gz")


def test_gazetteer_geocoder_returns_geopy_locations():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no user-agent (or any other) warning
        geocoder = GazetteerGeocoder()
        location = geocoder.geocode("Moscow")
    assert isinstance(geocoder, Geocoder)
    assert isinstance(location, Location)
    assert location.address == "Moscow, Russia"
    assert (location.latitude, location.longitude) == (55.7522, 37.6156)
    assert location.raw["source"] == "gazetteer"
    assert location.raw["coordinate_source"] == "GeoNames 524901"
    assert location.raw["kind"] == "capital" and "Moskva" in location.raw["alternate_names"]
    assert geocoder.headers["User-Agent"].startswith("eventmap/")


def test_gazetteer_geocoder_lists_filters_and_misses():
    geocoder = GazetteerGeocoder()
    both = geocoder.geocode("Moscow", exactly_one=False)
    assert [loc.address for loc in both] == ["Moscow, Russia", "Moscow, United States"]
    assert [loc.address for loc in GazetteerGeocoder(load_gazetteer()).geocode("Moscow", exactly_one=False)] == [
        "Moscow, Russia", "Moscow, United States"]
    assert geocoder.geocode("Moscow", country_codes=["us"]).address == "Moscow, United States"
    assert geocoder.geocode("Moscow", country_codes="FR") is None
    assert geocoder.geocode("Atlantis") is None


def test_gazetteer_geocoder_cannot_fetch():
    geocoder = GazetteerGeocoder()
    with pytest.raises(GeocoderServiceError):
        geocoder.adapter.get_json("https://nominatim.openstreetmap.org/search", timeout=1, headers={})


# --- the chain ---------------------------------------------------------------------


class FakeNominatim:
    """Stands in for geopy's Nominatim: answers from a dict, counts calls."""

    def __init__(self, answers=None, error=None):
        self.answers = answers or {}
        self.error = error
        self.calls = []

    def geocode(self, query, **kwargs):
        self.calls.append((query, kwargs))
        if self.error is not None:
            raise self.error
        return self.answers.get(query)


ULAANBAATAR = Location(
    "Ulaanbaatar, Mongolia",
    (47.9077, 106.8832),
    {"name": "Ulaanbaatar", "address": {"country_code": "mn", "country": "Mongolia"},
     "osm_type": "relation", "osm_id": 2722640},
)


@pytest.fixture
def no_nominatim(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Nominatim constructed")

    monkeypatch.setattr(gz, "Nominatim", refuse)
    monkeypatch.setattr(gz, "_make_nominatim", refuse)


def test_offline_chain_never_constructs_nominatim(no_nominatim):
    chain = make_geocoder()
    assert chain.online is False
    found = chain.resolve("Moscow, Idaho")
    assert found == GeocodeResult("Moscow, Idaho", "Moscow", 46.7324, -117.0002, "US", "gazetteer",
                                  "GeoNames 5601538", "United States")
    assert chain.resolve("Atlantis") is None
    assert chain.resolve("Moscow", country="FR") is None
    assert not chain.cache_path.exists()


def test_online_chain_is_lazy_and_prefers_the_gazetteer(no_nominatim):
    chain = make_geocoder(online=True)  # constructing it makes no Nominatim
    assert chain.resolve("Karachi").source == "gazetteer"  # nor does a gazetteer hit


def test_online_chain_asks_nominatim_once_and_caches_on_disk(monkeypatch):
    fake = FakeNominatim({"Ulaanbaatar": ULAANBAATAR})
    monkeypatch.setattr(gz, "_make_nominatim", lambda: fake)
    first = make_geocoder(online=True).resolve("Ulaanbaatar")
    assert first == GeocodeResult("Ulaanbaatar", "Ulaanbaatar", 47.9077, 106.8832, "MN", "nominatim",
                                  "OpenStreetMap relation 2722640", "Mongolia")
    query, kwargs = fake.calls[0]
    assert kwargs["addressdetails"] is True and kwargs["exactly_one"] is True

    cache = Path(os.environ["EVENTMAP_CACHE_DIR"]) / "geocode-cache.json"
    stored = json.loads(cache.read_text(encoding="utf-8"))
    assert stored["entries"]["ulaanbaatar|"]["country"] == "MN"
    assert not [p for p in cache.parent.iterdir() if p.suffix == ".tmp"]  # written atomically

    again = make_geocoder(online=True).resolve("  ulaanbaatar ")  # a new chain reads the file
    assert again.source == "nominatim (cached)"
    assert (again.name, again.lat, again.lon, again.country_name) == (first.name, first.lat, first.lon, "Mongolia")
    assert len(fake.calls) == 1


def test_online_misses_are_cached_too(monkeypatch):
    fake = FakeNominatim({})
    monkeypatch.setattr(gz, "_make_nominatim", lambda: fake)
    chain = make_geocoder(online=True)
    assert chain.resolve("Qwxyz") is None
    assert chain.resolve("Qwxyz") is None
    assert len(fake.calls) == 1


def test_a_damaged_cache_is_rebuilt(monkeypatch):
    fake = FakeNominatim({"Ulaanbaatar": ULAANBAATAR})
    monkeypatch.setattr(gz, "_make_nominatim", lambda: fake)
    chain = make_geocoder(online=True)
    chain.cache_path.parent.mkdir(parents=True, exist_ok=True)
    chain.cache_path.write_text("{not json", encoding="utf-8")
    assert chain.resolve("Ulaanbaatar").source == "nominatim"
    assert json.loads(chain.cache_path.read_text(encoding="utf-8"))["version"] == gz.CACHE_VERSION


def test_online_country_filter_is_passed_on(monkeypatch):
    fake = FakeNominatim({})
    monkeypatch.setattr(gz, "_make_nominatim", lambda: fake)
    assert make_geocoder(online=True).resolve("Springfield", country="Russian Federation") is None
    assert make_geocoder(online=True).resolve("Springfield", country="mn") is None  # any ISO code
    with pytest.raises(EventmapError, match="Unknown country 'Narnia'"):
        make_geocoder(online=True).resolve("Springfield", country="Narnia")
    assert [kwargs["country_codes"] for _, kwargs in fake.calls] == [["RU"], ["MN"]]


@pytest.mark.parametrize("error", [GeocoderUnavailable("Service not available"), OSError("Network is unreachable")])
def test_network_errors_become_eventmap_errors(monkeypatch, error):
    monkeypatch.setattr(gz, "RETRIES", 0)
    monkeypatch.setattr(gz, "_make_nominatim", lambda: FakeNominatim(error=error))
    with pytest.raises(EventmapError, match=r"^Online geocoding failed for 'Ulaanbaatar': "):
        make_geocoder(online=True).resolve("Ulaanbaatar")


def test_the_real_nominatim_is_polite(monkeypatch):
    nominatim = gz._make_nominatim()  # constructing it sends nothing (conftest forbids sockets)
    assert nominatim.headers["User-Agent"] == "eventmap/0.1.0 (desktop event map)"
    assert nominatim.timeout == 10
    monkeypatch.setattr(gz, "_make_nominatim", lambda: nominatim)
    limited = make_geocoder(online=True)._nominatim()
    assert isinstance(limited, RateLimiter) and limited.min_delay_seconds == 1


