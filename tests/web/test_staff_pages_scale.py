"""Staff pages at national scale: a page costs the same number of SQL statements with 2
candidates (or sessions, or centres) as with 12 — none is read one row at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from tests.web.centre_support import Admin, add_session, make_course, make_staff, use_test_bank
from web.db import session_scope
from web.models import Centre

FINISHED = ["ok", "ko", "ok", "skipped"] * 8  # 32 answers
STARTED = FINISHED[:25]


class Statements:
    """Counts what the app sends to the database (both of its engines) during a request."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.engines = (app.state.engine, app.state.autocommit_engine)
        self.count = 0

    def _seen(self, *_args: object) -> None:
        self.count += 1

    @contextmanager
    def counting(self) -> Iterator[None]:
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", self._seen)
        self.count = 0
        try:
            yield
        finally:
            for engine in self.engines:
                event.remove(engine, "before_cursor_execute", self._seen)

    def of_get(self, client: TestClient, url: str, **headers: str) -> int:
        with self.counting():
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        return self.count


class School:
    """A centre with a session of 2 candidates and one of 12, taken this morning: in each, one
    test still running, the others finished with their 32 answers."""

    def __init__(self, app, client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
        self.client, self.db_engine, self.clock = client, db_engine, clock
        bank, version = use_test_bank(app), app.state.content.config.version
        now = clock.now()
        self.centre_id, _ = make_staff(db_engine, now, "chef@lycee.fr", centre="Lycée")
        self.sessions: dict[int, int] = {}
        self.running: dict[int, int] = {}  # session → its candidate still taking the test
        for size in (2, 12):
            session_id, ids = add_session(db_engine, self.centre_id, now - dt.timedelta(hours=2),
                                          start=dt.time(6, 0), candidates=size)
            self.sessions[size] = session_id
            self.running[session_id] = ids[0]
            make_course(db_engine, bank, version, session_id, ids[0], now, STARTED, running=True)
            for candidate_id in ids[1:]:
                make_course(db_engine, bank, version, session_id, candidate_id, now, FINISHED)
        self.statements = Statements(app)
        Admin(client, "chef@lycee.fr").sign_in()

    def cost(self, page: str) -> dict[int, int]:
        """Statements of `page` (a path after /centre/sessions/<n>) for each session size."""
        return {size: self.statements.of_get(self.client, f"/centre/sessions/{sid}{page}")
                for size, sid in self.sessions.items()}

    def finalise(self, session_id: int) -> int:
        with self.statements.counting():
            response = self.client.post(f"/centre/sessions/{session_id}/finalisation", data={
                f"reason_{self.running[session_id]}": "technical", "comment": ""})
        assert response.status_code == 200 and "/resultats" in str(response.url)
        return self.statements.count


@pytest.fixture
def school(app, client: TestClient, db_engine, clock) -> School:  # noqa: ANN001
    return School(app, client, db_engine, clock)


@pytest.mark.parametrize("page", ["", "/emargement", "/consignes", "/candidats/nouveau",
                                  "/candidats/import", "/finalisation"])
def test_a_session_page_costs_the_same_with_12_candidates_as_with_2(school: School,
                                                                    page: str) -> None:
    cost = school.cost(page)
    assert cost[12] == cost[2], cost


def test_finalising_and_reading_results_cost_the_same_with_12_candidates_as_with_2(
        school: School) -> None:
    finalising = {size: school.finalise(sid) for size, sid in school.sessions.items()}
    assert finalising[12] == finalising[2], finalising
    for page in ("/resultats", "/resultats.csv"):
        cost = school.cost(page)
        assert cost[12] == cost[2], (page, cost)


def test_the_list_of_sessions_costs_the_same_with_12_sessions_as_with_2(school: School) -> None:
    with_two = school.statements.of_get(school.client, "/centre/sessions")
    for _ in range(10):
        add_session(school.db_engine, school.centre_id, school.clock.now(), candidates=3)
    assert school.statements.of_get(school.client, "/centre/sessions") == with_two


def test_the_proctor_list_costs_the_same_with_12_candidates_as_with_2(school: School) -> None:
    cost = {}
    for size, session_id in school.sessions.items():
        proctor = TestClient(school.client.app, base_url="http://127.0.0.1")
        signed_in = proctor.post("/surveillant", data={"session": str(session_id),
                                                       "password": "K7P4MX"})
        assert signed_in.status_code == 200
        url = f"/surveillant/session/{session_id}"
        cost[size] = (school.statements.of_get(proctor, url),
                      school.statements.of_get(proctor, url, **{"HX-Request": "true"}))
    assert cost[12] == cost[2], cost


def test_the_list_of_centres_costs_the_same_with_12_centres_as_with_2(
        client: TestClient, app, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "root@passation.fr", platform=True)
    statements = Statements(app)
    Admin(client, "root@passation.fr").sign_in()

    def add_centres(n: int) -> None:
        with session_scope(db_engine) as db:
            db.add_all(Centre(name=f"Collège n{i}", created_at=clock.now()) for i in range(n))
            db.commit()

    def cost() -> tuple[int, int, int]:
        return tuple(statements.of_get(client, url)  # type: ignore[return-value]
                     for url in ("/admin/centres", "/admin/centres?q=coll", "/admin/centres/1"))

    add_centres(2)
    with_two = cost()
    add_centres(10)
    assert cost() == with_two
