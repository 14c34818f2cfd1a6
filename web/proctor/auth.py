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

# Failures per quarter of an hour. Per address: one machine (a school's NAT address included)
# gets 30. Per session number, from every address together: 100, against 24⁶ ≈ 191 million
# passwords (about 55 years to try them all at that pace). The session's limit is above the
# address's so that one person, who knows the session number as every candidate does, cannot
# lock the session's proctors out from one address: it takes several.
ATTEMPTS_PER_SESSION = 100
ATTEMPTS_PER_CLIENT = 30
WINDOW = dt.timedelta(minutes=15)

_exam = ExamSession.__table__  # type: ignore[attr-defined]
# Checked on every live-list poll: a plain-column row (read like an ExamSession by the
# templates), not an ORM object — constant statement, cache key computed once.
_EXAM_BY_ID = select(_exam).where(_exam.c.id == bindparam("id"))


@functools.lru_cache(maxsize=4096)  # checked at every poll of every proctor (an HMAC each)
def password_fingerprint(secret: str, password: str) -> str:
    """Kept in the proctor's cookie: a regenerated password signs every proctor out.

    Keyed with the app's secret: the cookie's payload is readable by whoever holds it (a shared
    computer's next user), and a plain hash of a 6-character password is reversed in seconds."""
    return hmac.new(secret.encode(), password.encode(), hashlib.sha256).hexdigest()[:32]


def client_key(ctx: Ctx) -> str:
    return ctx.request.client.host if ctx.request.client else "unknown"


def attempt_login(ctx: Ctx, number: str, password: str) -> ExamSession | None:
    """The session if the password matches; raises 429 once the attempts are used up.

    Only failures count (checked before the attempt is judged): the proctors of a big school,
    signing in from one address at the start of an exam, never trip a limit by succeeding."""
    session_id = whole_number(number)
    keys = [(f"proctor-client:{client_key(ctx)}", ATTEMPTS_PER_CLIENT)]
    if session_id is not None:
        keys.append((f"proctor-session:{session_id}", ATTEMPTS_PER_SESSION))
    if any(ratelimit.reached(ctx.db, key, limit=limit, window=WINDOW, now=ctx.now)
           for key, limit in keys):
        raise HTTPException(429)
    exam = ctx.db.get(ExamSession, session_id) if session_id is not None else None
    # Bytes: compare_digest refuses str with non-ASCII characters (a mistyped "é").
    if exam is None or not hmac.compare_digest(exam.proctor_password.upper().encode(),
                                               password.upper().encode()):
        for key, limit in keys:
            ratelimit.hit(ctx.db, key, limit=limit, window=WINDOW, now=ctx.now)
        return None
    return exam


def sign_in(ctx: Ctx, exam: ExamSession) -> None:
    ctx.session.pop("proctor_flash", None)
    ctx.session["proctor_session_id"] = exam.id
    ctx.session["proctor_key"] = password_fingerprint(ctx.state.settings.secret_key,
                                                      exam.proctor_password)


def forbidden() -> HTTPException:
    return HTTPException(403, N_("Connectez-vous à l'espace surveillant de cette session."))


def signed_in_to(ctx: Ctx, session_id: int, password: str | None) -> bool:
    """Whether this browser's cookie signed in to that session, whose proctor password is
    `password` (None: no such session). The live list reads the password with its rows."""
    cookie = ctx.session
    key = cookie.get("proctor_key")
    return (cookie.get("proctor_session_id") == session_id and password is not None
            and isinstance(key, str) and hmac.compare_digest(
                key.encode(), password_fingerprint(ctx.state.settings.secret_key,
                                                   password).encode()))


def require_proctor(ctx: Ctx, session_id: int, db: Session | Connection | None = None) -> Any:
    """The session this proctor signed in to (a row read like an ExamSession), or 403 for any
    other one. `db`: where to read (default ctx.db; the live page reads on ctx.conn)."""
    if ctx.session.get("proctor_session_id") != session_id:
        raise forbidden()
    exam = (ctx.db if db is None else db).execute(_EXAM_BY_ID, {"id": session_id}).first()
    if not signed_in_to(ctx, session_id, exam.proctor_password if exam else None):
        raise forbidden()
    return exam
