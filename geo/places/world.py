"""The world gazetteer (GeoNames places of 1,000 people and more, and countries) under the curated one.

``data/world-gazetteer.tsv.gz`` is built once by ``tools/build_gazetteer.py``
(its docstring describes the format). It is read on the first look-up that
needs it, never at start-up, and holds its places as text lines until one is
asked for. :func:`load_places` gives the gazetteer the app uses everywhere
(``eventmap geocode``, the event form's look-up, table rows with only a place
name, events from an article): the curated ``data/gazetteer.csv`` on top of the
world file, with close spellings found through rapidfuzz.
"""

from __future__ import annotations

import bisect
import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from eventmap.geo.errors import EventmapError
from eventmap.geo.paths import data_dir
from eventmap.geo.places.distance import distance_km
from eventmap.geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from eventmap.geo.places.names import country_display_name, normalize_name
from eventmap.geo.places.ranking import split_hints

WORLD_FILE = "world-gazetteer.tsv.gz"
# A world place within this distance of a curated place of the same name and country is the same place.
SAME_PLACE_KM = 15.0
FUZZY_CUTOFF = 88.0  # rapidfuzz ratio, 0..100: "Minralney Vody" scores 93 against "Mineralnye Vody"
FUZZY_MIN_LENGTH = 5  # shorter names match too many others by one letter


@dataclass(frozen=True)
class PlaceMatch:
    """A place a name was matched to, and how: ``"name"``, ``"alternate name"`` or ``"close spelling (92%)"``."""

    place: Place
    how: str
    score: float = 100.0


class WorldGazetteer(Gazetteer):
    """GeoNames places, indexed by normalised name at build time; places are made when asked for.

    Parameters
    ----------
    rows
        The place lines of the file's first section.
    index
        The index lines, ``key<TAB>rows`` sorted by key (rows are comma-separated
        row numbers, ``=`` marking a place's own name), searched by bisection:
        no dictionary of half a million names to build at load.
    path
        The file, for messages.
    """

    def __init__(self, rows: list[str], index: list[str], path: Path | None = None) -> None:
        super().__init__((), path)
        self._rows = rows
        self._lines = index
        self._made: dict[int, Place] = {}
        self._buckets: dict[str, list[str]] | None = None
        self._capitals: dict[str, int] | None = None
        for number, line in enumerate(rows):
            fields = line.split("\t", 6)
            if fields[5] != "country":
                break  # the countries come first
            self._country_names[fields[4]] = fields[1]
            self._countries_by_name.setdefault(normalize_name(fields[1]), fields[4])

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def places(self) -> list[Place]:  # type: ignore[override]
        """Every place (made on demand: slow, for tests and tools)."""
        return [self._place(i) for i in range(len(self._rows))]

    @places.setter
    def places(self, value: list[Place]) -> None:
        pass  # the base class sets an empty list

    def _place(self, number: int) -> Place:
        place = self._made.get(number)
        if place is None:
            gid, name, lat, lon, code, kind, population, alternates = self._rows[number].split("\t")
            place = Place(
                name, float(lat), float(lon), code, self._country_names.get(code) or country_display_name(code),
                kind, tuple(a for a in alternates.split("|") if a), int(population) if population else None,
                f"GeoNames {gid}",
            )
            self._made[number] = place
        return place

    def matches(self, key: str) -> list[tuple[Place, bool]]:
        if not key:
            return []
        probe = key + "\t"
        at = bisect.bisect_left(self._lines, probe)
        if at >= len(self._lines) or not self._lines[at].startswith(probe):
            return []
        value = self._lines[at][len(probe):]
        return [(self._place(int(item.lstrip("="))), item.startswith("=")) for item in value.split(",")]

    def capital(self, code: str) -> Place | None:
        """The capital of a country (ISO alpha-2), or None."""
        if self._capitals is None:
            self._capitals = {}
            for number, line in enumerate(self._rows):
                if "\tcapital\t" in line:
                    self._capitals.setdefault(line.split("\t", 5)[4], number)
        number = self._capitals.get(code.upper())
        return None if number is None else self._place(number)

    def keys_like(self, key: str) -> list[str]:
        """The names that start with the same letter as ``key``, for close-spelling search.

        A misspelt name nearly always keeps its first letter; searching only
        those keeps a close-spelling search to a few hundredths of a second.
        """
        if self._buckets is None:
            buckets: dict[str, list[str]] = {}
            for line in self._lines:
                name = line[: line.index("\t")]
                buckets.setdefault(name[:1], []).append(name)
            self._buckets = buckets
        return self._buckets.get(key[:1], [])


class LayeredGazetteer(Gazetteer):
    """The curated gazetteer on top of the world one.

    A name the curated file knows gives its places first (a hint can still
    prefer a world place in the country it names); world places that are the
    curated places again (the same GeoNames id, or the same name and country
    within :data:`SAME_PLACE_KM`) are left out.
    """

    def __init__(self, curated: Gazetteer, world: WorldGazetteer | None) -> None:
        super().__init__((), curated.path)
        self.curated = curated
        self.world = world
        self._curated_set = frozenset(curated.places)
        self._curated_ids = {p.source for p in curated.places if p.source.startswith("GeoNames ")}
        self._country_names = dict(world._country_names) if world else {}
        self._country_names.update(curated._country_names)
        self._countries_by_name = dict(world._countries_by_name) if world else {}
        self._countries_by_name.update(curated._countries_by_name)

    def __len__(self) -> int:
        return len(self.curated) + (len(self.world) if self.world else 0)

    def __repr__(self) -> str:
        return f"<LayeredGazetteer: {self.curated!r} over {self.world!r}>"

    @property
    def places(self) -> list[Place]:  # type: ignore[override]
        """The curated places (the world's are too many to list)."""
        return self.curated.places

    @places.setter
    def places(self, value: list[Place]) -> None:
        pass

    def layer(self, place: Place) -> int:
        return 0 if place in self._curated_set else 1

    def matches(self, key: str) -> list[tuple[Place, bool]]:
        mine = self.curated.matches(key)
        if self.world is None:
            return mine
        found = list(mine)
        for place, primary in self.world.matches(key):
            if place.source in self._curated_ids:
                continue
            if any(p.country == place.country and distance_km(p.point, place.point) < SAME_PLACE_KM for p, _ in mine):
                continue
            found.append((place, primary))
        return found

    def candidates(self, name: str, country: str | None = None) -> list[Place]:
        """Every place a name can mean, best first; close spellings when no name matches exactly."""
        exact = super().candidates(name, country)
        if exact:
            return exact
        return [m.place for m in self.fuzzy(name, country)]

    def find(self, name: str, country: str | None = None, *, fuzzy: bool = True) -> list[PlaceMatch]:
        """Like :meth:`candidates`, saying how each place matched."""
        key = normalize_name(split_hints(name)[0]) if not self.matches(normalize_name(name)) else normalize_name(name)
        exact = super().candidates(name, country)
        if exact:
            out = []
            for place in exact:
                own = normalize_name(place.name) == key
                out.append(PlaceMatch(place, "name" if own else "alternate name"))
            return out
        return self.fuzzy(name, country) if fuzzy else []

    def fuzzy(self, name: str, country: str | None = None, limit: int = 5) -> list[PlaceMatch]:
        """Places whose name is spelt closely like ``name`` (rapidfuzz ratio ≥ :data:`FUZZY_CUTOFF`)."""
        key = normalize_name(name)
        if len(key) < FUZZY_MIN_LENGTH or self.world is None:
            return []
        from rapidfuzz import fuzz, process  # noqa: PLC0415 - only a miss needs it

        keys = [k for k in self.world.keys_like(key) if abs(len(k) - len(key)) <= 3]
        keys += [k for k in self.curated._index if k[:1] == key[:1]]
        hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=limit)
        out: list[PlaceMatch] = []
        seen: set[Place] = set()
        for found_key, score, _ in sorted(hits, key=lambda h: -h[1]):
            for place in super().candidates(found_key, country):
                if place not in seen:
                    seen.add(place)
                    out.append(PlaceMatch(place, f"close spelling ({score:.0f}%)", float(score)))
        out.sort(key=lambda m: (-m.score, self.layer(m.place), -(m.place.population or 0)))
        return out[:limit]


def world_gazetteer_path() -> Path:
    """The bundled world gazetteer file."""
    return data_dir() / WORLD_FILE


def read_world_gazetteer(path: Path) -> WorldGazetteer:
    """Read a world gazetteer file (see ``tools/build_gazetteer.py`` for its format).

    Raises
    ------
    EventmapError
        When the file is missing, damaged or not in that format.
    """
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise EventmapError(f"Cannot read the world gazetteer {path}: {exc}") from exc
    places_at = text.find("#places\n")
    index_at = text.find("\n#index\n")
    if places_at != 0 or index_at < 0:
        raise EventmapError(f"{path} is not a world gazetteer file (no #places and #index sections)")
    rows = text[len("#places\n"):index_at].split("\n")
    index = text[index_at + len("\n#index\n"):].rstrip("\n").split("\n")
    if not rows or any(line.count("\t") != 7 for line in rows[:5]):
        raise EventmapError(f"{path}: the place lines do not have 8 tab-separated fields")
    return WorldGazetteer(rows, index, path)


@lru_cache(maxsize=2)
def _load_world(path: str, mtime_ns: int) -> WorldGazetteer:
    return read_world_gazetteer(Path(path))


def load_places(curated: Path | None = None, world: Path | None = None) -> LayeredGazetteer:
    """The gazetteer the app uses: the curated file over the world file (each cached once read).

    A missing world file leaves the curated one alone (a development checkout
    that has not built it); a damaged one raises.
    """
    top = load_gazetteer(curated)
    path = Path(world) if world is not None else world_gazetteer_path()
    try:
        stat = path.stat()
    except OSError:
        return _layered(top, None)
    return _layered(top, _load_world(str(path.resolve()), stat.st_mtime_ns))


@lru_cache(maxsize=4)
def _layered(top: Gazetteer, world: WorldGazetteer | None) -> LayeredGazetteer:
    return LayeredGazetteer(top, world)
