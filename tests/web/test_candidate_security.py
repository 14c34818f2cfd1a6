"""Tampered forms and other candidates' tests: refused with a 4xx, nothing stored."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam, enrolled, synthetic_content
from tests.web.pages import text
from web.clock import FrozenClock


def test_tampered_answer_fields_are_refused_and_change_nothing(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    flow.answer_current()
    before = [(a.id, a.value, a.result) for a in exam.answers(lea)]
    served = str(flow.served_id())
    attempts = [
        {"served": str(int(served) - 1), "answer": "1"},  # an earlier (answered) item
        {"served": str(int(served) + 50), "answer": "1"},  # an item that does not exist
        {"served": "abc", "answer": "1"},  # not even a number
        {"answer": "1"},  # no item at all
    ]
    for data in attempts:
        response = flow.post_answer(data)
        assert 400 <= response.status_code < 500, (data, response.status_code)
    after = [(a.id, a.value, a.result) for a in exam.answers(lea)]
    assert after == before


def test_a_served_number_that_is_not_plain_digits_is_refused_with_a_message(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    # "²" passes str.isdigit() but not int(): it used to be a 500, on PostgreSQL already on
    # the remembered fast path of the first answer.
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    for path in ("/candidat/test/repondre", "/candidat/test/passer", "/candidat/test/signaler",
                 "/candidat/test/sortie"):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(path, data={"served": "²", "answer": "1"}, headers=headers)
            assert response.status_code == 400, (path, headers, response.status_code)
            assert "La demande est incomplète ou mal formée." in text(response)
    status = client.get("/candidat/test/etat", params={"served": "²"})
    assert status.status_code == 400
    assert exam.answers(lea) == [] and exam.alerts(lea) == []
    assert "Question 2 / 32" in flow.answer_current().text  # the question is still answerable


@pytest.mark.parametrize("kind", ["qcu", "qcm"])
def test_an_unknown_choice_is_refused(client: TestClient, app, db_engine: Engine,
                                      clock: FrozenClock, kind: str) -> None:
    exam = Exam(app, db_engine, clock, synthetic_content(kinds=(kind,)))
    lea = exam.enrol()
    flow = CandidateFlow(client, exam, lea)
    flow.start()
    served = str(flow.served_id())
    for answer in ("9", "0", "-1", "1 OR 1=1", ["1", "9"]):
        response = flow.post_answer({"served": served, "answer": answer})
        assert response.status_code == 422, answer
        assert "Réponse inconnue" in text(response)
        assert 'aria-invalid="true"' in response.text and 'role="alert"' in response.text
    if kind == "qcu":
        two = flow.post_answer({"served": served, "answer": ["1", "2"]})
        assert two.status_code == 422 and "Choisissez une seule réponse" in text(two)
    assert exam.answers(lea) == []


def test_an_oversized_text_answer_is_refused(client: TestClient, app, db_engine: Engine,
                                             clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock, synthetic_content(kinds=("qroc",)))
    lea = exam.enrol()
    flow = CandidateFlow(client, exam, lea)
    flow.start()
    served = str(flow.served_id())
    oversized = flow.post_answer({"served": served, "answer": "x" * 5000})
    assert oversized.status_code == 422
    assert "Réponse trop longue" in text(oversized)
    huge = flow.post_answer({"served": served, "answer": "x" * 200_000})
    assert 400 <= huge.status_code < 500
    control = flow.post_answer({"served": served, "answer": "4\x002"})
    assert control.status_code == 422
    assert exam.answers(lea) == []
    assert "Question 2 / 32" in flow.answer_current().text  # the question is still answerable


def test_a_candidate_cannot_reach_another_candidates_test(client: TestClient, app,
                                                         db_engine: Engine,
                                                         clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    lea = exam.enrol()
    hugo = exam.enrol("Hugo", "Bernard", dt.date(2011, 7, 2))
    lea_flow = CandidateFlow(client, exam, lea)
    lea_flow.start()
    lea_served = lea_flow.served_id()
    with TestClient(app, base_url="http://127.0.0.1") as other:
        hugo_flow = CandidateFlow(other, exam, hugo)
        hugo_flow.start()
        form = lea_flow.answer_form()
        stolen = hugo_flow.post_answer({**form, "served": str(lea_served)})
        assert stolen.status_code == 409
        assert other.post("/candidat/test/signaler",
                          data={"served": str(lea_served)}).status_code == 409
        assert other.post("/candidat/test/sortie",
                          data={"served": str(lea_served)}).status_code == 204
        # Hugo's details with Léa's birth date do not open Léa's test either.
        assert hugo_flow.join(birth=lea.birth_date).status_code == 422
    assert exam.answers(lea) == [] and exam.alerts(lea) == []
    assert all(s.focused_out_at is None for s in exam.served(lea))
    # Another session's number with the right details does not find the candidate.
    other_session = exam.new_session()
    assert lea_flow.join(session=other_session).status_code == 422


def test_without_a_course_cookie_the_test_pages_send_back_to_the_join_form(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    Exam(app, db_engine, clock)
    for path in ("/candidat/test", "/candidat/test/passer", "/candidat/fin"):
        assert client.get(path).url.path == "/candidat"
    response = client.post("/candidat/test/repondre", data={"served": "1", "answer": "1"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/candidat"
