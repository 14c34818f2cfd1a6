"""The answer in one round trip from what the process remembers (web.course.hint,
web.course.answering.submit_guarded), on PostgreSQL: taken when nothing changed, and whenever
another process changed what the answer depends on, nothing is written from the stale memory —
the ordinary path (read, then write) answers from the database. On SQLite the path is never
taken."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

import engine
from tests.web.flows import enrolled
from web.clock import FrozenClock
from web.course.answer_statements import ANSWER_AND_END, GUARDED_ANSWER_AND_NEXT
from web.db import session_scope
from web.models import Answer

HTMX = {"HX-Request": "true"}


@pytest.fixture
def primed(client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock):  # noqa: ANN201
    """Léa has answered her first question with htmx: the process remembers her course and
    the item it served her next."""
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    flow.post_answer(flow.answer_form(), headers=HTMX)
    hints = app.state.course_hints
    hints.used = hints.refused = 0
    return exam, lea, flow, hints


def _postgresql(db_engine: Engine) -> bool:
    return db_engine.dialect.name == "postgresql"


def _sent_back(hints: Any, db_engine: Engine) -> bool:
    """The remembered course was tried (PostgreSQL) and sent back to the ordinary path."""
    return hints.used == 0 and hints.refused == (1 if _postgresql(db_engine) else 0)


def _meanwhile(db_engine: Engine, sql: str, **params: Any) -> None:
    """Another process (the proctor's, the other tab's) changes the database."""
    with db_engine.begin() as conn:
        conn.execute(text(sql), params)


def test_a_whole_test_goes_through_the_hint_and_serves_what_the_engine_chooses(
        client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    hints = app.state.course_hints
    page = flow.start()
    correct = True
    while "data-served" in page.text:  # htmx: each answer's response is the next question
        page = flow.post_answer(flow.answer_form(correct), headers=HTMX)
        assert page.status_code == 200
        correct = not correct
    answers, served, course = exam.answers(lea), exam.served(lea), exam.course(lea)
    assert len(answers) == 32 and course.state == "ended" and course.answered_count == 32
    assert [s.position for s in served] == list(range(1, 33))
    if _postgresql(db_engine):
        # The question page remembered the first item; the last answer ends the test in a
        # transaction, the ordinary way: the 31 before it are one guarded statement each.
        assert (hints.used, hints.refused) == (31, 1)
    else:
        assert (hints.used, hints.refused) == (0, 0)
    # Each item is the engine's choice after the answers before it, as the ordinary path
    # would have chosen it.
    results = {a.served_item_id: a.result for a in answers}
    config = app.state.content.config_for(course.config_version)
    history: list[engine.Served] = []
    for item in served:
        if history:
            step = engine.next_step(history, app.state.content.engine_bank, config,
                                    accessible_only=course.accessibility, seed=course.seed)
            assert step.item_id == item.item_id
        history.append(engine.Served(item.item_id, results[item.id], item.a, item.b))


def test_unchanged_the_next_answer_is_one_statement(primed, db_engine: Engine) -> None:
    exam, lea, flow, hints = primed
    flow.post_answer(flow.answer_form(), headers=HTMX)
    assert len(exam.answers(lea)) == 2
    assert hints.used == (1 if _postgresql(db_engine) else 0) and hints.refused == 0


def test_a_focus_out_recorded_elsewhere_is_stored_with_the_answer(
        primed, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow, hints = primed
    served = flow.current_served()
    _meanwhile(db_engine, "UPDATE served_item SET focused_out_at = :now WHERE id = :id",
               now=clock.now(), id=served.id)
    response = flow.post_answer(flow.answer_form(), headers=HTMX)
    assert response.status_code == 200
    [stored] = [a for a in exam.answers(lea) if a.served_item_id == served.id]
    assert stored.focused_out is True
    assert _sent_back(hints, db_engine)


def test_a_timer_restarted_elsewhere_counts_from_the_restart(
        primed, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow, hints = primed
    served = flow.current_served()
    clock.advance(seconds=40)
    restart = clock.now()  # a resume restarted the item's timer
    _meanwhile(db_engine, "UPDATE served_item SET timer_started_at = :at WHERE id = :id",
               at=restart, id=served.id)
    clock.advance(seconds=5)
    flow.post_answer(flow.answer_form(), headers=HTMX)
    [stored] = [a for a in exam.answers(lea) if a.served_item_id == served.id]
    assert stored.time_spent_ms == 5000
    assert _sent_back(hints, db_engine)


def test_a_report_pending_elsewhere_refuses_the_answer(
        primed, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow, hints = primed
    served = flow.current_served()
    course = exam.course(lea)
    _meanwhile(db_engine, "INSERT INTO live_alert (course_id, session_id, served_item_id, kind,"
               " status, created_at) VALUES (:course, :session, :served, 'problem', 'pending',"
               " :now)", course=course.id, session=course.session_id, served=served.id,
               now=clock.now())
    response = flow.post_answer(flow.answer_form(), headers=HTMX)
    assert response.status_code == 409
    assert "signalement est en attente" in response.text
    assert len(exam.answers(lea)) == 1 and _sent_back(hints, db_engine)


def test_an_item_withdrawn_elsewhere_is_not_answered(primed, db_engine: Engine) -> None:
    exam, lea, flow, hints = primed
    served = flow.current_served()
    _meanwhile(db_engine, "UPDATE served_item SET withdrawn = true WHERE id = :id", id=served.id)
    response = flow.post_answer(flow.answer_form(), headers=HTMX)
    assert response.status_code == 409
    assert "retirée" in response.text
    assert len(exam.answers(lea)) == 1 and _sent_back(hints, db_engine)


def test_a_test_ended_elsewhere_takes_no_more_answers(primed, db_engine: Engine) -> None:
    exam, lea, flow, hints = primed
    course = exam.course(lea)
    _meanwhile(db_engine, "UPDATE certification_course SET state = 'ended',"
               " end_reason = 'ended_by_proctor' WHERE id = :id", id=course.id)
    response = flow.post_answer(flow.answer_form(), headers=HTMX)
    assert response.url.path == "/candidat/fin" or "Test terminé" in response.text
    assert len(exam.answers(lea)) == 1 and _sent_back(hints, db_engine)


def test_a_browser_replaced_by_a_resume_elsewhere_is_stale(primed, db_engine: Engine) -> None:
    exam, lea, flow, hints = primed
    course = exam.course(lea)
    _meanwhile(db_engine, "UPDATE certification_course SET client_token = 'another-browser'"
               " WHERE id = :id", id=course.id)
    response = flow.post_answer(flow.answer_form(), headers=HTMX)
    assert response.status_code == 409
    assert len(exam.answers(lea)) == 1 and _sent_back(hints, db_engine)


def test_extra_time_granted_elsewhere_is_read_before_answering(
        primed, db_engine: Engine, clock: FrozenClock) -> None:
    """The remembered course says the time is up; the proctor granted 10 minutes meanwhile."""
    exam, lea, flow, hints = primed
    course = exam.course(lea)
    _meanwhile(db_engine, "UPDATE certification_course SET granted_minutes = 10 WHERE id = :id",
               id=course.id)
    clock.advance(seconds=(course.deadline - clock.now()).total_seconds() + 300)
    response = flow.post_answer(flow.answer_form(), headers=HTMX)
    assert response.status_code == 200 and "data-served" in response.text
    assert len(exam.answers(lea)) == 2 and exam.course(lea).state == "started"
    assert _sent_back(hints, db_engine)


def test_an_answer_stored_by_another_tab_is_not_stored_twice(
        primed, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow, hints = primed
    served = flow.current_served()
    form = flow.answer_form()
    with session_scope(db_engine) as db:
        db.add(Answer(course_id=served.course_id, served_item_id=served.id,
                      item_id=served.item_id, value="autre", result="ko",
                      answered_at=clock.now()))
        db.commit()
    response = flow.post_answer(form, headers=HTMX)
    assert response.status_code == 409
    assert "déjà reçu une réponse" in response.text
    assert [a.value for a in exam.answers(lea) if a.served_item_id == served.id] == ["autre"]
    assert _sent_back(hints, db_engine)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # its plan there
@pytest.mark.parametrize("statement", [GUARDED_ANSWER_AND_NEXT, ANSWER_AND_END],
                         ids=["guarded answer", "last answer"])
def test_the_answer_statements_find_their_rows_by_primary_key(
        primed, db_engine: Engine, clock: FrozenClock, statement: Any) -> None:
    """The prepared statement's generic plan (the one a connection keeps after five runs):
    the course by its primary key, never by walking the running courses."""
    exam, lea, flow, _ = primed
    served, course = flow.current_served(), exam.course(lea)
    sql = statement.text
    names = list(dict.fromkeys(re.findall(r"(?<![:\w]):(\w+)", sql)))
    values = {"course_id": course.id, "served_item_id": served.id, "item_id": served.item_id,
              "value": "x", "result": "ok", "time_spent_ms": 1, "focused_out": False,
              "answered_at": clock.now(), "started": "started", "ended": "ended",
              "completed": "completed", "finalised": "ended_by_finalisation",
              "end_screen_seen_at": None,
              "client_token": course.client_token, "granted_minutes": 0,
              "timer_started_at": served.timer_started_at, "focused_out_at": None,
              "position": served.position + 1, "next_item_id": "none", "a": 1.0, "b": 0.0}
    numbered = re.sub(r"(?<![:\w]):(\w+)", lambda m: f"${names.index(m.group(1)) + 1}", sql)
    with db_engine.connect() as conn:
        conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        conn.exec_driver_sql(f"PREPARE answer_statement AS {numbered}")
        arguments = ", ".join(
            "NULL" if values[n] is None else f"'{values[n]}'" for n in names)
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(
            f"EXPLAIN EXECUTE answer_statement({arguments})"))
        conn.rollback()
    assert "certification_course_pkey" in plan, plan
    assert "ix_certification_course_state" not in plan and "Seq Scan" not in plan, plan
