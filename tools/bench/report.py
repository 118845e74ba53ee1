"""The benchmark's targets and its result table."""

from __future__ import annotations

from typing import Any

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


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


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
