"""Certification candidates and their proctors, through the real pages.

Configured by environment variables (set by loadtests/run.py):
LOADTEST_MANIFEST (from loadtests.seed), LOADTEST_HOSTS (comma-separated app URLs),
LOADTEST_COMPRESSION (think times are divided by it), LOADTEST_CANDIDATES, LOADTEST_RAMP,
LOADTEST_HOLD, LOADTEST_SETTLE (seconds), LOADTEST_QUESTION_SECONDS (real seconds per
question, from --pace), LOADTEST_DIR and LOADTEST_PREFIX (where the ledger and the
measurement window go), LOADTEST_APP_PIDS and LOADTEST_DATABASE_URL (CPU accounting).

Real-time behaviour, before compression: a question takes about 56 s (32 answers in 30 min, the
first half-hour's pace that the design point's 750 answers/s assume; `--pace mean`: 112 s,
32 answers in an hour), a proctor's live list refreshes every 5 s (Pix's cadence), a candidate
waiting for the proctor presses "Réessayer" every 10 s and a pending report is polled every
3 s (the page's own hx-trigger).
"""

from __future__ import annotations

import json
import math
import os
import random
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import LoadTestShape, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

from loadtests import measure
from loadtests.pages import Ledger, Question, claim, client_address, parse_live_list, parse_question
from loadtests.report import PACES, PROCTOR_REQUESTS

ENV = os.environ
COMPRESSION = float(ENV.get("LOADTEST_COMPRESSION", "20"))
HOSTS = ENV.get("LOADTEST_HOSTS", "http://127.0.0.1:8000").split(",")
CANDIDATES = int(ENV.get("LOADTEST_CANDIDATES", "20"))
RUN_DIR = Path(ENV.get("LOADTEST_DIR", "var/loadtest"))
PREFIX = ENV.get("LOADTEST_PREFIX", "run")
SEATS = 20
# Real seconds per question (--pace): the peak pace unless run.py says otherwise.
QUESTION_SECONDS = float(ENV.get("LOADTEST_QUESTION_SECONDS", PACES["peak"]))
SKIP_SHARE = 0.05  # of questions
REPORT_SHARE = 0.10  # of candidates report one problem
DISCONNECT_SHARE = 0.10  # of candidates lose their connection once, then resume
FORCE_INCIDENTS = ENV.get("LOADTEST_FORCE_INCIDENTS") == "1"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}

LEDGER = Ledger()
_manifest: dict[str, Any] | None = None
_next_host = 0


def manifest() -> dict[str, Any]:
    global _manifest
    if _manifest is None:
        _manifest = json.loads(Path(ENV["LOADTEST_MANIFEST"]).read_text())
    return _manifest


def think(real_seconds: float) -> None:
    """Sleep the real-life duration divided by the time-compression factor."""
    gevent.sleep(real_seconds / COMPRESSION)


def pick_host() -> str:
    # Round robin per Locust process: K app processes get an even share of people.
    global _next_host
    _next_host += 1
    return HOSTS[_next_host % len(HOSTS)]


class Person(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    # Redirects are followed by hand, so that each step is named and the htmx header kept
    # (a browser's XMLHttpRequest keeps it across a 303, as htmx relies on).

    def __init__(self, environment: Any) -> None:
        self.host = pick_host()
        super().__init__(environment)
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, name: str, *, body: str | None = None,
             htmx: bool = False, expect: tuple[int, ...] = (200,),
             extra: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, body, redirect location); unexpected statuses count as failures."""
        headers = {**self.headers, **(HTMX if htmx else {}), **(FORM if body is not None else {}),
                   **(extra or {})}
        with self.client.request(method, path, name=name, data=body, headers=headers,
                                 allow_redirects=False, catch_response=True) as response:
            status = response.status_code or 0
            text = response.text or ""
            if status in expect:
                response.success()
            else:
                response.failure(f"{method} {path}: {status} {text[:200]!r}")
            return status, text, response.headers.get("location", "") if response.headers else ""


class CandidateUser(Person):
    weight = 20

    def on_start(self) -> None:
        seat = claim(RUN_DIR / f"{PREFIX}-candidate-seats")
        sessions = manifest()["sessions"]
        if seat >= len(sessions) * SEATS:
            raise RuntimeError("not enough seeded candidates for this many users")
        self.session_index, self.seat = divmod(seat, SEATS)
        self.session = sessions[self.session_index]
        self.me = self.session["candidates"][self.seat]
        self.headers = {"X-Forwarded-For": client_address(self.session_index)}
        self.report_at = random.randint(3, 28) if random.random() < REPORT_SHARE else 0
        self.disconnect_at = random.randint(3, 28) if random.random() < DISCONNECT_SHARE else 0
        if FORCE_INCIDENTS and seat in (0, 1):  # the smoke test wants each path exercised
            self.report_at, self.disconnect_at = (3, 0) if seat == 0 else (0, 4)

    def join(self, resume: bool = False) -> None:
        me, session = self.me, self.session
        self.call("GET", "/candidat", "join page")
        identity = urlencode({"session": session["id"], "first_name": me["first_name"],
                              "last_name": me["last_name"], "day": me["day"],
                              "month": me["month"], "year": me["year"]})
        self.call("POST", "/candidat", "join identity", body=identity, expect=(303,))
        self.call("GET", "/candidat/code", "join code page")
        status, _, location = self.call("POST", "/candidat/code", "join code",
                                        body=f"code={session['access_code']}", expect=(200, 303))
        while status == 200:  # the waiting page: the proctor has to authorise
            think(10)
            status, _, location = self.call("POST", "/candidat/entrer", "join retry",
                                            body="", expect=(200, 303))
        if resume:
            return
        self.call("GET", "/candidat/regles", "rules page")
        think(60)  # reading the rules
        self.call("POST", "/candidat/regles", "rules accept", body="accept=1", expect=(303,))

    @task
    def take_the_test(self) -> None:
        self.join()
        _, page, _ = self.call("GET", "/candidat/test", "question page")
        question = parse_question(page)
        self.saw_end = False
        while question is not None:
            question = self.handle(question)
        if not self.saw_end:
            self.call("GET", "/candidat/fin", "end page")
        LEDGER.completed_tests += 1
        while True:  # the test is over: this candidate stays idle until the run ends
            gevent.sleep(3600)

    def handle(self, question: Question) -> Question | None:
        if question.pending:
            return self.wait_for_proctor(question)
        if question.number == self.report_at:
            self.report_at = 0
            LEDGER.reports += 1
            status, _, _ = self.call("POST", "/candidat/test/signaler", "report problem",
                                     body=f"served={question.served}", htmx=True, expect=(303,))
            return self.next_question("question after report", question, acknowledged=False)
        thinking = random.uniform(0.4, 1.6) * QUESTION_SECONDS
        if question.timer is not None:  # a timed item: answered within its timer
            thinking = min(thinking, question.timer * 0.5)
        think(thinking)
        if question.number == self.disconnect_at:
            self.disconnect_at = 0
            return self.disconnect_and_resume(question)
        started = time.perf_counter()
        if random.random() < SKIP_SHARE:
            self.call("GET", "/candidat/test/passer", "skip confirm", htmx=True)
            started = time.perf_counter()
            path, name, body = "/candidat/test/passer", "skip", f"served={question.served}"
        else:
            path, name, body = "/candidat/test/repondre", "answer", question.answer_body()
        LEDGER.sent.add(question.served)
        # htmx: the POST answers the next question itself (200, one request per cycle); a 303
        # is still followed (what the server sends without htmx, or before this change).
        status, page, location = self.call("POST", path, name, body=body, htmx=True,
                                           expect=(200, 303))
        if status not in (200, 303):
            return None
        LEDGER.acknowledged.append(question.served)  # 200 and 303 both mean stored
        if status == 200:
            following = self.check_advanced(parse_question(page), question)
            self.saw_end = following is None  # the end fragment: no GET /candidat/fin
        elif location.endswith("/candidat/fin"):
            return None
        else:
            following = self.next_question("question", question)
        if following is None:  # the end fragment (200) or page (303): not a cycle
            return None
        self.environment.events.request.fire(
            request_type="CYCLE", name="answer cycle", context={}, exception=None,
            response_time=(time.perf_counter() - started) * 1000, response_length=0)
        return following

    def next_question(self, name: str, previous: Question, *,
                      acknowledged: bool = True) -> Question | None:
        status, page, location = self.call("GET", "/candidat/test", name, htmx=True,
                                           expect=(200, 303))
        if status == 303:
            return None  # ended (time, proctor): the end page follows
        question = parse_question(page)
        return self.check_advanced(question, previous) if acknowledged else question

    def check_advanced(self, question: Question | None, previous: Question) -> Question | None:
        if question is not None and question.served == previous.served:
            self.environment.events.request.fire(
                request_type="CHECK", name="answer did not advance", context={}, response_time=0,
                response_length=0, exception=RuntimeError(f"served {previous.served} again"))
        return question

    def wait_for_proctor(self, question: Question) -> Question | None:
        """A reported problem: the page polls every 3 s until the proctor decides."""
        while True:
            think(3)
            status, page, _ = self.call("GET", f"/candidat/test/etat?served={question.served}",
                                        "report status", htmx=True, expect=(204, 286, 303))
            if status == 286:
                return parse_question(page)
            if status == 303:
                return None

    def disconnect_and_resume(self, question: Question) -> Question | None:
        """The browser is closed (cookies lost); the candidate comes back and types again."""
        LEDGER.resumes += 1
        self.client.cookiejar.clear()
        think(30)
        self.join(resume=True)
        status, page, _ = self.call("GET", "/candidat/test", "question after resume",
                                    expect=(200, 303))
        resumed = parse_question(page) if status == 200 else None
        if resumed is not None and resumed.served != question.served:
            self.environment.events.request.fire(
                request_type="CHECK", name="resumed elsewhere", context={}, response_time=0,
                response_length=0, exception=RuntimeError("not the same question"))
        return resumed


class ProctorUser(Person):
    fixed_count = math.ceil(CANDIDATES / SEATS)

    def on_start(self) -> None:
        self.session_index = claim(RUN_DIR / f"{PREFIX}-proctor-sessions")
        self.session = manifest()["sessions"][self.session_index]
        self.headers = {"X-Forwarded-For": client_address(self.session_index)}
        self.base = f"/surveillant/session/{self.session['id']}"
        self.call("GET", "/surveillant", "proctor login page")
        self.call("POST", "/surveillant", "proctor login", expect=(303,),
                  body=f"session={self.session['id']}&password={self.session['password']}")
        _, page, _ = self.call("GET", self.base, "live page")
        self.version = parse_live_list(page).version

    @task
    def watch(self) -> None:
        """A poll (hx-trigger every 5 s) sends back the version of the list on screen, as
        proctor.js does: 204 while it is current (htmx swaps nothing, nothing new to act on)."""
        think(5)
        status, page, _ = self.call("GET", self.base, "live list", htmx=True, expect=(200, 204),
                                    extra={"X-Live-Version": self.version})
        if status != 200:
            return
        live = parse_live_list(page)
        self.version = live.version
        for candidate_id in live.unconfirmed:
            self.act(f"{self.base}/candidats/{candidate_id}/presence", "confirm presence")
        for candidate_id in live.resume_requests:
            self.act(f"{self.base}/candidats/{candidate_id}/reprise", "authorise resume")
        for alert_id in live.alerts:
            verdict = random.choice(["valider", "rejeter"])
            self.act(f"{self.base}/alertes/{alert_id}/{verdict}", f"alert {verdict}")

    def call(self, method: str, path: str, name: str, **kwargs: Any) -> tuple[int, str, str]:
        if name not in PROCTOR_REQUESTS:
            # report.PROCTOR_REQUESTS is how the 70 % phase tells a proctor's waiting from a
            # candidate's (run.candidates_for): a name missing there fails the run, not the sizing.
            self.environment.events.request.fire(
                request_type="CHECK", name="proctor request not in PROCTOR_REQUESTS", context={},
                response_time=0, response_length=0, exception=KeyError(name))
        return super().call(method, path, name, **kwargs)

    def act(self, path: str, name: str) -> None:
        """A button in the list: hx-post, 303, and htmx fetches the list again."""
        status, _, _ = self.call("POST", path, name, body="", htmx=True, expect=(303,))
        if status == 303:
            _, page, _ = self.call("GET", self.base, "live list after action", htmx=True)
            self.version = parse_live_list(page).version


class RampThenHold(LoadTestShape):
    """All candidates arrive over the ramp (a slot starts), then the load holds.

    The CPU snapshots that delimit the measurement window are taken here, on the master."""

    ramp = float(ENV.get("LOADTEST_RAMP", "10"))
    hold = float(ENV.get("LOADTEST_HOLD", "20"))
    settle = float(ENV.get("LOADTEST_SETTLE", "5"))
    users = CANDIDATES + math.ceil(CANDIDATES / SEATS)

    def __init__(self) -> None:
        super().__init__()
        self.start_snapshot: dict[str, Any] | None = None

    def _snapshot(self) -> dict[str, Any] | None:
        pids = [int(p) for p in ENV.get("LOADTEST_APP_PIDS", "").split(",") if p]
        url = ENV.get("LOADTEST_DATABASE_URL", "")
        return measure.snapshot(pids, url) if url.startswith("postgresql") else None

    def tick(self) -> tuple[int, float] | None:
        elapsed = self.get_run_time()
        if elapsed < self.ramp + self.settle:
            return self.users, max(1.0, self.users / max(self.ramp, 1))
        if self.start_snapshot is None:
            self.start_snapshot = self._snapshot() or {}
        if elapsed < self.ramp + self.hold:
            return self.users, 1.0
        end = self._snapshot()
        if self.start_snapshot and end:
            result = measure.window(self.start_snapshot, end)
            (RUN_DIR / f"{PREFIX}-window.json").write_text(json.dumps(result))
        return None


@events.test_stop.add_listener
def _write_ledger(environment: Any, **_: Any) -> None:
    if LEDGER.sent or LEDGER.acknowledged:
        LEDGER.dump(RUN_DIR / f"{PREFIX}-ledger-{os.getpid()}.json")
