"""Joining a session: identity, access code, presence or resume authorisation, rules, start.

Steps (each a real form, POST then 303): /candidat (identity) → /candidat/code (access code)
→ either the rules (/candidat/regles, first start) or the test (resume), or a waiting page
while the proctor has not confirmed presence / authorised the resume.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy.exc import IntegrityError
from starlette.responses import Response

from web import ratelimit
from web.candidate import limits
from web.candidate.access import (
    COURSE_KEY,
    cookie_matches,
    course_of,
    join_state,
    joined_candidate,
    set_course,
    set_join,
)
from web.candidate.end import render_end
from web.candidate.identity import find_candidate, parse_birth_date
from web.course.serving import new_token, restart_item_timer, start_course
from web.course.state import load_view
from web.handler import Ctx, endpoint
from web.i18n import gettext_ as _
from web.inputs import whole_number
from web.models import Candidate, Course, ExamSession, pk
from web.models.course import COURSE_STARTED


def _too_many() -> str:
    return _("Trop de tentatives. Patientez quelques minutes, puis appelez le surveillant.")


def _session_closed() -> str:
    return _("Cette session est close : il n'est plus possible d'y passer le test.")


def _authorised(ctx: Ctx, moment: dt.datetime | None) -> bool:
    window = dt.timedelta(minutes=ctx.state.settings.authorisation_minutes)
    return moment is not None and dt.timedelta(0) <= ctx.now - moment <= window


# --- identity ------------------------------------------------------------------------------

IDENTITY_FIELDS = ("session", "first_name", "last_name", "day", "month", "year")


def _identity_page(ctx: Ctx, *, errors: dict[str, str] | None = None, message: str = "",
                   status: int = 200) -> Response:
    values = {name: ctx.field(name) for name in IDENTITY_FIELDS}
    return ctx.render("candidate/join.html", {"errors": errors or {}, "message": message,
                                              "values": values}, status=status, no_store=True)


@endpoint
def identity_form(ctx: Ctx) -> Response:
    return _identity_page(ctx)


@endpoint
def identity_submit(ctx: Ctx) -> Response:
    errors: dict[str, str] = {}
    raw_session = ctx.field("session")
    session_id = whole_number(raw_session)
    if session_id is None:
        errors["session"] = _("Saisissez le numéro de session (des chiffres) donné par le "
                              "surveillant.")
    first, last = ctx.field("first_name"), ctx.field("last_name")
    if not first or len(first) > 200:
        errors["first_name"] = _("Saisissez votre prénom.")
    if not last or len(last) > 200:
        errors["last_name"] = _("Saisissez votre nom.")
    birth = parse_birth_date(ctx.field("day"), ctx.field("month"), ctx.field("year"))
    if birth is None:
        errors["birth"] = _("Saisissez une date de naissance valide, par exemple 14 3 2011.")
    if errors:
        return _identity_page(ctx, errors=errors, status=422)
    assert session_id is not None and birth is not None
    client = ratelimit.client_address(ctx.request)
    if limits.blocked(ctx.db, "identity", session_id, client, ctx.now):
        return _identity_page(ctx, message=_too_many(), status=429)
    exam = ctx.db.get(ExamSession, session_id)
    candidate = find_candidate(ctx.db, session_id, first, last, birth) if exam else None
    if exam is None or candidate is None:
        limits.count_failure(ctx.db, "identity", session_id, client, ctx.now)
        message = _("Nous ne trouvons pas de candidat inscrit avec ces informations dans cette "
                    "session. Vérifiez le numéro de session, votre prénom, votre nom et votre "
                    "date de naissance.")
        return _identity_page(ctx, message=message, status=422)
    if exam.finalised_at is not None:
        return _identity_page(ctx, message=_session_closed(), status=409)
    _forget_another_candidates_course(ctx, candidate)
    set_join(ctx, candidate, code_ok=False, nonce=new_token())
    return ctx.redirect("/candidat/code")


def _forget_another_candidates_course(ctx: Ctx, candidate: Candidate) -> None:
    """A shared computer: the previous candidate's course cookie must not let the next one (who
    proved only their own identity) open that test. The candidate's own course stays: a closed
    tab resumes in the same browser without the proctor."""
    value = ctx.session.get(COURSE_KEY)
    if value is None:
        return
    course = (ctx.db.get(Course, value["id"])
              if isinstance(value, dict) and isinstance(value.get("id"), int) else None)
    if course is None or course.candidate_id != candidate.id:
        ctx.session.pop(COURSE_KEY, None)


# --- access code ---------------------------------------------------------------------------

def _code_page(ctx: Ctx, *, error: str = "", status: int = 200) -> Response:
    return ctx.render("candidate/code.html", {"error": error}, status=status, no_store=True)


@endpoint
def code_form(ctx: Ctx) -> Response:
    if join_state(ctx) is None:
        return ctx.redirect("/candidat")
    return _code_page(ctx)


@endpoint
def code_submit(ctx: Ctx) -> Response:
    state = join_state(ctx)
    candidate = ctx.db.get(Candidate, state["c"]) if state else None
    if state is None or candidate is None:
        return ctx.redirect("/candidat")
    exam = ctx.db.get(ExamSession, candidate.session_id)
    assert exam is not None
    who = limits.candidate_key(candidate)  # not the address: see web.candidate.limits
    if limits.blocked(ctx.db, "code", exam.id, who, ctx.now):
        return _code_page(ctx, error=_too_many(), status=429)
    code = "".join(ctx.field("code").split()).upper()
    if not code:
        return _code_page(ctx, error=_("Saisissez le code d'accès donné par le surveillant."),
                          status=422)
    if not secrets.compare_digest(code.encode(), exam.access_code.upper().encode()):
        limits.count_failure(ctx.db, "code", exam.id, who, ctx.now)
        wrong = _("Ce code d'accès n'est pas le bon. Vérifiez-le auprès du surveillant.")
        return _code_page(ctx, error=wrong, status=422)
    if exam.finalised_at is not None:
        return _code_page(ctx, error=_session_closed(), status=409)
    set_join(ctx, candidate, code_ok=True, nonce=state.get("nonce") or new_token())
    return enter(ctx, candidate)


# --- entering: first start, resume, or wait --------------------------------------------------

def _wait(ctx: Ctx, reason: str) -> Response:
    return ctx.render("candidate/wait.html", {"reason": reason}, no_store=True)


def enter(ctx: Ctx, candidate: Candidate) -> Response:
    """Where a candidate who proved identity and code goes next."""
    course = course_of(ctx, candidate)
    if course is None:
        if not _authorised(ctx, candidate.authorised_at):
            return _wait(ctx, "expired" if candidate.authorised_at else "presence")
        return ctx.redirect("/candidat/regles")
    if course.state != COURSE_STARTED:
        return render_end(ctx, course)
    if cookie_matches(ctx, course):
        return ctx.redirect("/candidat/test")
    if _authorised(ctx, course.resume_authorised_at):
        return _resume(ctx, course)
    if course.resume_requested_at is None or not _authorised(ctx, course.resume_requested_at):
        course.resume_requested_at = ctx.now
        ctx.db.add(course)
        ctx.db.commit()
    return _wait(ctx, "resume")


def _resume(ctx: Ctx, course: Course) -> Response:
    """This browser takes over the course: older tabs and devices stop working."""
    course.client_token = new_token()
    course.resume_requested_at = None
    course.resume_authorised_at = None
    ctx.db.add(course)
    current = load_view(ctx.db, pk(course)).current
    if current is not None:
        restart_item_timer(ctx.db, pk(course), current.id, ctx.now)
    ctx.db.commit()
    set_course(ctx, course)
    return ctx.redirect("/candidat/test")


@endpoint
def enter_again(ctx: Ctx) -> Response:
    """The waiting page's "Réessayer" button."""
    candidate = joined_candidate(ctx)
    if candidate is None:
        return ctx.redirect("/candidat")
    return enter(ctx, candidate)


# --- rules and start -----------------------------------------------------------------------

@endpoint
def rules_form(ctx: Ctx) -> Response:
    candidate = joined_candidate(ctx)
    if candidate is None:
        return ctx.redirect("/candidat")
    if course_of(ctx, candidate) is not None:
        return ctx.redirect("/candidat/test")
    return ctx.render("candidate/rules.html", {"error": ""}, no_store=True)


@endpoint
def rules_submit(ctx: Ctx) -> Response:
    candidate = joined_candidate(ctx)
    state = join_state(ctx)
    if candidate is None or state is None:
        return ctx.redirect("/candidat")
    if ctx.field("accept") != "1":
        error = _("Cochez la case pour confirmer que vous avez lu et accepté les règles.")
        return ctx.render("candidate/rules.html", {"error": error}, status=422, no_store=True)
    if course_of(ctx, candidate) is None:
        if not _authorised(ctx, candidate.authorised_at):
            return _wait(ctx, "expired" if candidate.authorised_at else "presence")
        try:
            course = start_course(ctx.db, candidate, ctx.state.content, ctx.now, state["nonce"])
            ctx.db.commit()
        except IntegrityError:
            ctx.db.rollback()  # started concurrently: by this browser (double click) or not
        else:
            set_course(ctx, course)
            return ctx.redirect("/candidat/test")
    existing = course_of(ctx, candidate)
    own = existing is not None and existing.client_token == state["nonce"]
    if existing is not None and own and existing.state == COURSE_STARTED:
        set_course(ctx, existing)  # this browser's own double submission
        return ctx.redirect("/candidat/test")
    return enter(ctx, candidate)
