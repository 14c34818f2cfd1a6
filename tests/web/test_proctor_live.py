"""The proctor's live list polls cheaply: while nothing it shows has changed, a poll that sends
back the version on screen gets a 204 (htmx swaps nothing), when something has, only what changed
(htmx out-of-band swaps), and the browser counts the time left down itself
(web/static/js/proctor.js)."""

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
from web.models import Answer, Candidate, Course
from web.proctor import routes
from web.proctor.changes import ShownLists, shown_state
from web.proctor.live import CandidateRow, PendingAlert
from web.proctor.render import FRAME_TEMPLATE, ROW_TEMPLATE, ListRenderer
from web.templating import format_duration

VERSION = re.compile(r'data-live-version="([0-9a-f]+)"')
OUT_OF_BAND = re.compile(r'<(tr|span|div) id="([a-z-]+\d*)" ([^>]*?)hx-swap-oob="true"(.*?)</\1>'
                         r'(?:</template>)?', re.S)
QUESTION_NUMBER = re.compile(r'<span id="question-\d+">(\d+)</span>')
TIME_LEFT = re.compile(r'data-time-left="\d+">[^<]*<')


class PollingProctor(Proctor):
    """The proctor's browser with JavaScript: polls with the version of the list it shows and
    keeps the list on screen (`page`), swapping in what a poll brings: the whole list, or,
    under `HX-Reswap: none`, the out-of-band elements, each in place of the element with its
    id (what htmx does)."""

    version: str | None = None
    page: str = ""
    changes_only: int = 0  # polls answered with the changes alone

    def poll(self):  # noqa: ANN201
        headers = {"HX-Request": "true"}
        if self.version:
            headers["X-Live-Version"] = self.version
        response = self.client.get(self.base, headers=headers)
        if response.status_code == 200:
            if response.headers.get("hx-reswap") == "none":
                self.changes_only += 1
                self.page = swap_out_of_band(self.page, response.text)
            else:
                self.page = response.text
            self.version = VERSION.search(self.page).group(1)
        return response

    def shows(self) -> str:
        """A poll that must bring a new list: the list then on screen."""
        response = self.poll()
        assert response.status_code == 200, response.status_code
        assert same_list(self.page, self.whole())
        return html.unescape(QUESTION_NUMBER.sub(r"\1", self.page))

    def unchanged(self) -> bool:
        response = self.poll()
        assert response.status_code in (200, 204)
        return response.status_code == 204

    def whole(self) -> str:
        """The whole list as a first load gets it, leaving the browser's state alone."""
        response = self.client.get(self.base, headers={"HX-Request": "true"})
        assert response.status_code == 200 and "hx-reswap" not in response.headers
        return response.text


def swap_out_of_band(page: str, changes: str) -> str:
    swapped = 0
    for match in OUT_OF_BAND.finditer(changes):
        tag, element_id, before, rest = match.groups()
        element = f'<{tag} id="{element_id}" {before}'.rstrip() + rest + f"</{tag}>"
        element = element.replace(f'<{tag} id="{element_id}" >', f'<{tag} id="{element_id}">')
        target = re.compile(rf'<{tag} id="{element_id}"[ >].*?</{tag}>', re.S)
        assert len(target.findall(page)) == 1, f"{element_id}: no single target on the page"
        page = target.sub(lambda _: element, page)  # noqa: B023 - used at once
        swapped += 1
    assert swapped and VERSION.search(changes), changes
    # Nothing else in the answer: htmx would drop it (the main swap is off).
    assert not OUT_OF_BAND.sub("", changes).replace("<template>", "").strip(), changes
    return page


def same_list(shown: str, whole: str) -> bool:
    """The list on screen is the whole list, but for the time left of the rows the poll left
    alone, which the browser counts down itself."""
    return TIME_LEFT.sub("", shown) == TIME_LEFT.sub("", whole)


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


def moves_on(db_engine, course_id: int) -> None:  # noqa: ANN001
    """The candidate is one question further (what the list reads of the answers)."""
    with session_scope(db_engine) as db:
        db.get(Course, course_id).answered_count += 1
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
    proctor.grant(hugo, "5")
    assert "dont 5 min accordées" in proctor.shows()
    # Most of these polls brought only what changed (the flash after the actions: the whole
    # list), and each left on screen what the whole list shows (checked in `shows`).
    assert proctor.changes_only >= 3


def test_a_poll_brings_only_what_changed(proctor, db_engine, clock) -> None:  # noqa: ANN001
    lea, hugo, ines = proctor.candidates
    lea_course, lea_item = start_course(db_engine, proctor.session_id, lea, clock.now())
    hugo_course, hugo_item = start_course(db_engine, proctor.session_id, hugo, clock.now())
    whole = proctor.shows()
    # An answer: the question number of that row, and the list's new version — nothing else.
    answer(db_engine, hugo_course, hugo_item, clock.now())
    response = proctor.poll()
    assert response.headers["hx-reswap"] == "none"
    assert "<tr" not in response.text
    assert f'<span id="question-{hugo}" hx-swap-oob="true">2</span>' in response.text
    assert f"question-{lea}" not in response.text
    assert len(response.content) < 300 < len(whole.encode())
    # A reported problem changes Léa's row (an alert and its buttons) and the count of alerts
    # in the list's heading: the whole list.
    report_problem(db_engine, proctor.session_id, lea_course, lea_item, clock.now())
    assert "1 signalement en attente." in proctor.shows()
    assert proctor.changes_only == 1
    # A resume request changes Hugo's row alone: that row, whole, as an out-of-band row.
    with session_scope(db_engine) as db:
        db.get(Course, hugo_course).resume_requested_at = clock.now()
        db.commit()
    response = proctor.poll()
    assert response.headers["hx-reswap"] == "none"
    assert f'<template><tr id="candidat-{hugo}" hx-swap-oob="true">' in response.text
    assert f"candidat-{lea}" not in response.text and f"candidat-{ines}" not in response.text
    assert "Demande de reprise" in html.unescape(response.text)
    assert same_list(proctor.page, proctor.whole())


def test_a_new_deadline_reaches_the_browser_with_the_changes(proctor, db_engine, clock) -> None:  # noqa: ANN001
    hugo = proctor.candidates[1]
    course_id, _ = start_course(db_engine, proctor.session_id, hugo, clock.now())
    assert 'data-time-left="8379">' in proctor.shows()
    # The centre corrects the extra time of a running test: nothing else on the row changes,
    # but its time left does.
    with session_scope(db_engine) as db:
        db.get(Course, course_id).extra_time_percent = 0
        db.commit()
    response = proctor.poll()
    assert response.headers["hx-reswap"] == "none"
    assert f'<tr id="candidat-{hugo}" hx-swap-oob="true">' in response.text
    assert 'data-time-left="6300">1 h 45 min<' in response.text
    assert TIME_LEFT.sub("", proctor.page) == TIME_LEFT.sub("", proctor.whole())
    assert 'data-time-left="6300">' in proctor.page


def test_a_list_this_process_did_not_send_comes_whole(proctor, db_engine, clock) -> None:  # noqa: ANN001
    hugo = proctor.candidates[1]
    course_id, _ = start_course(db_engine, proctor.session_id, hugo, clock.now())
    proctor.shows()
    # Another process sent the list on screen, or this one forgot it: the whole list.
    routes._shown.lists.clear()
    moves_on(db_engine, course_id)
    response = proctor.poll()
    assert response.status_code == 200 and "hx-reswap" not in response.headers
    assert 'class="live-table"' in response.text
    # So does a list with another set of rows (a candidate enrolled meanwhile).
    with session_scope(db_engine) as db:
        db.add(Candidate(session_id=proctor.session_id, last_name="Durand", first_name="Noah",
                         birth_date=dt.date(2011, 3, 4), created_at=clock.now()))
        db.commit()
    moves_on(db_engine, course_id)
    response = proctor.poll()
    assert "hx-reswap" not in response.headers and 'class="live-table"' in response.text
    # And a list shown in another language.
    moves_on(db_engine, course_id)
    proctor.client.post("/langue", data={"lang": "en", "next": proctor.base})
    response = proctor.poll()
    assert "hx-reswap" not in response.headers and "Time left" in response.text
    assert proctor.changes_only == 0


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


def test_each_process_keeps_a_few_versions_of_a_few_sessions() -> None:
    """Memory grows with the sessions a process serves, not with their polls; unchanged rows
    are shared between a session's versions."""
    lists = ShownLists(sessions=2, versions=2)
    rows = _rows()

    def remember(exam_id: int, version: str, answered: int) -> None:
        rows[2].answered = answered  # the running row moves on; the others stay as they are
        lists.remember(exam_id, version, shown_state("fr", "stamp", rows))

    remember(1, "a", 4)
    remember(1, "b", 5)
    remember(1, "c", 6)
    assert lists.version_state(1, "a") is None  # two versions per session
    b, c = lists.version_state(1, "b"), lists.version_state(1, "c")
    assert b is not None and c is not None
    assert b[1][3] != c[1][3] and b[1][3][1] == "6" and c[1][3][1] == "7"
    assert all(b[1][cid] is c[1][cid] for cid in (1, 2, 4, 5, 6))  # shared, not copied
    remember(2, "d", 1)
    remember(3, "e", 1)  # a third session: the least recently used one goes
    assert lists.version_state(1, "c") is None and lists.version_state(3, "e") is not None
