"""Certification results: computed with the engine's scoring at finalisation, stored, exported.

A result is stored with what the engine was given (how the course ended, the configuration
version); the served items keep the a and b in force when served. `rescore` recomputes from
exactly that and must find the same result, whatever the calibration is today.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from sqlalchemy import func
from sqlmodel import Session, col, select

import engine
from web.content_state import LoadedContent
from web.course.history import course_history
from web.i18n import gettext_ as _
from web.models import Answer, Candidate, CertificationResult, Course, ServedItem, pk
from web.models.course import END_COMPLETED


def status_labels() -> dict[str, str]:
    return {"validated": _("Validée"), "rejected": _("Rejetée"), "cancelled": _("Annulée"),
            "absent": _("Absent(e)")}


def reason_labels() -> dict[str, str]:
    return {"fraud": _("Fraude"), "too_few_answers": _("Moins de 20 réponses"),
            "zero_score": _("Score nul"), "lowered": _("Score abaissé (test non terminé)"),
            "jury": _("Décision du jury")}


def reason_of(result: CertificationResult) -> str | None:
    """Why the result is what it is: the jury's decision first."""
    return "jury" if result.jury_decision else result.reason


def answered_counts(db: Session, session_id: int) -> dict[int, int]:
    """Answers per course, withdrawn questions excluded (they are not scored).

    Read from the session's courses through their served items (uq_served_item_course_position)
    to each one's answer (unique served_item_id): answers have no index by course (migration
    0005, for the answers' sake), and joining them by course read the whole table — 0.2 s at
    national scale on every finalisation page."""
    rows = db.exec(
        select(ServedItem.course_id, func.count())
        .select_from(Course)
        .join(ServedItem, col(ServedItem.course_id) == col(Course.id))
        .join(Answer, col(Answer.served_item_id) == col(ServedItem.id))
        .where(Course.session_id == session_id, col(ServedItem.withdrawn).is_(False))
        .group_by(col(ServedItem.course_id))
    ).all()
    return dict(rows)


def is_finished(course: Course, answered: int, length: int) -> bool:
    return course.end_reason == END_COMPLETED or answered >= length


def ended_by_for(course: Course, answered: int, reason: str | None, fraud: bool,
                 length: int) -> str:
    """What the engine needs to know about how the course ended."""
    if fraud:
        return "fraud"
    if is_finished(course, answered, length):
        return "completed"
    return reason or "candidate"


def score(course: Course, ended_by: str, content: LoadedContent,
          history: list[engine.Served]) -> engine.CourseResult:
    """`history`: the course's (web.course.history; finalisation reads a session's at once)."""
    return engine.score_course(history, content.engine_bank,
                               content.config_for(course.config_version),
                               ended_by=ended_by, accessible_only=course.accessibility)


def stored_values(course: Course, ended_by: str, result: engine.CourseResult,
                  now: dt.datetime) -> dict[str, object]:
    """A course's CertificationResult row, as values: finalisation inserts a session's at once."""
    return dict(
        course_id=pk(course), session_id=course.session_id, candidate_id=course.candidate_id,
        status=result.status, score=result.score, level=result.level,
        competence_levels=json.dumps(result.competence_levels, sort_keys=True),
        answered=result.answered, lowered=result.lowered, reason=result.reason,
        ended_by=ended_by, config_version=result.config_version or course.config_version,
        computed_at=now)


def rescore(db: Session, course: Course, content: LoadedContent) -> engine.CourseResult:
    """Recompute a stored result from the recorded parameters (a jury check, a recalibration)."""
    stored = db.exec(select(CertificationResult)
                     .where(CertificationResult.course_id == course.id)).one()
    return score(course, stored.ended_by, content, course_history(db, pk(course)))


def levels(result: CertificationResult) -> dict[str, int]:
    return {k: int(v) for k, v in json.loads(result.competence_levels).items()}


def final_levels(result: CertificationResult) -> dict[str, int]:
    """The levels the certificate shows: 0 everywhere once the jury cancels or rejects."""
    stored = levels(result)
    return stored if result.final_status == "validated" else dict.fromkeys(stored, 0)


def session_rows(db: Session, session_id: int) -> list[dict[str, object]]:
    """One row per enrolled candidate, with the stored result (None when absent)."""
    candidates = db.exec(select(Candidate).where(Candidate.session_id == session_id)
                         .order_by(col(Candidate.last_name), col(Candidate.first_name))).all()
    stored = {r.candidate_id: r for r in db.exec(
        select(CertificationResult).where(CertificationResult.session_id == session_id)).all()}
    rows: list[dict[str, object]] = []
    for candidate in candidates:
        result = stored.get(candidate.id)  # type: ignore[arg-type]
        rows.append({"candidate": candidate, "result": result,
                     "status": result.final_status if result else "absent",
                     "levels": final_levels(result) if result else {}})
    return rows


def competence_codes(rows: list[dict[str, object]], content: LoadedContent) -> list[str]:
    codes: set[str] = set(content.engine_bank.competences)
    for row in rows:
        codes.update(row["levels"])  # type: ignore[arg-type]
    return sorted(codes, key=lambda c: tuple(int(p) for p in c.split(".") if p.isdigit()))


# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(session_id: int, rows: list[dict[str, object]], codes: list[str]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons: French Excel opens it as is. Headers and
    labels are in the administrator's language, like the results page."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    statuses, reasons = status_labels(), reason_labels()
    writer.writerow([_("Numéro de session"), _("Nom"), _("Prénom"), _("Date de naissance"),
                     _("Lieu de naissance"), _("Identifiant externe"), _("Statut"),
                     _("Score (pix)"), _("Niveau global"), _("Motif"),
                     *[_("Compétence %(c)s") % {"c": c} for c in codes],
                     _("Code de vérification")])
    for row in rows:
        candidate: Candidate = row["candidate"]  # type: ignore[assignment]
        result: CertificationResult | None = row["result"]  # type: ignore[assignment]
        levels_: dict[str, int] = row["levels"]  # type: ignore[assignment]
        status = statuses[str(row["status"])]
        writer.writerow([neutralise(v) for v in (
            session_id, candidate.last_name, candidate.first_name,
            candidate.birth_date.strftime("%d/%m/%Y"), candidate.birth_place,
            candidate.external_id or "", status,
            result.final_score if result else "", result.final_level if result else "",
            reasons.get(reason_of(result) or "", "") if result else "",
            *[levels_.get(c, "") if result else "" for c in codes],
            (result.verification_code or "") if result else "")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
