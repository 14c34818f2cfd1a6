"""A certification centre, its sessions and the candidates enrolled in them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, event, text
from sqlmodel import Field, SQLModel

from web.models.types import Timestamp
from web.names import normalise_name

DEFAULT_TIME_ZONE = "Europe/Paris"


class Centre(SQLModel, table=True):
    # The platform administrator's list of centres (~10,000), a page at a time in the order of
    # their searched names (alphabetical, accents ignored, the same on both databases).
    __table_args__ = (Index("ix_centre_search_name_id", "search_name", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # The name as searched: case, accents and separators ignored (web.names), the same on SQLite
    # and PostgreSQL, which share no accent-insensitive comparison. Kept by the events below.
    search_name: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    # IANA name of the zone its sessions' dates and start times are typed in; one of
    # web.centre.time_zones.ZONES.
    time_zone: str = Field(default=DEFAULT_TIME_ZONE, max_length=64,
                           sa_column_kwargs={"server_default": DEFAULT_TIME_ZONE})
    created_at: dt.datetime = Field(sa_type=Timestamp)


@event.listens_for(Centre, "before_insert")
@event.listens_for(Centre, "before_update")
def _keep_search_name(_mapper: object, _connection: object, centre: Centre) -> None:
    centre.search_name = normalise_name(centre.name)[:200]


class ExamSessionBase(SQLModel):
    date: dt.date
    start_time: dt.time
    room: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=500)
    proctor_names: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=2000)


_AWAITING = text("finalised_at IS NOT NULL AND results_published_at IS NULL")


class ExamSession(ExamSessionBase, table=True):
    """A certification session; its id is the public session number."""

    __tablename__ = "exam_session"
    # A centre's sessions, most recent first (its list, a page at a time); it starts with
    # centre_id, so it also serves every lookup by centre.
    # The platform administrator's overdue finalisations (web.centre.overdue): the sessions still
    # to finalise, by date. Partial: most sessions are finalised within days, so it stays small
    # however many years of sessions accumulate.
    __table_args__ = (
        Index("ix_exam_session_centre_date", "centre_id", "date", "start_time"),
        Index("ix_exam_session_unfinalised_date", "date", "start_time",
              sqlite_where=text("finalised_at IS NULL"),
              postgresql_where=text("finalised_at IS NULL")),
        # The jury's list (web.jury.review): finalised, not yet published, by finalisation.
        Index("ix_exam_session_awaiting_jury", "finalised_at", "id", sqlite_where=_AWAITING,
              postgresql_where=_AWAITING),
    )

    id: int | None = Field(default=None, primary_key=True)
    centre_id: int = Field(foreign_key="centre.id")
    access_code: str = Field(max_length=6, index=True)
    # Kept readable on purpose: the centre prints it for the proctor. Guessing is prevented by
    # rate limiting, and it only opens the proctor space of this one session.
    proctor_password: str = Field(max_length=16)
    created_at: dt.datetime = Field(sa_type=Timestamp)
    finalised_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    # Set by the jury when it publishes the session's results (web.jury); until then the centre
    # sees them as provisional and no certificate exists.
    results_published_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    # Who published (an audit field, without a foreign key: migration 0011).
    results_published_by_id: int | None = None


class CandidateBase(SQLModel):
    last_name: str = Field(max_length=200)
    first_name: str = Field(max_length=200)
    birth_date: dt.date
    birth_place: str = Field(default="", max_length=200)
    extra_time_percent: int = Field(default=0, ge=0, le=200)
    accessibility: bool = False
    external_id: str | None = Field(default=None, max_length=100)


class Candidate(CandidateBase, table=True):
    """A person enrolled in one session."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="exam_session.id", index=True)
    # Set when the proctor confirms presence: the candidate may start within the
    # authorisation window.
    authorised_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    created_at: dt.datetime = Field(sa_type=Timestamp)
