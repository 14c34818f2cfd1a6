"""The proctor's live list polls cheaply: while nothing it shows has changed, a poll that sends
back the version on screen gets a 204 (htmx swaps nothing), and the browser counts the time left
down itself (web/static/js/proctor.js)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from markupsafe import Markup

from tests.web.factories import make_session, report_problem, start_course
from tests.web.test_proctor import Proctor
from web import i18n
from web.db import session_scope
from web.models import Answer, Course
from web.proctor.live import CandidateRow, PendingAlert
from web.proctor.render import FRAME_TEMPLATE, ROW_TEMPLATE, ListRenderer
from web.templating import format_duration

VERSION = re.compile(r'data-live-version="([0-9a-f]+)"')


class PollingProctor(Proctor):
    """The proctor's browser with JavaScript: polls with the version of the list it shows."""

    version: str | None = None

    def poll(self):  # noqa: ANN201
        headers = {"HX-Request": "true"}
        if self.version:
            headers["X-Live-Version"] = self.version
        response = self.client.get(self.base, headers=headers)
        if response.status_code == 200:
            self.version = VERSION.search(response.text).group(1)
        return response

    def shows(self) -> str:
        """A poll that must bring a new list."""
        response = self.poll()
        assert response.status_code == 200, response.status_code
        return html.unescape(response.text)

    def unchanged(self) -> bool:
        response = self.poll()
        assert response.status_code in (200, 204)
        return response.status_code == 204


@pytest.fixture
def proctor(client, db_engine, clock):  # noqa: ANN001, ANN201
    session_id, candidates = make_session(db_engine, clock.now())
    desk = PollingProctor(client, session_id)
    desk.sign_in()
    desk.candidates = candidates
    return desk


def answer(db_engine, course_id: int, served_id: int, now: dt.datetime) -> None:  # noqa: ANN001
    with session_scope(db_engine) as db:
        db.add(Answer(course_id=course_id, served_item_id=served_id, item_id="demo-item",
                      value="1", result="ok", answered_at=now))
        course = db.get(Course, course_id)
        course.answered_count += 1  # as the app's answer statement does
        db.commit()


def test_nothing_changed_the_poll_gets_204_while_time_runs(proctor, db_engine, clock) -> None:  # noqa: ANN001
    start_course(db_engine, proctor.session_id, proctor.candidates[1], clock.now())
    first = proctor.shows()
    # The time left is sent in seconds too, for the browser to count down: 105 min × 1.33.
    assert 'data-time-left="8379">2 h 19 min<' in first
    clock.advance(seconds=40)
    response = proctor.poll()
    assert response.status_code == 204 and response.content == b""
    assert response.headers["cache-control"] == "no-store"
    assert "X-Live-Version" in response.headers["vary"]
    clock.advance(minutes=20)
    assert proctor.unchanged()
    # Without the version (no JavaScript, first load) the list comes whole, time left included.
    proctor.version = None
    assert 'data-time-left="7139">1 h 58 min<' in proctor.shows()


def test_every_change_brings_the_list_again(proctor, db_engine, clock) -> None:  # noqa: ANN001
    lea, hugo = proctor.candidates[0], proctor.candidates[1]
    proctor.shows()
    assert proctor.unchanged()
    course_id, served_id = start_course(db_engine, proctor.session_id, hugo, clock.now())
    assert "Question 1 / 32" in proctor.shows()
    assert proctor.unchanged()
    answer(db_engine, course_id, served_id, clock.now())
    assert "Question 2 / 32" in proctor.shows()
    report_problem(db_engine, proctor.session_id, course_id, served_id, clock.now())
    assert "1 signalement en attente." in proctor.shows()
    assert proctor.unchanged()
    # A proctor's action elsewhere (another tab): the next poll brings its effect.
    proctor.client.post(f"{proctor.base}/candidats/{lea}/presence")
    assert "Présence confirmée, peut commencer" in proctor.shows()
    assert proctor.unchanged()
    # The presence lapses after 15 minutes: the list changes without anyone acting.
    clock.advance(minutes=16)
    assert "Présence confirmée, peut commencer" not in proctor.shows()
    # Extra time moves the deadline: the new time left must reach the browser.
    proctor.client.post(f"{proctor.base}/candidats/{hugo}/temps", data={"minutes": "5"})
    assert "dont 5 min accordées" in proctor.shows()


def test_an_action_message_is_never_lost_to_a_204(proctor, db_engine, clock) -> None:  # noqa: ANN001
    lea = proctor.candidates[0]
    start_course(db_engine, proctor.session_id, lea, clock.now())
    proctor.shows()
    # Authorising a resume nobody asked for changes nothing on the list, but its message must
    # show: the GET after the action's 303 (htmx follows it) carries the same version.
    response = proctor.client.post(
        f"{proctor.base}/candidats/{lea}/reprise",
        headers={"HX-Request": "true", "X-Live-Version": proctor.version})
    assert response.status_code == 200
    assert "Reprise autorisée pour Léa Martin." in html.unescape(response.text)
    assert proctor.unchanged()


def test_the_list_follows_the_language(proctor) -> None:  # noqa: ANN001
    assert "Temps restant" in proctor.shows()
    proctor.client.post("/langue", data={"lang": "en", "next": proctor.base})
    assert "Time left" in proctor.shows()


def test_a_version_opens_nothing(client, proctor, db_engine, clock) -> None:  # noqa: ANN001
    proctor.shows()
    other_id, _ = make_session(db_engine, clock.now(), access_code="GHJK46",
                               proctor_password="PPPPPP", centre_name="Autre")
    headers = {"HX-Request": "true", "X-Live-Version": proctor.version}
    assert client.get(f"/surveillant/session/{other_id}", headers=headers).status_code == 403
    client.post("/surveillant/deconnexion")
    assert client.get(proctor.base, headers=headers).status_code == 403


def test_a_session_without_candidates_polls_the_same_way(client, db_engine, clock) -> None:  # noqa: ANN001
    session_id, _ = make_session(db_engine, clock.now(), candidates=0)
    proctor = PollingProctor(client, session_id)
    proctor.sign_in()
    assert "Aucun candidat inscrit à cette session." in proctor.shows()
    assert proctor.unchanged()


def _rows(length: int = 32) -> list[CandidateRow]:
    common = {"birth_date": dt.date(2011, 1, 2), "length": length, "end_reason": None,
              "granted_minutes": 0, "alerts": (), "remaining_seconds": 0,
              "has_course": False, "answered": 0, "extra_time_percent": 0,
              "accessibility": False}

    def row(cid: int, **values: object) -> CandidateRow:
        return CandidateRow(**{**common, "id": cid, "last_name": f"Nom<{cid}>",  # type: ignore[arg-type]
                               "first_name": "Prénom & co", **values})

    running = {"has_course": True}
    return [
        row(1, state="not_started", extra_time_percent=33),
        row(2, state="authorised", accessibility=True),
        row(3, state="running", answered=4, remaining_seconds=4000, **running),
        row(4, state="resume_requested", answered=31, remaining_seconds=59, granted_minutes=10,
            alerts=(PendingAlert(7, 31), PendingAlert(8, None)), **running),
        row(5, state="ended", end_reason="time_expired", answered=32, **running),
        row(6, state="ended", end_reason="ended_by_proctor", answered=12, **running),
    ]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_pieces_kept_per_process_give_the_templates_own_output(app, lang: str) -> None:  # noqa: ANN001
    """Rows and frames come from caches with slots filled in: the same as rendering the
    templates afresh, in every state, with and without alerts and rows."""
    i18n.activate(lang)
    env = app.state.templates.env
    renderer = ListRenderer()

    def fresh(rows: list[CandidateRow], version: str, flash: str | None) -> str:
        rows_html = Markup("\n").join(Markup(env.get_template(ROW_TEMPLATE).render(  # noqa: S704
            row=row, exam_id=9, remaining=format_duration(row.remaining_seconds),
            remaining_s=str(row.remaining_seconds),
            question_n=str(min(row.answered + 1, row.length)))) for row in rows)
        return env.get_template(FRAME_TEMPLATE).render(
            flash=flash, pending_alerts=sum(len(row.alerts) for row in rows),
            has_rows=bool(rows), version=version, rows_html=rows_html)

    for rows in (_rows(), _rows()[:3], []):
        for flash in (None, "Présence confirmée.", None):  # the last: from the caches
            version = f"{len(rows):x}"
            got = renderer.render(env, lang, 9, rows, version=version, flash=flash)
            assert str(got) == fresh(rows, version, flash)
            assert "\x00" not in got
