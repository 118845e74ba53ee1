"""``eventmap bench``: how fast the map is, from 1k to 1M events, against the folium way.

One run measures, side by side, for each dataset size (a synthetic dataset from
:mod:`geo.synthetic`, written to a GeoJSON file first):

1. slider latency: a time-window change in Python (through the real main
   window's :class:`~desktop.view_state.ViewState` when the main window can be
   built, else straight to :meth:`QtMapView.set_window`) until the page reports
   that frame painted; p50 and p95 over day, month, year and multi-year windows;
2. the folium baseline: one ``folium.CircleMarker`` (with popup and tooltip)
   per event in the window, the HTML rendered again and reloaded from a file
   until painted (p50 over a few windows; not tried above ``NAIVE_LIMIT``);
3. opening the file (read, build the page, first paint) and peak memory of the
   app process and of the page's renderer process.

Each size runs in a fresh process so that its memory peaks are its own. Then,
in separate processes: cold start to the first painted map with the bundled
dataset, against the floor (a bare QWebEngineView painting a trivial local
page), and ``eventmap export -o x.png``.

The parent process stays free of Qt: it generates files, starts children and
reads their JSON answers.
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NAIVE_LIMIT = 100_000  # folium is not tried above this many events
NAIVE_TIMEOUT_S = 60.0
NAIVE_RUNS = 4  # one window of each kind: the same mix as the slider's moves
COLD_RUNS = 3
MOVE_KINDS = ("day", "month", "year", "multi-year")
MOVE_SEED = 7
VIEW_SIZE = (1200, 800)
CHILD_TIMEOUT_S = 1800

TARGETS = {
    "slider_ms_p50@10000": 30.0,
    "naive_speedup@10000": 50.0,
    "slider_ms_p50@100000": 100.0,
    "open_s@1000000": 15.0,
    "slider_ms_p50@1000000": 250.0,
    "peak_mb@1000000": 2048.0,
    "cold_start_ratio": 3.0,
    "export_png_ratio": 3.0,
}


# --- the parent: generate, spawn, report ---------------------------------------------


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
        print("eventmap bench: sizes must be positive numbers", file=sys.stderr)
        return 2
    unknown = sorted(set(formats) - set(FILE_FORMATS))
    if unknown or not formats:
        print(f"eventmap bench: unknown format {', '.join(unknown) or '(none)'}; use {', '.join(FILE_FORMATS)}", file=sys.stderr)
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


def format_formats_table(results: dict[str, Any]) -> str:
    """Opening the same datasets from other file formats (empty when none was measured)."""
    formats = results.get("formats") or {}
    if not formats:
        return ""
    lines = [
        "| format | events | file (MB) | read: file → dataset (s) | open: file → painted map (s) | slider p50 (ms) | peak app + renderer (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for fmt, rows in formats.items():
        for n, row in rows.items():
            if "error" in row:
                lines.append(f"| {fmt} | {int(n):,} | {row.get('file_mb', '?')} | {row['error']} | | | |")
                continue
            lines.append(
                f"| {fmt} | {int(n):,} | {row['file_mb']:,.1f} | {row['open_read_s']:.2f} | {row['open_s']:.2f} | {row['slider_ms_p50']:.0f} "
                f"| {row['peak_mb']:,.0f} ({row['app_peak_mb']:,.0f} + {row['renderer_peak_mb']:,.0f}) |"
            )
    loads = [v for rows in formats.values() for row in rows.values() for v in row.get("load_average", []) if v is not None]
    if loads:
        lines.append("")
        lines.append(f"Load average (1 min) while measuring these: {min(loads):.1f}–{max(loads):.1f}.")
    return "\n".join(lines)


def _say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


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
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


NOISE = ("propagateSizeHints",)  # the offscreen platform's complaint about dock widgets


def _run_child(args: list[str], env: dict[str, str], timeout: float) -> tuple[int, float]:
    """Run a measuring child, passing its messages on (without Qt's offscreen noise)."""
    start = time.perf_counter()
    with subprocess.Popen([sys.executable, "-m", "eventmap.desktop.bench", *args], env=env, stderr=subprocess.PIPE, text=True) as child:
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
    out = subprocess.run([sys.executable, "-m", "eventmap.desktop.bench", "mode"], env=env, capture_output=True, text=True, timeout=120, check=False)
    return out.stdout.strip() or "unknown"


def _timed_child(args: list[str], env: dict[str, str]) -> tuple[tuple[float, float] | None, str]:
    """Start a child that prints ``painted <epoch seconds>``; (seconds to paint, seconds to exit)."""
    start = time.time()
    done = subprocess.run([sys.executable, "-m", "eventmap.desktop.bench", *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    ended = time.time() - start
    for line in done.stdout.splitlines():
        if line.startswith("painted "):
            return (float(line.split()[1]) - start, ended), done.stdout
    _say(f"{args[0]} run failed: {done.stderr.strip()[-300:]}")
    return None, done.stdout


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "qpa": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "rendering": "software (no GPU)",
    }
    try:
        import PySide6  # noqa: PLC0415

        info["pyside6"] = PySide6.__version__
    except ImportError:
        pass
    return info


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


# --- targets and the table -----------------------------------------------------------


def check_targets(results: dict[str, Any]) -> dict[str, Any]:
    """Each target of issue 5 with the value reached and whether it is met (None: not measured)."""
    sizes = results.get("sizes", {})

    def at(n: int, key: str) -> float | None:
        return sizes.get(str(n), {}).get(key)

    reached: dict[str, float | None] = {
        "slider_ms_p50@10000": at(10000, "slider_ms_p50"),
        "naive_speedup@10000": at(10000, "naive_speedup"),
        "slider_ms_p50@100000": at(100000, "slider_ms_p50"),
        "open_s@1000000": at(1000000, "open_s"),
        "slider_ms_p50@1000000": at(1000000, "slider_ms_p50"),
        "peak_mb@1000000": at(1000000, "peak_mb"),
        "cold_start_ratio": _ratio(results.get("cold_start_s"), results.get("floor_s")),
        "export_png_ratio": _ratio(results.get("export_png_s"), results.get("floor_exit_s")),
    }
    out = {}
    for key, target in TARGETS.items():
        value = reached[key]
        higher_is_better = key.startswith("naive_speedup")
        met = None if value is None else (value >= target if higher_is_better else value <= target)
        out[key] = {"target": target, "value": value, "met": met}
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def format_table(results: dict[str, Any]) -> str:
    """The results as a Markdown table (also readable in a terminal)."""
    lines = [
        "| events | open (s) | slider p50 (ms) | slider p95 (ms) | folium reload p50 (ms) | speed-up | peak app + renderer (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, row in results.get("sizes", {}).items():
        if "error" in row:
            lines.append(f"| {int(n):,} | {row['error']} | | | | | |")
            continue
        naive = row.get("naive_ms_p50")
        naive_text = f"{naive:,.0f}" if naive else row.get("naive_note", "n/a")
        speedup = f"{row['naive_speedup']:,.0f}×" if row.get("naive_speedup") else "–"
        lines.append(
            f"| {int(n):,} | {row['open_s']:.2f} | {row['slider_ms_p50']:.0f} | {row['slider_ms_p95']:.0f} | {naive_text} | {speedup} "
            f"| {row['peak_mb']:,.0f} ({row['app_peak_mb']:,.0f} + {row['renderer_peak_mb']:,.0f}) |"
        )
    cold, floor, export, floor_exit = (results.get(k) for k in ("cold_start_s", "floor_s", "export_png_s", "floor_exit_s"))
    lines.append("")
    lines.append(f"Cold start to first painted map (bundled dataset, {results.get('cold_start_via', '?')}): {_s(cold)}; "
                 f"floor (bare QWebEngineView painting a local page): {_s(floor)} (ratio {_x(_ratio(cold, floor))}).")
    lines.append(f"Headless PNG export (`eventmap export -o x.png`, whole process): {_s(export)}; "
                 f"floor process start to exit: {_s(floor_exit)} (ratio {_x(_ratio(export, floor_exit))}).")
    via = {row.get("slider_via") for row in results.get("sizes", {}).values() if row.get("slider_via")}
    if via:
        lines.append(f"Slider measured through: {', '.join(sorted(via))}.")
    loads = [v for row in results.get("sizes", {}).values() for v in row.get("load_average", []) if v is not None]
    if loads:
        lines.append(f"Load average (1 min) while measuring: {min(loads):.1f}–{max(loads):.1f} on {results.get('machine', {}).get('cores', '?')} cores.")
    m = results.get("machine", {})
    if m:
        lines.append(f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('memory_gb')} GB, {m.get('os')}, "
                     f"Python {m.get('python')}, PySide6 {m.get('pyside6', '?')}, {m.get('qpa')}, {m.get('rendering')}.")
    targets = results.get("targets")
    if targets:
        lines.append("")
        lines.append("| target | reached | limit | met |")
        lines.append("|---|---:|---:|:---:|")
        for key, t in targets.items():
            value = "–" if t["value"] is None else f"{t['value']:,.2f}"
            met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
            lines.append(f"| {key} | {value} | {'≥' if key.startswith('naive') else '≤'} {t['target']:,g} | {met} |")
    return "\n".join(lines)


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def readme_section(results: dict[str, Any]) -> str:
    """The README's benchmark section: what was measured, the table, and where the time goes."""
    sizes = results.get("sizes", {})
    notes = []
    for n, row in sizes.items():
        if "error" in row or row.get("slider_frame_produced_ms_p50") is None:
            continue
        notes.append(
            f"{int(n):,}: Python {row['slider_python_ms_p50']:.0f} ms, page filter + draw {row['slider_page_work_ms_p50']:.0f} ms, "
            f"frame produced after {row['slider_frame_produced_ms_p50']:.0f} ms"
        )
    lines = [
        "`eventmap bench --sizes 1000,10000,100000,1000000 --json r.json` on synthetic datasets (`geo.synthetic`:",
        "fixed seed, events clustered around cities of South and Central Asia and Russia, 2010–2025, 30% with spans).",
        f"Slider: a window change in Python ({_slider_via(results)}) until the page reports that frame painted",
        "(the page draws the change at once and acknowledges it after the next frame has been rendered), p50/p95",
        "over 30 day, month, year and multi-year windows, each sent after a random 0–17 ms pause (a user's moves",
        "are not timed to the screen's 60 Hz frames; sent back to back, each would wait almost a whole frame).",
        "Folium: one `CircleMarker` with popup and tooltip per event in the window, HTML rendered again and the page",
        "reloaded from a file until painted (no tiles or basemap: a lower bound), p50 over one window of each size.",
        "Open: read the GeoJSON file, build the page, first paint. Peak: VmHWM of the app and of the page's renderer.",
        "",
        format_table(results),
    ]
    if results.get("formats"):
        lines += ["", "Opening the same datasets from other formats (`--formats csv,parquet`):", "", format_formats_table(results)]
    if notes:
        lines += ["", "Where slider time goes (p50): " + "; ".join(notes) + "; the rest is the wait for the next frame."]
    return "\n".join(lines)


def _slider_via(results: dict[str, Any]) -> str:
    via = sorted({row.get("slider_via", "") for row in results.get("sizes", {}).values()} - {""})
    return ", ".join(f"`{v}`" for v in via) or "?"


def update_readme(path: str | Path, results: dict[str, Any]) -> bool:
    """Put :func:`readme_section` between the README's bench markers; False when they are missing."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return False
    text = text[: start + len(README_START)] + "\n" + readme_section(results) + "\n" + text[end:]
    path.write_text(text, encoding="utf-8")
    return True


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


# --- windows the slider moves to ------------------------------------------------------


def slider_windows(date_range: tuple[float, float] | None, moves: int, seed: int = MOVE_SEED) -> list[tuple[str, Any]]:
    """``moves`` time windows across the range, cycling day, month, year and multi-year sizes.

    Returns (kind, TimeWindow) pairs; no two neighbours are equal, so each is a real change.
    """
    import numpy as np  # noqa: PLC0415

    from eventmap.geo.dates import TimeWindow, date_from_ms  # noqa: PLC0415

    if date_range is None:
        return [("all", TimeWindow.all_time())]
    lo, hi = date_range
    rng = np.random.default_rng(seed)
    first_year, last_year = date_from_ms(lo, "year").text, date_from_ms(hi - 1, "year").text
    windows: list[tuple[str, Any]] = []
    for k in range(moves):
        kind = MOVE_KINDS[k % len(MOVE_KINDS)]
        at = float(lo + rng.random() * max(hi - lo, 1.0))
        if kind == "day":
            window = TimeWindow.between(date_from_ms(at, "day").text, date_from_ms(at, "day").text)
        elif kind == "month":
            window = TimeWindow.between(date_from_ms(at, "month").text, date_from_ms(at, "month").text)
        elif kind == "year":
            window = TimeWindow.year(int(date_from_ms(at, "year").text))
        else:
            year = int(date_from_ms(at, "year").text)
            start = max(int(first_year), min(year, int(last_year) - 2))
            window = TimeWindow.between(str(start), str(start + 2))
        if windows and windows[-1][1] == window:
            window = TimeWindow(window.lo, window.hi + 86_400_000.0)
        windows.append((kind, window))
    return windows


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100) with linear interpolation, as numpy computes it."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- memory -----------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, float]:
    """VmHWM and VmRSS of a process in MB (empty when it is gone)."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in ("VmHWM", "VmRSS"):
                out[key] = round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return out


def helper_processes(root: int) -> list[dict[str, Any]]:
    """Every process started under ``root`` (WebEngine's zygote, renderers, GPU and utility processes)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                frontier.append(pid)
                try:
                    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                kind = next((a.decode()[7:] for a in args if a.startswith(b"--type=")), "browser-helper")
                found.append({"pid": pid, "type": kind, **proc_status(pid)})
    return found


# --- children: the measuring processes ------------------------------------------------------


class _ViewHost:
    """Drives a bare QtMapView (when the main window cannot be built)."""

    via = "QtMapView.set_window"

    def __init__(self) -> None:
        from eventmap.desktop.map.map_view import QtMapView  # noqa: PLC0415

        self.view = QtMapView()
        self.view.resize(*VIEW_SIZE)
        self.widget = self.view

    def show_dataset(self, dataset) -> None:
        from eventmap.geo.dates import TimeWindow  # noqa: PLC0415
        from eventmap.geo.page.config import MapOptions  # noqa: PLC0415

        self.view.show_dataset(dataset, TimeWindow.all_time(), MapOptions(title=dataset.name))

    def first_paint_seq(self) -> int:
        return 0

    def set_window(self, window) -> int:
        return self.view.set_window(window, window.label())

    def close(self) -> None:
        import shiboken6  # noqa: PLC0415

        self.view.close()
        shiboken6.delete(self.view)


class _WindowHost:
    """Drives the real main window: the slider's path through ViewState and MapLink."""

    via = "MainWindow ViewState.set_window"

    def __init__(self) -> None:
        from eventmap.desktop.main_window import MainWindow  # noqa: PLC0415

        self.main = MainWindow(remember=False)
        self.main.resize(1400, 900)
        self.view = self.main.view
        self.widget = self.main

    def show_dataset(self, dataset) -> None:
        from eventmap.geo.dates import TimeWindow  # noqa: PLC0415

        self.main.show_dataset(dataset, TimeWindow.all_time())

    def first_paint_seq(self) -> int:
        return self.main.map_link.last_seq

    def set_window(self, window) -> int:
        self.main.state.set_window(window)
        return self.main.map_link.last_seq

    def close(self) -> None:
        from eventmap.desktop.main_window import delete_window  # noqa: PLC0415

        delete_window(self.main)


def _make_host(prefer_window: bool = True):
    if prefer_window:
        try:
            return _WindowHost()
        except Exception as exc:  # noqa: BLE001 - any failure of the (changing) window: measure the view
            _say(f"main window not usable ({type(exc).__name__}: {exc}); measuring QtMapView")
    return _ViewHost()


class _PaintClock:
    """Notes when each frame sequence number is reported painted."""

    def __init__(self, view) -> None:
        self.view = view
        self.times: dict[int, float] = {}
        self.infos: dict[int, dict[str, Any]] = {}
        self.last_info: dict[str, Any] = {}
        view.framePainted.connect(self._on_painted)

    def _on_painted(self, seq: int, info: dict) -> None:
        self.times.setdefault(seq, time.perf_counter())
        self.infos.setdefault(seq, info)
        self.last_info = info

    def wait(self, seq: int, timeout_s: float) -> float | None:
        """The time ``seq`` was painted (waiting for it), or None on timeout."""
        if seq not in self.times:
            self.view.wait_painted(seq, int(timeout_s * 1000))
        return self.times.get(seq) if seq in self.times else next((t for s, t in self.times.items() if s >= seq), None)


def child_size(path: str, moves: int, naive_runs: int, out: str, prefer_window: bool = True) -> int:
    """Measure one dataset file: open, slider, memory, folium baseline; write JSON to ``out``."""
    from eventmap.desktop.app import application  # noqa: PLC0415

    app = application(headless=True)
    from PySide6.QtCore import QEventLoop, QTimer  # noqa: PLC0415

    host = _make_host(prefer_window)
    host.widget.show()
    _spin(QEventLoop, QTimer, 200)
    clock = _PaintClock(host.view)

    from eventmap.geo.importers import load_dataset  # noqa: PLC0415

    start = time.perf_counter()
    dataset = load_dataset(path)
    loaded = time.perf_counter()
    host.show_dataset(dataset)
    built = time.perf_counter()
    painted = clock.wait(host.first_paint_seq(), 300)
    if painted is None:
        print(json.dumps({"error": "the map did not paint within 300 s"}), file=sys.stderr)
        return 1
    # Anything the window queued while the page loaded (the window label...) settles first.
    _spin(QEventLoop, QTimer, 300)
    row: dict[str, Any] = {
        "events": len(dataset),
        "open_s": round(painted - start, 3),
        "open_read_s": round(loaded - start, 3),
        "open_build_s": round(built - loaded, 3),
        "open_page_s": round(painted - built, 3),
        "slider_via": host.via,
    }

    latencies: list[float] = []
    kinds: dict[str, list[float]] = {}
    produced: list[float] = []
    page_work: list[float] = []
    python_side: list[float] = []
    windows = slider_windows(dataset.date_range(), moves)
    # A user's moves are not timed to the screen's frames: wait a random part of
    # a 60 Hz frame before each one (fixed seed). Sent back to back instead,
    # every move would start just after a frame and wait almost a whole one.
    pauses = random.Random(5).uniform
    for kind, window in windows:
        _spin(QEventLoop, QTimer, int(pauses(0, 17)))
        sent_at = time.time()
        t0 = time.perf_counter()
        seq = host.set_window(window)
        python_side.append((time.perf_counter() - t0) * 1000)
        done = clock.wait(seq, 60)
        if done is None:
            print(f"bench: window {window} did not paint within 60 s", file=sys.stderr)
            continue
        ms = (done - t0) * 1000
        latencies.append(ms)
        kinds.setdefault(kind, []).append(ms)
        info = clock.infos.get(seq, {})
        if info.get("producedAt"):
            produced.append(info["producedAt"] - sent_at * 1000)
        page_work.append((info.get("filterMs") or 0) + (info.get("drawMs") or 0))
    row["slider_ms_p50"] = round(percentile(latencies, 50), 1)
    row["slider_ms_p95"] = round(percentile(latencies, 95), 1)
    row["slider_moves"] = len(latencies)
    row["slider_ms_p50_by_kind"] = {k: round(percentile(v, 50), 1) for k, v in kinds.items()}
    # Where the time goes: Python until the message leaves, the page's filter
    # and draw, and the frame holding the drawing produced (the rest of
    # slider_ms is the acknowledgement's wait for the next frame).
    row["slider_python_ms_p50"] = round(percentile(python_side, 50), 1)
    row["slider_page_work_ms_p50"] = round(percentile(page_work, 50), 1)
    row["slider_frame_produced_ms_p50"] = round(percentile(produced, 50), 1) if produced else None
    row["frame"] = {k: clock.last_info.get(k) for k in ("mode", "shown", "inView")}

    me = proc_status(os.getpid())
    renderer_pid = host.view.page().renderProcessPid()
    renderer = proc_status(renderer_pid) if renderer_pid > 0 else {}
    helpers = helper_processes(os.getpid())
    row["app_peak_mb"] = me.get("VmHWM")
    row["renderer_peak_mb"] = renderer.get("VmHWM")
    row["peak_mb"] = round((me.get("VmHWM") or 0) + (renderer.get("VmHWM") or 0), 1)
    row["other_processes"] = [{"type": h["type"], "peak_mb": h.get("VmHWM")} for h in helpers if h["pid"] != renderer_pid]

    if naive_runs:
        naive = naive_reload_times(dataset, [w for _, w in windows[:naive_runs]], Path(out).parent)
        ok = [t for t in naive if t is not None]
        row["naive_runs_ms"] = [None if t is None else round(t * 1000, 1) for t in naive]
        if ok and len(ok) == len(naive):
            row["naive_ms_p50"] = round(statistics.median(ok) * 1000, 1)
            row["naive_speedup"] = round(row["naive_ms_p50"] / max(row["slider_ms_p50"], 0.1), 1)
        else:
            row["naive_ms_p50"] = None
            row["naive_note"] = f"n/a: did not load in {NAIVE_TIMEOUT_S:.0f} s"
    host.close()
    Path(out).write_text(json.dumps(row, indent=1))
    del app
    return 0


def _spin(QEventLoop, QTimer, ms: int) -> None:  # noqa: N803 - Qt classes passed in, imported late
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


# --- the folium baseline ----------------------------------------------------------------


def folium_page(events, title_token: str) -> str:
    """A plain folium map, one CircleMarker with popup and tooltip per event, loading offline.

    Leaflet and jQuery come from the installed xstatic packages as file:// URLs
    (set on this map, not on folium's class); no tiles, so nothing reaches the
    network. Once the page has loaded and painted twice its title becomes
    ``title_token``, which the benchmark waits for.
    """
    import folium  # noqa: PLC0415
    import xstatic.pkg.jquery as jquery  # noqa: PLC0415
    import xstatic.pkg.leaflet as leaflet  # noqa: PLC0415
    from branca.element import Element  # noqa: PLC0415

    from eventmap.geo.page.colors import category_colors  # noqa: PLC0415

    fmap = folium.Map(location=[35, 68], zoom_start=4, tiles=None)
    fmap.default_js = [
        ("leaflet", Path(leaflet.BASE_DIR, "leaflet.js").as_uri()),
        ("jquery", Path(jquery.BASE_DIR, "jquery.min.js").as_uri()),
    ]
    fmap.default_css = [("leaflet_css", Path(leaflet.BASE_DIR, "leaflet.css").as_uri())]
    colors = category_colors(sorted({e.category for e in events}))
    for e in events:
        folium.CircleMarker(
            location=[e.lat, e.lon],
            radius=6,
            color="#ffffff",
            weight=1,
            fill=True,
            fill_color=colors.get(e.category, "#666666"),
            fill_opacity=0.9,
            # As a careful folium user would: plain text, escaped by folium itself.
            popup=folium.Popup(" · ".join((e.title, e.when(), e.place)), parse_html=True, max_width=300),
            tooltip=e.title,
        ).add_to(fmap)
    token = json.dumps(title_token)
    script = ("<script>window.addEventListener('load', function () { requestAnimationFrame(function () {"
              f" requestAnimationFrame(function () {{ document.title = {token}; }}); }}); }});</script>")
    fmap.get_root().html.add_child(Element(script))
    return fmap.get_root().render()


def naive_reload_times(dataset, windows, folder: Path) -> list[float | None]:
    """Seconds to re-render the folium page for each window and reload it until painted (None: timed out)."""
    from PySide6.QtCore import QEventLoop, QTimer, QUrl  # noqa: PLC0415
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: PLC0415

    view = QWebEngineView()
    view.resize(*VIEW_SIZE)
    view.show()
    cols = dataset.columns
    times: list[float | None] = []
    for k, window in enumerate(windows):
        token = f"painted-{k}-{time.monotonic_ns()}"
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        seen: list[float] = []

        def on_title(title: str, token=token, seen=seen, loop=loop) -> None:
            if title == token and not seen:
                seen.append(time.perf_counter())
                loop.quit()

        view.titleChanged.connect(on_title)
        start = time.perf_counter()
        mask = cols.in_window(window.lo, window.hi)
        events = [dataset.events[i] for i in mask.nonzero()[0].tolist()]
        page = folder / f"folium-{k}.html"
        page.write_text(folium_page(events, token), encoding="utf-8")
        view.load(QUrl.fromLocalFile(str(page)))
        timer.start(int(NAIVE_TIMEOUT_S * 1000))
        if not seen:
            loop.exec()
        view.titleChanged.disconnect(on_title)
        times.append(seen[0] - start if seen else None)
        _say(f"  folium, {len(events):,} markers: {'%.0f ms' % ((seen[0] - start) * 1000) if seen else 'did not load'}")
        page.unlink(missing_ok=True)
        if not seen:
            break  # a page that does not load in a minute will not for the next window either
    view.close()
    import shiboken6  # noqa: PLC0415

    shiboken6.delete(view)
    return times


# --- start-up children ------------------------------------------------------------------------


def child_cold() -> int:
    """The app as a user starts it, on the bundled dataset; prints the time of its first painted frame."""
    from eventmap.desktop.app import application  # noqa: PLC0415

    app = application(headless=True)
    host = _make_host()
    host.widget.show()
    from eventmap.geo.importers import load_dataset  # noqa: PLC0415
    from eventmap.geo.paths import default_dataset  # noqa: PLC0415

    if isinstance(host, _WindowHost):
        host.main.open_path(default_dataset())
    else:
        host.show_dataset(load_dataset(default_dataset()))
    clock = _PaintClock(host.view)
    if clock.wait(0, 120) is None:
        print("bench: the map did not paint", file=sys.stderr)
        return 1
    print(f"painted {time.time():.6f}", flush=True)
    host.close()
    del app
    return 0


FLOOR_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>floor</title></head>
<body style="margin:0;background:#b9d7ea;font:16px sans-serif"><p>eventmap floor</p>
<script>requestAnimationFrame(function () { requestAnimationFrame(function () { document.title = "painted"; }); });</script>
</body></html>"""


def child_floor() -> int:
    """The floor: a bare QWebEngineView painting a trivial local page; prints the time it painted."""
    from eventmap.desktop.app import prepare_environment  # noqa: PLC0415 - the same Chromium flags as the app

    prepare_environment(headless=True)
    from PySide6.QtCore import QUrl  # noqa: PLC0415
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: PLC0415

    app = QApplication([sys.argv[0]])
    page = Path(tempfile.gettempdir()) / f"eventmap-floor-{os.getpid()}.html"
    page.write_text(FLOOR_PAGE, encoding="utf-8")
    view = QWebEngineView()
    view.resize(*VIEW_SIZE)

    def on_title(title: str) -> None:
        if title == "painted":
            print(f"painted {time.time():.6f}", flush=True)
            app.quit()

    view.titleChanged.connect(on_title)
    view.load(QUrl.fromLocalFile(str(page)))
    view.show()
    app.exec()
    page.unlink(missing_ok=True)
    del view
    return 0


def child_mode() -> int:
    """Say whether the main window can be built (which path the slider and cold start use)."""
    from eventmap.desktop.app import application  # noqa: PLC0415

    application(headless=True)
    host = _make_host()
    print("MainWindow" if isinstance(host, _WindowHost) else "QtMapView")
    host.close()
    return 0


def child_shots(n: int, folder: str) -> int:
    """Pictures of the map at ``n`` synthetic events: all time, one year, and zoomed in on one city."""
    from eventmap.desktop.app import application  # noqa: PLC0415

    application(headless=True)
    from eventmap.geo.dates import TimeWindow  # noqa: PLC0415
    from eventmap.geo.synthetic import synthetic_dataset  # noqa: PLC0415

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    dataset = synthetic_dataset(n)
    host = _ViewHost()
    host.view.show()
    clock = _PaintClock(host.view)
    host.show_dataset(dataset)
    clock.wait(0, 300)
    host.view.send("fitAll")
    shots = [
        ("all-time", TimeWindow.all_time(), None),
        ("year-2020", TimeWindow.year(2020), None),
        ("pakistan-2020", TimeWindow.year(2020), (32.5, 69.5, 7)),
        ("peshawar-mar-2020", TimeWindow.between("2020-03", "2020-03"), (34.01, 71.58, 11)),
        ("peshawar-15-mar-2020", TimeWindow.between("2020-03-15", "2020-03-15"), (34.01, 71.58, 12)),
    ]
    from PySide6.QtCore import QEventLoop, QTimer  # noqa: PLC0415

    for name, window, place in shots:
        seq = host.set_window(window)
        seq = host.view.send("setView", {"lat": place[0], "lon": place[1], "zoom": place[2]}) if place else seq
        clock.wait(seq, 60)
        _spin(QEventLoop, QTimer, 400)  # the painted frame reaches the widget a moment later
        image = host.view.grab()
        image.save(str(out / f"map-{n}-{name}.png"), "PNG")
        print(f"{out / f'map-{n}-{name}.png'}: {clock.last_info}")
    host.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m desktop.bench CHILD ...``: the processes the benchmark starts."""
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="python -m desktop.bench")
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
    run = sub.add_parser("run", help="the whole benchmark (as eventmap bench)")
    run.add_argument("--sizes", default="1000,10000,100000,1000000")
    run.add_argument("--json")
    run.add_argument("--moves", type=int, default=30)
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
    return run_bench([int(s) for s in args.sizes.split(",")], json_out=args.json, moves=args.moves)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING, format="eventmap: %(message)s")
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: the results are written, and tearing down
    # WebEngine objects at exit can crash in PySide's garbage collection.
    os._exit(status)
