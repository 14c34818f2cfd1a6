"""The proctor lifts the entry lockouts of their session ("Lever les blocages de saisie").

A candidate who reached a limit on what they type (web.candidate.limits) is told "Trop de
tentatives… appelez le surveillant". The lockout that hurts most is the identity's per-address
one: a school's pupils all come through one NAT address, so one pupil typing wrong identities on
purpose (or a run of honest mistakes) stops the whole school joining for up to 15 minutes. The
proctor, who sees the room, lifts it rather than the school waiting. The same pupil, who knows
the session number, can as well type 30 wrong proctor passwords and stop the school's other
proctors signing in (web.proctor.auth): lifted with it.
"""

from __future__ import annotations

from sqlmodel import Session, select

from web import ratelimit
from web.candidate import limits
from web.models import Candidate
from web.proctor import auth


def lift(db: Session, session_id: int, client: str) -> None:
    """Forget the failed attempts that can stop someone entering `session_id`: the identity's
    of the session and of `client`, the access code's of each of its enrolled candidates, and
    the proctors' sign-in failures of the session and of `client`.

    `client` is the address the proctor's own request comes from: the proctor works in the
    same school, behind the same NAT address as the pupils, so it is the one their attempts
    were counted under. (A proctor on another network, a phone on mobile data, does not clear
    the school's address: the page says to use the school's network.) Nothing else: not
    another session's keys nor another address's, not the staff's sign-in keys. Idempotent: a
    key with no attempts is simply not there. The caller commits."""
    candidates = db.exec(select(Candidate).where(Candidate.session_id == session_id)).all()
    proctors = [key for key, _limit in auth.failure_keys(client, session_id)]
    ratelimit.forget(db, limits.session_keys(session_id, client, candidates) + proctors)
