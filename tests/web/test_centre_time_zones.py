"""A centre types its sessions' start in its own local time, mainland France or overseas.

The frozen clock starts on Monday 23 November 2026 at 08:00 UTC: 09:00 in Paris (winter time),
12:00 in Réunion, Sunday 22:00 in Tahiti.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import inspect
from sqlalchemy import text as sql
from sqlmodel import select
from starlette.testclient import TestClient

from tests.web.centre_support import Admin, add_session, make_course, make_staff, use_test_bank
from tests.web.pages import text
from web.centre.time_zones import (
    DEFAULT_TIME_ZONE,
    ZONES,
    local_time,
    session_start_utc,
    zone_labels,
)
from web.db import session_scope
from web.migrate import downgrade, upgrade
from web.models import Centre, Course, ExamSession

NOT_YET = "La session n'a pas encore eu lieu"


# --- The conversion -------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "start", "zone", "utc"), [
    # Paris: UTC+1 in winter, UTC+2 in summer.
    (dt.date(2026, 11, 23), dt.time(9, 0), "Europe/Paris", dt.datetime(2026, 11, 23, 8, 0)),
    (dt.date(2026, 6, 15), dt.time(9, 0), "Europe/Paris", dt.datetime(2026, 6, 15, 7, 0)),
    # Réunion, UTC+4 all year.
    (dt.date(2026, 11, 23), dt.time(9, 0), "Indian/Reunion", dt.datetime(2026, 11, 23, 5, 0)),
    # Tahiti, UTC−10: a morning session starts in the UTC evening.
    (dt.date(2026, 11, 23), dt.time(9, 0), "Pacific/Tahiti", dt.datetime(2026, 11, 23, 19, 0)),
    # The Marquesas, UTC−9:30.
    (dt.date(2026, 11, 23), dt.time(9, 0), "Pacific/Marquesas",
     dt.datetime(2026, 11, 23, 18, 30)),
    # New Caledonia, UTC+11: a morning session starts on the previous UTC day.
    (dt.date(2026, 11, 23), dt.time(9, 0), "Pacific/Noumea", dt.datetime(2026, 11, 22, 22, 0)),
    # Saint-Pierre-et-Miquelon keeps North American summer time: UTC−2 in June.
    (dt.date(2026, 6, 15), dt.time(9, 0), "America/Miquelon", dt.datetime(2026, 6, 15, 11, 0)),
])
def test_a_local_start_is_converted_to_utc(day: dt.date, start: dt.time, zone: str,
                                           utc: dt.datetime) -> None:
    assert session_start_utc(day, start, zone) == utc


def test_times_skipped_or_repeated_by_a_clock_change_read_with_the_earlier_offset() -> None:
    # 29 March 2026, Paris: 02:00 jumps to 03:00. 02:30 does not exist; read as UTC+1 (fold=0),
    # it is 01:30 UTC, i.e. 03:30 summer time.
    assert session_start_utc(dt.date(2026, 3, 29), dt.time(2, 30), "Europe/Paris") == \
        dt.datetime(2026, 3, 29, 1, 30)
    # 25 October 2026, Paris: 03:00 goes back to 02:00. 02:30 happens twice: the first one
    # (summer time, UTC+2) counts, even when the time carries fold=1.
    for fold in (0, 1):
        assert session_start_utc(dt.date(2026, 10, 25), dt.time(2, 30, fold=fold),
                                 "Europe/Paris") == dt.datetime(2026, 10, 25, 0, 30)


def test_every_zone_of_the_list_is_known_and_labelled() -> None:
    assert DEFAULT_TIME_ZONE == "Europe/Paris" == ZONES[0]
    assert set(zone_labels()) == set(ZONES)
    for zone in ZONES:  # zoneinfo finds each (system database, or the tzdata package)
        assert local_time(dt.datetime(2026, 1, 1), zone).tzinfo is not None
    assert local_time(dt.datetime(2026, 11, 23, 19, 1), "Pacific/Tahiti").strftime(
        "%d/%m %H:%M") == "23/11 09:01"


# --- Finalisation follows the centre's local time -------------------------------------------

def _finalisation_offered(client: TestClient, session_id: int) -> bool:
    page = text(client.get(f"/centre/sessions/{session_id}"))
    form = client.get(f"/centre/sessions/{session_id}/finalisation")
    if "Finaliser la session" in page:
        assert form.status_code == 200
        return True
    assert form.status_code == 409 and NOT_YET in text(form)
    return False


def test_in_paris_a_session_can_be_finalised_from_its_local_start(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    clock.advance(minutes=-2)  # 08:58 in Paris, 07:58 UTC
    make_staff(db_engine, clock.now(), "chef@college.fr", centre="Collège Jean Moulin")
    admin = Admin(client, "chef@college.fr")
    admin.sign_in()
    session_id = admin.create_session(date="2026-11-23", start_time="09:00")
    assert not _finalisation_offered(client, session_id)
    clock.advance(minutes=3)  # 09:01 in Paris
    assert _finalisation_offered(client, session_id)
    clock.advance(minutes=29)  # 09:30 in Paris, still 08:30 UTC: used to be refused
    assert _finalisation_offered(client, session_id)


def test_in_paris_in_summer_the_offset_is_two_hours(client: TestClient, db_engine,  # noqa: ANN001
                                                    clock) -> None:  # noqa: ANN001
    clock.advance(days=-161, hours=-1, minutes=-2)  # Monday 15 June 2026, 06:58 UTC
    assert clock.now() == dt.datetime(2026, 6, 15, 6, 58)
    make_staff(db_engine, clock.now(), "chef@college.fr", centre="Collège Jean Moulin")
    admin = Admin(client, "chef@college.fr")
    admin.sign_in()
    session_id = admin.create_session(date="2026-06-15", start_time="09:00")
    assert not _finalisation_offered(client, session_id)  # 08:58 summer time
    clock.advance(minutes=3)
    assert _finalisation_offered(client, session_id)  # 09:01 summer time, 07:01 UTC


def test_in_tahiti_nothing_is_finalised_before_the_local_start(
        app, client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    bank = use_test_bank(app)
    centre_id, _ = make_staff(db_engine, clock.now(), "chef@lycee-papeete.pf",
                              centre="Lycée Paul-Gauguin", time_zone="Pacific/Tahiti")
    clock.advance(hours=11)  # 19:00 UTC on the 23rd: 09:00 in Tahiti, session day
    session_id, people = add_session(db_engine, centre_id, clock.now(), start=dt.time(9, 30))
    course_id = make_course(db_engine, bank, app.state.content.config.version, session_id,
                            people[0], clock.now(), ["ok"] * 5, running=True)
    admin = Admin(client, "chef@lycee-papeete.pf")
    admin.sign_in()
    # The UTC clock reads 19:00, long past 09:30; in Tahiti it is 09:00.
    assert not _finalisation_offered(client, session_id)
    refused = client.post(f"/centre/sessions/{session_id}/finalisation",
                          data={f"reason_{people[0]}": "technical"})
    assert refused.status_code == 409 and NOT_YET in text(refused)
    with session_scope(db_engine) as db:
        assert db.get(ExamSession, session_id).finalised_at is None
        assert db.get(Course, course_id).state == "started"  # the test keeps running

    clock.advance(minutes=31)  # 09:31 in Tahiti
    assert _finalisation_offered(client, session_id)
    done = client.post(f"/centre/sessions/{session_id}/finalisation",
                       data={f"reason_{people[0]}": "technical"})
    assert done.status_code == 200 and "/resultats" in str(done.url)
    assert "finalisée le 23/11/2026 09:31 (heure locale du centre)" in text(done)
    assert "UTC" not in text(done)
    with session_scope(db_engine) as db:
        assert db.get(ExamSession, session_id).finalised_at == dt.datetime(2026, 11, 23, 19, 31)
        assert db.get(Course, course_id).state != "started"


@pytest.mark.parametrize(("zone", "latest"), [
    # 08:00 UTC on the 23rd: still Sunday the 22nd, 22:00, in Tahiti; 19:00 on the 23rd in
    # New Caledonia, and at 15:00 UTC already Tuesday the 24th there.
    ("Pacific/Tahiti", "2026-11-22"), ("Pacific/Noumea", "2026-11-23")])
def test_a_birth_date_is_checked_against_the_centres_date(
        client: TestClient, db_engine, clock, zone: str, latest: str) -> None:  # noqa: ANN001
    """A birth date after today is refused: the centre's today, not UTC's."""
    centre_id, _ = make_staff(db_engine, clock.now(), "chef@lycee.nc", centre="Lycée",
                              time_zone=zone)
    session_id, _ = add_session(db_engine, centre_id, clock.now(), candidates=0)
    Admin(client, "chef@lycee.nc").sign_in()

    def enrolled(first: str, born: dt.date) -> bool:
        page = client.post(f"/centre/sessions/{session_id}/candidats/nouveau", data={
            "last_name": "Martin", "first_name": first, "birth_date": born.isoformat(),
            "birth_place": "", "extra_time_percent": "0", "external_id": ""})
        assert page.status_code in (200, 422) and "/connexion" not in str(page.url)
        return page.status_code == 200 and "Date de naissance hors des limites" not in text(page)

    last_day = dt.date.fromisoformat(latest)
    assert not enrolled("Léa", last_day + dt.timedelta(days=1))
    assert enrolled("Hugo", last_day)
    if zone == "Pacific/Noumea":
        clock.advance(hours=7)
        Admin(client, "chef@lycee.nc").sign_in()  # the staff session lapsed meanwhile
        assert enrolled("Noah", last_day + dt.timedelta(days=1))


def test_the_session_form_says_the_start_is_the_centres_local_time(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@college-dzaoudzi.yt", centre="Collège de Dzaoudzi",
               time_zone="Indian/Mayotte")
    Admin(client, "chef@college-dzaoudzi.yt").sign_in()
    page = client.get("/centre/sessions/nouvelle")
    assert "Heure locale du centre (Mayotte)." in text(page)
    start = re.search(r'<input type="time" id="start_time"[^>]*>', page.text).group(0)
    assert 'aria-describedby="start_time-hint"' in start
    client.post("/langue", data={"lang": "en", "next": "/"})
    assert "Centre's local time (Mayotte)." in text(client.get("/centre/sessions/nouvelle"))


# --- The platform administrator sets each centre's zone ------------------------------------

@pytest.fixture
def platform(client: TestClient, db_engine, clock) -> Admin:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "root@passation.fr", platform=True)
    admin = Admin(client, "root@passation.fr")
    admin.sign_in()
    return admin


def _centres(db_engine) -> list[tuple[str, str]]:  # noqa: ANN001
    with session_scope(db_engine) as db:
        return [(c.name, c.time_zone) for c in db.exec(select(Centre)).all()]


def _selected(page: str) -> str:
    select_ = re.search(r'<select id="time_zone".*?</select>', page, re.S).group(0)
    return re.search(r'<option value="([^"]+)" selected>', select_).group(1)


def test_the_platform_admin_creates_a_centre_in_reunion_then_changes_its_zone(
        platform: Admin, client: TestClient, db_engine) -> None:  # noqa: ANN001
    form = client.get("/admin/centres")
    assert '<label for="time_zone">Fuseau horaire' in form.text
    assert _selected(form.text) == "Europe/Paris"
    assert "France métropolitaine, Corse" in text(form) and "La Réunion" in text(form)

    created = client.post("/admin/centres", data={"name": "Lycée Leconte-de-Lisle",
                                                  "time_zone": "Indian/Reunion"})
    assert created.history[0].status_code == 303
    assert re.search(r"/admin/centres/\d+$", str(created.url))
    assert _selected(created.text) == "Indian/Reunion"
    assert _centres(db_engine) == [("Lycée Leconte-de-Lisle", "Indian/Reunion")]
    assert "Lycée Leconte-de-Lisle</a> (n° 1) – La Réunion" in text(client.get("/admin/centres"))

    changed = client.post(f"{created.url}/fuseau-horaire", data={"time_zone": "Indian/Mayotte"})
    assert changed.history[0].status_code == 303
    assert "Le fuseau horaire du centre est enregistré." in text(changed)
    assert _selected(changed.text) == "Indian/Mayotte"
    assert _centres(db_engine) == [("Lycée Leconte-de-Lisle", "Indian/Mayotte")]


@pytest.mark.parametrize("zone", ["Europe/London", "", "Indian/Reunion\x00", "UTC"])
def test_a_zone_outside_the_list_is_refused_and_nothing_changes(
        platform: Admin, client: TestClient, db_engine, zone: str) -> None:  # noqa: ANN001
    message = "Choisissez le fuseau horaire du centre dans la liste."
    refused = client.post("/admin/centres", data={"name": "Collège X", "time_zone": zone})
    assert refused.status_code == 422
    page = text(refused)
    assert message in page and '<a href="#time_zone">' in page
    assert 'value="Collège X"' in page  # the form is shown again, as typed
    assert re.search(r'<select id="time_zone" name="time_zone" required '
                     r'aria-describedby="time_zone-hint time_zone-error" aria-invalid="true">',
                     refused.text)
    assert _centres(db_engine) == []

    client.post("/admin/centres", data={"name": "Collège X", "time_zone": "Pacific/Wallis"})
    with session_scope(db_engine) as db:
        centre_id = db.exec(select(Centre.id)).one()
    changed = client.post(f"/admin/centres/{centre_id}/fuseau-horaire", data={"time_zone": zone})
    assert changed.status_code == 422
    assert message in text(changed) and 'aria-invalid="true"' in changed.text
    assert _selected(changed.text) == "Pacific/Wallis"  # the stored zone stays selected
    assert _centres(db_engine) == [("Collège X", "Pacific/Wallis")]


def test_only_the_platform_admin_changes_a_zone(client: TestClient, db_engine,  # noqa: ANN001
                                                clock) -> None:  # noqa: ANN001
    centre_id, _ = make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    Admin(client, "chef@ecole.fr").sign_in()
    response = client.post(f"/admin/centres/{centre_id}/fuseau-horaire",
                           data={"time_zone": "Pacific/Tahiti"})
    assert response.status_code == 403
    assert _centres(db_engine) == [("C", "Europe/Paris")]


def test_the_migration_puts_existing_centres_in_paris(database_url: str, db_engine) -> None:  # noqa: ANN001
    downgrade(database_url, "0006")
    db_engine.dispose()
    assert "time_zone" not in {c["name"] for c in inspect(db_engine).get_columns("centre")}
    with db_engine.begin() as conn:
        conn.execute(sql("INSERT INTO centre (name, created_at) VALUES ('Ancien', :t)"),
                     {"t": dt.datetime(2026, 1, 1)})
    upgrade(database_url)
    db_engine.dispose()
    assert _centres(db_engine) == [("Ancien", "Europe/Paris")]


def test_the_command_line_creates_a_centre_in_a_zone_of_the_list(settings, db_engine,  # noqa: ANN001
                                                                  capsys) -> None:  # noqa: ANN001
    from web.centre import admin as admin_cli

    assert admin_cli.main(["create-centre", "Collège de Koné", "--time-zone",
                           "Pacific/Noumea"], settings) == 0
    assert "(Pacific/Noumea)" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        admin_cli.main(["create-centre", "Collège X", "--time-zone", "Europe/London"], settings)
    assert "invalid choice" in capsys.readouterr().err
    assert _centres(db_engine) == [("Collège de Koné", "Pacific/Noumea")]
