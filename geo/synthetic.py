"""Synthetic event datasets for benchmarks and tests: realistic in shape, fixed by a seed.

Events cluster around real cities of South and Central Asia and Russia with a
gaussian spread (most of them in Pakistan and Afghanistan), start between 2010
and 2025 at day, month or year precision, about 30% last days to months, and a
few are open-ended. The same ``n`` and ``seed`` always give the same dataset.

:func:`synthetic_columns` draws the numbers with numpy; :func:`synthetic_dataset`
turns them into :class:`~geo.events.Event` objects without parsing any text
(a million events in a few seconds); :func:`write_geojson` and :func:`write_csv`
write them as files the importers read, to measure opening a file.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eventmap.geo.dates import OPEN, PartialDate
from eventmap.geo.events import CATEGORIES, Dataset, Event

SEED = 20100101
FIRST_DAY = np.datetime64("2010-01-01")
LAST_DAY = np.datetime64("2025-12-31")
EXTRA_CATEGORIES = ("security", "protest", "humanitarian")
# Shares of the known categories, then of the extra ones.
CATEGORY_WEIGHTS = (0.10, 0.18, 0.16, 0.10, 0.08, 0.22, 0.10, 0.06)
SPAN_SHARE = 0.30  # events with an end date
OPEN_SHARE = 0.002  # of all events: open-ended ("from ...")
PRECISION_SHARES = (0.76, 0.16, 0.08)  # day, month, year

# (name, latitude, longitude, weight): weights favour Pakistan and Afghanistan.
CITIES: tuple[tuple[str, float, float, float], ...] = (
    # Pakistan
    ("Karachi", 24.86, 67.01, 8), ("Lahore", 31.55, 74.34, 7), ("Islamabad", 33.69, 73.05, 6),
    ("Rawalpindi", 33.60, 73.04, 3), ("Peshawar", 34.01, 71.58, 8), ("Quetta", 30.18, 67.00, 7),
    ("Multan", 30.20, 71.47, 3), ("Faisalabad", 31.42, 73.08, 3), ("Hyderabad", 25.40, 68.37, 2),
    ("Gwadar", 25.13, 62.32, 2), ("Miranshah", 33.00, 70.07, 4), ("Wana", 32.30, 69.57, 3),
    ("Gilgit", 35.92, 74.31, 1), ("Sukkur", 27.70, 68.86, 1),
    # Afghanistan
    ("Kabul", 34.53, 69.17, 9), ("Kandahar", 31.61, 65.71, 6), ("Herat", 34.35, 62.20, 4),
    ("Mazar-i-Sharif", 36.71, 67.11, 3), ("Jalalabad", 34.43, 70.45, 5), ("Kunduz", 36.73, 68.86, 3),
    ("Lashkar Gah", 31.59, 64.37, 3), ("Ghazni", 33.55, 68.42, 2), ("Khost", 33.34, 69.92, 2),
    # India, Nepal, Bangladesh, Sri Lanka
    ("New Delhi", 28.61, 77.21, 3), ("Mumbai", 19.08, 72.88, 2), ("Srinagar", 34.08, 74.80, 3),
    ("Amritsar", 31.63, 74.87, 1), ("Kolkata", 22.57, 88.36, 1), ("Bengaluru", 12.97, 77.59, 1),
    ("Chennai", 13.08, 80.27, 1), ("Kathmandu", 27.72, 85.32, 1), ("Dhaka", 23.81, 90.41, 1),
    ("Colombo", 6.93, 79.86, 0.5),
    # Iran
    ("Tehran", 35.69, 51.39, 2), ("Mashhad", 36.30, 59.60, 1), ("Zahedan", 29.50, 60.86, 1),
    # Central Asia and the Caucasus
    ("Tashkent", 41.30, 69.24, 2), ("Samarkand", 39.65, 66.96, 1), ("Termez", 37.22, 67.28, 1),
    ("Dushanbe", 38.56, 68.79, 2), ("Bishkek", 42.87, 74.59, 1), ("Osh", 40.51, 72.80, 1),
    ("Almaty", 43.24, 76.89, 2), ("Astana", 51.17, 71.45, 1), ("Ashgabat", 37.95, 58.38, 1),
    ("Baku", 40.41, 49.87, 0.5), ("Urumqi", 43.83, 87.62, 0.5),
    # Russia
    ("Moscow", 55.75, 37.62, 4), ("Saint Petersburg", 59.94, 30.31, 2), ("Kazan", 55.79, 49.12, 1),
    ("Yekaterinburg", 56.84, 60.60, 1), ("Novosibirsk", 55.03, 82.92, 1), ("Omsk", 54.99, 73.37, 0.5),
    ("Grozny", 43.32, 45.69, 2), ("Makhachkala", 42.98, 47.50, 1.5), ("Rostov-on-Don", 47.24, 39.71, 1),
    ("Volgograd", 48.71, 44.51, 0.5), ("Krasnoyarsk", 56.01, 92.87, 0.5), ("Irkutsk", 52.29, 104.28, 0.5),
    ("Vladivostok", 43.12, 131.89, 0.5),
)  # fmt: skip

TITLES = {
    "exercise": "Joint exercise near {}",
    "defence": "Defence agreement signed in {}",
    "diplomacy": "Official visit to {}",
    "trade": "Trade fair in {}",
    "energy": "Pipeline works near {}",
    "security": "Security incident near {}",
    "protest": "Demonstration in {}",
    "humanitarian": "Aid delivery to {}",
}


@dataclass
class SyntheticColumns:
    """The numbers of a synthetic dataset, one array per field (dataset order)."""

    lat: np.ndarray  # float64
    lon: np.ndarray  # float64
    city: np.ndarray  # index into CITIES
    category: np.ndarray  # index into categories()
    start: np.ndarray  # datetime64[D]: first day of the start period
    precision: np.ndarray  # 0 day, 1 month, 2 year
    end: np.ndarray  # datetime64[D] last day of the span, NaT for none
    open_end: np.ndarray  # bool: the event has no end ("..")
    has_summary: np.ndarray  # bool

    def __len__(self) -> int:
        return len(self.lat)


def categories() -> tuple[str, ...]:
    """The synthetic datasets' categories: the known vocabulary and a few others."""
    return CATEGORIES + EXTRA_CATEGORIES


def synthetic_columns(n: int, seed: int = SEED) -> SyntheticColumns:
    """Draw ``n`` events' numbers with numpy (fast: about 0.2 s per million).

    Parameters
    ----------
    n
        How many events.
    seed
        The random seed; the same ``n`` and ``seed`` give the same columns.
    """
    rng = np.random.default_rng(seed)
    weights = np.array([c[3] for c in CITIES], dtype=float)
    city = rng.choice(len(CITIES), size=n, p=weights / weights.sum())
    centre_lat = np.array([c[1] for c in CITIES])[city]
    centre_lon = np.array([c[2] for c in CITIES])[city]
    # Most events close to town, some spread over the countryside.
    sigma = np.where(rng.random(n) < 0.8, 0.18, 0.9)
    lat = np.clip(centre_lat + rng.normal(0.0, 1.0, n) * sigma, -84.0, 84.0).round(5)
    lon = np.clip(centre_lon + rng.normal(0.0, 1.0, n) * sigma / np.cos(np.radians(centre_lat)), -179.9, 179.9).round(5)

    cat_weights = np.array(CATEGORY_WEIGHTS)
    category = rng.choice(len(cat_weights), size=n, p=cat_weights / cat_weights.sum()).astype(np.int16)

    # Start days: a background growing over the years plus bursts around a few dozen moments.
    days = int((LAST_DAY - FIRST_DAY).astype(int)) + 1
    background = (np.sqrt(rng.random(n)) * days).astype(np.int64)
    centres = rng.integers(0, days, 40)
    burst = (centres[rng.integers(0, 40, n)] + rng.normal(0, 25, n)).astype(np.int64)
    offset = np.clip(np.where(rng.random(n) < 0.7, background, burst), 0, days - 1)
    start = FIRST_DAY + offset.astype("timedelta64[D]")
    precision = rng.choice(3, size=n, p=PRECISION_SHARES).astype(np.int8)
    start = np.where(precision == 1, start.astype("datetime64[M]").astype("datetime64[D]"), start)
    start = np.where(precision == 2, start.astype("datetime64[Y]").astype("datetime64[D]"), start)

    # Spans: days to months (log-normal, median about ten days), after the start period.
    spans = rng.random(n) < SPAN_SHARE
    span_days = np.clip(rng.lognormal(np.log(10), 1.3, n), 1, 400).astype(np.int64)
    period_end = _period_end(start, precision)  # exclusive
    end_day = period_end + span_days.astype("timedelta64[D]")
    end = np.where(spans, end_day, np.datetime64("NaT", "D"))
    open_end = rng.random(n) < OPEN_SHARE
    end = np.where(open_end, np.datetime64("NaT", "D"), end)
    has_summary = rng.random(n) < 0.25
    return SyntheticColumns(lat, lon, city, category, start, precision, end, open_end, has_summary)


def _period_end(start: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """The day after each start period (exclusive end), datetime64[D]."""
    day_end = start + np.timedelta64(1, "D")
    month_end = (start.astype("datetime64[M]") + 1).astype("datetime64[D]")
    year_end = (start.astype("datetime64[Y]") + 1).astype("datetime64[D]")
    return np.where(precision == 0, day_end, np.where(precision == 1, month_end, year_end))


def _dates(days: np.ndarray, precision: np.ndarray | int) -> list[PartialDate]:
    """Partial dates for days at precisions, built without parsing and shared when equal."""
    precision = np.broadcast_to(np.asarray(precision, dtype=np.int8), days.shape)
    # About 6,000 distinct days over 16 years: one object each, not one per event.
    keys = days.astype(np.int64) * 4 + precision
    unique, inverse = np.unique(keys, return_inverse=True)
    u_days = (unique // 4).astype("datetime64[D]")
    u_precision = (unique % 4).astype(np.int8)
    lo = u_days.astype("datetime64[ms]").astype(np.int64).astype(float).tolist()
    hi = _period_end(u_days, u_precision).astype("datetime64[ms]").astype(np.int64).astype(float).tolist()
    units, names = ("D", "M", "Y"), ("day", "month", "year")
    shared = [
        PartialDate(str(np.datetime_as_string(day, unit=units[p])), names[p], lo[k], hi[k])
        for k, (day, p) in enumerate(zip(u_days, u_precision.tolist()))
    ]
    return [shared[k] for k in inverse.ravel().tolist()]


def synthetic_dataset(n: int, seed: int = SEED, columns: SyntheticColumns | None = None) -> Dataset:
    """A dataset of ``n`` synthetic events (about 3 s per million on a small machine).

    Events are in random order (as files are), with ids ``syn-0000001``…,
    titles and places naming the nearest city, and a short summary on a quarter of them.
    """
    cols = columns if columns is not None else synthetic_columns(n, seed)
    n = len(cols)
    names = categories()
    starts = _dates(cols.start, cols.precision)
    ends: list[PartialDate | None] = [None] * n
    spanned = np.flatnonzero(~np.isnat(cols.end))
    if spanned.size:
        span_dates = _dates(cols.end[spanned] - np.timedelta64(1, "D"), 0)
        for k, i in enumerate(spanned.tolist()):
            ends[i] = span_dates[k]
    for i in np.flatnonzero(cols.open_end).tolist():
        ends[i] = OPEN
    titles = {(c, k): TITLES[names[k]].format(CITIES[c][0]) for c in range(len(CITIES)) for k in range(len(names))}
    lat, lon = cols.lat.tolist(), cols.lon.tolist()
    city, cat, summary = cols.city.tolist(), cols.category.tolist(), cols.has_summary.tolist()
    events = [
        Event(
            id=f"syn-{i + 1:07d}",
            title=titles[(city[i], cat[i])],
            lon=lon[i],
            lat=lat[i],
            start=starts[i],
            end=ends[i],
            place=CITIES[city[i]][0],
            category=names[cat[i]],
            summary=f"Synthetic event {i + 1} for benchmarks; not a real report." if summary[i] else "",
        )
        for i in range(n)
    ]
    return Dataset(events=events, name=f"Synthetic events ({n:,})", extra={"name": f"Synthetic events ({n:,})"})


def write_geojson(dataset: Dataset, path: str | Path) -> Path:
    """Write ``dataset`` as canonical GeoJSON, one feature per line, as eventmap saves it.

    Streams feature by feature (the same text :func:`geo.storage.dumps_dataset`
    gives), so a million events do not need the whole text in memory.
    """
    from eventmap.geo.events import feature_from_event  # noqa: PLC0415

    path = Path(path)
    head = json.dumps({"type": "FeatureCollection", **{k: v for k, v in dataset.extra.items() if k not in ("type", "features")}}, ensure_ascii=False)[:-1]
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(f'{head}, "features": [\n')
        chunk: list[str] = []
        for i, event in enumerate(dataset.events):
            chunk.append(json.dumps(feature_from_event(event), ensure_ascii=False, allow_nan=False))
            if len(chunk) == 10_000:
                handle.write(",\n".join(chunk) + (",\n" if i + 1 < len(dataset.events) else ""))
                chunk = []
        if chunk:
            handle.write(",\n".join(chunk))
        handle.write("\n]}\n")
    return path


CSV_COLUMNS = ("id", "title", "start", "end", "latitude", "longitude", "place", "category", "summary")


def write_csv(dataset: Dataset, path: str | Path) -> Path:
    """Write ``dataset`` as a generic CSV table (columns :data:`CSV_COLUMNS`)."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for e in dataset.events:
            writer.writerow(
                (
                    e.id, e.title, e.start.text if e.start else "", e.end.text if e.end else "",
                    f"{e.lat:.5f}", f"{e.lon:.5f}", e.place, e.category, e.summary,
                )
            )  # fmt: skip
    return path


def describe(dataset: Dataset) -> dict[str, object]:
    """A few facts about a dataset, as JSON-ready values (for benchmark reports)."""
    cols = dataset.columns
    spans = sum(1 for e in dataset.events if e.end is not None)
    return {
        "events": len(dataset),
        "categories": dataset.categories(),
        "spans": spans,
        "date_range": [float(v) for v in (dataset.date_range() or ())],
        "lat_range": [float(cols.lat.min()), float(cols.lat.max())] if len(dataset) else [],
    }


if __name__ == "__main__":  # pragma: no cover - a quick look: python -m geo.synthetic 1000
    import sys

    data = synthetic_dataset(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
    print(json.dumps(describe(data), indent=1))
