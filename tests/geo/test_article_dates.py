"""The date layer, phrase by phrase, against a publication date (every phrase of issue 13 at least)."""

from __future__ import annotations

from datetime import date

import pytest

from eventmap.geo.article.dates import find_dates, find_duration, is_future, parse_absolute, with_duration
from eventmap.geo.dates import OPEN

OCT_15_2024 = date(2024, 10, 15)  # Tuesday: the Arab News article
NOV_6_2020 = date(2020, 11, 6)  # Friday: within the GVS article's 5-7 Nov 2020


def one(text, published=OCT_15_2024, **kwargs):
    found = find_dates(text, published, **kwargs)
    assert len(found) == 1, found
    return found[0]


def span(mention):
    return (mention.start.text if mention.start else None, mention.end.text if mention.end else None)


@pytest.mark.parametrize(
    ("text", "start", "precision"),
    [
        ("In 2014, Russia lifted a longstanding arms embargo", "2014", "year"),
        ("while in August 2015, it agreed to sell four Mi-35M", "2015-08", "month"),
        ("its first shipment of liquified petroleum gas from Russia in September 2023", "2023-09", "month"),
        ("— DG ISPR (@OfficialDGISPR) November 5, 2020", "2020-11-05", "day"),
        ("RAWALPINDI, 8th Nov, 2020: the exercise started", "2020-11-08", "day"),
        ("The meeting on 2020-11-05 was short", "2020-11-05", "day"),
    ],
)
def test_absolute_dates_are_explicit_at_their_precision(text, start, precision):
    mention = one(text)
    assert mention.start.text == start and mention.precision == precision
    assert mention.basis == "explicit" and not mention.relative


def test_last_year_is_a_year_never_a_fake_day():
    mention = one("ties saw significant improvement last year after Pakistan started purchasing")
    assert mention.start.text == "2023" and mention.precision == "year" and mention.end is None
    assert mention.basis == "'last year' from 15 Oct 2024" and mention.relative


def test_last_month():
    mention = one("Last month, Russia's Deputy Prime Minister Alexei Overchuk arrived in Islamabad")
    assert mention.start.text == "2024-09" and mention.basis == "'Last month' from 15 Oct 2024"


def test_last_month_in_january_is_last_december():
    assert one("last month", date(2025, 1, 3)).start.text == "2024-12"


def test_earlier_this_month():
    mention = one("Earlier this month, Pakistan's commerce minister led a delegation")
    assert mention.start.text == "2024-10" and mention.precision == "month"


def test_earlier_this_week_in_one_month_is_that_month():
    mention = one("Earlier this week, Foreign Minister Qureshi co-chaired the dialogue", NOV_6_2020)
    assert mention.start.text == "2020-11" and mention.precision == "month"
    assert "between 2 and 6 Nov 2020" in mention.basis


def test_earlier_this_week_across_two_months_is_a_span_of_days():
    mention = one("earlier this week", date(2024, 10, 2))  # a Wednesday: the week began on 30 Sep
    assert span(mention) == ("2024-09-30", "2024-10-02")


def test_year_less_date_past_tense_takes_the_article_year():
    mention = one("The two-week-long exercise commenced on Oct. 13 at the National Counter Terrorism Center")
    assert mention.start.text == "2024-10-13" and mention.basis == "year from the article's date"


def test_year_less_date_after_the_article_in_past_tense_is_last_year():
    assert one("The talks were held on December 20", date(2025, 1, 10)).start.text == "2024-12-20"


def test_year_less_date_in_future_tense_is_the_coming_one():
    mention = one("The exercise, which will continue till November 21st, has 70 officers", NOV_6_2020)
    assert span(mention) == (None, "2020-11-21") and mention.kind == "end"
    assert one("The summit will open on January 12", date(2024, 12, 20)).start.text == "2025-01-12"


def test_till_november_21st_is_not_sent_to_the_previous_year():
    mention = one("till November 21st", date(2020, 11, 6), future=True)
    assert mention.end.text == "2020-11-21"


def test_the_8th_of_this_month():
    mention = one("The drills will officially start on the 8th of this month in the Tarbela region", NOV_6_2020)
    assert mention.start.text == "2020-11-08" and mention.basis == "'the 8th of this month' from 6 Nov 2020"


def test_weekday_past_tense_is_the_last_such_day():
    mention = one("the army's media wing said on Tuesday", OCT_15_2024)
    assert mention.start.text == "2024-10-15" and mention.kind == "weekday"  # the article's own day
    assert one("The ceremony was held on Sunday", OCT_15_2024).start.text == "2024-10-13"
    assert one("He arrived last Tuesday", OCT_15_2024).start.text == "2024-10-08"


def test_weekday_future_tense_is_the_next_such_day():
    assert one("The talks will resume on Friday", OCT_15_2024).start.text == "2024-10-18"


def test_between_two_dates_is_a_span():
    mention = one("The exercise was held between Sep 27 and Oct 6 in Nizhny Arkhyz")
    assert span(mention) == ("2024-09-27", "2024-10-06") and mention.kind == "span"


def test_span_across_the_new_year():
    mention = one("between Dec 27 and Jan 6", date(2025, 1, 10))
    assert span(mention) == ("2024-12-27", "2025-01-06")


def test_from_till_is_a_span():
    mention = one("The forum ran from November 8, 2020 till November 21, 2020")
    assert span(mention) == ("2020-11-08", "2020-11-21") and mention.basis == "explicit"


def test_day_range_in_one_month():
    assert span(one("held on 13-27 October")) == ("2024-10-13", "2024-10-27")
    assert span(one("from Oct 13-27, 2024 at Pabbi")) == ("2024-10-13", "2024-10-27")


def test_since_2016_is_an_open_span():
    mention = one("Regular military exercises have been held since 2016 between Pakistan and Russia")
    assert mention.start.text == "2016" and mention.end is OPEN
    assert mention.basis == "open span: since 2016" and mention.kind == "open span"


def test_durations_give_an_end():
    assert find_duration("The two-week-long exercise commenced on Oct. 13") == ("two-week-long", 14)
    assert find_duration("for 2 weeks long joint exercise DRUZHBA 5")[1] == 14
    assert find_duration("a three-day visit") == ("three-day", 3)
    assert find_duration("talks lasted for ten days")[1] == 10
    assert find_duration("The weather was nice") is None
    start = one("The exercise commenced on Oct. 13")
    ended = with_duration(start, 14, "two-week-long")
    assert span(ended) == ("2024-10-13", "2024-10-27") and "two-week-long" in ended.basis


def test_relative_days_and_ago():
    assert one("said yesterday", OCT_15_2024).start.text == "2024-10-14"
    assert one("two years ago", OCT_15_2024).start.text == "2022"
    assert one("three months ago", OCT_15_2024).start.text == "2024-07"
    assert one("next month", OCT_15_2024).start.text == "2024-11"
    assert one("this year", OCT_15_2024).start.text == "2024"


def test_numbers_that_are_not_dates():
    assert find_dates("a delegation of 70 businesspersons", OCT_15_2024) == []
    assert find_dates("the 2,000 troops and 1999 vehicles", OCT_15_2024) == []
    assert find_dates("It may rain, said the official", OCT_15_2024) == []


def test_a_new_publication_date_re_resolves_relative_mentions_only():
    text = "Last month the minister visited; in August 2015 the deal was signed."
    before = find_dates(text, OCT_15_2024)
    after = find_dates(text, date(2025, 3, 1))
    assert [m.start.text for m in before] == ["2024-09", "2015-08"]
    assert [m.start.text for m in after] == ["2025-02", "2015-08"]
    assert [m.relative for m in before] == [True, False]


def test_tense():
    assert is_future("The drills will officially start on the 8th")
    assert not is_future("The exercise commenced on Oct. 13")


def test_parse_absolute_uses_dateparser_precision():
    assert parse_absolute("September 2023").precision == "month"
    assert parse_absolute("November 5, 2020").text == "2020-11-05"
