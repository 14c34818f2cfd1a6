"""A course's history as the engine reads it: served items in order, with their results."""

from __future__ import annotations

from sqlmodel import Session, col, select

import engine
from web.models import Answer, ServedItem


def course_history(db: Session, course_id: int) -> list[engine.Served]:
    """Every served item in serving order, with the a and b recorded when it was served.

    result: the stored answer's result, "withdrawn" for a validated problem, None if unanswered.
    """
    return course_histories(db, [course_id]).get(course_id, [])


def course_histories(db: Session, course_ids: list[int]) -> dict[int, list[engine.Served]]:
    """course_history of several courses in one statement (a session's, at finalisation: one
    query per candidate otherwise)."""
    if not course_ids:
        return {}
    rows = db.exec(
        select(ServedItem, Answer)
        .join(Answer, col(Answer.served_item_id) == col(ServedItem.id), isouter=True)
        .where(col(ServedItem.course_id).in_(course_ids))
        .order_by(col(ServedItem.course_id), col(ServedItem.position))
    ).all()
    histories: dict[int, list[engine.Served]] = {}
    for served, answer in rows:
        result = "withdrawn" if served.withdrawn else (answer.result if answer else None)
        histories.setdefault(served.course_id, []).append(
            engine.Served(item_id=served.item_id, result=result, a=served.a, b=served.b))
    return histories
