"""The jury's pages: the sessions awaiting it, a session's file, decisions, publication."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from web.centre import auth, finalisation, results
from web.centre.forms import path_int
from web.centre.paging import page_number
from web.handler import Ctx, endpoint
from web.i18n import gettext_ as _
from web.inputs import whole_number, without_control
from web.jury import review
from web.models import pk


@endpoint
def awaiting(ctx: Ctx) -> Response:
    """The sessions awaiting the jury; `?session=N` opens any finalised session's file (one
    already published, to read it again)."""
    user = auth.require_jury(ctx)
    params = ctx.request.query_params
    typed = without_control(params.get("session", "")).strip()
    error = None
    if typed:
        number = whole_number(typed)
        if number is not None and review.is_finalised(ctx.db, number):
            return ctx.redirect(f"/jury/sessions/{number}")
        error = _("Aucune session finalisée ne porte le numéro %(n)s.") % {"n": typed[:20]}
    listing = review.awaiting(ctx.db, page_number(params.get("page")))
    status = 404 if listing.page.missing or error else 200
    published = whole_number(params.get("publiees", ""))
    return ctx.render("jury/sessions.html", {"user": user, "listing": listing,
                                             "typed": typed[:20], "error": error,
                                             "quiet": review.quiet_count(ctx.db),
                                             "batch": review.QUIET_BATCH,
                                             "published": published},
                      status=status, no_store=True)


@endpoint
def publish_quiet(ctx: Ctx) -> Response:
    user = auth.require_jury(ctx)
    published = review.publish_quiet(ctx.db, pk(user), ctx.now)
    return ctx.redirect(f"/jury/sessions?publiees={published}")


def _file_page(ctx: Ctx, user: object, file: review.SessionFile, *, status: int = 200,
               forms: dict[int, review.DecisionForm] | None = None) -> Response:
    return ctx.render("jury/session.html", {
        "user": user, "file": file, "forms": forms or {},
        "decisions": review.decision_labels(), "incident_labels": finalisation.category_labels(),
        "status_labels": results.status_labels(), "reason_labels": results.reason_labels(),
        "published": ctx.request.query_params.get("publiee") == "1",
        "decided": ctx.request.query_params.get("decision")}, status=status, no_store=True)


@endpoint
def session_file(ctx: Ctx) -> Response:
    user = auth.require_jury(ctx)
    return _file_page(ctx, user, review.session_file(ctx.db, path_int(ctx, "session_id")))


@endpoint
def decision(ctx: Ctx) -> Response:
    user = auth.require_jury(ctx)
    file = review.session_file(ctx.db, path_int(ctx, "session_id"))
    candidate_id = path_int(ctx, "candidate_id")
    person = next((p for p in file.people if p.candidate.id == candidate_id), None)
    if person is None:
        raise HTTPException(404)
    if person.result is None:
        raise HTTPException(409, _("Ce candidat n'a pas passé le test : il n'a pas de résultat "
                                   "sur lequel décider."))
    form = review.read_decision(ctx.field("decision"), ctx.field("comment"))
    if form.errors:
        return _file_page(ctx, user, file, status=422, forms={candidate_id: form})
    review.decide(ctx.db, file.session, person.result, form, pk(user), ctx.now)
    return ctx.redirect(f"/jury/sessions/{file.session.id}?decision={candidate_id}"
                        f"#candidat-{candidate_id}")


@endpoint
def publish(ctx: Ctx) -> Response:
    user = auth.require_jury(ctx)
    file = review.session_file(ctx.db, path_int(ctx, "session_id"))
    review.publish(ctx.db, file.session, pk(user), ctx.now)
    return ctx.redirect(f"/jury/sessions/{file.session.id}?publiee=1")


S = "/jury/sessions/{session_id:int}"
routes = [
    Route("/jury/sessions", awaiting, name="jury_sessions"),
    Route("/jury/sessions/publier-sans-signalement", publish_quiet, methods=["POST"],
          name="jury_publish_quiet"),
    Route(S, session_file, name="jury_session"),
    Route(S + "/candidats/{candidate_id:int}/decision", decision, methods=["POST"],
          name="jury_decision"),
    Route(S + "/publier", publish, methods=["POST"], name="jury_publish"),
]
