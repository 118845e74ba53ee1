"""The gazetteer: the bundled file, look-ups by any name, ranking of namesakes, bad files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eventmap.geo.errors import EventmapError
from eventmap.geo.places.countries import country_of
from eventmap.geo.places.distance import distance_km
from eventmap.geo.places.gazetteer import COLUMNS, Place, default_gazetteer_path, load_gazetteer
from eventmap.geo.places.names import normalize_name

REQUIRED = [
    "Tarbela", "Pabbi", "Gwadar", "Moscow", "Islamabad", "Rawalpindi", "Karachi", "Lahore",
    "Peshawar", "Quetta", "Kabul", "Tehran", "New Delhi", "Beijing", "Tashkent", "Almaty",
    "Dushanbe", "Bishkek", "Ashgabat", "Saint Petersburg", "Kazan", "Novosibirsk",
    "Vladivostok", "Brussels", "Washington", "Pakistan", "Russia",
]


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


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
    first = (Path(default_gazetteer_path()).read_text(encoding="utf-8").splitlines()[0])
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


def test_place_label():
    place = Place("Moscow", 1.0, 2.0, "US", "United States", "city", (), None, "x")
    assert place.label() == "Moscow, United States" and place.point == (1.0, 2.0)
