"""Endpoints as plain functions of a request context, run in the thread pool or on the loop.

Starlette reads the form on the event loop (it is async); everything after that — database work,
password hashing, template rendering — runs in a worker thread so the loop never blocks.

Except for the few short handlers that make up nearly all of a national load (an answer, a
question, a proctor's list poll, a report's status): `@endpoint(on_loop=True)` runs them on the
event loop itself. Each is a handful of indexed statements (≤ 3 round trips, ≈ 1 ms of wall time
with the commit), and under load the hop to a worker thread and back — two thread wake-ups and
GIL hand-overs per request — was 15–20 % of the app's CPU (py-spy, loadtests/README.md, round 4),
more than the overlap it bought. While such a handler waits on the database, the process serves
nobody else: production runs at least two worker processes per core (loadtests/README.md). Never
put password hashing, a file upload or a long query behind `on_loop`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy.engine import Connection
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web import i18n
from web.db import LoopConnection
from web.htmx import is_htmx, vary_on_htmx
from web.i18n import N_
from web.inputs import whole_number

MAX_FIELDS = 200
MAX_PART_SIZE = 64 * 1024
# Every {name:int} of a path is the id of a 32-bit integer column: a larger number names nothing,
# and the databases refuse it as a parameter (SQLite past 64 bits, PostgreSQL past 32).
MAX_PATH_ID = 2**31 - 1


@dataclass
class Ctx:
    request: Request
    form: FormData | None
    now: dt.datetime
    lang: str
    messages: list[str] = field(default_factory=list)
    on_loop: bool = False  # run on the event loop (see the module's docstring)
    _conn: Connection | None = None
    _held: LoopConnection | None = None  # where `_conn` came from, when not from the pool
    _db: Session | None = None
    _htmx: bool | None = None

    @property
    def db(self) -> Session:
        """The ORM session (web.db.session_scope's kind), opened on first use and closed after
        the response: the candidate's hot paths do not need it (they use `conn`), and opening
        and closing one for nothing cost ≈ 14 µs a request."""
        if self._db is None:
            self._db = Session(self.state.engine, expire_on_commit=False)
        return self._db

    @property
    def conn(self) -> Connection:
        """An autocommit connection (web.db.autocommit), checked out on first use: each
        statement is its own transaction, without BEGIN/COMMIT round trips. For the hot paths'
        single-statement reads and writes; anything that needs a transaction uses `db`."""
        if self._conn is None:
            self._held = self.state.loop_connection if self.on_loop else None
            self._conn = (self._held.acquire() if self._held is not None
                          else self.state.autocommit_engine.connect())
        return self._conn

    def close(self) -> None:
        """After the response: the connection back to where it came from, the session closed."""
        try:
            if self._conn is not None:
                if self._held is not None:
                    self._held.release(self._conn)
                else:
                    self._conn.close()
        finally:
            if self._db is not None:
                self._db.close()

    @property
    def state(self) -> Any:
        return self.request.app.state

    @property
    def session(self) -> dict[str, Any]:
        return self.request.session

    @property
    def htmx(self) -> bool:
        if self._htmx is None:  # asked several times per request (render, fragment, vary)
            self._htmx = is_htmx(self.request)
        return self._htmx

    def field(self, name: str, default: str = "") -> str:
        if self.form is None:
            return default
        value = self.form.get(name, default)
        return value.strip() if isinstance(value, str) else default

    def fields(self, name: str) -> list[str]:
        if self.form is None:
            return []
        return [v for v in self.form.getlist(name) if isinstance(v, str)]

    def form_dict(self) -> dict[str, list[str]]:
        if self.form is None:
            return {}
        return {key: self.fields(key) for key in self.form}

    def render(
        self,
        template: str,
        context: dict[str, Any] | None = None,
        *,
        status: int = 200,
        partial: str | None = None,
        no_store: bool = False,
    ) -> Response:
        """The full page, or only `partial` when htmx asks for a fragment."""
        name = partial if (partial and self.htmx) else template
        ctx = {"lang": self.lang, "now": self.now, "is_htmx": self.htmx}
        ctx.update(context or {})
        response = self.state.templates.TemplateResponse(
            self.request, name, ctx, status_code=status
        )
        return vary_on_htmx(response, no_store=no_store)

    def redirect(self, url: str) -> Response:
        # 303 turns a POST into a GET, with and without JavaScript alike.
        return RedirectResponse(url, status_code=303)


def current_language(request: Request) -> str:
    lang = request.cookies.get("lang", i18n.DEFAULT_LANGUAGE)
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def endpoint(
    fn: Callable[[Ctx], Response] | None = None,
    *,
    max_files: int = 0,
    max_part_size: int = MAX_PART_SIZE,
    on_loop: bool = False,
) -> Any:
    """Wrap `fn(ctx) -> Response` into a Starlette endpoint; `on_loop`: run it on the event
    loop instead of the thread pool (short hot handlers only: see the module's docstring)."""

    def decorate(func: Callable[[Ctx], Response]) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            if any(isinstance(value, int) and value > MAX_PATH_ID
                   for value in request.path_params.values()):
                raise HTTPException(404)
            form = None
            if request.method == "POST":
                try:
                    form = await read_form(request, max_files=max_files,
                                           max_part_size=max_part_size)
                except HTTPException:
                    raise
                except Exception as exc:  # malformed multipart or url-encoded body
                    raise HTTPException(400, N_("Formulaire illisible.")) from exc
            try:
                if on_loop:
                    return _run(func, request, form, on_loop=True)
                return await run_in_threadpool(_run, func, request, form)
            finally:
                if form is not None:
                    await form.close()

        handle.__name__ = func.__name__
        handle.on_loop = on_loop  # type: ignore[attr-defined]  # web.app puts these routes first
        return handle

    return decorate(fn) if fn is not None else decorate


async def read_form(request: Request, *, max_files: int, max_part_size: int) -> FormData:
    """The request's form. A small url-encoded body (every answer and skip: a few fields) is
    read whole and split by `parse_qsl`, which gives what Starlette's streaming parser gives
    (latin-1 bytes, then percent-decoding as UTF-8 with replacement) at a quarter of its CPU
    (≈ 10 against 45 µs in the app: loadtests/README.md, round 6). Anything else — multipart,
    no Content-Length, a body larger than one field may be — goes through Starlette's parser,
    which streams and enforces the per-field limit."""
    headers = request.headers
    kind = headers.get("content-type", "").partition(";")[0].strip().lower()
    length = whole_number(headers.get("content-length", ""))
    if (kind == "application/x-www-form-urlencoded" and length is not None
            and length <= max_part_size):
        body = await request.body()
        if len(body) <= max_part_size:  # the header may lie: the body read is what counts
            try:
                pairs: list[tuple[str, str | UploadFile]] = list(parse_qsl(
                    body.decode("latin-1"), keep_blank_values=True, max_num_fields=MAX_FIELDS))
                return FormData(pairs)
            except ValueError as exc:  # more than MAX_FIELDS fields
                raise HTTPException(400, N_("Formulaire illisible.")) from exc
    return await request.form(max_files=max_files, max_fields=MAX_FIELDS,
                              max_part_size=max_part_size)


def _run(func: Callable[[Ctx], Response], request: Request, form: FormData | None, *,
         on_loop: bool = False) -> Response:
    lang = i18n.activate(current_language(request))
    ctx = Ctx(request=request, form=form, now=request.app.state.clock.now(), lang=lang,
              on_loop=on_loop)
    try:
        return func(ctx)
    finally:
        ctx.close()
