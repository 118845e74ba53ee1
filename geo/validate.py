"""Checks on a dataset, and the summary ``eventmap validate`` prints."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from eventmap.geo.dates import format_date
from eventmap.geo.events import Dataset

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


def check_countries(dataset: Dataset) -> tuple[list[str] | None, list[str]]:
    """The countries the events fall in (shapely, over the basemap polygons), and notes.

    An event in no country is not an error (a quake at sea), but a note; when
    swapping its latitude and longitude would put it in a country, the note
    says so, as that is a common mistake in hand-made files.
    """
    from eventmap.geo.places.countries import countries_of

    if not dataset.events:
        return [], []
    cols = dataset.columns
    points, first = np.unique(np.round(np.column_stack([cols.lat, cols.lon]), 5), axis=0, return_inverse=True)
    if len(points) > MAX_COUNTRY_CHECK:
        return None, [f"countries not checked: more than {MAX_COUNTRY_CHECK:,} distinct points"]
    names = countries_of(points[:, 0], points[:, 1])
    at_sea = [i for i, name in enumerate(names) if name is None]
    notes = []
    if at_sea:
        events_at_sea = [i for i, p in enumerate(first.ravel()) if names[p] is None]
        shown = ", ".join(f"feature {i}" for i in events_at_sea[:10]) + (" …" if len(events_at_sea) > 10 else "")
        notes.append(f"{len(events_at_sea)} event(s) in no country (at sea?): {shown}")
        swappable = [i for i in at_sea if abs(points[i, 1]) <= 90]
        swapped = countries_of(points[swappable, 1], points[swappable, 0], snap_km=0) if swappable else []
        for point_index, country in zip(swappable, swapped):
            if country is not None:
                event = int(np.flatnonzero(first.ravel() == point_index)[0])
                lat, lon = points[point_index]
                notes.append(f"feature {event}: at lat {lat:g}, lon {lon:g} it is at sea; with latitude and longitude swapped it would be in {country}")
    return sorted({n for n in names if n}), notes


def check_events(dataset: Dataset) -> list[str]:
    """Problems with the events themselves, each naming its feature index."""
    problems = []
    for index, event in enumerate(dataset.events):
        where = f"feature {index} ({event.id})"
        if not event.title:
            problems.append(f"{where}: has no title")
        if event.url and not event.url.startswith(("http://", "https://")):
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
