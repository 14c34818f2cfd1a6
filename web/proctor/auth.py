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
from web.proctor import logins

# Failures per quarter of an hour. Per address: one machine (a school's NAT address included)
# gets 30. Per session number, from every address together: 100, against 24⁶ ≈ 191 million
# passwords (about 55 years to try them all at that pace). The session's limit is above the
# address's so that one person, who knows the session number as every candidate does, cannot
# lock the session's proctors out from one address: it takes several.
ATTEMPTS_PER_SESSION = 100
ATTEMPTS_PER_CLIENT = 30
WINDOW = dt.timedelta(minutes=15)

_exam = ExamSession.__table__  # type: ignore[attr-defined]
# Read by every action: a plain-column row (read like an ExamSession by the templates), not an
# ORM object — constant statement, cache key computed once. No row unless the cookie's sign-in
# is still open (web.proctor.logins): one statement for both.
_EXAM_BY_ID = select(_exam).where(_exam.c.id == bindparam("id"), logins.still_signed_in("id"))


@functools.lru_cache(maxsize=4096)  # checked at every poll of every proctor (an HMAC each)
def password_fingerprint(secret: str, password: str) -> str:
    """Kept in the proctor's cookie: a regenerated password signs every proctor out.

    Keyed with the app's secret: the cookie's payload is readable by whoever holds it (a shared
    computer's next user), and a plain hash of a 6-character password is reversed in seconds."""
    return hmac.new(secret.encode(), password.encode(), hashlib.sha256).hexdigest()[:32]


def failure_keys(client: str, session_id: int | None) -> list[tuple[str, int]]:
    """What a failed sign-in from address `client` to session number `session_id` (None: not a
    number) counts under, with each key's limit. Also what a proctor lifts for their school
    (web.proctor.lockouts)."""
    keys = [(f"proctor-client:{client}", ATTEMPTS_PER_CLIENT)]
    if session_id is not None:
        keys.append((f"proctor-session:{session_id}", ATTEMPTS_PER_SESSION))
    return keys


def attempt_login(ctx: Ctx, number: str, password: str) -> ExamSession | None:
    """The session if the password matches; raises 429 once the attempts are used up.

    Only failures count (checked before the attempt is judged): the proctors of a big school,
    signing in from one address at the start of an exam, never trip a limit by succeeding."""
    session_id = whole_number(number)
    keys = failure_keys(ratelimit.client_address(ctx.request), session_id)
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
    ctx.session[logins.COOKIE_KEY] = logins.open_login(ctx.db, exam.id or 0, ctx.now,
                                                  previous=ctx.session.get(logins.COOKIE_KEY))
    ctx.session["proctor_session_id"] = exam.id
    ctx.session["proctor_key"] = password_fingerprint(ctx.state.settings.secret_key,
                                                      exam.proctor_password)


def sign_out(ctx: Ctx) -> None:
    logins.close_login(ctx.db, ctx.session.get(logins.COOKIE_KEY), ctx.now)
    for key in ("proctor_session_id", "proctor_key", logins.COOKIE_KEY):
        ctx.session.pop(key, None)


def forbidden() -> HTTPException:
    return HTTPException(403, N_("Connectez-vous à l'espace surveillant de cette session."))


def login_check(ctx: Ctx, session_id: int) -> dict[str, Any]:
    """The bound values that make the exam's statement check this cookie's sign-in
    (web.proctor.logins.still_signed_in); 403 at once for a cookie not signed in to that
    session, before any statement."""
    check = logins.check_params(ctx.session.get(logins.COOKIE_KEY), ctx.now)
    if check is None or ctx.session.get("proctor_session_id") != session_id:
        raise forbidden()
    return check


def signed_in_to(ctx: Ctx, session_id: int, password: str | None) -> bool:
    """Whether this browser's cookie signed in to that session, whose proctor password is
    `password` (None: no such session, or the sign-in is over: the statement that read it
    checked the sign-in, see `login_check`). The live list reads the password with its rows;
    the password's fingerprint keeps "a regenerated password signs every proctor out"."""
    cookie = ctx.session
    key = cookie.get("proctor_key")
    return (cookie.get("proctor_session_id") == session_id and password is not None
            and isinstance(key, str) and hmac.compare_digest(
                key.encode(), password_fingerprint(ctx.state.settings.secret_key,
                                                   password).encode()))


def require_proctor(ctx: Ctx, session_id: int, db: Session | Connection | None = None) -> Any:
    """The session this proctor signed in to (a row read like an ExamSession), or 403 for any
    other one or a sign-in that is over. `db`: where to read (default ctx.db; the live page
    reads on ctx.conn)."""
    check = login_check(ctx, session_id)
    exam = (ctx.db if db is None else db).execute(_EXAM_BY_ID, {"id": session_id, **check}).first()
    if not signed_in_to(ctx, session_id, exam.proctor_password if exam else None):
        raise forbidden()
    return exam
