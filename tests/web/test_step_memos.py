"""The engine's memo of each course's last step (web.course.step_memos): kept while the test
runs, dropped when it ends, and never a reason for another item than the engine's own choice."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

import engine
from tests.web.flows import enrolled
from web.clock import FrozenClock

HTMX = {"HX-Request": "true"}


@pytest.fixture
def started(client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock):  # noqa: ANN201
    """Léa has started her test: its first question on screen."""
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    page = flow.start()
    return exam, lea, flow, page, exam.course(lea).id, app.state.content.step_memos


def test_each_answer_leaves_the_memo_of_the_step_it_took_until_the_test_ends(started) -> None:
    exam, lea, flow, page, course_id, memos = started
    assert len(memos.get(course_id).history) == 0  # the first item, from no answer
    answered = 0
    while "data-served" in page.text:
        page = flow.post_answer(flow.answer_form(answered % 3 == 0), headers=HTMX)
        answered += 1
        memo = memos.get(course_id)
        if answered < 32:
            assert len(memo.history) == answered
            assert memo.history[-1].result in {"ok", "ko"}
    assert answered == 32 and exam.course(lea).state == "ended"
    assert memos.get(course_id) is None  # nothing left to choose


def test_a_course_whose_memo_this_process_lost_gets_the_same_items(started, app: Any) -> None:
    """As when another worker served the previous answers: the history is read in full."""
    exam, lea, flow, page, course_id, memos = started
    answered = 0
    while "data-served" in page.text:
        if answered % 2:
            memos.forget(course_id)
        page = flow.post_answer(flow.answer_form(answered % 4 < 2), headers=HTMX)
        answered += 1
    course, served = exam.course(lea), exam.served(lea)
    results = {a.served_item_id: a.result for a in exam.answers(lea)}
    config = app.state.content.config_for(course.config_version)
    history: list[engine.Served] = []
    for item in served:
        step = engine.next_step(history, app.state.content.engine_bank, config,
                                accessible_only=course.accessibility, seed=course.seed)
        assert step.item_id == item.item_id
        history.append(engine.Served(item.item_id, results[item.id], item.a, item.b))
    assert len(served) == 32
