"""With htmx, answering (or skipping) answers the next question itself: one request per answer
cycle instead of POST → 303 → GET. Without JavaScript the 303 stays (POST/redirect/GET)."""

from __future__ import annotations

import html

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam
from web.clock import FrozenClock

HTMX = {"HX-Request": "true"}


def _started(client: TestClient, app, db_engine: Engine,
             clock: FrozenClock) -> tuple[Exam, CandidateFlow]:
    exam = Exam(app, db_engine, clock)
    flow = CandidateFlow(client, exam, exam.enrol())
    flow.start()
    return exam, flow


def test_an_htmx_answer_returns_the_next_question_fragment_at_once(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, flow = _started(client, app, db_engine, clock)
    first = flow.served_id()
    form = flow.answer_form(correct=True)
    response = flow.post_answer(form, headers=HTMX, follow_redirects=False)
    assert response.status_code == 200 and "location" not in response.headers
    assert response.text.lstrip().startswith("<title>Question 2 sur 32 – Passation</title>")
    assert "<html" not in response.text and 'id="candidate-area"' in response.text
    assert "autofocus" in response.text and "data-focus-on-load" in response.text
    assert "HX-Request" in response.headers["vary"]
    assert response.headers["cache-control"] == "no-store"
    [answer] = exam.answers(flow.candidate)
    assert (answer.served_item_id, answer.result) == (first, "ok")
    # Exactly what the GET after a redirect would have shown.
    again = client.get("/candidat/test", headers=HTMX)
    flow.page = response
    assert again.text == response.text and flow.served_id() != first

    # A resubmission (double click, retry) stores nothing and shows the current question.
    retry = flow.post_answer(form, headers=HTMX, follow_redirects=False)
    assert retry.status_code == 200 and retry.text == response.text
    assert len(exam.answers(flow.candidate)) == 1 and len(exam.served(flow.candidate)) == 2


def test_without_javascript_answering_still_redirects(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, flow = _started(client, app, db_engine, clock)
    response = flow.post_answer(flow.answer_form(), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/candidat/test"
    flow.question()
    skip = client.post("/candidat/test/passer", data={"served": str(flow.served_id())},
                       follow_redirects=False)
    assert skip.status_code == 303 and skip.headers["location"] == "/candidat/test"
    assert [a.result for a in exam.answers(flow.candidate)] == ["ok", "skipped"]


def test_an_htmx_skip_returns_the_next_question_fragment(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, flow = _started(client, app, db_engine, clock)
    first = flow.served_id()
    response = client.post("/candidat/test/passer", data={"served": str(first)}, headers=HTMX,
                           follow_redirects=False)
    assert response.status_code == 200 and "Question 2 / 32" in response.text
    assert response.headers["cache-control"] == "no-store"
    [answer] = exam.answers(flow.candidate)
    assert (answer.served_item_id, answer.result) == (first, "skipped")


def test_htmx_errors_are_unchanged(client: TestClient, app, db_engine: Engine,
                                   clock: FrozenClock) -> None:
    exam, flow = _started(client, app, db_engine, clock)
    served = flow.served_id()
    invalid = flow.post_answer({"served": str(served)}, headers=HTMX, follow_redirects=False)
    assert invalid.status_code == 422 and 'id="answer-error"' in invalid.text
    assert "<title>Erreur – Question 1 sur 32 – Passation</title>" in invalid.text
    refused = flow.post_answer({"served": str(served + 1), "answer": "1"}, headers=HTMX,
                               follow_redirects=False)
    assert refused.status_code == 409 and refused.headers["hx-retarget"] == "#status"
    assert exam.answers(flow.candidate) == []


def test_the_last_htmx_answer_returns_the_end_fragment(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, flow = _started(client, app, db_engine, clock)
    for _ in range(32):
        clock.advance(seconds=60)
        page = flow.answer_current(headers=HTMX, follow_redirects=False)
        assert page.status_code == 200
        flow.page = page
    assert page.text.lstrip().startswith("<title>Test terminé – Passation</title>")
    assert "Vous avez répondu à toutes les questions" in html.unescape(page.text)
    course = exam.course(flow.candidate)
    assert course.state == "ended" and course.end_screen_seen_at is not None
    assert len(exam.answers(flow.candidate)) == 32


def test_skipping_the_last_question_with_htmx_returns_the_end_fragment(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, flow = _started(client, app, db_engine, clock)
    for _ in range(31):
        clock.advance(seconds=60)
        flow.page = flow.answer_current(headers=HTMX, follow_redirects=False)
    last = flow.served_id()
    page = client.post("/candidat/test/passer", data={"served": str(last)}, headers=HTMX,
                       follow_redirects=False)
    assert page.status_code == 200
    assert page.text.lstrip().startswith("<title>Test terminé – Passation</title>")
    course = exam.course(flow.candidate)
    assert course.state == "ended" and course.end_screen_seen_at is not None
    assert [a.result for a in exam.answers(flow.candidate)][-1] == "skipped"


def test_the_course_counts_its_answers_as_they_are_stored(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    # The proctor's list reads certification_course.answered_count instead of counting rows.
    exam, flow = _started(client, app, db_engine, clock)
    for n in range(4):
        form = flow.answer_form(correct=n % 2 == 0)
        flow.page = flow.post_answer(form, headers=HTMX, follow_redirects=False)
        again = flow.post_answer(form, headers=HTMX, follow_redirects=False)  # harmless repeat
        assert again.status_code in (200, 409)
    flow.page = client.post("/candidat/test/passer", data={"served": str(flow.served_id())},
                            headers=HTMX)
    client.post("/candidat/test/passer", data={"served": str(flow.served_id())})  # no JS
    assert exam.course(flow.candidate).answered_count == len(exam.answers(flow.candidate)) == 6
