"""Database engine and sessions: SQLite by default, PostgreSQL in production."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import CompoundSelect, Select, TextClause
from sqlmodel import Session, create_engine


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets readers go on while one writer commits; NORMAL keeps commits durable
            # across an app crash (not a power cut), which is the SQLite trade-off we accept
            # for the laptop demo. Foreign keys are off by default in SQLite.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if "poolclass" not in kwargs:
        # As many pooled connections as the thread pool has threads (anyio's default, 40):
        # with fewer, every request beyond the pool size opened and closed its own connection
        # (a PostgreSQL backend forked per request under load — measured by the load test).
        # A request holds one connection, two on a rare path (Ctx.conn's autocommit read,
        # then Ctx.db's transaction): the overflow covers those; max_connections bounds it.
        kwargs.setdefault("pool_size", 40)
        kwargs.setdefault("max_overflow", 10)
    # No pre-ping: it cost a round trip on every checkout (every request). A connection
    # closed by a PostgreSQL restart fails one request, after which SQLAlchemy invalidates the
    # whole pool; connections are recycled hourly so none outlives server-side timeouts.
    kwargs.setdefault("pool_pre_ping", False)
    kwargs.setdefault("pool_recycle", 3600)
    return create_engine(database_url, **kwargs)


def make_autocommit_engine(database_url: str) -> Engine:
    """A second, small pool whose connections are always in autocommit: each statement is its
    own transaction, without BEGIN/COMMIT round trips (Ctx.conn: the hot paths' single-statement
    reads and writes).

    Its own pool rather than the main one with `execution_options(isolation_level=...)`: that
    switched each connection into autocommit at checkout and back at return, which cost 52 µs
    against 21 µs per checkout here — on every answer and every list poll. Its users run on the
    event loop (web.handler's `on_loop`), one at a time per process, so a few connections do."""
    return make_engine(database_url, isolation_level="AUTOCOMMIT",
                       **({} if database_url.startswith("sqlite")
                          else {"pool_size": 4, "max_overflow": 16}))


class LoopConnection:
    """The autocommit connection of the handlers that run on the event loop (web.handler's
    `on_loop`: an answer, a question, a list poll), held by the process from one request to the
    next instead of checked out of the pool and back at each (≈ 15 µs a request, measured).

    Those handlers run one at a time, on the loop's thread, without awaiting; in autocommit each
    statement is its own transaction, so nothing carries over between requests but the
    connection: `release` ends the implicit transaction SQLAlchemy opens for a Core or ORM
    statement (no BEGIN is sent in autocommit). A connection that was invalidated (the server
    went away) or has served `recycle` seconds goes back to the pool for a new one. PostgreSQL
    only: SQLite keeps one connection per request."""

    def __init__(self, engine: Engine, recycle: float = 3600.0) -> None:
        self.engine = engine
        self.recycle = recycle
        self.conn: Connection | None = None
        self.since = 0.0

    def acquire(self) -> Connection:
        conn = self.conn
        if (conn is None or conn.closed or conn.invalidated
                or time.monotonic() - self.since > self.recycle):
            self.close()
            conn = self.conn = self.engine.connect()
            self.since = time.monotonic()
        return conn

    def release(self, conn: Connection) -> None:
        if conn.in_transaction():
            conn.rollback()

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            conn.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose objects stay readable after commit (templates render them)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


# The hot statements' SQL, compiled once per (statement, dialect): constant module-level
# statements, kept alive here with their text so an id is never reused.
_compiled: dict[tuple[int, str],
                tuple[Select[Any] | CompoundSelect[Any] | TextClause, str, dict[str, Any]]] = {}
_CURSOR = "passation_fast_cursor"


def fast_execute(conn: Connection, statement: Select[Any] | CompoundSelect[Any] | TextClause,
                 params: dict[str, Any], *,
                 fetch: bool = True) -> Sequence[Sequence[Any]]:
    """Run a constant statement of the hot paths on an autocommit connection; its rows as
    tuples.

    On PostgreSQL straight through psycopg's cursor: SQLAlchemy's execution machinery
    (contexts, result objects, events) cost more client CPU than psycopg and the query
    together (py-spy, loadtests/bench_requests.py). Errors come out as SQLAlchemy's (e.g.
    IntegrityError), and a lost connection is invalidated as SQLAlchemy would. Elsewhere
    (SQLite, whose datetimes need SQLAlchemy's conversion), the ordinary execute.
    """
    dialect = conn.dialect
    if dialect.name != "postgresql":
        result = conn.execute(statement, params)
        return result.all() if fetch else ()
    key = (id(statement), dialect.name)
    entry = _compiled.get(key)
    if entry is None:
        compiled = statement.compile(dialect=dialect)
        entry = _compiled[key] = (statement, str(compiled), dict(compiled.params))
    _, sql, defaults = entry
    values = {**defaults, **params} if defaults else params
    pooled = conn.connection
    dbapi_connection = pooled.dbapi_connection
    assert dbapi_connection is not None
    # One cursor per DBAPI connection, kept with it in the pool (its `info` is cleared when
    # the connection is replaced): a new psycopg cursor per statement cost a third of the
    # statement's client CPU. A connection serves one thread at a time.
    cursor = pooled.info.get(_CURSOR)
    if cursor is None or cursor.connection is not dbapi_connection or cursor.closed:
        cursor = pooled.info[_CURSOR] = dbapi_connection.cursor()
    try:
        cursor.execute(sql, values)
        return cursor.fetchall() if fetch else ()
    except dialect.loaded_dbapi.Error as error:
        invalidated = dialect.is_disconnect(error, dbapi_connection, cursor)
        if invalidated:
            conn.invalidate(error)
        raise DBAPIError.instance(sql, values, error, dialect.loaded_dbapi.Error,
                                  connection_invalidated=invalidated,
                                  dialect=dialect) from error
