"""KML and KMZ: Placemarks with a TimeStamp or TimeSpan, as written by Google Earth and others.

Any KML namespace is accepted (2.2, 2.1, Google's earth.google.com ones, or
none). Placemarks are found wherever they are (Document, Folder, or directly
under ``<kml>``). Their description is HTML; it is kept as plain text. Nothing
a file links to (icons, network links, images) is ever fetched.

XML that declares a DOCTYPE is refused (defusedxml): entity expansion
("billion laughs") and external entities both need one, and KML never does.
"""

from __future__ import annotations

import io
import lzma
import re
import warnings as pywarnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml import ElementTree as DefusedET

from eventmap.geo.brief import brief
from eventmap.geo.dates import OPEN, PartialDate
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset, Event
from eventmap.geo.importers.common import (
    Progress,
    Ticker,
    check_span,
    clip,
    extra_key,
    finish,
    html_to_text,
    parse_number,
    parse_when,
)

MAX_KML_BYTES = 256 << 20  # a KML inside a KMZ larger than this is refused (zip bomb)
_COORD_SEP = re.compile(r"\s*,\s*")


def read_kml(raw: bytes, name: str, progress: Progress | None = None) -> Dataset:
    """Read the Placemarks of a KML document as events.

    Raises
    ------
    EventmapError
        If the file is not KML, declares a DOCTYPE, holds no usable placemark,
        or the read was cancelled.
    """
    root = parse_xml(raw, name)
    if _local(root.tag) != "kml" and _local(root.tag) not in ("Document", "Folder", "Placemark"):
        raise EventmapError(f"{name}: not a KML file (the root element is <{_local(root.tag)[:40]}>, not <kml>)")
    if _local(root.tag) == "Placemark":
        placemarks = [(root, [])]
    else:
        try:
            placemarks = list(_placemarks(root, []))
        except RecursionError:
            raise EventmapError(f"{name}: Documents or Folders nested too deeply") from None
    warnings: list[str] = []
    events: list[Event] = []
    reduced: Counter[str] = Counter()
    ticker = Ticker(progress, len(placemarks), name)
    for index, (placemark, folders) in enumerate(placemarks):
        ticker.tick(index)
        label = _child_text(placemark, "name")
        where = f"placemark {index + 1}" + (f" ({label[:40]!r})" if label else "")
        try:
            events.append(_event(placemark, folders, where, warnings, reduced))
        except EventmapError as exc:
            warnings.append(f"{where}: {exc.message} (skipped)")
        except RecursionError:
            warnings.append(f"{where}: geometry nested too deeply (skipped)")
    ticker.report(1.0)
    if reduced:
        total = sum(reduced.values())
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(reduced.items()))
        warnings.insert(0, f"{total} placemark{'s' if total != 1 else ''} ({kinds}) placed at a representative point of the shape")
    if not placemarks:
        warnings.append("no Placemark in the file")
    document = next((e for e in root.iter() if _local(e.tag) == "Document"), None)
    title = _child_text(document, "name") if document is not None else ""
    return finish(events, warnings, name, title=title or None)


def read_kmz(raw: bytes, name: str, progress: Progress | None = None) -> Dataset:
    """Read the KML inside a KMZ (``doc.kml``, else the first ``.kml`` in the archive).

    Raises
    ------
    EventmapError
        If the file is not a zip archive, holds no KML, or as :func:`read_kml`.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            kmls = [i for i in archive.infolist() if i.filename.lower().endswith(".kml") and not i.is_dir()]
            if not kmls:
                raise EventmapError(f"{name}: the KMZ archive holds no .kml file")
            chosen = next((i for i in kmls if i.filename.lower() == "doc.kml"), kmls[0])
            if chosen.file_size > MAX_KML_BYTES:
                raise EventmapError(f"{name}: {chosen.filename} would unpack to {chosen.file_size >> 20} MB; refused")
            data = _unpack(archive, chosen, name)
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, ValueError, OSError) as exc:
        raise EventmapError(f"{name}: not a readable KMZ (zip) archive ({brief(str(exc))})") from None
    if len(data) > MAX_KML_BYTES:
        raise EventmapError(f"{name}: {chosen.filename} unpacks to more than {MAX_KML_BYTES >> 20} MB; refused")
    return read_kml(data, f"{name}/{chosen.filename}", progress)


def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bytes:
    """The bytes of one archive member (at most one more than MAX_KML_BYTES), or one clear message."""
    try:
        with archive.open(member) as handle:
            return handle.read(MAX_KML_BYTES + 1)
    except NotImplementedError as exc:
        raise EventmapError(f"{name}: the KMZ uses a compression eventmap cannot read ({brief(str(exc))})") from None
    except RuntimeError as exc:  # encrypted members
        raise EventmapError(f"{name}: cannot open the KMZ ({brief(str(exc))})") from None
    except Exception as exc:  # noqa: BLE001 - every decompressor has its own error (zlib, bz2, lzma, CRC...): one message
        raise EventmapError(f"{name}: the KMZ archive is damaged: {member.filename} cannot be unpacked ({brief(str(exc))})") from None


def parse_xml(raw: bytes, name: str) -> ET.Element:
    """Parse XML that has no DOCTYPE (so no entity definitions, no external entities).

    defusedxml's parser refuses the DOCTYPE itself (``forbid_dtd``), and any
    entity declaration or external reference should one get past it.

    Raises
    ------
    EventmapError
        If the document declares a DOCTYPE or ENTITY, or is not well-formed
        XML (with the line and column).
    """
    if not raw.strip():
        raise EventmapError(f"{name}: the file is empty")
    try:
        return DefusedET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden as exc:
        raise EventmapError(f"{name}: declares a DOCTYPE ({str(exc.name)[:40]}); entity definitions are refused for safety") from None
    except EntitiesForbidden as exc:
        raise EventmapError(f"{name}: declares an ENTITY ({str(exc.name)[:40]}); entity definitions are refused for safety") from None
    except DefusedXmlException as exc:
        raise EventmapError(f"{name}: refers to an external resource; refused for safety ({brief(str(exc))})") from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise EventmapError(f"{name}: not well-formed XML at line {line}, column {column + 1}: {_expat_message(exc)}") from None
    except (ValueError, LookupError) as exc:  # an encoding declaration Python does not know
        raise EventmapError(f"{name}: cannot read the XML ({brief(str(exc))})") from None
    except RecursionError:
        raise EventmapError(f"{name}: elements nested too deeply") from None


def _expat_message(exc: ET.ParseError) -> str:
    return str(exc).split(":", 1)[0]


def _local(tag: Any) -> str:
    """A tag without its namespace: ``{http://www.opengis.net/kml/2.2}Placemark`` → ``Placemark``."""
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag.rsplit("}", 1)[-1]


def _placemarks(element: ET.Element, folders: list[str]) -> Iterator[tuple[ET.Element, list[str]]]:
    """Every Placemark under ``element`` with the names of the Folders it is in."""
    for child in element:
        kind = _local(child.tag)
        if kind == "Placemark":
            yield child, folders
        elif kind == "Folder":
            label = " ".join(_child_text(child, "name").split())
            yield from _placemarks(child, [*folders, label] if label else folders)
        elif kind in ("Document", "kml", "Create", "Change", "Update"):
            yield from _placemarks(child, folders)


def _child(element: ET.Element | None, name: str) -> ET.Element | None:
    if element is None:
        return None
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _child_text(element: ET.Element | None, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def _event(placemark: ET.Element, folders: list[str], where: str, warnings: list[str], reduced: Counter[str]) -> Event:
    lon, lat = _location(placemark, reduced)
    start, end = _time(placemark)
    end = check_span(start, end)
    title = " ".join(_child_text(placemark, "name").split())
    description = _child(placemark, "description")
    summary, links = html_to_text("".join(description.itertext())) if description is not None else ("", [])
    extra: dict[str, Any] = {}
    if folders:
        extra["folder"] = " / ".join(folders)
    address = " ".join(_child_text(placemark, "address").split())
    for key, value in _extended_data(placemark):
        extra[extra_key(key, "kml")] = clip(value, where, key, warnings)
    elevation = _elevation(placemark)
    return Event(
        id=clip((placemark.get("id") or "").strip(), where, "id", warnings),
        title=clip(title, where, "name", warnings),
        lon=lon,
        lat=lat,
        start=start,
        end=end,
        place=clip(address, where, "address", warnings),
        summary=clip(summary, where, "description", warnings),
        url=links[0] if links and len(links[0]) <= 2000 else "",
        extra=extra,
        coords_rest=(elevation,) if elevation is not None else (),
    )


def _time(placemark: ET.Element) -> tuple[PartialDate | None, PartialDate | None]:
    stamp = _child(placemark, "TimeStamp")
    if stamp is not None:
        return _when(_child_text(stamp, "when"), "TimeStamp when"), None
    span = _child(placemark, "TimeSpan")
    if span is not None:
        begin = _when(_child_text(span, "begin"), "TimeSpan begin")
        end = _when(_child_text(span, "end"), "TimeSpan end")
        if begin is None and end is None:
            return None, None
        # An open end of a span is open in time, not unknown (KML: "the span extends to infinity").
        return (begin or OPEN), (end or OPEN)
    return None, None


def _when(text: str, what: str) -> PartialDate | None:
    try:
        return parse_when(text)
    except EventmapError as exc:
        raise EventmapError(f"{what} {exc.message}") from None


def _elevation(placemark: ET.Element) -> float | None:
    """The altitude of the Placemark's Point, if it has a finite one."""
    point = _child(placemark, "Point")
    parts = _COORD_SEP.sub(",", _child_text(point, "coordinates")).split()[:1]
    fields = parts[0].split(",") if parts else []
    if len(fields) < 3:
        return None
    return parse_number(fields[2])


def _location(placemark: ET.Element, reduced: Counter[str]) -> tuple[float, float]:
    """(lon, lat) of the Placemark's Point, or a representative point of its other geometry."""
    point = _child(placemark, "Point")
    if point is not None:
        return _position(_child_text(point, "coordinates"))
    for kind in ("MultiGeometry", "LineString", "LinearRing", "Polygon", "MultiTrack", "Track"):
        geometry = _child(placemark, kind)
        if geometry is None:
            continue
        points = [e for e in geometry.iter() if _local(e.tag) == "Point"]
        if kind == "MultiGeometry" and points:
            return _position(_child_text(points[0], "coordinates"))
        shapes = _shapes(geometry) if kind in ("MultiGeometry", "MultiTrack") else _shapes(_wrap(geometry))
        if not shapes:
            raise EventmapError(f"{kind} has no coordinates")
        lon, lat = _representative(shapes, kind)
        reduced[kind] += 1
        return lon, lat
    if _child(placemark, "Model") is not None:
        raise EventmapError("has a 3-D Model, not a Point")
    raise EventmapError("has no Point")


def _wrap(element: ET.Element) -> ET.Element:
    """A parent holding ``element``, so that :func:`_shapes` sees the element itself."""
    holder = ET.Element("holder")
    holder.append(element)
    return holder


def _position(text: str) -> tuple[float, float]:
    positions = _positions(text)
    if not positions:
        raise EventmapError(f"Point coordinates {brief(text)} are not 'longitude,latitude[,altitude]'")
    return positions[0]


def _positions(text: str) -> list[tuple[float, float]]:
    out = []
    for token in _COORD_SEP.sub(",", text.strip()).split():
        parts = token.split(",")
        if len(parts) < 2:
            raise EventmapError(f"coordinates {brief(token)} are not 'longitude,latitude[,altitude]'")
        lon, lat = parse_number(parts[0]), parse_number(parts[1])
        if lon is None or lat is None:
            raise EventmapError(f"coordinates {brief(token)} are not numbers")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise EventmapError(f"coordinates {brief(token)} are not a longitude in -180..180 and a latitude in -90..90")
        out.append((lon, lat))
    return out


def _shapes(geometry: ET.Element, ring: str = "") -> list[tuple[str, list[tuple[float, float]]]]:
    """(kind, positions) of every line, polygon outer ring and track under ``geometry``.

    Inner rings (holes) are left out: a point in a hole is still inside the outer ring.
    """
    shapes: list[tuple[str, list[tuple[float, float]]]] = []
    for element in geometry:
        kind = _local(element.tag)
        if kind in ("LineString", "LinearRing"):
            if ring != "innerBoundaryIs":
                positions = _positions(_child_text(element, "coordinates"))
                if positions:
                    shapes.append(("Polygon" if ring == "outerBoundaryIs" else "LineString", positions))
        elif kind == "coord":  # gx:Track: "lon lat alt"
            parts = (element.text or "").split()
            if len(parts) >= 2:
                shapes.append(("LineString", _positions(f"{parts[0]},{parts[1]}")))
        elif kind in ("outerBoundaryIs", "innerBoundaryIs"):
            shapes += _shapes(element, kind)
        elif kind in ("MultiGeometry", "Polygon", "MultiTrack", "Track"):
            shapes += _shapes(element, ring)
    return shapes


def _representative(shapes: list[tuple[str, list[tuple[float, float]]]], kind: str) -> tuple[float, float]:
    from shapely.errors import ShapelyError  # noqa: PLC0415 - slow import, needed only for non-points
    from shapely.geometry import GeometryCollection, LineString, Point, Polygon  # noqa: PLC0415

    parts = []
    for shape_kind, positions in shapes:
        if len(positions) == 1:
            parts.append(Point(positions[0]))
        elif shape_kind == "Polygon" and len(positions) >= 3:
            parts.append(Polygon(positions))
        else:
            parts.append(LineString(positions))
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore", RuntimeWarning)
            point = GeometryCollection(parts).representative_point()
    except (ShapelyError, ValueError) as exc:
        raise EventmapError(f"{kind} geometry cannot be read ({brief(str(exc))})") from None
    if point.is_empty:
        raise EventmapError(f"{kind} geometry is empty")
    return point.x, point.y


def _extended_data(placemark: ET.Element):
    """(name, value) of each ExtendedData Data and SchemaData SimpleData field."""
    data = _child(placemark, "ExtendedData")
    if data is None:
        return
    for element in data.iter():
        kind = _local(element.tag)
        key = (element.get("name") or "").strip()
        if not key:
            continue
        if kind == "Data":
            yield key, _child_text(element, "value")
        elif kind == "SimpleData":
            yield key, (element.text or "").strip()


