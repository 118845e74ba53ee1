"""The world gazetteer (GeoNames) under the curated one: offline finds, close spellings, layering, the file."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import pytest

from eventmap.geo.errors import EventmapError
from eventmap.geo.places.distance import distance_km
from eventmap.geo.places.geocoding import make_geocoder
from eventmap.geo.places.names import normalize_name
from eventmap.geo.places.world import load_places, read_world_gazetteer, world_gazetteer_path


@pytest.fixture(scope="module")
def places():
    return load_places()


@pytest.mark.parametrize(
    ("name", "country", "near"),
    [("Cherat", "PK", (33.823, 71.893)), ("Nowshera", "PK", (34.016, 71.981)),
     ("Nizhny Arkhyz", "RU", (43.678, 41.460)), ("Mineralnye Vody", "RU", (44.210, 43.135)),
     ("Krasnodar", "RU", (45.04, 38.98)), ("Paris", "FR", (48.85, 2.35))],
)
def test_places_outside_the_curated_file_are_found_offline(places, name, country, near):
    place = places.lookup(name)
    assert place is not None and place.country == country
    assert distance_km(place.point, near) < 10
    assert place.source.startswith("GeoNames ")


def test_close_spellings_through_rapidfuzz(places):
    found = places.find("Minralney Vody")
    assert found[0].place.name == "Mineralnye Vody" and found[0].how.startswith("close spelling")
    assert places.lookup("Minralney Vody").name == "Mineralnye Vody"
    assert places.find("Minralney Vody", fuzzy=False) == []
    assert places.find("Qwxzv Plmk") == []


def test_curated_places_come_first_and_are_not_repeated(places):
    moscows = places.candidates("Moscow")
    assert [p.country for p in moscows[:2]] == ["RU", "US"] and moscows[0].source == "GeoNames 524901"
    assert sum(1 for p in moscows if p.source == "GeoNames 524901") == 1  # the world's own copy is left out
    assert places.lookup("Tarbela").kind == "dam"  # the curated dam, not a namesake
    assert places.lookup("Moscow, Idaho").country == "US"
    assert places.find("Pabbi")[0].how == "name"
    assert places.find("National Counter Terrorism Centre")[0].how == "alternate name"


def test_countries_and_capitals(places):
    germany = places.lookup("Germany")
    assert germany.kind == "country" and germany.country == "DE"
    assert places.world.capital("DE").name == "Berlin"
    assert places.country_codes("Turkey") == {"TR"}


def test_the_geocode_chain_and_csv_rows_use_it():
    result = make_geocoder().resolve("Nizhny Arkhyz")
    assert result is not None and result.country == "RU" and result.source == "gazetteer"


def test_the_world_file_is_indexed_with_the_app_s_normalisation():
    spec = importlib.util.spec_from_file_location("build_gazetteer", Path(__file__).parents[2] / "tools" / "build_gazetteer.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    for text in ("  Saint-Pétersbourg ", "Mineral’nyye Vody", "ISLĀMĀBĀD", "Nizhniy Arkhyz"):
        assert tool.normalize_name(text) == normalize_name(text)
    assert tool.variants("Nizhniy Arkhyz") == ["Nizhny Arkhyz"]


def test_a_damaged_world_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "w.tsv.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(EventmapError, match="Cannot read the world gazetteer"):
        read_world_gazetteer(bad)
    with gzip.open(bad, "wt", encoding="utf-8") as handle:
        handle.write("hello\n")
    with pytest.raises(EventmapError, match="not a world gazetteer file"):
        read_world_gazetteer(bad)


def test_the_world_file_is_bundled_and_credited():
    assert world_gazetteer_path().is_file()
    credit = (world_gazetteer_path().parent / "SOURCES-gazetteer.md").read_text(encoding="utf-8")
    assert "world-gazetteer.tsv.gz" in credit and "CC BY 4.0" in credit
