"""Per-request CPU micro-benchmark: the real app on PostgreSQL, driven in-process over ASGI.

`python -m loadtests.bench_requests [--sessions 5] [--rounds 10] [--no-settled] [--no-hint]`

Recreates the database `passation_bench` (127.0.0.1:5432, `LOADTEST_ADMIN_URL` as for the load
test), seeds sessions of 20 candidates, joins every candidate through the real pages, then
measures `time.process_time()` (CPU of this whole process, thread pool included — not wall
time, so a busy shared machine does not skew it) per request type:

- `trivial`: a route returning a constant text — the middleware + routing floor, as a plain
  function (run in the thread pool, like every @endpoint) and as a coroutine;
- `POST answer` (htmx: stores the answer and answers the next question's fragment, 200 — the
  whole answer cycle; 303 before that change) and `GET question` (htmx fragment, what a
  reload or the 303's GET costs);
- once per candidate: `join flow` (join page, identity, code page, code, rules page,
  rules accepted) and the test's last answer, which ends it — the load test's measurement
  window holds few of either (candidates join during the ramp, a test outlasts a phase), so
  an answer cycle costs all told its own figure plus (join flow + last answer) / 32;
- `GET live list` (htmx fragment, 20 rows of running tests), first with changes in between
  (answers stored since the previous poll), then `unchanged` (two polls in a row): without
  the list's version (a 200 with the whole list) and with it, as proctor.js sends it (204).

PostgreSQL's own CPU is not included (another process): see the load test for it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import secrets
import sys
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from starlette.responses import PlainTextResponse
from starlette.routing import Route

from loadtests.pages import parse_live_list, parse_question
from loadtests.run import ADMIN_URL, recreate_database
from loadtests.seed import seed
from web.app import create_app
from web.course.hint import CourseHints
from web.course.settled import SettledEntries
from web.settings import Settings

HTMX = [(b"hx-request", b"true")]


class Browser:
    """One cookie jar talking to the ASGI app directly (no sockets, no HTTP client)."""

    def __init__(self, app: Any, address: str) -> None:
        self.app = app
        self.address = address
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, data: dict[str, str] | list | None = None,
                      headers: list[tuple[bytes, bytes]] | None = None) -> tuple[int, dict, str]:
        body = urlencode(data).encode() if data is not None else b""
        path, _, query = path.partition("?")
        raw = [(b"host", b"127.0.0.1:8000"), (b"sec-fetch-site", b"same-origin"),
               *(headers or [])]
        if self.cookies:
            raw.append((b"cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                        .encode()))
        if method == "POST":
            raw += [(b"content-type", b"application/x-www-form-urlencoded"),
                    (b"content-length", str(len(body)).encode())]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": query.encode(), "root_path": "", "headers": raw,
                 "client": (self.address, 4000), "server": ("127.0.0.1", 8000), "state": {}}
        sent = False

        async def receive() -> dict:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        out: dict[str, Any] = {"body": []}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
                out["headers"] = message["headers"]
            else:
                out["body"].append(message.get("body", b""))

        await self.app(scope, receive, send)
        response_headers: dict[str, str] = {}
        for name, value in out["headers"]:
            key = name.decode().lower()
            if key == "set-cookie":
                cookie = SimpleCookie(value.decode())
                for morsel in cookie.values():
                    self.cookies[morsel.key] = morsel.value
            response_headers[key] = value.decode()
        return out["status"], response_headers, b"".join(out["body"]).decode()


async def join(app: Any, session: dict, person: dict) -> Browser:
    """A candidate's way in, page by page as a browser loads them (the first question
    excepted): join page, identity, code page, code, rules page, rules accepted."""
    browser = Browser(app, "10.0.0.1")
    assert (await browser.request("GET", "/candidat"))[0] == 200
    status, _, _ = await browser.request("POST", "/candidat", {
        "session": str(session["id"]), **{k: str(v) for k, v in person.items()}})
    assert status == 303, status
    assert (await browser.request("GET", "/candidat/code"))[0] == 200
    status, _, _ = await browser.request("POST", "/candidat/code",
                                         {"code": session["access_code"]})
    assert status == 303, status
    assert (await browser.request("GET", "/candidat/regles"))[0] == 200
    status, headers, _ = await browser.request("POST", "/candidat/regles", {"accept": "1"})
    assert status == 303 and headers["location"] == "/candidat/test", (status, headers)
    return browser


async def proctor(app: Any, session: dict) -> Browser:
    browser = Browser(app, "10.0.0.2")
    status, _, _ = await browser.request("POST", "/surveillant", {
        "session": str(session["id"]), "password": session["password"]})
    assert status == 303, status
    return browser


class Meter:
    def __init__(self, profile: str = "") -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)
        self.rounds: dict[str, list[float]] = defaultdict(list)  # ms/request of each round
        self.mark: dict[str, tuple[float, int]] = {}
        self.profile = profile
        # Timed in CPU like the figures (the default wall clock counts waits on PostgreSQL).
        self.profiler = cProfile.Profile(time.process_time) if profile else None

    async def timed(self, name: str, call: Any) -> Any:
        profiler = self.profiler if name == self.profile else None
        if profiler is not None:
            profiler.enable()
        start = time.process_time()
        result = await call
        self.cpu[name] += time.process_time() - start
        if profiler is not None:
            profiler.disable()
        self.count[name] += 1
        return result

    def end_round(self) -> None:
        for name in self.cpu:
            cpu, count = self.mark.get(name, (0.0, 0))
            if self.count[name] > count:
                self.rounds[name].append(1000 * (self.cpu[name] - cpu) / (self.count[name] - count))
            self.mark[name] = (self.cpu[name], self.count[name])

    def report(self) -> str:
        """Mean over all requests, and the median and minimum of the per-round means: on a
        shared machine, the minimum is the least disturbed figure."""
        lines = [f"{'request':<40}{'n':>7}{'mean':>9}{'median':>9}{'min':>9}   CPU ms/request"]
        for name in self.cpu:
            rounds = sorted(self.rounds[name]) or [0.0]
            lines.append(f"{name:<40}{self.count[name]:>7}"
                         f"{1000 * self.cpu[name] / self.count[name]:>9.3f}"
                         f"{rounds[len(rounds) // 2]:>9.3f}{rounds[0]:>9.3f}")
        return "\n".join(lines)


async def run(sessions: int, rounds: int, warmup: int, profile: str = "",
              settled: bool = True, hint: bool = True) -> Meter:
    url = recreate_database(ADMIN_URL, os.environ.get("BENCH_DB", "passation_bench"))
    manifest = seed(url, sessions)
    settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(36),
                        environment="production", sweep_interval_seconds=0)
    app = create_app(settings)
    if not settled:  # every read fetches all the course's items, as before round 5
        app.state.settled_entries = SettledEntries(capacity=0)
    if not hint:  # every answer reads the course first, as before round 6
        app.state.course_hints = CourseHints(capacity=0)
    app.router.routes.append(Route("/bench-trivial", lambda request: PlainTextResponse("ok")))

    async def trivial_async(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    app.router.routes.append(Route("/bench-trivial-async", trivial_async))
    meter = Meter(profile)
    candidates: list[Browser] = []
    for session in manifest["sessions"]:
        for person in session["candidates"]:
            # Once per candidate, like the end of the test below: what an answer cycle costs
            # all told is the cycle plus (join flow + last answer) / 32.
            candidates.append(await meter.timed("join flow (6 requests)",
                                                join(app, session, person)))
    meter.end_round()
    watcher = await proctor(app, manifest["sessions"][0])
    live_path = f"/surveillant/session/{manifest['sessions'][0]['id']}"
    trivial = Browser(app, "10.0.0.3")
    trivial.cookies = dict(candidates[0].cookies)  # a realistic cookie to decode

    async def cycle(browser: Browser, record: bool) -> None:
        status, _, page = await browser.request("GET", "/candidat/test", headers=HTMX)
        assert status == 200, (status, page[:300])
        question = parse_question(page)
        assert question is not None and question.fields, page[:300]
        body = [("served", str(question.served)), *question.fields]
        call = browser.request("POST", "/candidat/test/repondre", body, headers=HTMX)
        if record:
            status, _, _ = await meter.timed("POST answer", call)
            status2, _, _ = await meter.timed("GET question", browser.request(
                "GET", "/candidat/test", headers=HTMX))
            assert status2 == 200
        else:
            status, _, _ = await call
        assert status in (200, 303), status

    shown_version = ""
    for n in range(warmup + rounds):
        record = n >= warmup
        for browser in candidates:
            await cycle(browser, record)
        if record:
            for _ in range(50):
                await meter.timed("trivial (thread pool)", trivial.request("GET", "/bench-trivial"))
                await meter.timed("trivial (async)", trivial.request("GET",
                                                                    "/bench-trivial-async"))
            async def changes_since(shown: str) -> None:
                # proctor.js sends back the version on screen: every candidate has answered
                # since, so the 20 question numbers come out of band (web.proctor.changes).
                status, headers, page = await meter.timed(
                    "GET live list (changes since the last poll)", watcher.request(
                        "GET", live_path, headers=[*HTMX, (b"x-live-version", shown.encode())]))
                assert status == 200 and headers.get("hx-reswap") == "none", status
                assert page.count('<span id="question-') == 20, page[:300]

            # The first request after the answers meets colder CPU caches: alternate the order.
            if shown_version and n % 2 == 0:
                await changes_since(shown_version)
            status, _, page = await meter.timed("GET live list (changed)", watcher.request(
                "GET", live_path, headers=HTMX))
            assert status == 200 and page.count('<tr id="candidat-') == 20, status
            if shown_version and n % 2 == 1:
                await changes_since(shown_version)
            version = shown_version = parse_live_list(page).version
            for _ in range(10):
                # Without JavaScript's X-Live-Version (a plain refresh): the whole list, 200.
                status, _, _ = await meter.timed("GET live list (unchanged, no version)",
                                                 watcher.request("GET", live_path, headers=HTMX))
                assert status == 200, status
                # proctor.js sends the version on screen back: 204 while it is current.
                status, _, _ = await meter.timed("GET live list (unchanged → 204)",
                                                 watcher.request("GET", live_path, headers=[
                                                     *HTMX, (b"x-live-version",
                                                             version.encode())]))
                assert status == 204, status
            meter.end_round()
    length = app.state.content.config.length
    for browser in candidates:  # to the end of the test: the last answer ends it
        status, _, page = await browser.request("GET", "/candidat/test", headers=HTMX)
        while (question := parse_question(page)) is not None:
            body = [("served", str(question.served)), *question.fields]
            call = browser.request("POST", "/candidat/test/repondre", body, headers=HTMX)
            if question.number == length:
                status, _, page = await meter.timed("POST answer, the last (ends the test)",
                                                    call)
                assert status == 200 and "data-served" not in page, (status, page[:300])
                break
            status, _, page = await call
            assert status == 200, (status, page[:300])
    meter.end_round()
    app.state.engine.dispose()
    return meter


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10, help="answer cycles per candidate")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-settled", action="store_true",
                        help="without the settled items cache (web.course.settled)")
    parser.add_argument("--no-hint", action="store_true",
                        help="without the remembered course and item (web.course.hint)")
    parser.add_argument("--profile", default="",
                        help="cProfile this request type (CPU time, profiler overhead included), "
                             "handlers run inline (no thread hop)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PASSATION_ENV", "production")
    if args.profile:
        import web.handler

        async def inline(func: Any, *call_args: Any) -> Any:
            return func(*call_args)

        web.handler.run_in_threadpool = inline  # type: ignore[assignment]
    meter = asyncio.run(run(args.sessions, args.rounds, args.warmup, args.profile,
                            settled=not args.no_settled, hint=not args.no_hint))
    print(meter.report())
    if meter.profiler is not None:
        stats = pstats.Stats(meter.profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
