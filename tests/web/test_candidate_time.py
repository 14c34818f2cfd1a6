"""Time is the server's: the global deadline, extra time, granted minutes, timed questions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam, enrolled, synthetic_content
from tests.web.pages import text
from web.candidate.sweeper import close_overdue_courses
from web.clock import FrozenClock
from web.models.course import course_deadline


def test_after_the_deadline_answers_are_refused_and_the_test_ends(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    flow.answer_current()
    clock.advance(minutes=60)
    page = flow.question()
    assert 'data-remaining-seconds="2700"' in page.text  # 105 − 60 = 45 min, the server's figure
    assert "45 min 00 s" in page.text
    form = flow.answer_form()
    clock.advance(minutes=45)
    late = flow.post_answer(form)
    assert late.url.path == "/candidat/fin"
    assert "Le temps imparti est écoulé" in text(late)
    assert len(exam.answers(lea)) == 1  # the late answer was not stored
    course = exam.course(lea)
    assert (course.state, course.end_reason) == ("ended", "time_expired")
    # Coming back to the question page leads to the end screen.
    assert flow.question().url.path == "/candidat/fin"


def test_the_sweeper_closes_overdue_tests_without_a_request(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    lea, hugo = exam.enrol(), exam.enrol("Hugo", "Bernard", extra_time=33)
    CandidateFlow(client, exam, lea).start()
    with TestClient(app, base_url="http://127.0.0.1") as other:
        CandidateFlow(other, exam, hugo).start()
    clock.advance(minutes=106)
    close_overdue_courses(app.state)
    assert exam.course(lea).end_reason == "time_expired"
    assert exam.course(hugo).state == "started"  # 105 × 1.33 = 139.65 min
    clock.advance(minutes=34)
    close_overdue_courses(app.state)
    assert exam.course(hugo).end_reason == "time_expired"


def test_extra_time_lengthens_the_test(client: TestClient, app, db_engine: Engine,
                                       clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    hugo = exam.enrol("Hugo", "Bernard", extra_time=33)
    flow = CandidateFlow(client, exam, hugo)
    page = flow.start()
    assert 'data-remaining-seconds="8379"' in page.text  # 105 × 1.33 min = 139 min 39 s
    clock.advance(minutes=120)
    page = flow.answer_current()
    assert "Question 2 / 32" in page.text
    clock.advance(minutes=20)
    assert flow.question().url.path == "/candidat/fin"


def test_minutes_granted_by_the_proctor_move_the_deadline(client: TestClient, app,
                                                          db_engine: Engine,
                                                          clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    clock.advance(minutes=100)
    exam.grant_minutes(lea, 10)
    assert 'data-remaining-seconds="900"' in flow.question().text
    clock.advance(minutes=10)
    assert "Question 2 / 32" in flow.answer_current().text


def test_a_timed_question_answered_late_counts_as_timedout(client: TestClient, app,
                                                           db_engine: Engine,
                                                           clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock, synthetic_content(timer=60))
    lea = exam.enrol()
    flow = CandidateFlow(client, exam, lea)
    page = flow.start()
    assert "Question chronométrée" in text(page) and "1 min 00 s" in text(page)
    clock.advance(seconds=50)
    flow.answer_current(correct=True)  # in time
    clock.advance(seconds=65)  # past the timer and its 2-second network grace
    flow.answer_current(correct=True)  # too late, right or not
    assert [a.result for a in exam.answers(lea)] == ["ok", "timedout"]


def test_a_timed_question_gives_extra_time_candidates_their_extra_time(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock, synthetic_content(timer=60))
    hugo = exam.enrol("Hugo", "Bernard", extra_time=50)
    flow = CandidateFlow(client, exam, hugo)
    page = flow.start()
    assert "1 min 30 s" in text(page)
    clock.advance(seconds=85)
    flow.answer_current(correct=True)
    assert [a.result for a in exam.answers(hugo)] == ["ok"]


def test_the_proctor_can_end_a_test(client: TestClient, app, db_engine: Engine,
                                    clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    flow.answer_current()
    form = flow.answer_form()
    exam.end_by_proctor(lea)
    page = flow.post_answer(form)
    assert page.url.path == "/candidat/fin"
    assert "Le surveillant a mis fin à votre test" in text(page)
    assert len(exam.answers(lea)) == 1


@pytest.mark.parametrize("extra", [0, 10, 25, 33, 50, 100])
@pytest.mark.parametrize(("duration", "granted"), [(105, 0), (105, 7), (90, 15), (1, 0)])
def test_the_deadline_counts_extra_time_to_the_hundredth_of_a_minute(
        duration: int, extra: int, granted: int) -> None:
    start = dt.datetime(2026, 3, 16, 8, 0)
    expected = dt.timedelta(minutes=duration * (100 + extra) / 100 + granted)
    assert course_deadline(start, duration, extra, granted) - start == expected
    if (duration, extra, granted) == (105, 33, 0):  # 139.65 minutes
        assert course_deadline(start, 105, 33, 0) == dt.datetime(2026, 3, 16, 10, 19, 39)
