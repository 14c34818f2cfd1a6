"""Ending a course: the one place that decides how a test stops."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select, update

from web.course.state import CourseData
from web.models import Course, LiveAlert
from web.models.course import COURSE_ENDED, COURSE_STARTED

_course = Course.__table__  # type: ignore[attr-defined]


def _reload(db: Session, course: Course | CourseData) -> None:
    if isinstance(course, CourseData):  # the candidate hot path's plain row
        course.update(db.execute(select(_course).where(_course.c.id == course.id)).one())
    else:
        db.refresh(course)


def end_course(db: Session, course: Course | CourseData, reason: str, now: dt.datetime,
               comment: str | None = None) -> bool:
    """End a running course; False if it had already ended (the first reason wins).

    The update is conditional on the state, so two processes ending the same course at once
    (a proctor and the deadline sweep) cannot both succeed. The caller commits.
    """
    result = db.execute(
        update(Course)
        .where(col(Course.id) == course.id, col(Course.state) == COURSE_STARTED)
        .values(state=COURSE_ENDED, end_reason=reason, end_comment=comment, ended_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        _reload(db, course)
        return False
    # Alerts still pending on an ended test cannot be acted on any more.
    db.execute(
        update(LiveAlert)
        .where(col(LiveAlert.course_id) == course.id, col(LiveAlert.status) == "pending")
        .values(status="dismissed", resolved_at=now)
    )
    _reload(db, course)
    return True


def running_courses(db: Session, session_id: int) -> list[Course]:
    return list(db.exec(select(Course).where(Course.session_id == session_id,
                                             Course.state == COURSE_STARTED)).all())
