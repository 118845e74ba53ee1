"""PostgreSQL/PostGIS sources against a real server (tools/pg_test_server.sh loads the tables)."""

from __future__ import annotations

import threading

import pytest

from eventmap.geo.databases import DatabaseRead, parse_source, read_database
from eventmap.geo.errors import EventmapError
from eventmap.geo.synthetic import synthetic_dataset

pytestmark = pytest.mark.postgres


def test_a_postgis_table_gives_the_synthetic_events(pg_url):
    data = read_database(parse_source(pg_url, table="events"))
    expected = synthetic_dataset(len(data))
    assert len(data) >= 1000 and data.name == "events" and data.warnings == []
    assert [(e.id, e.lon, e.lat, e.start, e.end, e.category, e.place) for e in data.events] == [
        (e.id, e.lon, e.lat, e.start, e.end, e.category, e.place) for e in expected.events
    ]


def test_projected_geometry_comes_back_as_longitude_latitude(pg_url):
    mercator = read_database(parse_source(pg_url, table="events_3857"))
    plain = {e.id: e for e in read_database(parse_source(pg_url, table="events")).events}
    assert len(mercator) == 100
    for event in mercator.events:
        assert event.lon == pytest.approx(plain[event.id].lon, abs=1e-7)
        assert event.lat == pytest.approx(plain[event.id].lat, abs=1e-7)


def test_an_acled_like_table_with_lat_lon_and_date_columns(pg_url):
    data = read_database(parse_source(pg_url + "&table=events_lonlat"))
    assert len(data) == 100 and data.events[0].id == "syn-0000001"
    assert data.events[0].start.precision == "day" and data.events[0].extra == {"fatalities": 7}


def test_a_query(pg_url):
    data = read_database(parse_source(pg_url, query="SELECT * FROM events WHERE category = 'trade' ORDER BY id"))
    assert data.events and {e.category for e in data.events} == {"trade"}


@pytest.mark.parametrize(
    ("table", "query", "message"),
    [
        ("notes", None, r"table notes in PostgreSQL eventmap: no geometry column and no coordinate columns .* the columns are id, body"),
        ("nope", None, r"table nope in PostgreSQL eventmap: relation \"nope\" does not exist"),
        (None, "SELECT nonsense", r"query on PostgreSQL eventmap: the query failed \(column \"nonsense\" does not exist\)"),
        (None, "SELECT * FROM events; DROP TABLE events", r"the query failed \(syntax error"),
        (None, "SELECT pg_sleep(20), * FROM events LIMIT 1", r"stopped after the time limit of 0.5 s"),
    ],
)
def test_bad_input_is_one_clear_message(pg_url, table, query, message):
    with pytest.raises(EventmapError, match=message):
        read_database(parse_source(pg_url, table=table, query=query, time_limit=0.5))


def test_the_transaction_is_read_only(pg_url):
    with pytest.raises(EventmapError, match="the query tries to change the database"):
        read_database(parse_source(pg_url, query="SELECT add_note() AS written, * FROM events_lonlat"))
    counted = read_database(parse_source(pg_url, query="SELECT 1.0 AS lat, 2.0 AS lon, DATE '2020-01-01' AS date, count(*) AS rows_in_notes FROM notes"))
    assert counted.events[0].extra == {"rows_in_notes": 1}  # notes still has its one row: nothing was written


def test_cancel_stops_the_query_on_the_server(pg_url):
    run = DatabaseRead(parse_source(pg_url, query="SELECT pg_sleep(30), * FROM events LIMIT 1", time_limit=60))
    threading.Timer(0.3, run.cancel).start()
    with pytest.raises(EventmapError, match="query on PostgreSQL eventmap: reading cancelled"):
        run.run()


def test_a_server_that_is_not_there(pg_url, tmp_path):
    with pytest.raises(EventmapError, match=r"table events in PostgreSQL eventmap: cannot connect \(.*No such file"):
        read_database(parse_source(f"postgresql:///eventmap?host={tmp_path}&user=postgres", table="events"))


def test_a_table_over_the_row_limit_is_refused(pg_url):
    with pytest.raises(EventmapError, match=r"table events_lonlat in PostgreSQL eventmap: 100 rows, more than the 99 eventmap loads"):
        read_database(parse_source(pg_url, table="events_lonlat"), row_limit=99)
