"""What the jury reads and decides: the sessions awaiting it, one session's file, a decision.

Decisions are kept apart from the engine's computed result (CertificationResult.jury_decision),
so `web.centre.results.rescore` still finds what was computed; the lists and the certificate
show `final_status`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import exists, func, update
from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException

from web.centre.paging import Page
from web.i18n import N_
from web.i18n import gettext_ as _
from web.inputs import has_control
from web.jury import certificates
from web.models import (
    Answer,
    Candidate,
    CandidateReport,
    Centre,
    CertificationResult,
    Course,
    ExamSession,
    IncidentReport,
    LiveAlert,
    ServedItem,
    SessionReport,
    pk,
)
from web.models.course import END_BY_PROCTOR
from web.proctor.actions import END_REASONS
from web.proctor.live import END_REASON_LABELS

PAGE_SIZE = 50
PATH = "/jury/sessions"
DECISIONS = ("cancelled", "rejected")  # "" keeps the computed result
COMMENT_MAX = 2000

# The partial index ix_exam_session_awaiting_jury's condition, as written there.
_AWAITING = (col(ExamSession.finalised_at).is_not(None)
             & col(ExamSession.results_published_at).is_(None))


def decision_labels() -> dict[str, str]:
    return {"": _("Maintenir le résultat calculé"),
            "cancelled": _("Annuler la certification (cause technique, incident)"),
            "rejected": _("Rejeter la certification (fraude)")}


# Sessions the jury may publish without opening them: nothing reported by the centre, and no
# test ended by a proctor (fraud, illness). A tested "where anything happened" rule, not a
# judgement: any such session keeps waiting for a reader.
_QUIET = (_AWAITING
          & ~exists().where(col(IncidentReport.session_id) == col(ExamSession.id))
          & ~exists().where(col(Course.session_id) == col(ExamSession.id),
                            col(Course.end_reason) == END_BY_PROCTOR))
QUIET_BATCH = 200  # sessions published per click: each is its own short transaction


def quiet_count(db: Session) -> int:
    return db.exec(select(func.count()).select_from(ExamSession).where(_QUIET)).one()


def publish_quiet(db: Session, jury_id: int, now: dt.datetime) -> int:
    """Publish up to QUIET_BATCH quiet sessions, the longest waiting first; how many were."""
    ids = db.exec(select(ExamSession.id).where(_QUIET)
                  .order_by(col(ExamSession.finalised_at), col(ExamSession.id))
                  .limit(QUIET_BATCH)).all()
    # A session published meanwhile by another jury member is not counted.
    return sum(publish(db, db.get(ExamSession, session_id), jury_id, now)  # type: ignore[arg-type]
               for session_id in ids)


@dataclass(frozen=True)
class AwaitingRow:
    session: ExamSession
    centre: Centre
    results: int
    incidents: int


@dataclass(frozen=True)
class AwaitingList:
    page: Page
    rows: list[AwaitingRow]


def awaiting(db: Session, number: int) -> AwaitingList:
    """Finalised sessions not yet published, the longest waiting first."""
    total = db.exec(select(func.count()).select_from(ExamSession).where(_AWAITING)).one()
    page = Page(number=number, size=PAGE_SIZE, total=total, path=PATH)
    if page.missing:
        return AwaitingList(page, [])
    found = db.exec(select(ExamSession, Centre)
                    .join(Centre, col(Centre.id) == col(ExamSession.centre_id))
                    .where(_AWAITING)
                    .order_by(col(ExamSession.finalised_at), col(ExamSession.id))
                    .offset(page.offset).limit(page.size)).all()
    ids = [pk(s) for s, _c in found]
    results = dict(db.exec(select(CertificationResult.session_id, func.count())
                           .where(col(CertificationResult.session_id).in_(ids))
                           .group_by(col(CertificationResult.session_id))).all())
    incidents = dict(db.exec(select(IncidentReport.session_id, func.count())
                             .where(col(IncidentReport.session_id).in_(ids))
                             .group_by(col(IncidentReport.session_id))).all())
    return AwaitingList(page, [AwaitingRow(s, c, results.get(pk(s), 0), incidents.get(pk(s), 0))
                               for s, c in found])


def is_finalised(db: Session, session_id: int) -> bool:
    return db.exec(select(ExamSession.id).where(
        ExamSession.id == session_id, col(ExamSession.finalised_at).is_not(None))).first() \
        is not None


@dataclass(frozen=True)
class Conduct:
    """How a candidate's test went, as the server recorded it (not as the centre reported it)."""
    course: Course
    end: str  # how it ended, in words
    proctor_reason: str | None  # when the proctor ended it: why, in words, with the comment
    problems_validated: int  # questions withdrawn after a reported problem
    problems_dismissed: int
    focus_exits: int  # answers given after leaving a focus-mode question


@dataclass(frozen=True)
class CandidateFile:
    candidate: Candidate
    result: CertificationResult | None  # None: absent (no test begun)
    report: CandidateReport | None
    incidents: list[IncidentReport]
    conduct: Conduct | None = None
    # For incidents about a question: the items the candidate saw as that question number
    # (a withdrawn question and its replacement share it), as "item (withdrawn)" labels.
    questions: dict[int, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionFile:
    session: ExamSession
    centre: Centre
    report: SessionReport | None
    people: list[CandidateFile]

    @property
    def incident_count(self) -> int:
        return sum(len(p.incidents) for p in self.people)


def session_file(db: Session, session_id: int) -> SessionFile:
    """A finalised session with everything the jury weighs; 404 for any other session."""
    found = db.exec(select(ExamSession, Centre)
                    .join(Centre, col(Centre.id) == col(ExamSession.centre_id))
                    .where(ExamSession.id == session_id,
                           col(ExamSession.finalised_at).is_not(None))).first()
    if found is None:
        raise HTTPException(404)
    session, centre = found
    report = db.exec(select(SessionReport).where(SessionReport.session_id == session_id)).first()
    candidates = db.exec(select(Candidate).where(Candidate.session_id == session_id)
                         .order_by(col(Candidate.last_name), col(Candidate.first_name),
                                   col(Candidate.id))).all()
    results = {r.candidate_id: r for r in db.exec(
        select(CertificationResult).where(CertificationResult.session_id == session_id)).all()}
    reports = {r.candidate_id: r for r in db.exec(
        select(CandidateReport).where(CandidateReport.session_id == session_id)).all()}
    incidents: dict[int, list[IncidentReport]] = {}
    for incident in db.exec(select(IncidentReport).where(IncidentReport.session_id == session_id)
                            .order_by(col(IncidentReport.id))).all():
        incidents.setdefault(incident.candidate_id, []).append(incident)
    conduct = _conduct(db, session_id)
    questions = _questions_named(db, incidents, conduct)
    people = [CandidateFile(c, results.get(c.id), reports.get(c.id),  # type: ignore[arg-type]
                            incidents.get(c.id, []), conduct.get(c.id),  # type: ignore[arg-type]
                            questions.get(c.id, {}))  # type: ignore[arg-type]
              for c in candidates]
    return SessionFile(session, centre, report, people)


def _questions_named(db: Session, incidents: dict[int, list[IncidentReport]],
                     conduct: dict[int, Conduct]) -> dict[int, dict[int, list[str]]]:
    """candidate → question number named by an incident → the items shown as that number.

    The candidate's "Question n" counts the questions not withdrawn before it: a withdrawn
    question's replacement keeps its number."""
    named = {cid: {i.question_number for i in found if i.question_number}
             for cid, found in incidents.items()}
    courses = {pk(conduct[cid].course): cid for cid, numbers in named.items()
               if numbers and cid in conduct}
    if not courses:
        return {}
    out: dict[int, dict[int, list[str]]] = {}
    shown: dict[int, int] = {}  # course → questions not withdrawn so far
    for course_id, item_id, withdrawn in db.exec(
            select(ServedItem.course_id, ServedItem.item_id, ServedItem.withdrawn)
            .where(col(ServedItem.course_id).in_(list(courses)))
            .order_by(col(ServedItem.course_id), col(ServedItem.position))).all():
        cid = courses[course_id]
        number = shown.get(course_id, 0) + 1
        if number in named[cid]:
            label = item_id + (" " + _("(retirée)") if withdrawn else "")
            out.setdefault(cid, {}).setdefault(number, []).append(label)
        if not withdrawn:
            shown[course_id] = number
    return out


def _proctor_reason(comment: str | None) -> str | None:
    """`web.proctor.actions.end_test` stores "reason: comment" (or the reason alone)."""
    if not comment:
        return None
    key, _sep, note = comment.partition(": ")
    label = END_REASONS.get(key)
    said = _(label) if label else key
    return f"{said} – {note}" if note else said


def _conduct(db: Session, session_id: int) -> dict[int, Conduct]:
    """Each course of the session, with its alerts and focus exits counted: three statements."""
    courses = db.exec(select(Course).where(Course.session_id == session_id)).all()
    alerts: dict[tuple[int, str], int] = {
        (course_id, status): count for course_id, status, count in db.exec(
            select(LiveAlert.course_id, LiveAlert.status, func.count())
            .where(LiveAlert.session_id == session_id)
            .group_by(col(LiveAlert.course_id), col(LiveAlert.status))).all()}
    # Answers have no index by course (migration 0005): reached through the served items.
    exits = dict(db.exec(
        select(ServedItem.course_id, func.count())
        .select_from(Course)
        .join(ServedItem, col(ServedItem.course_id) == col(Course.id))
        .join(Answer, col(Answer.served_item_id) == col(ServedItem.id))
        .where(Course.session_id == session_id, col(Answer.focused_out).is_(True))
        .group_by(col(ServedItem.course_id))).all())
    return {course.candidate_id: Conduct(
        course=course, end=_(END_REASON_LABELS.get(course.end_reason or "", N_("En cours"))),
        proctor_reason=(_proctor_reason(course.end_comment)
                        if course.end_reason == END_BY_PROCTOR else None),
        problems_validated=alerts.get((pk(course), "validated"), 0),
        problems_dismissed=alerts.get((pk(course), "dismissed"), 0),
        focus_exits=exits.get(pk(course), 0)) for course in courses}


@dataclass
class DecisionForm:
    decision: str
    comment: str
    errors: dict[str, str]


def read_decision(decision: str, comment: str) -> DecisionForm:
    form = DecisionForm(decision, comment.strip(), {})
    if decision not in ("", *DECISIONS):
        form.errors["decision"] = _("Choisissez une décision dans la liste.")
    if has_control(form.comment):
        form.errors["comment"] = _("Caractères non valides.")
    elif len(form.comment) > COMMENT_MAX:
        form.errors["comment"] = _("Le commentaire ne doit pas dépasser 2000 caractères.")
    elif decision in DECISIONS and not form.comment:
        form.errors["comment"] = _("Motivez la décision du jury : elle figure au dossier du "
                                   "candidat.")
    return form


def _lock(db: Session, session_id: int) -> bool:
    """Lock the session's row (PostgreSQL; SQLite has one writer at a time) and tell whether its
    results are still unpublished: a decision and a publication at the same moment are
    serialised, so no decision lands after the codes were given."""
    published = db.exec(select(ExamSession.results_published_at)
                        .where(ExamSession.id == session_id).with_for_update()).first()
    if published is not None:
        db.rollback()
        return False
    return True


def decide(db: Session, session: ExamSession, result: CertificationResult, form: DecisionForm,
           jury_id: int, now: dt.datetime) -> None:
    """Record the decision while the session is unpublished (409 after). Commits."""
    if not _lock(db, pk(session)):
        raise HTTPException(409, _("Les résultats de cette session sont déjà publiés : ils ne "
                                   "peuvent plus changer."))
    db.execute(update(CertificationResult).where(col(CertificationResult.id) == result.id)
               .values(jury_decision=form.decision or None, jury_comment=form.comment,
                       jury_decided_at=now, jury_decided_by_id=jury_id))
    db.commit()


def publish(db: Session, session: ExamSession, jury_id: int, now: dt.datetime) -> bool:
    """Publish the session's results and give each validated one its verification code, in one
    transaction. Commits; False when it was already published (a second click, another jury
    member): nothing changes then, so sending it twice is harmless."""
    if not _lock(db, pk(session)):
        return False
    db.execute(update(ExamSession).where(col(ExamSession.id) == session.id)
               .values(results_published_at=now, results_published_by_id=jury_id))
    certificates.give_codes(db, pk(session))
    db.commit()
    return True
