"""The measuring processes (one per size, cold start, floor, mode, shots): each starts Qt itself."""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .measure import NAIVE_TIMEOUT_S, VIEW_SIZE, _say, helper_processes, percentile, proc_status, slider_windows

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
    from eventmap.desktop.app import pin_singletons, prepare_environment  # noqa: PLC0415 - the same flags as the app

    prepare_environment(headless=True)
    pin_singletons()
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
