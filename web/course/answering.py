"""Recording an answer (or a skip): checked on the server, stored with its result, committed
together with the next served item.

Idempotency: the database's unique constraint on Answer.served_item_id is the guard. The same
answer sent twice (double click, retry after a network error) changes nothing and gets the same
redirect; a different answer to an already answered item is refused.

On PostgreSQL's fast path the statement returns the next served item, so the caller gets the
course's view after the write without reading it again (`Submitted.view`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal, NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

import content
from content.check import ERR_FORM
from web.content_state import LoadedContent
from web.course.answer_statements import (
    ANSWER_AND_END,
    ANSWER_AND_NEXT,
    GUARDED_ANSWER_AND_NEXT,
)
from web.course.lifecycle import end_course
from web.course.serving import next_item, serve_next
from web.course.state import CourseData, CourseView, Entry
from web.course.timing import is_late, is_overdue, item_deadline
from web.db import fast_execute
from web.i18n import gettext_ as _
from web.models import Answer, Course
from web.models.course import (
    COURSE_ENDED,
    COURSE_STARTED,
    END_BY_FINALISATION,
    END_COMPLETED,
    END_TIME_EXPIRED,
)

_answer = Answer.__table__  # type: ignore[attr-defined]
_INSERT = insert(_answer)  # constant statement: its cache key is computed once
_course = Course.__table__  # type: ignore[attr-defined]
MAX_STORED = 4000  # Answer.value's column size
_STORED = select(_answer.c.value, _answer.c.result)
# Counts the answer unless the session's finalisation ended the course meanwhile (its result
# is computed): see web.course.answer_statements._NOT_FINALISED, which the PostgreSQL
# statements share.
_COUNT = (update(_course).where(_course.c.id == bindparam("course_id"),
                                _course.c.end_reason.is_distinct_from(END_BY_FINALISATION))
          .values(answered_count=_course.c.answered_count + 1))


def not_current() -> str:
    return _("Cette question n'est pas la question en cours. La page a été mise à jour.")


class Refused(Exception):
    """The submission cannot be accepted; nothing was stored. `message` is translated."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Invalid(Exception):
    """A malformed answer for the current item: the question is shown again with the error
    (content.check's French message, translated by web.candidate.messages)."""

    def __init__(self, entry: Entry, error: str) -> None:
        super().__init__(error)
        self.entry = entry
        self.error = error


Outcome = Literal["stored", "duplicate", "ended"]


class Submitted(NamedTuple):
    outcome: Outcome
    # The view after the write, when the write returned it (PostgreSQL's fast path): exactly
    # what web.course.state would read back — the answered item with its answer, then the
    # next one, unanswered and without an alert (just inserted). None: read it again.
    view: CourseView | None = None
    # The course as the last answer left it, ended (PostgreSQL's fast path). None: read it.
    ended: CourseData | None = None


def submit(session: Callable[[], Session], course: Course | CourseData, view: CourseView,
           served_id: int, form: dict[str, list[str]] | None, lang: str, loaded: LoadedContent,
           now: dt.datetime, *, autocommit: Connection | None = None,
           shows_end: bool = False) -> Submitted:
    """Store the answer to `served_id` (a skip when `form` is None) and serve the next item.

    Commits. Raises Refused (4xx, nothing stored) or Invalid (422, nothing stored). Outcome
    "ended": the test had ended, or its session was finalised before the write (nothing
    stored: the finalisation computed the result without it).
    `session()`: the request's ORM session, asked for only by the paths that need a
    transaction (opening one costs, and the hot path does without).
    `autocommit`: a connection in autocommit mode; on PostgreSQL the answer and the next item
    are then written by one statement on it (the hot path), and so are the last answer and
    the end of the test. `shows_end`: the response to this request is the end screen (htmx).
    """
    if course.state != COURSE_STARTED:
        return Submitted("ended")
    entry = view.get(served_id)
    if entry is None:
        raise Refused(409, not_current())
    item = loaded.bank.items.get(entry.item_id)
    if entry.answered:
        return Submitted(_resubmission(entry, item, form, lang))
    if entry.withdrawn:
        raise Refused(409, _("Cette question a été retirée : une autre question vous est "
                                  "proposée."))
    if entry is not view.current:
        raise Refused(409, not_current())
    if entry.pending:
        raise Refused(409, _("Votre signalement est en attente de réponse du surveillant : "
                                  "vous ne pouvez pas répondre à cette question pour l'instant."))
    if is_overdue(course, now):
        db = session()
        end_course(db, course, END_TIME_EXPIRED, now)
        db.commit()
        return Submitted("ended")
    if item is None:  # retired from the bank since it was served: cannot be checked
        raise Refused(409, not_current())
    value, result = _judge(course, entry, item, form, lang, now)
    stored_answer = _stored_answer(course, entry, value, result, now)
    answered = tuple(e._replace(value=value, result=result) if e.id == entry.id else e
                     for e in view.entries)
    history = CourseView(answered).history()
    if autocommit is not None and autocommit.dialect.name == "postgresql":
        chosen = next_item(course, history, loaded)
        try:
            if chosen is None:  # the test's last answer
                rows = fast_execute(autocommit, ANSWER_AND_END, {
                    **stored_answer, "started": COURSE_STARTED, "ended": COURSE_ENDED,
                    "completed": END_COMPLETED, "finalised": END_BY_FINALISATION,
                    "end_screen_seen_at": now if shows_end else None})
                if not rows:  # the session was finalised meanwhile: nothing stored
                    return Submitted("ended")
                return Submitted("stored", ended=CourseData(*rows[0]))
            rows = fast_execute(autocommit, ANSWER_AND_NEXT, {
                **stored_answer, "finalised": END_BY_FINALISATION,
                "position": view.next_position, "next_item_id": chosen[0], "a": chosen[1],
                "b": chosen[2]})
        except IntegrityError as conflict:
            autocommit.rollback()
            return Submitted(_already_answered(autocommit, conflict, entry, item, form, lang))
        if not rows:  # the session was finalised meanwhile: nothing stored
            return Submitted("ended")
        return Submitted("stored", CourseView((*answered, _served_next(rows[0][0], chosen,
                                                                       view.next_position, now))))
    db = session()
    try:
        db.execute(_INSERT, stored_answer)
    except IntegrityError as conflict:
        # Another tab or a retried request answered first: compare with what it stored.
        db.rollback()
        return Submitted(_already_answered(db, conflict, entry, item, form, lang))
    if db.execute(_COUNT, {"course_id": course.id}).rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()  # the session was finalised meanwhile: its result is computed
        return Submitted("ended")
    if serve_next(db, course, history, view.next_position, loaded, now) is None:
        end_course(db, course, END_COMPLETED, now)
    db.commit()
    return Submitted("stored")


def submit_guarded(course: CourseData, view: CourseView, form: dict[str, list[str]] | None,
                   lang: str, loaded: LoadedContent, now: dt.datetime,
                   conn: Connection) -> Submitted | None:
    """`submit` for the common case — the current item answered in time, a next item to
    serve — from a remembered course and view (web.course.hint), in one statement whose guard
    re-checks what the remembered values decided (see web.course.answer_statements). PostgreSQL
    only. None: not that case, or the guard found a change, or the item already has an answer;
    nothing was written, and the caller goes the ordinary way (read, then `submit`), which gives
    every other outcome its proper answer (refusals, the form's errors, the end of the test)."""
    entry = view.current
    if (entry is None or entry.withdrawn or entry.pending or course.state != COURSE_STARTED
            or is_overdue(course, now)):
        return None
    item = loaded.bank.items.get(entry.item_id)
    if item is None:
        return None
    try:
        value, result = _judge(course, entry, item, form, lang, now)
    except Invalid:
        return None
    answered = (*view.entries[:-1], entry._replace(value=value, result=result))
    chosen = next_item(course, CourseView(answered).history(), loaded)
    if chosen is None:  # the test's last answer ends it: in a transaction, the ordinary way
        return None
    try:
        rows = fast_execute(conn, GUARDED_ANSWER_AND_NEXT, {
            **_stored_answer(course, entry, value, result, now), "started": COURSE_STARTED,
            "finalised": END_BY_FINALISATION,
            "client_token": course.client_token, "granted_minutes": course.granted_minutes,
            "timer_started_at": entry.timer_started_at, "focused_out_at": entry.focused_out_at,
            "position": view.next_position, "next_item_id": chosen[0], "a": chosen[1],
            "b": chosen[2]})
    except IntegrityError:  # answered meanwhile (another tab, a retry): the ordinary path says
        conn.rollback()
        return None
    if not rows:
        return None
    return Submitted("stored", CourseView((*answered, _served_next(rows[0][0], chosen,
                                                                   view.next_position, now))))


def _served_next(served_id: int, chosen: tuple[str, float, float], position: int,
                 now: dt.datetime) -> Entry:
    """The item an answer statement served next, as that statement inserted it (id returned):
    served and timed from the answer's time, unanswered, not withdrawn, nothing pending."""
    item_id, a, b = chosen
    return Entry(served_id, position, item_id, a, b, now, now, None, False, None, None, False)


def _stored_answer(course: Course | CourseData, entry: Entry, value: str, result: str,
                   now: dt.datetime) -> dict[str, object]:
    start = entry.timer_started_at or entry.served_at
    return {"course_id": course.id, "served_item_id": entry.id, "item_id": entry.item_id,
            "value": value, "result": result,
            "time_spent_ms": max(0, int((now - start).total_seconds() * 1000)),
            "focused_out": entry.focused_out_at is not None, "answered_at": now}


def _already_answered(db: Session | Connection, conflict: IntegrityError, entry: Entry,
                      item: content.Item | None, form: dict[str, list[str]] | None,
                      lang: str) -> Outcome:
    """The INSERT hit a unique constraint: compare with the answer stored meanwhile. Without
    one (the next item's position was taken instead), the error is not ours to explain."""
    stored = db.execute(_STORED.where(_answer.c.served_item_id == entry.id)).first()
    if stored is None:
        raise conflict
    return _resubmission(entry._replace(value=stored.value, result=stored.result), item,
                         form, lang)


def _judge(course: Course | CourseData, entry: Entry, item: content.Item,
           form: dict[str, list[str]] | None, lang: str, now: dt.datetime) -> tuple[str, str]:
    if form is None:
        return "", "skipped"
    check = content.check_answer(item, form, lang)
    if not check.valid:
        raise Invalid(entry, check.error or ERR_FORM)
    if len(check.value) > MAX_STORED:
        raise Invalid(entry, _("Réponse trop longue."))
    deadline = item_deadline(entry.timer_started_at, entry.served_at, item.timer,
                             course.extra_time_percent)
    if is_late(deadline, now):
        return check.value, "timedout"
    if (check.correct and item.focus and entry.focused_out_at is not None
            and not course.accessibility):
        # Leaving the page during a focus-mode question voids a right answer, except for
        # candidates with the accessibility adjustment (assistive tools move the focus).
        return check.value, "focusedOut"
    return check.value, "ok" if check.correct else "ko"


def _resubmission(entry: Entry, item: content.Item | None, form: dict[str, list[str]] | None,
                  lang: str) -> Outcome:
    """The item already has an answer: the same one again is a harmless repeat."""
    if form is None:
        if entry.result == "skipped":
            return "duplicate"
        raise Refused(409, _("Cette question a déjà reçu une réponse."))
    if item is not None and entry.result != "skipped":
        check = content.check_answer(item, form, lang)
        if check.valid and check.value == entry.value:
            return "duplicate"
    raise Refused(409, _("Cette question a déjà reçu une réponse."))
