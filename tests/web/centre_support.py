"""Arrangements for the centre-space tests: staff accounts, courses with answers, a browser."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

import engine.reference
from tests.conftest import TEST_SECRET
from web.centre import passwords
from web.db import session_scope
from web.models import Answer, Candidate, Centre, Course, ExamSession, ServedItem, StaffUser
from web.models.course import COURSE_ENDED, COURSE_STARTED
from web.models.staff import ROLE_CENTRE_ADMIN, ROLE_JURY, ROLE_PLATFORM_ADMIN
from web.settings import Settings

PASSWORD = "correct-horse-battery"  # noqa: S105 - test account


def fast_settings(database_url: str) -> Settings:
    """The test settings, with cheap argon2 parameters (the production ones are the default)."""
    return Settings(database_url=database_url, secret_key=TEST_SECRET, environment="test",
                    sweep_interval_seconds=0, extra={"password_hashing": "fast"})


def make_staff(db_engine: Engine, now: dt.datetime, email: str, *, centre: str | None = None,
               password: str = PASSWORD, platform: bool = False,
               time_zone: str = "Europe/Paris",
               centre_id: int | None = None, jury: bool = False) -> tuple[int | None, int]:
    """A staff account (and its centre, in `time_zone`, unless `centre_id` names an existing
    one), a platform administrator or a jury member: (centre id, user id)."""
    with session_scope(db_engine) as db:
        if centre is not None:
            row = Centre(name=centre, time_zone=time_zone, created_at=now)
            db.add(row)
            db.flush()
            centre_id = row.id
        user = StaffUser(email=email, password_hash=passwords.hash_password(password, "fast"),
                         role=(ROLE_PLATFORM_ADMIN if platform else ROLE_JURY if jury
                               else ROLE_CENTRE_ADMIN),
                         centre_id=centre_id, created_at=now, password_changed_at=now)
        db.add(user)
        db.commit()
        return centre_id, user.id  # type: ignore[return-value]


def add_session(db_engine: Engine, centre_id: int, now: dt.datetime, *,
                start: dt.time = dt.time(7, 0), candidates: int = 2) -> tuple[int, list[int]]:
    """A session of the centre on `now`'s (UTC) date at `start`, the centre's local time, with
    enrolled candidates."""
    with session_scope(db_engine) as db:
        exam = ExamSession(centre_id=centre_id, date=now.date(), start_time=start, room="B12",
                           address="1 rue de l'École", proctor_names="M. Dupont",
                           access_code="".join(secrets.choice("BCDF") for _ in range(4)) + "23",
                           proctor_password="K7P4MX", created_at=now)  # noqa: S106
        db.add(exam)
        db.flush()
        ids = []
        for i in range(candidates):
            c = Candidate(session_id=exam.id, last_name=f"Nom{chr(65 + i)}", first_name="Léa",
                          birth_date=dt.date(2011, 1, 1 + i), created_at=now)
            db.add(c)
            db.flush()
            ids.append(c.id)
        db.commit()
        return exam.id, ids  # type: ignore[return-value]


def synthetic_bank() -> engine.ItemBank:
    """A synthetic bank shaped like the real one (16 competences): outcomes do not depend on
    the content being written in parallel."""
    return engine.reference.small_bank()


def use_test_bank(app) -> engine.ItemBank:  # noqa: ANN001
    bank = synthetic_bank()
    app.state.content = dataclasses.replace(app.state.content, engine_bank=bank)
    return bank


def make_course(db_engine: Engine, bank: engine.ItemBank, config_version: str, session_id: int,
                candidate_id: int, now: dt.datetime, results: list[str], *,
                running: bool = False, end_reason: str = "completed", unanswered: int = 0,
                end_screen: bool = False) -> int:
    """A course whose served items (one per competence in turn) got `results`, then
    `unanswered` items served and left unanswered."""
    by_competence: dict[int, list[int]] = {}
    for i, comp in enumerate(bank.competence):
        by_competence.setdefault(int(comp), []).append(i)
    order = [items[k] for k in range(max(map(len, by_competence.values())))
             for items in by_competence.values() if k < len(items)]
    with session_scope(db_engine) as db:
        course = Course(candidate_id=candidate_id, session_id=session_id, started_at=now,
                        config_version=config_version, seed=secrets.randbits(62),
                        client_token=secrets.token_hex(16),
                        state=COURSE_STARTED if running else COURSE_ENDED,
                        end_reason=None if running else end_reason,
                        ended_at=None if running else now,
                        end_screen_seen_at=now if end_screen else None,
                        answered_count=sum(r is not None for r in results))
        db.add(course)
        db.flush()
        for position, result in enumerate(results + [None] * unanswered, start=1):
            index = order[position - 1]
            served = ServedItem(course_id=course.id, position=position, item_id=bank.ids[index],
                                a=float(bank.a[index]), b=float(bank.b[index]), served_at=now)
            db.add(served)
            db.flush()
            if result is not None:
                db.add(Answer(course_id=course.id, served_item_id=served.id,
                              item_id=served.item_id, value="x", result=result, answered_at=now))
        db.commit()
        return course.id  # type: ignore[return-value]


class Admin:
    """A centre administrator in a browser."""

    def __init__(self, client: TestClient, email: str, password: str = PASSWORD) -> None:
        self.client, self.email, self.password = client, email, password

    def sign_in(self, password: str | None = None):  # noqa: ANN201
        return self.client.post("/centre/connexion", data={
            "email": self.email, "password": password or self.password})

    def create_session(self, **fields: str) -> int:
        data = {"date": "2026-11-23", "start_time": "09:00", "room": "Salle 12",
                "address": "1 rue de l'École, 75000 Paris", "proctor_names": "M. Dupont",
                "description": ""}
        data.update(fields)
        response = self.client.post("/centre/sessions/nouvelle", data=data)
        assert response.status_code == 200, response.text
        match = re.search(r"/centre/sessions/(\d+)$", str(response.url))
        assert match, response.url
        return int(match.group(1))


def finalised_session(db_engine: Engine, bank: engine.ItemBank, config_version: str,
                      centre_id: int, now: dt.datetime, *,
                      end_reason: str = "completed") -> tuple[int, int]:
    """A session its centre finalised at `now`, awaiting the jury: one candidate who answered
    32 questions, with a validated result (as finalisation stores it). (session id, candidate
    id)."""
    from web.models import CertificationResult

    session_id, ids = add_session(db_engine, centre_id, now, candidates=1)
    course = make_course(db_engine, bank, config_version, session_id, ids[0], now,
                         ["ok", "ko"] * 16, end_screen=True, end_reason=end_reason)
    with session_scope(db_engine) as db:
        db.get(ExamSession, session_id).finalised_at = now  # type: ignore[union-attr]
        db.add(CertificationResult(course_id=course, session_id=session_id, candidate_id=ids[0],
                                   status="validated", score=300, level=3, answered=32,
                                   ended_by="completed", config_version=config_version,
                                   computed_at=now))
        db.commit()
    return session_id, ids[0]
