"""Resuming after a closed tab, a lost network or a server restart; stale tabs and devices."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam, enrolled, synthetic_content
from tests.web.pages import text
from web.app import create_app
from web.clock import FrozenClock
from web.settings import Settings


def test_after_a_disconnection_the_proctor_authorises_the_resume_at_the_same_question(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    flow.answer_current()
    flow.answer_current()
    current = flow.served_id()
    clock.advance(minutes=30)

    client.cookies.clear()  # the browser was closed
    page = flow.rejoin()
    assert "Demandez au surveillant d'autoriser la reprise" in text(page)
    assert exam.course(lea).resume_requested_at == clock.now()
    assert flow.retry().url.path != "/candidat/test"  # not yet authorised

    clock.advance(minutes=2)
    exam.authorise_resume(lea)
    page = flow.retry()
    assert page.url.path == "/candidat/test"
    assert flow.served_id() == current and "Question 3 / 32" in page.text
    assert 'data-remaining-seconds="4380"' in page.text  # 105 − 32 min: the clock kept running
    course = exam.course(lea)
    assert course.resume_requested_at is None and course.resume_authorised_at is None
    assert len(exam.answers(lea)) == 2


def test_a_resume_authorisation_expires_after_15_minutes(client: TestClient, app,
                                                         db_engine: Engine,
                                                         clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    client.cookies.clear()
    flow.rejoin()
    exam.authorise_resume(lea)
    clock.advance(minutes=16)
    assert "Demandez au surveillant d'autoriser la reprise" in text(flow.retry())


def test_a_resume_restarts_the_timer_of_a_timed_question(client: TestClient, app,
                                                         db_engine: Engine,
                                                         clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock, synthetic_content(timer=60))
    lea = exam.enrol()
    flow = CandidateFlow(client, exam, lea)
    flow.start()
    clock.advance(minutes=5)  # the network was lost while the timed question was shown
    client.cookies.clear()
    flow.rejoin()
    exam.authorise_resume(lea)
    page = flow.retry()
    assert "1 min 00 s" in text(page)
    clock.advance(seconds=30)
    flow.answer_current(correct=True)
    assert exam.answers(lea)[0].result == "ok"


def test_after_a_server_restart_the_test_goes_on(client: TestClient, app, db_engine: Engine,
                                                 clock: FrozenClock, settings: Settings) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    flow.answer_current()
    current = flow.served_id()
    cookies = dict(client.cookies)

    restarted = create_app(settings, clock=clock)  # a new process on the same database
    exam.use(restarted)
    with TestClient(restarted, base_url="http://127.0.0.1", cookies=cookies) as same_browser:
        again = CandidateFlow(same_browser, exam, lea)
        page = again.question()
        assert page.url.path == "/candidat/test" and again.served_id() == current
        again.answer_current()
    with TestClient(restarted, base_url="http://127.0.0.1") as new_browser:
        other = CandidateFlow(new_browser, exam, lea)
        assert "Demandez au surveillant" in text(other.rejoin())
        exam.authorise_resume(lea)
        other.retry()
        assert other.position() == 3
    assert len(exam.answers(lea)) == 2


def test_the_old_tab_stops_working_once_the_test_is_resumed_elsewhere(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    old_form = flow.answer_form()
    with TestClient(app, base_url="http://127.0.0.1") as other_device:
        other = CandidateFlow(other_device, exam, lea)
        other.rejoin()
        exam.authorise_resume(lea)
        other.retry()
        stale = flow.post_answer(old_form)
        assert stale.status_code == 409
        assert "Cette page n'est plus valable" in text(stale)
        assert exam.answers(lea) == []
        other.answer_current()
    assert len(exam.answers(lea)) == 1


def test_two_open_tabs_never_answer_one_question_twice(client: TestClient, app,
                                                       db_engine: Engine,
                                                       clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    right, wrong = flow.answer_form(correct=True), flow.answer_form(correct=False)
    assert flow.post_answer(right).status_code == 200  # first tab
    second_tab = flow.post_answer(wrong)  # second tab, same cookie, same question
    assert second_tab.status_code == 409
    assert [a.result for a in exam.answers(lea)] == ["ok"]
