"""Proctor sign-in: session number + proctor password, rate limited."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlmodel import Session
from starlette.exceptions import HTTPException

from web import ratelimit
from web.handler import Ctx
from web.i18n import N_
from web.inputs import whole_number
from web.models import ExamSession

# Per session number: the proctor password is 6 characters; 10 tries per quarter of an hour
# makes guessing it hopeless while letting a proctor mistype a few times.
ATTEMPTS_PER_SESSION = 10
ATTEMPTS_PER_CLIENT = 30
WINDOW = dt.timedelta(minutes=15)

_exam = ExamSession.__table__  # type: ignore[attr-defined]
# Checked on every live-list poll: a plain-column row (read like an ExamSession by the
# templates), not an ORM object — constant statement, cache key computed once.
_EXAM_BY_ID = select(_exam).where(_exam.c.id == bindparam("id"))


@functools.lru_cache(maxsize=4096)  # checked at every poll of every proctor (a SHA-256 each)
def password_fingerprint(password: str) -> str:
    """Kept in the proctor's cookie: a regenerated password signs every proctor out."""
    return hashlib.sha256(password.encode()).hexdigest()[:16]


def client_key(ctx: Ctx) -> str:
    return ctx.request.client.host if ctx.request.client else "unknown"


def attempt_login(ctx: Ctx, number: str, password: str) -> ExamSession | None:
    """The session if the password matches; raises 429 once the attempts are used up."""
    allowed_client = ratelimit.hit(ctx.db, f"proctor-client:{client_key(ctx)}",
                                   limit=ATTEMPTS_PER_CLIENT, window=WINDOW, now=ctx.now)
    session_id = whole_number(number)
    allowed_session = session_id is None or ratelimit.hit(
        ctx.db, f"proctor-session:{session_id}", limit=ATTEMPTS_PER_SESSION, window=WINDOW,
        now=ctx.now)
    if not (allowed_client and allowed_session):
        raise HTTPException(429)
    if session_id is None:
        return None
    exam = ctx.db.get(ExamSession, session_id)
    # Bytes: compare_digest refuses str with non-ASCII characters (a mistyped "é").
    if exam is None or not hmac.compare_digest(exam.proctor_password.upper().encode(),
                                               password.upper().encode()):
        return None
    return exam


def sign_in(ctx: Ctx, exam: ExamSession) -> None:
    ctx.session["proctor_session_id"] = exam.id
    ctx.session["proctor_key"] = password_fingerprint(exam.proctor_password)


def forbidden() -> HTTPException:
    return HTTPException(403, N_("Connectez-vous à l'espace surveillant de cette session."))


def signed_in_to(cookie: dict, session_id: int, password: str | None) -> bool:
    """Whether this cookie signed in to that session, whose proctor password is `password`
    (None: no such session). The live list reads the password with its rows."""
    return (cookie.get("proctor_session_id") == session_id and password is not None
            and hmac.compare_digest(cookie.get("proctor_key", ""), password_fingerprint(password)))


def require_proctor(ctx: Ctx, session_id: int, db: Session | Connection | None = None) -> Any:
    """The session this proctor signed in to (a row read like an ExamSession), or 403 for any
    other one. `db`: where to read (default ctx.db; the live page reads on ctx.conn)."""
    if ctx.session.get("proctor_session_id") != session_id:
        raise forbidden()
    exam = (ctx.db if db is None else db).execute(_EXAM_BY_ID, {"id": session_id}).first()
    if not signed_in_to(ctx.session, session_id, exam.proctor_password if exam else None):
        raise forbidden()
    return exam
