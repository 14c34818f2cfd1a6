"""Tell an htmx partial request from a full page load (after django-htmx)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


def is_htmx(request: Request) -> bool:
    """A request htmx will swap into the page. A history restore (Back after the htmx cache
    expired) asks for the whole page, so it is not treated as partial."""
    # One pass over the raw headers (names are lower case in ASGI), the first of each name as
    # Headers.get would: two Headers.get, the second raising KeyError inside, cost more on the
    # hot paths.
    hx = restore = None
    for name, value in request.scope["headers"]:
        if name == b"hx-request" and hx is None:
            hx = value
        elif name == b"hx-history-restore-request" and restore is None:
            restore = value
    return hx == b"true" and restore != b"true"


def htmx_target(request: Request) -> str | None:
    return request.headers.get("hx-target") if is_htmx(request) else None


def vary_on_htmx(response: Response, *, no_store: bool = False) -> Response:
    """The same URL answers a fragment or a page: caches must key on HX-Request."""
    vary = response.headers.get("vary")
    response.headers["vary"] = f"{vary}, HX-Request" if vary else "HX-Request"
    if no_store:
        # Test pages must never come back from a cache (Back button, shared computer).
        response.headers["cache-control"] = "no-store"
    return response
