"""A candidate's certification course: what was served, what was answered, live alerts."""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from web.models.types import BigId, Timestamp

COURSE_STARTED = "started"
COURSE_ENDED = "ended"
# Why a course ended.
END_COMPLETED = "completed"
END_TIME_EXPIRED = "time_expired"
END_BY_PROCTOR = "ended_by_proctor"
END_BY_FINALISATION = "ended_by_finalisation"

RESULTS = ("ok", "ko", "skipped", "timedout", "focusedOut")


@functools.lru_cache(maxsize=16384)  # the same few values at every poll: a few MB at most
def course_deadline(started_at: dt.datetime, duration_minutes: int, extra_time_percent: int,
                    granted_minutes: int) -> dt.datetime:
    """start + duration × (1 + extra time) + minutes granted by the proctor. In whole seconds
    and hundredths (exact, as the float minutes rounded to the microsecond gave): called for
    every row of every proctor's poll, and a third cheaper than timedelta(minutes=float);
    remembered, since a row's values change only when the proctor grants time."""
    seconds, hundredths = divmod(duration_minutes * (100 + extra_time_percent) * 60, 100)
    return started_at + dt.timedelta(0, seconds + granted_minutes * 60, hundredths * 10_000)


class Course(SQLModel, table=True):
    __tablename__ = "certification_course"
    # The overdue sweep's query (web.candidate.sweeper): running courses started before a bound.
    __table_args__ = (Index("ix_certification_course_state_started_at", "state", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", unique=True)
    session_id: int = Field(foreign_key="exam_session.id", index=True)
    state: str = Field(default=COURSE_STARTED, max_length=20)
    end_reason: str | None = Field(default=None, max_length=40)
    end_comment: str | None = Field(default=None, max_length=1000)
    started_at: dt.datetime = Field(sa_type=Timestamp)
    ended_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    duration_minutes: int = 105
    extra_time_percent: int = 0
    granted_minutes: int = 0
    accessibility: bool = False
    config_version: str = Field(max_length=40)
    seed: int = Field(sa_type=BigId)
    # Rotated on every (re)entry: the cookie of an older tab or device stops working.
    client_token: str = Field(max_length=64)
    resume_requested_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    resume_authorised_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    end_screen_seen_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    # Answers stored so far, kept by the statement that stores each answer: the proctor's list
    # polls it for every candidate every 5 s, and counting the answer rows instead read ~32
    # scattered heap pages per candidate (most of PostgreSQL's CPU under load).
    answered_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    @property
    def deadline(self) -> dt.datetime:
        return course_deadline(self.started_at, self.duration_minutes, self.extra_time_percent,
                               self.granted_minutes)


class ServedItem(SQLModel, table=True):
    __tablename__ = "served_item"
    __table_args__ = (
        UniqueConstraint("course_id", "position", name="uq_served_item_course_position"),
        UniqueConstraint("course_id", "item_id", name="uq_served_item_course_item"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True)
    )
    # No index of its own: uq_served_item_course_position starts with it (migration 0005).
    course_id: int = Field(foreign_key="certification_course.id")
    position: int
    item_id: str = Field(max_length=80)
    # The parameters in force when served, so the result can be recomputed later.
    a: float
    b: float
    served_at: dt.datetime = Field(sa_type=Timestamp)
    # Restarted when a resume is authorised, so a disconnection does not eat a timed item.
    timer_started_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    focused_out_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    withdrawn: bool = False


class Answer(SQLModel, table=True):
    id: int | None = Field(
        default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True)
    )
    # Not indexed: answers are read through their served item (migration 0005).
    course_id: int = Field(foreign_key="certification_course.id")
    # One answer per served item, enforced by the database: two tabs cannot answer twice.
    served_item_id: int = Field(sa_type=BigId, foreign_key="served_item.id", unique=True)
    item_id: str = Field(max_length=80)
    value: str = Field(max_length=4000)
    result: str = Field(max_length=20)
    time_spent_ms: int = 0
    focused_out: bool = False
    answered_at: dt.datetime = Field(sa_type=Timestamp)


class LiveAlert(SQLModel, table=True):
    __tablename__ = "live_alert"
    # One pending report per served item, enforced by the database: two clicks on "Signaler"
    # at once report once (web.course.incidents), as two in a row do (migration 0006).
    __table_args__ = (
        Index("uq_live_alert_pending_item", "served_item_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="certification_course.id", index=True)
    session_id: int = Field(foreign_key="exam_session.id", index=True)
    served_item_id: int | None = Field(default=None, sa_type=BigId, foreign_key="served_item.id")
    kind: str = Field(default="problem", max_length=20)
    status: str = Field(default="pending", max_length=20)  # pending | validated | dismissed
    created_at: dt.datetime = Field(sa_type=Timestamp)
    resolved_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
