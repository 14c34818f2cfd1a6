"""Certification sessions of a centre: codes, form validation, status, scoped loading."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, col, select
from starlette.exceptions import HTTPException

from web.centre.paging import Page
from web.centre.time_zones import session_start_utc
from web.i18n import gettext_ as _
from web.inputs import has_control
from web.models import Candidate, Centre, Course, ExamSession, ProctorLogin, pk

CODE_LETTERS = "BCDFGHJKMPQRTVWXY"
CODE_DIGITS = "2346789"
# No 0/O, 1/I/L, 5/S: the password is read on paper and typed by the proctor.
PROCTOR_ALPHABET = "2346789BCDFGHJKMPQRTVWXY"

STATUS_CREATED = "created"
STATUS_IN_PROGRESS = "in_progress"
STATUS_FINALISED = "finalised"
STATUS_RESULTS = "results_available"

# A session lasts 2 h (welcome and identity checks, then the 1 h 45 test), and centres are asked
# to finalise within the 48 h that follow it (the reference's rule: the results feed the pupils'
# school records). Not a lock: a late finalisation must stay possible, since it is what ends the
# running tests and computes the results. The deadline is shown, and lateness stated.
SESSION_LENGTH = dt.timedelta(hours=2)
FINALISATION_DELAY = dt.timedelta(hours=48)
SESSIONS_PER_PAGE = 50


def status_labels() -> dict[str, str]:
    """In the request's language (built per call: the language is known only then)."""
    return {STATUS_CREATED: _("Créée"), STATUS_IN_PROGRESS: _("En cours"),
            STATUS_FINALISED: _("Finalisée, en attente du jury"),
            STATUS_RESULTS: _("Résultats publiés")}

FIELDS = {"room": 200, "address": 500, "proctor_names": 500, "description": 2000}


def new_access_code(db: Session) -> str:
    """4 letters + 2 digits, unique among the sessions still open (finalised ones free theirs)."""
    for _attempt in range(100):
        code = ("".join(secrets.choice(CODE_LETTERS) for _ in range(4))
                + "".join(secrets.choice(CODE_DIGITS) for _ in range(2)))
        taken = db.exec(select(ExamSession.id).where(
            ExamSession.access_code == code, col(ExamSession.finalised_at).is_(None))).first()
        if taken is None:
            return code
    raise RuntimeError("no free access code")  # 17^4·7^2 ≈ 4 million codes: not reached


def new_proctor_password() -> str:
    return "".join(secrets.choice(PROCTOR_ALPHABET) for _ in range(6))


@dataclass
class SessionForm:
    values: dict[str, str]
    errors: dict[str, str]
    date: dt.date | None = None
    start_time: dt.time | None = None


def read_form(raw: dict[str, str]) -> SessionForm:
    values = {k: raw.get(k, "").strip() for k in ("date", "start_time", *FIELDS)}
    form = SessionForm(values=values, errors={})
    try:
        form.date = dt.date.fromisoformat(values["date"])
    except ValueError:
        try:
            form.date = dt.datetime.strptime(values["date"], "%d/%m/%Y").date()
        except ValueError:
            form.errors["date"] = _("Indiquez la date de la session (JJ/MM/AAAA).")
    try:
        form.start_time = dt.time.fromisoformat(values["start_time"])
        if form.start_time.tzinfo is not None:  # "09:00+05:00": times are local, without zone
            raise ValueError(values["start_time"])
    except ValueError:
        form.start_time = None
        form.errors["start_time"] = _("Indiquez l'heure de début (HH:MM).")
    if not values["room"]:
        form.errors["room"] = _("Indiquez la salle.")
    if not values["address"]:
        form.errors["address"] = _("Indiquez l'adresse.")
    if not values["proctor_names"]:
        form.errors["proctor_names"] = _("Indiquez le nom du ou des surveillants.")
    for name, limit in FIELDS.items():
        if len(values[name]) > limit and name not in form.errors:
            form.errors[name] = _("Ce champ est trop long (%(n)s caractères au plus).") % {
                "n": limit}
        elif has_control(values[name]) and name not in form.errors:
            form.errors[name] = _("Caractères non valides.")
    return form


def apply_form(session: ExamSession, form: SessionForm) -> None:
    assert form.date is not None and form.start_time is not None
    session.date, session.start_time = form.date, form.start_time
    for name in FIELDS:
        setattr(session, name, form.values[name])


def load_session(db: Session, session_id: int, centre_id: int) -> ExamSession:
    """The session if it belongs to this centre; 404 otherwise, so numbers do not leak."""
    found = db.exec(select(ExamSession).where(ExamSession.id == session_id,
                                              ExamSession.centre_id == centre_id)).first()
    if found is None:
        raise HTTPException(404)
    return found


def started(db: Session, session_id: int) -> bool:
    return db.exec(select(Course.id).where(Course.session_id == session_id)).first() is not None


def status_of(session: ExamSession, has_course: bool) -> str:
    if session.results_published_at is not None:
        return STATUS_RESULTS
    if session.finalised_at is not None:
        return STATUS_FINALISED
    return STATUS_IN_PROGRESS if has_course else STATUS_CREATED


@dataclass(frozen=True)
class Deadline:
    """When a session had to be finalised (naive UTC), and whether that is missed."""
    at: dt.datetime
    late: bool


def finalisation_deadline(session: ExamSession, zone_name: str) -> dt.datetime:
    return (session_start_utc(session.date, session.start_time, zone_name) + SESSION_LENGTH
            + FINALISATION_DELAY)


def finalisation_due(session: ExamSession, zone_name: str, now: dt.datetime) -> Deadline | None:
    """The deadline of a session that has begun: late if not finalised by then, or finalised
    after it. None before the session (nothing to do yet)."""
    if not has_begun(session, zone_name, now):
        return None
    at = finalisation_deadline(session, zone_name)
    done = session.finalised_at
    return Deadline(at=at, late=(done if done is not None else now) > at)


@dataclass(frozen=True)
class SessionRow:
    session: ExamSession
    candidates: int
    status: str
    due: Deadline | None

    @property
    def overdue(self) -> bool:
        """Still to finalise, and past the deadline."""
        return self.session.finalised_at is None and self.due is not None and self.due.late


@dataclass(frozen=True)
class SessionList:
    page: Page
    rows: list[SessionRow]
    overdue: int  # sessions of the centre past their deadline, on every page


def list_for_centre(db: Session, centre_id: int, zone_name: str, now: dt.datetime,
                    number: int = 1) -> SessionList:
    """Page `number` of the centre's sessions, most recent first: a large school adds some 60
    a year, so the list is read a page at a time, in a fixed number of statements."""
    mine = ExamSession.centre_id == centre_id
    total = db.exec(select(func.count()).select_from(ExamSession).where(mine)).one()
    page = Page(number=number, size=SESSIONS_PER_PAGE, total=total, path="/centre/sessions")
    sessions = [] if page.missing else db.exec(
        select(ExamSession).where(mine)
        .order_by(col(ExamSession.date).desc(), col(ExamSession.start_time).desc(),
                  col(ExamSession.id).desc())
        .offset(page.offset).limit(page.size)).all()
    ids = [pk(s) for s in sessions]
    counts, with_course = candidate_counts(db, ids), started_among(db, ids)
    rows = [SessionRow(session=s, candidates=counts.get(pk(s), 0),
                       status=status_of(s, s.id in with_course),
                       due=finalisation_due(s, zone_name, now)) for s in sessions]
    return SessionList(page=page, rows=rows, overdue=_overdue(db, centre_id, zone_name, now))


def candidate_counts(db: Session, ids: list[int]) -> dict[int, int]:
    """Candidates enrolled in each of these sessions (absent: none), in one statement."""
    return dict(db.exec(select(Candidate.session_id, func.count())
                        .where(col(Candidate.session_id).in_(ids))
                        .group_by(col(Candidate.session_id))).all()) if ids else {}


def started_among(db: Session, ids: list[int]) -> set[int]:
    """Those of these sessions where a test was started, in one statement."""
    return set(db.exec(select(Course.session_id).where(col(Course.session_id).in_(ids))
                       .distinct()).all()) if ids else set()


def _overdue(db: Session, centre_id: int, zone_name: str, now: dt.datetime) -> int:
    """Sessions still to finalise past their deadline, wherever they are in the list. Only those
    dated up to tomorrow can be (the deadline is 50 h after the local start, and no zone is
    more than a day from UTC): the planned ones are not read."""
    candidates = db.exec(select(ExamSession).where(
        ExamSession.centre_id == centre_id, col(ExamSession.finalised_at).is_(None),
        col(ExamSession.date) <= now.date() + dt.timedelta(days=1))).all()
    return sum(1 for s in candidates if finalisation_deadline(s, zone_name) < now)


def centre_zone(db: Session, centre_id: int) -> str:
    """The IANA zone the centre's sessions are typed in."""
    zone = db.exec(select(Centre.time_zone).where(Centre.id == centre_id)).first()
    if zone is None:
        raise HTTPException(404)
    return zone


def has_begun(session: ExamSession, zone_name: str, now: dt.datetime) -> bool:
    """Whether the session's start, local time of its centre's zone, is past `now` (naive UTC)."""
    return session_start_utc(session.date, session.start_time, zone_name) <= now


def ensure_open(session: ExamSession) -> None:
    if session.finalised_at is not None:
        raise HTTPException(409, _("Cette session est finalisée : elle ne peut plus être "
                                   "modifiée."))


def delete_session(db: Session, session: ExamSession) -> None:
    if started(db, session.id):  # type: ignore[arg-type]
        raise HTTPException(409, _("Un candidat a déjà commencé : la session ne peut plus "
                                   "être supprimée."))
    for candidate in db.exec(select(Candidate).where(Candidate.session_id == session.id)).all():
        db.delete(candidate)
    # Its proctors' sign-ins (web.proctor.logins) go with it: their rows point at it.
    db.execute(delete(ProctorLogin).where(col(ProctorLogin.session_id) == session.id))
    db.flush()
    db.delete(session)
