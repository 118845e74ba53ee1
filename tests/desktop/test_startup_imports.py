"""Start-up imports only what the first painted map needs (cold start is benchmarked)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("geopy", "folium", "pyarrow", "duckdb", "psycopg", "pycountry", "rapidfuzz", "dateparser", "trafilatura", "av", "shapely")


def test_the_window_modules_do_not_import_heavy_libraries():
    code = (
        "import sys, eventmap.desktop.main_window, eventmap.desktop.run, eventmap.desktop.cli\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "", f"imported at start-up: {done.stdout.strip()}"
