"""A course's history as the engine reads it: served items in order, with their results."""

from __future__ import annotations

from sqlmodel import Session, col, select

import engine
from web.models import Answer, ServedItem


def course_history(db: Session, course_id: int) -> list[engine.Served]:
    """Every served item in serving order, with the a and b recorded when it was served.

    result: the stored answer's result, "withdrawn" for a validated problem, None if unanswered.
    """
    rows = db.exec(
        select(ServedItem, Answer)
        .join(Answer, col(Answer.served_item_id) == col(ServedItem.id), isouter=True)
        .where(ServedItem.course_id == course_id)
        .order_by(col(ServedItem.position))
    ).all()
    history = []
    for served, answer in rows:
        result = "withdrawn" if served.withdrawn else (answer.result if answer else None)
        history.append(engine.Served(item_id=served.item_id, result=result, a=served.a, b=served.b))
    return history
