"""Inviting a centre administrator: a one-time link, valid 7 days, stored as a hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from sqlmodel import Session, col, select, update

from web.i18n import gettext_ as _
from web.models import Centre, StaffInvitation, StaffUser
from web.models.staff import ROLE_CENTRE_ADMIN, ROLE_PLATFORM_ADMIN

VALIDITY = dt.timedelta(days=7)
_CHAR = r"[^@\s\x00-\x1f\x7f]"  # no control character: PostgreSQL refuses NUL in a query
EMAIL = re.compile(rf"^{_CHAR}{{1,64}}@{_CHAR}+\.{_CHAR}{{2,}}$")


class InvitationError(ValueError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def valid_email(email: str) -> bool:
    return len(email) <= 254 and EMAIL.match(email) is not None


def invite(db: Session, centre_id: int, email: str, now: dt.datetime) -> str:
    """Create an invitation and return its token (shown once, never stored). The caller commits."""
    email = email.strip().lower()
    if not valid_email(email):
        raise InvitationError(_("Adresse e-mail non valide."))
    if db.get(Centre, centre_id) is None:
        raise InvitationError(_("Ce centre n'existe pas."))
    if db.exec(select(StaffUser.id).where(StaffUser.email == email)).first() is not None:
        raise InvitationError(_("Un compte existe déjà avec cette adresse."))
    token = secrets.token_urlsafe(32)
    db.add(StaffInvitation(token_hash=token_hash(token), email=email, centre_id=centre_id,
                           created_at=now, expires_at=now + VALIDITY))
    return token


def find(db: Session, token: str, now: dt.datetime) -> StaffInvitation | None:
    if not token or len(token) > 100:
        return None
    found = db.exec(select(StaffInvitation)
                    .where(StaffInvitation.token_hash == token_hash(token))).first()
    if found is None or found.used_at is not None or found.expires_at < now:
        return None
    return found


def accept(db: Session, invitation: StaffInvitation, password_hash: str,
           now: dt.datetime) -> StaffUser:
    """Use the invitation once (conditional update) and create the account. The caller commits."""
    used = db.execute(update(StaffInvitation)
                      .where(col(StaffInvitation.id) == invitation.id,
                             col(StaffInvitation.used_at).is_(None))
                      .values(used_at=now))
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise InvitationError(_("Cette invitation a déjà été utilisée."))
    if db.exec(select(StaffUser.id).where(StaffUser.email == invitation.email)).first():
        raise InvitationError(_("Un compte existe déjà avec cette adresse."))
    user = StaffUser(email=invitation.email, password_hash=password_hash, role=ROLE_CENTRE_ADMIN,
                     centre_id=invitation.centre_id, created_at=now, password_changed_at=now)
    db.add(user)
    db.flush()
    return user


def create_platform_admin(db: Session, email: str, password_hash: str, now: dt.datetime, *,
                          role: str = ROLE_PLATFORM_ADMIN) -> StaffUser:
    """A national account, without a centre: a platform administrator, or a jury member
    (`role=ROLE_JURY`)."""
    email = email.strip().lower()
    if not valid_email(email):
        raise InvitationError(_("Adresse e-mail non valide."))
    if db.exec(select(StaffUser.id).where(StaffUser.email == email)).first():
        raise InvitationError(_("Un compte existe déjà avec cette adresse."))
    user = StaffUser(email=email, password_hash=password_hash, role=role, centre_id=None,
                     created_at=now, password_changed_at=now)
    db.add(user)
    db.flush()
    return user
