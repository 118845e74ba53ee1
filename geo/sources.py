"""Several sources for one event: what each says, where they disagree, and merging two events.

An event's ``source`` is text, a mapping, or a list of them. A mapping names
the report: ``publisher``, ``author``, ``title`` (the headline), ``published``,
``url``, ``quote``; and, where this source says something else than the event
itself, its own ``start``, ``end`` and ``place`` for the event ("the drills
begin on the 8th" in one, "on 9 November" in another). The event's span covers
what its sources claim; the popup lists them and says where they disagree.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from eventmap.geo.dates import PartialDate, format_date, parse_date
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Event, format_source

CLAIMS = ("start", "end", "place")


def sources_of(event: Event) -> list[Any]:
    """The event's sources as a list (text or mappings), in their order; empty for none."""
    source = event.source
    if source is None or source == "" or source == []:
        return []
    return list(source) if isinstance(source, list) else [source]


def _claim_date(source: Any, key: str) -> PartialDate | None:
    if not isinstance(source, dict) or not isinstance(source.get(key), str):
        return None
    try:
        return parse_date(source[key])
    except EventmapError:
        return None


def _name(source: Any, number: int) -> str:
    if isinstance(source, dict):
        return str(source.get("publisher") or source.get("author") or source.get("title") or f"source {number}")[:60]
    return f"source {number}"


def source_conflicts(event: Event) -> list[str]:
    """Where the sources disagree about the event's date or place, one line each (plain text)."""
    sources = sources_of(event)
    lines = []
    own = {"start": event.start, "end": event.end, "place": event.place}
    for key in CLAIMS:
        said: dict[str, list[str]] = {}
        for number, source in enumerate(sources, 1):
            if not isinstance(source, dict) or key not in source:
                continue
            if key == "place":
                value = str(source.get("place") or "").strip()
            else:
                date = _claim_date(source, key)
                value = format_date(date) if date is not None else ""
            if value:
                said.setdefault(value, []).append(_name(source, number))
        if not said:
            continue
        if key == "place":
            event_value = own["place"]
        else:
            event_value = format_date(own[key]) if own[key] is not None else ""
        if len(said) > 1 or (event_value and event_value not in said):
            what = {"start": "when it began", "end": "when it ended", "place": "where it was"}[key]
            parts = [f"{value} ({', '.join(names)})" for value, names in said.items()]
            lines.append(f"The sources differ on {what}: " + "; ".join(parts))
    return lines


def source_lines(event: Event) -> list[str]:
    """Each source as one line for people (its own claims added where it has them)."""
    out = []
    for source in sources_of(event):
        line = format_source({k: v for k, v in source.items() if k not in CLAIMS} if isinstance(source, dict) else source)
        if isinstance(source, dict):
            claims = []
            for key in ("start", "end"):
                date = _claim_date(source, key)
                if date is not None:
                    claims.append(f"{key} {format_date(date)}")
            if source.get("place"):
                claims.append(f"at {source['place']}")
            if claims:
                line += f" [{', '.join(claims)}]"
            if source.get("quote"):
                line += f' “{str(source["quote"])[:300]}”'
        if line:
            out.append(line)
    return out


def _claimed(event: Event) -> dict[str, Any]:
    """The event's own date and place, written the way a source mapping holds them."""
    claim: dict[str, Any] = {}
    if event.start is not None:
        claim["start"] = event.start.text
    if event.end is not None:
        claim["end"] = event.end.text
    if event.place:
        claim["place"] = event.place
    return claim


def _with_claims(source: Any, claim: dict[str, Any]) -> dict[str, Any]:
    base = dict(source) if isinstance(source, dict) else ({"title": str(source)} if source else {})
    for key, value in claim.items():
        base.setdefault(key, value)
    return base


def merge_events(first: Event, second: Event) -> Event:
    """One event from two reports of it: ``first``'s title, place and id, both events' sources.

    Each source keeps the date and place its own event had (so a later reader
    sees who said what); the merged span covers both events; other fields come
    from ``first`` and, where it has none, from ``second``.
    """
    sources = [_with_claims(s, _claimed(first)) for s in sources_of(first) or [None]]
    sources += [_with_claims(s, _claimed(second)) for s in sources_of(second) or [None]]
    sources = [s for s in sources if s]
    start = min((e.start for e in (first, second) if e.start is not None and not e.start.is_open), key=lambda d: d.lo, default=first.start)
    ends = [e.end or e.start for e in (first, second) if (e.end or e.start) is not None]
    end = max(ends, key=lambda d: d.hi, default=None)
    if end is not None and start is not None and end.lo == start.lo and end.hi == start.hi:
        end = None
    summary = first.summary
    if second.summary and second.summary not in summary:
        summary = f"{summary}\n\n{second.summary}" if summary else second.summary
    extra = {**second.extra, **first.extra}
    return replace(
        first,
        start=start,
        end=end,
        summary=summary,
        source=sources if len(sources) != 1 else sources[0],
        url=first.url or second.url,
        category=first.category or second.category,
        place=first.place or second.place,
        extra=extra,
    )
