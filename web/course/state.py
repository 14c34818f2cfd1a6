"""A running course as the candidate pages need it, read in one query.

The hot path (answer → next question) reads the served items, their answers and whether a
problem report is pending on them in a single SELECT of plain columns: no ORM objects, no lazy
loads. Everything else (current question, "n / 32", the engine's history) is derived from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlmodel import Session

import engine
from web.models import Answer, LiveAlert, ServedItem

_served = ServedItem.__table__  # type: ignore[attr-defined]
_answer = Answer.__table__  # type: ignore[attr-defined]
_alert = LiveAlert.__table__  # type: ignore[attr-defined]

_pending = (
    select(_alert.c.id)
    .where(_alert.c.course_id == _served.c.course_id, _alert.c.served_item_id == _served.c.id,
           _alert.c.status == "pending")
    .exists()
    .label("pending")
)
_QUERY = (
    select(_served.c.id, _served.c.position, _served.c.item_id, _served.c.a, _served.c.b,
           _served.c.served_at, _served.c.timer_started_at, _served.c.focused_out_at,
           _served.c.withdrawn, _answer.c.value, _answer.c.result, _pending)
    .select_from(_served.outerjoin(_answer, and_(_answer.c.served_item_id == _served.c.id)))
    .where(_served.c.course_id == bindparam("course_id"))
    .order_by(_served.c.position)
)
# One constant statement with a bound parameter: SQLAlchemy computes its cache key once, not
# on every request (building `.where(...)` per call cost more than running the query).


@dataclass(frozen=True)
class Entry:
    """One served item with its answer, if any."""

    id: int
    position: int
    item_id: str
    a: float
    b: float
    served_at: dt.datetime
    timer_started_at: dt.datetime | None
    focused_out_at: dt.datetime | None
    withdrawn: bool
    value: str | None  # the stored answer, None while unanswered
    result: str | None
    pending: bool  # a problem report awaits the proctor

    @property
    def answered(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class CourseView:
    entries: tuple[Entry, ...]

    @property
    def current(self) -> Entry | None:
        """The item the candidate must deal with now: the last served one, if not answered.

        A withdrawn last item is returned too: the caller serves its replacement.
        """
        if not self.entries:
            return None
        last = self.entries[-1]
        return None if last.answered else last

    @property
    def answered(self) -> int:
        """Answers that count ("n / 32"): withdrawn items are not scored."""
        return sum(1 for e in self.entries if e.answered and not e.withdrawn)

    @property
    def next_position(self) -> int:
        return self.entries[-1].position + 1 if self.entries else 1

    def get(self, served_id: int) -> Entry | None:
        for entry in self.entries:
            if entry.id == served_id:
                return entry
        return None

    def history(self) -> list[engine.Served]:
        """The engine's view (same rules as web.course.history.course_history)."""
        return [engine.Served(item_id=e.item_id,
                              result="withdrawn" if e.withdrawn else e.result, a=e.a, b=e.b)
                for e in self.entries]


def load_view(db: Session, course_id: int) -> CourseView:
    rows = db.execute(_QUERY, {"course_id": course_id}).all()
    return CourseView(tuple(Entry(*row) for row in rows))
