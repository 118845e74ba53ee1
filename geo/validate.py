"""Checks on a dataset, and the summary ``eventmap validate`` prints."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from eventmap.geo.dates import format_date
from eventmap.geo.events import Dataset
from eventmap.geo.links import is_http_link

MAX_COUNTRY_CHECK = 50_000  # distinct points; more are summarised without countries


@dataclass
class Report:
    """What ``validate`` says of a dataset: counts, ranges and problems."""

    count: int
    date_range: str
    places: list[str]
    categories: list[str]
    problems: list[str]
    countries: list[str] | None = None
    notes: list[str] = field(default_factory=list)
    undated: int = 0

    def lines(self) -> list[str]:
        out = [
            f"events: {self.count}",
            f"dates: {self.date_range}",
            f"places ({len(self.places)}): {_listing(self.places)}",
            f"categories ({len(self.categories)}): {_listing(self.categories)}",
        ]
        if self.undated:
            out.append(f"undated events: {self.undated} (shown at every time)")
        if self.countries is not None:
            out.append(f"countries ({len(self.countries)}): {_listing(self.countries)}")
        out += [f"note: {n}" for n in self.notes]
        if self.problems:
            out.append(f"problems ({len(self.problems)}):")
            out += [f"  {p}" for p in self.problems]
        else:
            out.append("no problems found")
        return out


def _listing(names: list[str], limit: int = 40) -> str:
    if not names:
        return "-"
    more = f", … ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(n or "(uncategorised)" for n in names[:limit]) + more


MAX_SWAP_HINTS = 100  # points checked for swapped coordinates; more are a different problem
SWAP_NEAR_KM = 1000.0  # a point this close to another event is plausible whatever the dataset's spread
SEA_SHARE = 0.1  # when this share of the other events is at sea too, being at sea is normal for the dataset


def check_countries(dataset: Dataset) -> tuple[list[str] | None, list[str]]:
    """The countries the events fall in (shapely, over the basemap polygons), and notes.

    An event in no country is not an error (a quake at sea), but a note. When
    swapping its latitude and longitude would put it in a country, and where it
    is does not fit the rest of the dataset while the swapped point does, the
    note says so, as that is a common mistake in hand-made files.
    """
    from eventmap.geo.places.countries import countries_of

    if not dataset.events:
        return [], []
    cols = dataset.columns
    points, first = np.unique(np.round(np.column_stack([cols.lat, cols.lon]), 5), axis=0, return_inverse=True)
    first = first.ravel()
    if len(points) > MAX_COUNTRY_CHECK:
        return None, [f"countries not checked: more than {MAX_COUNTRY_CHECK:,} distinct points"]
    names = countries_of(points[:, 0], points[:, 1])
    at_sea = [i for i, name in enumerate(names) if name is None]
    notes = []
    if at_sea:
        events_at_sea = np.flatnonzero(np.array([names[p] is None for p in first], dtype=bool))
        shown = ", ".join(f"feature {i}" for i in events_at_sea[:10]) + (" …" if len(events_at_sea) > 10 else "")
        notes.append(f"{len(events_at_sea)} event(s) in no country (at sea?): {shown}")
        notes += _swap_hints(points, first, names, at_sea)
    return sorted({n for n in names if n}), notes


def _swap_hints(points: np.ndarray, first: np.ndarray, names: list[str | None], at_sea: list[int]) -> list[str]:
    """Notes for the points at sea that look like latitude and longitude written the wrong way round.

    A point is hinted only when (1) swapped, it is in a country; (2) where it
    is does not fit the rest of the dataset: few other events are at sea, and it
    is far from all of them; (3) swapped, it is near them.
    """
    from eventmap.geo.places.countries import countries_of

    if len(points) < 2:
        return []  # with no other event, nothing says where this one should be
    others_at_sea = (len(at_sea) - 1) / (len(points) - 1)
    if others_at_sea >= SEA_SHARE:
        return []
    swappable = [i for i in at_sea if abs(points[i, 1]) <= 90][:MAX_SWAP_HINTS]
    if not swappable:
        return []
    swapped = countries_of(points[swappable, 1], points[swappable, 0], snap_km=0)
    land = np.array([n is not None for n in names], dtype=bool)
    near = max(SWAP_NEAR_KM, _spread_km(points[land]) / 3)
    # The feature index of each distinct point's first event, in one pass (not one search per point).
    first_event = np.empty(len(points), dtype=np.int64)
    first_event[first[::-1]] = np.arange(len(first))[::-1]
    notes = []
    for point_index, country in zip(swappable, swapped):
        if country is None:
            continue
        lat, lon = points[point_index]
        others = np.delete(points, point_index, axis=0)
        if _nearest_km(lat, lon, others) <= near or _nearest_km(lon, lat, others) > near:
            continue
        notes.append(
            f"feature {int(first_event[point_index])}: at lat {lat:g}, lon {lon:g} it is at sea, far from the other events;"
            f" with latitude and longitude swapped it would be in {country}"
        )
    return notes


def _distances_km(lat: float | np.ndarray, lon: float | np.ndarray, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    a1, o1, a2, o2 = (np.radians(v) for v in (lat, lon, lats, lons))
    h = np.sin((a2 - a1) / 2) ** 2 + np.cos(a1) * np.cos(a2) * np.sin((o2 - o1) / 2) ** 2
    return 6371.0 * 2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _nearest_km(lat: float, lon: float, points: np.ndarray) -> float:
    return float(_distances_km(lat, lon, points[:, 0], points[:, 1]).min()) if len(points) else float("inf")


def _spread_km(points: np.ndarray, sample: int = 200) -> float:
    """The greatest distance between two of the points (of at most ``sample`` of them, evenly chosen)."""
    if len(points) < 2:
        return 0.0
    chosen = points[np.linspace(0, len(points) - 1, min(sample, len(points))).astype(int)]
    return float(max(_distances_km(lat, lon, chosen[:, 0], chosen[:, 1]).max() for lat, lon in chosen))


def check_events(dataset: Dataset) -> list[str]:
    """Problems with the events themselves, each naming its feature index."""
    problems = []
    for index, event in enumerate(dataset.events):
        where = f"feature {index} ({event.id})"
        if not event.title:
            problems.append(f"{where}: has no title")
        if event.url and not is_http_link(event.url):
            problems.append(f"{where}: url {event.url[:60]!r} is not an http(s) link; it will not be clickable")
    return problems


def date_range_text(dataset: Dataset) -> str:
    """First start to last end, each at its own precision: ``2014 – Oct 2024``."""
    bounded = [e for e in dataset.events if e.start is not None and not e.start.is_open]
    if not bounded:
        return "undated"
    first = min(bounded, key=lambda e: e.lo)
    last = max((e for e in dataset.events if e.hi != float("inf")), key=lambda e: e.hi, default=None)
    if last is None:
        return f"from {format_date(first.start)}"
    last_date = last.end if last.end is not None else last.start
    a, b = format_date(first.start), format_date(last_date)
    return a if a == b else f"{a} – {b}"


def validate_dataset(dataset: Dataset) -> Report:
    """Summarise a loaded dataset and list every problem found while reading or checking it."""
    when = date_range_text(dataset)
    places = sorted({e.place for e in dataset.events if e.place})
    problems = list(dataset.warnings) + check_events(dataset)
    countries, notes = check_countries(dataset)
    undated = sum(1 for e in dataset.events if e.start is None and e.end is None)
    return Report(len(dataset), when, places, dataset.categories(), problems, countries, notes, undated)
