"""Candidate events from the two seed articles: dates, places (governments and venues), flags, the GeoJSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from eventmap.geo.article.extract import candidate_event, extract_candidates, find_places, split_sentences, thing_names
from eventmap.geo.article.reading import read_article, read_html
from eventmap.geo.article.run import run_extract
from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.paths import default_dataset
from eventmap.geo.places.world import load_places

ARTICLES = Path(__file__).parents[1] / "data" / "articles"
GVS = ARTICLES / "gvs-2020-11-druzhba-5.txt"
ARAB_NEWS = ARTICLES / "arabnews-2024-10-15-druzhba-vii.txt"


@pytest.fixture(scope="module")
def places():
    return load_places()


def rows(path, published, places, **kwargs):
    return extract_candidates(path.read_text(encoding="utf-8"), published, gazetteer=places, **kwargs)


def summary(candidates):
    return sorted(((c.start.text, c.end.text if c.end is not None else None, c.place.place.name if c.place else None)
            for c in candidates), key=str)


def test_arab_news_gives_its_nine_events(places):
    found = summary(rows(ARAB_NEWS, date(2024, 10, 15), places))
    assert found == sorted([
        ("2024-10-13", "2024-10-27", "Pabbi"),  # "commenced on Oct. 13", "two-week-long"
        ("2014", None, "Moscow"),  # "Russia lifted": the government's seat
        ("2015-08", None, "Moscow"),
        ("2024-10", None, "Moscow"),  # "a forum ... in Moscow": a venue
        ("2023", None, "Islamabad"),  # "Islamabad's ties ... last year"
        ("2023", None, "Islamabad"),  # "fuel prices in Pakistan last year": the country, at its capital
        ("2023-09", None, "Islamabad"),
        ("2024-09", None, "Islamabad"),  # "Last month ... arrived in Islamabad"
    ], key=str)


def test_arab_news_rows_in_detail(places):
    candidates = rows(ARAB_NEWS, date(2024, 10, 15), places)
    assert len(candidates) == 8
    druzhba = candidates[0]
    assert druzhba.mention.phrase == "Oct. 13" and "two-week-long" in druzhba.mention.basis
    assert druzhba.place.place.name == "Pabbi" and "reported speech" in druzhba.flags
    assert druzhba.category == "exercise"
    assert any("this week" in r for r in druzhba.reasons)  # the vaguer first mention is merged in
    crude = next(c for c in candidates if c.quote.startswith("Islamabad’s ties"))
    assert crude.start.text == "2023" and crude.mention.basis == "'last year' from 15 Oct 2024"
    assert "government" in " ".join(crude.reasons)


def test_gvs_rows(places):
    candidates = rows(GVS, date(2020, 11, 6), places)
    found = summary(candidates)
    assert ("2020-11-08", "2020-11-21", "Tarbela") in found  # "the 8th of this month" ... "till November 21st"
    assert ("2020-11-05", None, "Islamabad") in found  # the embedded tweet's date; "in Pakistan" -> capital
    assert ("2014", None, "Moscow") in found
    assert ("2020-11", None, "Brussels") in found or ("2020-11", None, "Islamabad") in found
    since = next(c for c in candidates if c.mention.phrase == "since 2016")
    assert since.mention.kind == "open span" and since.end.is_open
    exercise = next(c for c in candidates if c.start.text == "2020-11-08")
    assert "planned" in exercise.flags


def test_exercise_names_are_not_places(places):
    text = ARAB_NEWS.read_text(encoding="utf-8")
    assert "druzhba" in thing_names(text)
    for sentence in split_sentences(text):
        assert all("Druzhba" not in h.phrase for h in find_places(sentence, places, thing_names(text)))


def test_governments_and_venues(places):
    things = frozenset()
    roles = {h.phrase: h.role for h in find_places("Islamabad’s ties with Russia also saw significant improvement", places, things)}
    assert roles["Islamabad"] == "government"
    roles = {h.phrase: h.role for h in find_places("Moscow also looks seriously at participating in gas pipelines", places, things)}
    assert roles["Moscow"] == "government"
    roles = {h.phrase: h.role for h in find_places("a delegation went to an inaugural forum between the two countries in Moscow", places, things)}
    assert roles["Moscow"] == "venue"


def test_a_close_spelling_after_in_is_a_place(places):
    text = "A two-week long joint exercise began in Minralney Vody, Russia on September 25, 2017."
    candidate = extract_candidates(text, date(2017, 9, 26), gazetteer=places)[0]
    assert candidate.place.place.name == "Mineralnye Vody" and candidate.place.how.startswith("close spelling")
    assert candidate.start.text == "2017-09-25" and candidate.end.text == "2017-10-09"


def test_possible_duplicates_of_the_dataset(places):
    existing = load_dataset(default_dataset()).events
    candidates = rows(ARAB_NEWS, date(2024, 10, 15), places, existing=existing)
    druzhba = candidates[0]
    assert "possible duplicate of druzhba-7-exercise-2024-10-13" in druzhba.flags


def test_a_new_publication_date_re_resolves(places):
    later = rows(ARAB_NEWS, date(2025, 10, 15), places)
    assert ("2024", None, "Islamabad") in summary(later)  # "last year" from 2025
    assert ("2015-08", None, "Moscow") in summary(later)  # explicit: unchanged


def test_accepted_events_carry_source_and_quote(places):
    article = read_article(ARAB_NEWS, date(2024, 10, 15))
    candidate = rows(ARAB_NEWS, date(2024, 10, 15), places)[0]
    event = candidate_event(candidate, article.info, set())
    assert event.source == {"title": "Pakistani, Russian armies kick off ‘Druzhba-VII’ joint counter-terror exercise",
                            "published": "2024-10-15"}
    assert event.extra["quote"] == candidate.quote and event.extra["date_phrase"] == "Oct. 13"
    assert event.extra["place_match"].endswith("Pabbi, Pakistan")


def test_text_suggests_the_tweet_date():
    article = read_article(GVS)
    assert (date(2020, 11, 5), "an embedded post's date (the article is on or after it)") in article.info.suggestions


def test_html_through_trafilatura_and_htmldate():
    html = """<!doctype html><html><head><title>Dam opens | The Example Times</title>
    <meta property="og:site_name" content="The Example Times">
    <meta property="og:title" content="Tarbela's fourth extension opens">
    <meta property="article:published_time" content="2024-03-05T09:00:00Z"></head>
    <body><article><h1>Tarbela's fourth extension opens</h1>
    <p>The fourth extension of the Tarbela dam was inaugurated on Monday in Tarbela, officials said.
    Work on it began in 2016, and a first turbine ran in August 2023 at the site near Haripur.</p>
    <p>The project cost more than was planned, the ministry said in a statement issued in Islamabad.</p></article>
    </body></html>"""
    article = read_html(html)
    assert article.info.outlet == "The Example Times"
    assert article.info.headline == "Tarbela's fourth extension opens"
    assert article.info.published == date(2024, 3, 5)
    assert article.info.suggestions[0][1].startswith("page metadata")
    assert "inaugurated on Monday" in article.text


def test_cli_body_writes_eventmap_geojson(tmp_path, capsys):
    out = tmp_path / "c.geojson"
    assert run_extract(str(ARAB_NEWS), str(out), published="2024-10-15") == 0
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    props = features[0]["properties"]
    for key in ("date_basis", "date_phrase", "quote", "place_match", "confidence", "source"):
        assert props[key], key
    assert load_dataset(out).events[0].start.text == "2024-10-13"  # it opens in eventmap
    assert "candidate events" in capsys.readouterr().out
    with pytest.raises(EventmapError, match="no publication date found"):
        run_extract(str(ARAB_NEWS), str(out))
    with pytest.raises(EventmapError, match="not a date like"):
        run_extract(str(ARAB_NEWS), str(out), published="15/10/2024")


def test_a_statement_date_is_not_an_event_date(places):
    candidates = rows(ARTICLES / "thenews-2024-10-15-druzhba-vii.txt", date(2024, 10, 15), places)
    assert all(c.start.text != "2024-10-15" for c in candidates)  # "said in a statement on Tuesday"
    assert ("2024-10-13", "2024-10-27", "Pabbi") in summary(candidates)


def test_an_undated_report_is_proposed_at_the_article_month_with_low_confidence(places):
    candidates = rows(ARTICLES / "pakistantoday-2024-10-03-trade-deal.txt", date(2024, 10, 3), places)
    forum = next(c for c in candidates if "was held in Moscow" in c.quote)
    assert forum.start.text == "2024-10" and forum.place.place.name == "Moscow"
    assert forum.confidence < 0.5 and forum.mention.basis.startswith("no date in the sentence")


def test_repeats_in_one_story_are_one_row(places):
    candidates = rows(ARTICLES / "brecorder-2024-10-01-moscow-forum.txt", date(2024, 10, 1), places)
    assert sum(1 for c in candidates if c.start.text == "2024-10-01") == 1  # headline "today", "on Tuesday (Oct 1)"
    assert ("2024-07-03", None, "Astana") in summary(candidates)  # "on July 3, 2024, in Astana"


def test_a_possessive_country_names_the_region_of_the_venue(places):
    candidates = rows(ARTICLES / "geotv-2020-11-10-druzhba-v-underway.txt", date(2020, 11, 10), places)
    assert ("2020-09", None, "Astrakhan") in summary(candidates)  # "held in Russia's Astrakhan"
