"""``eventmap extract``: candidate events of an article as eventmap GeoJSON, for review or scripts."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from eventmap.geo.article.extract import DEFAULT_MIN_CONFIDENCE, Candidate, candidate_event, extract_candidates
from eventmap.geo.article.reading import read_article
from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset
from eventmap.geo.storage import save_dataset


def candidates_dataset(candidates: list[Candidate], info, name: str) -> tuple[Dataset, int]:
    """The candidates that have a place, as a dataset; and how many had none."""
    used: set[str] = set()
    events = [candidate_event(c, info, used) for c in candidates if c.place is not None]
    return Dataset(events, name=name), sum(1 for c in candidates if c.place is None)


def run_extract(path: str, out: str, published: str | None = None, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> int:
    """Read an article, write its candidates at or above ``min_confidence`` to ``out``; print a summary.

    Raises
    ------
    EventmapError
        For an unreadable article, a bad date, or no publication date at all.
    """
    day = None
    if published:
        try:
            day = date.fromisoformat(published)
        except ValueError:
            raise EventmapError(f"--published {published!r} is not a date like 2024-10-15") from None
    article = read_article(path, day)
    if article.info.published is None:
        raise EventmapError(
            f"{Path(path).name}: no publication date found in the article; give it with --published YYYY-MM-DD"
        )
    candidates = extract_candidates(article.text, article.info.published)
    kept = [c for c in candidates if c.confidence >= min_confidence]
    dataset, unplaced = candidates_dataset(kept, article.info, f"Candidates from {Path(path).name}")
    if not Path(out).suffix.lower() in (".geojson", ".json"):
        raise EventmapError(f"{out}: extract writes GeoJSON; name the output .geojson")
    save_dataset(dataset, out)
    where = next((w for d, w in article.info.suggestions if d == article.info.published), "given with --published")
    print(f"published {article.info.published.isoformat()} ({where})", file=sys.stderr)
    print(f"wrote {out}: {len(dataset)} candidate events of {len(candidates)} found "
          f"(confidence >= {min_confidence:g}{f'; {unplaced} without a place left out' if unplaced else ''})")
    return 0
