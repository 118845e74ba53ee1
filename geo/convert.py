"""``eventmap import FILE -o OUT.geojson``: any supported file to the canonical dataset."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.storage import save_dataset


def run_import(src: str, out: str, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Convert ``src`` (GeoJSON, CSV/TSV, KML or KMZ) into canonical GeoJSON at ``out``.

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
            raise EventmapError(f"{out}: is the input file; choose another output name")
        dataset = load_dataset(src)
        save_dataset(dataset, out)
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
    print(f"imported {len(dataset)} {plural} from {src} to {out} ({count} warning{'' if count == 1 else 's'})", file=stdout)
    return 0
