"""After the session: incident reports, finalisation, results and their CSV export."""

from __future__ import annotations

from sqlmodel import col, select
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from web.centre import auth, finalisation, results, sessions
from web.centre.forms import flat, path_int
from web.handler import Ctx, endpoint
from web.i18n import gettext_ as _
from web.models import Candidate, ExamSession, IncidentReport, SessionReport, StaffUser


def _scoped(ctx: Ctx) -> tuple[StaffUser, ExamSession]:
    user = auth.require_centre_admin(ctx)
    session = sessions.load_session(ctx.db, path_int(ctx, "session_id"), user.centre_id)  # type: ignore[arg-type]
    return user, session


def _ensure_can_finalise(ctx: Ctx, session: ExamSession) -> str:
    """The centre's time zone, once the session is known to be finalisable."""
    zone = sessions.centre_zone(ctx.db, session.centre_id)
    finalisation.ensure_can_finalise(session, zone, ctx.now)
    return zone


def _page(ctx: Ctx, user: StaffUser, session: ExamSession, zone: str, *,  # noqa: ANN001
          form=None, incident=None, status: int = 200) -> Response:
    content = ctx.state.content
    people = finalisation.participants(ctx.db, session, content.config.length)
    candidates = list(ctx.db.exec(select(Candidate).where(Candidate.session_id == session.id)
                                  .order_by(col(Candidate.last_name))).all())
    names = {c.id: f"{c.last_name} {c.first_name}" for c in candidates}
    incidents = ctx.db.exec(select(IncidentReport).where(IncidentReport.session_id == session.id)
                            .order_by(col(IncidentReport.id))).all()
    return ctx.render("centre/finalisation.html", {
        "user": user, "session": session, "people": people, "candidates": candidates,
        "zone": zone, "due": sessions.finalisation_due(session, zone, ctx.now),
        "names": names, "incidents": incidents, "form": form or finalisation.FinalisationForm(),
        "incident": incident or finalisation.IncidentForm(values={}, errors={}),
        "categories": finalisation.category_labels(), "reasons": finalisation.reason_labels(),
        "length": content.config.length}, status=status, no_store=True)


@endpoint
def finalisation_page(ctx: Ctx) -> Response:
    user, session = _scoped(ctx)
    if session.finalised_at is not None and ctx.request.method == "GET":
        return ctx.redirect(f"/centre/sessions/{session.id}/resultats")
    zone = _ensure_can_finalise(ctx, session)
    if ctx.request.method == "GET":
        return _page(ctx, user, session, zone)
    content = ctx.state.content
    people = finalisation.participants(ctx.db, session, content.config.length)
    form = finalisation.read_form(ctx.form_dict(), people)
    if form.errors:
        return _page(ctx, user, session, zone, form=form, status=422)
    finalisation.finalise(ctx.db, session, people, form, user.id, ctx.now, content)
    ctx.db.commit()
    return ctx.redirect(f"/centre/sessions/{session.id}/resultats?finalisee=1")


@endpoint
def incident_add(ctx: Ctx) -> Response:
    user, session = _scoped(ctx)
    zone = _ensure_can_finalise(ctx, session)
    ids = set(ctx.db.exec(select(Candidate.id).where(Candidate.session_id == session.id)).all())
    form = finalisation.read_incident(flat(ctx), ids)  # type: ignore[arg-type]
    if form.errors:
        return _page(ctx, user, session, zone, incident=form, status=422)
    ctx.db.add(IncidentReport(session_id=session.id, candidate_id=int(form.values["candidate_id"]),  # type: ignore[arg-type]
                              category=form.values["category"],
                              question_number=form.question_number,
                              comment=form.values["comment"], created_at=ctx.now))
    ctx.db.commit()
    return ctx.redirect(f"/centre/sessions/{session.id}/finalisation?signalement=1#signalements")


@endpoint
def incident_delete(ctx: Ctx) -> Response:
    _user, session = _scoped(ctx)
    _ensure_can_finalise(ctx, session)
    report = ctx.db.exec(select(IncidentReport).where(
        IncidentReport.id == path_int(ctx, "report_id"),
        IncidentReport.session_id == session.id)).first()
    if report is None:
        raise HTTPException(404)
    ctx.db.delete(report)
    ctx.db.commit()
    return ctx.redirect(f"/centre/sessions/{session.id}/finalisation#signalements")


def _results(ctx: Ctx, session: ExamSession) -> tuple[list[dict[str, object]], list[str]]:
    if session.finalised_at is None:
        raise HTTPException(409, _("Les résultats seront disponibles une fois la session "
                                   "finalisée."))
    rows = results.session_rows(ctx.db, session.id)  # type: ignore[arg-type]
    return rows, results.competence_codes(rows, ctx.state.content)


@endpoint
def results_page(ctx: Ctx) -> Response:
    user, session = _scoped(ctx)
    rows, codes = _results(ctx, session)
    report = ctx.db.exec(select(SessionReport)
                         .where(SessionReport.session_id == session.id)).first()
    return ctx.render("centre/results.html", {
        "user": user, "session": session, "rows": rows, "codes": codes, "report": report,
        "zone": sessions.centre_zone(ctx.db, session.centre_id),
        "status_labels": results.status_labels(), "reason_labels": results.reason_labels(),
        "just_finalised": ctx.request.query_params.get("finalisee") == "1"}, no_store=True)


@endpoint
def results_csv(ctx: Ctx) -> Response:
    _user, session = _scoped(ctx)
    rows, codes = _results(ctx, session)
    body = results.export_csv(session.id, rows, codes)  # type: ignore[arg-type]
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="resultats-session-{session.id}.csv"',
        "Cache-Control": "no-store"})


S = "/centre/sessions/{session_id:int}"
routes = [
    Route(S + "/finalisation", finalisation_page, methods=["GET", "POST"],
          name="centre_finalisation"),
    Route(S + "/signalements", incident_add, methods=["POST"], name="centre_incident_add"),
    Route(S + "/signalements/{report_id:int}/supprimer", incident_delete, methods=["POST"],
          name="centre_incident_delete"),
    Route(S + "/resultats", results_page, name="centre_results"),
    Route(S + "/resultats.csv", results_csv, name="centre_results_csv"),
]
