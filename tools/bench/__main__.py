"""``python -m tools.bench run [--sizes ...] [--json OUT]`` from the checkout; the children the run starts; ``readme RESULT.json``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .children import child_cold, child_floor, child_mode, child_shots, child_size
from .measure import COLD_RUNS, NAIVE_RUNS
from .readme import README_END, README_START, update_readme
from .run import run_bench

def main(argv: list[str] | None = None) -> int:
    """``python -m tools.bench run ...`` (the whole benchmark), ``readme RESULT.json``, and the children a run starts."""
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="python -m tools.bench")
    sub = parser.add_subparsers(dest="child", required=True)
    size = sub.add_parser("size")
    size.add_argument("file")
    size.add_argument("--moves", type=int, default=30)
    size.add_argument("--naive-runs", type=int, default=NAIVE_RUNS)
    size.add_argument("--out", required=True)
    size.add_argument("--view-only", action="store_true", help="measure QtMapView even if the main window works")
    sub.add_parser("cold")
    sub.add_parser("floor")
    sub.add_parser("mode")
    shots = sub.add_parser("shots")
    shots.add_argument("n", type=int)
    shots.add_argument("folder")
    readme = sub.add_parser("readme", help="write a result JSON's table into README.md between the bench markers")
    readme.add_argument("result")
    readme.add_argument("readme", nargs="?", default="README.md")
    run = sub.add_parser("run", help="the whole benchmark: every size, then start-up, cold start and export")
    run.add_argument("--sizes", default="1000,10000,100000,1000000")
    run.add_argument("--json")
    run.add_argument("--moves", type=int, default=30)
    run.add_argument("--formats", default="geojson", help="file formats to open each size from: geojson, csv, parquet (comma-separated)")
    run.add_argument("--naive-runs", type=int, default=NAIVE_RUNS, help="folium re-render runs per size (0: none)")
    run.add_argument("--cold-runs", type=int, default=COLD_RUNS, help="runs of each start-up measurement (0: none)")
    args = parser.parse_args(argv)
    if args.child == "size":
        return child_size(args.file, args.moves, args.naive_runs, args.out, prefer_window=not args.view_only)
    if args.child == "cold":
        return child_cold()
    if args.child == "floor":
        return child_floor()
    if args.child == "mode":
        return child_mode()
    if args.child == "shots":
        return child_shots(args.n, args.folder)
    if args.child == "readme":
        if update_readme(args.readme, json.loads(Path(args.result).read_text(encoding="utf-8"))):
            return 0
        print(f"{args.readme}: no {README_START} … {README_END} markers", file=sys.stderr)
        return 1
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: expected numbers like 1000,10000")
    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    return run_bench(sizes, json_out=args.json, moves=args.moves, naive_runs=args.naive_runs, cold_runs=args.cold_runs, formats=formats)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING, format="eventmap: %(message)s")
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: the results are written, and tearing down
    # WebEngine objects at exit can crash in PySide's garbage collection.
    os._exit(status)
