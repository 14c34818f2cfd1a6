"""A running course as the candidate pages need it, read in one query.

The hot path (answer → next question) reads the served items, their answers and whether a
problem report is pending on them in a single SELECT of plain columns: no ORM objects, no lazy
loads. Everything else (current question, "n / 32", the engine's history) is derived from it.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Integer, and_, bindparam, func, literal_column, null, select, union_all
from sqlalchemy.engine import Connection
from sqlmodel import Session

import engine
from web.course.settled import SettledEntries
from web.db import fast_execute
from web.models import Answer, Course, LiveAlert, ServedItem

_served = ServedItem.__table__  # type: ignore[attr-defined]
_answer = Answer.__table__  # type: ignore[attr-defined]
_alert = LiveAlert.__table__  # type: ignore[attr-defined]
_course = Course.__table__  # type: ignore[attr-defined]

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

_COURSE_COLUMNS = tuple(_course.c)
_N_COURSE = len(_COURSE_COLUMNS)
_ENTRY_COLUMNS = tuple(_QUERY.selected_columns)
# The candidate's hot path (every answer and every question page): the course and its view in
# one round trip. A UNION so that the course's columns come once, on a first row of their own
# (sort key 0), and each served item's row carries only its own columns (sort key: position,
# from 1): repeating the course's 19 columns on each of ~32 rows cost 20–45 µs more client CPU
# per read (loadtests/README.md, round 4), and PostgreSQL more to send. Both
# parts start from the course's primary key with outer joins, which keeps the plan a nested loop
# on the indexes even on a young database without statistics (an inner join let PostgreSQL hash
# the whole answer table there). No course: no row at all; a course without served items: one
# row of NULL item columns after the course's, skipped. Only the items after position `known`
# (0: all of them): those before are the settled ones the process holds (web.course.settled).
_COURSE_ROW = (
    select(literal_column("0", Integer).label("k"), *_COURSE_COLUMNS,
           *[null().cast(column.type) for column in _ENTRY_COLUMNS])
    .where(_course.c.id == bindparam("course_id"))
)
_ENTRY_ROWS = (
    select(func.coalesce(_served.c.position, 1).label("k"),
           *[null().cast(column.type) for column in _COURSE_COLUMNS], *_ENTRY_COLUMNS)
    .select_from(_course.outerjoin(_served, and_(_served.c.course_id == _course.c.id,
                                                 _served.c.position > bindparam("known")))
                 .outerjoin(_answer, _answer.c.served_item_id == _served.c.id))
    .where(_course.c.id == bindparam("course_id"))
)
_COURSE_AND_VIEW = union_all(_COURSE_ROW, _ENTRY_ROWS).order_by(literal_column("k"))


@dataclass(slots=True)
class CourseData:
    """A certification_course row as plain attributes (no ORM object on the hot path); reads
    like a Course (same attribute names, `deadline`). web.course.lifecycle.end_course updates
    it in place."""

    id: int
    candidate_id: int
    session_id: int
    state: str
    end_reason: str | None
    end_comment: str | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    duration_minutes: int
    extra_time_percent: int
    granted_minutes: int
    accessibility: bool
    config_version: str
    seed: int
    client_token: str
    resume_requested_at: dt.datetime | None
    resume_authorised_at: dt.datetime | None
    end_screen_seen_at: dt.datetime | None
    answered_count: int

    @property
    def deadline(self) -> dt.datetime:
        return Course.deadline.fget(self)  # type: ignore[attr-defined]

    def update(self, row: Any) -> None:
        for name, value in row._mapping.items():
            setattr(self, name, value)


assert [f for f in CourseData.__dataclass_fields__] == [c.name for c in _COURSE_COLUMNS], \
    "CourseData must list certification_course's columns in order"


class Entry(NamedTuple):
    """One served item with its answer, if any. Immutable; a NamedTuple because a question page
    builds one per served item (up to ~35) and a frozen dataclass's __init__ cost 7 × more."""

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

    @property
    def settled(self) -> bool:
        """Answered or withdrawn: see web.course.settled for why nothing changes it after."""
        return self.result is not None or self.withdrawn


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
        served = engine.Served
        return [served(e.item_id, "withdrawn" if e.withdrawn else e.result, e.a, e.b)
                for e in self.entries]


def load_view(db: Session, course_id: int) -> CourseView:
    rows = db.execute(_QUERY, {"course_id": course_id}).all()
    return CourseView(tuple(Entry(*row) for row in rows))


def load_course_and_view(db: Session | Connection, course_id: int,
                         settled: SettledEntries | None = None,
                         ) -> tuple[CourseData, CourseView] | None:
    """The course and its view in one SELECT; None if there is no such course.

    With `settled` (the process's web.course.settled cache): only the items after the settled
    ones it holds are read — usually the current item alone — and the view it returns is
    remembered there."""
    known = settled.get(course_id) if settled is not None else ()
    after = known[-1].position if known else 0
    params = {"course_id": course_id, "known": after}
    if isinstance(db, Connection):
        rows = fast_execute(db, _COURSE_AND_VIEW, params)
    else:
        rows = db.execute(_COURSE_AND_VIEW, params).all()
    if not rows:
        return None
    course = CourseData(*rows[0][1:_N_COURSE + 1])
    first = _N_COURSE + 1
    tail = tuple(_entry(row[first:]) for row in rows[1:] if row[first] is not None)
    if known and tail and tail[0].position != after + 1:  # cannot happen: positions follow
        assert settled is not None
        settled.forget(course_id)
        return load_course_and_view(db, course_id)
    view = CourseView(known + tail)
    if settled is not None:
        settled.remember(course_id, view)
    return course, view


def _entry(columns: Sequence[Any]) -> Entry:
    entry = Entry._make(columns)
    # The same few strings in thousands of cached courses (web.course.settled): one copy each.
    # Every row, answered or not: the hot path caches the item it read while unanswered.
    result = entry.result
    return entry._replace(item_id=sys.intern(entry.item_id),
                          result=sys.intern(result) if result is not None else None)
