"""A tiny run of ``eventmap bench``: the result has its shape and its numbers are positive.

No timing is asserted: the machine decides those. The benchmark's children
are separate processes, so this test needs no QApplication of its own.
"""

from __future__ import annotations

import json

import pytest

from eventmap.desktop.bench import check_targets, format_table, percentile, run_bench, slider_windows
from eventmap.geo.synthetic import synthetic_dataset

pytestmark = pytest.mark.webengine


def test_a_tiny_bench_run_writes_the_result_structure(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert run_bench([300], json_out=str(out), moves=8, naive_runs=2, cold_runs=1, work_dir=str(tmp_path / "work")) == 0
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
    printed = capsys.readouterr().out
    assert "| 300 |" in printed and "Cold start" in printed


def test_slider_windows_cycle_sizes_and_always_change():
    data = synthetic_dataset(500)
    windows = slider_windows(data.date_range(), 30)
    assert len(windows) == 30
    assert [k for k, _ in windows[:4]] == ["day", "month", "year", "multi-year"]
    assert all(a[1] != b[1] for a, b in zip(windows, windows[1:]))
    days = {k: (w.hi - w.lo) / 86_400_000 for k, w in windows[:4]}
    assert days["day"] == 1 and 28 <= days["month"] <= 31 and 365 <= days["year"] <= 366 and days["multi-year"] > 1000


def test_percentile_and_targets():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    targets = check_targets({"sizes": {"10000": {"slider_ms_p50": 20, "naive_speedup": 10}}, "cold_start_s": 2, "floor_s": 1})
    assert targets["slider_ms_p50@10000"]["met"] is True
    assert targets["naive_speedup@10000"]["met"] is False
    assert targets["cold_start_ratio"]["value"] == 2
    assert targets["open_s@1000000"]["met"] is None
    table = format_table({"sizes": {}, "targets": targets})
    assert "| slider_ms_p50@10000 |" in table


def test_a_tiny_bench_run_from_csv_and_parquet(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert run_bench([300], json_out=str(out), moves=4, naive_runs=0, cold_runs=0, work_dir=str(tmp_path / "work"),
                     formats=("csv", "parquet")) == 0
    result = json.loads(out.read_text())
    assert result["sizes"] == {}
    for fmt in ("csv", "parquet"):
        row = result["formats"][fmt]["300"]
        assert row["events"] == 300 and "file_mb" in row
        assert 0 < row["open_read_s"] <= row["open_s"] and row["slider_ms_p50"] > 0, fmt
    printed = capsys.readouterr().out
    assert "| csv | 300 |" in printed and "| parquet | 300 |" in printed
    assert run_bench([300], formats=("xlsx",), cold_runs=0) == 2
