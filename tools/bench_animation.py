"""Benchmark of animation exports: frames per second rendered and encoded, and peak memory.

    python tools/bench_animation.py [--sizes 1000,10000] [--resolutions 1280x720,1920x1080]
                                    [--formats mp4,gif] [--frames 60] [--json OUT]

Each case runs in its own process (a fresh QApplication and a clean peak-memory
count) on a synthetic dataset (``eventmap.geo.synthetic``), stepping month by
month through its range. frames/s counts from the first frame to the closed file
(rendering, grabbing, painting the overlay and encoding); the page's start-up is
shown apart. Peak memory is the process's high-water mark (VmHWM): a clip twice
as long must not need more, as frames stream to the encoder. Chromium's own
processes are not counted (they hold no frames).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _vm(key: str) -> float:
    """A /proc/self/status figure in MiB (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_case(n: int, size: tuple[int, int], suffix: str, frames: int) -> dict:
    """Render one clip of ``frames`` frames; the figures as a dict."""
    from eventmap.desktop.app import application
    from eventmap.desktop.export import ExportRequest
    from eventmap.desktop.export.animation import AnimationRequest, render_animation
    from eventmap.geo.animation import plan_frames, step_named
    from eventmap.geo.dates import TimeWindow
    from eventmap.geo.synthetic import synthetic_dataset

    application(headless=True)
    dataset = synthetic_dataset(n)
    lo, _hi = dataset.date_range()
    month = step_named("month")
    start = month.floor(lo)
    plan = plan_frames(TimeWindow(start, month.add(start, frames)), month)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"bench{suffix}"
        request = AnimationRequest(ExportRequest(out=out, dataset=dataset, size=size, title="benchmark"), plan, fps=10)
        marks: list[float] = []
        started = time.perf_counter()
        render_animation(request, lambda done, total: marks.append(time.perf_counter()) or True)
        finished = time.perf_counter()
        size_mb = out.stat().st_size / 2**20
    first = marks[0]
    return {
        "events": n, "size": f"{size[0]}x{size[1]}", "format": suffix[1:], "frames": len(plan),
        "startup_s": round(first - started, 2),
        "frames_per_s": round((len(plan) - 1) / (finished - first), 1),
        "peak_rss_mib": round(_vm("VmHWM")), "file_mib": round(size_mb, 2),
    }


def _case_in_subprocess(n: int, size: tuple[int, int], suffix: str, frames: int) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    args = [sys.executable, __file__, "--case", f"{n}:{size[0]}x{size[1]}:{suffix}:{frames}"]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"case {n} {size} {suffix} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="event counts (100000 works, slowly)")
    parser.add_argument("--resolutions", default="1280x720,1920x1080")
    parser.add_argument("--formats", default="mp4,gif")
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        n, size, suffix, frames = args.case.split(":")
        width, height = (int(v) for v in size.split("x"))
        print(json.dumps(run_case(int(n), (width, height), suffix, int(frames))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    resolutions = [tuple(int(v) for v in r.split("x")) for r in args.resolutions.split(",")]
    formats = ["." + f.strip(". ") for f in args.formats.split(",")]
    rows = []
    print(f"{'events':>8} {'size':>10} {'format':>6} {'frames':>6} {'start s':>8} {'frames/s':>9} {'peak MiB':>9} {'file MiB':>9}")
    for n in sizes:
        for size in resolutions:
            for suffix in formats:
                row = _case_in_subprocess(n, size, suffix, args.frames)
                rows.append(row)
                print(f"{row['events']:>8,} {row['size']:>10} {row['format']:>6} {row['frames']:>6} {row['startup_s']:>8} "
                      f"{row['frames_per_s']:>9} {row['peak_rss_mib']:>9} {row['file_mib']:>9}", flush=True)
    # Memory does not grow with the clip: the same case at twice the frames.
    n, size, suffix = sizes[-1], resolutions[0], formats[0]
    long = _case_in_subprocess(n, size, suffix, args.frames * 2)
    rows.append({**long, "memory_check": True})
    print(f"peak memory, {n:,} events {long['size']} {long['format']}: {args.frames} frames "
          f"{next(r['peak_rss_mib'] for r in rows if r['events'] == n and r['size'] == long['size'] and r['format'] == long['format'])} MiB, "
          f"{args.frames * 2} frames {long['peak_rss_mib']} MiB")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
