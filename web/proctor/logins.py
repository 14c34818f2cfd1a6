"""Proctors' sign-ins kept on the server, so that signing out ends one on every copy of its
cookie (a shared computer, a copied cookie), not only in the browser that clicked.

Each sign-in is a `proctor_login` row; the cookie holds its random token, the row the token's
SHA-256. The check costs no statement of its own: `still_signed_in` is an EXISTS added to the
statement that reads the exam anyway (the live list's, web.proctor.live, polled every 5 s by
every proctor; `require_proctor`'s for the actions). Its session number is the statement's own
bound parameter, so the subquery is uncorrelated: evaluated once, by the unique token index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import bindparam, delete, exists, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from web.models import ProctorLogin

COOKIE_KEY = "proctor_login"  # where the cookie holds the raw token
# How long a sign-in lasts, whatever the proctor does: longer than the longest session (15 min
# of welcome, then 1 h 45 with up to 200 % extra time, and time granted after incidents: about
# 6 h), so that no proctor is signed out while supervising; the cookie's own lifetime (4 h since
# the last request) still ends an idle one sooner.
LIFETIME = dt.timedelta(hours=12)
_login = ProctorLogin.__table__  # type: ignore[attr-defined]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def still_signed_in(session_param: str) -> ColumnElement[bool]:
    """The cookie's sign-in (bound `login`: its token's hash) is to the session (bound
    `session_param`), not signed out, and not older than LIFETIME (bound `since`): an absolute
    bound, as a cookie re-signed by each request would otherwise never lapse."""
    return exists().where(_login.c.token_hash == bindparam("login"),
                          _login.c.session_id == bindparam(session_param),
                          _login.c.signed_out_at.is_(None),
                          _login.c.created_at >= bindparam("since"))


def check_params(token: object, now: dt.datetime) -> dict[str, Any] | None:
    """The bound values of `still_signed_in` for a cookie's token; None: no token (a cookie
    from before sign-ins were kept, or a forged one), which no row can match."""
    if not isinstance(token, str) or not token:
        return None
    return {"login": token_hash(token), "since": now - LIFETIME}


def open_login(db: Session, session_id: int, now: dt.datetime, previous: object = None) -> str:
    """A new sign-in to the session, committed: its token, for the cookie. `previous`: the
    token the browser held before, ended (a copy of that cookie must not outlive it).

    How the table stays small: the sign-ins older than LIFETIME, refused anyway,
    are deleted here, at every sign-in to any session (by the created_at index: usually none
    or a few rows). The table holds at most LIFETIME's sign-ins, on both databases."""
    if isinstance(previous, str) and previous:
        _end(db, previous, now)
    db.execute(delete(_login).where(_login.c.created_at < now - LIFETIME))
    token = secrets.token_urlsafe(32)
    db.add(ProctorLogin(session_id=session_id, token_hash=token_hash(token), created_at=now))
    db.commit()
    return token


def close_login(db: Session, token: object, now: dt.datetime) -> None:
    """Sign-out: the sign-in whose token the cookie holds ends, committed before the cookie is
    cleared, so every copy of the cookie is refused from then on."""
    if isinstance(token, str) and token:
        _end(db, token, now)
        db.commit()


def _end(db: Session, token: str, now: dt.datetime) -> None:
    db.execute(update(_login).where(_login.c.token_hash == token_hash(token),
                                    _login.c.signed_out_at.is_(None))
               .values(signed_out_at=now))
