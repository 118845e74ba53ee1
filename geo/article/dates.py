"""Dates in news text, resolved against the article's publication date.

dateparser reads absolute dates ("November 5, 2020", "in August 2015",
"in 2014") and says their precision. Everything that needs the article's own
date is this module's: relative dates ("last month", "earlier this month",
"earlier this week", "last year" is a year, never a fake day), year-less dates
("Oct. 13": the tense decides the year; "till November 21st"), weekdays ("on
Tuesday"), day-of-this-month ("the 8th of this month"), spans ("between Sep 27
and Oct 6", "from ... till ...", "since 2016" is an open span) and durations
("two-week-long" gives an end).

Every :class:`DateMention` keeps the phrase as written, where it is in the
text, its start and end as :class:`~eventmap.geo.dates.PartialDate` values at
their precision, and ``basis``: how it was found, for people (``"explicit"``,
``"year from the article's date"``, ``"'last month' from 15 Oct 2024"``,
``"weekday resolved"``, ``"open span: since 2016"``). ``relative`` says whether
it depends on the publication date (a new publication date re-resolves it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from eventmap.geo.dates import OPEN, PartialDate, format_date, parse_date

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_MONTH_ALT = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
              r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
MONTH = rf"(?:{_MONTH_ALT})\.?"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]\d\d|20\d\d)"
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
                "thirty": 30}
_NUM = r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)"
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}

FUTURE = re.compile(r"\b(?:will|shall|would|is to|are to|is set to|are set to|scheduled|plans? to|planned|"
                    r"is expected to|are expected to|upcoming|next|due to|going to|later this)\b", re.I)


@dataclass(frozen=True)
class DateMention:
    """A date phrase and what it resolves to.

    ``start``/``end`` are at their precision; ``end`` is None for a single date
    and :data:`~eventmap.geo.dates.OPEN` for an open span ("since 2016").
    ``lo_only`` marks an end-only phrase ("till November 21st") whose start
    must come from elsewhere (``start`` is then None).
    """

    phrase: str
    begin: int
    stop: int
    start: PartialDate | None
    end: PartialDate | None
    basis: str
    kind: str
    relative: bool = False

    @property
    def precision(self) -> str:
        return self.start.precision if self.start is not None else (self.end.precision if self.end else "")


def _day(d: date) -> PartialDate:
    return parse_date(d.isoformat())


def _month(year: int, month: int) -> PartialDate:
    return parse_date(f"{year:04d}-{month:02d}")


def _year(year: int) -> PartialDate:
    return parse_date(f"{year:04d}")


def _month_number(text: str) -> int:
    key = text.lower().rstrip(".")[:3]
    return [m[:3] for m in MONTHS].index(key) + 1


def _day_number(text: str) -> int:
    return int(re.match(r"\d+", text).group())


def _number(text: str) -> int:
    text = text.lower()
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def is_future(sentence: str) -> bool:
    """Whether a sentence speaks of what will happen ("will start", "is scheduled")."""
    return bool(FUTURE.search(sentence))


def _published_label(published: date) -> str:
    return format_date(_day(published))


@lru_cache(maxsize=1)
def _dateparser():
    from dateparser.date import DateDataParser  # noqa: PLC0415 - 0.1 s to import, only when reading an article

    return DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": []})


def parse_absolute(phrase: str) -> PartialDate | None:
    """An absolute date phrase through dateparser, at the precision it reports (day, month or year)."""
    data = _dateparser().get_date_data(phrase)
    if data is None or data.date_obj is None:
        return None
    found = data.date_obj.date()
    if data.period == "year":
        return _year(found.year)
    if data.period == "month":
        return _month(found.year, found.month)
    return _day(found)


def _year_for(month: int, day: int | None, published: date, future: bool) -> int:
    """The year of a year-less date: the past one for past tense, the coming one for the future."""
    year = published.year
    candidate = date(year, month, min(day or 1, 28))
    if future:
        # "will start on Oct. 2" in late December is next year's October
        return year + 1 if candidate < published - timedelta(days=31) else year
    # past tense: a date after the article is last year's, unless within a few days (datelines lag)
    return year - 1 if candidate > published + timedelta(days=7) else year


def _yearless(month: int, day: int | None, published: date, future: bool) -> PartialDate:
    year = _year_for(month, day, published, future)
    if day is None:
        return _month(year, month)
    try:
        return _day(date(year, month, day))
    except ValueError:
        return _month(year, month)


def _weekday(name: str, published: date, future: bool, last: bool = False) -> date:
    target = WEEKDAYS.index(name.lower())
    delta = (published.weekday() - target) % 7
    if future:
        ahead = (target - published.weekday()) % 7
        return published + timedelta(days=ahead or 7)
    if last and delta == 0:
        delta = 7
    return published - timedelta(days=delta)


# ---- the patterns, most specific first --------------------------------------------------------

_FULL = rf"(?:(?:{WEEKDAY},?\s+)?(?:{MONTH}\s+{DAY},?\s+{YEAR}|{DAY}(?:\s+of)?\s+{MONTH},?\s+{YEAR})|\d{{4}}-\d\d-\d\d)"
_MONTH_YEAR = rf"(?:{MONTH},?\s+{YEAR})"
_DAY_MONTH = rf"(?:{MONTH}\s+{DAY}\b|{DAY}(?:\s+of)?\s+{MONTH})"
_ONE = rf"(?:{_FULL}|{_MONTH_YEAR}|{_DAY_MONTH}|{YEAR})"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("span", re.compile(rf"\bbetween\s+(?P<a>{_ONE})\s+and\s+(?P<b>{_ONE})", re.I)),
    ("span", re.compile(rf"\bfrom\s+(?P<a>{_ONE})\s+(?:till|until|to|through)\s+(?P<b>{_ONE})", re.I)),
    ("span", re.compile(rf"\b(?P<a>{DAY})\s*(?:-|–|to)\s*(?P<b>{DAY})\s+(?P<m>{MONTH})(?:,?\s+(?P<y>{YEAR}))?", re.I)),
    ("span", re.compile(rf"\b(?P<m>{MONTH})\s+(?P<a>{DAY})\s*(?:-|–)\s*(?P<b>{DAY})\b(?:,?\s+(?P<y>{YEAR}))?", re.I)),
    ("since", re.compile(rf"\b(?:since|ever since)\s+(?P<a>{_MONTH_YEAR}|{YEAR})", re.I)),
    ("until", re.compile(rf"\b(?:till|until|through|to)\s+(?P<a>{_FULL}|{_DAY_MONTH})", re.I)),
    ("full", re.compile(rf"\b{_FULL}", re.I)),
    ("this_month_day", re.compile(rf"\bthe\s+(?P<d>{DAY})\s+of\s+(?:this|the)\s+month", re.I)),
    ("month_year", re.compile(rf"\b{_MONTH_YEAR}", re.I)),
    ("weekday_day_month", re.compile(rf"\b(?P<w>{WEEKDAY}),?\s+(?P<dm>{_DAY_MONTH})", re.I)),
    ("day_month", re.compile(rf"\b{_DAY_MONTH}", re.I)),
    ("relative", re.compile(r"\b(?:(?:earlier|later)\s+)?(?:this|last|next|past|previous)\s+(?:week|month|year)\b", re.I)),
    ("ago", re.compile(rf"\b(?P<n>{_NUM})\s+(?P<u>day|week|month|year)s?\s+ago\b", re.I)),
    ("day_word", re.compile(r"\b(?:yesterday|today|tomorrow)\b", re.I)),
    ("weekday", re.compile(rf"\b(?:(?P<last>last|next|this|on|on\s+last)\s+)?(?P<w>{WEEKDAY})\b", re.I)),
    ("year", re.compile(rf"\b(?:in|since|during|by|of|from|early|late|mid-?|until|till|before|after|the year)\s+(?P<y>{YEAR})\b(?!\s*(?:-|–)\s*\d)", re.I)),
    ("month_alone", re.compile(rf"\b(?:in|on|during|since|by|early|late|mid-?)\s+(?P<m>{_MONTH_ALT})\b(?!\s+\d)", re.I)),
]

DURATION = re.compile(
    rf"\b(?P<n>{_NUM})[\s-]+(?P<u>day|week|fortnight|month|year)s?(?:[\s-]+long)?\b(?=[\s-]+(?:long\b|joint|military|"
    rf"exercise|drill|visit|tour|trip|training|programme|program|course|summit|conference|campaign|operation|mission|"
    rf"festival|event|session|deployment|stay|ceasefire|truce))"
    rf"|\bfor\s+(?P<n2>{_NUM})\s+(?P<u2>day|week|month|year)s?\b",
    re.I,
)


def _resolve_one(text: str, published: date, future: bool) -> tuple[PartialDate, str, bool] | None:
    """One date phrase (inside a span) -> (date, basis, relative)."""
    text = text.strip()
    if re.fullmatch(YEAR, text):
        return _year(int(text)), "explicit", False
    if re.fullmatch(_FULL, text, re.I) or re.fullmatch(_MONTH_YEAR, text, re.I):
        found = parse_absolute(text)
        return (found, "explicit", False) if found else None
    match = re.fullmatch(rf"(?:(?P<m>{MONTH})\s+(?P<d>{DAY})|(?P<d2>{DAY})(?:\s+of)?\s+(?P<m2>{MONTH}))", text, re.I)
    if match:
        month = _month_number(match.group("m") or match.group("m2"))
        day = _day_number(match.group("d") or match.group("d2"))
        return _yearless(month, day, published, future), "year from the article's date", True
    return None


def _relative(phrase: str, published: date) -> tuple[PartialDate, PartialDate | None, str]:
    words = phrase.lower().split()
    unit, which = words[-1], words[-2]
    label = f"'{phrase}' from {_published_label(published)}"
    if unit == "year":
        year = published.year + {"last": -1, "past": -1, "previous": -1, "next": 1}.get(which, 0)
        return _year(year), None, label
    if unit == "month":
        shift = {"last": -1, "past": -1, "previous": -1, "next": 1}.get(which, 0)
        month_index = published.year * 12 + published.month - 1 + shift
        return _month(month_index // 12, month_index % 12 + 1), None, label
    # a week: its days, or the month when it lies in one month (the day is not known)
    monday = published - timedelta(days=published.weekday())
    if which in ("last", "past", "previous"):
        monday -= timedelta(days=7)
        last_day = monday + timedelta(days=6)
    elif which == "next":
        monday += timedelta(days=7)
        last_day = monday + timedelta(days=6)
    else:
        first_word = words[0]
        last_day = published if first_word != "later" else monday + timedelta(days=6)
        if first_word == "later":
            monday = published
    if monday.month == last_day.month:
        return _month(monday.year, monday.month), None, label + f" (between {monday.day} and {format_date(_day(last_day))})"
    return _day(monday), _day(last_day), label


def find_dates(text: str, published: date, *, future: bool | None = None) -> list[DateMention]:
    """Every date phrase in ``text`` (a sentence, best), resolved against ``published``.

    Parameters
    ----------
    text
        The text to search; the tense of year-less dates and weekdays is
        judged on it unless ``future`` says.
    published
        The article's publication date.
    future
        Whether the text speaks of the future; judged from the text when None.

    Returns
    -------
    list of DateMention
        In text order, phrases never overlapping (the longest reading wins).
    """
    if future is None:
        future = is_future(text)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            begin, stop = match.span()
            if any(begin < b and a < stop for a, b in taken):
                continue
            mention = _mention(kind, match, published, future)
            if mention is None:
                continue
            taken.append((begin, stop))
            found.append(mention)
    found.sort(key=lambda m: m.begin)
    return found


def _mention(kind: str, match: re.Match[str], published: date, future: bool) -> DateMention | None:
    phrase = match.group(0)
    begin, stop = match.span()
    pub = _published_label(published)
    if kind == "span":
        groups = match.groupdict()
        if groups.get("m"):  # "13-27 October" or "Oct 13-27"
            year = groups.get("y")
            month = groups["m"]
            a, b = f"{month} {groups['a']}", f"{month} {groups['b']}"
            if year:
                a, b = f"{a}, {year}", f"{b}, {year}"
        else:
            a, b = groups["a"], groups["b"]
        first = _resolve_one(a, published, future)
        last = _resolve_one(b, published, future)
        if first is None or last is None:
            return None
        start, end = first[0], last[0]
        if end.hi <= start.lo and last[1] != "explicit":  # "between Dec 27 and Jan 6": the end is next year
            end = _shift_year(end, 1)
        relative = first[2] or last[2]
        basis = "explicit" if not relative else "year from the article's date"
        return DateMention(phrase, begin, stop, start, end, basis, "span", relative)
    if kind == "since":
        start = _resolve_one(match.group("a"), published, future)
        if start is None:
            return None
        return DateMention(phrase, begin, stop, start[0], OPEN, f"open span: {phrase.strip()}", "open span")
    if kind == "until":
        end = _resolve_one(match.group("a"), published, future)
        if end is None:
            return None
        return DateMention(phrase, begin, stop, None, end[0], end[1], "end", end[2])
    if kind == "full":
        found = parse_absolute(phrase)
        return None if found is None else DateMention(phrase, begin, stop, found, None, "explicit", "explicit")
    if kind == "month_year":
        found = parse_absolute(phrase)
        return None if found is None else DateMention(phrase, begin, stop, found, None, "explicit", "explicit")
    if kind == "this_month_day":
        try:
            day = _day(published.replace(day=_day_number(match.group("d"))))
        except ValueError:
            return None
        return DateMention(phrase, begin, stop, day, None, f"'{phrase}' from {pub}", "relative", True)
    if kind == "weekday_day_month":
        resolved = _resolve_one(match.group("dm"), published, future)
        if resolved is None:
            return None
        return DateMention(phrase, begin, stop, resolved[0], None, resolved[1], "yearless", True)
    if kind == "day_month":
        resolved = _resolve_one(phrase, published, future)
        if resolved is None:
            return None
        return DateMention(phrase, begin, stop, resolved[0], None, resolved[1], "yearless", True)
    if kind == "relative":
        start, end, basis = _relative(phrase, published)
        return DateMention(phrase, begin, stop, start, end, basis, "relative", True)
    if kind == "ago":
        n, unit = _number(match.group("n")), match.group("u").lower()
        if unit == "year":
            return DateMention(phrase, begin, stop, _year(published.year - n), None, f"'{phrase}' from {pub}", "relative", True)
        if unit == "month":
            index = published.year * 12 + published.month - 1 - n
            return DateMention(phrase, begin, stop, _month(index // 12, index % 12 + 1), None, f"'{phrase}' from {pub}", "relative", True)
        days = n * UNIT_DAYS[unit]
        return DateMention(phrase, begin, stop, _day(published - timedelta(days=days)), None, f"'{phrase}' from {pub}", "relative", True)
    if kind == "day_word":
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[phrase.lower()]
        return DateMention(phrase, begin, stop, _day(published + timedelta(days=shift)), None, f"'{phrase}' from {pub}", "relative", True)
    if kind == "weekday":
        which = (match.group("last") or "").lower()
        ahead = future or which == "next"
        day = _weekday(match.group("w"), published, ahead, last=which in ("last", "on last"))
        return DateMention(phrase, begin, stop, _day(day), None, f"weekday resolved: {match.group('w')} before {pub}"
                           if not ahead else f"weekday resolved: {match.group('w')} after {pub}", "weekday", True)
    if kind == "year":
        year = int(match.group("y"))
        return DateMention(phrase, begin, stop, _year(year), None, "explicit", "explicit")
    if kind == "month_alone":
        month = _month_number(match.group("m"))
        if match.group("m").lower() == "may" and not re.match(r"(?i)in\b", phrase):
            return None  # "may" is mostly the verb
        return DateMention(phrase, begin, stop, _yearless(month, None, published, future), None,
                           "year from the article's date", "yearless", True)
    return None


def _shift_year(value: PartialDate, years: int) -> PartialDate:
    text = value.text
    return parse_date(f"{int(text[:4]) + years:04d}{text[4:]}")


def find_duration(text: str) -> tuple[str, int] | None:
    """A length stated in the text ("two-week-long", "for three days"): (phrase, days), or None."""
    match = DURATION.search(text)
    if match is None:
        return None
    n = match.group("n") or match.group("n2")
    unit = (match.group("u") or match.group("u2")).lower()
    return match.group(0), _number(n) * UNIT_DAYS[unit]


def with_duration(mention: DateMention, days: int, phrase: str) -> DateMention:
    """A day-precision start given an end ``days`` later ("commenced on Oct. 13", "two-week-long": 27 Oct)."""
    if mention.start is None or mention.start.precision != "day" or mention.end is not None:
        return mention
    start = date.fromisoformat(mention.start.text[:10])
    end = _day(start + timedelta(days=days))
    return replace(mention, end=end, basis=f"{mention.basis}; end from '{phrase}'")
