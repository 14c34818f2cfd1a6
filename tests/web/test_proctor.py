"""The proctor's space: sign in, watch the session live, act on candidates' tests."""

from __future__ import annotations

import html

import pytest
from starlette.testclient import TestClient

from tests.web.factories import make_session, report_problem, start_course
from tests.web.pages import granted_shown
from web.db import session_scope
from web.models import Candidate, Course, LiveAlert, ServedItem


class Proctor:
    """A proctor in a browser: signs in, reads the live list, clicks buttons."""

    def __init__(self, client: TestClient, session_id: int) -> None:
        self.client = client
        self.session_id = session_id
        self.base = f"/surveillant/session/{session_id}"

    def sign_in(self, password: str = "K7P4MX", number: str | None = None):  # noqa: ANN201
        return self.client.post(
            "/surveillant", data={"session": number or str(self.session_id), "password": password}
        )

    def live_list(self, htmx: bool = False) -> str:
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.client.get(self.base, headers=headers)
        assert response.status_code == 200
        return html.unescape(response.text)

    def post(self, path: str, **data: str):  # noqa: ANN201
        return self.client.post(self.base + path, data=data)

    def time_form(self, candidate_id: int) -> dict[str, str]:
        """The hidden field of the candidate's "Accorder" form, as the live list shows it."""
        return {"granted": granted_shown(self.live_list(), candidate_id)}

    def grant(self, candidate_id: int, minutes: str):  # noqa: ANN201
        """Types `minutes` in the candidate's "Accorder" form, as shown now, and sends it."""
        return self.post(f"/candidats/{candidate_id}/temps", minutes=minutes,
                         **self.time_form(candidate_id))


@pytest.fixture
def session_data(db_engine, clock):  # noqa: ANN001, ANN201
    return make_session(db_engine, clock.now())


def test_proctor_signs_in_and_sees_every_candidate(client, session_data) -> None:  # noqa: ANN001
    session_id, _ = session_data
    proctor = Proctor(client, session_id)
    page = proctor.sign_in()
    assert page.url.path == f"/surveillant/session/{session_id}"
    text = html.unescape(page.text)
    for name in ("Martin Léa", "Bernard Hugo", "Petit Inès"):
        assert name in text
    assert "BCDF23" in text  # the access code to read out
    assert "Temps majoré 33 %" in text and "Accessibilité" in text
    assert 'hx-trigger="every 5s"' in text


def test_wrong_password_is_refused_with_a_message(client, session_data) -> None:  # noqa: ANN001
    session_id, _ = session_data
    response = Proctor(client, session_id).sign_in(password="WRONG1")
    assert response.status_code == 422
    assert "mot de passe surveillant incorrect" in html.unescape(response.text)
    assert client.get(f"/surveillant/session/{session_id}").status_code == 403


def test_a_mistyped_accent_or_superscript_is_a_wrong_sign_in_not_an_error(
        client, session_data) -> None:  # noqa: ANN001
    # hmac.compare_digest refuses str with non-ASCII characters, int() refuses "²" that
    # str.isdigit() lets through: both used to be a 500.
    session_id, _ = session_data
    proctor = Proctor(client, session_id)
    for attempt in ({"password": "K7P4MÉ"}, {"number": "²"}):
        response = proctor.sign_in(**attempt)
        assert response.status_code == 422, attempt
        assert "Numéro de session ou mot de passe surveillant incorrect." in html.unescape(
            response.text)
    assert client.get(f"/surveillant/session/{session_id}").status_code == 403
    assert proctor.sign_in().url.path == f"/surveillant/session/{session_id}"


def test_proctor_password_is_rate_limited(client, app, session_data) -> None:  # noqa: ANN001
    session_id, _ = session_data
    proctor = Proctor(client, session_id)
    statuses = [proctor.sign_in(password=f"BAD{i:03d}").status_code for i in range(32)]
    assert statuses[:30] == [422] * 30
    assert statuses[30:] == [429, 429]
    # Even the right password is refused from that address until the window passes...
    assert proctor.sign_in().status_code == 429
    # ...but one address cannot lock the session out: the proctor on another one signs in.
    with TestClient(app, base_url="http://127.0.0.1", client=("10.0.0.8", 5000)) as phone:
        assert Proctor(phone, session_id).sign_in().url.path == f"/surveillant/session/{session_id}"
    # Guessing from many addresses meets the session's own limit: 100 failures in all.
    for n in range(2, 5):
        with TestClient(app, base_url="http://127.0.0.1", client=(f"10.0.1.{n}", 5000)) as other:
            for i in range(25 if n < 4 else 20):  # 30 + 25 + 25 + 20
                assert Proctor(other, session_id).sign_in(password=f"X{i:05d}").status_code == 422
    with TestClient(app, base_url="http://127.0.0.1", client=("10.0.2.1", 5000)) as last:
        assert Proctor(last, session_id).sign_in().status_code == 429


def test_proctor_cannot_open_another_session(client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    session_id, _ = session_data
    other_id, other_candidates = make_session(
        db_engine, clock.now(), access_code="GHJK46", proctor_password="PPPPPP", centre_name="Autre"
    )
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    assert client.get(f"/surveillant/session/{other_id}").status_code == 403
    response = client.post(
        f"/surveillant/session/{other_id}/candidats/{other_candidates[0]}/presence"
    )
    assert response.status_code == 403
    # A candidate of another session through this session's URL: not found.
    response = proctor.post(f"/candidats/{other_candidates[0]}/presence")
    assert response.status_code == 404


def test_confirming_presence_authorises_the_start(client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    session_id, candidates = session_data
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    page = proctor.post(f"/candidats/{candidates[0]}/presence")
    text = html.unescape(page.text)
    assert "Présence confirmée : Léa Martin peut commencer son test." in text
    assert "Présence confirmée, peut commencer" in text
    with session_scope(db_engine) as db:
        assert db.get(Candidate, candidates[0]).authorised_at == clock.now()
    # The authorisation lasts 15 minutes; afterwards the list shows it lapsed.
    clock.advance(minutes=16)
    assert "Présence confirmée, peut commencer" not in proctor.live_list()


def test_live_list_fragment_for_polling(client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    session_id, candidates = session_data
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    start_course(db_engine, session_id, candidates[1], clock.now())
    fragment = proctor.live_list(htmx=True)
    assert "<html" not in fragment and "<table" in fragment
    assert f'Question <span id="question-{candidates[1]}">1</span> / 32' in fragment
    # 105 min × 1.33 = 139 min 39 s for Hugo's 33 % extra time.
    assert "2 h 19 min" in fragment
    response = client.get(proctor.base, headers={"HX-Request": "true"})
    assert "HX-Request" in response.headers["vary"]
    assert response.headers["cache-control"] == "no-store"


def test_reported_problem_validated_withdraws_the_item(
    client, db_engine, clock, session_data
) -> None:  # noqa: ANN001
    session_id, candidates = session_data
    course_id, served_id = start_course(db_engine, session_id, candidates[0], clock.now())
    alert_id = report_problem(db_engine, session_id, course_id, served_id, clock.now())
    proctor = Proctor(client, session_id)
    text = html.unescape(proctor.sign_in().text)
    assert "1 signalement en attente." in text
    page = proctor.post(f"/alertes/{alert_id}/valider")
    assert "Signalement validé" in html.unescape(page.text)
    with session_scope(db_engine) as db:
        assert db.get(LiveAlert, alert_id).status == "validated"
        assert db.get(ServedItem, served_id).withdrawn is True
    # Clicking again (a second proctor, a double click) changes nothing more.
    assert proctor.post(f"/alertes/{alert_id}/rejeter").status_code == 409


def test_reported_problem_dismissed_keeps_the_item(client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    session_id, candidates = session_data
    course_id, served_id = start_course(db_engine, session_id, candidates[0], clock.now())
    alert_id = report_problem(db_engine, session_id, course_id, served_id, clock.now())
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    proctor.post(f"/alertes/{alert_id}/rejeter")
    with session_scope(db_engine) as db:
        assert db.get(LiveAlert, alert_id).status == "dismissed"
        assert db.get(ServedItem, served_id).withdrawn is False


def test_grant_extra_minutes_and_authorise_resume(client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    session_id, candidates = session_data
    course_id, _ = start_course(db_engine, session_id, candidates[0], clock.now())
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    page = proctor.grant(candidates[0], "10")
    assert "10 min ajoutées pour Léa Martin." in html.unescape(page.text)
    assert proctor.grant(candidates[0], "500").status_code == 422
    assert proctor.grant(candidates[0], "dix").status_code == 422
    proctor.post(f"/candidats/{candidates[0]}/reprise")
    with session_scope(db_engine) as db:
        course = db.get(Course, course_id)
        assert course.granted_minutes == 10
        assert course.resume_authorised_at == clock.now()
        assert course.deadline == course.started_at + __import__("datetime").timedelta(minutes=115)


def test_a_time_form_sent_twice_grants_once(client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    # A double click, a page without JavaScript sent again, two proctors at once: each form
    # carries the total it was shown with, and only the first one sent with it counts.
    session_id, candidates = session_data
    course_id, _ = start_course(db_engine, session_id, candidates[0], clock.now())
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    form = {"minutes": "10", **proctor.time_form(candidates[0])}
    first = proctor.post(f"/candidats/{candidates[0]}/temps", **form)
    assert "10 min ajoutées pour Léa Martin." in html.unescape(first.text)
    for headers in ({}, {"HX-Request": "true"}):
        again = client.post(f"{proctor.base}/candidats/{candidates[0]}/temps", data=form,
                            headers=headers)
        assert again.status_code == 409
        assert "Du temps vient d'être accordé à ce candidat" in html.unescape(again.text)
    no_total = proctor.post(f"/candidats/{candidates[0]}/temps", minutes="10")
    assert no_total.status_code == 400
    with session_scope(db_engine) as db:
        assert db.get(Course, course_id).granted_minutes == 10
    assert "dont 10 min accordées" in proctor.live_list()  # what the proctor sees now
    assert "5 min ajoutées" in html.unescape(proctor.grant(candidates[0], "5").text)
    with session_scope(db_engine) as db:
        assert db.get(Course, course_id).granted_minutes == 15


def test_minutes_that_are_not_a_plain_number_are_refused_with_a_message(
        client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    # "²" passes str.isdigit() but not int(), and int() refuses more than 4300 digits: both
    # used to be a 500.
    session_id, candidates = session_data
    course_id, _ = start_course(db_engine, session_id, candidates[0], clock.now())
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    for minutes, message in (("²", "Indiquez un nombre entier de minutes."),
                             ("9" * 5000, "Indiquez un nombre de minutes entre 1 et 60.")):
        response = proctor.grant(candidates[0], minutes)
        assert response.status_code == 422
        assert message in html.unescape(response.text)
    with session_scope(db_engine) as db:
        assert db.get(Course, course_id).granted_minutes == 0


def test_an_end_comment_with_control_characters_is_refused_and_the_test_goes_on(
        client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    # PostgreSQL refuses NUL in text: it used to be a 500 there.
    session_id, candidates = session_data
    course_id, _ = start_course(db_engine, session_id, candidates[0], clock.now())
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    response = proctor.post(f"/candidats/{candidates[0]}/terminer", reason="fraude",
                            comment="Téléphone\x00 utilisé")
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "Caractères non valides." in page and 'href="#comment"' in page
    assert 'value="fraude" required checked' in page  # the chosen reason is kept
    with session_scope(db_engine) as db:
        course = db.get(Course, course_id)
        assert (course.state, course.end_comment) == ("started", None)


def test_numbers_beyond_any_id_are_not_found(client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    # Past 2**31 PostgreSQL refuses the number as an integer parameter, past 2**63 SQLite does:
    # both used to be a 500.
    session_id, candidates = session_data
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    for huge in (2**31, 10**30):
        for path in (f"/candidats/{huge}/presence", f"/candidats/{huge}/presence/annuler",
                     f"/candidats/{huge}/temps", f"/candidats/{huge}/reprise",
                     f"/candidats/{huge}/terminer", f"/alertes/{huge}/valider",
                     f"/alertes/{huge}/rejeter"):
            response = proctor.post(path, minutes="5", reason="autre")
            assert response.status_code == 404, path
            assert "Cette page n'existe pas." in html.unescape(response.text)
        assert client.get(f"{proctor.base}/candidats/{huge}/terminer").status_code == 404
    with session_scope(db_engine) as db:
        assert all(db.get(Candidate, c).authorised_at is None for c in candidates)


def test_end_a_test_needs_a_reason_and_confirmation(client, db_engine, clock, session_data) -> None:  # noqa: ANN001
    session_id, candidates = session_data
    course_id, _ = start_course(db_engine, session_id, candidates[0], clock.now())
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    confirm = client.get(f"{proctor.base}/candidats/{candidates[0]}/terminer")
    assert confirm.status_code == 200 and "Motif de l" in html.unescape(confirm.text)
    missing = proctor.post(f"/candidats/{candidates[0]}/terminer", comment="")
    assert missing.status_code == 422
    done = proctor.post(
        f"/candidats/{candidates[0]}/terminer", reason="fraude", comment="Téléphone utilisé"
    )
    assert "Test arrêté pour Léa Martin." in html.unescape(done.text)
    with session_scope(db_engine) as db:
        course = db.get(Course, course_id)
        assert (course.state, course.end_reason) == ("ended", "ended_by_proctor")
        assert course.end_comment == "fraude: Téléphone utilisé"
    assert "Arrêté par le surveillant" in proctor.live_list()
    # Ending it again is refused: it is not running any more.
    assert proctor.post(f"/candidats/{candidates[0]}/terminer", reason="autre").status_code == 409


def test_regenerated_password_signs_the_proctor_out(client, db_engine, session_data) -> None:  # noqa: ANN001
    session_id, _ = session_data
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    from web.models import ExamSession

    with session_scope(db_engine) as db:
        exam = db.get(ExamSession, session_id)
        exam.proctor_password = "NEWPW9"
        db.add(exam)
        db.commit()
    assert client.get(proctor.base).status_code == 403


def test_logout(client, session_data) -> None:  # noqa: ANN001
    session_id, _ = session_data
    proctor = Proctor(client, session_id)
    proctor.sign_in()
    client.post("/surveillant/deconnexion")
    assert client.get(proctor.base).status_code == 403
