"""Error pages: a clear French message and the right status, never a stack trace."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from web import i18n
from web.handler import current_language
from web.htmx import is_htmx, vary_on_htmx
from web.i18n import N_
from web.security import headers_for

log = logging.getLogger("passation")

DEFAULT_MESSAGES = {
    400: N_("La demande est incomplète ou mal formée."),
    403: N_("Vous n'avez pas accès à cette page."),
    404: N_("Cette page n'existe pas."),
    405: N_("Cette action n'est pas possible ici."),
    409: N_("Cette action n'est plus possible : la page a changé entre-temps."),
    413: N_("Les données envoyées sont trop volumineuses."),
    422: N_("Les données envoyées ne sont pas valides."),
    429: N_("Trop de tentatives. Patientez quelques minutes avant de réessayer."),
    500: N_("Une erreur inattendue s'est produite. Vos réponses déjà validées sont enregistrées."),
}


def _render(request: Request, status: int, message: str) -> Response:
    """`message`: the French message (N_), translated here once the request's language is
    active; endpoints run in a copy of the context, so their activation does not reach this
    handler, and an unknown path never activated anything."""
    i18n.activate(current_language(request))
    message = i18n.gettext_(message)
    templates = request.app.state.templates
    if is_htmx(request):
        # The message goes to the persistent status region, announced by screen readers.
        response = templates.TemplateResponse(request, "_status_message.html",
                                              {"message": message, "error": True},
                                              status_code=status)
        response.headers["HX-Retarget"] = "#status"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message,
                                    "lang": current_language(request)}, status_code=status)
    return vary_on_htmx(response, no_store=True)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    detail = exc.detail if exc.detail and exc.detail not in _starlette_defaults() else None
    message = detail or DEFAULT_MESSAGES.get(status, DEFAULT_MESSAGES[400])
    response = _render(request, status, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    response = _render(request, 500, DEFAULT_MESSAGES[500])
    # Starlette sends this page from its outermost layer, outside SecurityMiddleware: the
    # security headers are added here.
    hsts = request.app.state.settings.secure_cookies
    for name, value in headers_for(request.url.path, hsts=hsts):
        response.headers.setdefault(name.decode(), value.decode())
    return response


def _starlette_defaults() -> set[str]:
    from http import HTTPStatus

    return {s.phrase for s in HTTPStatus}
