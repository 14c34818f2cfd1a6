"""Fixed-window attempt counters in the database, shared by every app process.

Used for everything a person could guess: access codes, the candidate's identity, proctor
passwords, staff passwords.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import case, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session
from starlette.requests import Request

from web.models import RateLimitHit


def client_address(request: Request) -> str:
    """The address a request comes from, as every per-address limit keys it (behind a proxy,
    the server is run with the proxy's forwarded-address handling, so this is the client's)."""
    return request.client.host if request.client else "unknown"


def hit(db: Session, key: str, *, limit: int, window: dt.timedelta, now: dt.datetime) -> bool:
    """Count one attempt under `key`; True while the count stays within `limit` in the window.

    One atomic upsert, committed at once, so that a failure later in the request still counts.
    """
    table = RateLimitHit.__table__  # type: ignore[attr-defined]
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    expired = table.c.window_start < now - window
    values = insert(table).values(key=key, window_start=now, count=1)
    stmt = values.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case((expired, 1), else_=table.c.count + 1),
            "window_start": case((expired, now), else_=table.c.window_start),
        },
    ).returning(table.c.count)
    count = db.execute(stmt).scalar_one()
    db.commit()
    return count <= limit


def reached(db: Session, key: str, *, limit: int, window: dt.timedelta,
            now: dt.datetime) -> bool:
    """Whether `key` already used up its `limit` in the current window (nothing counted): for
    limits on failures only, checked before the attempt is judged."""
    row = db.get(RateLimitHit, key)
    return row is not None and row.window_start >= now - window and row.count >= limit


def reset(db: Session, key: str) -> None:
    """Forget the attempts under `key` (after a success, for per-person keys), committed."""
    forget(db, [key])
    db.commit()


def forget(db: Session, keys: Collection[str]) -> None:
    """Forget the attempts under every one of `keys`, in one statement (a proctor lifting a
    session's lockouts: web.proctor.lockouts); keys without attempts are ignored. The caller
    commits (`reset`: one key, committed)."""
    if keys:
        table = RateLimitHit.__table__  # type: ignore[attr-defined]
        db.execute(delete(table).where(table.c.key.in_(list(keys))))
