"""What the benchmark measures with: its settings, the slider's windows, percentiles, memory, the machine."""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
from pathlib import Path
from typing import Any

import numpy as np

NAIVE_LIMIT = 100_000  # folium is not tried above this many events
NAIVE_TIMEOUT_S = 60.0
NAIVE_RUNS = 4  # one window of each kind: the same mix as the slider's moves
COLD_RUNS = 3
MOVE_KINDS = ("day", "month", "year", "multi-year")
MOVE_SEED = 7
VIEW_SIZE = (1200, 800)
CHILD_TIMEOUT_S = 1800


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
    """The ``q``-th percentile (0..100) of ``values``, linear between ranks (NaN for none)."""
    if len(values) == 0:
        return math.nan
    return float(np.percentile(np.asarray(values, dtype=float), q))


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


def _say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)
