"""Database engine and sessions: SQLite by default, PostgreSQL in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
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
        kwargs.setdefault("pool_size", 40)
        kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(database_url, **kwargs)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose objects stay readable after commit (templates render them)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
