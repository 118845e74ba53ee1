"""The synthetic datasets the benchmark uses: fixed by the seed, realistic in shape, readable back."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eventmap.geo.events import CATEGORIES
from eventmap.geo.importers import load_dataset
from eventmap.geo.storage import dumps_dataset
from eventmap.geo.synthetic import (
    CITIES,
    categories,
    synthetic_columns,
    synthetic_dataset,
    write_csv,
    write_geojson,
)

JAN_2010 = 1262304000000.0
JAN_2026 = 1767225600000.0


@pytest.fixture(scope="module")
def dataset():
    return synthetic_dataset(5000)


def test_the_same_seed_gives_the_same_dataset_and_another_seed_another():
    a, b = synthetic_dataset(300), synthetic_dataset(300)
    assert dumps_dataset(a) == dumps_dataset(b)
    c = synthetic_dataset(300, seed=1)
    assert dumps_dataset(a) != dumps_dataset(c)


def test_size_ids_and_names(dataset):
    assert len(dataset) == 5000
    assert len({e.id for e in dataset.events}) == 5000
    assert dataset.events[0].id == "syn-0000001"
    assert "5,000" in dataset.name
    assert all(e.title and e.place for e in dataset.events)


def test_events_start_between_2010_and_2025(dataset):
    lo = dataset.columns.lo
    assert lo.min() >= JAN_2010 and lo.max() < JAN_2026
    years = {int(e.start.text[:4]) for e in dataset.events}
    assert years == set(range(2010, 2026))


def test_dates_are_real_partial_dates_at_mixed_precision(dataset):
    precisions = {e.start.precision for e in dataset.events}
    assert precisions == {"day", "month", "year"}
    for e in dataset.events[:500]:
        from eventmap.geo.dates import parse_date

        again = parse_date(e.start.text)
        assert (again.lo, again.hi, again.precision) == (e.start.lo, e.start.hi, e.start.precision)


def test_about_thirty_percent_have_spans_and_a_few_are_open_ended(dataset):
    spans = [e for e in dataset.events if e.end is not None and not e.end.is_open]
    open_ended = [e for e in dataset.events if e.end is not None and e.end.is_open]
    assert 0.25 <= len(spans) / len(dataset) <= 0.35
    assert 1 <= len(open_ended) <= 50
    assert all(e.hi == math.inf for e in open_ended)
    lengths = np.array([(e.hi - e.lo) / 86_400_000 for e in spans])
    assert lengths.min() >= 2 and lengths.max() <= 800  # days to months (a year event plus its span)
    assert all(e.end.hi > e.start.lo for e in spans)


def test_categories_are_the_known_ones_plus_a_few_others(dataset):
    used = set(dataset.categories())
    assert set(CATEGORIES) <= used
    assert 1 <= len(used - set(CATEGORIES)) <= 5
    assert used == set(categories())


def test_events_cluster_around_cities_mostly_in_pakistan_and_afghanistan(dataset):
    lat, lon = dataset.columns.lat, dataset.columns.lon
    assert lat.min() > 0 and lat.max() < 70 and lon.min() > 25 and lon.max() < 140
    af_pk = (lat > 23) & (lat < 38) & (lon > 60) & (lon < 78)
    assert af_pk.mean() > 0.5
    russia = lat > 50
    assert 0.02 < russia.mean() < 0.3
    # Gaussian clusters: most events lie within half a degree of a city.
    centres = np.array([(c[1], c[2]) for c in CITIES])
    nearest = np.min(np.hypot(lat[:, None] - centres[:, 0], (lon[:, None] - centres[:, 1]) * 0.8), axis=1)
    assert np.mean(nearest < 0.5) > 0.6


def test_columns_are_fast_numpy_and_match_the_dataset():
    cols = synthetic_columns(1000)
    data = synthetic_dataset(1000, columns=cols)
    assert np.allclose(data.columns.lat, cols.lat)
    assert len(cols) == 1000


def test_written_geojson_reads_back_to_the_same_events(tmp_path, dataset):
    path = write_geojson(synthetic_dataset(400), tmp_path / "s.geojson")
    back = load_dataset(path)
    again = synthetic_dataset(400)
    assert back.warnings == []
    assert [(e.id, e.title, e.lat, e.lon, e.lo, e.hi, e.category, e.place, e.summary) for e in back.events] == [
        (e.id, e.title, e.lat, e.lon, e.lo, e.hi, e.category, e.place, e.summary) for e in again.events
    ]
    assert path.read_text(encoding="utf-8") == dumps_dataset(again)


def test_written_csv_reads_back(tmp_path):
    data = synthetic_dataset(300)
    back = load_dataset(write_csv(data, tmp_path / "s.csv"))
    assert len(back) == 300
    assert [e.id for e in back.events] == [e.id for e in data.events]
    assert [(e.lo, e.hi) for e in back.events] == [(e.lo, e.hi) for e in data.events]
