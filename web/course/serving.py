"""Starting a course and serving its next item, chosen by the engine.

The next item is chosen when the previous one is answered and stored in the same transaction as
the answer, so the question page only ever reads. Concurrent servers of the same course (two
tabs, two processes) are kept apart by the unique (course, position) constraint.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from sqlalchemy import insert, update
from sqlmodel import Session

import engine
from web.content_state import LoadedContent
from web.course.state import CourseData, CourseView
from web.models import Candidate, Course, ServedItem, pk

_served = ServedItem.__table__  # type: ignore[attr-defined]
_INSERT = insert(_served)  # constant statement: its cache key is computed once


def new_token() -> str:
    return secrets.token_urlsafe(24)


def start_course(db: Session, candidate: Candidate, content: LoadedContent, now: dt.datetime,
                 client_token: str) -> Course:
    """Create the candidate's course and serve its first item; the caller commits.

    Raises IntegrityError when the candidate already has a course (one course per candidate).
    """
    config = content.config
    course = Course(
        candidate_id=pk(candidate), session_id=candidate.session_id, started_at=now,
        duration_minutes=config.duration_minutes,
        extra_time_percent=candidate.extra_time_percent, accessibility=candidate.accessibility,
        config_version=config.version, seed=secrets.randbits(63), client_token=client_token,
    )
    db.add(course)
    db.flush()
    serve_next(db, course, [], 1, content, now)
    return course


def next_item(course: Course | CourseData, history: Sequence[engine.Served],
              content: LoadedContent) -> tuple[str, float, float] | None:
    """The engine's next item (id, a, b) after `history`; None when the test is complete."""
    bank, memos, course_id = content.engine_bank, content.step_memos, course.id
    step, memo = engine.next_step_remembered(
        history, bank, content.config_for(course.config_version),
        accessible_only=course.accessibility, seed=course.seed,
        memo=None if course_id is None else memos.get(course_id))
    if course_id is not None:
        if step.item_id is None:  # the test is complete: no next step to prepare
            memos.forget(course_id)
        else:
            memos.remember(course_id, memo)
    if step.item_id is None:
        return None
    i = bank.index_of(step.item_id)
    return step.item_id, float(bank.a[i]), float(bank.b[i])


def serve_next(db: Session, course: Course | CourseData, history: Sequence[engine.Served],
               position: int, content: LoadedContent, now: dt.datetime) -> str | None:
    """Insert the engine's next item at `position`; None when the test is complete.

    The timer starts now, when the server serves the item (not when the browser shows it).
    """
    chosen = next_item(course, history, content)
    if chosen is None:
        return None
    item_id, a, b = chosen
    db.execute(_INSERT, {
        "course_id": course.id, "position": position, "item_id": item_id, "a": a, "b": b,
        "served_at": now, "timer_started_at": now, "focused_out_at": None, "withdrawn": False})
    return item_id


def serve_replacement(db: Session, course: Course | CourseData, view: CourseView,
                      content: LoadedContent, now: dt.datetime) -> str | None:
    """After the proctor withdrew the current item: the engine excludes its skill."""
    return serve_next(db, course, view.history(), view.next_position, content, now)


def restart_item_timer(db: Session, course_id: int, served_id: int, now: dt.datetime) -> None:
    """A resumed candidate gets the current timed item's full time again."""
    db.execute(update(_served).where(_served.c.course_id == course_id, _served.c.id == served_id)
               .values(timer_started_at=now))
