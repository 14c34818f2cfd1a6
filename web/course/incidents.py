"""What the candidate reports during a question: a problem (for the proctor), leaving the page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from web.course.answering import Refused, not_current
from web.course.state import CourseView
from web.models import Course, LiveAlert, ServedItem

_alert = LiveAlert.__table__  # type: ignore[attr-defined]
_served = ServedItem.__table__  # type: ignore[attr-defined]


def report_problem(db: Session, course: Course, view: CourseView, served_id: int,
                   now: dt.datetime) -> bool:
    """Create a pending live alert on the current item; False if one is already pending
    (a double click reports once: at once too, by the unique index on pending alerts).
    Commits."""
    entry = view.current
    if entry is None or entry.id != served_id or entry.withdrawn:
        raise Refused(409, not_current())
    if entry.pending:
        return False
    try:
        db.execute(insert(_alert).values(
            course_id=course.id, session_id=course.session_id, served_item_id=entry.id,
            kind="problem", status="pending", created_at=now))
        db.commit()
    except IntegrityError:  # another request reported it first
        db.rollback()
        return False
    return True


def record_focus_out(db: Session, course: Course, view: CourseView, served_id: int,
                     now: dt.datetime) -> bool:
    """Note that the candidate left the page during the current item (first time only).

    Recorded for every item — the result only changes for focus-mode ones — so that the
    proctor's review shows it; a late report for an older item is ignored. Commits.
    """
    entry = view.current
    if entry is None or entry.id != served_id or entry.focused_out_at is not None:
        return False
    db.execute(update(_served).where(_served.c.id == entry.id,
                                     _served.c.focused_out_at.is_(None))
               .values(focused_out_at=now))
    db.commit()
    return True
