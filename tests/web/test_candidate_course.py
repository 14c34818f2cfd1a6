"""A candidate's whole test, step by step: join, rules, 32 questions, end screen."""

from __future__ import annotations

import html

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam, enrolled
from web.clock import FrozenClock


def test_a_candidate_takes_the_whole_32_question_test(client: TestClient, app, db_engine: Engine,
                                                       clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    lea = exam.enrol("Léa", "Martin")
    flow = CandidateFlow(client, exam, lea)

    page = flow.start()
    assert "Question 1 / 32" in page.text
    assert "<title>Question 1 sur 32 – Passation</title>" in page.text
    assert page.headers["cache-control"] == "no-store"

    for n in range(1, 33):
        assert flow.position() == n
        clock.advance(seconds=90)
        page = flow.answer_current(correct=n % 3 != 0)
    assert page.url.path == "/candidat/fin"
    assert "Vous avez répondu à toutes les questions" in html.unescape(page.text)

    course = exam.course(lea)
    assert course.state == "ended" and course.end_reason == "completed"
    assert course.end_screen_seen_at is not None
    answers = exam.answers(lea)
    assert len(answers) == 32
    assert [a.result for a in answers].count("ko") == 10
    served = exam.served(lea)
    assert len(served) == 32
    assert len({exam.item(s).competence for s in served}) == 16


def test_the_question_page_shows_the_question_and_never_the_answer_key(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    flow = CandidateFlow(client, exam, exam.enrol())
    page = flow.start()
    item = flow.current_item()
    body = html.unescape(page.text)
    assert f"Énoncé {item.id}." in body
    assert '<progress max="32" value="1"' in page.text
    assert "Temps restant" in body and 'data-remaining-seconds="6300"' in page.text
    assert "Je passe" in body and "Signaler un problème" in body
    assert 'id="question-title" tabindex="-1"' in page.text
    assert '<form method="post" action="/candidat/test/repondre"' in page.text
    for leak in ("solution", "correct", "accepted"):
        assert leak not in page.text
    if item.kind == "qroc":
        assert "42" not in page.text


def test_with_htmx_the_next_question_is_a_fragment_that_takes_the_focus(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    flow = CandidateFlow(client, exam, exam.enrol())
    flow.start()
    fragment = flow.answer_current(headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert fragment.text.lstrip().startswith("<title>Question 2 sur 32 – Passation</title>")
    assert 'id="candidate-area"' in fragment.text
    assert "autofocus" in fragment.text and "data-focus-on-load" in fragment.text
    assert "HX-Request" in fragment.headers["vary"]


def test_skipping_a_question_asks_for_confirmation_and_counts_it_as_skipped(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    first = flow.served_id()
    confirm = client.get("/candidat/test/passer")
    assert "Passer la question 1 ?" in html.unescape(confirm.text)
    assert "Non, revenir à la question" in confirm.text
    assert exam.answers(lea) == []  # asking is not skipping
    page = flow.skip()
    assert "Question 2 / 32" in page.text
    [answer] = exam.answers(lea)
    assert (answer.served_item_id, answer.result, answer.value) == (first, "skipped", "")
    # A repeated skip (double click) changes nothing.
    again = client.post("/candidat/test/passer", data={"served": str(first)})
    assert again.status_code == 200 and "Question 2 / 32" in again.text
    assert len(exam.answers(lea)) == 1


def test_resubmitting_the_same_answer_changes_nothing(client: TestClient, app,
                                                      db_engine: Engine,
                                                      clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    form = flow.answer_form(correct=True)
    first = flow.post_answer(form, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/candidat/test"
    retry = flow.post_answer(form, follow_redirects=False)  # double click, network retry
    assert retry.status_code == 303 and retry.headers["location"] == "/candidat/test"
    assert len(exam.answers(lea)) == 1 and len(exam.served(lea)) == 2

    different = flow.post_answer({**flow.answer_form(correct=False), "served": form["served"]})
    assert different.status_code == 409
    assert "Cette question a déjà reçu une réponse" in html.unescape(different.text)
    [answer] = exam.answers(lea)
    assert answer.result == "ok"


def test_answering_anything_but_the_current_question_is_refused(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    flow.answer_current()
    current = flow.served_id()
    refused = flow.post_answer({"served": str(current + 1), "answer": "1"})
    assert refused.status_code == 409
    assert "n'est pas la question en cours" in html.unescape(refused.text)
    assert "Revenir à la question en cours" in html.unescape(refused.text)
    htmx = flow.post_answer({"served": str(current + 1), "answer": "1"},
                            headers={"HX-Request": "true"})
    assert htmx.status_code == 409 and htmx.headers["hx-retarget"] == "#status"
    assert len(exam.answers(lea)) == 1


def test_an_adjusted_candidate_only_ever_gets_accessible_items(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    ines = exam.enrol("Inès", "Petit", accessibility=True)
    noah = exam.enrol("Noah", "Durand")
    for candidate in (ines, noah):
        with TestClient(app, base_url="http://127.0.0.1") as browser:
            flow = CandidateFlow(browser, exam, candidate)
            flow.start()
            for n in range(32):
                flow.answer_current(correct=n % 2 == 0)
            assert flow.page is not None and flow.page.url.path == "/candidat/fin"
    assert all(exam.item(s).accessible for s in exam.served(ines))
    assert len({exam.item(s).competence for s in exam.served(ines)}) == 16
    # The bank does hold inaccessible items, and others get them.
    assert not all(exam.item(s).accessible for s in exam.served(noah))


def test_the_test_speaks_english_when_the_candidate_chooses_it(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    flow = CandidateFlow(client, exam, exam.enrol())
    flow.start()
    client.post("/langue", data={"lang": "en", "next": "/candidat/test"})
    page = flow.question()
    assert '<html lang="en">' in page.text
    assert "<title>Question 1 of 32 – Passation</title>" in page.text
    assert "Skip" in page.text and "Report a problem" in page.text
    assert f"Question {flow.current_item().id}." in page.text
