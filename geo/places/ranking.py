"""Which of several places a name means: hints, kinds and population decide.

A query may carry hints after a comma or in parentheses (``"Moscow, Idaho"``,
``"Moscow (Russia)"``, ``"Shahkot, Azad Kashmir"``). A hint is a country (its
name or code), a US state, or another place, whose nearest namesake wins.
Hints rank and never remove.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventmap.geo.places.distance import distance_km

# Lower ranks first when a name has several places (after the hints).
KIND_RANK = {"capital": 0, "city": 1}
OTHER_KIND_RANK = 2

_PARENTHESES = re.compile(r"^(?P<base>.*?)\s*\((?P<hint>[^()]*)\)\s*$")


class RankedPlace(Protocol):
    """What ranking needs of a place."""

    name: str
    country: str
    kind: str
    population: int | None

    @property
    def point(self) -> tuple[float, float]: ...


@dataclass(frozen=True)
class Hint:
    """What one hint (``"Idaho"`` in ``"Moscow, Idaho"``) says about the place wanted."""

    countries: frozenset[str]
    anchors: tuple[Any, ...]


def split_hints(text: str) -> tuple[str, list[str]]:
    """``"Moscow (Idaho), USA"`` -> ``("Moscow", ["Idaho", "USA"])``."""
    first, *rest = [part.strip() for part in text.split(",")]
    hints = [r for r in rest if r]
    bracketed = _PARENTHESES.match(first)
    if bracketed and bracketed.group("base"):
        return bracketed.group("base"), [bracketed.group("hint"), *hints]
    return first, hints


def rank_key(
    hints: Sequence[Hint], layer: Callable[[Any], int] | None = None
) -> Callable[[tuple[Any, bool]], tuple[Any, ...]]:
    """The sort key for ``(place, is_primary_name)`` matches: best first.

    By agreement with the hints (country mismatches, then distance to the
    anchors), then the gazetteer layer (``layer(place)``: a curated place
    before a world one), then kind (capital, then city, then the rest), then
    population, then a match on the primary name before an alternate name.
    """

    def key(match: tuple[Any, bool]) -> tuple[Any, ...]:
        place, primary = match
        mismatches = sum(1 for h in hints if h.countries and place.country not in h.countries)
        distance = sum(min(distance_km(place.point, a.point) for a in h.anchors) for h in hints if h.anchors)
        return (
            mismatches,
            distance,
            layer(place) if layer else 0,
            KIND_RANK.get(place.kind, OTHER_KIND_RANK),
            -(place.population or 0),
            not primary,
            place.name,
        )

    return key
