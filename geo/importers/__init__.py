"""Read event files of every supported format into a :class:`~geo.events.Dataset`.

Every reader takes the file's bytes, its name (for messages) and an optional
progress callback, and either returns a dataset, with a warning for each row
or feature it skipped, or raises :class:`~geo.errors.EventmapError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from eventmap.geo.errors import EventmapError
from eventmap.geo.sanitize import clean_text, display_name, display_path
from eventmap.geo.events import Dataset
from eventmap.geo.importers.common import Progress

if TYPE_CHECKING:
    from eventmap.geo.importers.delimited import Geocoder

__all__ = ["SUFFIXES", "Progress", "file_filter", "load_dataset"]

SUFFIXES = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".kml": "kml",
    ".kmz": "kmz",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".gpkg": "gpkg",
}
# Readers that open the file themselves and read it a piece at a time: no size cap.
PATH_READERS = {"parquet", "gpkg", "csv"}
# 1 GiB for the readers that hold the whole file (GeoJSON, KML); CSV, Parquet and GeoPackage stream.
MAX_BYTES = 1 << 30


def file_filter() -> str:
    """A file dialog filter naming every supported format."""
    patterns = " ".join(f"*{s}" for s in sorted(SUFFIXES))
    return (
        f"Event files ({patterns});;GeoJSON (*.geojson *.json);;CSV and text tables (*.csv *.tsv *.txt);;"
        "KML and KMZ (*.kml *.kmz);;Parquet and GeoParquet (*.parquet *.geoparquet);;GeoPackage (*.gpkg);;All files (*)"
    )


def load_dataset(path: str | Path, progress: Progress | None = None, *, geocoder: Geocoder | None = None) -> Dataset:
    """Read an event file, choosing the reader by its extension.

    Parameters
    ----------
    path
        The file; its suffix (``.geojson``, ``.json``, ``.csv``, ``.tsv``,
        ``.txt``, ``.kml``, ``.kmz``, ``.parquet``, ``.geoparquet``, ``.gpkg``) chooses the reader.
    progress
        Called with the fraction read (0..1) about every 1% of the file;
        returning False cancels the read.
    geocoder
        Places table rows that name a place but have no coordinates (see
        :func:`eventmap.geo.importers.delimited.read_delimited`); the bundled
        offline gazetteer when None.

    Raises
    ------
    EventmapError
        If the file cannot be read, holds no usable event, or the read was
        cancelled; the message names the file and each problem its location.
    """
    path = Path(path)
    # A file name that is not UTF-8 reaches Python with lone surrogates: messages and titles get U+FFFD instead.
    name, shown = display_name(path), display_path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise EventmapError(f"{name}: unknown file type {clean_text(path.suffix) or '(none)'!r}; eventmap reads {known}")
    if kind in PATH_READERS:
        return _load_path(path, kind, progress, geocoder)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise EventmapError(f"{name}: the file is larger than {MAX_BYTES >> 20} MB; eventmap cannot read it")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EventmapError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise EventmapError(f"{shown}: is a folder, not a file") from None
    except OSError as exc:
        raise EventmapError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    from eventmap.geo.importers import delimited, geojson, kml  # noqa: PLC0415 - imported on first load, not at start-up

    readers = {
        "geojson": geojson.read_geojson,
        "csv": delimited.read_delimited,
        "kml": kml.read_kml,
        "kmz": kml.read_kmz,
    }
    if kind == "csv":
        dataset = delimited.read_delimited(raw, name, progress=progress, geocoder=geocoder)
    else:
        dataset = readers[kind](raw, name, progress=progress)
    dataset.path = path
    return dataset


def _load_path(path: Path, kind: str, progress: Progress | None, geocoder: Geocoder | None = None) -> Dataset:
    """Read a file with a reader that opens it itself and streams it (CSV, Parquet, GeoPackage)."""
    if not path.exists():
        raise EventmapError(f"{display_path(path)}: no such file")
    if path.is_dir():
        raise EventmapError(f"{display_path(path)}: is a folder, not a file")
    if kind == "csv":
        from eventmap.geo.importers.delimited import read_delimited_file  # noqa: PLC0415

        dataset = read_delimited_file(path, display_name(path), progress=progress, geocoder=geocoder)
        dataset.path = path
        return dataset
    if kind == "parquet":
        from eventmap.geo.importers.parquet import read_parquet as reader  # noqa: PLC0415 - pyarrow loads on first need
    else:
        from eventmap.geo.importers.geopackage import read_geopackage as reader  # noqa: PLC0415
    dataset = reader(path, display_name(path), progress=progress)
    dataset.path = path
    return dataset
