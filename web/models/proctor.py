"""A proctor's sign-in, kept on the server so that signing out ends it (web.proctor.logins)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from web.models.types import Timestamp


class ProctorLoginBase(SQLModel):
    created_at: dt.datetime = Field(sa_type=Timestamp, index=True)  # the purge reads by age
    signed_out_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)


class ProctorLogin(ProctorLoginBase, table=True):
    """One sign-in of one proctor's browser to one session: its cookie holds the token, this
    row only the token's SHA-256 (a database leak does not give usable cookies). One row per
    sign-in rather than a version per session: a session has several proctors, and one
    signing out must not sign out the others.

    Rows live at most web.proctor.logins.LIFETIME (12 h): older ones are
    refused anyway and deleted at the next sign-in to any session (web.proctor.logins.open_login),
    and a session's rows go with the session (web.centre.sessions.delete_session)."""

    __tablename__ = "proctor_login"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="exam_session.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
