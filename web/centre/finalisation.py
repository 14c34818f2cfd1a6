"""Finalising a session: reasons for unfinished tests, incident reports, then results.

Allowed once, after the session's start (typed in its centre's local time). Finalising ends
every test still running ("ended by finalisation") and computes every result in the same
transaction, so a session is never seen finalised without its results. An answer sent meanwhile
waits for the course's row, which ending the course locks: it is stored before (and scored) or
refused after (web.course.answer_statements).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import insert
from sqlmodel import Session, col, select, update
from starlette.exceptions import HTTPException

from web.centre import results
from web.centre.sessions import has_begun
from web.content_state import LoadedContent
from web.course.history import course_histories
from web.course.lifecycle import end_course
from web.i18n import gettext_ as _
from web.inputs import has_control, whole_number
from web.models import (
    Candidate,
    CandidateReport,
    CertificationResult,
    Course,
    ExamSession,
    IncidentReport,
    SessionReport,
    pk,
)
from web.models.course import COURSE_STARTED, END_BY_FINALISATION
from web.models.finalisation import INCIDENT_CATEGORIES, UNFINISHED_REASONS


def category_labels() -> dict[str, str]:
    return {"candidate_information": _("Modification des informations du candidat"),
            "technical": _("Problème technique"), "question": _("Problème sur une question"),
            "fraud": _("Fraude"), "other": _("Autre")}


def reason_labels() -> dict[str, str]:
    return {"candidate": _("Du fait du candidat (abandon)"), "technical": _("Problème technique")}


@dataclass
class Participant:
    candidate: Candidate
    course: Course
    answered: int
    finished: bool


@dataclass
class FinalisationForm:
    reasons: dict[int, str] = field(default_factory=dict)
    end_screen: set[int] = field(default_factory=set)
    comment: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def participants(db: Session, session: ExamSession, length: int) -> list[Participant]:
    """Candidates who started a test, with their progress."""
    counts = results.answered_counts(db, session.id)  # type: ignore[arg-type]
    rows = db.exec(select(Candidate, Course)
                   .join(Course, col(Course.candidate_id) == col(Candidate.id))
                   .where(Candidate.session_id == session.id)
                   .order_by(col(Candidate.last_name), col(Candidate.first_name))).all()
    out = []
    for candidate, course in rows:
        answered = counts.get(course.id, 0)  # type: ignore[arg-type]
        finished = course.state != COURSE_STARTED and results.is_finished(course, answered, length)
        out.append(Participant(candidate, course, answered, finished))
    return out


def ensure_can_finalise(session: ExamSession, zone_name: str, now: dt.datetime) -> None:
    """`zone_name`: the centre's time zone, the one its start time was typed in."""
    if session.finalised_at is not None:
        raise HTTPException(409, _("Cette session a déjà été finalisée."))
    if not has_begun(session, zone_name, now):
        raise HTTPException(409, _("La session n'a pas encore eu lieu : elle ne peut pas être "
                                   "finalisée avant son heure de début."))


def read_form(form: dict[str, list[str]], people: list[Participant]) -> FinalisationForm:
    result = FinalisationForm()
    result.comment = (form.get("comment") or [""])[0].strip()
    if len(result.comment) > 2000:
        result.errors["comment"] = _("Le commentaire ne doit pas dépasser 2000 caractères.")
    elif has_control(result.comment):
        result.errors["comment"] = _("Caractères non valides.")
    for person in people:
        cid = person.candidate.id
        if (form.get(f"end_screen_{cid}") or [""])[0] == "1":
            result.end_screen.add(cid)  # type: ignore[arg-type]
        if person.finished:
            continue
        reason = (form.get(f"reason_{cid}") or [""])[0]
        if reason in UNFINISHED_REASONS:
            result.reasons[cid] = reason  # type: ignore[index]
        else:
            result.errors[f"reason_{cid}"] = _(
                "Indiquez pourquoi %(name)s n'a pas terminé son test.") % {
                "name": f"{person.candidate.first_name} {person.candidate.last_name}"}
    return result


def finalise(db: Session, session: ExamSession, people: list[Participant], form: FinalisationForm,
             staff_id: int | None, now: dt.datetime, content: LoadedContent) -> None:
    """Record the finalisation and the results. The caller commits."""
    # Conditional update: two administrators clicking at once cannot both finalise.
    claimed = db.execute(update(ExamSession)
                         .where(col(ExamSession.id) == session.id,
                                col(ExamSession.finalised_at).is_(None))
                         .values(finalised_at=now))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise HTTPException(409, _("Cette session a déjà été finalisée."))
    db.add(SessionReport(session_id=pk(session), finalised_by_id=staff_id,
                         global_comment=form.comment, created_at=now))
    fraud = set(db.exec(select(IncidentReport.candidate_id).where(
        IncidentReport.session_id == session.id, IncidentReport.category == "fraud")).all())
    for person in people:
        if person.course.state == COURSE_STARTED:
            end_course(db, person.course, END_BY_FINALISATION, now)
    # Read once every course has ended (its row locked: an answer sent meanwhile is stored
    # before and read here, or refused after), for the whole session in one statement.
    histories = course_histories(db, [pk(person.course) for person in people])
    reports, stored = [], []
    for person in people:
        course, cid = person.course, pk(person.candidate)
        reason = None if person.finished else form.reasons[cid]
        reports.append({"session_id": pk(session), "candidate_id": cid,
                        "unfinished_reason": reason, "end_screen_seen": cid in form.end_screen})
        length = content.config_for(course.config_version).length
        ended_by = results.ended_by_for(course, person.answered, reason, cid in fraud, length)
        scored = results.score(course, ended_by, content, histories.get(pk(course), []))
        stored.append(results.stored_values(course, ended_by, scored, now))
    # Each table's rows in one statement: added as ORM objects they went one INSERT per row on
    # SQLite (the ORM fetches each new id), and nothing here needs their ids.
    if people:
        db.execute(insert(CandidateReport), reports)
        db.execute(insert(CertificationResult), stored)
    # Published by the jury (web.jury), not here: until then the centre sees them as provisional.
    db.refresh(session)


@dataclass
class IncidentForm:
    values: dict[str, str]
    errors: dict[str, str]
    question_number: int | None = None


def read_incident(raw: dict[str, str], candidate_ids: set[int]) -> IncidentForm:
    values = {k: raw.get(k, "").strip() for k in ("candidate_id", "category", "question_number",
                                                  "comment")}
    form = IncidentForm(values=values, errors={})
    if whole_number(values["candidate_id"]) not in candidate_ids:
        form.errors["candidate_id"] = _("Choisissez le candidat concerné.")
    if values["category"] not in INCIDENT_CATEGORIES:
        form.errors["category"] = _("Choisissez une catégorie.")
    number = values["question_number"]
    if number:
        question = whole_number(number)
        if question is not None and 1 <= question <= 64:
            form.question_number = question
        else:
            form.errors["question_number"] = _("Numéro de question : un nombre de 1 à 32.")
    elif values["category"] == "question":
        form.errors["question_number"] = _("Indiquez le numéro de la question concernée.")
    if not values["comment"]:
        form.errors["comment"] = _("Décrivez l'incident.")
    elif len(values["comment"]) > 2000:
        form.errors["comment"] = _("Le commentaire ne doit pas dépasser 2000 caractères.")
    elif has_control(values["comment"]):
        form.errors["comment"] = _("Caractères non valides.")
    return form
