"""What a proctor can do to a candidate's test. Each function changes the database; the caller
commits. Every lookup is scoped to the proctor's session."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists
from sqlmodel import Session, col, select, update
from starlette.exceptions import HTTPException

from web.course.lifecycle import end_course
from web.i18n import N_
from web.models import Answer, Candidate, Course, LiveAlert, ServedItem
from web.models.course import COURSE_STARTED, END_BY_PROCTOR

MAX_GRANTED_MINUTES = 60
END_REASONS = {
    "fraude": N_("Fraude"),
    "malaise": N_("Malaise ou problème de santé"),
    "abandon": N_("Abandon du candidat"),
    "technique": N_("Problème technique"),
    "autre": N_("Autre"),
}


def candidate_in_session(db: Session, session_id: int, candidate_id: int) -> Candidate:
    candidate = db.exec(
        select(Candidate).where(Candidate.id == candidate_id, Candidate.session_id == session_id)
    ).first()
    if candidate is None:
        raise HTTPException(404, N_("Ce candidat n'est pas inscrit à cette session."))
    return candidate


def course_of(db: Session, session_id: int, candidate_id: int) -> Course | None:
    return db.exec(
        select(Course).where(Course.candidate_id == candidate_id, Course.session_id == session_id)
    ).first()


def running_course(db: Session, session_id: int, candidate_id: int) -> Course:
    candidate_in_session(db, session_id, candidate_id)
    course = course_of(db, session_id, candidate_id)
    if course is None or course.state != COURSE_STARTED:
        raise HTTPException(409, N_("Le test de ce candidat n'est pas en cours."))
    return course


def confirm_presence(
    db: Session, session_id: int, candidate_id: int, now: dt.datetime
) -> Candidate:
    """Authorises the candidate to start (for the authorisation window)."""
    candidate = candidate_in_session(db, session_id, candidate_id)
    if course_of(db, session_id, candidate_id) is not None:
        raise HTTPException(409, N_("Ce candidat a déjà commencé son test."))
    candidate.authorised_at = now
    db.add(candidate)
    return candidate


def cancel_presence(db: Session, session_id: int, candidate_id: int) -> Candidate:
    candidate = candidate_in_session(db, session_id, candidate_id)
    candidate.authorised_at = None
    db.add(candidate)
    return candidate


def authorise_resume(db: Session, session_id: int, candidate_id: int, now: dt.datetime) -> Course:
    course = running_course(db, session_id, candidate_id)
    course.resume_authorised_at = now
    db.add(course)
    return course


def grant_minutes(db: Session, session_id: int, candidate_id: int, minutes: int,
                  shown: int) -> Course:
    """Add `minutes` to the course's granted time, `shown` being the total the proctor's form
    was rendered with. A compare-and-set: a form sent twice (a double click, a page without
    JavaScript resubmitted) or by two proctors at once grants once; the other is told."""
    if not 1 <= minutes <= MAX_GRANTED_MINUTES:
        raise HTTPException(422, N_("Indiquez un nombre de minutes entre 1 et 60."))
    course = running_course(db, session_id, candidate_id)
    granted = db.execute(
        update(Course)
        .where(col(Course.id) == course.id, col(Course.granted_minutes) == shown)
        .values(granted_minutes=Course.granted_minutes + minutes)
    )
    if granted.rowcount != 1:  # type: ignore[attr-defined]
        raise HTTPException(409, N_("Du temps vient d'être accordé à ce candidat : vérifiez le "
                                    "temps restant avant d'en accorder à nouveau."))
    db.refresh(course)
    return course


def end_test(
    db: Session, session_id: int, candidate_id: int, reason: str, comment: str, now: dt.datetime
) -> Course:
    if reason not in END_REASONS:
        raise HTTPException(422, N_("Choisissez le motif de l'arrêt du test."))
    if len(comment) > 500:
        raise HTTPException(422, N_("Le commentaire ne doit pas dépasser 500 caractères."))
    course = running_course(db, session_id, candidate_id)
    note = f"{reason}: {comment}" if comment else reason
    end_course(db, course, END_BY_PROCTOR, now, comment=note)
    return course


def resolve_alert(
    db: Session, session_id: int, alert_id: int, *, validate: bool, now: dt.datetime
) -> LiveAlert:
    """Validate (withdraw the item; the candidate gets a replacement) or dismiss a problem."""
    alert = db.exec(
        select(LiveAlert).where(LiveAlert.id == alert_id, LiveAlert.session_id == session_id)
    ).first()
    if alert is None:
        raise HTTPException(404, N_("Ce signalement n'existe pas."))
    # Conditional on "pending": two proctors clicking at once resolve it only once.
    changed = db.execute(
        update(LiveAlert)
        .where(col(LiveAlert.id) == alert_id, col(LiveAlert.status) == "pending")
        .values(status="validated" if validate else "dismissed", resolved_at=now)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise HTTPException(409, N_("Ce signalement a déjà été traité."))
    if validate and alert.served_item_id is not None:
        # Never an answered item (a report sent from a second tab as the first one answered):
        # an answer is final, which web.course.settled relies on.
        db.execute(
            update(ServedItem)
            .where(col(ServedItem.id) == alert.served_item_id,
                   ~exists().where(col(Answer.served_item_id) == alert.served_item_id))
            .values(withdrawn=True)
        )
    db.refresh(alert)
    return alert
