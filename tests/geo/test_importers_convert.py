"""``eventmap import FILE -o OUT`` (geo.convert.run_import): output, messages, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventmap.geo.convert import run_import
from eventmap.geo.importers import load_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("name", "count"),
    [("usgs_significant_month_2014-03.geojson", 12), ("giscore_TimeTest.kml", 6), ("ucdp_ged_pakistan_hdx_excerpt.csv", 31)],
)
def test_each_sample_imports_to_canonical_geojson(tmp_path, capsys, name, count):
    out = tmp_path / "out.geojson"
    assert run_import(str(DATA / name), str(out)) == 0
    captured = capsys.readouterr()
    assert captured.out == f"imported {count} events from {DATA / name} to {out} (0 warnings)\n"
    assert captured.err == ""
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == count
    assert load_dataset(out).events == load_dataset(DATA / name).events


def test_warnings_go_to_stderr_one_per_line(tmp_path, capsys):
    out = tmp_path / "out.geojson"
    assert run_import(str(DATA / "kml_every_time.kml"), str(out)) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 5 and all(line.startswith("kml_every_time.kml: ") for line in lines)
    assert captured.out.endswith("(5 warnings)\n")


def test_bad_input_exits_1_with_one_line_per_problem_and_no_output(tmp_path, capsys):
    out = tmp_path / "out.geojson"
    bad = tmp_path / "bad.csv"
    bad.write_text("lat,lon,date\n100,0,2020\n0,0,never\n")
    assert run_import(str(bad), str(out)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "eventmap: bad.csv: no usable events",
        "  row 2: lat '100' is outside -90..90 (skipped)",
        "  row 3: date 'never' is not a date (expected ISO 8601 like 2020-11-08, '13 October 2024' or epoch seconds) (skipped)",
    ]
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_existing_output_is_kept_as_bak(tmp_path, capsys):
    out = tmp_path / "out.geojson"
    out.write_text("previous", encoding="utf-8")
    assert run_import(str(DATA / "giscore_TimeTest.kml"), str(out)) == 0
    assert (tmp_path / "out.geojson.bak").read_text(encoding="utf-8") == "previous"


def test_refuses_to_overwrite_its_input(tmp_path, capsys):
    source = tmp_path / "same.geojson"
    source.write_bytes((DATA / "usgs_significant_month_2014-03.geojson").read_bytes())
    assert run_import(str(source), str(source)) == 1
    assert "is the input file" in capsys.readouterr().err


def test_unwritable_output_is_reported(tmp_path, capsys):
    assert run_import(str(DATA / "giscore_TimeTest.kml"), str(tmp_path / "no" / "such" / "dir" / "out.geojson")) == 1
    assert "cannot write here" in capsys.readouterr().err
