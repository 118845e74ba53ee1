"""Go to place: names from the gazetteer and the reference names; coordinates for the status bar."""

from eventmap.geo.places.goto import find_place, format_point


def test_gazetteer_places_come_first_with_their_hints():
    tarbela = find_place("Tarbela Dam")
    assert tarbela is not None and abs(tarbela.lat - 34.09) < 0.05 and abs(tarbela.lon - 72.70) < 0.05
    idaho = find_place("Moscow, Idaho")
    assert idaho is not None and idaho.lon < -100


def test_reference_names_reach_places_the_gazetteer_lacks():
    # Neither is in the bundled gazetteer; GeoNames and Natural Earth have both.
    faisalabad = find_place("faisalabad")
    assert faisalabad is not None and faisalabad.label == "Faisalabad" and 31.0 < faisalabad.lat < 31.9
    maryland = find_place("Maryland")
    assert maryland is not None and 38 < maryland.lat < 40 and maryland.zoom < faisalabad.zoom
    assert find_place("Baltic Sea").zoom <= 6


def test_unknown_and_empty_names_find_nothing():
    assert find_place("Qwxzrt Nowhere") is None
    assert find_place("   ") is None


def test_points_are_written_with_hemispheres():
    assert format_point(33.72101, 73.04299) == "33.7210° N, 73.0430° E"
    assert format_point(-12.5, -77.25) == "12.5000° S, 77.2500° W"
