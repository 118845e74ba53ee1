#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS server for the tests, on a Unix socket only.
#
#   tools/pg_test_server.sh start DIR [EVENTS]   make a cluster in DIR, start it, load tables; prints the URL
#   tools/pg_test_server.sh stop DIR             stop it (DIR can then be removed)
#
# Tables loaded into the database "eventmap":
#   events       EVENTS synthetic events (default 2000; geo/synthetic.py), PostGIS Point geometry, SRID 4326
#   events_3857  the first 100 of them with geometry in Web Mercator (the server turns it back to lon/lat)
#   events_lonlat the first 100 with plain latitude/longitude columns and DATE columns, no geometry
#   notes        a table with neither coordinates nor dates; add_note() writes to it (a read-only read must fail)
# Needs the Debian packages postgresql and postgresql-15-postgis-3 (initdb/pg_ctl from /usr/lib/postgresql/15/bin)
# and a Python that has eventmap installed (PYTHON, default python). As root, the server runs as user postgres.
set -euo pipefail

cmd="${1:?usage: pg_test_server.sh start|stop DIR [EVENTS]}"
dir="${2:?usage: pg_test_server.sh start|stop DIR [EVENTS]}"
events="${3:-2000}"
port="${EVENTMAP_TEST_PG_PORT:-54329}"
python="${PYTHON:-python}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "pg_test_server: PostgreSQL is not installed (apt-get install postgresql postgresql-15-postgis-3)" >&2; exit 1; }

as_server() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    mkdir -p "$dir/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
    as_server "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $dir/sock -p $port -c fsync=off -c full_page_writes=off" start >/dev/null
    psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -U postgres)
    as_server "${psql[@]}" -d postgres -c "CREATE DATABASE eventmap"
    "$python" - "$events" >"$dir/events.csv" <<'PY'
import csv, sys
from eventmap.geo.synthetic import synthetic_dataset
writer = csv.writer(sys.stdout)
writer.writerow(["id", "title", "start", "end", "place", "category", "summary", "longitude", "latitude"])
for e in synthetic_dataset(int(sys.argv[1])).events:
    writer.writerow([e.id, e.title, e.start.text if e.start else "", e.end.text if e.end else "", e.place, e.category,
                     e.summary, repr(e.lon), repr(e.lat)])
PY
    chmod a+r "$dir/events.csv"
    as_server "${psql[@]}" -d eventmap <<SQL
CREATE EXTENSION postgis;
CREATE TEMP TABLE raw (id text, title text, start text, "end" text, place text, category text, summary text,
                       longitude double precision, latitude double precision);
\copy raw FROM '$dir/events.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE events AS
  SELECT id, title, start, NULLIF("end", '') AS "end", place, category, NULLIF(summary, '') AS summary,
         ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geometry(Point, 4326) AS geom
  FROM raw ORDER BY id;
CREATE TABLE events_3857 AS
  SELECT id, title, start, ST_Transform(geom, 3857)::geometry(Point, 3857) AS geom FROM events ORDER BY id LIMIT 100;
CREATE TABLE events_lonlat AS
  SELECT id AS event_id, title AS name, to_date(left(start || '-01-01', 10), 'YYYY-MM-DD') AS event_date,
         ST_Y(geom) AS lat, ST_X(geom) AS lon, category AS event_type, 7::int AS fatalities
  FROM events ORDER BY id LIMIT 100;
CREATE TABLE notes (id int, body text);
INSERT INTO notes VALUES (1, 'no coordinates here');
CREATE FUNCTION add_note() RETURNS int LANGUAGE sql AS \$\$ INSERT INTO notes VALUES (2, 'written') RETURNING id \$\$;
SQL
    echo "postgresql:///eventmap?host=$dir/sock&port=$port&user=postgres"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
*)
    echo "usage: pg_test_server.sh start|stop DIR [EVENTS]" >&2
    exit 2
    ;;
esac
