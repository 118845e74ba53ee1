"""Distances and the country a point is in."""

from __future__ import annotations

import math

import pytest

import eventmap.geo.places.countries as countries
from eventmap.geo.places.countries import country_of
from eventmap.geo.places.distance import distance_km
from eventmap.geo.places.gazetteer import load_gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def haversine_km(a, b):
    (lat1, lon1), (lat2, lon2) = [(math.radians(p[0]), math.radians(p[1])) for p in (a, b)]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


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
    assert countries.countries_path().parent.name == "basemap" and countries.countries_path().is_file()


