"""Rate limits on what a candidate types: identity and access code.

Only failed attempts count, so a room of candidates typing correctly never trips a limit, and a
limit is checked before the attempt is judged, so nothing can be learned once it is reached.
Keys for the identity are per client address (one machine trying many sessions' identities) and
per session (one session's identities guessed from many addresses). A school's candidates all come
through one NAT address and start their sessions at the same hour, so its honest typing mistakes
add up there: 60 per quarter of an hour leaves room for a few hundred pupils (one in ten mistyping
twice) while one machine still cannot try many identities. The session's limit (100) is above one
address's, so that a pupil typing wrong identities on purpose cannot lock their session out for
everyone: it takes several addresses.
The access code is typed once an enrolled candidate's identity is proven, so its only key is that
candidate: not the address, since a whole school comes through one and ten mistyped codes there
(or a pupil typing wrong codes on purpose) must not stop every other candidate from entering
theirs; and not the session, since a few pupils could then lock the whole room out. Guessing is
bounded without it: ten tries per enrolled candidate per window, against 17⁴·7² ≈ 4 million
codes, and the code only opens the start of a test the proctor has already authorised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import bindparam, or_, select
from sqlmodel import Session

from web import ratelimit
from web.models import Candidate, RateLimitHit

WINDOW = dt.timedelta(minutes=15)
IDENTITY_PER_CLIENT = 60
IDENTITY_PER_SESSION = 100
CODE_PER_CANDIDATE = 10


_hit = RateLimitHit.__table__  # type: ignore[attr-defined]
# Both keys of a check in one plain-column SELECT (a constant statement, compiled once): two ORM
# reads by primary key cost ≈ 0.75 ms of CPU per check, every candidate makes two checks on
# the way in (loadtests/README.md, round 6).
_HITS = select(_hit.c.key, _hit.c.window_start, _hit.c.count).where(
    or_(_hit.c.key == bindparam("first"), _hit.c.key == bindparam("second")))


def candidate_key(candidate: Candidate) -> str:
    """What stands for "who" in the access code's keys: the candidate whose identity was found."""
    return f"candidate:{candidate.id}"


def keys(kind: str, session_id: int | None, who: str) -> list[tuple[str, int]]:
    """`who`: the client address for the identity, candidate_key(…) for the access code."""
    if kind != "identity":
        return [(f"candidate-{kind}:{who}", CODE_PER_CANDIDATE)]
    result = [(f"candidate-identity:client:{who}", IDENTITY_PER_CLIENT)]
    if session_id is not None:
        result.append((f"candidate-identity:session:{session_id}", IDENTITY_PER_SESSION))
    return result


def session_keys(session_id: int, client: str, candidates: Iterable[Candidate]) -> list[str]:
    """Every key that can stop someone joining session `session_id` from address `client`:
    the identity's (that address's and the session's) and the access code's of `candidates`
    (the session's). What its proctor clears: web.proctor.lockouts."""
    found = [key for key, _limit in keys("identity", session_id, client)]
    for candidate in candidates:
        found += [key for key, _limit in keys("code", session_id, candidate_key(candidate))]
    return found


def blocked(db: Session, kind: str, session_id: int | None, who: str,
            now: dt.datetime) -> bool:
    limits = dict(keys(kind, session_id, who))
    first, *rest = limits
    rows = db.execute(_HITS, {"first": first, "second": rest[0] if rest else first}).all()
    return any(start >= now - WINDOW and count >= limits[key] for key, start, count in rows)


def count_failure(db: Session, kind: str, session_id: int | None, who: str,
                  now: dt.datetime) -> None:
    for key, limit in keys(kind, session_id, who):
        ratelimit.hit(db, key, limit=limit, window=WINDOW, now=now)
