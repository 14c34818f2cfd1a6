"""Arrange data directly in the database, for tests that start mid-story."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy.engine import Engine

from web.db import session_scope
from web.models import Candidate, Centre, Course, ExamSession, LiveAlert, ServedItem


def make_session(
    db_engine: Engine,
    now: dt.datetime,
    *,
    access_code: str = "BCDF23",
    proctor_password: str = "K7P4MX",
    centre_name: str = "Collège Test",
    candidates: int = 3,
) -> tuple[int, list[int]]:
    """A centre, a session and `candidates` enrolled candidates: (session id, candidate ids)."""
    with session_scope(db_engine) as db:
        centre = Centre(name=centre_name, created_at=now)
        db.add(centre)
        db.flush()
        exam = ExamSession(
            centre_id=centre.id,
            date=now.date(),
            start_time=dt.time(8, 0),
            room="Salle 1",
            access_code=access_code,
            proctor_password=proctor_password,
            created_at=now,
        )
        db.add(exam)
        db.flush()
        people = [
            ("Martin", "Léa", 0, False),
            ("Bernard", "Hugo", 33, False),
            ("Petit", "Inès", 0, True),
            ("Durand", "Noah", 0, False),
        ]
        ids = []
        for i in range(candidates):
            last, first, extra, adjusted = people[i % len(people)]
            candidate = Candidate(
                session_id=exam.id,
                last_name=last if i < 4 else f"{last}{i}",
                first_name=first,
                birth_date=dt.date(2011, 1, 1 + i),
                extra_time_percent=extra,
                accessibility=adjusted,
                created_at=now,
            )
            db.add(candidate)
            db.flush()
            ids.append(candidate.id)
        db.commit()
        return exam.id, ids


def start_course(
    db_engine: Engine,
    session_id: int,
    candidate_id: int,
    now: dt.datetime,
    *,
    item_id: str = "demo-item",
) -> tuple[int, int]:
    """A running course with one served, unanswered item: (course id, served item id)."""
    with session_scope(db_engine) as db:
        candidate = db.get(Candidate, candidate_id)
        course = Course(
            candidate_id=candidate_id,
            session_id=session_id,
            started_at=now,
            extra_time_percent=candidate.extra_time_percent,
            accessibility=candidate.accessibility,
            config_version="test",
            seed=secrets.randbits(62),
            client_token=secrets.token_hex(16),
        )
        db.add(course)
        db.flush()
        served = ServedItem(
            course_id=course.id,
            position=1,
            item_id=item_id,
            a=1.0,
            b=0.0,
            served_at=now,
            timer_started_at=now,
        )
        db.add(served)
        db.commit()
        return course.id, served.id


def report_problem(
    db_engine: Engine, session_id: int, course_id: int, served_item_id: int, now: dt.datetime
) -> int:
    with session_scope(db_engine) as db:
        alert = LiveAlert(
            course_id=course_id,
            session_id=session_id,
            served_item_id=served_item_id,
            created_at=now,
        )
        db.add(alert)
        db.commit()
        return alert.id
