"""A centre finalises its session within the 48 hours that follow it.

The deadline is shown from the session's start, in the centre's local time, and a session past
it is flagged as overdue; finalising late stays possible (it is what computes the results) and
the session then says it was late. The frozen clock starts on Monday 23 November 2026 at 08:00
UTC: 09:00 in Paris, Sunday 22:00 in Tahiti.
"""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

from tests.web.centre_support import Admin, make_staff
from tests.web.pages import text
from web.centre import sessions
from web.models import ExamSession

OVERDUE_NOTICE = ("1 session n'a pas été finalisée dans les 48 heures qui suivent la session : "
                  "finalisez-la dès que possible.")


def _sign_in(client: TestClient, db_engine, clock, zone: str = "Europe/Paris") -> Admin:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@college.fr", centre="Collège Jean Moulin",
               time_zone=zone)
    admin = Admin(client, "chef@college.fr")
    admin.sign_in()
    return admin


def _signed_in(client: TestClient) -> None:
    """Signs in again if the staff session expired while the clock moved on by hours."""
    if "/connexion" in str(client.get("/centre/sessions").url):
        Admin(client, "chef@college.fr").sign_in()


def _pages(client: TestClient, session_id: int) -> tuple[str, str]:
    """The sessions list and the session's page, as read."""
    _signed_in(client)
    return (text(client.get("/centre/sessions")),
            text(client.get(f"/centre/sessions/{session_id}")))


def _finalise(client: TestClient, session_id: int) -> None:
    _signed_in(client)
    done = client.post(f"/centre/sessions/{session_id}/finalisation", data={})
    assert done.status_code == 200 and f"/{session_id}/resultats?finalisee=1" in str(done.url)


def test_the_deadline_appears_when_the_session_begins_and_lateness_is_flagged(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    clock.advance(minutes=-1)  # 08:59 in Paris
    admin = _sign_in(client, db_engine, clock)
    session_id = admin.create_session(date="2026-11-23", start_time="09:00")
    listing, page = _pages(client, session_id)
    assert "À finaliser" not in listing and "retard" not in listing
    assert "Finalisation" not in page  # nothing to do before the session

    clock.advance(minutes=2)  # 09:01: the session has begun; it ends at 11:00
    listing, page = _pages(client, session_id)
    assert "À finaliser avant le 25/11/2026 11:00" in listing
    assert "À faire avant le 25/11/2026 11:00 (48 heures après la fin de la session)." in page
    assert OVERDUE_NOTICE not in listing
    form = text(client.get(f"/centre/sessions/{session_id}/finalisation"))
    assert "Finalisez avant le 25/11/2026 11:00 (48 heures après la fin de la session)." in form

    clock.advance(days=2, hours=1, minutes=58)  # Wednesday 10:59 in Paris: still in time
    listing, page = _pages(client, session_id)
    assert "À finaliser avant le 25/11/2026 11:00" in listing and OVERDUE_NOTICE not in listing

    clock.advance(minutes=2)  # 11:01
    listing, page = _pages(client, session_id)
    assert OVERDUE_NOTICE in listing
    assert "Finalisation en retard (délai : 25/11/2026 11:00)" in listing
    assert "En retard : la session devait être finalisée avant le 25/11/2026 11:00." in page
    assert "Finaliser la session" in page  # late, but still possible
    form = text(client.get(f"/centre/sessions/{session_id}/finalisation"))
    assert ("Le délai de finalisation est dépassé : la session devait être finalisée avant le "
            "25/11/2026 11:00. Finalisez-la dès que possible.") in form

    clock.advance(minutes=4)  # 11:05
    _finalise(client, session_id)
    listing, page = _pages(client, session_id)
    assert OVERDUE_NOTICE not in listing and "retard" not in listing
    assert ("Finalisée le 25/11/2026 11:05 (après le délai de 48 heures, qui était le "
            "25/11/2026 11:00)") in page


def test_a_session_finalised_in_time_says_when_and_nothing_else(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    admin = _sign_in(client, db_engine, clock)
    session_id = admin.create_session(date="2026-11-23", start_time="09:00")
    clock.advance(hours=3)  # 12:00 in Paris
    _finalise(client, session_id)
    clock.advance(days=5)
    listing, page = _pages(client, session_id)
    assert "Finalisée le 23/11/2026 12:00" in page and "délai" not in page
    assert "retard" not in listing and "À finaliser" not in listing


def test_overseas_the_deadline_is_the_centres_local_time(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    admin = _sign_in(client, db_engine, clock, zone="Pacific/Tahiti")
    session_id = admin.create_session(date="2026-11-23", start_time="09:30")
    clock.advance(hours=11, minutes=31)  # 19:31 UTC: 09:31 in Tahiti
    listing, page = _pages(client, session_id)
    assert "À finaliser avant le 25/11/2026 11:30" in listing  # local, not 21:30 UTC
    clock.advance(days=2, hours=2)  # Wednesday 11:31 in Tahiti
    listing, page = _pages(client, session_id)
    assert "Finalisation en retard (délai : 25/11/2026 11:30)" in listing


def test_the_deadline_in_english(client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    admin = _sign_in(client, db_engine, clock)
    session_id = admin.create_session(date="2026-11-23", start_time="09:00")
    client.post("/langue", data={"lang": "en", "next": "/"})
    clock.advance(minutes=1)
    listing, page = _pages(client, session_id)
    assert "To finalise by 25/11/2026 11:00" in listing
    assert "Due by 25/11/2026 11:00 (48 hours after the session ends)." in page
    clock.advance(days=3)
    listing, page = _pages(client, session_id)
    assert ("1 session was not finalised within 48 hours of the session: finalise it as soon as "
            "possible.") in listing
    assert "Finalisation overdue (deadline: 25/11/2026 11:00)" in listing
    assert "Overdue: the session had to be finalised by 25/11/2026 11:00." in page


def test_the_deadline_is_two_hours_of_session_then_48_hours() -> None:
    session = ExamSession(centre_id=1, date=dt.date(2026, 3, 27), start_time=dt.time(14, 0),
                          room="", address="", proctor_names="", access_code="BCDF23",
                          proctor_password="K7P4MX", created_at=dt.datetime(2026, 3, 1))  # noqa: S106
    # Friday 14:00 winter time (13:00 UTC), over at 16:00; the deadline is 48 elapsed hours
    # later, 15:00 UTC on Sunday, which reads 17:00 since the clocks went forward that night.
    assert sessions.finalisation_deadline(session, "Europe/Paris") == dt.datetime(2026, 3, 29, 15)
    before = sessions.finalisation_due(session, "Europe/Paris", dt.datetime(2026, 3, 27, 12, 59))
    assert before is None
    due = sessions.finalisation_due(session, "Europe/Paris", dt.datetime(2026, 3, 29, 15, 1))
    assert due is not None and due.late
