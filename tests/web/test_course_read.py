"""The hot path's course read (web.course.state.load_course_and_view), on SQLite and PostgreSQL:
the course once, then each served item with its answer and pending report, in serving order."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.web.factories import make_session, report_problem, start_course
from web.course.state import load_course_and_view
from web.db import make_autocommit_engine, session_scope
from web.models import Answer, Course, ServedItem


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
