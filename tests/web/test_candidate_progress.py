"""What the proctor's live list reads: question n / 32, time left, state, why it ended."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam
from web.clock import FrozenClock
from web.course.progress import CourseProgress, progress, session_progress
from web.db import session_scope


def test_progress_of_one_course_and_of_a_whole_session(client: TestClient, app,
                                                       db_engine: Engine,
                                                       clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    lea = exam.enrol()
    hugo = exam.enrol("Hugo", "Bernard", dt.date(2011, 7, 2))
    absent = exam.enrol("Noah", "Durand", dt.date(2011, 1, 9))
    flow = CandidateFlow(client, exam, lea)
    flow.start()
    flow.answer_current()
    flow.skip()
    flow.report_problem()
    exam.validate_problem(lea)  # the withdrawn item does not count
    with TestClient(app, base_url="http://127.0.0.1") as other:
        CandidateFlow(other, exam, hugo).start()
    exam.end_by_proctor(hugo)
    clock.advance(minutes=5)

    with session_scope(db_engine) as db:
        course = exam.course(lea)
        assert progress(db, course, clock.now()) == CourseProgress(
            answered=2, current_position=3, length=32, remaining_seconds=100 * 60,
            state="started", end_reason=None)
        everyone = session_progress(db, exam.session_id, clock.now())
    assert set(everyone) == {lea.id, hugo.id} and absent.id not in everyone
    assert everyone[lea.id].current_position == 3
    assert everyone[hugo.id] == CourseProgress(answered=0, current_position=0, length=32,
                                               remaining_seconds=0, state="ended",
                                               end_reason="ended_by_proctor")
