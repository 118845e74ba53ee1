"""Events from a database: a DuckDB file or a PostgreSQL/PostGIS server, a table or an SQL query.

A source is written as text (the command line's ``--dataset``, the recent
list):

    duckdb:PATH?table=NAME          a table (or view) in a DuckDB file
    duckdb:PATH?query=SELECT…       any query on it (URL-encode ? & # in the query)
    postgresql://USER@HOST:PORT/DB?table=NAME
    postgresql:///DB?host=/run/postgresql&table=NAME   (a Unix socket)

``table`` and ``query`` may also be given apart (``--table``/``--query``).
Passwords are never part of the text eventmap keeps: :func:`strip_password`
takes them out, and the caller passes one separately (or libpq finds it in
``~/.pgpass`` or ``PGPASSWORD``).

The query runs read-only (a ``READ ONLY`` transaction on PostgreSQL, a
read-only connection without file or network access on DuckDB) under a time
limit, and :meth:`DatabaseRead.cancel` stops it from another thread. Rows come
in batches and map to events with the CSV importer's column rules; a PostGIS
geometry column (sent as WKB, turned to longitude/latitude on the server when
needed) or a WKB blob column named like a geometry gives each row's point.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urlsplit

from eventmap.geo.errors import EventmapError
from eventmap.geo.events import Dataset
from eventmap.geo.importers.common import Progress
from eventmap.geo.importers.table import TableReader, guess_geometry_column, points_from_wkb

DEFAULT_TIME_LIMIT = 120.0  # seconds
# More rows than this are not loaded: at ~1 KB an event in memory they would not fit (no server-side mode yet).
ROW_LIMIT = 20_000_000
BATCH_ROWS = 20_000
CONNECT_TIMEOUT = 10  # seconds
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
DUCKDB_PREFIX = "duckdb:"
DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")


@dataclass(frozen=True)
class DatabaseSource:
    """Where events come from in a database, without any password."""

    kind: str  # "duckdb" or "postgresql"
    target: str  # the DuckDB file, or the PostgreSQL connection URL (no password)
    table: str | None = None
    query: str | None = None
    time_limit: float = DEFAULT_TIME_LIMIT

    def __post_init__(self) -> None:
        if self.kind not in ("duckdb", "postgresql"):
            raise EventmapError(f"unknown database kind {self.kind!r}; eventmap reads DuckDB and PostgreSQL")
        if bool(self.table) == bool(self.query):
            raise EventmapError("name either a table or a query to read events from, not both and not neither")
        if not self.time_limit > 0:
            raise EventmapError(f"the time limit must be a positive number of seconds, not {self.time_limit!r}")

    @property
    def database(self) -> str:
        """A short name of the database for messages: the file name or the PostgreSQL database."""
        if self.kind == "duckdb":
            return Path(self.target).name
        parts = urlsplit(self.target) if self.target.startswith(POSTGRES_SCHEMES) else None
        if parts is not None:
            return parts.path.lstrip("/") or "postgres"
        return self.target

    def label(self) -> str:
        """How messages name the source: ``table events in study.duckdb``, ``query on PostgreSQL db``."""
        system = "DuckDB" if self.kind == "duckdb" else "PostgreSQL"
        if self.table:
            return f"table {self.table} in {system} {self.database}"
        return f"query on {system} {self.database}"

    def text(self) -> str:
        """The source as one line (:func:`parse_source` reads it back); never holds a password."""
        if self.kind == "duckdb":
            base = f"{DUCKDB_PREFIX}{self.target}"
            return base + "?" + urlencode({"table": self.table} if self.table else {"query": self.query}, quote_via=quote)
        parts = urlsplit(self.target)
        params = parse_qsl(parts.query, keep_blank_values=True)
        params.append(("table", self.table) if self.table else ("query", self.query or ""))
        return _unsplit(parts._replace(query=urlencode(params, quote_via=quote)))


def is_database_source(text: str | Path | None) -> bool:
    """Whether ``text`` names a database rather than a file (``duckdb:…`` or a PostgreSQL URL)."""
    return isinstance(text, str) and (text.startswith(DUCKDB_PREFIX) or text.startswith(POSTGRES_SCHEMES))


def parse_source(text: str, table: str | None = None, query: str | None = None, time_limit: float | None = None) -> DatabaseSource:
    """Read a source written as text (see the module docstring).

    A password in the URL is refused: pass it apart, so it is never stored.
    A plain path ending in ``.duckdb``, ``.ddb`` or ``.db`` is a DuckDB file.

    Raises
    ------
    EventmapError
        If the text names no database, holds a password, or names neither or
        both of a table and a query.
    """
    text = text.strip()
    limit = DEFAULT_TIME_LIMIT if time_limit is None else time_limit
    if text.startswith(POSTGRES_SCHEMES):
        target, password = strip_password(text)
        if password:
            raise EventmapError("the connection URL holds a password: leave it out (eventmap asks for it, or uses ~/.pgpass or PGPASSWORD)")
        parts = urlsplit(target)
        params = parse_qsl(parts.query, keep_blank_values=True)
        found = {k: v for k, v in params if k in ("table", "query")}
        rest = [(k, v) for k, v in params if k not in ("table", "query")]
        target = _unsplit(parts._replace(query=urlencode(rest, quote_via=quote)))
        return DatabaseSource("postgresql", target, table or found.get("table"), query or found.get("query"), limit)
    if text.startswith(DUCKDB_PREFIX) or Path(text.split("?", 1)[0]).suffix.lower() in DUCKDB_SUFFIXES:
        body = text[len(DUCKDB_PREFIX) :] if text.startswith(DUCKDB_PREFIX) else text
        path, _, rest = body.partition("?")
        found = dict(parse_qsl(rest, keep_blank_values=True))
        unknown = sorted(set(found) - {"table", "query"})
        if unknown:
            raise EventmapError(f"{text}: unknown option {', '.join(unknown)} (a DuckDB source takes table= or query=)")
        if not path:
            raise EventmapError(f"{text}: no DuckDB file named (write duckdb:FILE?table=NAME)")
        return DatabaseSource("duckdb", path, table or found.get("table"), query or found.get("query"), limit)
    raise EventmapError(f"{text}: not a database source (write duckdb:FILE?table=NAME or postgresql://USER@HOST/DB?table=NAME)")


def strip_password(url: str) -> tuple[str, str | None]:
    """``url`` without its password (in the user part or a ``password=`` parameter), and the password."""
    parts = urlsplit(url)
    password = parts.password
    netloc = parts.netloc
    if password is not None:
        user = netloc.rsplit("@", 1)[0].split(":", 1)[0]
        netloc = f"{user}@{netloc.rsplit('@', 1)[1]}"
    params = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in params if k != "password"]
    if len(kept) != len(params):
        password = password or next(v for k, v in params if k == "password")
    query = urlencode(kept, quote_via=quote) if len(kept) != len(params) else parts.query
    return _unsplit(parts._replace(netloc=netloc, query=query)), password


def _unsplit(parts: SplitResult) -> str:
    """A URL from its parts, keeping ``//`` before an empty host (``postgresql:///db``: urlunsplit drops it)."""
    text = f"{parts.scheme}://{parts.netloc}{parts.path}"
    return text + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def _quote_identifier(name: str) -> str:
    """A table name (``schema.table`` allowed) quoted for SQL, each part in double quotes."""
    parts = [p.strip() for p in name.split(".")]
    if not all(parts):
        raise EventmapError(f"{name!r} is not a table name")
    return ".".join('"' + p.strip('"').replace('"', '""') + '"' for p in parts)


def source_sql(source: DatabaseSource) -> str:
    """The SELECT that reads the source's rows."""
    if source.table:
        return f"SELECT * FROM {_quote_identifier(source.table)}"
    sql = (source.query or "").strip().rstrip(";").strip()
    if not sql:
        raise EventmapError("the query is empty")
    return sql


class DatabaseRead:
    """One read of a source; :meth:`run` in a worker thread, :meth:`cancel` from any thread."""

    def __init__(self, source: DatabaseSource, password: str | None = None, row_limit: int = ROW_LIMIT) -> None:
        self.source = source
        self._password = password
        self.row_limit = row_limit
        self._lock = threading.Lock()
        self._cancel: Any = None  # stops the running statement
        self.cancelled = False
        self.timed_out = False

    def cancel(self) -> None:
        """Stop the query (the read then raises ``reading cancelled``)."""
        with self._lock:
            self.cancelled = True
            stop = self._cancel
        if stop is not None:
            try:
                stop()
            except Exception:  # noqa: BLE001 - the connection may already be gone; nothing to stop then
                pass

    def _set_stop(self, stop: Any) -> None:
        with self._lock:
            self._cancel = stop
            if self.cancelled and stop is not None:
                stop()

    def run(self, progress: Progress | None = None) -> Dataset:
        """Read the events.

        Raises
        ------
        EventmapError
            One message naming what is wrong: the connection, a missing
            table, a query error, the time limit, a table without usable
            coordinates or dates, or the user's cancel.
        """
        label = self.source.label()

        def tick(fraction: float) -> bool:
            if self.cancelled:
                return False
            return progress(fraction) if progress is not None else True

        try:
            if self.source.kind == "duckdb":
                dataset = self._run_duckdb(label, tick)
            else:
                dataset = self._run_postgres(label, tick)
        except EventmapError as exc:
            if self.cancelled:
                raise EventmapError(f"{label}: reading cancelled") from None
            raise exc from None
        dataset.name = self.source.table or self.source.database
        return dataset

    # --- DuckDB ----------------------------------------------------------------

    def _run_duckdb(self, label: str, progress: Progress) -> Dataset:
        try:
            import duckdb  # noqa: PLC0415 - only database sources need it
        except ImportError:
            raise EventmapError(f"{label}: DuckDB is not installed (pip install duckdb)") from None
        path = Path(self.source.target).expanduser()
        if not path.is_file():
            raise EventmapError(f"{label}: no DuckDB file {path}")
        try:
            # read_only: nothing can change; no external access: a query reads this file only (no other files, no downloads)
            connection = duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})
        except duckdb.Error as exc:
            raise EventmapError(f"{label}: cannot open the database ({_first_line(exc)})") from None
        timer = threading.Timer(self.source.time_limit, self._time_out, (connection.interrupt,))
        timer.daemon = True
        self._set_stop(connection.interrupt)
        timer.start()
        try:
            return self._read_duckdb(connection, label, progress)
        except duckdb.InterruptException:
            raise self._stopped(label) from None
        except duckdb.CatalogException as exc:
            raise EventmapError(f"{label}: {_first_line(exc)}") from None
        except duckdb.Error as exc:
            if "interrupt" in str(exc).lower():
                raise self._stopped(label) from None
            raise EventmapError(f"{label}: the query failed ({_first_line(exc)})") from None
        finally:
            timer.cancel()
            self._set_stop(None)
            connection.close()

    def _read_duckdb(self, connection: Any, label: str, progress: Progress) -> Dataset:
        sql = source_sql(self.source)
        relation = connection.sql(f"SELECT * FROM ({sql}) AS eventmap_source")
        names = list(relation.columns)
        binary = {n for n, t in zip(names, relation.types) if str(t).upper() in ("BLOB", "BYTEA", "GEOMETRY")}
        geometry = guess_geometry_column(names, binary)
        keep = [n for n in names if n != geometry]
        total = connection.sql(f"SELECT count(*) FROM ({sql}) AS eventmap_source").fetchall()[0][0]
        self._check_rows(total, label)
        reader = TableReader(keep, label, total=total, progress=progress, has_points=geometry is not None,
                             extra_prefix="db", require_dates=True)  # fmt: skip
        batches = relation.to_arrow_reader(BATCH_ROWS) if hasattr(relation, "to_arrow_reader") else relation.fetch_arrow_reader(BATCH_ROWS)
        for batch in batches:
            columns = [batch.column(n).to_pylist() for n in keep]
            points = points_from_wkb(batch.column(geometry).to_pylist()) if geometry is not None else None
            reader.add(columns, points)
        return reader.finish()

    # --- PostgreSQL ------------------------------------------------------------

    def _run_postgres(self, label: str, progress: Progress) -> Dataset:
        try:
            import psycopg  # noqa: PLC0415 - only database sources need it
        except ImportError:
            raise EventmapError(f"{label}: psycopg is not installed (pip install 'psycopg[binary]')") from None
        limit_ms = max(1, round(self.source.time_limit * 1000))
        extra: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT, "options": f"-c statement_timeout={limit_ms}"}
        if self._password:
            extra["password"] = self._password
        try:
            connection = psycopg.connect(self.source.target, autocommit=False, **extra)
        except psycopg.Error as exc:
            raise EventmapError(f"{label}: cannot connect ({_pg_message(exc)})") from None
        connection.read_only = True  # every transaction is BEGIN READ ONLY
        self._set_stop(connection.cancel)
        try:
            return self._read_postgres(connection, label, progress)
        except psycopg.errors.QueryCanceled:
            raise self._stopped(label, from_server=not self.cancelled) from None
        except psycopg.errors.ReadOnlySqlTransaction:
            raise EventmapError(f"{label}: the query tries to change the database; eventmap reads only") from None
        except psycopg.errors.UndefinedTable as exc:
            raise EventmapError(f"{label}: {_pg_message(exc)}") from None
        except psycopg.Error as exc:
            raise EventmapError(f"{label}: the query failed ({_pg_message(exc)})") from None
        finally:
            self._set_stop(None)
            try:
                connection.rollback()
            except psycopg.Error:
                pass
            connection.close()

    def _read_postgres(self, connection: Any, label: str, progress: Progress) -> Dataset:
        sql = source_sql(self.source)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({sql}) AS eventmap_source LIMIT 0")
            described = [(d.name, d.type_code) for d in cursor.description]
            cursor.execute("SELECT oid::int, typname FROM pg_type WHERE oid = ANY(%s)", ([oid for _, oid in described],))
            types = dict(cursor.fetchall())
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS eventmap_source")
            total = cursor.fetchone()[0]
        self._check_rows(total, label)
        names = [n for n, _ in described]
        spatial = [n for n, oid in described if types.get(oid) in ("geometry", "geography")]
        binary = {n for n, oid in described if types.get(oid) == "bytea"}
        geometry = spatial[0] if spatial else guess_geometry_column(names, binary)
        select = []
        for n in names:
            column = _pg_identifier(n)
            if n == geometry and spatial:
                g = f"{column}::geometry"
                # Points in longitude/latitude whatever the column's SRID (0: unknown, taken as lon/lat).
                select.append(f"ST_AsBinary(CASE WHEN ST_SRID({g}) IN (0, 4326) THEN {g} ELSE ST_Transform({g}, 4326) END) AS {column}")
            elif n in spatial:
                select.append(f"ST_AsText({column}::geometry) AS {column}")
            else:
                select.append(column)
        keep = [n for n in names if n != geometry]
        reader = TableReader(keep, label, total=total, progress=progress, has_points=geometry is not None,
                             extra_prefix="db", require_dates=True)  # fmt: skip
        index = {n: i for i, n in enumerate(names)}
        positions = [index[n] for n in keep]
        with connection.cursor(name="eventmap_read") as cursor:
            cursor.itersize = BATCH_ROWS
            cursor.execute(f"SELECT {', '.join(select)} FROM ({sql}) AS eventmap_source")
            while True:
                rows = cursor.fetchmany(BATCH_ROWS)
                if not rows:
                    break
                columns = [[r[i] for r in rows] for i in positions]
                points = points_from_wkb([r[index[geometry]] for r in rows]) if geometry is not None else None
                reader.add(columns, points)
        return reader.finish()

    def _check_rows(self, total: int, label: str) -> None:
        if total > self.row_limit:
            raise EventmapError(
                f"{label}: {total:,} rows, more than the {self.row_limit:,} eventmap loads at once;"
                " narrow it with a query (a WHERE on dates or a region)"
            )

    # --- stopping --------------------------------------------------------------

    def _time_out(self, stop: Any) -> None:
        self.timed_out = True
        try:
            stop()
        except Exception:  # noqa: BLE001 - the query may have just finished
            pass

    def _stopped(self, label: str, from_server: bool = False) -> EventmapError:
        if self.cancelled:
            return EventmapError(f"{label}: reading cancelled")
        if self.timed_out or from_server:
            return EventmapError(
                f"{label}: stopped after the time limit of {self.source.time_limit:g} s; raise the limit or narrow the query"
            )
        return EventmapError(f"{label}: the query was interrupted")


def read_database(
    source: DatabaseSource, password: str | None = None, progress: Progress | None = None, row_limit: int = ROW_LIMIT
) -> Dataset:
    """Read the events of a database source (see :class:`DatabaseRead`); more than ``row_limit`` rows are refused."""
    return DatabaseRead(source, password, row_limit).run(progress)


def with_time_limit(source: DatabaseSource, seconds: float) -> DatabaseSource:
    """The same source under another time limit."""
    return replace(source, time_limit=seconds)


def _pg_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_message(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return primary or _first_line(exc)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
