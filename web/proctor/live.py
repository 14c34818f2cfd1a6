"""What the proctor's live list shows, in three queries for a whole session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from web.i18n import N_
from web.models import Answer, Candidate, Course, LiveAlert, ServedItem
from web.models.course import COURSE_STARTED

END_REASON_LABELS = {
    "completed": N_("Test terminé"),
    "time_expired": N_("Temps écoulé"),
    "ended_by_proctor": N_("Arrêté par le surveillant"),
    "ended_by_finalisation": N_("Arrêté à la finalisation"),
}


@dataclass
class PendingAlert:
    id: int
    position: int | None  # question number the problem was reported on
    created_at: dt.datetime


@dataclass
class CandidateRow:
    candidate: Candidate
    course: Course | None
    answered: int = 0
    length: int = 32
    alerts: list[PendingAlert] = field(default_factory=list)
    remaining_seconds: int = 0
    authorised: bool = False  # presence confirmed and still within the window

    @property
    def state(self) -> str:
        """not_started | authorised | running | resume_requested | ended"""
        if self.course is None:
            return "authorised" if self.authorised else "not_started"
        if self.course.state != COURSE_STARTED:
            return "ended"
        if self.course.resume_requested_at is not None:
            return "resume_requested"
        return "running"

    @property
    def end_reason_label(self) -> str:
        reason = self.course.end_reason if self.course else None
        return END_REASON_LABELS.get(reason or "", reason or "")


def session_rows(db: Session, session_id: int, now: dt.datetime, *, length: int,
                 authorisation: dt.timedelta) -> list[CandidateRow]:
    pairs = db.exec(
        select(Candidate, Course)
        .join(Course, col(Course.candidate_id) == col(Candidate.id), isouter=True)
        .where(Candidate.session_id == session_id)
        .order_by(col(Candidate.last_name), col(Candidate.first_name), col(Candidate.id))
    ).all()
    answered = dict(db.exec(
        select(Answer.course_id, func.count())
        .join(Course, col(Course.id) == col(Answer.course_id))
        .where(Course.session_id == session_id)
        .group_by(col(Answer.course_id))
    ).all())
    alerts: dict[int, list[PendingAlert]] = {}
    for alert, position in db.exec(
        select(LiveAlert, ServedItem.position)
        .join(ServedItem, col(ServedItem.id) == col(LiveAlert.served_item_id), isouter=True)
        .where(LiveAlert.session_id == session_id, LiveAlert.status == "pending")
        .order_by(col(LiveAlert.id))
    ).all():
        alerts.setdefault(alert.course_id, []).append(
            PendingAlert(id=alert.id or 0, position=position, created_at=alert.created_at))
    rows = []
    for candidate, course in pairs:
        row = CandidateRow(candidate=candidate, course=course, length=length)
        row.authorised = (candidate.authorised_at is not None
                          and now - candidate.authorised_at <= authorisation)
        if course is not None:
            row.answered = answered.get(course.id, 0)
            row.alerts = alerts.get(course.id or 0, [])
            row.remaining_seconds = max(0, int((course.deadline - now).total_seconds()))
        rows.append(row)
    return rows
