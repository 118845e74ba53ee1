"""The ``eventmap`` command: the desktop app, and commands that need no window.

    eventmap [FILE] [--year Y | --from DATE --to DATE] [--screenshot OUT.png]
    eventmap validate FILE|SOURCE [--table T | --query SQL] [--time-limit S]
    eventmap geocode NAME [--country CC] [--online]
    eventmap export -o OUT [--dataset FILE|SOURCE [--table T | --query SQL]] [--year Y | --from D --to D] [--size WxH] [--scale N] [--basemap NAME] [--with-table]
    eventmap export -o OUT.{mp4,webm,gif,webp} [--from D --to D] [--step UNIT] [--window LENGTH] [--fps N] [--hold-last S] [--trail N]
    eventmap import FILE -o OUT.geojson|OUT.parquet [--parquet-geometry wkb|lonlat]

SOURCE is a database: duckdb:FILE?table=T or postgresql://USER@HOST/DB?table=T (no password in it).
Exit codes: 0 done, 1 bad data (one line per problem), 2 bad usage.
Qt is imported only by the commands that draw.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from eventmap.geo.animation import STEP_NAMES
from eventmap.geo.dates import TimeWindow
from eventmap.geo.errors import EventmapError
from eventmap.geo.page.assets import BASEMAPS
from eventmap.geo.sanitize import display_path

COMMANDS = ("validate", "geocode", "export", "import", "extract")
ANIMATION_SUFFIXES = (".mp4", ".webm", ".gif", ".webp")
ANIMATION_ONLY = {"step": "--step", "window_length": "--window", "fps": "--fps", "hold_last": "--hold-last", "trail": "--trail"}


class UsageError(Exception):
    """Bad command-line usage (exit code 2)."""


BASEMAP_HELP = "natural-earth, natural-earth-110m, or a local .pmtiles / .mbtiles file drawn under the events"


def _basemap(text: str) -> str:
    """A basemap name, or the path of a PMTiles or MBTiles file (checked when it is opened)."""
    if text in BASEMAPS or text.lower().endswith((".pmtiles", ".mbtiles")):
        return text
    raise argparse.ArgumentTypeError(f"{text!r}: use {BASEMAP_HELP}")


def _add_window_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("time window (default: all time)")
    group.add_argument("--year", type=int, help="only events touching this calendar year")
    group.add_argument("--from", dest="date_from", metavar="DATE", help="window start: 2024, 2024-09 or 2024-09-01")
    group.add_argument("--to", dest="date_to", metavar="DATE", help="window end, inclusive (same forms)")
    group.add_argument("--cumulative", action="store_true", help="everything up to the window's end")


def window_from_args(args: argparse.Namespace) -> TimeWindow:
    """The time window the arguments ask for."""
    if args.year is not None and (args.date_from or args.date_to):
        raise UsageError("use either --year or --from/--to, not both")
    try:
        if args.year is not None:
            return TimeWindow.year(args.year)
        if args.date_from or args.date_to:
            return TimeWindow.between(args.date_from, args.date_to)
    except EventmapError as exc:
        raise UsageError(str(exc)) from None
    return TimeWindow.all_time()


def _add_database_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("database source (duckdb:FILE or postgresql://USER@HOST/DB; the password from ~/.pgpass or PGPASSWORD)")
    pick = group.add_mutually_exclusive_group()
    pick.add_argument("--table", help="read this table (or view)")
    pick.add_argument("--query", metavar="SQL", help="read the rows of this query (run read-only)")
    group.add_argument("--time-limit", type=float, default=None, metavar="S", help="stop the query after S seconds (default 120)")


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1200x800") from None
    return width, height


def _parser_app() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eventmap",
        description="A desktop map of dated events. Opens the bundled dataset, or FILE.",
        epilog="Other commands: " + ", ".join(COMMANDS) + " (eventmap COMMAND --help).",
    )
    parser.add_argument("file", nargs="?", help="event file to open (.geojson, .csv, .kml, .kmz, .parquet, .gpkg), or a database source (duckdb:FILE?table=T)")
    _add_window_arguments(parser)
    parser.add_argument("--screenshot", metavar="OUT.png", help="save a picture of the window once the map has painted, then exit")
    parser.add_argument("--size", type=_size, default=None, help="window size for --screenshot, e.g. 1400x900")
    parser.add_argument("--basemap", type=_basemap, default=None, metavar="NAME|FILE", help=BASEMAP_HELP)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    return parser


def _parser_commands() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="eventmap")
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check an event file and summarise it")
    validate.add_argument("file")
    _add_database_arguments(validate)
    geocode = sub.add_parser("geocode", help="look a place name up (offline gazetteer unless --online)")
    geocode.add_argument("name")
    geocode.add_argument("--country", help="ISO country code to prefer, e.g. RU or US")
    geocode.add_argument("--online", action="store_true", help="also ask OpenStreetMap Nominatim (network)")
    export = sub.add_parser("export", help="write the map as .png, .pdf, .html, the events as .geojson, or an animation (.mp4, .webm, .gif, .webp)")
    export.add_argument("-o", "--output", required=True, metavar="OUT")
    export.add_argument("--dataset", metavar="FILE", help="event file or database source (default: the bundled dataset)")
    _add_database_arguments(export)
    _add_window_arguments(export)
    export.add_argument("--size", type=_size, default=None, help="image size in pixels, e.g. 1600x1000 (default 1200x800; 1280x720 for animations)")
    export.add_argument("--scale", type=float, default=1.0, help="pixel density: 2 for a sharp 2x image")
    export.add_argument("--basemap", type=_basemap, default="natural-earth", metavar="NAME|FILE", help=BASEMAP_HELP)
    export.add_argument("--title", help="title shown on the map (default: the dataset's name)")
    export.add_argument("--category", action="append", metavar="NAME", help="show only this category (repeatable)")
    export.add_argument("--search", default="", help="show only events matching these words")
    export.add_argument("--with-table", action="store_true", help="PDF: list the events shown on the pages after the map")
    animation = export.add_argument_group("animations (.mp4, .webm, .gif, .webp): one frame per step from --from to --to")
    animation.add_argument("--step", choices=STEP_NAMES, help="how far each frame moves on (default: one that fits the range)")
    animation.add_argument("--window", dest="window_length", metavar="LENGTH", help="how long each frame's window is: year, '3 months', 7d, 6h (default: one step)")
    animation.add_argument("--fps", type=float, default=None, help="frames per second (default 4)")
    animation.add_argument("--hold-last", type=float, default=None, metavar="SECONDS", help="keep the last frame on screen this long (default 0)")
    animation.add_argument("--trail", type=int, default=None, metavar="STEPS", help="events fade out over this many steps after their window")
    export.add_argument("--legend-all", action="store_true", help="list every category in the legend, not only those shown")
    export.add_argument("--interactive", action="store_true",
                        help=".html: an interactive page (time slider, filters, event list, story) instead of a still map")
    ext = sub.add_parser("extract", help="candidate events of a news article (.txt or .html) as GeoJSON, for review")
    ext.add_argument("file", metavar="ARTICLE")
    ext.add_argument("-o", "--output", required=True, metavar="OUT.geojson")
    ext.add_argument("--published", metavar="YYYY-MM-DD", help="the article's publication date (else found in it)")
    ext.add_argument("--min-confidence", type=float, default=0.5, metavar="X", help="leave out candidates below X (0..1, default 0.5)")
    imp = sub.add_parser("import", help="convert any supported file into a canonical eventmap GeoJSON, or GeoParquet (.parquet)")
    imp.add_argument("file")
    _add_database_arguments(imp)
    imp.add_argument("-o", "--output", required=True, metavar="OUT.geojson|OUT.parquet")
    imp.add_argument("--parquet-geometry", choices=("wkb", "lonlat"), default="wkb",
                     help="for .parquet: a GeoParquet WKB geometry column (default) or plain longitude/latitude columns")
    return parser


def load(path: str | None, args: argparse.Namespace | None = None):
    """Load an event file (the bundled dataset when None), or a database source with --table/--query."""
    from eventmap.geo.databases import is_database_source, parse_source, read_database
    from eventmap.geo.importers import load_dataset
    from eventmap.geo.paths import default_dataset

    table, query = getattr(args, "table", None), getattr(args, "query", None)
    if is_database_source(path) or table or query:
        if path is None:
            raise UsageError("--table and --query need a database source (duckdb:FILE or postgresql://...)")
        try:
            source = parse_source(path, table=table, query=query, time_limit=getattr(args, "time_limit", None))
        except EventmapError as exc:
            raise UsageError(exc.message) from None
        return read_database(source)
    return load_dataset(path or default_dataset())


def cmd_validate(args: argparse.Namespace) -> int:
    from eventmap.geo.validate import validate_dataset

    report = validate_dataset(load(args.file, args))
    for line in report.lines():
        print(line)
    return 1 if report.problems else 0


def cmd_export(args: argparse.Namespace) -> int:
    from eventmap.desktop.export import FORMATS, ExportRequest, export
    from eventmap.geo.view import ViewFilter

    suffix = Path(args.output).suffix.lower()
    if suffix not in FORMATS and suffix not in ANIMATION_SUFFIXES:
        names = ", ".join([*FORMATS, *ANIMATION_SUFFIXES])
        raise UsageError(f"{args.output}: cannot export to {suffix or 'a file without extension'!r}; use one of {names}")
    animated = suffix in ANIMATION_SUFFIXES
    given = [flag for name, flag in ANIMATION_ONLY.items() if getattr(args, name) is not None]
    if given and not animated:
        raise UsageError(f"{', '.join(given)}: only for animations (.mp4, .webm, .gif, .webp), not {suffix}")
    if args.with_table and suffix != ".pdf":
        raise UsageError("--with-table: only for PDF exports")
    if args.interactive and suffix != ".html":
        raise UsageError("--interactive: only for .html exports")
    window = window_from_args(args)
    dataset = load(args.dataset, args)
    hidden: frozenset[str] = frozenset()
    if args.category:
        unknown = sorted(set(args.category) - set(dataset.categories()))
        if unknown:
            raise UsageError(f"unknown category {', '.join(unknown)}; the dataset has {', '.join(dataset.categories())}")
        hidden = frozenset(set(dataset.categories()) - set(args.category))
    request = ExportRequest(
        out=Path(args.output), dataset=dataset, size=args.size or ((1280, 720) if animated else (1200, 800)), scale=args.scale,
        basemap=args.basemap if args.basemap in BASEMAPS else "natural-earth",
        basemap_file=None if args.basemap in BASEMAPS else args.basemap,
        title=args.title, with_table=args.with_table, legend_all=args.legend_all,
        interactive=args.interactive, view=ViewFilter(window=window, cumulative=args.cumulative, hidden=hidden, search=args.search),
    )
    if animated:
        return _export_animation(args, request)
    path = export(request)
    if request.interactive:
        print(f"wrote {display_path(path)} (interactive page of {len(dataset)} events)")
        return 0
    shown = len(request.shown())
    print(f"wrote {display_path(path)} ({request.label()}: {shown} of {len(dataset)} events)")
    return 0


def _export_animation(args: argparse.Namespace, still) -> int:
    from eventmap.desktop.export.animation import AnimationRequest, render_animation
    from eventmap.desktop.export.progress import TextProgress
    from eventmap.geo.animation import default_step_name, plan_frames

    window = still.view.window
    data_range = still.dataset.date_range()
    try:
        step = args.step or default_step_name(window, data_range)
        plan = plan_frames(window, step, args.window_length, args.cumulative, args.trail or 0, data_range)
        request = AnimationRequest(still, plan, fps=4.0 if args.fps is None else args.fps, hold_last=args.hold_last or 0.0)
        request.check()
    except EventmapError as exc:  # every option is checked before any frame is drawn
        raise UsageError(str(exc)) from None
    path = render_animation(request, TextProgress())
    print(f"wrote {path} ({len(plan)} frames, {plan.window().label()} by {step}, {request.frame_count() / request.fps:.1f} s)")
    return 0


def cmd_geocode(args: argparse.Namespace) -> int:
    """``eventmap geocode NAME [--country CC] [--online]``: print where a name is.

    Prints ``Moscow, Russia: 55.7522, 37.6156 (source: gazetteer, GeoNames 524901)``
    and returns 0; for an unknown name prints ``no match for 'X' in the
    offline gazetteer (try --online)`` on stderr and returns 1. An unknown
    country or a failed online request is an EventmapError (one line, exit 1).
    """
    from eventmap.geo.places.geocoding import make_geocoder

    chain = make_geocoder(online=args.online)
    result = chain.resolve(args.name, country=args.country)
    if result is None:
        where = "the offline gazetteer or Nominatim" if args.online else "the offline gazetteer"
        within = f" in country {args.country}" if args.country else ""
        advice = "" if args.online else " (try --online)"
        print(f"no match for {args.name!r}{within} in {where}{advice}", file=sys.stderr)
        return 1
    country_name = result.country_name or (chain.country_name(result.country) if result.country else "")
    label = f"{result.name}, {country_name}" if country_name and country_name != result.name else result.name
    source = f"{result.source}, {result.reference}" if result.reference else result.source
    print(f"{label}: {result.lat:.4f}, {result.lon:.4f} (source: {source})")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from eventmap.geo.article.run import run_extract

    return run_extract(args.file, args.output, published=args.published, min_confidence=args.min_confidence)


def cmd_import(args: argparse.Namespace) -> int:
    from eventmap.geo.convert import run_import

    return run_import(args.file, args.output, parquet_geometry=args.parquet_geometry, load=lambda src: load(src, args))


def cmd_app(args: argparse.Namespace) -> int:
    if args.version:
        from eventmap.geo import __version__

        print(f"eventmap {__version__}")
        return 0
    window = window_from_args(args)
    if args.screenshot is None:  # a screenshot renders offscreen by itself
        from eventmap.desktop.app import missing_display

        problem = missing_display()
        if problem:
            print(problem, file=sys.stderr)
            return 2
    from eventmap.desktop.run import run_app

    return run_app(args.file, window=window, cumulative=args.cumulative, screenshot=args.screenshot, size=args.size, basemap=args.basemap)


TEXT_ARGUMENTS = ("title", "search", "name", "country", "category")


def clean_text_arguments(args: argparse.Namespace) -> argparse.Namespace:
    """The text options (not the file names) with undecodable bytes as U+FFFD, as dataset text is cleaned.

    An argument in another encoding than the terminal's reaches Python with lone
    surrogates (``--title $'T\\xff'``), which no page, picture or widget can hold.
    File names keep them: the file is opened by its real name.
    """
    from eventmap.geo.sanitize import clean_text

    for key in TEXT_ARGUMENTS:
        value = getattr(args, key, None)
        if isinstance(value, str):
            setattr(args, key, clean_text(value))
        elif isinstance(value, list):
            setattr(args, key, [clean_text(v) if isinstance(v, str) else v for v in value])
    return args


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``eventmap`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # EVENTMAP_DEBUG=1 shows the log's notes too (e.g. Chromium running without its sandbox as root).
    level = logging.INFO if os.environ.get("EVENTMAP_DEBUG") else logging.WARNING
    logging.basicConfig(level=level, format="eventmap: %(message)s")
    if level > logging.INFO:
        # HTTP libraries log every retried connection (with tracebacks from geopy);
        # a failed online request is reported once, as an EventmapError.
        for noisy in ("urllib3", "geopy"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        if argv and argv[0] in COMMANDS:
            args = clean_text_arguments(_parser_commands().parse_args(argv))
            handler = {"validate": cmd_validate, "geocode": cmd_geocode, "export": cmd_export, "import": cmd_import, "extract": cmd_extract}
            return handler[args.command](args)
        return cmd_app(clean_text_arguments(_parser_app().parse_args(argv)))
    except UsageError as exc:
        print(f"eventmap: error: {exc}", file=sys.stderr)
        return 2
    except EventmapError as exc:
        for line in exc.lines():
            print(f"eventmap: {line}" if line is exc.message else f"  {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
