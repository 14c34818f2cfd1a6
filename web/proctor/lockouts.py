"""The proctor lifts the entry lockouts of their session ("Lever les blocages de saisie").

A candidate who reached a limit on what they type (web.candidate.limits) is told "Trop de
tentatives… appelez le surveillant". The lockout that hurts most is the identity's per-address
one: a school's pupils all come through one NAT address, so one pupil typing wrong identities on
purpose (or a run of honest mistakes) stops the whole school joining for up to 15 minutes. The
proctor, who sees the room, lifts it rather than the school waiting.
"""

from __future__ import annotations

from sqlmodel import Session, select

from web import ratelimit
from web.candidate import limits
from web.models import Candidate


def lift(db: Session, session_id: int, client: str) -> None:
    """Forget the failed attempts that can stop someone joining `session_id`: the identity's of
    the session and of `client`, and the access code's of each of its enrolled candidates.

    `client` is the address the proctor's own request comes from: the proctor works in the
    same school, behind the same NAT address as the pupils, so it is the one their identity
    attempts were counted under. (A proctor on another network, a phone on mobile data, does
    not clear the school's address: the page says to use the school's network.) Nothing else:
    not another session's keys nor another address's, not the proctors' or staff's sign-in
    keys. Idempotent: a key with no attempts is simply not there. The caller commits."""
    candidates = db.exec(select(Candidate).where(Candidate.session_id == session_id)).all()
    ratelimit.forget(db, limits.session_keys(session_id, client, candidates))
