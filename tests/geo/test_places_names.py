"""Country and US-state names to codes (ISO 3166 through pycountry, GeoNames' short names)."""

from __future__ import annotations

import pytest

from eventmap.geo.places.gazetteer import load_gazetteer
from eventmap.geo.places.geocoding import make_geocoder
from eventmap.geo.places.names import country_code, country_display_name, us_state_code


@pytest.mark.parametrize(
    ("text", "code"),
    [("Germany", "DE"), ("DEU", "DE"), ("de", "DE"), ("Federal Republic of Germany", "DE"),
     ("Turkey", "TR"), ("Türkiye", "TR"), ("TUR", "TR"), ("Russia", "RU"), ("Russian Federation", "RU"),
     ("Iran", "IR"), ("Islamic Republic of Iran", "IR"), ("UK", "GB"), ("U.S.A.", "US"),
     ("United States of America", "US"), ("South Korea", "KR"), ("Côte d'Ivoire", "CI"), ("Ivory Coast", "CI")],
)
def test_country_names_and_codes(text, code):
    assert country_code(text) == code


def test_unknown_country_and_us_states():
    assert country_code("Narnia") is None
    assert us_state_code("Idaho") == "ID" and us_state_code("district of columbia") == "DC"
    assert us_state_code("Bavaria") is None
    assert country_display_name("RU") == "Russia" and country_display_name("DE") == "Germany"


def test_resolve_takes_any_country_form():
    chain = make_geocoder()
    assert chain.resolve("Moscow", country="DEU") is None  # a country filter, not an error
    assert chain.resolve("Moscow", country="USA").country == "US"
    assert chain.resolve("Moscow", country="Russia").country == "RU"
    assert chain.resolve("Karachi", country="Germany") is None


def test_hints_understand_any_country_form():
    gazetteer = load_gazetteer()
    assert gazetteer.lookup("Moscow, United States of America").country == "US"
    assert gazetteer.lookup("Hyderabad", "PAK").country == "PK"
    assert gazetteer.country_codes("ID") == {"ID", "US"}  # Indonesia or Idaho
    assert gazetteer.country_codes("Georgia") == {"GE", "US"}
