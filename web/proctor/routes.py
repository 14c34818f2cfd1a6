"""Proctor space: sign in, the live list of the session's candidates, and actions on them.

The live list refreshes itself by htmx polling every 5 s (Pix's cadence); without JavaScript the
same page has a refresh button. Every action is a real form: POST, then 303 back to the list.
A poll sends back the version of the list it shows (header X-Live-Version, set by
web/static/js/proctor.js) and gets a 204, nothing to swap, while that list has not changed.
"""

from __future__ import annotations

import datetime as dt

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from web import ratelimit
from web.handler import Ctx, endpoint
from web.htmx import vary_on_htmx
from web.i18n import N_
from web.i18n import gettext_ as _
from web.inputs import has_control, whole_number
from web.proctor import actions, lockouts
from web.proctor.auth import (
    attempt_login,
    forbidden,
    login_check,
    require_proctor,
    sign_in,
    sign_out,
    signed_in_to,
)
from web.proctor.changes import ShownLists, shown_state
from web.proctor.live import live_list
from web.proctor.render import ListRenderer


def _session_url(session_id: int) -> str:
    return f"/surveillant/session/{session_id}"


@endpoint
def login(ctx: Ctx) -> Response:
    if ctx.request.method == "GET":
        return ctx.render("proctor/login.html", {"errors": [], "number": ""})
    number, password = ctx.field("session"), ctx.field("password")
    errors = []
    if not number:
        errors.append(("session", _("Indiquez le numéro de session.")))
    if not password:
        errors.append(("password", _("Indiquez le mot de passe surveillant.")))
    if not errors:
        exam = attempt_login(ctx, number, password)
        if exam is not None:
            sign_in(ctx, exam)
            return ctx.redirect(_session_url(exam.id or 0))
        errors.append(("password", _("Numéro de session ou mot de passe surveillant incorrect.")))
    return ctx.render("proctor/login.html", {"errors": errors, "number": number}, status=422)


@endpoint
def logout(ctx: Ctx) -> Response:
    sign_out(ctx)  # on the server too: a copy of the cookie no longer works
    return ctx.redirect("/surveillant")


# Per process: rendered rows and list frames only depend on the bank-free row data; the lists
# sent recently, to answer a poll with what changed since (web.proctor.changes).
_renderer = ListRenderer()
_shown = ShownLists()


@endpoint(on_loop=True)  # polled every 5 s by every proctor: see web/handler.py
def live(ctx: Ctx) -> Response:
    session_id = int(ctx.request.path_params["session_id"])
    login = login_check(ctx, session_id)
    # Read-only, polled by every proctor: one SELECT on the autocommit connection (no
    # BEGIN/ROLLBACK round trips), which also checks the sign-in and brings the password.
    settings = ctx.state.settings
    listing = live_list(ctx.conn, session_id, ctx.now, length=ctx.state.content.config.length,
                        authorisation=dt.timedelta(minutes=settings.authorisation_minutes),
                        login=login)
    if not signed_in_to(ctx, session_id, listing.password):
        raise forbidden()
    env = ctx.state.templates.env
    stamp = _renderer.stamp(env)
    version = listing.version(ctx.lang, stamp)
    flash = ctx.session.pop("proctor_flash", None)
    if ctx.htmx:
        shown_version = ctx.request.headers.get("x-live-version")
        if flash is None and shown_version == version:
            response = Response(status_code=204)
        else:
            shown = shown_state(ctx.lang, stamp, listing.rows)
            changes = None if flash is not None else _shown.changes(
                env, _renderer, session_id, ctx.lang, shown_version, version, listing.rows,
                shown)
            if changes is not None:  # out-of-band swaps only: see web.proctor.changes
                response = HTMLResponse(changes, headers={"hx-reswap": "none"})
            else:
                response = HTMLResponse(_renderer.render(env, ctx.lang, session_id,
                                                         listing.rows, version=version,
                                                         flash=flash))
            _shown.remember(session_id, version, shown)
        response = vary_on_htmx(response, no_store=True)
        response.headers["vary"] += ", X-Live-Version"
        return response
    exam = require_proctor(ctx, session_id, ctx.conn)  # the page's header (page loads only)
    live_html = _renderer.render(env, ctx.lang, session_id, listing.rows, version=version,
                                 flash=flash)
    _shown.remember(session_id, version,  # for its first poll
                    shown_state(ctx.lang, stamp, listing.rows))
    return ctx.render("proctor/session.html", {"exam": exam, "live_html": live_html},
                      no_store=True)


def _action(fn):  # noqa: ANN001, ANN202 - decorator for the POST actions below
    @endpoint
    def handle(ctx: Ctx) -> Response:
        session_id = int(ctx.request.path_params["session_id"])
        require_proctor(ctx, session_id)
        message = fn(ctx, session_id)
        ctx.db.commit()
        ctx.session["proctor_flash"] = message
        return ctx.redirect(_session_url(session_id))

    handle.__name__ = fn.__name__
    return handle


def _candidate_id(ctx: Ctx) -> int:
    return int(ctx.request.path_params["candidate_id"])


def _name(candidate) -> str:  # noqa: ANN001
    return f"{candidate.first_name} {candidate.last_name}"


@_action
def confirm_presence(ctx: Ctx, session_id: int) -> str:
    candidate = actions.confirm_presence(ctx.db, session_id, _candidate_id(ctx), ctx.now)
    return _("Présence confirmée : %(name)s peut commencer son test.") % {"name": _name(candidate)}


@_action
def cancel_presence(ctx: Ctx, session_id: int) -> str:
    candidate = actions.cancel_presence(ctx.db, session_id, _candidate_id(ctx))
    return _("Présence annulée pour %(name)s.") % {"name": _name(candidate)}


@_action
def authorise_resume(ctx: Ctx, session_id: int) -> str:
    actions.authorise_resume(ctx.db, session_id, _candidate_id(ctx), ctx.now)
    candidate = actions.candidate_in_session(ctx.db, session_id, _candidate_id(ctx))
    return _("Reprise autorisée pour %(name)s.") % {"name": _name(candidate)}


@_action
def grant_time(ctx: Ctx, session_id: int) -> str:
    raw = ctx.field("minutes")
    if not raw.isdecimal():
        raise HTTPException(422, N_("Indiquez un nombre entier de minutes."))
    minutes = whole_number(raw)
    if minutes is None:  # more digits than any number of minutes
        raise HTTPException(422, N_("Indiquez un nombre de minutes entre 1 et 60."))
    shown = whole_number(ctx.field("granted"))  # the total the form was rendered with
    if shown is None:
        raise HTTPException(400)
    actions.grant_minutes(ctx.db, session_id, _candidate_id(ctx), minutes, shown)
    candidate = actions.candidate_in_session(ctx.db, session_id, _candidate_id(ctx))
    return _("%(minutes)s min ajoutées pour %(name)s.") % {
        "minutes": minutes,
        "name": _name(candidate),
    }


@_action
def validate_alert(ctx: Ctx, session_id: int) -> str:
    actions.resolve_alert(
        ctx.db, session_id, int(ctx.request.path_params["alert_id"]), validate=True, now=ctx.now
    )
    return _("Signalement validé : la question est retirée et remplacée.")


@_action
def dismiss_alert(ctx: Ctx, session_id: int) -> str:
    actions.resolve_alert(
        ctx.db, session_id, int(ctx.request.path_params["alert_id"]), validate=False, now=ctx.now
    )
    return _("Signalement refusé : le candidat poursuit avec la même question.")


@_action
def lift_lockouts(ctx: Ctx, session_id: int) -> str:
    # The address as the candidates' identity attempts were counted (web.candidate.join): the
    # proctor shares the school's NAT address with the pupils, see web.proctor.lockouts.
    lockouts.lift(ctx.db, session_id, ratelimit.client_address(ctx.request))
    # The same message whether or not anything was blocked: a count of the rows deleted would
    # include windows already over and counts below the limit, so it would not say how many
    # candidates were stopped, and the proctor has nothing different to do either way.
    return _("Blocages levés : les candidats peuvent saisir à nouveau leur identité et le "
             "code d'accès.")


@endpoint
def end_test(ctx: Ctx) -> Response:
    session_id = int(ctx.request.path_params["session_id"])
    exam = require_proctor(ctx, session_id)
    candidate = actions.candidate_in_session(ctx.db, session_id, _candidate_id(ctx))
    context = {
        "exam": exam,
        "candidate": candidate,
        "end_reasons": actions.END_REASONS,
        "errors": [],
        "reason": "",
        "comment": "",
    }
    if ctx.request.method == "GET":
        actions.running_course(ctx.db, session_id, candidate.id or 0)
        return ctx.render("proctor/end.html", context)
    reason, comment = ctx.field("reason"), ctx.field("comment")
    if reason not in actions.END_REASONS:
        context.update(
            errors=[("reason", _("Choisissez le motif de l'arrêt du test."))], comment=comment
        )
        return ctx.render("proctor/end.html", context, status=422)
    if has_control(comment):
        context.update(errors=[("comment", _("Caractères non valides."))], reason=reason,
                       comment=comment)
        return ctx.render("proctor/end.html", context, status=422)
    actions.end_test(ctx.db, session_id, candidate.id or 0, reason, comment, ctx.now)
    ctx.db.commit()
    ctx.session["proctor_flash"] = _("Test arrêté pour %(name)s.") % {"name": _name(candidate)}
    return ctx.redirect(_session_url(session_id))


_C = "/surveillant/session/{session_id:int}/candidats/{candidate_id:int}"
routes = [
    Route("/surveillant", login, methods=["GET", "POST"], name="proctor_login"),
    Route("/surveillant/deconnexion", logout, methods=["POST"], name="proctor_logout"),
    Route("/surveillant/session/{session_id:int}", live, name="proctor_session"),
    Route(f"{_C}/presence", confirm_presence, methods=["POST"]),
    Route(f"{_C}/presence/annuler", cancel_presence, methods=["POST"]),
    Route(f"{_C}/reprise", authorise_resume, methods=["POST"]),
    Route(f"{_C}/temps", grant_time, methods=["POST"]),
    Route(f"{_C}/terminer", end_test, methods=["GET", "POST"]),
    Route("/surveillant/session/{session_id:int}/blocages/lever", lift_lockouts,
          methods=["POST"]),
    Route(
        "/surveillant/session/{session_id:int}/alertes/{alert_id:int}/valider",
        validate_alert,
        methods=["POST"],
    ),
    Route(
        "/surveillant/session/{session_id:int}/alertes/{alert_id:int}/rejeter",
        dismiss_alert,
        methods=["POST"],
    ),
]
