"""Writes a result into README.md between the bench markers (a developer tool, not the app)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .report import format_formats_table, format_table

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
        "`python -m tools.bench run --sizes 1000,10000,100000,1000000 --json r.json` on synthetic datasets (`geo.synthetic`:",
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
