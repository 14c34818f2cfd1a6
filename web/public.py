"""Pages anyone can open: home, language choice, health check."""

from __future__ import annotations

from sqlalchemy import text
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from web import i18n
from web.handler import Ctx, endpoint


@endpoint
def home(ctx: Ctx) -> Response:
    return ctx.render("home.html")


def safe_next(url: str) -> str:
    """Only a local path: never an open redirect."""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else "/"


@endpoint
def choose_language(ctx: Ctx) -> Response:
    lang = ctx.field("lang")
    response = ctx.redirect(safe_next(ctx.field("next", "/")))
    if lang in i18n.LANGUAGES:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                            secure=ctx.state.settings.secure_cookies)
    return response


@endpoint
def health(ctx: Ctx) -> Response:
    ctx.db.execute(text("SELECT 1"))
    return PlainTextResponse("ok")


routes = [
    Route("/", home, name="home"),
    Route("/langue", choose_language, methods=["POST"], name="language"),
    Route("/sante", health, name="health"),
]
