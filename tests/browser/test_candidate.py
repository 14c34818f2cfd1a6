"""A candidate takes the whole certification test in Chromium, with a proctor beside.

The same story three times: with the mouse, with the keyboard alone, and without JavaScript.
32 questions of mixed kinds; question 2 is skipped; on question 4 the candidate reports a
problem that the proctor validates (the question is replaced); on question 6 the browser is
closed, the candidate joins again and the proctor authorises the resume; that question is
timed. axe-core checks every kind of page the first time it appears.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.candidate import KINDS, MODES, CandidateScreen
from tests.browser.people import (
    OpenPage,
    ProctorDesk,
    SessionData,
    make_current_item_of_kind,
    make_current_item_timed,
)
from tests.browser.server import LiveServer
from web.db import session_scope
from web.models import Answer, Course, LiveAlert, ServedItem

pytestmark = pytest.mark.browser

SKIPPED, REPORTED, RESUMED = 2, 4, 6
AUDITED_QUESTIONS = {1, 2}
# From this question on, a kind not seen yet is arranged (the course seed is random, and a
# candidate who answers wrong can go a whole test without a short-text question).
ARRANGED_FROM = 8


@pytest.mark.parametrize("mode", MODES)
def test_candidate_takes_the_test_from_start_to_end(
        mode: str, open_page: OpenPage, exam: SessionData, live_server: LiveServer) -> None:
    lea = exam.candidates[0]
    proctor = ProctorDesk(open_page(javascript=mode != "nojs"), exam,
                          javascript=mode != "nojs")
    proctor.sign_in()
    proctor.confirm_presence(lea)

    candidate = CandidateScreen(open_page, exam, lea, mode)
    candidate.join(audit=True)
    candidate.accept_rules_and_start(audit=True)
    candidate.expect_question(1, after_swap=False)

    kinds_seen: set[str] = set()
    number = 1
    while number <= 32:
        missing = [kind for kind in KINDS if kind not in kinds_seen]
        if number >= ARRANGED_FROM and missing:
            make_current_item_of_kind(live_server.engine, int(candidate.served_id()), missing[0])
            candidate.page.reload()
            candidate.expect_question(number, after_swap=False)
        kind = candidate.kind()
        if number in AUDITED_QUESTIONS or kind not in kinds_seen:
            candidate.audit(f"question-{number:02d}-{kind}")
        if kind in ("qroc", "qrocm") and kind not in kinds_seen and mode == "mouse":
            candidate.answer(empty_first=True)
            expect(candidate.page.get_by_role("alert")).to_contain_text("Saisissez une réponse")
            candidate.audit(f"question-{number:02d}-{kind}-error")
        kinds_seen.add(kind)

        if number == SKIPPED:
            candidate.skip(number, audit=True)
        elif number == REPORTED:
            reported = candidate.served_id()
            candidate.report_problem(audit=True)
            proctor.wait_for_alert(lea)
            proctor.validate_alert(lea)
            candidate.wait_for_replacement(number, reported)
            candidate.audit(f"question-{number:02d}-replacement")
            candidate.answer()
        elif number == RESUMED:
            timed_id = make_current_item_timed(live_server.engine, int(candidate.served_id()))
            candidate.close_browser()
            candidate.join(audit=False)
            candidate.wait_for_proctor(audit=True)
            proctor.wait_for_resume_request(lea)
            proctor.authorise_resume(lea)
            candidate.retry()
            candidate.expect_question(number, after_swap=False)
            expect(candidate.page.get_by_text("Question chronométrée")).to_be_visible()
            candidate.audit(f"question-{number:02d}-timed")
            candidate.answer()
        else:
            candidate.answer()
        number += 1
        if number <= 32:
            candidate.expect_question(number, after_swap=candidate.javascript)

    candidate.expect_end()
    candidate.audit("end")
    assert kinds_seen == set(KINDS), kinds_seen

    with session_scope(live_server.engine) as db:
        course = db.exec(select(Course).where(Course.candidate_id == lea.id)).one()
        answers = db.exec(select(Answer).where(Answer.course_id == course.id)).all()
        served = db.exec(select(ServedItem).where(ServedItem.course_id == course.id)).all()
        alert = db.exec(select(LiveAlert).where(LiveAlert.course_id == course.id)).one()
    assert course.end_reason == "completed"
    assert len(answers) == 32
    assert [a.result for a in answers].count("skipped") == 1
    assert sum(s.withdrawn for s in served) == 1 and alert.status == "validated"
    assert timed_id in {a.item_id for a in answers}
