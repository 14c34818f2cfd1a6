"""A centre's sessions: list, create, edit, delete, proctor password, printable sheets."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from web.centre import auth, enrolment, sessions, time_zones
from web.centre.forms import flat, path_int
from web.centre.paging import page_number
from web.handler import Ctx, endpoint
from web.i18n import gettext_ as _
from web.models import Candidate, Centre, ExamSession, StaffUser


def _scoped(ctx: Ctx) -> tuple[StaffUser, ExamSession]:
    user = auth.require_centre_admin(ctx)
    return user, sessions.load_session(ctx.db, path_int(ctx, "session_id"), user.centre_id)  # type: ignore[arg-type]


def _candidates(ctx: Ctx, session_id: int) -> list[Candidate]:
    return list(ctx.db.exec(select(Candidate).where(Candidate.session_id == session_id)
                            .order_by(col(Candidate.last_name), col(Candidate.first_name))).all())


@endpoint
def session_list(ctx: Ctx) -> Response:
    user = auth.require_centre_admin(ctx)
    centre = ctx.db.get(Centre, user.centre_id)
    assert centre is not None  # the signed-in administrator's own centre
    listing = sessions.list_for_centre(ctx.db, user.centre_id, centre.time_zone, ctx.now,  # type: ignore[arg-type]
                                       page_number(ctx.request.query_params.get("page")))
    return ctx.render("centre/sessions.html", {
        "user": user, "centre": centre, "rows": listing.rows, "page": listing.page,
        "overdue": listing.overdue, "labels": sessions.status_labels()},
        status=404 if listing.page.missing else 200, no_store=True)


def _form_page(ctx: Ctx, user: StaffUser, form: sessions.SessionForm,
               session: ExamSession | None, status: int = 200) -> Response:
    zone = sessions.centre_zone(ctx.db, user.centre_id)  # type: ignore[arg-type]
    return ctx.render("centre/session_form.html", {"user": user, "form": form,
                                                   "session": session,
                                                   "zone_label": time_zones.zone_label(zone)},
                      status=status, no_store=True)


@endpoint
def session_new(ctx: Ctx) -> Response:
    user = auth.require_centre_admin(ctx)
    if ctx.request.method == "GET":
        blank = sessions.SessionForm(values={"date": "", "start_time": "09:00", "room": "",
                                             "address": "", "proctor_names": "",
                                             "description": ""}, errors={})
        return _form_page(ctx, user, blank, None)
    form = sessions.read_form(flat(ctx))
    if form.errors:
        return _form_page(ctx, user, form, None, status=422)
    session = ExamSession(centre_id=user.centre_id, date=form.date, start_time=form.start_time,  # type: ignore[arg-type]
                          access_code=sessions.new_access_code(ctx.db),
                          proctor_password=sessions.new_proctor_password(), created_at=ctx.now)
    sessions.apply_form(session, form)
    ctx.db.add(session)
    ctx.db.commit()
    return ctx.redirect(f"/centre/sessions/{session.id}")


@endpoint
def session_edit(ctx: Ctx) -> Response:
    user, session = _scoped(ctx)
    sessions.ensure_open(session)
    if ctx.request.method == "GET":
        values = {"date": session.date.isoformat(),
                  "start_time": session.start_time.strftime("%H:%M"),
                  **{name: getattr(session, name) for name in sessions.FIELDS}}
        return _form_page(ctx, user, sessions.SessionForm(values=values, errors={}), session)
    form = sessions.read_form(flat(ctx))
    if form.errors:
        return _form_page(ctx, user, form, session, status=422)
    sessions.apply_form(session, form)
    ctx.db.add(session)
    ctx.db.commit()
    return ctx.redirect(f"/centre/sessions/{session.id}?modifiee=1")


@endpoint
def session_detail(ctx: Ctx) -> Response:
    user, session = _scoped(ctx)
    started = enrolment.started_ids(ctx.db, session.id)  # type: ignore[arg-type]
    status = sessions.status_of(session, bool(started))
    zone = sessions.centre_zone(ctx.db, session.centre_id)
    due = sessions.finalisation_due(session, zone, ctx.now)  # None until the session begins
    return ctx.render("centre/session.html", {
        "user": user, "session": session, "candidates": _candidates(ctx, session.id),  # type: ignore[arg-type]
        "started": started, "status": status, "labels": sessions.status_labels(),
        "query": ctx.request.query_params, "zone": zone, "due": due,
        "can_finalise": session.finalised_at is None and due is not None}, no_store=True)


@endpoint
def session_delete(ctx: Ctx) -> Response:
    _user, session = _scoped(ctx)
    sessions.ensure_open(session)
    try:
        sessions.delete_session(ctx.db, session)
        ctx.db.commit()
    except IntegrityError as exc:  # a candidate started between the check and the delete
        ctx.db.rollback()
        raise HTTPException(409, _("Un candidat a déjà commencé : la session ne peut plus "
                                   "être supprimée.")) from exc
    return ctx.redirect("/centre/sessions?supprimee=1")


@endpoint
def regenerate_proctor_password(ctx: Ctx) -> Response:
    _user, session = _scoped(ctx)
    sessions.ensure_open(session)
    session.proctor_password = sessions.new_proctor_password()
    ctx.db.add(session)
    ctx.db.commit()
    return ctx.redirect(f"/centre/sessions/{session.id}?mot_de_passe=1")


@endpoint
def attendance_sheet(ctx: Ctx) -> Response:
    user, session = _scoped(ctx)
    centre = ctx.db.get(Centre, session.centre_id)
    return ctx.render("centre/attendance.html", {
        "user": user, "session": session, "centre": centre,
        "candidates": _candidates(ctx, session.id)}, no_store=True)  # type: ignore[arg-type]


@endpoint
def proctor_instructions(ctx: Ctx) -> Response:
    user, session = _scoped(ctx)
    centre = ctx.db.get(Centre, session.centre_id)
    return ctx.render("centre/instructions.html", {
        "user": user, "session": session, "centre": centre,
        "candidates": _candidates(ctx, session.id),  # type: ignore[arg-type]
        "proctor_url": str(ctx.request.base_url).rstrip("/") + "/surveillant",
        "candidate_url": str(ctx.request.base_url).rstrip("/") + "/candidat"}, no_store=True)


S = "/centre/sessions/{session_id:int}"
routes = [
    Route("/centre/sessions", session_list, name="centre_sessions"),
    Route("/centre/sessions/nouvelle", session_new, methods=["GET", "POST"],
          name="centre_session_new"),
    Route(S, session_detail, name="centre_session"),
    Route(S + "/modifier", session_edit, methods=["GET", "POST"], name="centre_session_edit"),
    Route(S + "/supprimer", session_delete, methods=["POST"], name="centre_session_delete"),
    Route(S + "/mot-de-passe-surveillant", regenerate_proctor_password, methods=["POST"],
          name="centre_session_proctor_password"),
    Route(S + "/emargement", attendance_sheet, name="centre_attendance"),
    Route(S + "/consignes", proctor_instructions, name="centre_instructions"),
]
