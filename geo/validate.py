"""Checks on a dataset, and the summary ``eventmap validate`` prints."""

from __future__ import annotations

from dataclasses import dataclass

from geo.dates import format_date
from geo.events import Dataset


@dataclass
class Report:
    """What ``validate`` says of a dataset: counts, ranges and problems."""

    count: int
    date_range: str
    places: list[str]
    categories: list[str]
    problems: list[str]

    def lines(self) -> list[str]:
        out = [
            f"events: {self.count}",
            f"dates: {self.date_range}",
            f"places ({len(self.places)}): {', '.join(self.places) or '-'}",
            f"categories ({len(self.categories)}): {', '.join(self.categories) or '-'}",
        ]
        if self.problems:
            out.append(f"problems ({len(self.problems)}):")
            out += [f"  {p}" for p in self.problems]
        else:
            out.append("no problems found")
        return out


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
    return Report(len(dataset), when, places, dataset.categories(), problems)
