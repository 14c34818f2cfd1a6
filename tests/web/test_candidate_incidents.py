"""During a question: reporting a problem to the proctor, leaving a focus-mode question."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam, enrolled, synthetic_content
from tests.web.pages import text
from web.clock import FrozenClock


def test_a_reported_problem_validated_by_the_proctor_withdraws_and_replaces_the_item(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    flow.answer_current()
    reported = flow.current_served()
    page = flow.report_problem()
    assert "Votre signalement a été transmis au surveillant" in text(page)
    assert 'action="/candidat/test/repondre"' not in page.text  # no answer form while pending
    assert 'hx-trigger="every 3s"' in page.text and "Vérifier" in page.text
    [alert] = exam.alerts(lea)
    assert (alert.kind, alert.status, alert.served_item_id) == ("problem", "pending", reported.id)

    # Answering is refused while the report is pending.
    refused = flow.post_answer({"served": str(reported.id),
                                **flow.answer_form(correct=True)})
    assert refused.status_code == 409
    assert "signalement est en attente" in text(refused)
    # The page polls: nothing changed yet.
    poll = client.get(f"/candidat/test/etat?served={reported.id}", headers={"HX-Request": "true"})
    assert poll.status_code == 204

    exam.validate_problem(lea)
    poll = client.get(f"/candidat/test/etat?served={reported.id}", headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx stops polling and swaps the new question in
    assert "Le surveillant a retiré la question signalée" in text(poll)
    assert "Question 2 / 32" in poll.text  # the withdrawn item does not count
    replacement = flow.question()
    assert flow.served_id() != reported.id
    withdrawn_skill = exam.item(reported).skill
    assert exam.item(flow.current_served()).skill != withdrawn_skill

    for _ in range(31):
        page = flow.answer_current()
    assert page.url.path == "/candidat/fin"
    served = exam.served(lea)
    assert len(served) == 33 and sum(s.withdrawn for s in served) == 1
    assert len(exam.answers(lea)) == 32
    assert all(exam.item(s).skill != withdrawn_skill for s in served if not s.withdrawn)
    assert replacement.status_code == 200


def test_a_dismissed_problem_lets_the_candidate_go_on_with_the_same_question(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    reported = flow.served_id()
    flow.report_problem()
    flow.report_problem()  # a double click reports once
    assert len(exam.alerts(lea)) == 1
    exam.dismiss_problem(lea)
    page = flow.question()  # the "Vérifier" button, without JavaScript
    assert flow.served_id() == reported
    assert "Votre signalement a été transmis" not in text(page)
    assert "Question 2 / 32" in flow.answer_current().text
    assert [a.served_item_id for a in exam.answers(lea)] == [reported]


def test_leaving_a_focus_mode_question_voids_a_right_answer(client: TestClient, app,
                                                            db_engine: Engine,
                                                            clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock, synthetic_content(focus=True))
    lea = exam.enrol()
    flow = CandidateFlow(client, exam, lea)
    page = flow.start()
    assert "Question en mode focus" in text(page) and "data-focus-mode" in page.text
    flow.answer_current(correct=True)  # stayed on the page
    assert flow.leave_page().status_code == 204
    assert "Vous avez quitté la page pendant cette question" in text(flow.question())
    flow.answer_current(correct=True)
    flow.leave_page()
    flow.answer_current(correct=False)  # wrong stays wrong
    answers = exam.answers(lea)
    assert [a.result for a in answers] == ["ok", "focusedOut", "ko"]
    assert [a.focused_out for a in answers] == [False, True, True]


def test_leaving_the_page_does_not_void_answers_with_the_accessibility_adjustment(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock, synthetic_content(focus=True))
    ines = exam.enrol("Inès", "Petit", accessibility=True)
    flow = CandidateFlow(client, exam, ines)
    flow.start()
    flow.leave_page()
    flow.answer_current(correct=True)
    [answer] = exam.answers(ines)
    assert (answer.result, answer.focused_out) == ("ok", True)


def test_leaving_an_ordinary_question_changes_nothing(client: TestClient, app,
                                                      db_engine: Engine,
                                                      clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    page = flow.start()
    assert "data-focus-mode" not in page.text
    flow.leave_page()
    flow.answer_current(correct=True)
    assert exam.answers(lea)[0].result == "ok"
