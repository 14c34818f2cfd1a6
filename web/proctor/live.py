"""What the proctor's live list shows: one SELECT for a whole session, and its version.

Every proctor re-reads the list every 5 s, so it is as large a load as the candidates' answers
(loadtests/README.md). What keeps it cheap:

- one Core query of plain columns (the session's proctor password for the sign-in check, its
  candidates, their course, the answer count, pending alerts), no ORM objects, straight
  through psycopg (web.db.fast_execute); the same query checks that the proctor's sign-in is
  still open (web.proctor.logins): no row at all otherwise;
- a version of what the list shows, the time left excepted (it is sent as a number that
  web/static/js/proctor.js counts down): a poll that sends back the version it shows gets a
  204 (no body, nothing swapped) while nothing changed;
- each row's HTML rendered only when something it shows changes (web.proctor.render).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import marshal
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from web.db import fast_execute
from web.i18n import N_
from web.models import Candidate, Course, ExamSession, LiveAlert, ServedItem
from web.models.course import COURSE_STARTED, course_deadline
from web.proctor.logins import still_signed_in
from web.templating import format_duration

END_REASON_LABELS = {
    "completed": N_("Test terminé"),
    "time_expired": N_("Temps écoulé"),
    "ended_by_proctor": N_("Arrêté par le surveillant"),
    "ended_by_finalisation": N_("Arrêté à la finalisation"),
}
_exam = ExamSession.__table__  # type: ignore[attr-defined]
_cand = Candidate.__table__  # type: ignore[attr-defined]
_course = Course.__table__  # type: ignore[attr-defined]
_alert = LiveAlert.__table__  # type: ignore[attr-defined]
_served = ServedItem.__table__  # type: ignore[attr-defined]

# Constant statement with bound parameters: compiled once per process. From the session, so
# that its password comes back even without candidates (one row of NULLs then); nothing at all
# when the proctor's sign-in is over (its bound `login` and `since`: web.proctor.logins). A
# candidate with k pending alerts comes back as k rows (alerts are rare), in alert order.
_QUERY = (
    select(_exam.c.proctor_password,
           _cand.c.id, _cand.c.last_name, _cand.c.first_name, _cand.c.birth_date,
           _cand.c.extra_time_percent, _cand.c.accessibility, _cand.c.authorised_at,
           _course.c.id, _course.c.state, _course.c.end_reason, _course.c.resume_requested_at,
           _course.c.started_at, _course.c.duration_minutes, _course.c.extra_time_percent,
           _course.c.granted_minutes, _course.c.answered_count, _alert.c.id, _served.c.position)
    .select_from(
        _exam.outerjoin(_cand, _cand.c.session_id == _exam.c.id)
        .outerjoin(_course, _course.c.candidate_id == _cand.c.id)
        .outerjoin(_alert, and_(_alert.c.course_id == _course.c.id,
                                _alert.c.session_id == bindparam("session_id"),
                                _alert.c.status == "pending"))
        .outerjoin(_served, _served.c.id == _alert.c.served_item_id))
    .where(_exam.c.id == bindparam("session_id"), still_signed_in("session_id"))
    .order_by(_cand.c.last_name, _cand.c.first_name, _cand.c.id, _alert.c.id)
)


@dataclass(frozen=True)
class PendingAlert:
    id: int
    position: int | None  # question number the problem was reported on


@dataclass(slots=True)
class CandidateRow:
    """One candidate of the list; `id`, names… are the candidate's (the template's `c`)."""

    id: int
    last_name: str
    first_name: str
    birth_date: dt.date
    extra_time_percent: int
    accessibility: bool
    state: str  # not_started | authorised | running | resume_requested | ended
    has_course: bool
    answered: int
    length: int
    end_reason: str | None
    granted_minutes: int
    alerts: tuple[PendingAlert, ...]
    remaining_seconds: int
    deadline: dt.datetime | None = None  # the test's end, extra and granted time included
    html: str = ""  # set by web.proctor.render

    @property
    def end_reason_label(self) -> str:
        return END_REASON_LABELS.get(self.end_reason or "", self.end_reason or "")

    @property
    def running(self) -> bool:
        return self.state in ("running", "resume_requested")

    def key(self) -> tuple[Any, ...]:
        """Everything the cached row HTML depends on, except the slots filled at each poll
        (a running row shows its answer count only as the question number, a slot)."""
        return (self.last_name, self.first_name, self.birth_date, self.extra_time_percent,
                self.accessibility, self.state, self.has_course,
                None if self.running else self.answered, self.length, self.end_reason,
                self.granted_minutes, self.alerts)

    def question_number(self) -> str:
        """The question a running candidate is on (the row's `question_n` slot)."""
        return str(min(self.answered + 1, self.length))

    def slots(self) -> dict[str, str]:
        return {"remaining": format_duration(self.remaining_seconds),
                "remaining_s": str(self.remaining_seconds),
                "question_n": self.question_number()}


def _state(authorised: bool, course_state: str | None, resume_requested: bool) -> str:
    if course_state is None:
        return "authorised" if authorised else "not_started"
    if course_state != COURSE_STARTED:
        return "ended"
    return "resume_requested" if resume_requested else "running"


def _rows(db: Session | Connection, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
    if isinstance(db, Connection):
        return fast_execute(db, _QUERY, params)
    return db.execute(_QUERY, params).all()


class LiveList:
    """A session's list as read: its version straight from the query's rows (a poll answered
    with a 204 needs nothing more), the rows to show built on first use."""

    def __init__(self, result: Sequence[Sequence[Any]], now: dt.datetime, *, length: int,
                 authorisation: dt.timedelta) -> None:
        self.result = result
        self.now = now
        self.length = length
        self.authorisation = authorisation
        # The session's proctor password, for the sign-in check; None: no such session, or
        # the proctor's sign-in is over.
        self.password: str | None = result[0][0] if result else None

    def version(self, *parts: str) -> str:
        """A digest of what the list shows, the time left excepted (the start of the test
        instead, which fixes the deadline with the durations), and `parts` (language, template
        stamp): equal versions, equal lists. The same in every process (not hash(), which is
        salted per process), so any worker can answer a poll with a 204. marshal format 2 (no
        back-references, so equal values give equal bytes) of plain values: a few times
        cheaper than repr() of the rows."""
        authorised_since = self.now - self.authorisation  # a presence confirmed since then
        # r: _QUERY's columns, in the order `rows` below unpacks them.
        shown = [(r[1], r[2], r[3], r[4] and r[4].toordinal(), r[5], r[6],
                  r[7] is not None and r[7] >= authorised_since, r[8], r[9], r[10],
                  r[11] is not None, r[12] and r[12].isoformat(), r[13], r[14], r[15], r[16],
                  r[17], r[18])
                 for r in self.result]
        data = marshal.dumps((parts, self.length, shown), 2)
        return hashlib.blake2b(data, digest_size=9).hexdigest()

    @functools.cached_property
    def rows(self) -> list[CandidateRow]:
        rows: list[CandidateRow] = []
        last: CandidateRow | None = None
        now, length = self.now, self.length
        authorised_since = now - self.authorisation
        for (_, cid, last_name, first_name, birth, extra, access, authorised_at, course_id,
             course_state, end_reason, resume_at, started_at, duration, course_extra, granted,
             answered, alert_id, position) in self.result:
            if cid is None:  # a session without candidates
                break
            if last is not None and last.id == cid:  # another pending alert of this candidate
                last.alerts += (PendingAlert(alert_id, position),)
                continue
            remaining, deadline = 0, None
            if course_id is not None:
                deadline = course_deadline(started_at, duration, course_extra, granted or 0)
                remaining = max(0, int((deadline - now).total_seconds()))
            last = CandidateRow(
                id=cid, last_name=last_name, first_name=first_name, birth_date=birth,
                extra_time_percent=extra, accessibility=access,
                state=_state(authorised_at is not None and authorised_at >= authorised_since,
                             course_state, resume_at is not None),
                has_course=course_id is not None,
                answered=answered if course_id is not None else 0, length=length,
                end_reason=end_reason, granted_minutes=granted or 0,
                alerts=(PendingAlert(alert_id, position),) if alert_id is not None else (),
                remaining_seconds=remaining, deadline=deadline)
            rows.append(last)
        return rows


def live_list(db: Session | Connection, session_id: int, now: dt.datetime, *, length: int,
              authorisation: dt.timedelta, login: dict[str, Any]) -> LiveList:
    """`login`: the bound values that check the proctor's sign-in (web.proctor.auth.login_check)."""
    return LiveList(_rows(db, {"session_id": session_id, **login}), now, length=length,
                    authorisation=authorisation)
