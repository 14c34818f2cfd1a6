"""Centre staff accounts and the invitations that create them."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from web.models.types import Timestamp

ROLE_PLATFORM_ADMIN = "platform_admin"
ROLE_CENTRE_ADMIN = "centre_admin"
# The national jury: reviews finalised sessions, decides on incidents, publishes results.
ROLE_JURY = "jury"


class StaffUser(SQLModel, table=True):
    """A person who signs in with e-mail and password: a centre administrator, a platform
    administrator (no centre) who creates centres and invites their administrators, or a member
    of the jury (no centre) who reviews finalised sessions and publishes their results."""

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-cased
    password_hash: str = Field(max_length=200)
    role: str = Field(default=ROLE_CENTRE_ADMIN, max_length=20)
    centre_id: int | None = Field(default=None, foreign_key="centre.id", index=True)
    # Copied into the session cookie at sign-in; bumping it (password change, "sign out
    # everywhere") invalidates every cookie issued before.
    session_version: int = 1
    active: bool = True
    created_at: dt.datetime = Field(sa_type=Timestamp)
    password_changed_at: dt.datetime = Field(sa_type=Timestamp)
    last_login_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)


class StaffInvitation(SQLModel, table=True):
    """A one-time link that lets a centre administrator choose a password.

    Only the SHA-256 of the token is stored: a database leak does not reveal usable links."""

    __tablename__ = "staff_invitation"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    email: str = Field(max_length=254)
    centre_id: int = Field(foreign_key="centre.id", index=True)
    created_at: dt.datetime = Field(sa_type=Timestamp)
    expires_at: dt.datetime = Field(sa_type=Timestamp)
    used_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
