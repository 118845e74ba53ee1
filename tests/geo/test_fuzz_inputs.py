"""Fuzz: the real sample files, mutated byte by byte and structurally, through every reader and what follows.

Each case takes one file from tests/data, mutates it (flipped, inserted,
deleted or repeated bytes; or, for JSON, CSV and KML, a structural change:
nesting 600 deep, numbers of 400 digits, lone surrogates and other odd
Unicode, values of the wrong type), and feeds it to the reader its suffix
chooses, then to validate, the canonical writer and the page payload
builders. Any exception other than the project's own error fails the test,
naming the case's seed so it can be replayed.

The suite runs a few hundred seeded cases (a few seconds); set
EVENTMAP_FUZZ_CASES=20000 (and EVENTMAP_FUZZ_SEED) for a longer run.
"""

from __future__ import annotations

import json
import os
import random
import re
import traceback
from pathlib import Path

import pytest

from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.page.payload import event_details, event_payload, event_payload_binary
from eventmap.geo.storage import dumps_dataset
from eventmap.geo.validate import validate_dataset

DATA = Path(__file__).resolve().parents[1] / "data"
CASES = int(os.environ.get("EVENTMAP_FUZZ_CASES", "240"))
SEED = int(os.environ.get("EVENTMAP_FUZZ_SEED", "20261201"))
SAMPLES = sorted(p for p in DATA.iterdir() if p.suffix.lower() in (".geojson", ".csv", ".tsv", ".kml", ".kmz") and p.stat().st_size < 200_000)

ODD_TEXT = [
    "a\ud800b", "\udfff", "\ud83d", "T\udcff", "\u202eevil", "\x00", "\ufeff", "😀", "\u0663\u0662\u0660\u0662-01-01",
    "２０２０-０１-０２", "1_000", "1_0", "<img src=x onerror=alert(1)><h1>SPOOFED</h1>", "@NONCE@", "{{ 7*7 }}", "\n" * 50,
    "x" * 200_001, "", " ", "..", "0001-01-01T00:30+01:00", "9998-12-31T23:30-01:00", "0000", "-2020",
]
ODD_NUMBERS = [10**400, -(10**400), 10**30, 1e308, -1e308, 5e-324, float("nan"), float("inf"), 0, -0.0, 2**63, 1395409267500 * 10**6]


def _deep(levels: int, kind: str) -> object:
    value: object = "bottom"
    for _ in range(levels):
        value = [value] if kind == "list" else {"k": value}
    return value


def _odd_value(rng: random.Random) -> object:
    choice = rng.randrange(7)
    if choice == 0:
        return _deep(rng.choice([40, 200, 600, 900]), rng.choice(["list", "dict"]))
    if choice == 1:
        return rng.choice(ODD_NUMBERS)
    if choice == 2:
        return rng.choice(ODD_TEXT)
    if choice == 3:
        return rng.choice([None, True, False, [], {}, [1, 2], {"type": "Point"}, [[1, 2], [3, 4]]])
    if choice == 4:
        return [rng.choice(ODD_NUMBERS), rng.choice(ODD_NUMBERS), rng.choice(ODD_NUMBERS)]
    if choice == 5:
        return {rng.choice(ODD_TEXT)[:20]: rng.choice(ODD_TEXT)[:50]}
    return rng.choice(ODD_TEXT)[:30] + str(rng.choice(ODD_NUMBERS))


def _nodes(value: object, path: tuple = ()) -> list[tuple]:
    """Paths to every list item and object member in a JSON value (not too many)."""
    out = []
    stack = [(value, path)]
    while stack and len(out) < 5000:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                out.append((*where, key))
                stack.append((child, (*where, key)))
        elif isinstance(node, list):
            for index, child in enumerate(node):
                out.append((*where, index))
                stack.append((child, (*where, index)))
    return out


def _mutate_json(raw: bytes, rng: random.Random) -> bytes:
    try:
        value = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return _mutate_bytes(raw, rng)
    for _ in range(rng.randint(1, 3)):
        nodes = _nodes(value)
        if not nodes:
            break
        where = rng.choice(nodes)
        parent = value
        for step in where[:-1]:
            parent = parent[step]
        key = where[-1]
        if isinstance(parent, dict) and rng.random() < 0.15:
            parent[rng.choice(ODD_TEXT)[:10]] = _odd_value(rng)  # an odd member name too
        else:
            parent[key] = _odd_value(rng)
    try:
        return json.dumps(value, allow_nan=True).encode("utf-8")  # lone surrogates are written as \\ud800 escapes
    except (RecursionError, ValueError):
        return _mutate_bytes(raw, rng)


def _mutate_text(raw: bytes, rng: random.Random) -> bytes:
    """CSV and KML: replace a run of text (a cell, a number, an element's text) by something odd."""
    text = raw.decode("utf-8", "surrogateescape")
    spots = [m.span() for m in re.finditer(r"-?\d+(?:\.\d+)?|[A-Za-z]{3,}", text)]
    if not spots:
        return _mutate_bytes(raw, rng)
    for _ in range(rng.randint(1, 3)):
        start, end = rng.choice(spots)
        choice = rng.randrange(6)
        if choice == 0:
            new = str(rng.choice(ODD_NUMBERS))
        elif choice == 1:
            new = rng.choice(ODD_TEXT)[:5000]
        elif choice == 2:
            new = '"' + text[start:end]  # a quote left open
        elif choice == 3:
            new = "<Folder>" * 600 + text[start:end] + "</Folder>" * 600 if raw.lstrip().startswith(b"<") else "," * 300
        elif choice == 4:
            new = "&bomb;" if raw.lstrip().startswith(b"<") else "\r"
        else:
            new = text[start:end] * rng.randint(2, 50)
        text = text[:start] + new + text[end:]
        spots = [m.span() for m in re.finditer(r"-?\d+(?:\.\d+)?|[A-Za-z]{3,}", text)][:2000] or [(0, 0)]
    return text.encode("utf-8", "surrogatepass")


def _mutate_bytes(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 8)):
        if not data:
            data.extend(rng.randbytes(8))
        at = rng.randrange(len(data))
        choice = rng.randrange(5)
        if choice == 0:
            data[at] = rng.randrange(256)
        elif choice == 1:
            data[at:at] = rng.randbytes(rng.randint(1, 16))
        elif choice == 2:
            del data[at : at + rng.randint(1, 64)]
        elif choice == 3:
            del data[at:]
        else:
            data[at:at] = data[at : at + rng.randint(1, 200)] * rng.randint(1, 20)
    return bytes(data)


def mutate(sample: Path, rng: random.Random) -> bytes:
    """One mutation of the sample file's bytes."""
    raw = sample.read_bytes()
    suffix = sample.suffix.lower()
    if rng.random() < 0.4:
        return _mutate_bytes(raw, rng)
    if suffix == ".geojson":
        return _mutate_json(raw, rng)
    if suffix in (".csv", ".tsv", ".kml"):
        return _mutate_text(raw, rng)
    return _mutate_bytes(raw, rng)


def exercise(path: Path) -> None:
    """Everything a file goes through: read, validate, save, the page's payloads. Only EventmapError may come out."""
    try:
        dataset = load_dataset(path)
    except EventmapError as exc:
        assert exc.message and all(isinstance(p, str) for p in exc.problems)
        str(exc).encode("utf-8")  # a message fit to print and show
        return
    for text in [dataset.name, *dataset.warnings]:
        text.encode("utf-8")
    validate_dataset(dataset).lines()
    try:
        saved = dumps_dataset(dataset)
    except EventmapError:
        saved = None
    if saved is not None:
        saved.encode("utf-8")
    categories = dataset.categories()
    payload = event_payload(dataset.events, categories)
    json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
    event_payload_binary(dataset.events, categories, dataset.columns)
    for event in dataset.events[:50]:
        json.dumps(event_details(event), ensure_ascii=False).encode("utf-8")
    dataset.years()


@pytest.mark.timeout(300)
def test_mutated_sample_files_give_events_or_an_eventmap_error(tmp_path):
    assert SAMPLES, "no sample files in tests/data"
    failures = []
    for case in range(CASES):
        rng = random.Random(SEED * 100_003 + case)
        sample = SAMPLES[case % len(SAMPLES)]
        path = tmp_path / f"case{sample.suffix}"
        path.write_bytes(mutate(sample, rng))
        try:
            exercise(path)
        except Exception as exc:  # noqa: BLE001 - the point: anything but EventmapError is a finding
            kept = tmp_path / f"failed-{case}{sample.suffix}"
            path.replace(kept)
            trace = "".join(traceback.format_exception(exc)[-3:])
            failures.append(f"case {case} ({sample.name}, seed {SEED}): {type(exc).__name__}: {str(exc)[:200]}\n{trace}")
            if len(failures) >= 5:
                break
    assert not failures, "\n".join(failures)
