"""Rate limits on what a candidate types: identity and access code.

Only failed attempts count, so a room of candidates typing correctly never trips a limit, and a
limit is checked before the attempt is judged, so nothing can be learned once it is reached.
Keys are per session (a code or identity being guessed from many addresses) and per client
address (one machine trying many sessions).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, or_, select
from sqlmodel import Session

from web import ratelimit
from web.models import RateLimitHit

WINDOW = dt.timedelta(minutes=15)
IDENTITY_PER_CLIENT = 20
IDENTITY_PER_SESSION = 60
CODE_PER_CLIENT = 10
CODE_PER_SESSION = 30


_hit = RateLimitHit.__table__  # type: ignore[attr-defined]
# Both keys of a check in one plain-column SELECT (a constant statement, compiled once): two ORM
# reads by primary key cost ≈ 0.75 ms of CPU per check, every candidate makes two checks on
# the way in (loadtests/README.md, round 6).
_HITS = select(_hit.c.key, _hit.c.window_start, _hit.c.count).where(
    or_(_hit.c.key == bindparam("first"), _hit.c.key == bindparam("second")))


def keys(kind: str, session_id: int | None, client: str) -> list[tuple[str, int]]:
    per_client = IDENTITY_PER_CLIENT if kind == "identity" else CODE_PER_CLIENT
    per_session = IDENTITY_PER_SESSION if kind == "identity" else CODE_PER_SESSION
    result = [(f"candidate-{kind}:client:{client}", per_client)]
    if session_id is not None:
        result.append((f"candidate-{kind}:session:{session_id}", per_session))
    return result


def blocked(db: Session, kind: str, session_id: int | None, client: str,
            now: dt.datetime) -> bool:
    limits = dict(keys(kind, session_id, client))
    first, *rest = limits
    rows = db.execute(_HITS, {"first": first, "second": rest[0] if rest else first}).all()
    return any(start >= now - WINDOW and count >= limits[key] for key, start, count in rows)


def count_failure(db: Session, kind: str, session_id: int | None, client: str,
                  now: dt.datetime) -> None:
    for key, limit in keys(kind, session_id, client):
        ratelimit.hit(db, key, limit=limit, window=WINDOW, now=now)
