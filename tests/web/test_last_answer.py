"""The test's last answer ends the test (on PostgreSQL in the answer's own statement,
web.course.answer_statements.ANSWER_AND_END; elsewhere in an ORM transaction): the same outcome on
both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

import content
from tests.web.flows import enrolled
from web.clock import FrozenClock
from web.course.answering import submit
from web.course.state import load_course_and_view
from web.db import make_autocommit_engine, session_scope
from web.models import LiveAlert

HTMX = {"HX-Request": "true"}


def _at_the_last_question(client: TestClient, app: Any, db_engine: Engine,
                          clock: FrozenClock):  # noqa: ANN202
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    for _ in range(31):
        clock.advance(seconds=30)
        flow.page = flow.answer_current(headers=HTMX, follow_redirects=False)
    assert flow.position() == 32
    return exam, lea, flow


def test_a_pending_report_left_on_an_answered_item_is_dismissed_at_the_end(
        client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = _at_the_last_question(client, app, db_engine, clock)
    course = exam.course(lea)
    answered = exam.served(lea)[5]  # reported from a second tab as it was answered
    with session_scope(db_engine) as db:
        db.add(LiveAlert(course_id=course.id, session_id=course.session_id,
                         served_item_id=answered.id, created_at=clock.now()))
        db.commit()
    clock.advance(seconds=30)
    page = flow.answer_current(headers=HTMX, follow_redirects=False)
    assert page.status_code == 200 and "Test terminé" in page.text
    course = exam.course(lea)
    assert (course.state, course.end_reason, course.ended_at) == ("ended", "completed",
                                                                  clock.now())
    assert course.answered_count == 32 and course.end_screen_seen_at == clock.now()
    assert [(a.status, a.resolved_at) for a in exam.alerts(lea)] == [("dismissed", clock.now())]


def test_without_javascript_the_end_page_records_that_it_was_seen(
        client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = _at_the_last_question(client, app, db_engine, clock)
    response = flow.answer_current(follow_redirects=False)
    assert response.status_code == 303  # to the end page (on SQLite by way of the test page)
    course = exam.course(lea)
    assert course.state == "ended" and course.end_screen_seen_at is None
    clock.advance(seconds=3)
    page = client.get(response.headers["location"])
    assert page.url.path == "/candidat/fin" and "Test terminé" in page.text
    assert exam.course(lea).end_screen_seen_at == clock.now()


def test_a_test_ended_meanwhile_keeps_its_reason_and_the_answer(
        client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    """The proctor ends the test between the last answer's read and its write: the answer is
    stored, the proctor's reason and time stand, and reports are not touched again."""
    exam, lea, flow = _at_the_last_question(client, app, db_engine, clock)
    course_id = exam.course(lea).id
    reader = make_autocommit_engine(db_engine.url.render_as_string(hide_password=False))
    try:
        with reader.connect() as conn:
            course, view = load_course_and_view(conn, course_id)
            ended_at = clock.now()
            with db_engine.begin() as other:
                other.execute(text("UPDATE certification_course SET state = 'ended',"
                                   " end_reason = 'ended_by_proctor', ended_at = :at"
                                   " WHERE id = :id"), {"at": ended_at, "id": course_id})
            clock.advance(seconds=10)
            served = view.current
            item = app.state.content.bank.items[served.item_id]
            with session_scope(db_engine) as db:
                submitted = submit(lambda: db, course, view, served.id,
                                   content.right_answer(item), "fr", app.state.content,
                                   clock.now(), autocommit=conn, shows_end=True)
        assert submitted.outcome == "stored"
    finally:
        reader.dispose()
    stored = exam.course(lea)
    assert (stored.state, stored.end_reason, stored.ended_at) == ("ended", "ended_by_proctor",
                                                                  ended_at)
    assert len(exam.answers(lea)) == 32
