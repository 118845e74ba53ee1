"""The gazetteer, the geocoder chain, distances and country polygons (no network: see conftest)."""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from pathlib import Path

import pytest
from geopy.exc import GeocoderServiceError, GeocoderUnavailable
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

import eventmap.geo.gazetteer as gz
from eventmap.geo.errors import EventmapError
from eventmap.geo.gazetteer import (
    COLUMNS,
    GazetteerGeocoder,
    GeocodeResult,
    Place,
    country_of,
    distance_km,
    load_gazetteer,
    make_geocoder,
    normalize_name,
    run_geocode,
)

REQUIRED = [
    "Tarbela", "Pabbi", "Gwadar", "Moscow", "Islamabad", "Rawalpindi", "Karachi", "Lahore",
    "Peshawar", "Quetta", "Kabul", "Tehran", "New Delhi", "Beijing", "Tashkent", "Almaty",
    "Dushanbe", "Bishkek", "Ashgabat", "Saint Petersburg", "Kazan", "Novosibirsk",
    "Vladivostok", "Brussels", "Washington", "Pakistan", "Russia",
]


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def haversine_km(a, b):
    (lat1, lon1), (lat2, lon2) = [(math.radians(p[0]), math.radians(p[1])) for p in (a, b)]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --- the bundled file ------------------------------------------------------------


def test_every_place_has_valid_coordinates_and_source(gazetteer):
    assert 40 <= len(gazetteer.places) <= 80
    for place in gazetteer.places:
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180, place
        assert re.fullmatch(r"[A-Z]{2}", place.country), place
        assert place.country_name and place.kind and place.source, place
        if place.source.startswith("GeoNames"):
            assert re.fullmatch(r"GeoNames \d+", place.source), place
        else:  # a coordinate not from GeoNames says so, and that its id was not checked
            assert "GeoNames id not checked" in place.note, place
        assert place.population is None or place.population > 0


def test_header_is_the_documented_one():
    first = (Path(gz.default_gazetteer_path()).read_text(encoding="utf-8").splitlines()[0])
    assert tuple(first.split(",")) == COLUMNS


@pytest.mark.parametrize("name", REQUIRED)
def test_required_places_are_present(gazetteer, name):
    assert any(p.name == name for p in gazetteer.places)


def test_design_sites_have_their_sources_and_kinds(gazetteer):
    tarbela = gazetteer.lookup("Tarbela")
    assert tarbela.kind == "dam" and tarbela.source.startswith("Wikipedia")
    assert abs(tarbela.lat - 34.09) < 0.05 and abs(tarbela.lon - 72.69) < 0.05
    assert gazetteer.lookup("Gwadar").kind == "port"
    assert gazetteer.lookup("Moscow").source == "GeoNames 524901"
    assert gazetteer.lookup("Islamabad").source == "GeoNames 1176615"
    pakistan, islamabad = gazetteer.lookup("Pakistan"), gazetteer.lookup("Islamabad")
    assert pakistan.kind == "country" and distance_km(pakistan.point, islamabad.point) > 100


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Tarbela Dam", "Tarbela"),
        ("tarbela ghazi", "Tarbela"),
        ("Pabi", "Pabbi"),
        ("National Counter Terrorism Centre", "Pabbi"),
        ("Gwadar Port", "Gwadar"),
        ("GAWADAR", "Gwadar"),
        ("Moskva", "Moscow"),
        ("Москва", "Moscow"),
        ("МОСКВА", "Moscow"),
        ("  new   DELHI ", "New Delhi"),
        ("Saint-Pétersbourg", "Saint Petersburg"),
        ("saint petersbourg", "Saint Petersburg"),
        ("St. Petersburg", "Saint Petersburg"),
        ("ISLĀMĀBĀD", "Islamabad"),
        ("Islamabad", "Islamabad"),
        ("Kasūr", "Kasur"),
        ("Washington, D.C.", "Washington"),
        ("Brussels (EU)", "Brussels"),
    ],
)
def test_lookup_by_alternate_name_accents_case_and_spacing(gazetteer, query, expected):
    assert gazetteer.lookup(query).name == expected


def test_normalize_name():
    assert normalize_name("  Saint-Pétersbourg ") == "saint petersbourg"
    assert normalize_name("Washington, D.C.") == "washington d c"


def test_unknown_name_is_none(gazetteer):
    assert gazetteer.lookup("Atlantis") is None
    assert gazetteer.candidates("") == []


# --- ambiguity -------------------------------------------------------------------


def test_moscow_is_russia_by_default(gazetteer):
    assert gazetteer.lookup("Moscow").country == "RU"
    assert [p.country for p in gazetteer.candidates("Moscow")] == ["RU", "US"]


@pytest.mark.parametrize(
    ("query", "country", "expected"),
    [
        ("Moscow", "US", "US"),
        ("Moscow", "United States", "US"),
        ("Moscow, Idaho", None, "US"),
        ("Moscow, ID", None, "US"),
        ("moscow , idaho", None, "US"),
        ("Moscow (Idaho)", None, "US"),
        ("Moscow, Russia", None, "RU"),
        ("Moscow (Russia)", None, "RU"),
        ("Moscow", "Russian Federation", "RU"),
        ("Hyderabad", None, "IN"),
        ("Hyderabad, Pakistan", None, "PK"),
        ("Hyderabad", "PK", "PK"),
    ],
)
def test_a_hint_picks_the_namesake(gazetteer, query, country, expected):
    assert gazetteer.lookup(query, country).country == expected


def test_a_place_hint_picks_the_nearest_namesake(gazetteer):
    assert gazetteer.lookup("Shahkot").kind == "city"  # Punjab: a city before a village
    village = gazetteer.lookup("Shahkot, Azad Jammu & Kashmir")
    assert village.kind == "village" and village.lat > 34


def test_a_hint_ranks_but_does_not_filter(gazetteer):
    assert gazetteer.lookup("Lahore", "RU").name == "Lahore"


# --- the UCDP sample's places -----------------------------------------------------

# where_coordinates / adm_1 values of ucdp_ged_pakistan_hdx_excerpt.csv and their points
UCDP_PLACES = {
    "Athmuqam town": (34.571730, 73.897240),
    "Chakothi village": (34.115457, 73.880163),
    "Kel village": (34.821865, 74.355544),
    "Keran Bypass": (34.670918, 73.930539),
    "LoC": (32.565000, 74.673000),
    "LoC by Baghsar village": (33.046089, 74.195658),
    "LoC by Kotkotera sector": (33.331570, 74.102610),
    "Mirpura village": (34.532581, 73.842696),
    "Neelam district": (34.919183, 74.430014),
    "Neelam valley": (34.589100, 73.910600),
    "Poonch district": (33.816906, 73.825201),
    "Shahkot village": (34.567086, 73.889049),
    "Azad Jammu & Kashmir": (33.947179, 73.910401),
    "Kasur town": (31.090278, 74.408333),
    "Sialkot town": (32.497222, 74.536111),
}


@pytest.mark.parametrize("where", sorted(UCDP_PLACES))
def test_ucdp_sample_places_are_found(gazetteer, where):
    place = gazetteer.lookup(where, "PK")
    assert place is not None and place.country == "PK"
    if place.source.startswith("UCDP"):
        assert place.point == pytest.approx(UCDP_PLACES[where], abs=1e-4)
    else:  # a GeoNames town UCDP places a little differently
        assert distance_km(place.point, UCDP_PLACES[where]) < 10


@pytest.mark.parametrize("province", ["Punjab province", "Sindh province", "Khyber Pakhtunkhwa", "Balochistan"])
def test_provinces_are_inside_pakistan(gazetteer, province):
    place = gazetteer.lookup(province)
    assert place.kind == "province" and country_of(place.lat, place.lon, snap_km=0) == "Pakistan"


# --- bad files -------------------------------------------------------------------

GOOD_ROW = "Pabbi,34.0097,71.7945,PK,Pakistan,town,Pabi,52701,GeoNames 1168680,"


def write(tmp_path, text, name="gaz.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_name_the_file_and_line(tmp_path):
    path = write(tmp_path, "\n".join([
        ",".join(COLUMNS),
        GOOD_ROW,
        "Nowhere,95,10,PK,Pakistan,town,,,somewhere,",
        "Nowhere,10,10,Pakistan,Pakistan,town,,,somewhere,",
        "Nowhere,10,10,PK,Pakistan,town,,lots,somewhere,",
        "Nowhere,10,10,PK,Pakistan,town,,,,",
        "Nowhere,10,10,PK,Pakistan,town,a,b,1,src,note",
        "",
    ]))
    with pytest.raises(EventmapError) as caught:
        load_gazetteer(path)
    error = caught.value
    assert str(path) in error.message
    assert [p.split(": ")[0] for p in error.problems] == [f"{path}, line {n}" for n in (3, 4, 5, 6, 7)]
    assert "lat '95'" in error.problems[0]
    assert "ISO 3166-1" in error.problems[1]
    assert "population 'lots'" in error.problems[2]
    assert "source is empty" in error.problems[3]
    assert "11 fields" in error.problems[4]


def test_missing_column_and_bad_encoding(tmp_path):
    path = write(tmp_path, "name,lat,lon\nPabbi,34,71\n")
    with pytest.raises(EventmapError, match=r"line 1: the header lacks country"):
        load_gazetteer(path)
    latin = tmp_path / "latin.csv"
    latin.write_bytes((",".join(COLUMNS) + "\nKas\xfbr,31,74,PK,Pakistan,city,,,x,\n").encode("latin-1"))
    with pytest.raises(EventmapError, match="not UTF-8"):
        load_gazetteer(latin)
    with pytest.raises(EventmapError, match="Cannot read the gazetteer"):
        load_gazetteer(tmp_path / "missing.csv")


def test_loading_is_cached_until_the_file_changes(tmp_path):
    path = write(tmp_path, ",".join(COLUMNS) + "\n" + GOOD_ROW + "\n")
    first = load_gazetteer(path)
    assert load_gazetteer(path) is first
    assert load_gazetteer() is load_gazetteer()
    path.write_text(",".join(COLUMNS) + "\n" + GOOD_ROW + "\n" + GOOD_ROW.replace("Pabbi", "Pabbi2") + "\n",
                    encoding="utf-8")
    assert len(load_gazetteer(path)) == 2


# --- the geopy geocoder ------------------------------------------------------------


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


# --- distances and countries ---------------------------------------------------------


def test_distance_tarbela_pabbi_is_plausible(gazetteer):
    tarbela, pabbi = gazetteer.lookup("Tarbela").point, gazetteer.lookup("Pabbi").point
    km = distance_km(tarbela, pabbi)
    assert 75 < km < 90
    assert km == pytest.approx(haversine_km(tarbela, pabbi), rel=0.01)
    assert distance_km(pabbi, tarbela) == pytest.approx(km)


@pytest.mark.parametrize(
    ("name", "country"),
    [("Gwadar", "Pakistan"), ("Tarbela", "Pakistan"), ("Islamabad", "Pakistan"), ("Moscow", "Russia"),
     ("Vladivostok", "Russia"), ("Moscow, Idaho", "United States of America"), ("Brussels", "Belgium"),
     ("Kasur", "Pakistan"), ("Chakothi", "Pakistan"), ("Azad Jammu and Kashmir", "Pakistan"),
     ("New Delhi", "India"), ("Kabul", "Afghanistan")],
)
def test_country_of_places(gazetteer, name, country):
    place = gazetteer.lookup(name)
    assert country_of(place.lat, place.lon) == country


def test_country_of_sea_coast_and_antimeridian():
    assert country_of(20.0, 65.0) is None  # Arabian Sea
    assert country_of(0.0, -30.0) is None  # Atlantic
    assert country_of(25.1216, 62.3254, snap_km=0) is None  # Gwadar is off the generalised coast...
    assert country_of(25.1216, 62.3254) == "Pakistan"  # ...by a km or two, which the snap allows
    assert country_of(66.0, -172.0) == "Russia"  # Chukotka: the basemap stores it at lon 188
    assert country_of(52.9, 172.9) == "United States of America"  # Attu, stored west of -180


def test_country_of_uses_the_bundled_basemap():
    assert gz.countries_path().parent.name == "basemap" and gz.countries_path().is_file()


# --- the CLI body --------------------------------------------------------------------


def test_run_geocode_prints_the_match(capsys):
    assert run_geocode("Moscow") == 0
    assert capsys.readouterr().out == "Moscow, Russia: 55.7522, 37.6156 (source: gazetteer, GeoNames 524901)\n"
    assert run_geocode("Moscow", country="US") == 0
    assert capsys.readouterr().out.startswith("Moscow, United States: 46.7324, -117.0002 (source: gazetteer")
    assert run_geocode("Tarbela Dam") == 0
    assert capsys.readouterr().out == (
        "Tarbela, Pakistan: 34.0897, 72.6983 (source: gazetteer, Wikipedia (Tarbela Dam) coordinates)\n"
    )


def test_run_geocode_unknown_name(capsys, no_nominatim):
    assert run_geocode("Atlantis") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "no match for 'Atlantis' in the offline gazetteer (try --online)\n"


def test_run_geocode_online_uses_the_chain(capsys, monkeypatch):
    monkeypatch.setattr(gz, "_make_nominatim", lambda: FakeNominatim({"Ulaanbaatar": ULAANBAATAR}))
    assert run_geocode("Ulaanbaatar", online=True) == 0
    assert capsys.readouterr().out == (
        "Ulaanbaatar, Mongolia: 47.9077, 106.8832 (source: nominatim, OpenStreetMap relation 2722640)\n"
    )


def test_place_label():
    place = Place("Moscow", 1.0, 2.0, "US", "United States", "city", (), None, "x")
    assert place.label() == "Moscow, United States" and place.point == (1.0, 2.0)
