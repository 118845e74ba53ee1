"""Read event files of every supported format into a :class:`~geo.events.Dataset`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from geo.errors import EventmapError
from geo.events import Dataset

Progress = Callable[[float], bool]
"""Called with the fraction done (0..1); returning False asks the reader to stop."""

SUFFIXES = {".geojson": "geojson", ".json": "geojson"}


def file_filter() -> str:
    """A file dialog filter naming every supported format."""
    patterns = " ".join(f"*{s}" for s in sorted(SUFFIXES))
    return f"Event files ({patterns});;All files (*)"


def load_dataset(path: str | Path, progress: Progress | None = None) -> Dataset:
    """Read an event file, choosing the reader by its extension.

    Raises
    ------
    EventmapError
        If the file cannot be read or holds no usable event; the message names
        the file and each problem its location.
    """
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise EventmapError(f"{path.name}: unknown file type {path.suffix or '(none)'!r}; eventmap reads {known}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EventmapError(f"{path}: no such file") from None
    except OSError as exc:
        raise EventmapError(f"{path}: cannot read ({exc.strerror or exc})") from None
    from geo.importers import geojson

    readers = {"geojson": geojson.read_geojson}
    dataset = readers[kind](raw, path.name, progress=progress)
    dataset.path = path
    return dataset
