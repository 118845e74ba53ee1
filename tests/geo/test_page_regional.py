"""Reference layers cut to a region keep what reaches it and drop the rest of the world."""

from eventmap.geo.page.assets import reference_data
from eventmap.geo.page.regional import regional_reference

PAKISTAN = ((24.0, 61.0), (37.0, 77.0))


def test_region_keeps_its_places_and_the_world_names_and_drops_far_places():
    world = reference_data()
    cut = regional_reference(world, PAKISTAN, margin=2.0)
    names = {label[0] for label in cut["labels"]}
    assert "Islamabad" in names and "Karachi" in names
    assert "Chicago" not in names and "Adana" not in names  # towns far away
    assert {label[0] for label in world["labels"] if label[4] == "c"} <= names  # every capital (Lima too)
    for key in ("coast", "borders", "rivers", "admin1", "labels"):
        assert 0 < len(cut[key]) < len(world[key]), key  # the Indus, the Line of Control, Punjab...
    assert len(cut["lakes"]) < len(world["lakes"])
    assert cut["q"] == world["q"]


def test_a_region_far_from_land_keeps_only_world_names():
    cut = regional_reference(reference_data(), ((-50.0, -140.0), (-45.0, -130.0)), margin=0.0)
    assert cut["admin1"] == [] and cut["rivers"] == []
    assert all(label[4] in "csl" for label in cut["labels"])
