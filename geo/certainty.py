"""How sure an event's date and place are, from what the data says about itself.

Read from the dates' own EDTF qualifiers (``2014?``, ``2015-08~``,
``[2019..2021]``) and from the precision fields that the big datasets carry
(kept as they were written in the event's other properties):

- ACLED ``time_precision``: 1 the day, 2 within a week, 3 within the month;
  ``geo_precision``: 1 the place, 2 near it, 3 a larger area (its province);
- UCDP GED ``date_prec``: 1 the day, 2 within 2–6 days, 3 a week, 4 a month,
  5 longer (the event is somewhere between ``date_start`` and ``date_end``);
  ``where_prec``: 1 the place, 2 within 25 km, 3 a district, 4 a province,
  5 a line or area between places, 6 the country, 7 waters or air;
- eventmap's own ``date_basis`` (how a date was worked out from an article):
  anything but ``explicit`` (or ``explicit: ...``) is inferred.

An event that is approximate, uncertain or inferred in date, or approximate in
place, is drawn lighter and marked in the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from eventmap.geo.dates import PartialDate, parse_date
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Event

ACLED_TIME = {2: "ACLED: within a week", 3: "ACLED: within the month"}
ACLED_PLACE = {2: "ACLED: near this place", 3: "ACLED: somewhere in a larger area"}
UCDP_DATE = {2: "UCDP: within 2–6 days", 3: "UCDP: within a week", 4: "UCDP: within a month", 5: "UCDP: within a year or more"}
UCDP_PLACE = {
    2: "UCDP: within 25 km",
    3: "UCDP: somewhere in the district",
    4: "UCDP: somewhere in the province",
    5: "UCDP: on a line or area between places",
    6: "UCDP: somewhere in the country",
    7: "UCDP: in waters or air space",
}
QUALIFIER_NOTES = {
    "uncertain": "the date is uncertain",
    "approximate": "the date is approximate",
    "approximate uncertain": "the date is approximate and uncertain",
    "between": "one time between the two dates",
    "before": "some time up to this date",
    "after": "some time from this date on",
}


@dataclass(frozen=True, slots=True)
class Certainty:
    """What is known of an event's precision.

    ``date`` is ``"exact"``, ``"approximate"`` or ``"inferred"``; ``place`` is
    ``"exact"`` or ``"approximate"``; ``notes`` say why, for the popup.
    """

    date: str = "exact"
    place: str = "exact"
    notes: tuple[str, ...] = ()

    @property
    def is_exact(self) -> bool:
        return self.date == "exact" and self.place == "exact"


EXACT = Certainty()


def _level(value: Any) -> int | None:
    """A precision code written as 2, 2.0 or "2" (anything else: unknown)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def event_certainty(event: Event) -> Certainty:
    """How sure the event's date and place are (see the module's notes)."""
    date, place, notes = "exact", "exact", []
    for part in (event.start, event.end):
        if part is not None and part.qualifier:
            date = "approximate"
            note = QUALIFIER_NOTES.get(part.qualifier)
            if note and note not in notes:
                notes.append(note)
    extra = event.extra
    for key, table in (("time_precision", ACLED_TIME), ("date_prec", UCDP_DATE)):
        level = _level(extra.get(key))
        if level in table:
            date = "approximate"
            notes.append(table[level])
    for key, table in (("geo_precision", ACLED_PLACE), ("where_prec", UCDP_PLACE)):
        level = _level(extra.get(key))
        if level in table:
            place = "approximate"
            notes.append(table[level])
    basis = extra.get("date_basis")
    if isinstance(basis, str) and basis.strip() and not basis.strip().lower().startswith("explicit"):
        if date == "exact":
            date = "inferred"
        notes.append(f"date inferred: {basis.strip()[:200]}")
    if date == "exact" and place == "exact":
        return EXACT
    return Certainty(date, place, tuple(notes))


_PRECISION_KEYS = frozenset(("time_precision", "date_prec", "geo_precision", "where_prec", "date_basis"))


def certainty_codes(events: list[Event]) -> bytes:
    """One byte an event for the page: 0 exact, 1 date not exact, 2 place not exact, 3 both.

    Most events say nothing of their precision; they are passed over without
    building a :class:`Certainty` (this runs for every event of a large dataset).
    """
    out = bytearray(len(events))
    for i, event in enumerate(events):
        start, end, extra = event.start, event.end, event.extra
        if not (start is not None and start.qualifier) and not (end is not None and end.qualifier) and (not extra or _PRECISION_KEYS.isdisjoint(extra)):
            continue
        c = event_certainty(event)
        out[i] = (c.date != "exact") | ((c.place != "exact") << 1)
    return bytes(out)


def widen_to_precision(date: PartialDate | None, time_precision: Any) -> PartialDate | None:
    """An ACLED date widened to what its ``time_precision`` says it means.

    Level 2 (within a week) becomes the seven days around it, ``[d-3..d+3]``;
    level 3 (within the month) becomes its month, approximate (``2024-10~``).
    Other levels, and dates that are not single days, are returned as they are.
    """
    level = _level(time_precision)
    if date is None or date.precision != "day" or date.qualifier or level not in (2, 3):
        return date
    day = datetime.fromtimestamp(date.lo / 1000, tz=timezone.utc).date()
    try:
        if level == 3:
            return parse_date(f"{day:%Y-%m}~")
        first, last = day - timedelta(days=3), day + timedelta(days=3)
        return parse_date(f"[{first:%Y-%m-%d}..{last:%Y-%m-%d}]")
    except (EventmapError, OverflowError, ValueError):
        return date
