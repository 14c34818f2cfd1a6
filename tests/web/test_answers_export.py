"""The answers of finished tests, exported for calibration (web.answers_export), and read back
by the calibration command."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy.engine import Engine

from engine.calibrate import read_answers
from tests.web.centre_support import (
    add_session,
    fast_settings,
    make_course,
    make_staff,
    synthetic_bank,
)
from web.answers_export import main
from web.clock import FrozenClock
from web.db import session_scope
from web.models import CertificationResult
from web.models.course import END_BY_PROCTOR


def test_finished_tests_are_exported_without_the_person_and_read_by_calibration(
        database_url: str, db_engine: Engine, clock: FrozenClock, tmp_path: Path,
        capsys) -> None:  # noqa: ANN001
    now = clock.now()
    bank = synthetic_bank()
    centre, _ = make_staff(db_engine, now, "admin@college.fr", centre="Collège")
    session, people = add_session(db_engine, centre, now, candidates=4)
    earlier, others = add_session(db_engine, centre, now - dt.timedelta(days=40), candidates=1)
    done = make_course(db_engine, bank, "v1", session, people[0], now, ["ok", "ko", "skipped"])
    make_course(db_engine, bank, "v1", session, people[1], now, ["ok"], running=True)
    make_course(db_engine, bank, "v1", session, people[2], now, ["ko", "ok"],
                end_reason=END_BY_PROCTOR)
    timed_out = make_course(db_engine, bank, "v1", session, people[3], now, ["timedout", "ok"],
                            end_reason="time_expired")
    make_course(db_engine, bank, "v1", earlier, others[0], now - dt.timedelta(days=40), ["ok"])
    # Finished, but their results were rejected: fraud reported by the centre, or by the jury.
    for ended_by, decision in (("fraud", None), ("completed", "rejected")):
        session_id, ids = add_session(db_engine, centre, now, candidates=1)
        course = make_course(db_engine, bank, "v1", session_id, ids[0], now, ["ok", "ok"])
        with session_scope(db_engine) as db:
            db.add(CertificationResult(course_id=course, session_id=session_id,
                                       candidate_id=ids[0], status="rejected"
                                       if ended_by == "fraud" else "validated",
                                       answered=2, ended_by=ended_by, jury_decision=decision,
                                       config_version="v1", computed_at=now))
            db.commit()

    out = tmp_path / "answers.csv"
    settings = fast_settings(database_url)
    assert main(["--out", str(out), "--since", (now - dt.timedelta(days=7)).date().isoformat()],
                settings=settings) == 0
    assert "5 answers written" in capsys.readouterr().out
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["course", "item", "result"]
    assert [(int(c), r) for c, _item, r in rows[1:]] == [
        (done, "ok"), (done, "ko"), (done, "skipped"), (timed_out, "timedout"),
        (timed_out, "ok")]  # not the running test, the one the proctor ended, the rejected
    assert {item for _c, item, _r in rows[1:]} <= set(bank.ids)
    assert "Léa" not in out.read_text(encoding="utf-8")
    person, item, correct, ids = read_answers(str(out))  # ok and ko only
    assert list(correct) == [True, False, True] and len(set(person)) == 2 and len(ids) == 2

    assert main(["--out", str(out)], settings=settings) == 0  # every date: the earlier test too
    assert "6 answers written" in capsys.readouterr().out
