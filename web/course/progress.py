"""Where a course stands, for the proctor's live list: question n / 32, time left, state.

`progress` is for one course; `session_progress` gives every course of a session in one query
(an aggregate over answers of non-withdrawn items), so a list of 20 candidates costs one SELECT.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlmodel import Session

from web.clock import utcnow
from web.course.timing import remaining_seconds
from web.models import Answer, Course, ServedItem
from web.models.course import COURSE_STARTED

DEFAULT_LENGTH = 32

_course = Course.__table__  # type: ignore[attr-defined]
_served = ServedItem.__table__  # type: ignore[attr-defined]
_answer = Answer.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CourseProgress:
    answered: int  # answers that count (withdrawn items excluded)
    current_position: int  # the "n" of "Question n / length" (answered + 1 while running)
    length: int
    remaining_seconds: int  # 0 once ended
    state: str  # "started" | "ended"
    end_reason: str | None


def _length(course: Course) -> int:
    try:
        from web.content_state import load_content

        return load_content().config_for(course.config_version).length
    except Exception:  # content unavailable (e.g. a tool without the bank): the product's 32
        return DEFAULT_LENGTH


def _make(course: Course, answered: int, now: dt.datetime, length: int) -> CourseProgress:
    running = course.state == COURSE_STARTED
    return CourseProgress(
        answered=answered,
        current_position=min(answered + 1, length) if running else answered,
        length=length,
        remaining_seconds=remaining_seconds(course, now) if running else 0,
        state=course.state,
        end_reason=course.end_reason,
    )


def _answered_query():  # noqa: ANN202 - a SQLAlchemy select
    return (select(_answer.c.course_id, func.count().label("n"))
            .select_from(_answer.join(_served, and_(_served.c.id == _answer.c.served_item_id,
                                                    _served.c.withdrawn.is_(False))))
            .group_by(_answer.c.course_id))


def progress(db: Session, course: Course, now: dt.datetime | None = None, *,
             length: int | None = None) -> CourseProgress:
    """Pass the request's `now` (ctx.now) so frozen test clocks apply."""
    answered = db.execute(_answered_query().where(_answer.c.course_id == course.id)).first()
    return _make(course, answered.n if answered else 0, now or utcnow(),
                 length or _length(course))


def session_progress(db: Session, session_id: int, now: dt.datetime | None = None, *,
                     length: int | None = None) -> dict[int, CourseProgress]:
    """Every course of the session, keyed by candidate id (absent: not started). One query."""
    counts = _answered_query().where(_answer.c.course_id.in_(
        select(_course.c.id).where(_course.c.session_id == session_id))).subquery()
    rows = db.execute(
        select(Course, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.course_id == Course.id)
        .where(Course.session_id == session_id)
    ).all()
    now = now or utcnow()
    return {course.candidate_id: _make(course, n, now, length or _length(course))
            for course, n in rows}
