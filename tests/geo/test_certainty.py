"""Dates that say how sure they are: EDTF qualifiers, ACLED and UCDP precision, inferred dates."""

from __future__ import annotations

import json

import pytest

from eventmap.geo.certainty import EXACT, event_certainty, widen_to_precision
from eventmap.geo.dates import TimeWindow, format_date, parse_date
from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.storage import dumps_dataset

DATA = __import__("pathlib").Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    "text, qualifier, shown, period",
    [
        ("2014?", "uncertain", "2014?", ("2014", "2014")),
        ("2015-08~", "approximate", "c. Aug 2015", ("2015-08", "2015-08")),
        ("2016%", "approximate uncertain", "c. 2016?", ("2016", "2016")),
        ("[2019..2021]", "between", "between 2019 and 2021", ("2019", "2021")),
        ("[..2016]", "before", "in or before 2016", (None, "2016")),
        ("[2015-08..]", "after", "in or after Aug 2015", ("2015-08", None)),
    ],
)
def test_edtf_qualifiers_keep_their_period_and_say_how_sure(text, qualifier, shown, period):
    date = parse_date(text)
    assert date.qualifier == qualifier
    assert format_date(date) == shown
    window = TimeWindow.between(*period)
    assert (date.lo, date.hi) == (window.lo, window.hi)
    assert date.text == text  # kept as written, for a lossless save


@pytest.mark.parametrize("text", ["2014??", "[2019..2021", "[..]", "[2021..2019]", "[2014?..2016]", "[2014,2016]", "..?"])
def test_malformed_qualified_dates_are_refused_with_a_message(text):
    with pytest.raises(EventmapError, match=r"\S"):
        parse_date(text)


def _write(tmp_path, features):
    path = tmp_path / "q.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _point(props):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [73.05, 33.69]}, "properties": {"title": "t", **props}}


def test_qualified_dates_in_a_dataset_read_mark_and_save_unchanged(tmp_path):
    path = _write(tmp_path, [_point({"id": "a", "start": "2015-08~"}), _point({"id": "b", "start": "[2019..2021]"}), _point({"id": "c", "start": "2020-11-08"})])
    dataset = load_dataset(path)
    approx, between, exact = dataset.events
    assert event_certainty(approx).date == "approximate" and "approximate" in event_certainty(approx).notes[0]
    assert approx.when() == "c. Aug 2015"
    assert between.when() == "between 2019 and 2021"
    assert event_certainty(exact) is EXACT
    saved = json.loads(dumps_dataset(dataset))
    assert [f["properties"]["start"] for f in saved["features"]] == ["2015-08~", "[2019..2021]", "2020-11-08"]


def test_acled_time_precision_three_is_month_long_and_approximate(tmp_path):
    rows = (DATA / "acled_synthetic.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    column = header.index("time_precision")
    lines = [rows[0]]
    for line in rows[1:3]:
        cells = line.split(",")
        cells[column] = "3" if len(lines) == 1 else "2"
        lines.append(",".join(cells))
    path = tmp_path / "acled.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    month, week = load_dataset(path).events
    october = TimeWindow.between("2024-10", "2024-10")
    assert (month.lo, month.hi) == (october.lo, october.hi)
    assert month.when() == "c. Oct 2024"
    assert event_certainty(month).date == "approximate"
    assert any("within the month" in note for note in event_certainty(month).notes)
    assert week.hi - week.lo == 7 * 86_400_000
    assert week.when().startswith("between ")


def test_acled_time_precision_one_stays_a_day():
    date = parse_date("2024-10-13")
    assert widen_to_precision(date, "1") is date
    assert widen_to_precision(date, "x") is date
    assert widen_to_precision(parse_date("2024-10"), 3).precision == "month"


def test_ucdp_precision_columns_become_uncertainty():
    dataset = load_dataset(DATA / "ucdp_ged_pakistan_hdx_excerpt.csv")
    kinds = {(str(e.extra.get("where_prec")), event_certainty(e).place) for e in dataset.events}
    assert ("1", "exact") in kinds and ("2", "approximate") in kinds
    near = next(e for e in dataset.events if str(e.extra.get("where_prec")) == "2")
    assert "UCDP: within 25 km" in event_certainty(near).notes


def test_a_date_worked_out_from_an_article_is_inferred(tmp_path):
    path = _write(tmp_path, [_point({"id": "a", "start": "2024-09", "date_basis": "'last month' from 15 Oct 2024"}), _point({"id": "b", "start": "2024-10-13", "date_basis": "explicit"})])
    inferred, explicit = load_dataset(path).events
    assert event_certainty(inferred).date == "inferred"
    assert event_certainty(explicit) is EXACT


def test_the_page_payload_marks_unsure_events_in_both_wire_forms():
    import numpy as np

    from eventmap.geo.certainty import certainty_codes
    from eventmap.geo.page.payload import event_payload, event_payload_binary, sorted_order

    dataset = load_dataset(DATA / "ucdp_ged_pakistan_hdx_excerpt.csv")
    categories = dataset.categories()
    codes = np.frombuffer(certainty_codes(dataset.events), dtype=np.uint8)
    assert codes.any() and not codes.all()  # where_prec 1 and 2 both occur
    order = sorted_order(dataset.events)
    assert event_payload(dataset.events, categories)["dim"] == codes[order].tolist()
    blob = event_payload_binary(dataset.events, categories)
    header_length = int(np.frombuffer(blob[:4], "<u4")[0])
    header = json.loads(blob[4 : 4 + header_length])
    assert header["dim"] == 1
    n = header["n"]
    assert np.array_equal(np.frombuffer(blob[len(blob) - ((n + 7) // 8) * 8 :][:n], np.uint8), codes[order])


def test_a_dataset_that_says_nothing_of_its_precision_has_no_marks():
    from eventmap.geo.page.payload import event_payload

    plain = load_dataset(DATA / "usgs_significant_month_2014-03.geojson")
    assert "dim" not in event_payload(plain.events, plain.categories())
