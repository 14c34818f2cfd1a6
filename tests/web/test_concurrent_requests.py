"""Requests that arrive at the same time, interleaved on purpose: what two in a row already do
(tests/web/test_candidate_*.py), the database keeps true when they overlap — across threads
here, across worker processes in production."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

import content
from tests.web.centre_support import make_staff
from tests.web.flows import enrolled
from web.centre import finalisation, results
from web.clock import FrozenClock
from web.course.answering import Submitted, submit
from web.course.state import load_course_and_view
from web.db import make_autocommit_engine, session_scope
from web.models import CertificationResult, Course, ExamSession

HTMX = {"HX-Request": "true"}


def test_two_clicks_on_report_at_once_report_once(
        client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests read the item before either writes (a barrier holds the first until the
    second has read): one pending report, and both get the answer a repeated click gets."""
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    served_id = flow.served_id()
    import web.candidate.exam as exam_module

    read = exam_module.load_view
    both_read = threading.Barrier(2, timeout=10)

    def read_then_wait(*args: Any) -> Any:
        view = read(*args)
        both_read.wait()
        return view

    monkeypatch.setattr(exam_module, "load_view", read_then_wait)
    responses: list[Any] = [None, None]

    def click(i: int) -> None:
        responses[i] = client.post("/candidat/test/signaler", data={"served": str(served_id)},
                                   follow_redirects=False)

    clicks = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=30)
    monkeypatch.setattr(exam_module, "load_view", read)
    assert [(r.status_code, r.headers["location"]) for r in responses] == [
        (303, "/candidat/test")] * 2
    assert [(a.served_item_id, a.status) for a in exam.alerts(lea)] == [(served_id, "pending")]
    exam.dismiss_problem(lea)  # one dismissal lets the candidate go on
    assert "Question 2 / 32" in flow.answer_current().text


def _waiting_on(db_engine: Engine, thread: threading.Thread) -> bool:
    """The thread's statement waits for a lock (PostgreSQL: another backend says so; SQLite:
    the thread is still busy after a moment, waiting for the write lock)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and thread.is_alive():
        if db_engine.dialect.name != "postgresql":
            time.sleep(0.3)
            return thread.is_alive()
        with db_engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname ="
                                 " current_database() AND wait_event_type = 'Lock'")).scalar():
                return True
        time.sleep(0.02)
    return False


def _finalised_around(app: Any, db_engine: Engine, clock: FrozenClock, session_id: int,
                      candidate_id: int, write: Callable[[], Submitted]) -> Submitted:
    """The centre finalises the session while `write` runs: finalisation's transaction ends
    the candidate's running course, `write` starts and waits, then the finalisation commits."""
    centre_id, staff_id = make_staff(db_engine, clock.now(), "chef@college.fr", centre="Collège")
    with session_scope(db_engine) as db:
        session = db.get(ExamSession, session_id)
        assert session is not None
        session.centre_id, session.start_time = centre_id, dt.time(7, 0)  # this morning
        db.add(session)
        db.commit()
        loaded = app.state.content
        people = finalisation.participants(db, session, loaded.config.length)
        form = finalisation.read_form({f"reason_{candidate_id}": ["technical"]}, people)
        assert not form.errors
        finalisation.finalise(db, session, people, form, staff_id, clock.now(), loaded)
        outcome: list[Submitted] = []
        writer = threading.Thread(target=lambda: outcome.append(write()))
        writer.start()
        assert _waiting_on(db_engine, writer)
        db.commit()
    writer.join(timeout=30)
    assert not writer.is_alive()
    return outcome[0]


@pytest.mark.parametrize("answered", [2, 31], ids=["an answer", "the last answer"])
def test_an_answer_read_before_the_finalisation_and_written_during_it_is_not_stored(
        client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock,
        answered: int) -> None:
    """The answer read the course while it ran; the finalisation ended it and computed its
    result while the answer's write waited: the write stores nothing (an answer stored after
    the result would not count in it), and the candidate is told the test has ended."""
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    for _ in range(answered):
        clock.advance(seconds=30)
        flow.page = flow.post_answer(flow.answer_form(), headers=HTMX)
    course_id = exam.course(lea).id
    reader = make_autocommit_engine(db_engine.url.render_as_string(hide_password=False))
    try:
        with reader.connect() as conn:
            course, view = load_course_and_view(conn, course_id)  # type: ignore[misc]
            served = view.current
            assert served is not None and course.state == "started"
            item = app.state.content.bank.items[served.item_id]

            def write() -> Submitted:
                with session_scope(db_engine) as db:
                    return submit(lambda: db, course, view, served.id,
                                  content.right_answer(item), "fr", app.state.content,
                                  clock.now(), autocommit=conn, shows_end=True)

            submitted = _finalised_around(app, db_engine, clock, exam.session_id, lea.id, write)
    finally:
        reader.dispose()
    assert submitted.outcome == "ended"
    stored = exam.course(lea)
    assert (stored.state, stored.end_reason) == ("ended", "ended_by_finalisation")
    assert stored.answered_count == len(exam.answers(lea)) == answered
    assert [s.position for s in exam.served(lea)] == list(range(1, answered + 2))
    with session_scope(db_engine) as db:
        [result] = db.exec(select(CertificationResult)).all()
        course_row = db.get(Course, course_id)
        assert course_row is not None and result.answered == answered
        again = results.rescore(db, course_row, app.state.content)  # from the stored rows
        assert (again.answered, again.score) == (result.answered, result.score)
    page = flow.post_answer(flow.answer_form(), headers=HTMX)  # the candidate's next click
    assert page.status_code == 200 and "Test terminé" in page.text
