"""The command line without a window: validate, export to HTML/GeoJSON, exit codes."""

import json

import pytest

from eventmap.desktop.cli import main
from eventmap.geo.paths import default_dataset


def test_validate_the_bundled_dataset(capsys):
    assert main(["validate", str(default_dataset())]) == 0
    out = capsys.readouterr().out
    assert "events: 13" in out
    assert "dates: 2014 – Oct 2024" in out
    assert "Tarbela" in out and "Moscow" in out
    assert "no problems found" in out


def test_validate_reports_each_problem_with_its_feature(tmp_path, capsys):
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [70, 30]}, "properties": {"title": "fine", "start": "2020"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [70, 95]}, "properties": {"title": "north of the pole"}},
    ]}))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "events: 1" in out
    assert "feature 1" in out and "latitude" in out


def test_unreadable_file_is_one_clear_line_and_exit_1(tmp_path, capsys):
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [')
    assert main(["validate", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "broken.geojson" in err and "line 1" in err
    assert "Traceback" not in err


def test_missing_file(capsys):
    assert main(["validate", "/nonexistent/x.geojson"]) == 1
    assert "no such file" in capsys.readouterr().err


def test_export_geojson_of_a_year(tmp_path, capsys):
    out = tmp_path / "y.geojson"
    assert main(["export", "--year", "2020", "-o", str(out)]) == 0
    features = json.loads(out.read_text())["features"]
    assert {f["properties"]["start"][:4] for f in features} == {"2020"}
    assert len(features) == 4
    assert "2020: 4 of 13 events" in capsys.readouterr().out


def test_export_standalone_html(tmp_path):
    out = tmp_path / "all.html"
    assert main(["export", "-o", str(out)]) == 0
    html = out.read_text()
    assert "Druzhba VII" in html and "eventmap.start" in html
    assert "<script src" not in html and "<link" not in html


def test_export_window_and_category(tmp_path):
    out = tmp_path / "w.geojson"
    assert main(["export", "--from", "2024-09-01", "--to", "2024-10-31", "--category", "exercise", "-o", str(out)]) == 0
    ids = [f["id"] for f in json.loads(out.read_text())["features"]]
    assert ids == ["druzhba-7-exercise-2024-10-13"]


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "-o", "x.png", "--year", "2020", "--from", "2020"],
        ["export", "-o", "x.png", "--from", "2024-13"],
        ["export", "-o", "x.png", "--category", "nonsense"],
        ["export"],
        ["validate"],
    ],
)
def test_bad_usage_exits_2(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code == 2


def test_unknown_export_format_is_bad_usage(tmp_path, capsys):
    assert main(["export", "-o", str(tmp_path / "x.docx")]) == 2
    assert "cannot export" in capsys.readouterr().err


def test_export_into_a_missing_folder_says_so(tmp_path, capsys):
    assert main(["export", "-o", str(tmp_path / "nowhere" / "x.png")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_validate_names_countries_and_notes_swapped_coordinates(tmp_path, capsys):
    # Islamabad with latitude and longitude swapped lands in the Barents Sea.
    path = tmp_path / "swapped.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [73.0433, 33.7215]}, "properties": {"title": "right", "start": "2020"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [33.7215, 73.0433]}, "properties": {"title": "swapped", "start": "2020"}},
    ]}))
    assert main(["validate", str(path)]) == 0  # a note, not a problem: events at sea can be right
    out = capsys.readouterr().out
    assert "countries (1): Pakistan" in out
    assert "1 event(s) in no country" in out and "feature 1" in out
    assert "far from the other events; with latitude and longitude swapped it would be in Pakistan" in out


# --- geocode -------------------------------------------------------------------


class FakeNominatim:
    """Stands in for geopy's Nominatim: answers from a dict."""

    def __init__(self, answers):
        self.answers = answers

    def geocode(self, query, **kwargs):
        return self.answers.get(query)


def test_geocode_finds_world_places_offline(capsys):
    assert main(["geocode", "Nizhny Arkhyz"]) == 0
    assert capsys.readouterr().out.startswith("Nizhniy Arkhyz, Russia: 43.6782, 41.4598 (source: gazetteer, GeoNames 520806)")
    assert main(["geocode", "Minralney Vody"]) == 0
    assert capsys.readouterr().out.startswith("Mineralnye Vody, Russia: ")


def test_geocode_prints_the_match(capsys):
    assert main(["geocode", "Moscow"]) == 0
    assert capsys.readouterr().out == "Moscow, Russia: 55.7522, 37.6156 (source: gazetteer, GeoNames 524901)\n"
    assert main(["geocode", "Moscow", "--country", "US"]) == 0
    assert capsys.readouterr().out.startswith("Moscow, United States: 46.7324, -117.0002 (source: gazetteer")
    assert main(["geocode", "Tarbela Dam"]) == 0
    assert capsys.readouterr().out == (
        "Tarbela, Pakistan: 34.0897, 72.6983 (source: gazetteer, Wikipedia (Tarbela Dam) coordinates)\n"
    )


@pytest.fixture
def curated_only(monkeypatch, tmp_path):
    """Geocode over the curated file alone (the world file knows Atlantis and Ulaanbaatar)."""
    import eventmap.geo.places.world as world

    monkeypatch.setattr(world, "world_gazetteer_path", lambda: tmp_path / "no-world.tsv.gz")


def test_geocode_unknown_name(capsys, curated_only):
    assert main(["geocode", "Atlantis"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "no match for 'Atlantis' in the offline gazetteer (try --online)\n"


def test_geocode_online_uses_the_chain(capsys, monkeypatch, curated_only):
    from geopy.location import Location

    import eventmap.geo.places.geocoding as geocoding

    ulaanbaatar = Location("Ulaanbaatar, Mongolia", (47.9077, 106.8832), {
        "name": "Ulaanbaatar", "address": {"country_code": "mn", "country": "Mongolia"},
        "osm_type": "relation", "osm_id": 2722640})
    monkeypatch.setattr(geocoding, "_make_nominatim", lambda: FakeNominatim({"Ulaanbaatar": ulaanbaatar}))
    assert main(["geocode", "Ulaanbaatar", "--online"]) == 0
    assert capsys.readouterr().out == (
        "Ulaanbaatar, Mongolia: 47.9077, 106.8832 (source: nominatim, OpenStreetMap relation 2722640)\n"
    )


def test_geocode_online_without_a_network_says_one_line(capsys, monkeypatch):
    """The real Nominatim and geopy's HTTP stack, with every connection failing as it does offline."""
    import logging
    import socket

    import eventmap.geo.places.geocoding as geocoding

    def unreachable(*args, **kwargs):
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "getaddrinfo", unreachable)
    monkeypatch.setattr(socket, "create_connection", unreachable)
    monkeypatch.setattr(socket.socket, "connect", unreachable)
    monkeypatch.setattr(geocoding, "RETRY_WAIT_SECONDS", 0.0)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # let main() install its own stderr handler, as in a shell
    assert main(["geocode", "Nowhereville-on-Sea", "--online"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("eventmap: Online geocoding failed for 'Nowhereville-on-Sea': ")
    assert "Traceback" not in captured.err


def test_geocode_unknown_country_is_one_line(capsys):
    assert main(["geocode", "Moscow", "--country", "Narnia"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Unknown country 'Narnia'" in err


def test_extract_writes_candidates_and_says_what_it_used(tmp_path, capsys):
    from pathlib import Path

    article = Path(__file__).parents[1] / "data" / "articles" / "arabnews-2024-10-15-druzhba-vii.txt"
    out = tmp_path / "c.geojson"
    assert main(["extract", str(article), "--published", "2024-10-15", "--min-confidence", "0.7", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"wrote {out}: ") and "confidence >= 0.7" in captured.out
    assert "published 2024-10-15 (given with --published)" in captured.err
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert features and all(f["properties"]["confidence"] >= 0.7 for f in features)
    assert main(["extract", str(article), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "give it with --published" in err
