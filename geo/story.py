"""Stories: an ordered list of stops, each a map view, a time window, filters and a caption.

A story walks a reader through a dataset. It is saved inside the dataset file,
as the collection-level member ``story`` (so it travels with the events and is
kept like every other member), and can be written to and read from KML
``gx:Tour`` for Google Earth users.

The saved form, a JSON object::

    {"title": "Pakistan and Russia",
     "stops": [{"bounds": [south, west, north, east],
                "window": ["2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"],
                "cumulative": false, "hidden_categories": ["trade"],
                "search": "", "selected": "druzhba-v", "caption": "...", "hold": 6}]}

``window`` is half-open, ``[start, end)``, with ``null`` for an open end.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from eventmap.geo.errors import EventmapError

STORY_MEMBER = "story"
DEFAULT_HOLD = 6.0
MAX_STOPS = 1000
MAX_CAPTION = 5000
_KML = "http://www.opengis.net/kml/2.2"
_GX = "http://www.google.com/kml/ext/2.2"
_EARTH_RADIUS_M = 6_371_008.8

Bounds = tuple[float, float, float, float]


@dataclass(frozen=True)
class Stop:
    """One stop of a story: where the map looks, when, what it shows, and what it says.

    ``bounds`` is ``(south, west, north, east)`` in degrees; ``lo``/``hi`` the
    time window in epoch ms (``-inf``/``inf`` when open); ``selected`` the id of
    the event whose popup is open (``""`` for none); ``hold`` the seconds the
    stop stays on screen when the story plays.
    """

    bounds: Bounds
    lo: float = -math.inf
    hi: float = math.inf
    cumulative: bool = False
    hidden_categories: frozenset[str] = frozenset()
    search: str = ""
    selected: str = ""
    caption: str = ""
    hold: float = DEFAULT_HOLD

    @property
    def center(self) -> tuple[float, float]:
        """``(lat, lon)`` of the middle of the stop's view."""
        south, west, north, east = self.bounds
        return (south + north) / 2, (west + east) / 2


@dataclass(frozen=True)
class Story:
    """An ordered, immutable list of stops with a title; edits return a new story."""

    title: str = "Story"
    stops: tuple[Stop, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.stops)

    def added(self, stop: Stop, at: int | None = None) -> Story:
        """The story with ``stop`` inserted at ``at`` (the end by default)."""
        stops = list(self.stops)
        stops.insert(len(stops) if at is None else max(0, min(at, len(stops))), stop)
        return replace(self, stops=tuple(stops))

    def removed(self, index: int) -> Story:
        """The story without stop ``index``."""
        self._check(index)
        return replace(self, stops=self.stops[:index] + self.stops[index + 1 :])

    def moved(self, index: int, to: int) -> Story:
        """The story with stop ``index`` moved to position ``to``."""
        self._check(index)
        stops = list(self.stops)
        stop = stops.pop(index)
        stops.insert(max(0, min(to, len(stops))), stop)
        return replace(self, stops=tuple(stops))

    def replaced(self, index: int, stop: Stop) -> Story:
        """The story with stop ``index`` replaced by ``stop``."""
        self._check(index)
        return replace(self, stops=self.stops[:index] + (stop,) + self.stops[index + 1 :])

    def _check(self, index: int) -> None:
        if not 0 <= index < len(self.stops):
            raise IndexError(f"no stop {index} in a story of {len(self.stops)}")


# --- the saved form --------------------------------------------------------------------------


def _iso(ms: float) -> str | None:
    if not math.isfinite(ms):
        return None
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def _ms(text: Any, open_value: float, where: str) -> float:
    if text is None:
        return open_value
    if not isinstance(text, str):
        raise EventmapError(f"{where}: a window end must be a date text or null, not {type(text).__name__}")
    from eventmap.geo.dates import parse_date  # the one ISO 8601 reader

    date = parse_date(text)
    if date.is_open:
        return open_value
    return date.lo


def story_to_json(story: Story) -> dict[str, Any]:
    """The story as the JSON object saved in the dataset's ``story`` member."""
    return {
        "title": story.title,
        "stops": [
            {
                "bounds": [round(v, 6) for v in stop.bounds],
                "window": [_iso(stop.lo), _iso(stop.hi)],
                "cumulative": stop.cumulative,
                "hidden_categories": sorted(stop.hidden_categories),
                "search": stop.search,
                "selected": stop.selected,
                "caption": stop.caption,
                "hold": stop.hold,
            }
            for stop in story.stops
        ],
    }


def _text(value: Any, where: str, key: str, limit: int = 500) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise EventmapError(f"{where}: {key} must be text, not {type(value).__name__}")
    return value[:limit]


def _bounds(value: Any, where: str) -> Bounds:
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        raise EventmapError(f"{where}: bounds must be [south, west, north, east]")
    try:
        south, west, north, east = (float(v) for v in value)
    except (TypeError, ValueError, OverflowError):
        raise EventmapError(f"{where}: bounds must be four numbers") from None
    if not all(math.isfinite(v) for v in (south, west, north, east)):
        raise EventmapError(f"{where}: bounds must be finite numbers")
    if not (-90 <= south < north <= 90) or not (-540 <= west < east <= 540):
        raise EventmapError(f"{where}: bounds {list(value)!r} are not a view (south < north, west < east, in degrees)")
    return south, west, north, east


def stop_from_json(value: Any, where: str) -> Stop:
    """Read one saved stop.

    Raises
    ------
    EventmapError
        If the stop is not an object with valid bounds, window and fields.
    """
    if not isinstance(value, dict):
        raise EventmapError(f"{where}: a stop must be an object")
    window = value.get("window", [None, None])
    if not isinstance(window, (list, tuple)) or len(window) != 2:
        raise EventmapError(f"{where}: window must be [start, end]")
    lo = _ms(window[0], -math.inf, where)
    hi = _ms(window[1], math.inf, where)
    if lo >= hi:
        raise EventmapError(f"{where}: the window ends before it starts")
    hidden = value.get("hidden_categories") or []
    if not isinstance(hidden, list) or not all(isinstance(c, str) for c in hidden):
        raise EventmapError(f"{where}: hidden_categories must be a list of names")
    hold = value.get("hold", DEFAULT_HOLD)
    if isinstance(hold, bool) or not isinstance(hold, (int, float)) or not (0 < float(hold) <= 3600):
        raise EventmapError(f"{where}: hold must be a number of seconds between 0 and 3600")
    return Stop(
        bounds=_bounds(value.get("bounds"), where),
        lo=lo,
        hi=hi,
        cumulative=bool(value.get("cumulative", False)),
        hidden_categories=frozenset(hidden),
        search=_text(value.get("search"), where, "search"),
        selected=_text(value.get("selected"), where, "selected"),
        caption=_text(value.get("caption"), where, "caption", MAX_CAPTION),
        hold=float(hold),
    )


def story_from_json(value: Any, where: str = "story") -> Story:
    """Read a saved story.

    Raises
    ------
    EventmapError
        If it is not a story object; a bad stop names its number.
    """
    if not isinstance(value, dict) or not isinstance(value.get("stops", []), list):
        raise EventmapError(f"{where}: not a story (an object with a list of stops)")
    stops = value.get("stops", [])
    if len(stops) > MAX_STOPS:
        raise EventmapError(f"{where}: {len(stops)} stops; at most {MAX_STOPS} are read")
    title = _text(value.get("title"), where, "title") or "Story"
    return Story(title, tuple(stop_from_json(s, f"{where}, stop {i + 1}") for i, s in enumerate(stops)))


def dataset_story(extra: dict[str, Any]) -> tuple[Story | None, list[str]]:
    """The story saved in a dataset's collection members, and any problem with it.

    A story that cannot be read is left in the members untouched (so saving
    keeps it) and reported; the caller shows the warning.
    """
    if STORY_MEMBER not in extra:
        return None, []
    try:
        return story_from_json(extra[STORY_MEMBER]), []
    except EventmapError as exc:
        return None, [f"{exc.message} (the story was kept in the file but not opened)"]


def store_story(extra: dict[str, Any], story: Story | None) -> dict[str, Any]:
    """Collection members with ``story`` set to ``story`` (removed for None or an empty story)."""
    members = {k: v for k, v in extra.items() if k != STORY_MEMBER}
    if story is not None and story.stops:
        members[STORY_MEMBER] = story_to_json(story)
    return members


# --- KML gx:Tour -----------------------------------------------------------------------------


def _range_m(bounds: Bounds) -> float:
    """How far (m) a camera looking straight down sees the view's height."""
    south, _west, north, _east = bounds
    return max(50.0, math.radians(north - south) * _EARTH_RADIUS_M * 1.2)


def _bounds_from_lookat(lat: float, lon: float, range_m: float) -> Bounds:
    half = math.degrees(range_m / 1.2 / _EARTH_RADIUS_M) / 2
    half_lon = half / max(0.05, math.cos(math.radians(lat)))
    return (max(-85.0, lat - half), lon - half_lon, min(85.0, lat + half), lon + half_lon)


def story_to_kml(story: Story) -> bytes:
    """A KML document holding the story as a ``gx:Tour`` (FlyTo with a TimeSpan, then Wait).

    The stops are also written as Placemarks in a folder, with the caption as
    their description and every field in ExtendedData, so eventmap reads its
    own tours back exactly. All text goes through the XML writer (escaped).
    """
    ET.register_namespace("", _KML)
    ET.register_namespace("gx", _GX)
    k = lambda tag: f"{{{_KML}}}{tag}"  # noqa: E731
    g = lambda tag: f"{{{_GX}}}{tag}"  # noqa: E731
    root = ET.Element(k("kml"))
    document = ET.SubElement(root, k("Document"))
    ET.SubElement(document, k("name")).text = story.title
    tour = ET.SubElement(document, g("Tour"))
    ET.SubElement(tour, k("name")).text = story.title
    playlist = ET.SubElement(tour, g("Playlist"))
    folder = ET.SubElement(document, k("Folder"))
    ET.SubElement(folder, k("name")).text = f"{story.title}: stops"
    for number, stop in enumerate(story.stops, 1):
        fly = ET.SubElement(playlist, g("FlyTo"))
        ET.SubElement(fly, g("duration")).text = "2"
        ET.SubElement(fly, g("flyToMode")).text = "smooth"
        _lookat(fly, stop, k, g)
        wait = ET.SubElement(playlist, g("Wait"))
        ET.SubElement(wait, g("duration")).text = f"{stop.hold:g}"
        placemark = ET.SubElement(folder, k("Placemark"))
        ET.SubElement(placemark, k("name")).text = f"Stop {number}"
        ET.SubElement(placemark, k("description")).text = stop.caption
        _lookat(placemark, stop, k, g)
        data = ET.SubElement(placemark, k("ExtendedData"))
        saved = story_to_json(Story(stops=(stop,)))["stops"][0]
        for key in ("bounds", "cumulative", "hidden_categories", "search", "selected", "hold"):
            value = saved[key]
            text = ",".join(map(str, value)) if isinstance(value, list) else str(value).lower() if isinstance(value, bool) else str(value)
            item = ET.SubElement(data, k("Data"), name=f"eventmap:{key}")
            ET.SubElement(item, k("value")).text = text
        lat, lon = stop.center
        point = ET.SubElement(placemark, k("Point"))
        ET.SubElement(point, k("coordinates")).text = f"{lon:.6f},{lat:.6f}"
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _lookat(parent: ET.Element, stop: Stop, k, g) -> None:
    look = ET.SubElement(parent, k("LookAt"))
    if math.isfinite(stop.lo) or math.isfinite(stop.hi):
        span = ET.SubElement(look, g("TimeSpan"))
        if math.isfinite(stop.lo):
            ET.SubElement(span, k("begin")).text = _iso(stop.lo)
        if math.isfinite(stop.hi):
            ET.SubElement(span, k("end")).text = _iso(stop.hi)
    lat, lon = stop.center
    for tag, value in (("longitude", f"{lon:.6f}"), ("latitude", f"{lat:.6f}"), ("altitude", "0"), ("heading", "0"), ("tilt", "0"), ("range", f"{_range_m(stop.bounds):.0f}")):
        ET.SubElement(look, k(tag)).text = value
    ET.SubElement(look, g("altitudeMode")).text = "clampToSeaFloor"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _find(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    return next((child for child in element if _local(child.tag) == name), None)


def _find_text(element: ET.Element | None, name: str) -> str:
    child = _find(element, name)
    return (child.text or "").strip() if child is not None else ""


def story_from_kml(raw: bytes, name: str) -> Story:
    """Read the first ``gx:Tour`` of a KML document as a story.

    Each FlyTo becomes a stop (its LookAt's position and range give the view,
    its TimeSpan or TimeStamp the window); a Wait after it sets the stop's hold.
    Tours written by eventmap carry their stops' exact fields and captions too.

    Raises
    ------
    EventmapError
        If the file is not safe, well-formed KML or holds no tour with a FlyTo.
    """
    from eventmap.geo.importers.kml import parse_xml  # the guarded XML reader (no DOCTYPE)

    root = parse_xml(raw, name)
    tour = next((e for e in root.iter() if _local(e.tag) == "Tour"), None)
    if tour is None:
        raise EventmapError(f"{name}: no gx:Tour in the file")
    playlist = _find(tour, "Playlist")
    saved = _saved_stops(root)
    stops: list[Stop] = []
    for item in list(playlist) if playlist is not None else []:
        kind = _local(item.tag)
        if kind == "Wait" and stops:
            try:
                hold = float(_find_text(item, "duration"))
            except ValueError:
                continue
            if 0 < hold <= 3600:
                stops[-1] = replace(stops[-1], hold=hold)
        elif kind == "FlyTo":
            where = f"{name}: FlyTo {len(stops) + 1}"
            stop = _stop_from_flyto(item, where)
            if len(stops) < len(saved):
                stop = _merge_saved(stop, saved[len(stops)], where)
            stops.append(stop)
            if len(stops) > MAX_STOPS:
                raise EventmapError(f"{name}: more than {MAX_STOPS} stops in the tour")
    if not stops:
        raise EventmapError(f"{name}: the tour has no FlyTo")
    title = _find_text(tour, "name") or "Story"
    return Story(title[:500], tuple(stops))


def _stop_from_flyto(fly: ET.Element, where: str) -> Stop:
    view = _find(fly, "LookAt")
    if view is None:
        view = _find(fly, "Camera")
    if view is None:
        raise EventmapError(f"{where}: no LookAt or Camera")
    try:
        lat = float(_find_text(view, "latitude") or "0")
        lon = float(_find_text(view, "longitude") or "0")
        range_m = float(_find_text(view, "range") or _find_text(view, "altitude") or "1000000")
    except ValueError:
        raise EventmapError(f"{where}: latitude, longitude and range must be numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < range_m < 1e9):
        raise EventmapError(f"{where}: the view ({lat}, {lon}, range {range_m}) is out of range")
    lo, hi = -math.inf, math.inf
    span = _find(view, "TimeSpan")
    stamp = _find(view, "TimeStamp")
    if span is not None:
        lo = _ms(_find_text(span, "begin") or None, -math.inf, where)
        end = _find_text(span, "end")
        if end:
            from eventmap.geo.dates import parse_date

            date = parse_date(end)
            # KML ends are inclusive at their precision; an instant we wrote is the exclusive end.
            hi = date.lo if date.precision in ("second", "millisecond", "minute") else date.hi
    elif stamp is not None and _find_text(stamp, "when"):
        from eventmap.geo.dates import parse_date

        date = parse_date(_find_text(stamp, "when"))
        lo, hi = date.lo, date.hi
    if lo >= hi:
        raise EventmapError(f"{where}: the TimeSpan ends before it begins")
    return Stop(bounds=_bounds_from_lookat(lat, lon, range_m), lo=lo, hi=hi)


def _saved_stops(root: ET.Element) -> list[tuple[str, dict[str, str]]]:
    """Caption and eventmap's ExtendedData of each stop Placemark, in order."""
    found = []
    for placemark in root.iter():
        if _local(placemark.tag) != "Placemark":
            continue
        data = _find(placemark, "ExtendedData")
        fields = {}
        for item in list(data) if data is not None else []:
            key = item.get("name", "")
            if _local(item.tag) == "Data" and key.startswith("eventmap:"):
                fields[key[len("eventmap:") :]] = _find_text(item, "value")
        if fields:
            found.append((_find_text(placemark, "description"), fields))
    return found


def _merge_saved(stop: Stop, saved: tuple[str, dict[str, str]], where: str) -> Stop:
    caption, fields = saved
    value: dict[str, Any] = {
        "bounds": fields.get("bounds", "").split(","),
        "window": [_iso(stop.lo), _iso(stop.hi)],
        "cumulative": fields.get("cumulative") == "true",
        "hidden_categories": [c for c in fields.get("hidden_categories", "").split(",") if c],
        "search": fields.get("search", ""),
        "selected": fields.get("selected", ""),
        "caption": caption,
        "hold": stop.hold,
    }
    try:
        return stop_from_json(value, where)
    except EventmapError:
        return replace(stop, caption=caption[:MAX_CAPTION])  # the view from LookAt, the caption kept
