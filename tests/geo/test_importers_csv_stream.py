"""The CSV reader streams the file: chunk boundaries, late encoding errors, no size cap."""

from __future__ import annotations

import pytest

import eventmap.geo.importers as importers
from eventmap.geo.errors import EventmapError
from eventmap.geo.importers import load_dataset
from eventmap.geo.importers import textstream


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(textstream, "CHUNK_BYTES", 64)  # every boundary case falls inside a small file


def test_rows_quotes_and_line_endings_across_chunk_boundaries(tmp_path, small_chunks):
    rows = [f'{i},{i % 80}.5,{i % 170}.25,2020-01-{i % 28 + 1:02d},"a ""quoted"" title\nover two lines {i}"' for i in range(200)]
    text = "id,lat,lon,date,title\r\n" + "\r\n".join(rows) + "\r\n"
    path = tmp_path / "crlf.csv"
    path.write_bytes(text.encode())
    data = load_dataset(path)
    assert len(data) == 200 and data.warnings == []
    assert data.events[123].title == 'a "quoted" title\nover two lines 123' and data.events[123].lat == 43.5
    old_mac = tmp_path / "cr.csv"
    old_mac.write_bytes(text.replace("\r\n", "\r").replace("\nover", " over").encode())
    assert [e.id for e in load_dataset(old_mac).events] == [e.id for e in data.events]


def test_a_byte_that_is_not_utf8_late_in_the_file_names_its_line(tmp_path, small_chunks):
    lines = ["lat,lon,date,place"] + [f"1,2,2020,Stadt {i}" for i in range(100)] + ["1,2,2021,K\xf6ln", "1,2,2022,Z\u00fcrich"]
    body = ("\n".join(lines[:-1]) + "\n").encode("cp1252") + (lines[-1] + "\n").encode("utf-8")
    path = tmp_path / "mixed.csv"
    path.write_bytes(body)
    data = load_dataset(path)
    where = body.index(b"\xf6")
    assert data.warnings[0] == f"mixed.csv: line 102: the file is not UTF-8 (byte {where}); read as Windows-1252 (Latin-1): check accented letters"
    assert [e.place for e in data.events[-2:]] == ["K\u00f6ln", "Z\u00fcrich"]  # the UTF-8 row after it stays right


def test_a_nul_byte_late_in_the_file_is_refused(tmp_path, small_chunks):
    path = tmp_path / "late.csv"
    path.write_bytes(b"lat,lon\n" + b"1,2\n" * 100 + b"\x00\x00\x00")
    with pytest.raises(EventmapError, match="late.csv: this is a binary file"):
        load_dataset(path)


def test_csv_has_no_size_cap_but_whole_file_readers_keep_theirs(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_BYTES", 100)
    csv_path = tmp_path / "big.csv"
    csv_path.write_text("lat,lon,date\n" + "1,2,2020\n" * 50)
    assert len(load_dataset(csv_path)) == 50
    geojson = tmp_path / "big.geojson"
    geojson.write_text('{"type": "FeatureCollection", "features": []}' + " " * 200)
    with pytest.raises(EventmapError, match="larger than"):
        load_dataset(geojson)


def test_progress_follows_the_bytes_read(tmp_path, small_chunks):
    path = tmp_path / "p.csv"
    path.write_text("lat,lon,date\n" + "1,2,2020\n" * 2000)
    seen: list[float] = []
    load_dataset(path, progress=lambda f: seen.append(f) or True)
    assert seen == sorted(seen) and seen[-1] == 1.0 and 100 <= len(seen) <= 110
    assert any(0.45 < f < 0.55 for f in seen)


def test_an_unclosed_quote_mid_file_is_read_again_from_the_next_line(tmp_path, small_chunks):
    rows = [f"{i},{i % 80},e{i}" for i in range(60)]
    rows[30] = '30,30,"open'
    path = tmp_path / "quote.csv"
    path.write_text("lat,lon,title\n" + "\n".join(rows) + "\n")
    data = load_dataset(path)
    assert [e.title for e in data.events] == [f"e{i}" for i in range(60) if i != 30]
    assert data.warnings[0].startswith("quote.csv: line 32: a quoted field runs on to line 61")
