"""Proctor sign-in: session number + proctor password, rate limited."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from sqlmodel import Session
from starlette.exceptions import HTTPException

from web import ratelimit
from web.handler import Ctx
from web.i18n import N_
from web.models import ExamSession

# Per session number: the proctor password is 6 characters; 10 tries per quarter of an hour
# makes guessing it hopeless while letting a proctor mistype a few times.
ATTEMPTS_PER_SESSION = 10
ATTEMPTS_PER_CLIENT = 30
WINDOW = dt.timedelta(minutes=15)


def password_fingerprint(password: str) -> str:
    """Kept in the proctor's cookie: a regenerated password signs every proctor out."""
    return hashlib.sha256(password.encode()).hexdigest()[:16]


def client_key(ctx: Ctx) -> str:
    return ctx.request.client.host if ctx.request.client else "unknown"


def attempt_login(ctx: Ctx, number: str, password: str) -> ExamSession | None:
    """The session if the password matches; raises 429 once the attempts are used up."""
    allowed_client = ratelimit.hit(ctx.db, f"proctor-client:{client_key(ctx)}",
                                   limit=ATTEMPTS_PER_CLIENT, window=WINDOW, now=ctx.now)
    session_id = int(number) if number.isdigit() and len(number) <= 9 else None
    allowed_session = session_id is None or ratelimit.hit(
        ctx.db, f"proctor-session:{session_id}", limit=ATTEMPTS_PER_SESSION, window=WINDOW,
        now=ctx.now)
    if not (allowed_client and allowed_session):
        raise HTTPException(429)
    if session_id is None:
        return None
    exam = ctx.db.get(ExamSession, session_id)
    if exam is None or not hmac.compare_digest(exam.proctor_password.upper(), password.upper()):
        return None
    return exam


def sign_in(ctx: Ctx, exam: ExamSession) -> None:
    ctx.session["proctor_session_id"] = exam.id
    ctx.session["proctor_key"] = password_fingerprint(exam.proctor_password)


def require_proctor(ctx: Ctx, session_id: int) -> ExamSession:
    """The session this proctor signed in to, or 403 for any other one."""
    exam = _signed_in_session(ctx.db, ctx.session, session_id)
    if exam is None:
        raise HTTPException(403, N_("Connectez-vous à l'espace surveillant de cette session."))
    return exam


def _signed_in_session(db: Session, cookie: dict, session_id: int) -> ExamSession | None:
    if cookie.get("proctor_session_id") != session_id:
        return None
    exam = db.get(ExamSession, session_id)
    if exam is None or not hmac.compare_digest(
            cookie.get("proctor_key", ""), password_fingerprint(exam.proctor_password)):
        return None
    return exam
