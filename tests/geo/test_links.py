"""One rule for which links are clickable, used by the popup, the validator and the importers alike."""

import pytest

from eventmap.geo.brief import brief, shorten, title_or_untitled
from eventmap.geo.events import Dataset, Event
from eventmap.geo.links import is_http_link
from eventmap.geo.page.payload import event_details
from eventmap.geo.validate import validate_dataset

LINKS = {
    "https://example.org/a?b=c": True,
    "HTTP://EXAMPLE.ORG": True,
    "  https://example.org  ": True,
    "https://example.org/a b": False,  # a space: not one link
    "javascript:alert(1)": False,
    "file:///etc/passwd": False,
    "data:text/html,<b>x</b>": False,
    "example.org": False,
    "": False,
}


@pytest.mark.parametrize(("text", "clickable"), LINKS.items())
def test_the_popup_and_the_validator_agree_on_every_link(text, clickable):
    assert is_http_link(text) is clickable
    event = Event(id="a", title="A", lon=0.0, lat=0.0, url=text)
    assert bool(event_details(event)["url"]) is clickable
    flagged = any("not an http(s) link" in line for line in validate_dataset(Dataset(events=[event])).problems)
    assert flagged is (bool(text) and not clickable)


def test_short_forms():
    assert shorten("x" * 50, 10) == "x" * 9 + "…" and shorten("abc") == "abc"
    assert brief("abc") == "'abc'" and len(brief("y" * 100)) == 60
    assert title_or_untitled("  Two   words ") == "Two words" and title_or_untitled(" ") == "(untitled)"
    assert event_details(Event(id="a", title="", lon=0.0, lat=0.0))["title"] == "(untitled)"
