"""Bad input gets a clear message and a 4xx, never a 500 — on every form and page anyone can
reach, not only on the ones a story thought of.

Each person (a visitor, candidates at each step, a proctor, a centre's and the platform's
administrators, a jury member) opens their pages, follows their links and, on every form they
are offered, sends the form as offered and then each field in turn hostile (see
`hostile.HOSTILE_VALUES`), missing or twice. Numbers in addresses, query strings and cookies
are replaced too, and what htmx and the candidate's script send is sent as they send it.
Whatever is sent, the answer is below 500, a refusal says why, and the answers a candidate had
given are still there, unchanged.

A form that succeeds may change the world (a session deleted, a proctor signed out, a test
ended); when the form is no longer on its page, the story builds a new world and goes on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from starlette.testclient import TestClient

from tests.web import hostile
from tests.web.centre_support import (
    PASSWORD,
    add_session,
    finalised_session,
    make_course,
    make_staff,
)
from tests.web.flows import (
    ACCESS_CODE,
    PROCTOR_PASSWORD,
    CandidateFlow,
    Exam,
    synthetic_content,
)
from web.centre import invitations
from web.clock import FrozenClock
from web.db import session_scope
from web.models import Answer, ExamSession, IncidentReport

ROLES = ("visiteur", "candidat en test", "candidat au code", "candidat aux règles",
         "candidat en attente", "surveillant", "centre", "plateforme", "jury")
COPIES = 3
MAX_PAGES = 40  # per person: every kind of page, not every row's copy of it
_ADDRESSES = (f"10.77.{i // 250}.{i % 250 + 1}" for i in itertools.count())


def _browser(app: Any) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", client=(next(_ADDRESSES), 4000),
                      raise_server_exceptions=False)


class World:
    """A centre with a session under way: each person signed in and at their step."""

    _count = itertools.count()

    def __init__(self, app: Any, db_engine: Engine, clock: FrozenClock) -> None:
        n = next(self._count)
        self.db_engine = db_engine
        self.exam = Exam(app, db_engine, clock, loaded=app.state.content)
        now = clock.now()
        with session_scope(db_engine) as db:
            centre_id = db.get(ExamSession, self.exam.session_id).centre_id  # type: ignore[union-attr]
        make_staff(db_engine, now, f"admin{n}@college.fr", centre_id=centre_id)
        make_staff(db_engine, now, f"plateforme{n}@passation.fr", platform=True)
        make_staff(db_engine, now, f"jury{n}@passation.fr", jury=True)
        # Many copies of what a form can use up (a test to end, a session to finalise): when
        # one is used, the same form is still offered for the next, without a new world.
        bank, version = app.state.content.engine_bank, app.state.content.config.version
        for i in range(COPIES):
            pupil = self.exam.enrol(first=f"Élève{i}", last="Copie")
            make_course(db_engine, bank, version, self.exam.session_id, pupil.id, now,
                        ["ok", "ko"], running=True, unanswered=1)
            earlier, people = add_session(db_engine, centre_id,
                                          now - dt.timedelta(days=3 + i))
            make_course(db_engine, bank, version, earlier, people[0],
                        now - dt.timedelta(days=3 + i), ["ok", "ko"] * 16)
            make_course(db_engine, bank, version, earlier, people[1],
                        now - dt.timedelta(days=3 + i), ["ok"] * 5, running=True, unanswered=1)
            self._finalised(centre_id, now - dt.timedelta(days=10 + i), bank, version)
        with session_scope(db_engine) as db:
            self.invitation = invitations.invite(db, centre_id, f"invite{n}@college.fr", now)
            db.commit()
        self.browsers: dict[str, TestClient] = {}
        self.starts: dict[str, list[str]] = {}
        session = self.exam.session_id
        visitor = self._add("visiteur", ["/", "/candidat", "/surveillant", "/centre/connexion",
                                         f"/centre/invitation/{self.invitation}", "/nulle-part",
                                         "/certificats/verification?code=P-2B4C6D8F"])
        assert visitor.get("/").status_code == 200
        self.candidates = {}
        for role, first in (("candidat en test", "Léa"), ("candidat au code", "Hugo"),
                            ("candidat aux règles", "Zoé"), ("candidat en attente", "Noé")):
            flow = CandidateFlow(self._add(role, ["/candidat/code", "/candidat/regles",
                                                  "/candidat/test", "/candidat/test/passer",
                                                  "/candidat/fin"]),
                                 self.exam, self.exam.enrol(first=first))
            self.candidates[role] = flow
            self.exam.confirm_presence(flow.candidate)
            assert flow.join().status_code in (200, 303)
            if role == "candidat au code":
                continue
            flow.enter_code(ACCESS_CODE)
            if role == "candidat aux règles":
                continue
            flow.accept_rules()
            flow.answer_current()
            flow.answer_current(correct=False)
            if role == "candidat en attente":
                flow.report_problem()
        self.answers_given = {(a.id, a.value, a.result)  # through the pages
                              for role in ("candidat en test", "candidat en attente")
                              for a in self.exam.answers(self.candidates[role].candidate)}
        assert len(self.answers_given) == 4  # two each for the two candidates in their test
        proctor = self._add("surveillant", [f"/surveillant/session/{session}"])
        signed_in = proctor.post("/surveillant", data={"session": str(session),
                                                      "password": PROCTOR_PASSWORD})
        assert signed_in.url.path == f"/surveillant/session/{session}", signed_in.text
        for role, email in (("centre", f"admin{n}@college.fr"),
                            ("plateforme", f"plateforme{n}@passation.fr"),
                            ("jury", f"jury{n}@passation.fr")):
            staff = self._add(role, ["/centre", "/centre/sessions", "/admin/centres",
                                     "/admin/finalisations-en-retard", "/centre/mot-de-passe",
                                     "/jury/sessions"])
            response = staff.post("/centre/connexion", data={"email": email,
                                                             "password": PASSWORD})
            assert response.url.path != "/centre/connexion", response.text
        for browser in self.browsers.values():
            browser.follow_redirects = False

    def _finalised(self, centre_id: int, when: dt.datetime, bank: Any, version: str) -> None:
        """A session its centre finalised, awaiting the jury: one result, one incident."""
        session_id, candidate = finalised_session(self.db_engine, bank, version, centre_id, when)
        with session_scope(self.db_engine) as db:
            db.add(IncidentReport(session_id=session_id, candidate_id=candidate,
                                  category="other", comment="Bruit", created_at=when))
            db.commit()

    def _add(self, role: str, starts: list[str]) -> TestClient:
        self.browsers[role] = _browser(self.exam.app)
        self.starts[role] = starts
        return self.browsers[role]

    def answers_kept(self) -> bool:
        """Every answer given before is still there, unchanged."""
        with session_scope(self.db_engine) as db:
            stored = db.exec(select(Answer.id, Answer.value, Answer.result).where(
                col(Answer.id).in_([given[0] for given in self.answers_given]))).all()
        return {tuple(row) for row in stored} == self.answers_given


@dataclasses.dataclass
class Report:
    problems: list[str] = dataclasses.field(default_factory=list)
    sent: int = 0


class Visit:
    """One person's visit: every page they can reach, every form on those pages."""

    def __init__(self, world: World, role: str, report: Report) -> None:
        self.world, self.role, self.report = world, role, report
        self.browser = world.browsers[role]
        self.pages: list[str] = []
        self.alike: dict[str, list[str]] = {}  # kind of page (numbers aside) → pages not read

    def get(self, path: str) -> Any:
        return self.check("GET", path, lambda: self.browser.get(path))

    def check(self, method: str, path: str, send: Callable[[], Any], what: str = "") -> Any:
        response = send()
        self.report.sent += 1
        status = response.status_code
        body = response.text
        if status >= 500:
            self.report.problems.append(f"{self.role}: {method} {path} {what} → {status}")
        elif (400 <= status < 500 and "text/html" in response.headers.get("content-type", "")
              and "<h1" not in body and 'role="alert"' not in body
              and 'class="status-message status-error"' not in body):
            # a refusal a person can read: a page that says what went wrong, an alert, or
            # (htmx) a message for the status region
            self.report.problems.append(f"{self.role}: {method} {path} {what} → {status}, "
                                         f"no message: {body[:300]!r}")
        return response

    def crawl(self, until: tuple | None = None) -> tuple[list[str], dict[tuple, hostile.Form]]:
        """Pages and forms (the first of each kind), breadth first; `until`: stop at the page
        that offers that form."""
        seen: list[str] = []
        forms: dict[tuple, hostile.Form] = {}
        queue = list(self.world.starts[self.role])
        kinds: set[str] = set()
        while queue and len(seen) < MAX_PAGES:
            path = queue.pop(0)
            kind = hostile.DIGITS.sub("#", urlsplit(path).path)
            if path in seen or path.startswith(("/static", "/media")):
                continue
            if kind in kinds:
                self.alike.setdefault(kind, []).append(path)
                continue
            seen.append(path)
            self.pages = seen
            kinds.add(kind)
            response = self.get(path)
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            page = hostile.read_page(path, response.text)
            queue.extend(page.links)
            for poll in page.polls:  # as htmx asks for it, too
                self.check("GET", poll, lambda poll=poll: self.browser.get(
                    poll, headers={"HX-Request": "true"}), "htmx")
            for form in page.forms:
                forms.setdefault(form.key[:2], form)
            if until in forms:
                break
        for path in queue:  # not read: still other places to find a form that was used up
            kind = hostile.DIGITS.sub("#", urlsplit(path).path)
            if kind in kinds and path not in seen:
                self.alike.setdefault(kind, []).append(path)
        return seen, forms

    def find(self, key: tuple, page: str) -> hostile.Form | None:
        """The form with this method and action (numbers aside), on `page` if it still offers
        it, else on another page of the same kind (another session's)."""
        for path in [page, *self.alike.get(hostile.DIGITS.sub("#", page), []),
                     *self._siblings(page)]:
            response = self.browser.get(path)
            if "text/html" in response.headers.get("content-type", ""):
                for form in hostile.read_page(path, response.text).forms:
                    if form.key[:2] == key:
                        return form
        return None

    def _siblings(self, page: str) -> list[str]:
        """`page` under another number of the same kind: another session's finalisation page
        when this session's is used up, from the other sessions' links."""
        first = hostile.DIGITS.search(page)
        if first is None:
            return []
        prefix = hostile.DIGITS.sub("#", page[:first.end()])
        numbers = {m.group() for path in self.alike.get(prefix, [])
                   if (m := hostile.DIGITS.search(path))} - {first.group()}
        return [hostile.with_number(page, 0, number) for number in sorted(numbers)]

    def send(self, form: hostile.Form, fields: list[tuple[str, str]], what: str,
             htmx: bool = False) -> Any:
        headers = {"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1/\x7f"} if htmx else {}
        if form.method == "GET":
            path = urlsplit(form.action).path + "?" + urlencode(fields)
            return self.check("GET", path, lambda: self.browser.get(path, headers=headers), what)
        if form.files:
            data: dict[str, list[str]] = {}
            files = []
            for name, value in fields:
                if name in form.files:
                    files.append((name, ("classe.csv", value.encode(), "text/csv")))
                else:
                    data.setdefault(name, []).append(value)
            return self.check("POST", form.action, lambda: self.browser.post(
                form.action, data=data, files=files, headers=headers), what)
        body = urlencode(fields).encode()
        return self.check("POST", form.action, lambda: self.browser.post(
            form.action, content=body, headers={
                **headers, "Content-Type": "application/x-www-form-urlencoded"}), what)



def _clear_limits(db_engine: Engine) -> None:
    """The stories check what each field does, not the rate limits (tested on their own):
    without this, the tenth wrong access code would lock the form and hide the rest."""
    with db_engine.begin() as conn:
        conn.execute(text("DELETE FROM rate_limit"))


@pytest.mark.slow
@pytest.mark.usefixtures("client")  # the app's lifespan: its connections closed at the end
@pytest.mark.parametrize("role", ROLES)
def test_nothing_anyone_sends_gets_a_500_or_loses_an_answer(
        app: Any, db_engine: Engine, clock: FrozenClock, role: str) -> None:
    app.state.content = synthetic_content()
    report = Report()
    world = World(app, db_engine, clock)
    visit = Visit(world, role, report)
    pages, forms = visit.crawl()
    assert forms or role == "candidat en attente", (role, pages)
    for path in pages:  # numbers and query strings first, while every page is still there
        for i in range(hostile.numbers_in(path)):
            for number in hostile.HOSTILE_IDS:
                visit.get(hostile.with_number(path, i, number))
        for changed in hostile.hostile_queries(path):
            visit.get(changed)
    for path in world.starts[role]:  # a cookie tampered with, sent alone
        for name in [*visit.browser.cookies.keys(), "lang"]:
            for value in hostile.HOSTILE_COOKIES:
                visit.check("GET", path, lambda path=path, name=name, value=value:
                            visit.browser.get(path, headers={"Cookie": f"{name}={value}"}),
                            f"cookie {name}={value[:20]}")
    rebuilt, worlds = 0, [world]
    for key, first in forms.items():
        # as the page offers it now: what came before may have changed it (another question)
        current = visit.find(key, first.page) if not rebuilt else None
        current = current or visit.crawl(until=key)[1].get(key)
        for operation in hostile.operations(first):
            if current is None:
                world = World(app, db_engine, clock)
                worlds.append(world)
                rebuilt += 1
                visit = Visit(world, role, report)
                current = visit.crawl(until=key)[1].get(key)
                assert current is not None, (role, key, "not found in a new world")
            fields = hostile.apply(operation, current.fields)
            if fields is None:
                continue
            _clear_limits(db_engine)
            response = visit.send(current, fields, hostile.describe(operation),
                                  htmx=operation[0] == "offered" or operation[-1] in ("\x00", "²"))
            assert world.answers_kept(), (role, key, operation)
            if response.status_code < 400:  # done: the form may be gone (a refusal changes nothing)
                current = visit.find(key, current.page)
    assert all(earlier.answers_kept() for earlier in worlds)
    assert not report.problems, "\n".join(report.problems[:40])
    print(f"{role}: {len(pages)} pages, {len(forms)} forms, {rebuilt} worlds rebuilt, "
          f"{report.sent} requests")
