"""Reading an article: plain text or a saved web page, with its outlet, headline and date suggestions.

HTML goes through trafilatura (the article's text and metadata) and htmldate
(publication dates, each with where it came from). Plain text gets
suggestions from its own lines: a dateline date, an embedded post's date.
Nothing is fetched: a page is read from the file the user gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from eventmap.geo.article.dates import find_dates
from eventmap.geo.article.extract import ArticleInfo
from eventmap.geo.errors import EventmapError

_URL_DATE = re.compile(r"/(?P<y>20\d\d|19\d\d)[/-](?P<m>0?[1-9]|1[0-2])[/-](?P<d>0?[1-9]|[12]\d|3[01])(?:/|\b)")
_URL_DAY_MONTH = re.compile(r"/(?P<d>\d\d)-(?P<mon>[A-Z][a-z]{2})-(?P<y>20\d\d)/")
_TWEET_DATE = re.compile(r"^\s*[—–-]\s*[^()\n]{1,60}\(@\w+\)\s*(?P<date>.+?)\s*$", re.M)
_META_DATE = re.compile(r"^\s*date\s+(\d{4}-\d\d-\d\d)\b", re.M)
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
MAX_BYTES = 20 << 20


@dataclass(frozen=True)
class Article:
    """An article's text and what is known of it."""

    text: str
    info: ArticleInfo
    path: Path | None = None


def read_article(path: Path | str, published: date | None = None) -> Article:
    """Read a .txt, .html or saved web page.

    Parameters
    ----------
    path
        The file.
    published
        The publication date, when the user gives it; else the first suggestion.

    Raises
    ------
    EventmapError
        When the file cannot be read or holds no text.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise EventmapError(f"{path.name}: larger than {MAX_BYTES >> 20} MB; not an article")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EventmapError(f"{path}: no such file") from None
    except OSError as exc:
        raise EventmapError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text = raw.decode("utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm", ".xhtml", ".mhtml") or text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        article = read_html(text, published)
    else:
        article = read_text(text, published)
    if not article.text.strip():
        raise EventmapError(f"{path.name}: no article text found")
    return Article(article.text, article.info, path)


def text_suggestions(text: str, url: str = "") -> list[tuple[date, str]]:
    """Publication dates a text suggests, each with where it came from."""
    out: list[tuple[date, str]] = []
    for match in _META_DATE.finditer(text):
        out.append((date.fromisoformat(match.group(1)), "a date line in the text"))
    if url:
        found = _URL_DATE.search(url)
        if found:
            try:
                out.append((date(int(found["y"]), int(found["m"]), int(found["d"])), "the URL"))
            except ValueError:
                pass
        found = _URL_DAY_MONTH.search(url)
        if found and found["mon"] in _MONTHS:
            out.append((date(int(found["y"]), _MONTHS.index(found["mon"]) + 1, int(found["d"])), "the URL"))
    for match in _TWEET_DATE.finditer(text):
        dated = find_dates(match.group("date"), date.today())
        if dated and dated[0].start is not None and dated[0].start.precision == "day":
            out.append((date.fromisoformat(dated[0].start.text[:10]), "an embedded post's date (the article is on or after it)"))
    seen: set[date] = set()
    unique = []
    for day, where in out:
        if day not in seen:
            seen.add(day)
            unique.append((day, where))
    return unique


def read_text(text: str, published: date | None = None, *, outlet: str = "", headline: str = "", url: str = "") -> Article:
    """A plain-text article; the first short line is taken as its headline when none is given."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not headline and lines and len(lines[0]) <= 160 and not lines[0].endswith("."):
        headline = lines[0]
    suggestions = tuple(text_suggestions(text, url))
    chosen = published or (suggestions[0][0] if suggestions else None)
    return Article(text, ArticleInfo(outlet, headline, chosen, url, suggestions))


def read_html(html: str, published: date | None = None) -> Article:
    """A web page: its main text and metadata through trafilatura, its dates through htmldate."""
    import trafilatura  # noqa: PLC0415 - only HTML needs it
    from htmldate import find_date  # noqa: PLC0415

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True) or ""
    meta = trafilatura.extract_metadata(html)
    outlet = (meta.sitename or "") if meta else ""
    headline = (meta.title or "") if meta else ""
    url = (meta.url or "") if meta else ""
    suggestions: list[tuple[date, str]] = []
    for original, where in ((True, "page metadata (htmldate, original date)"), (False, "page metadata (htmldate, last update)")):
        try:
            found = find_date(html, original_date=original, extensive_search=False, outputformat="%Y-%m-%d")
        except (ValueError, TypeError):
            found = None
        if found:
            day = date.fromisoformat(found)
            if all(day != d for d, _ in suggestions):
                suggestions.append((day, where))
    if meta and meta.date:
        try:
            day = date.fromisoformat(meta.date[:10])
        except ValueError:
            day = None
        if day and all(day != d for d, _ in suggestions):
            suggestions.append((day, "page metadata (trafilatura)"))
    body = f"{headline}\n\n{text}" if headline and not text.startswith(headline) else text
    suggestions += [s for s in text_suggestions(body, url) if all(s[0] != d for d, _ in suggestions)]
    chosen = published or (suggestions[0][0] if suggestions else None)
    return Article(body, ArticleInfo(outlet, headline, chosen, url, tuple(suggestions)))
