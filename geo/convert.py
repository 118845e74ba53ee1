"""``eventmap import FILE -o OUT.geojson|OUT.parquet``: any supported file to the canonical dataset."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.sanitize import display_path
from eventmap.geo.storage import save_dataset


PARQUET_SUFFIXES = (".parquet", ".geoparquet")


def save_any(dataset, out: str | Path, parquet_geometry: str = "wkb") -> None:
    """Save ``dataset`` as GeoParquet/Parquet when ``out`` ends in .parquet or .geoparquet, else as canonical GeoJSON."""
    if Path(out).suffix.lower() in PARQUET_SUFFIXES:
        from eventmap.geo.importers.parquet import write_parquet  # noqa: PLC0415 - pyarrow loads on first need

        write_parquet(dataset, out, geometry=parquet_geometry)
    else:
        save_dataset(dataset, out)


def run_import(
    src: str, out: str, stdout: TextIO | None = None, stderr: TextIO | None = None, parquet_geometry: str = "wkb", load=None
) -> int:
    """Convert ``src`` (any file eventmap reads) into canonical GeoJSON, or Parquet, at ``out``.

    ``out`` ending in ``.parquet`` or ``.geoparquet`` writes GeoParquet
    (``parquet_geometry="wkb"``) or Parquet with longitude/latitude columns
    (``"lonlat"``), which eventmap reads back exactly and much faster.
    ``load`` reads ``src`` (default :func:`geo.importers.load_dataset`).

    Warnings go to ``stderr`` one per line, then a one-line summary to
    ``stdout``: ``imported N events from X to Y (M warnings)``. The previous
    ``out``, if any, is kept as ``out.bak``.

    Returns
    -------
    int
        0 on success; 1 when the file could not be imported, after printing
        the error and each problem on its own line to ``stderr``.
    """
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        if Path(out).resolve() == Path(src).resolve():
            raise EventmapError(f"{display_path(out)}: is the input file; choose another output name")
        dataset = (load or load_dataset)(src)
        save_any(dataset, out, parquet_geometry)
    except EventmapError as exc:
        # The same form as every other eventmap command's errors.
        print(f"eventmap: {exc.message}", file=stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=stderr)
        return 1
    for warning in dataset.warnings:
        print(warning, file=stderr)
    count = len(dataset.warnings)
    plural = "event" if len(dataset) == 1 else "events"
    print(f"imported {len(dataset)} {plural} from {display_path(src)} to {display_path(out)} ({count} warning{'' if count == 1 else 's'})", file=stdout)
    return 0
