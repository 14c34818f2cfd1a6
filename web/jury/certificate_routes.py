"""Certificates: anyone checks one with its verification code; a centre prints its
candidates' certificates once the jury has published them."""

from __future__ import annotations

import datetime as dt

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from web import ratelimit
from web.centre import auth, sessions
from web.centre.forms import path_int
from web.handler import Ctx, endpoint
from web.i18n import gettext_ as _
from web.inputs import without_control
from web.jury import certificates

# A code cannot be guessed (3·10¹⁰ of them), but nobody may try: an employer or a school
# checking a class's certificates stays well within this.
LOOKUPS_PER_ADDRESS = 100
LOOKUP_WINDOW = dt.timedelta(hours=1)


def _titles(ctx: Ctx) -> dict[str, str]:
    return {c.code: c.title(ctx.lang) for c in ctx.state.content.bank.competences}


@endpoint
def verify(ctx: Ctx) -> Response:
    """GET with the code in the query: the form works without JavaScript, and a link with the
    code (what a candidate shares) opens the certificate at once."""
    typed = ctx.request.query_params.get("code", "")
    context: dict[str, object] = {"typed": without_control(typed)[:40], "certificate": None,
                                  "error": None}
    if not typed.strip():
        return ctx.render("certificate/verify.html", context)
    key = f"certificate-lookup:ip:{ratelimit.client_address(ctx.request)}"
    if not ratelimit.hit(ctx.db, key, limit=LOOKUPS_PER_ADDRESS, window=LOOKUP_WINDOW,
                         now=ctx.now):
        raise HTTPException(429, _("Trop de vérifications depuis cette adresse. Réessayez dans "
                                   "une heure."))
    code = certificates.normalise_code(typed)
    if code is None:
        context["error"] = _("Un code de vérification s'écrit P- suivi de 8 caractères "
                             "différents, par exemple P-2B4C6D8F.")
        return ctx.render("certificate/verify.html", context, status=400, no_store=True)
    found = certificates.by_code(ctx.db, code, _titles(ctx), ctx.lang)
    if found is None:
        context["error"] = _("Aucun certificat publié ne porte le code %(code)s. Vérifiez le "
                             "code auprès de la personne qui vous l'a donné.") % {"code": code}
        return ctx.render("certificate/verify.html", context, status=404, no_store=True)
    context["certificate"] = found
    return ctx.render("certificate/verify.html", context, no_store=True)


@endpoint
def centre_certificate(ctx: Ctx) -> Response:
    user = auth.require_centre_admin(ctx)
    session = sessions.load_session(ctx.db, path_int(ctx, "session_id"),
                                    user.centre_id)  # type: ignore[arg-type]
    found = certificates.for_candidate(ctx.db, session.id,  # type: ignore[arg-type]
                                       path_int(ctx, "candidate_id"), _titles(ctx), ctx.lang)
    if found is None:
        raise HTTPException(404, _("Ce candidat n'a pas de certificat : les résultats ne sont pas "
                                   "encore publiés, ou sa certification n'est pas validée."))
    return ctx.render("certificate/centre.html", {"user": user, "session": session,
                                                  "certificate": found}, no_store=True)


routes = [
    Route("/certificats/verification", verify, name="certificate_verify"),
    Route("/centre/sessions/{session_id:int}/certificats/{candidate_id:int}",
          centre_certificate, name="centre_certificate"),
]
