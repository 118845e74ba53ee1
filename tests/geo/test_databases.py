"""Database sources: the text form, DuckDB tables and queries (a real DuckDB file), bad input, limits."""

from __future__ import annotations

import threading
import time

import duckdb
import pyarrow as pa
import pytest
import shapely

from eventmap.geo.databases import DatabaseRead, DatabaseSource, is_database_source, parse_source, read_database, strip_password
from eventmap.geo.errors import EventmapError
from eventmap.geo.synthetic import synthetic_dataset


@pytest.mark.parametrize(
    ("text", "kind", "target", "table", "query"),
    [
        ("duckdb:study.duckdb?table=events", "duckdb", "study.duckdb", "events", None),
        ("duckdb:/data/s.duckdb?query=SELECT%20*%20FROM%20e%20WHERE%20a%20%3D%201", "duckdb", "/data/s.duckdb", None, "SELECT * FROM e WHERE a = 1"),
        ("study.duckdb?table=main.events", "duckdb", "study.duckdb", "main.events", None),
        ("postgresql://me@db:5433/conflict?table=acled", "postgresql", "postgresql://me@db:5433/conflict", "acled", None),
        ("postgresql:///ev?host=/tmp/s&port=5&table=t", "postgresql", "postgresql:///ev?host=%2Ftmp%2Fs&port=5", "t", None),
    ],
)
def test_source_text_round_trips(text, kind, target, table, query):
    source = parse_source(text)
    assert (source.kind, source.target, source.table, source.query) == (kind, target, table, query)
    assert parse_source(source.text()) == source
    assert is_database_source(source.text())


def test_passwords_are_refused_in_the_text_and_stripped_for_keeping():
    with pytest.raises(EventmapError, match="holds a password"):
        parse_source("postgresql://me:secret@db/conflict?table=t")
    assert strip_password("postgresql://me:s3cret@db:5432/c?sslmode=require") == ("postgresql://me@db:5432/c?sslmode=require", "s3cret")
    assert strip_password("postgresql:///c?host=/tmp&password=pw") == ("postgresql:///c?host=%2Ftmp", "pw")
    assert strip_password("postgresql://me@db/c") == ("postgresql://me@db/c", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("duckdb:x.duckdb", "name either a table or a query"),
        ("duckdb:x.duckdb?table=a&query=b", "name either a table or a query"),
        ("duckdb:x.duckdb?tabel=a", "unknown option tabel"),
        ("mysql://db/x?table=t", "not a database source"),
    ],
)
def test_bad_source_text(text, message):
    with pytest.raises(EventmapError, match=message):
        parse_source(text)
    assert not is_database_source("events.csv")


@pytest.fixture(scope="module")
def duck(tmp_path_factory):
    """A DuckDB file with a WKB geometry table, an ACLED-like table, and tables missing coordinates or dates."""
    path = tmp_path_factory.mktemp("duck") / "study.duckdb"
    data = synthetic_dataset(500)
    con = duckdb.connect(str(path))
    rows = pa.table(
        {
            "id": [e.id for e in data.events],
            "title": [e.title for e in data.events],
            "start": [e.start.text for e in data.events],
            "category": [e.category for e in data.events],
            "geom": pa.array([shapely.to_wkb(shapely.Point(e.lon, e.lat)) for e in data.events], pa.binary()),
        }
    )
    con.register("rows", rows)
    con.execute("CREATE TABLE events AS SELECT *, 1.25::DECIMAL(5,2) AS score FROM rows")
    con.unregister("rows")
    con.execute(
        "CREATE TABLE acled (event_id_cnty VARCHAR, event_date DATE, event_type VARCHAR, actor1 VARCHAR, location VARCHAR,"
        " latitude DOUBLE, longitude DOUBLE, fatalities INTEGER)"
    )
    con.execute("INSERT INTO acled VALUES ('PAK1', DATE '2024-10-13', 'Protests', 'Traders', 'Lahore', 31.55, 74.34, 0),"
                " ('PAK2', DATE '2024-10-14', 'Riots', 'Rioters', 'Quetta', 30.18, 67.0, 2)")  # fmt: skip
    con.execute("CREATE TABLE nodates (lat DOUBLE, lon DOUBLE, name VARCHAR)")
    con.execute("INSERT INTO nodates VALUES (1, 2, 'a')")
    con.execute("CREATE TABLE nocoords (id INTEGER, date DATE)")
    con.execute("INSERT INTO nocoords VALUES (1, DATE '2020-01-01')")
    con.close()
    return path, data


def test_a_duckdb_table_with_wkb_geometry(duck):
    path, data = duck
    read = read_database(parse_source(f"duckdb:{path}?table=events"))
    assert len(read) == 500 and read.name == "events"
    assert [(e.id, e.lon, e.lat, e.start, e.category) for e in read.events] == [
        (e.id, e.lon, e.lat, e.start, e.category) for e in data.events
    ]
    assert read.events[0].extra == {"score": 1.25}


def test_an_acled_table_and_a_query(duck):
    path, _ = duck
    acled = read_database(DatabaseSource("duckdb", str(path), table="acled"))
    assert [e.title for e in acled.events] == ["Protests in Lahore", "Riots in Quetta"]
    assert acled.events[1].extra["fatalities"] == 2 and acled.events[0].start.text == "2024-10-13"
    query = read_database(DatabaseSource("duckdb", str(path), query="SELECT * FROM events WHERE category = 'trade';"))
    assert query.events and {e.category for e in query.events} == {"trade"}


@pytest.mark.parametrize(
    ("table", "query", "message"),
    [
        ("nope", None, r"table nope in DuckDB study.duckdb: .*nope does not exist"),
        ("nodates", None, r"table nodates in DuckDB study.duckdb: no date column .* the columns are lat, lon, name"),
        ("nocoords", None, r"table nocoords in DuckDB study.duckdb: no geometry column and no coordinate columns .* the columns are id, date"),
        (None, "SELECT nonsense FROM", r"query on DuckDB study.duckdb: the query failed \(Parser Error"),
        (None, "SELECT * FROM read_csv('/etc/passwd')", r"the query failed .*disabled by configuration"),
        (None, "SELECT * FROM events WHERE false", r"the table has no rows"),
    ],
)
def test_bad_tables_and_queries_say_what_is_wrong(duck, table, query, message):
    path, _ = duck
    with pytest.raises(EventmapError, match=message):
        read_database(DatabaseSource("duckdb", str(path), table=table, query=query))


def test_the_file_is_opened_read_only(duck):
    path, _ = duck
    with pytest.raises(EventmapError, match="the query failed"):
        read_database(DatabaseSource("duckdb", str(path), query="DELETE FROM events RETURNING *"))
    assert len(read_database(DatabaseSource("duckdb", str(path), table="events"))) == 500
    with pytest.raises(EventmapError, match=r"no DuckDB file .*missing.duckdb"):
        read_database(DatabaseSource("duckdb", str(path.with_name("missing.duckdb")), table="events"))


SLOW = "SELECT 1.0 AS lat, 2.0 AS lon, DATE '2020-01-01' AS date, sum(a.range * b.range) AS s FROM range(200000000) a, range(100000) b"


def test_a_query_over_the_time_limit_is_stopped(duck):
    path, _ = duck
    started = time.monotonic()
    with pytest.raises(EventmapError, match=r"stopped after the time limit of 0.3 s"):
        read_database(DatabaseSource("duckdb", str(path), query=SLOW, time_limit=0.3))
    assert time.monotonic() - started < 20


def test_cancel_stops_a_running_query(duck):
    path, _ = duck
    run = DatabaseRead(DatabaseSource("duckdb", str(path), query=SLOW, time_limit=60))
    threading.Timer(0.3, run.cancel).start()
    with pytest.raises(EventmapError, match=r"query on DuckDB study.duckdb: reading cancelled"):
        run.run()


def test_a_table_over_the_row_limit_is_refused_before_it_is_read(duck):
    path, _ = duck
    with pytest.raises(EventmapError, match=r"table events in DuckDB study.duckdb: 500 rows, more than the 100 eventmap loads at once"):
        read_database(DatabaseSource("duckdb", str(path), table="events"), row_limit=100)
    assert len(read_database(DatabaseSource("duckdb", str(path), table="events"), row_limit=500)) == 500
