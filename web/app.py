"""The application factory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from web import i18n
from web.clock import Clock
from web.course.hint import CourseHints
from web.course.settled import SettledEntries
from web.db import LoopConnection, make_autocommit_engine, make_engine
from web.errors import http_error, server_error
from web.security import SecurityMiddleware
from web.session_cookie import SessionCookieMiddleware
from web.settings import Settings
from web.templating import make_templates

log = logging.getLogger("passation")
STATIC_DIR = __import__("pathlib").Path(__file__).parent / "static"

# Background jobs run every `sweep_interval_seconds`, e.g. closing tests past their deadline
# without waiting for a request. Each takes the app state.
Sweeper = Callable[[Any], None]


def _feature_routes() -> list[BaseRoute]:
    from web.candidate.routes import routes as candidate_routes
    from web.centre.routes import routes as centre_routes
    from web.jury.certificate_routes import routes as certificate_routes
    from web.jury.routes import routes as jury_routes
    from web.proctor.routes import routes as proctor_routes
    from web.public import routes as public_routes

    return [*public_routes, *candidate_routes, *proctor_routes, *centre_routes, *jury_routes,
            *certificate_routes]


def _sweepers() -> list[Sweeper]:
    from web.candidate.sweeper import close_overdue_courses

    return [close_overdue_courses]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    i18n.load_catalogs()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = None
        if settings.sweep_interval_seconds > 0:
            task = asyncio.create_task(_sweep_forever(app, settings.sweep_interval_seconds))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if app.state.loop_connection is not None:
                app.state.loop_connection.close()
            app.state.engine.dispose()
            app.state.autocommit_engine.dispose()

    from web.content_state import load_content

    content = load_content()
    routes: list[BaseRoute] = [
        Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"),
        Mount("/media", StaticFiles(directory=str(content.media_dir)), name="media"),
        *_feature_routes(),
    ]
    # Starlette tries routes in order, a regular expression each: the hot paths (the handlers
    # that run on the event loop: an answer, a question, a list poll) first, instead of after
    # a dozen or twenty others. Paths are unique, so the order changes nothing else.
    routes.sort(key=lambda route: not getattr(getattr(route, "endpoint", None), "on_loop", False))
    middleware = [
        Middleware(SecurityMiddleware, hsts=settings.secure_cookies),
        Middleware(SessionCookieMiddleware, secret_key=settings.secret_key,
                   session_cookie="passation", max_age=settings.session_max_age_seconds,
                   same_site="lax", https_only=settings.secure_cookies),
    ]
    app = Starlette(
        debug=False,
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.settings = settings
    app.state.clock = clock or Clock()
    app.state.engine = make_engine(settings.database_url)
    app.state.autocommit_engine = make_autocommit_engine(settings.database_url)
    app.state.loop_connection = (  # web.db.LoopConnection: PostgreSQL only
        LoopConnection(app.state.autocommit_engine)
        if app.state.autocommit_engine.dialect.name == "postgresql" else None)
    app.state.templates = make_templates(auto_reload=settings.environment == "development",
                                         source_url=settings.source_url)
    app.state.content = content
    app.state.settled_entries = SettledEntries()  # web.course.settled: per process
    app.state.course_hints = CourseHints()  # web.course.hint: per process
    return app


async def _sweep_forever(app: Starlette, interval: float) -> None:
    sweepers = _sweepers()
    while True:
        await asyncio.sleep(interval)
        for sweeper in sweepers:
            try:
                await asyncio.to_thread(sweeper, app.state)
            except Exception:  # a failed sweep must not stop the next one
                log.exception("background sweep %s failed", sweeper.__name__)


def asgi_app() -> Starlette:
    """Entry point for `uvicorn --factory web.app:asgi_app`: one app per serving process."""
    app = create_app(Settings.from_env())
    tune_garbage_collector()
    return app


def tune_garbage_collector() -> None:
    """For a serving process, once its app is built (not in create_app: a test run builds
    hundreds of apps in one process, and a frozen object is never collected).

    What start-up built — modules, the item bank, templates, SQLAlchemy's metadata — lives as
    long as the process: frozen, it is left out of every later collection instead of being
    walked by each full one. Requests allocate thousands of short-lived containers that
    reference counting frees; a first-generation threshold of 10,000 instead of 700 runs the
    collector about fourteen times less often for them (py-spy put the collector at ≈ 1.3 % of
    a worker's CPU under load, loadtests/README.md round 8)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


