"""Security headers and cross-site request protection, as pure ASGI middleware.

Cross-site protection follows Go 1.25's CrossOriginProtection: browsers label every request with
Sec-Fetch-Site, so an unsafe request labelled cross-site (or same-site, i.e. from a sibling
subdomain) is refused; older browsers fall back to comparing Origin with Host. This protects plain
forms (no JavaScript) and htmx requests alike, without tokens. Non-browser clients send neither
header and are let through: they carry no ambient cookies of a victim.

Every response also gets `Cache-Control: no-store` (static files and item media excepted) unless
its handler set its own, and Strict-Transport-Security when the app runs behind HTTPS.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import i18n
from web.i18n import gettext_ as _

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]
# Sent only when the app runs behind HTTPS (SECURE_COOKIES): one year, this host only (whether
# every subdomain serves HTTPS is the operator's business, not the app's).
HSTS = (b"strict-transport-security", b"max-age=31536000")
# Every dynamic response may carry personal data (names, results, a test in progress): none is
# kept by a browser or proxy cache unless its handler says otherwise. Static files and item media
# (public, versioned by the deployment) keep their validators.
NO_STORE = (b"cache-control", b"no-store")
CACHEABLE_PREFIXES = ("/static/", "/media/")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def headers_for(path: str, *, hsts: bool) -> list[tuple[bytes, bytes]]:
    """The headers SecurityMiddleware adds to a response for `path` (unless already set)."""
    headers = list(SECURITY_HEADERS)
    if not path.startswith(CACHEABLE_PREFIXES):
        headers.append(NO_STORE)
    if hsts:
        headers.append(HSTS)
    return headers


def refusal(headers: dict[bytes, bytes]) -> bytes:
    """The refusal page, in the language of the `lang` cookie (read only on this rare path)."""
    cookies = cookie_parser(headers.get(b"cookie", b"").decode("latin-1"))
    lang = i18n.activate(cookies.get("lang", i18n.DEFAULT_LANGUAGE))
    title = html.escape(_("Requête refusée"))
    message = html.escape(_("Cette action doit être envoyée depuis une page de Passation. "
                            "Revenez à la page précédente et réessayez."))
    return (f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{title}</title>'
            f"<main><h1>{title}</h1><p>{message}</p></main></html>").encode()


class SecurityMiddleware:
    """Refuses cross-site unsafe requests (403), adds the security headers to every response.

    One layer for both: every request of a national load goes through it (≈ 3 per answer
    cycle), and each ASGI layer costs a coroutine and a `send` wrapper per request."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        # Computed once: the same two lists serve every request.
        self._dynamic = headers_for("/", hsts=hsts)
        self._cacheable = headers_for(CACHEABLE_PREFIXES[0], hsts=hsts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        added = (self._cacheable if scope["path"].startswith(CACHEABLE_PREFIXES)
                 else self._dynamic)
        if method not in SAFE_METHODS:
            headers = dict(scope["headers"])
            if is_cross_site(method, headers):
                body = refusal(headers)
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode())]
                            + added})
                await send({"type": "http.response.body", "body": body})
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name for name, _ in headers}  # a handler's own header stays
                message["headers"] = headers + [(k, v) for k, v in added if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def is_cross_site(method: str, headers: dict[bytes, bytes]) -> bool:
    if method in SAFE_METHODS:
        return False
    fetch_site = headers.get(b"sec-fetch-site", b"").decode("latin-1").lower()
    if fetch_site:
        return fetch_site not in {"same-origin", "none"}
    origin = headers.get(b"origin", b"").decode("latin-1")
    if not origin:
        return False
    if origin == "null":
        return True
    host = headers.get(b"host", b"").decode("latin-1").lower()
    return urlsplit(origin).netloc.lower() != host
