"""A proctor's sign-out ends that sign-in on the server (web.proctor.logins): a copy of the
cookie taken before (a shared computer, a copied cookie) no longer opens the proctor space,
while the session's other proctors stay signed in."""

from __future__ import annotations

import base64
import json

import itsdangerous
import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from tests.conftest import TEST_SECRET
from tests.web.centre_support import Admin, add_session, make_staff
from tests.web.pages import text
from tests.web.test_proctor import Proctor
from tests.web.test_security_review import cookie_payload
from web.db import session_scope
from web.models import Candidate, ProctorLogin
from web.proctor.logins import LIFETIME


class Centre:
    """A centre administrator (the test's `client`) and two sessions of 2 candidates each."""

    def __init__(self, app, client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
        self.app, self.db_engine, self.clock = app, db_engine, clock
        centre_id, _ = make_staff(db_engine, clock.now(), "chef@college.fr", centre="Collège")
        self.admin = Admin(client, "chef@college.fr")
        self.session_id, self.candidates = add_session(db_engine, centre_id, clock.now())
        self.other_id, _ = add_session(db_engine, centre_id, clock.now())

    def proctor(self, session_id: int | None = None, password: str = "K7P4MX") -> Proctor:
        """A proctor's browser, signed in to the session (the first one by default)."""
        proctor = Proctor(TestClient(self.app, base_url="http://127.0.0.1"),
                          session_id or self.session_id)
        assert proctor.sign_in(password).url.path == proctor.base
        return proctor

    def copy_of(self, proctor: Proctor) -> Proctor:
        """Another browser holding a copy of that proctor's cookie."""
        return self.holding(proctor.session_id, proctor.client.cookies["passation"])

    def holding(self, session_id: int, cookie: str) -> Proctor:
        browser = TestClient(self.app, base_url="http://127.0.0.1")
        browser.cookies.set("passation", cookie, domain="127.0.0.1")
        return Proctor(browser, session_id)

    def logins(self) -> list[ProctorLogin]:
        with session_scope(self.db_engine) as db:
            return list(db.exec(select(ProctorLogin).order_by(ProctorLogin.id)).all())  # type: ignore[arg-type]

    def authorised(self, candidate_id: int) -> bool:
        with session_scope(self.db_engine) as db:
            return db.get(Candidate, candidate_id).authorised_at is not None  # type: ignore[union-attr]


@pytest.fixture
def centre(app, client: TestClient, db_engine, clock) -> Centre:  # noqa: ANN001
    return Centre(app, client, db_engine, clock)


def signed_in(proctor: Proctor) -> bool:
    """Whether the proctor's browser opens its session's live page (page load and poll)."""
    page = proctor.client.get(proctor.base)
    poll = proctor.client.get(proctor.base, headers={"HX-Request": "true"})
    assert page.status_code == poll.status_code, (page.status_code, poll.status_code)
    assert page.status_code in (200, 403), page.status_code
    return page.status_code == 200


def sign_out(proctor: Proctor) -> None:
    response = proctor.client.post("/surveillant/deconnexion", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/surveillant"
    proctor.client.cookies.clear()  # what the response's Set-Cookie asked the browser to do


def confirms_presence(proctor: Proctor, candidate_id: int) -> int:
    return proctor.post(f"/candidats/{candidate_id}/presence").status_code


def forged(payload: dict) -> str:
    """A session cookie with that payload, signed as the app signs its own (Starlette's
    SessionMiddleware with the app's secret): what only the app can make."""
    data = base64.b64encode(json.dumps(payload).encode())
    return itsdangerous.TimestampSigner(TEST_SECRET).sign(data).decode()


def test_a_copy_of_the_cookie_taken_before_sign_out_is_refused(centre: Centre) -> None:
    lea, hugo = centre.candidates
    proctor = centre.proctor()
    copy = centre.copy_of(proctor)
    assert signed_in(copy)  # a copy works while the sign-in lasts: nothing else tells them apart
    sign_out(proctor)
    assert not signed_in(proctor)
    assert not signed_in(copy)
    assert confirms_presence(copy, lea) == 403
    assert not centre.authorised(lea)
    [login] = centre.logins()
    assert login.signed_out_at == centre.clock.now()
    # Signing in again in the same browser is a new sign-in; the old copy stays refused.
    proctor = centre.proctor()
    assert confirms_presence(proctor, hugo) == 200 and centre.authorised(hugo)
    assert not signed_in(copy)
    assert [login.signed_out_at is None for login in centre.logins()] == [False, True]


def test_signing_in_again_ends_the_browser_s_earlier_sign_in(centre: Centre) -> None:
    """A proctor who signs in to another session (or the same one again) from a browser already
    signed in: the earlier sign-in ends, so a copy of the earlier cookie does not outlive it."""
    proctor = centre.proctor()
    copy = centre.copy_of(proctor)
    assert proctor.sign_in().status_code == 200  # the form again, signed in to the same session
    assert signed_in(proctor)
    assert not signed_in(copy)
    assert [login.signed_out_at is None for login in centre.logins()] == [False, True]


def test_the_session_s_other_proctors_stay_signed_in(centre: Centre) -> None:
    lea = centre.candidates[0]
    first, second = centre.proctor(), centre.proctor()
    elsewhere = centre.proctor(centre.other_id)
    sign_out(first)
    assert not signed_in(first)
    assert signed_in(second) and signed_in(elsewhere)
    page = second.post(f"/candidats/{lea}/presence")
    assert "Présence confirmée : Léa NomA peut commencer son test." in text(page)


def test_a_regenerated_password_still_signs_every_proctor_out(centre: Centre) -> None:
    first, second = centre.proctor(), centre.proctor()
    copy = centre.copy_of(first)
    elsewhere = centre.proctor(centre.other_id)
    centre.admin.sign_in()
    page = centre.admin.client.post(
        f"/centre/sessions/{centre.session_id}/mot-de-passe-surveillant")
    assert "Un nouveau mot de passe surveillant a été généré" in text(page)
    for proctor in (first, second, copy):
        assert not signed_in(proctor)
        assert confirms_presence(proctor, centre.candidates[0]) == 403
    assert signed_in(elsewhere)  # another session's password did not change
    assert first.sign_in().status_code == 422  # the old password no longer signs in


def test_a_token_of_another_session_or_none_is_refused(centre: Centre) -> None:
    lea = centre.candidates[0]
    mine = centre.proctor()
    theirs = centre.proctor(centre.other_id)
    token = cookie_payload(theirs.client)["proctor_login"]
    payload = cookie_payload(mine.client)
    assert signed_in(centre.holding(centre.session_id, forged(payload)))  # the forgery works
    for login in (token, "", None, "x" * 43):
        cookie = forged({**payload, "proctor_login": login})
        intruder = centre.holding(centre.session_id, cookie)
        assert not signed_in(intruder), login
        assert confirms_presence(intruder, lea) == 403
    # A cookie from before sign-ins were kept on the server (no token) signs in again.
    old = {k: v for k, v in payload.items() if k != "proctor_login"}
    assert not signed_in(centre.holding(centre.session_id, forged(old)))
    assert not centre.authorised(lea)


def test_a_sign_in_lasts_the_longest_session_then_ends(app, centre: Centre) -> None:  # noqa: ANN001
    proctor = centre.proctor()
    elsewhere = centre.proctor(centre.other_id)
    # A session with 200 % extra time and an incident runs past the cookie's own 4 h: the
    # proctor supervising it stays signed in.
    centre.clock.advance(seconds=app.state.settings.session_max_age_seconds + 2 * 3600)
    assert signed_in(proctor)
    centre.clock.advance(seconds=LIFETIME.total_seconds() - 6 * 3600 - 60)
    assert confirms_presence(proctor, centre.candidates[0]) == 200
    centre.clock.advance(seconds=61)
    assert not signed_in(proctor) and not signed_in(elsewhere)
    assert confirms_presence(proctor, centre.candidates[1]) == 403
    # The next sign-in, to any session, deletes the expired ones: the table stays small.
    assert signed_in(centre.proctor())
    assert [login.created_at for login in centre.logins()] == [centre.clock.now()]


def test_a_session_a_proctor_signed_in_to_can_still_be_deleted(centre: Centre) -> None:
    centre.proctor()
    centre.admin.sign_in()
    page = centre.admin.client.post(f"/centre/sessions/{centre.session_id}/supprimer")
    assert "La session a été supprimée." in text(page)
    assert centre.logins() == []
