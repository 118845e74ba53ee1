"""``python -m tools.bench run``: how fast the map is, from 1k to 1M events, against the folium way.

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
