"""The parent process: generate the datasets, start the measuring children, collect and report. No Qt here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .measure import CHILD_TIMEOUT_S, COLD_RUNS, NAIVE_LIMIT, NAIVE_RUNS, _load_average, _median, _say, machine_info
from .report import check_targets, format_formats_table, format_table

CHECKOUT = Path(__file__).resolve().parents[2]

def run_bench(sizes: list[int], json_out: str | None = None, moves: int = 30, naive_runs: int = NAIVE_RUNS,
              naive_limit: int = NAIVE_LIMIT, cold_runs: int = COLD_RUNS, work_dir: str | None = None,
              formats: tuple[str, ...] = ("geojson",)) -> int:
    """Run the whole benchmark, print its table and optionally write JSON; returns an exit code.

    Parameters
    ----------
    sizes
        Dataset sizes (numbers of events) to measure.
    json_out
        Where to write the results as JSON (nothing written when None).
    moves
        Time-window changes per size for the slider latency (at least 30 for the report).
    naive_runs
        Folium re-render-and-reload runs per size.
    naive_limit
        Largest size the folium baseline is tried at.
    cold_runs
        Runs of each start-up measurement (cold start, floor, export); the median is reported.
    work_dir
        Folder for the generated files (a temporary folder, removed at the end, when None).
    formats
        The file formats each size is opened from (:data:`FILE_FORMATS`); the main table is GeoJSON's,
        the others get a table of their own (open time split into reading the file and painting the map).
    """
    from eventmap.geo.synthetic import synthetic_dataset  # noqa: PLC0415

    if not sizes or any(n < 1 for n in sizes):
        print("bench: sizes must be positive numbers", file=sys.stderr)
        return 2
    unknown = sorted(set(formats) - set(FILE_FORMATS))
    if unknown or not formats:
        print(f"bench: unknown format {', '.join(unknown) or '(none)'}; use {', '.join(FILE_FORMATS)}", file=sys.stderr)
        return 2
    own_dir = work_dir is None
    folder = Path(work_dir or tempfile.mkdtemp(prefix="eventmap-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = _child_env(folder)
    results: dict[str, Any] = {"sizes": {}, "machine": machine_info()}
    failed = False
    try:
        for n, fmt in ((n, fmt) for n in sizes for fmt in formats):
            _say(f"{n:,} events: generating {fmt}")
            path = write_format(synthetic_dataset(n), folder / f"synthetic-{n}", fmt)
            _say(f"{n:,} events: measuring ({path.stat().st_size / 1e6:.0f} MB {fmt})")
            naive = naive_runs if n <= naive_limit and fmt == "geojson" else 0
            out = folder / f"result-{n}-{fmt}.json"
            args = ["size", str(path), "--moves", str(moves), "--naive-runs", str(naive), "--out", str(out)]
            load_before = _load_average()
            code, seconds = _run_child(args, env, CHILD_TIMEOUT_S)
            if code == 0 and out.exists():
                row = json.loads(out.read_text())
                if not naive:
                    row["naive_note"] = f"n/a: not tried above {naive_limit:,} events (folium cannot load it)"
            else:
                row = {"error": f"the measuring process failed (exit {code}) after {seconds:.0f} s"}
                failed = True
            row["file_mb"] = round(path.stat().st_size / 1e6, 1)
            # Other work on the machine slows every number: say how busy it was.
            row["load_average"] = [load_before, _load_average()]
            if fmt == "geojson":
                results["sizes"][str(n)] = row
            else:
                results.setdefault("formats", {}).setdefault(fmt, {})[str(n)] = row
            path.unlink(missing_ok=True)
            _say(f"{n:,} events: {_brief_row(row)}")
        _say("start-up: cold start, floor and PNG export")
        load_before = _load_average()
        results.update(measure_startup(env, folder, cold_runs))
        results["startup_load_average"] = [load_before, _load_average()]
    finally:
        if own_dir:
            _remove_tree(folder)
    results["targets"] = check_targets(results)
    print(format_table(results))
    if results.get("formats"):
        print()
        print(format_formats_table(results))
    if json_out:
        Path(json_out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {json_out}")
    return 1 if failed else 0


FILE_FORMATS = ("geojson", "csv", "parquet")


def write_format(dataset, stem: Path, fmt: str) -> Path:
    """Write ``dataset`` as ``stem`` + the format's suffix: canonical GeoJSON, a generic CSV, or GeoParquet."""
    from eventmap.geo.synthetic import write_csv, write_geojson  # noqa: PLC0415

    if fmt == "csv":
        return write_csv(dataset, stem.with_suffix(".csv"))
    if fmt == "parquet":
        from eventmap.geo.importers.parquet import write_parquet  # noqa: PLC0415

        return write_parquet(dataset, stem.with_suffix(".parquet"))
    return write_geojson(dataset, stem.with_suffix(".geojson"))


def _brief_row(row: dict[str, Any]) -> str:
    if "error" in row:
        return row["error"]
    naive = row.get("naive_ms_p50")
    return (f"open {row['open_s']:.2f} s, slider p50 {row['slider_ms_p50']:.0f} ms, "
            f"folium {'%.0f ms' % naive if naive else row.get('naive_note', 'n/a')}, peak {row['peak_mb']:.0f} MB")


def _child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Settings and caches of the measured app go to the bench's folder, not the user's.
    env["EVENTMAP_CONFIG_DIR"] = str(folder / "config")
    env["EVENTMAP_CACHE_DIR"] = str(folder / "cache")
    root = str(CHECKOUT)  # the children run this package as tools.bench
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


NOISE = ("propagateSizeHints",)  # the offscreen platform's complaint about dock widgets


def _run_child(args: list[str], env: dict[str, str], timeout: float) -> tuple[int, float]:
    """Run a measuring child, passing its messages on (without Qt's offscreen noise)."""
    start = time.perf_counter()
    with subprocess.Popen([sys.executable, "-m", "tools.bench", *args], env=env, stderr=subprocess.PIPE, text=True) as child:
        assert child.stderr is not None
        for line in child.stderr:
            if not any(noise in line for noise in NOISE):
                sys.stderr.write(line)
        try:
            code = child.wait(timeout=max(1.0, timeout - (time.perf_counter() - start)))
        except subprocess.TimeoutExpired:
            child.kill()
            code = -1
    return code, time.perf_counter() - start


def _remove_tree(folder: Path) -> None:
    import shutil  # noqa: PLC0415

    shutil.rmtree(folder, ignore_errors=True)


def measure_startup(env: dict[str, str], folder: Path, runs: int) -> dict[str, Any]:
    """Cold start and floor (process start to first paint) and PNG export, medians of ``runs``."""
    cold, floor, floor_exit, export = [], [], [], []
    for _ in range(runs):
        painted, _ = _timed_child(["floor"], env)
        if painted is not None:
            floor.append(painted[0])
            floor_exit.append(painted[1])
        painted, _ = _timed_child(["cold"], env)
        if painted is not None:
            cold.append(painted[0])
        png = folder / "export.png"
        png.unlink(missing_ok=True)
        start = time.time()
        done = subprocess.run([sys.executable, "-m", "eventmap.desktop.cli", "export", "-o", str(png)], env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        if done.returncode == 0 and png.exists() and png.stat().st_size > 0:
            export.append(time.time() - start)
        else:
            _say(f"export failed: {done.stderr.strip()[:300]}")
    cold_s, floor_s = _median(cold), _median(floor)
    return {
        "cold_start_s": cold_s,
        "floor_s": floor_s,
        "floor_exit_s": _median(floor_exit),
        "export_png_s": _median(export),
        "cold_start_runs": cold,
        "floor_runs": floor,
        "export_png_runs": export,
        "cold_start_via": _startup_mode(env),
    }


def _startup_mode(env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, "-m", "tools.bench", "mode"], env=env, capture_output=True, text=True, timeout=120, check=False)
    return out.stdout.strip() or "unknown"


def _timed_child(args: list[str], env: dict[str, str]) -> tuple[tuple[float, float] | None, str]:
    """Start a child that prints ``painted <epoch seconds>``; (seconds to paint, seconds to exit)."""
    start = time.time()
    done = subprocess.run([sys.executable, "-m", "tools.bench", *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    ended = time.time() - start
    for line in done.stdout.splitlines():
        if line.startswith("painted "):
            return (float(line.split()[1]) - start, ended), done.stdout
    _say(f"{args[0]} run failed: {done.stderr.strip()[-300:]}")
    return None, done.stdout
