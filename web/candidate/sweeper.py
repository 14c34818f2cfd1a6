"""Close tests past their deadline without waiting for the candidate's next request.

One query finds the overdue courses. The deadline depends on each course's extra time and
granted minutes, which SQLite and PostgreSQL cannot add to a timestamp the same way, so the
query keeps only the courses that can be overdue (running and started more than the base
duration ago, the earliest possible deadline) and the exact deadline is checked in Python.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlmodel import Session, col, select

from web.course.lifecycle import end_course
from web.course.timing import is_overdue
from web.db import session_scope
from web.models import Course
from web.models.course import COURSE_STARTED, END_TIME_EXPIRED

log = logging.getLogger("passation")


def overdue_courses(db: Session, now: dt.datetime, shortest_minutes: int = 105) -> list[Course]:
    """`shortest_minutes`: the shortest test duration of any configuration in use."""
    earliest_start = now - dt.timedelta(minutes=shortest_minutes)
    candidates = db.exec(select(Course).where(Course.state == COURSE_STARTED,
                                              col(Course.started_at) <= earliest_start)).all()
    return [course for course in candidates if is_overdue(course, now)]


def close_overdue(db: Session, now: dt.datetime, shortest_minutes: int = 105) -> int:
    closed = 0
    for course in overdue_courses(db, now, shortest_minutes):
        if end_course(db, course, END_TIME_EXPIRED, now):
            closed += 1
    db.commit()
    return closed


def close_overdue_courses(state: Any) -> None:
    shortest = min(c.duration_minutes for c in state.content.configs.values())
    with session_scope(state.engine) as db:
        closed = close_overdue(db, state.clock.now(), shortest)
    if closed:
        log.info("closed %d course(s) past their deadline", closed)
