"""What the proctor's live list shows: one SELECT for a whole session, rows rendered once.

Every proctor re-reads the list every 5 s, so it is as large a load as the candidates' answers
(loadtests/README.md). Two things keep it cheap:

- one Core query of plain columns (candidates, their course, the answer count, pending alerts),
  no ORM objects;
- each row's HTML is rendered by `proctor/_live_row.html` only when something it shows changes
  (state, answers, alerts, names…) and kept per process; only the remaining time, which changes
  on every poll, is put in at each request. The output is the same as rendering every row.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from web.db import fast_execute
from web.i18n import N_
from web.models import Answer, Candidate, Course, LiveAlert, ServedItem
from web.models.course import COURSE_STARTED, course_deadline
from web.templating import format_duration

END_REASON_LABELS = {
    "completed": N_("Test terminé"),
    "time_expired": N_("Temps écoulé"),
    "ended_by_proctor": N_("Arrêté par le surveillant"),
    "ended_by_finalisation": N_("Arrêté à la finalisation"),
}
ROW_TEMPLATE = "proctor/_live_row.html"
# Rendered rows kept per process (least recently used dropped first): ~2.5 kB each, so about
# 50 MB at most; a dropped row only costs one row render (~30 µs) when it is shown again.
ROW_CACHE_SIZE = 20_000
# Where the values that change on every poll (time left) or every answer (question n) go in a
# cached row: a running row is re-rendered only when its state, alerts… change.
_SLOT = re.compile("\x00(remaining|question_n)\x00")
_SLOTS = {"remaining": "\x00remaining\x00", "question_n": "\x00question_n\x00"}

_cand = Candidate.__table__  # type: ignore[attr-defined]
_course = Course.__table__  # type: ignore[attr-defined]
_answer = Answer.__table__  # type: ignore[attr-defined]
_alert = LiveAlert.__table__  # type: ignore[attr-defined]
_served = ServedItem.__table__  # type: ignore[attr-defined]

_answered = (select(func.count()).select_from(_answer)
             .where(_answer.c.course_id == _course.c.id).scalar_subquery())
# Constant statement with a bound parameter: its cache key is computed once per process.
# A candidate with k pending alerts comes back as k rows (alerts are rare), in alert order.
_QUERY = (
    select(_cand.c.id, _cand.c.last_name, _cand.c.first_name, _cand.c.birth_date,
           _cand.c.extra_time_percent, _cand.c.accessibility, _cand.c.authorised_at,
           _course.c.id, _course.c.state, _course.c.end_reason, _course.c.resume_requested_at,
           _course.c.started_at, _course.c.duration_minutes, _course.c.extra_time_percent,
           _course.c.granted_minutes, _answered, _alert.c.id, _served.c.position)
    .select_from(
        _cand.outerjoin(_course, _course.c.candidate_id == _cand.c.id)
        .outerjoin(_alert, and_(_alert.c.course_id == _course.c.id,
                                _alert.c.session_id == bindparam("session_id"),
                                _alert.c.status == "pending"))
        .outerjoin(_served, _served.c.id == _alert.c.served_item_id))
    .where(_cand.c.session_id == bindparam("session_id"))
    .order_by(_cand.c.last_name, _cand.c.first_name, _cand.c.id, _alert.c.id)
)


@dataclass(frozen=True)
class PendingAlert:
    id: int
    position: int | None  # question number the problem was reported on


@dataclass
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
    html: Markup = Markup("")

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

    def slots(self) -> dict[str, str]:
        return {"remaining": format_duration(self.remaining_seconds),
                "question_n": str(min(self.answered + 1, self.length))}


def _state(authorised: bool, course_state: str | None, resume_requested: bool) -> str:
    if course_state is None:
        return "authorised" if authorised else "not_started"
    if course_state != COURSE_STARTED:
        return "ended"
    return "resume_requested" if resume_requested else "running"


def _rows(db: Session | Connection, session_id: int) -> Sequence[Sequence[Any]]:
    if isinstance(db, Connection):
        return fast_execute(db, _QUERY, {"session_id": session_id})
    return db.execute(_QUERY, {"session_id": session_id}).all()


def session_rows(db: Session | Connection, session_id: int, now: dt.datetime, *, length: int,
                 authorisation: dt.timedelta) -> list[CandidateRow]:
    rows: list[CandidateRow] = []
    last: CandidateRow | None = None
    for (cid, last_name, first_name, birth, extra, access, authorised_at, course_id, course_state,
         end_reason, resume_at, started_at, duration, course_extra, granted, answered, alert_id,
         position) in _rows(db, session_id):
        if last is not None and last.id == cid:  # another pending alert of the same candidate
            last.alerts += (PendingAlert(alert_id, position),)
            continue
        remaining = 0
        if course_id is not None:
            deadline = course_deadline(started_at, duration, course_extra, granted or 0)
            remaining = max(0, int((deadline - now).total_seconds()))
        authorised = authorised_at is not None and now - authorised_at <= authorisation
        last = CandidateRow(
            id=cid, last_name=last_name, first_name=first_name, birth_date=birth,
            extra_time_percent=extra, accessibility=access,
            state=_state(authorised, course_state, resume_at is not None),
            has_course=course_id is not None, answered=answered if course_id is not None else 0,
            length=length, end_reason=end_reason, granted_minutes=granted or 0,
            alerts=(PendingAlert(alert_id, position),) if alert_id is not None else (),
            remaining_seconds=remaining)
        rows.append(last)
    return rows


class RowCache:
    """Rendered rows split around their slots, per template, language, session, candidate."""

    def __init__(self, size: int = ROW_CACHE_SIZE) -> None:
        self.size = size
        self.rows: OrderedDict[tuple[Any, ...], tuple[Any, ...]] = OrderedDict()
        self.lock = threading.Lock()  # requests run in the thread pool

    def render(self, env: jinja2.Environment, lang: str, exam_id: int,
               rows: list[CandidateRow]) -> None:
        """Set `row.html` on each row."""
        # The template object is part of the key: an edited template (auto-reload in
        # development) is a new object, so no stale row is ever served.
        template = env.get_template(ROW_TEMPLATE)
        for row in rows:
            slot = (id(template), lang, exam_id, row.id)
            key = row.key()
            with self.lock:
                cached = self.rows.get(slot)
                if cached is not None and cached[0] == key:
                    self.rows.move_to_end(slot)
            if cached is None or cached[0] != key:
                html = template.render(row=row, exam_id=exam_id, **_SLOTS)
                cached = (key, _SLOT.split(html))  # literal, slot name, literal, …
                with self.lock:
                    self.rows[slot] = cached
                    if len(self.rows) > self.size:
                        self.rows.popitem(last=False)
            # Safe markup: the literals come from the autoescaped template, the slot values
            # are digits and unit words (format_duration, str(int)).
            parts = cached[1]
            if len(parts) == 1:
                row.html = Markup(parts[0])  # noqa: S704
            else:
                values = row.slots()
                row.html = Markup("".join(values[part] if i % 2 else part  # noqa: S704
                                          for i, part in enumerate(parts)))
