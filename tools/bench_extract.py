#!/usr/bin/env python3
"""How well ``eventmap extract`` finds the events a careful reader lists: a table per article and in total.

The answer key is tests/data/articles/answer_key.json (its "about" says how it
was made); the two seed articles are keyed by the bundled dataset itself, by
the outlet of each event's source. For every keyed event the script looks for
a candidate with the same start at the same precision ("date"), and among
those one placed within 25 km of the key's point ("place"); "missed" have no
candidate with that date; "wrong" are candidates shown at the default
confidence that match no keyed event. "all" columns count every candidate,
"shown" only those at or above the default confidence.

Run::

    python tools/bench_extract.py [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "articles"
PLACE_KM = 25.0


def dataset_key(outlet: str) -> list[dict]:
    from eventmap.geo.importers import load_dataset
    from eventmap.geo.paths import default_dataset

    out = []
    for event in load_dataset(default_dataset()).events:
        sources = event.source if isinstance(event.source, list) else [event.source]
        if any(s.get("publisher") == outlet for s in sources if isinstance(s, dict)):
            out.append({"what": event.title, "start": event.start.text, "place": event.place,
                        "point": [event.lat, event.lon]})
    return out


def score(key_events: list[dict], candidates, min_confidence: float) -> dict:
    from eventmap.geo.places.distance import distance_km

    def same_date(c, k):
        return c.start is not None and c.start.text == k["start"]

    def near(c, k):
        return k["point"] is not None and c.place is not None and distance_km(c.place.place.point, tuple(k["point"])) <= PLACE_KM

    def assign(pool, need_place):
        """One candidate per keyed event (a candidate dates one event): placed matches are taken first."""
        used: set[int] = set()
        hits = 0
        for k in key_events:
            options = [i for i, c in enumerate(pool) if i not in used and same_date(c, k) and (not need_place or near(c, k))]
            if not need_place:
                options.sort(key=lambda i: not near(pool[i], k))
            if options:
                used.add(options[0])
                hits += 1
        return hits, used

    shown = [c for c in candidates if c.confidence >= min_confidence]
    row = {"events": len(key_events), "placed": sum(1 for k in key_events if k["point"] is not None)}
    for label, pool in (("all", candidates), ("shown", shown)):
        row[f"date_{label}"], _ = assign(pool, False)
        row[f"place_{label}"], _ = assign(pool, True)
    row["missed"] = row["events"] - row["date_all"]
    row["wrong"] = sum(1 for c in shown if not any(same_date(c, k) for k in key_events))
    row["candidates"] = len(candidates)
    row["shown"] = len(shown)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="OUT")
    args = parser.parse_args()
    from eventmap.geo.article.extract import DEFAULT_MIN_CONFIDENCE, extract_candidates
    from eventmap.geo.article.reading import read_article
    from eventmap.geo.places.world import load_places

    started = time.perf_counter()
    places = load_places()
    load_s = time.perf_counter() - started
    key = json.loads((ARTICLES / "answer_key.json").read_text(encoding="utf-8"))
    rows = []
    for entry in key["articles"]:
        published = date.fromisoformat(entry["published"])
        events = dataset_key(entry["dataset_outlet"]) if entry.get("seed") else entry["events"]
        article = read_article(ARTICLES / entry["file"], published)
        t = time.perf_counter()
        candidates = extract_candidates(article.text, published, gazetteer=places)
        seconds = time.perf_counter() - t
        row = score(events, candidates, DEFAULT_MIN_CONFIDENCE)
        row.update(article=entry["file"], outlet=entry["outlet"], seed=bool(entry.get("seed")),
                   untuned=bool(entry.get("untuned")), seconds=round(seconds, 3))
        rows.append(row)

    def total(selected):
        out = {k: sum(r[k] for r in selected) for k in ("events", "placed", "date_all", "date_shown", "place_all",
                                                        "place_shown", "missed", "wrong", "candidates", "shown")}
        out["articles"] = len(selected)
        return out

    header = (f"| article | outlet | events | right date (all / shown) | place ≤ {PLACE_KM:g} km (all / shown) "
              "| missed | wrong rows shown | s |")
    print(header)
    print("|" + "---|" * 9)
    for r in rows:
        print(f"| {r['article']}{' (seed)' if r['seed'] else ' (untuned)' if r['untuned'] else ''} | {r['outlet']} | {r['events']} | {r['date_all']} / {r['date_shown']} "
              f"| {r['place_all']} / {r['place_shown']} of {r['placed']} | {r['missed']} | {r['wrong']} | {r['seconds']:.2f} |")
    for label, selected in (("seeds", [r for r in rows if r["seed"]]), ("further articles", [r for r in rows if not r["seed"]]),
                            ("of which untuned", [r for r in rows if r["untuned"]]), ("all", rows)):
        t = total(selected)
        pct = lambda a, b: f"{100 * a / b:.0f}%" if b else "-"
        print(f"| **{label}** ({t['articles']} articles) | | {t['events']} | {t['date_all']} / {t['date_shown']} "
              f"({pct(t['date_all'], t['events'])} / {pct(t['date_shown'], t['events'])}) "
              f"| {t['place_all']} / {t['place_shown']} of {t['placed']} ({pct(t['place_all'], t['placed'])} / {pct(t['place_shown'], t['placed'])}) "
              f"| {t['missed']} | {t['wrong']} ({t['wrong'] / t['articles']:.2f} per article) | |")
    print(f"\ngazetteer load {load_s:.2f} s; slowest article {max(r['seconds'] for r in rows):.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "gazetteer_load_s": load_s}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
