"""The hot path's course read (web.course.state.load_course_and_view), on SQLite and PostgreSQL:
the course once, then each served item with its answer and pending report, in serving order."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.factories import make_session, report_problem, start_course
from tests.web.flows import enrolled
from web.clock import FrozenClock
from web.course.settled import SettledEntries
from web.course.state import CourseView, Entry, load_course_and_view
from web.db import make_autocommit_engine, session_scope
from web.models import Answer, Course, ServedItem

HTMX = {"HX-Request": "true"}


def read(db_engine: Engine, course_id: int):  # noqa: ANN201
    engine = make_autocommit_engine(db_engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            return load_course_and_view(conn, course_id)
    finally:
        engine.dispose()


def test_no_such_course_reads_as_none(db_engine: Engine) -> None:
    assert read(db_engine, 987654) is None


def test_a_course_and_its_items_come_back_in_order(db_engine: Engine, clock) -> None:  # noqa: ANN001
    now = clock.now()
    session_id, (candidate_id, *_) = make_session(db_engine, now)
    course_id, first_id = start_course(db_engine, session_id, candidate_id, now, item_id="i1")
    with session_scope(db_engine) as db:
        db.add(Answer(course_id=course_id, served_item_id=first_id, item_id="i1", value="B",
                      result="ok", answered_at=now))
        second = ServedItem(course_id=course_id, position=2, item_id="i2", a=1.5, b=-0.5,
                            served_at=now, timer_started_at=now)
        db.add(second)
        db.commit()
        second_id = second.id
    report_problem(db_engine, session_id, course_id, second_id, now)

    course, view = read(db_engine, course_id)

    with session_scope(db_engine) as db:
        stored = db.get(Course, course_id)
        assert course.id == stored.id and course.client_token == stored.client_token
        assert course.seed == stored.seed and course.state == stored.state
        assert course.started_at == stored.started_at and course.deadline == stored.deadline
    assert [(e.id, e.position, e.item_id) for e in view.entries] == [
        (first_id, 1, "i1"), (second_id, 2, "i2")]
    answered, current = view.entries
    assert (answered.value, answered.result, answered.pending) == ("B", "ok", False)
    assert (current.value, current.result, current.pending) == (None, None, True)
    assert (current.a, current.b, current.served_at) == (1.5, -0.5, now)
    assert view.current == current and view.answered == 1


def test_a_course_with_nothing_served_has_an_empty_view(db_engine: Engine, clock) -> None:  # noqa: ANN001
    now = clock.now()
    session_id, (candidate_id, *_) = make_session(db_engine, now)
    course_id, served_id = start_course(db_engine, session_id, candidate_id, now)
    with session_scope(db_engine) as db:
        db.delete(db.get(ServedItem, served_id))
        db.commit()

    course, view = read(db_engine, course_id)

    assert course.id == course_id
    assert view.entries == () and view.current is None and view.next_position == 1


# --- the settled items each process keeps (web.course.settled) -------------------------------

def _entry(position: int, *, result: str | None = "ok", withdrawn: bool = False) -> Entry:
    now = dt.datetime(2026, 12, 1, 9, 0)
    return Entry(id=100 + position, position=position, item_id=f"i{position}", a=1.0, b=0.0,
                 served_at=now, timer_started_at=now, focused_out_at=None, withdrawn=withdrawn,
                 value="x" if result else None, result=result, pending=False)


def test_only_the_leading_settled_items_are_kept() -> None:
    cache = SettledEntries()
    answered, skipped = _entry(1), _entry(2, result="skipped")
    cache.remember(7, CourseView((answered, skipped, _entry(3, result=None))))
    assert cache.get(7) == (answered, skipped)  # not the current, unanswered item
    withdrawn = _entry(3, result=None, withdrawn=True)
    cache.remember(7, CourseView((answered, skipped, withdrawn)))
    assert cache.get(7) == (answered, skipped)  # a withdrawn last item: its replacement follows
    cache.remember(7, CourseView((answered, skipped, withdrawn, _entry(4, result=None))))
    assert cache.get(7) == (answered, skipped, withdrawn)
    cache.remember(7, CourseView((answered,)))  # a shorter view does not shorten what is held
    assert len(cache.get(7)) == 3
    last = (answered, skipped, withdrawn, _entry(4))
    cache.remember(7, CourseView(last))  # the test's last answer: everything is settled
    assert cache.get(7) == last and cache.get(8) == ()


def test_the_cache_holds_at_most_its_capacity_oldest_course_first() -> None:
    cache = SettledEntries(capacity=2)
    for course_id in (1, 2, 3):
        cache.remember(course_id, CourseView((_entry(1), _entry(2, result=None))))
    assert len(cache) == 2 and cache.get(1) == () and len(cache.get(3)) == 1
    cache.forget(3)
    assert cache.get(3) == ()


def test_reads_with_the_settled_items_equal_full_reads_through_a_whole_test(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    """Answers with and without htmx, a skip, a dismissed and a validated report (withdrawal,
    replacement), a focus-out, a disconnection and a resume: after each, the read that starts
    from what the process keeps gives exactly the full read."""
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    cache = app.state.settled_entries
    reader = make_autocommit_engine(db_engine.url.render_as_string(hide_password=False))

    def check(settled: int) -> None:
        course_id = exam.course(lea).id
        with reader.connect() as conn:
            partial = load_course_and_view(conn, course_id, cache)
            full = load_course_and_view(conn, course_id)
        assert partial == full
        assert len(cache.get(course_id)) == settled

    try:
        flow.start()
        check(0)
        flow.answer_current()  # without JavaScript: 303, then the GET reads the new item
        check(1)
        for correct in (True, False):
            flow.post_answer(flow.answer_form(correct), headers=HTMX)
            flow.question()
            check(1 + (2 if correct is False else 1))
        flow.skip()
        check(4)
        flow.report_problem()
        exam.dismiss_problem(lea)
        flow.question()
        check(4)
        flow.report_problem()
        exam.validate_problem(lea)
        check(4)  # the withdrawn item is last until the candidate is served its replacement
        flow.question()
        check(5)
        flow.leave_page()
        check(5)
        client.cookies.clear()  # the browser closed: the candidate comes back
        flow.rejoin()
        exam.authorise_resume(lea)
        flow.retry()
        flow.question()
        check(5)
        while flow.question().url.path == "/candidat/test":
            flow.post_answer(flow.answer_form(), headers=HTMX)
        check(33)  # 32 answers and the withdrawn item
    finally:
        reader.dispose()


def test_validating_a_report_never_withdraws_an_answered_item(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    """A report sent from a second tab as the first one answered: the answer stands (an
    answered item never changes, which the settled items cache relies on)."""
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    reported = flow.current_served()
    flow.report_problem()
    with session_scope(db_engine) as db:  # the other tab's answer, stored meanwhile
        db.add(Answer(course_id=reported.course_id, served_item_id=reported.id,
                      item_id=reported.item_id, value="1", result="ko", answered_at=clock.now()))
        db.commit()
    exam.validate_problem(lea)
    [alert] = exam.alerts(lea)
    assert alert.status == "validated"
    assert not next(s for s in exam.served(lea) if s.id == reported.id).withdrawn
