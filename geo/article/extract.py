"""Candidate events from an article's text: a date, a place, a category, a confidence with its reasons.

Rules, not a model: a sentence (or a clause of one) with a date phrase that
resolves is a candidate; the gazetteer decides what is a place. Names of
exercises and operations ("Druzhba" is also a town) never count as places;
a capital or country used as a government ("Islamabad's ties", "Moscow also
looks") is an actor, not a venue ("a forum in Moscow" is a venue). An event
whose only place is a country, or that is a government's act, is shown at the
country's capital, as data/SOURCES.md does by hand.

Nothing here is accepted: the candidates go to a person (the review dialog)
or to a GeoJSON file for review (``eventmap extract``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from eventmap.geo.article.dates import DateMention, find_dates, find_duration, is_future, with_duration
from eventmap.geo.dates import PartialDate, format_span, parse_date
from eventmap.geo.events import Event, slugify
from eventmap.geo.places.distance import distance_km
from eventmap.geo.places.gazetteer import Place
from eventmap.geo.places.world import LayeredGazetteer, PlaceMatch, load_places

DEFAULT_MIN_CONFIDENCE = 0.5
DUPLICATE_KM = 50.0

_ABBREVIATIONS = r"(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Prof|St|Jr|Sr|No|Co|Inc|Ltd|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|U\.N|e\.g|i\.e|vs)"
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9#])")
_ABBREVIATION_END = re.compile(rf"\b{_ABBREVIATIONS}\.$")
_NAME = re.compile(r"\b[A-Z][\w’'\-]*(?:\s+(?:of\s+|de\s+|al-)?[A-Z][\w’'\-]*)*")
_KIND_OF_THING = r"(?:\s+(?:joint|military|bilateral|naval|air|counter[\w-]*|special|forces|multinational)\b)*\s+(?:exercises?|drills?|operations?|war\s+games|games)\b"
_THING_PATTERNS = (
    re.compile(r"\b(?:exercises?|operations?|drills?|codenamed|code-named|dubbed|titled|called)\s+[‘“\"]?([A-Z][\w-]+)"),
    re.compile(rf"[‘“\"]?\b([A-Z][\w]+)[\s-](?:[IVX]{{1,5}}|\d{{1,2}}|20\d\d)\b[’”\"]?{_KIND_OF_THING}"),
    re.compile(rf"[‘“\"]([A-Z][\w-]+(?:\s+[\w-]+)?)[’”\"]{_KIND_OF_THING}"),
    re.compile(r"\b(?:exercises?|operations?|drills?)\s*,?\s*[‘“\"]([A-Z][\w-]+(?:\s+[\w-]+)?)[’”\"]"),
)
_NOT_THINGS = frozenset(("january february march april may june july august september october november december "
                         "monday tuesday wednesday thursday friday saturday sunday the joint military").split())
_LOCATIVE = re.compile(r"(?:\b(?:in|at|near|outside|to|into|from|across|around|towards?|inside|visited|visiting|visit|town of|city of|village of|region of|province of|district of|port of)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?)$", re.I)
_TO_PLACE = re.compile(r"\b(?:visits?|visited|trip|travel\w*|flew|went|came|returned|journey|arrived|sent|deployed|delegation|moved|headed|back)\s+(?:\w+\s+){0,3}?to\s+(?:the\s+)?$", re.I)
_LOCATIVE_TIGHT = re.compile(r"\b(?:in|at|near|outside|into|inside|visited|visiting)\s+(?:the\s+)?(?:(?:north|south|east|west)\w*\s+)?(?:(?:town|city|village|region|province|district|port|area)\s+of\s+)?$", re.I)
_GOVERNMENT_AFTER = re.compile(r"^(?:[’']s\b|\s+(?:also\s+|has\s+|had\s+|is\s+|was\s+)?(?:looks?|hopes?|says?|said|seeks?|wants?|wanted|believes?|sees?|views?|accused|urged|warned|agreed|lifted|decided|announced|plans?|expects?|insists?|denied|rejected|welcomed|condemned|and\s+[A-Z]\w+\s+\w+ing))")
_STATEMENT_BEFORE = re.compile(r"\b(?:said|says|told|announced|stated|added|reported|confirmed|tweeted|wrote|revealed|statement|update|tweet|press release|news release)\b(?:\s+[\w-]+){0,5}\s+$", re.I)
_REPORTED = re.compile(r"\b(?:said|says|according to|told|claimed|stated|announced|quoted)\b", re.I)
_EVENT_VERB = re.compile(
    r"\b(?:held|hold|began|begun|begin|started|start|commenced|kicked off|launched|opened|signed|agreed|arrived|"
    r"visited|met|lifted|received|attacked|killed|struck|hit|exploded|collapsed|erupted|elected|won|died|"
    r"announced|approved|passed|sold|bought|purchased|delivered|ended|concluded|took place|occurred|"
    r"inaugurated|led|hosted|staged|conducted|carried out|fired|seized|captured|released|shut|closed|"
    r"flooded|burned|crashed|sank|landed|departed|protested|rallied|marched|doubled|rose|fell|surged|"
    r"engaged|discussed|meeting|talks|called on|took part|participated|"
    r"commences|begins|opens|starts|kicks off|takes place|holds|meets|arrives|visits|signs|launches|hosts|hosted|joined|joins|applied|applying|established)\b",
    re.I,
)
_DATELINE = re.compile(r"^\s*([A-Z][A-Z .'-]{2,40})(?:,\s*[A-Za-z .()/-]+?)?\s*[:—–-]\s")
_TWEET_LINE = re.compile(r"^\s*[—–-]\s*[^()\n]{1,60}\(@\w+\)\s*(?P<date>.+?)\s*$")
_BOILERPLATE = re.compile(r"^\s*(?:read more|also read|short url|follow us|subscribe|share this|related)\b", re.I)

CATEGORY_WORDS = {
    "exercise": r"exercise|drill|manoeuvre|maneuver|war games|joint training|counter-terror\w* exercise",
    "defence": r"arms|weapon|helicopter|military equipment|embargo|missile|defen[cs]e|troops|army|navy|air force|tank|jet",
    "diplomacy": r"minister|visit|dialogue|talks|summit|ambassador|delegation|diplomat|treaty|bilateral|envoy|president|prime minister",
    "trade": r"trade|investment|forum|export|import|business|corridor|port|tariff|market|economic",
    "energy": r"oil|gas|lpg|fuel|pipeline|energy|power plant|electricity|crude|nuclear plant",
    "conflict": r"attack|killed|clash|bomb|blast|shelling|strike|militant|insurgent|fighting|ceasefire|wounded",
    "disaster": r"earthquake|flood|storm|cyclone|hurricane|fire|landslide|drought|eruption|tsunami|quake",
    "politics": r"election|vote|parliament|protest|court|law|bill|party|government|coalition",
}
_CATEGORY_RES = {name: re.compile(rf"\b(?:{words})", re.I) for name, words in CATEGORY_WORDS.items()}


@dataclass(frozen=True)
class ArticleInfo:
    """What is known of the article: outlet, headline, publication date, URL, and date suggestions."""

    outlet: str = ""
    headline: str = ""
    published: date | None = None
    url: str = ""
    suggestions: tuple[tuple[date, str], ...] = ()

    def source(self) -> dict[str, str]:
        """The provenance an accepted event carries (outlet, headline, date, URL)."""
        out = {"publisher": self.outlet, "title": self.headline,
               "published": self.published.isoformat() if self.published else "", "url": self.url}
        return {k: v for k, v in out.items() if v}


@dataclass
class Candidate:
    """One proposed event, with everything a reviewer needs to judge it."""

    quote: str  # the sentence
    clause: str
    mention: DateMention
    place: PlaceMatch | None
    place_phrase: str
    place_span: tuple[int, int] | None  # in ``quote``
    date_span: tuple[int, int]  # in ``quote``
    alternatives: list[PlaceMatch] = field(default_factory=list)
    place_note: str = ""
    category: str = ""
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    sentence_index: int = 0
    names: frozenset[str] = frozenset()

    @property
    def start(self) -> PartialDate | None:
        return self.mention.start

    @property
    def end(self) -> PartialDate | None:
        return self.mention.end

    def when(self) -> str:
        return format_span(self.start, self.end)

    def title(self) -> str:
        text = self.clause.strip().strip("“”\"").strip()
        text = re.sub(r"^(?:and|while|but|as|after|before)\s+", "", text, flags=re.I)
        text = re.sub(r"\s+", " ", text)
        return text[:1].upper() + text[1:110].rstrip(" ,;:") + ("…" if len(text) > 110 else "")

    def place_match_text(self) -> str:
        if self.place is None:
            return "no place found"
        return f"{self.place.how}: {self.place.place.label()}" + (f" ({self.place_note})" if self.place_note else "")


def split_sentences(text: str) -> list[str]:
    """Sentences, line by line (headlines and datelines stay apart from the body)."""
    return [sentence for _, sentence in split_lines(text)]


def split_lines(text: str) -> list[tuple[int, str]]:
    """``(line number, sentence)`` for every sentence, line by line."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines()):
        line = line.strip()
        if not line:
            continue
        begin = 0
        for match in _SENTENCE_END.finditer(line):
            if _ABBREVIATION_END.search(line[begin:match.start() + 1]) or re.search(r"\b[A-Z]\.$", line[: match.start() + 1]):
                continue  # "Oct. 13", "Mr. Borrell", "U.S."
            out.append((number, line[begin:match.end()].strip()))
            begin = match.end()
        if line[begin:].strip():
            out.append((number, line[begin:].strip()))
    return out


def thing_names(text: str) -> frozenset[str]:
    """Names of exercises, operations and the like in the whole article ("druzhba", "druzhba vii")."""
    names: set[str] = set()
    for pattern in _THING_PATTERNS:
        for match in pattern.finditer(text):
            name = match.group(1).lower()
            base = re.split(r"[\s-]", name)[0]
            if base not in _NOT_THINGS and len(base) > 2:
                names.update((name, base))
    return frozenset(names)


@dataclass
class _PlaceHit:
    match: PlaceMatch
    phrase: str
    begin: int
    stop: int
    role: str  # "venue", "government", "mention"
    alternatives: list[PlaceMatch]


def find_places(sentence: str, gazetteer: LayeredGazetteer, things: frozenset[str]) -> list[_PlaceHit]:
    """Gazetteer places named in a sentence, each with its role (venue, government or a bare mention)."""
    hits: list[_PlaceHit] = []
    for match in _NAME.finditer(sentence):
        words = match.group(0).split()
        start = match.start()
        i = 0
        while i < len(words):
            found = None
            for j in range(min(len(words), i + 5), i, -1):
                phrase = " ".join(words[i:j]).rstrip("’'s").rstrip("’'")
                phrase = re.sub(r"[’']s$", "", " ".join(words[i:j]))
                key = phrase.lower()
                if key in things or key.split("-")[0] in things or len(phrase) < 3 or key in _NOT_THINGS:
                    continue
                if phrase.isupper() and len(phrase) <= 4:
                    continue  # ISPR, LPG, CPEC
                matches = gazetteer.find(phrase, fuzzy=False)
                if matches:
                    offset = start + len(" ".join(words[:i])) + (1 if i else 0)
                    found = (phrase, offset, j, matches)
                    break
            if found is None:
                i += 1
                continue
            phrase, offset, j, matches = found
            stop = offset + len(phrase)
            before, after = sentence[:offset], sentence[stop:]
            if _GOVERNMENT_AFTER.match(after) and matches[0].place.kind in ("capital", "country"):
                role = "government"
            elif _LOCATIVE_TIGHT.search(before) or _TO_PLACE.search(before):
                role = "venue"
            elif matches[0].place.kind in ("capital", "country") and re.search(r"(?:^|[,;:]\s*|\b(?:and|while|but|as)\s+)$", before) and re.match(r"^\s+(?:also\s+|has\s+|had\s+)?[a-z]+(?:ed|s)\b", after):
                role = "government"  # "Pakistan also received", "Russia lifted": the subject of the clause
            elif _DATELINE.match(sentence) and offset < 40:
                role = "dateline"
            else:
                role = "mention"
            possessed = i > 0 and re.search(r"[’']s$", words[i - 1])  # "Russia's Astrakhan"
            part_of_name = (i > 0 or j < len(words)) and role == "mention" and not possessed  # "Xi Jinping"
            if part_of_name or (role in ("mention", "dateline") and matches[0].how != "name" and " " not in phrase
                                and gazetteer.layer(matches[0].place) == 1):
                i = j  # "Friendship" is an alternate name of a US town: only "in Friendship" would make it one
                continue
            hits.append(_PlaceHit(matches[0], phrase, offset, stop, role, matches[1:6]))
            i = j
    # close spellings only where the text says it is a place ("in Minralney Vody")
    for match in re.finditer(r"\b(?:in|at|near|town of|city of|village of)\s+([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)", sentence):
        phrase = match.group(1)
        if (any(h.begin <= match.start(1) < h.stop for h in hits) or phrase.lower() in things or len(phrase) < 6
                or phrase.split()[0].lower() in _NOT_THINGS):
            continue
        fuzzy = gazetteer.fuzzy(phrase)
        if fuzzy:
            hits.append(_PlaceHit(fuzzy[0], phrase, match.start(1), match.end(1), "venue", fuzzy[1:6]))
    hits.sort(key=lambda h: h.begin)
    for first, second in zip(hits, hits[1:]):
        between = sentence[first.stop:second.begin]
        if (first.match.place.kind == "country" and re.fullmatch(r"[’']s\s+", between)
                and _LOCATIVE_TIGHT.search(sentence[:first.begin])):
            first.role, second.role = "mention", "venue"  # "held in Russia's Astrakhan": Astrakhan is the venue
    return hits


_SPECIFIC = {"country": 3, "province": 2}


def _choose_place(hits: list[_PlaceHit], clause_span: tuple[int, int]) -> tuple[_PlaceHit | None, str]:
    inside = [h for h in hits if clause_span[0] <= h.begin < clause_span[1]]
    order = (
        (inside, "venue", ""), (inside, "government", "the government's seat"),
        (hits, "venue", "from the sentence"), (hits, "government", "the government's seat"),
        (hits, "dateline", "the dateline"),
        (inside, "mention", "named in the sentence"), (hits, "mention", "named in the sentence"),
    )
    for pool, role, note in order:
        chosen = [h for h in pool if h.role == role]
        if chosen:
            chosen.sort(key=lambda h: (_SPECIFIC.get(h.match.place.kind, 0), h.begin) if role in ("venue", "mention") else h.begin)
            return chosen[0], note
    return None, ""


def _capital(gazetteer: LayeredGazetteer, code: str) -> Place | None:
    for place in gazetteer.curated.places:
        if place.country == code and place.kind == "capital":
            return place
    world = gazetteer.world
    if world is None:
        return None
    return world.capital(code)


def _category(text: str) -> str:
    scores = {name: len(pattern.findall(text)) for name, pattern in _CATEGORY_RES.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] else "other"


def _clauses(sentence: str, mentions: list[DateMention]) -> list[tuple[int, int]]:
    """The part of the sentence each date belongs to: split before 'while', ';' or the next date's clause."""
    starts = [m for m in mentions if m.start is not None]
    spans = []
    for k, mention in enumerate(starts):
        lo = 0
        if k:
            prev = starts[k - 1]
            cut = [m.start() for m in re.finditer(r"\bwhile\b|;|, and\b|,\s*with\b|\band\b(?= in\b)|\band\b(?=\s+\w+ing\b)", sentence[prev.stop:mention.begin])]
            lo = prev.stop + cut[-1] if cut else prev.stop
        hi = len(sentence)
        if k + 1 < len(starts):
            nxt = starts[k + 1]
            cut = [m.start() for m in re.finditer(r"\bwhile\b|;|, and\b|,\s*with\b|\band\b(?= in\b)|\band\b(?=\s+\w+ing\b)", sentence[mention.stop:nxt.begin])]
            hi = mention.stop + cut[0] if cut else nxt.begin
        spans.append((lo, hi))
    return spans


def extract_candidates(
    text: str,
    published: date,
    *,
    gazetteer: LayeredGazetteer | None = None,
    existing: list[Event] | None = None,
) -> list[Candidate]:
    """Every candidate event in an article's text, resolved against ``published``, best first per sentence order.

    Parameters
    ----------
    text
        The article's plain text (headline and body).
    published
        Its publication date (relative dates depend on it).
    gazetteer
        Where places are looked up; the layered bundled gazetteer when None.
    existing
        Events already in the dataset: a candidate close to one in time and
        place is flagged as a possible duplicate.
    """
    gazetteer = gazetteer or load_places()
    things = thing_names(text)
    numbered = [(n, s) for n, s in split_lines(text) if not _BOILERPLATE.match(s)]
    sentences = [s for _, s in numbered]
    candidates: list[Candidate] = []
    for index, sentence in enumerate(sentences):
        tweet = _TWEET_LINE.match(sentence)
        if tweet:  # "— DG ISPR (@OfficialDGISPR) November 5, 2020": the date of the tweet above
            dated = find_dates(tweet.group("date"), published)
            if dated and index and dated[0].start is not None and dated[0].start.precision == "day":
                line = numbered[index - 1][0]
                first = min(i for i, (n, _) in enumerate(numbered) if n == line)
                _tweet_candidate(candidates, sentences, first, dated[0], gazetteer, things)
            continue
        future = is_future(sentence)
        mentions = find_dates(sentence, published, future=future)
        statement = [m for m in mentions if m.kind == "weekday" and _STATEMENT_BEFORE.search(sentence[:m.begin])]
        mentions = [m for m in mentions if m not in statement]
        if not mentions:
            undated = _undated(sentence, index, published, gazetteer, things)
            if undated is not None:
                candidates.append(undated)
            continue
        ends = [m for m in mentions if m.start is None]
        starts = [m for m in mentions if m.start is not None]
        if not starts:
            if ends and candidates and index - candidates[-1].sentence_index <= 2:
                last = candidates[-1]
                if last.mention.end is None and last.start is not None and last.start.precision == "day":
                    end = ends[0]
                    if end.end is not None and end.end.lo >= last.start.lo:
                        last.mention = replace(last.mention, end=end.end, basis=f"{last.mention.basis}; end: '{end.phrase}'")
                        last.reasons.append(f"end from the next sentence: '{end.phrase}'")
            continue
        hits = find_places(sentence, gazetteer, things)
        duration = find_duration(sentence)
        for mention, span in zip(starts, _clauses(sentence, mentions)):
            if ends and mention.end is None:
                end = next((e for e in ends if e.begin > mention.stop), None)
                if end is not None and end.end is not None and mention.start.lo <= end.end.lo:
                    mention = replace(mention, end=end.end, basis=f"{mention.basis}; end: '{end.phrase}'")
            if duration and mention.end is None:
                mention = with_duration(mention, duration[1], duration[0])
            candidates.append(_candidate(sentence, index, mention, span, hits, gazetteer, future, things))
    candidates = _merge_same_event(_merge_repeats(candidates))
    for candidate in candidates:
        _flag_duplicates(candidate, existing or [])
    return candidates


_PRESENT_PERFECT = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:been\s+)?\w+(?:ed|en|un)\b", re.I)


def _undated(sentence, index, published, gazetteer, things) -> Candidate | None:
    """A sentence with no date that reports an event at a place ("The forum was held in Moscow"): dated to
    the month of the article, with a low confidence, for the reviewer to judge."""
    if index == 0 or is_future(sentence) or not (_EVENT_VERB.search(sentence) or _PRESENT_PERFECT.search(sentence)):
        return None
    hits = find_places(sentence, gazetteer, things)
    if not any(h.role == "venue" or (h.role == "government" and _PRESENT_PERFECT.search(sentence)) for h in hits):
        return None
    if _PRESENT_PERFECT.search(sentence) and not re.search(r"\b(?:has|have)\s+been\b", sentence):
        # "has arrived": just before the article was written
        when, basis = parse_date(published.isoformat()), "no date in the sentence: 'has ...' on the article's day"
    else:
        when, basis = parse_date(f"{published.year:04d}-{published.month:02d}"), "no date in the sentence: the month of the article's date"
    mention = DateMention("", -1, -1, when, None, basis, "undated", True)
    candidate = _candidate(sentence, index, mention, (0, len(sentence)), hits, gazetteer, False, things)
    candidate.date_span = (-1, -1)
    candidate.confidence = round(min(candidate.confidence, 0.3), 2)
    candidate.reasons.append("no date in the sentence")
    return candidate


def _tweet_candidate(candidates, sentences, index, mention, gazetteer, things) -> None:
    body = sentences[index].lstrip("#")
    hits = find_places(body, gazetteer, things)
    tweet_mention = DateMention(mention.phrase, 0, 0, mention.start, None, "explicit: the date of the embedded post", "explicit")
    candidate = _candidate(body, index, tweet_mention, (0, len(body)), hits, gazetteer, False, things)
    candidate.date_span = (-1, -1)
    candidate.reasons.append("dated by the embedded post's date line")
    candidates.append(candidate)


def _candidate(sentence, index, mention, span, hits, gazetteer, future, things) -> Candidate:
    clause = sentence[span[0]:span[1]]
    hit, note = _choose_place(hits, span)
    place = hit.match if hit else None
    alternatives = list(hit.alternatives) if hit else []
    reasons: list[str] = []
    confidence = 0.35
    if mention.basis.startswith("explicit"):
        confidence += 0.2
        reasons.append("explicit date")
    elif mention.kind == "open span":
        confidence += 0.05
        reasons.append("an open span: dated by its start")
    else:
        confidence += 0.1
        reasons.append(f"date from the article's date ({mention.kind})")
    if hit is not None and hit.role == "venue":
        confidence += 0.2
        reasons.append(f"place named as the venue ('{hit.phrase}')")
    elif hit is not None and hit.role == "government":
        confidence += 0.05
        reasons.append(f"'{hit.phrase}' is a government here: placed at its seat")
    elif hit is not None:
        reasons.append(f"place only mentioned ('{hit.phrase}')")
    else:
        confidence -= 0.2
        reasons.append("no place in the sentence")
    if place is not None and place.place.kind in ("country", "province"):
        capital = _capital(gazetteer, place.place.country) if place.place.kind == "country" else None
        if capital is not None:
            alternatives = [place, *alternatives]
            place = PlaceMatch(capital, f"{place.how} of the country, shown at its capital")
            note = note or f"{hit.phrase} → {capital.name}"
    if place is not None and place.how.startswith("close spelling"):
        confidence -= 0.05
        reasons.append(place.how)
    if _EVENT_VERB.search(clause):
        confidence += 0.1
        reasons.append("an event verb")
    else:
        confidence -= 0.1
        reasons.append("no event verb")
    flags: list[str] = []
    if future:
        flags.append("planned")
        confidence -= 0.05
    if _REPORTED.search(clause) or "“" in clause or '"' in clause:
        flags.append("reported speech")
    if mention.precision == "year" and mention.kind == "relative":
        reasons.append("a year only")
    words = {w.lower() for w in re.findall(r"[A-Za-z][\w-]+", sentence)}
    names = frozenset(n for n in things if n in words or any(w.startswith(n) for w in words))
    begin, stop = mention.begin, mention.stop
    return Candidate(
        quote=sentence, clause=clause, mention=mention, place=place,
        place_phrase=hit.phrase if hit else "", place_span=(hit.begin, hit.stop) if hit else None,
        date_span=(begin, stop), alternatives=alternatives, place_note=note,
        category=_category(sentence), confidence=round(max(0.0, min(1.0, confidence)), 2),
        reasons=reasons, flags=flags, sentence_index=index, names=names,
    )


def _merge_repeats(candidates: list[Candidate]) -> list[Candidate]:
    """One row for the same dates at the same place in one sentence, or in a sentence and the headline."""
    out: list[Candidate] = []
    for candidate in candidates:
        key = (candidate.start.text if candidate.start else "", candidate.end.text if candidate.end else "",
               candidate.place.place if candidate.place else None)
        twin = next((c for c in out if (c.start.text if c.start else "", c.end.text if c.end else "",
                                       c.place.place if c.place else None) == key
                     and (c.sentence_index == candidate.sentence_index or 0 in (c.sentence_index, candidate.sentence_index))), None)
        if twin is None:
            out.append(candidate)
        elif candidate.confidence > twin.confidence:
            candidate.reasons.append("also: " + twin.mention.phrase)
            out[out.index(twin)] = candidate
        else:
            twin.reasons.append("also: " + candidate.mention.phrase)
    return out


def _merge_same_event(candidates: list[Candidate]) -> list[Candidate]:
    """One row per event: a vaguer mention of a named event ("this week") gives way to a precise one."""
    out: list[Candidate] = []
    for candidate in candidates:
        twin = next((c for c in out if _same_event(c, candidate)), None)
        if twin is None:
            out.append(candidate)
            continue
        better, worse = (candidate, twin) if _precision_rank(candidate) > _precision_rank(twin) else (twin, candidate)
        if better is candidate:
            out[out.index(twin)] = candidate
        if better.place is None or (worse.place is not None and better.place.place.kind == "country"):
            better.place, better.place_phrase, better.place_note = worse.place, worse.place_phrase, worse.place_note
        better.reasons.append("also mentioned: " + worse.mention.phrase)
    return out


def _same_event(a: Candidate, b: Candidate) -> bool:
    """Two mentions of one event: overlapping dates, and a shared name or one vague row of the same kind."""
    if not _overlap(a, b) or "undated" in (a.mention.kind, b.mention.kind):
        return False
    if a.names & b.names:
        return True
    vague, sharp = (a, b) if _precision_rank(a)[0] < _precision_rank(b)[0] else (b, a)
    if vague.category != sharp.category or _precision_rank(vague)[0] == _precision_rank(sharp)[0]:
        return False
    return (vague.mention.kind == "relative" and "this week" in vague.mention.phrase.lower()
            and abs(a.sentence_index - b.sentence_index) <= 1)


def _precision_rank(c: Candidate) -> tuple[int, float]:
    order = {"year": 0, "month": 1, "day": 2, "minute": 3, "second": 4}
    return (order.get(c.mention.precision, 0) + (1 if c.mention.end is not None else 0), c.confidence)


def _overlap(a: Candidate, b: Candidate) -> bool:
    if a.start is None or b.start is None:
        return False
    a_hi = a.end.hi if a.end is not None else a.start.hi
    b_hi = b.end.hi if b.end is not None else b.start.hi
    return a.start.lo < b_hi and b.start.lo < a_hi


def _flag_duplicates(candidate: Candidate, existing: list[Event]) -> None:
    """Flag a candidate that an existing event already records: same precision, overlapping dates, near."""
    if candidate.place is None or candidate.start is None:
        return
    point = candidate.place.place.point
    hi = candidate.end.hi if candidate.end is not None else candidate.start.hi
    matches = []
    for event in existing:
        if event.start is None or event.start.is_open or event.start.precision != candidate.start.precision:
            continue
        if not (event.lo < hi and candidate.start.lo < event.hi):
            continue
        if distance_km(point, (event.lat, event.lon)) <= DUPLICATE_KM:
            matches.append(event)
    if matches:
        matches.sort(key=lambda e: e.category != candidate.category)
        candidate.flags.append(f"possible duplicate of {matches[0].id}")
        candidate.confidence = round(max(0.0, candidate.confidence - 0.1), 2)


def candidate_event(candidate: Candidate, info: ArticleInfo, used_ids: set[str] | None = None) -> Event:
    """The event a candidate proposes, carrying its provenance (source, quote) and how it was found."""
    place = candidate.place.place if candidate.place else None
    title = candidate.title()
    base = slugify(f"{title[:40]} {candidate.start.text if candidate.start else ''}")
    ident, n = base, 2
    while used_ids is not None and ident in used_ids:
        ident, n = f"{base}-{n}", n + 1
    if used_ids is not None:
        used_ids.add(ident)
    extra: dict[str, Any] = {
        "date_basis": candidate.mention.basis,
        "date_phrase": candidate.mention.phrase,
        "quote": candidate.quote,
        "place_match": candidate.place_match_text(),
        "confidence": candidate.confidence,
        "confidence_reasons": list(candidate.reasons),
        "flags": list(candidate.flags),
    }
    end = candidate.end
    return Event(
        id=ident, title=title, lon=place.lon if place else 0.0, lat=place.lat if place else 0.0,
        start=candidate.start, end=end, place=place.name if place else "",
        category=candidate.category, summary=candidate.quote, source=info.source() or None,
        url=info.url, extra=extra,
    )
