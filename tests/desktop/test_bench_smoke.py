"""A tiny run of the benchmark tool (``python -m tools.bench run``): its result has its shape and its numbers are positive.

No timing is asserted: the machine decides those. The tool lives in tools/bench,
outside the app's import path; the run is a subprocess from the checkout, as a
developer starts it, and the pure parts are loaded from the checkout's files.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventmap.geo.synthetic import synthetic_dataset

ROOT = Path(__file__).resolve().parents[2]


def load_bench():
    """tools/bench as a package named eventmap_bench (tools/ is not an installed package)."""
    if "eventmap_bench" in sys.modules:
        return sys.modules["eventmap_bench"]
    folder = ROOT / "tools" / "bench"
    spec = importlib.util.spec_from_file_location("eventmap_bench", folder / "__init__.py", submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["eventmap_bench"] = module
    spec.loader.exec_module(module)
    return module


def bench_module(name: str):
    load_bench()
    return importlib.import_module(f"eventmap_bench.{name}")


@pytest.mark.webengine
def test_a_tiny_bench_run_writes_the_result_structure(tmp_path):
    out = tmp_path / "r.json"
    done = subprocess.run([sys.executable, "-m", "tools.bench", "run", "--sizes", "300", "--moves", "8", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    row = result["sizes"]["300"]
    for key in ("slider_ms_p50", "slider_ms_p95", "naive_ms_p50", "open_s", "peak_mb", "app_peak_mb", "renderer_peak_mb"):
        assert row[key] > 0, key
    assert row["slider_moves"] == 8
    assert row["slider_ms_p95"] >= row["slider_ms_p50"]
    assert row["events"] == 300
    for key in ("cold_start_s", "floor_s", "export_png_s"):
        assert result[key] > 0, key
    assert result["machine"]["cores"] >= 1
    assert "| 300 |" in done.stdout and "Cold start" in done.stdout


def test_the_app_has_no_bench_command_any_more(capsys):
    from eventmap.desktop.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["bench", "--sizes", "10"])
    assert exit_.value.code == 2  # an unknown command: bad usage
    assert importlib.util.find_spec("eventmap.desktop.bench") is None


def test_slider_windows_cycle_sizes_and_always_change():
    slider_windows = bench_module("measure").slider_windows
    data = synthetic_dataset(500)
    windows = slider_windows(data.date_range(), 30)
    assert len(windows) == 30
    assert [k for k, _ in windows[:4]] == ["day", "month", "year", "multi-year"]
    assert all(a[1] != b[1] for a, b in zip(windows, windows[1:]))
    days = {k: (w.hi - w.lo) / 86_400_000 for k, w in windows[:4]}
    assert days["day"] == 1 and 28 <= days["month"] <= 31 and 365 <= days["year"] <= 366 and days["multi-year"] > 1000


def test_percentile_and_targets():
    percentile = bench_module("measure").percentile
    report = bench_module("report")
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([4, 1, 3, 2], 95) == pytest.approx(3.85)
    assert percentile([5], 95) == 5
    assert percentile([], 50) != percentile([], 50)  # NaN
    targets = report.check_targets({"sizes": {"10000": {"slider_ms_p50": 20, "naive_speedup": 10}}, "cold_start_s": 2, "floor_s": 1})
    assert targets["slider_ms_p50@10000"]["met"] is True
    assert targets["naive_speedup@10000"]["met"] is False
    assert targets["cold_start_ratio"]["value"] == 2
    assert targets["open_s@1000000"]["met"] is None
    table = report.format_table({"sizes": {}, "targets": targets})
    assert "| slider_ms_p50@10000 |" in table


def test_the_readme_writer_replaces_only_what_is_between_the_markers(tmp_path):
    readme = bench_module("readme")
    path = tmp_path / "README.md"
    path.write_text(f"# Title\n\nkept\n\n{readme.README_START}\nold table\n{readme.README_END}\n\nkept too\n", encoding="utf-8")
    result = {"sizes": {}, "targets": {}, "machine": {"cores": 2}}
    assert readme.update_readme(path, result) is True
    text = path.read_text(encoding="utf-8")
    assert "old table" not in text and text.startswith("# Title\n\nkept\n") and text.endswith("kept too\n")
    assert readme.readme_section(result) in text
    (tmp_path / "bare.md").write_text("no markers\n", encoding="utf-8")
    assert readme.update_readme(tmp_path / "bare.md", result) is False


@pytest.mark.webengine
def test_a_tiny_bench_run_from_csv_and_parquet(tmp_path):
    out = tmp_path / "r.json"
    done = subprocess.run([sys.executable, "-m", "tools.bench", "run", "--sizes", "300", "--moves", "4", "--naive-runs", "0",
                           "--cold-runs", "0", "--formats", "csv,parquet", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["sizes"] == {}
    for fmt in ("csv", "parquet"):
        row = result["formats"][fmt]["300"]
        assert row["events"] == 300 and "file_mb" in row
        assert 0 < row["open_read_s"] <= row["open_s"] and row["slider_ms_p50"] > 0, fmt
    assert "| csv | 300 |" in done.stdout and "| parquet | 300 |" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "tools.bench", "run", "--sizes", "300", "--formats", "xlsx"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "unknown format xlsx" in bad.stderr
