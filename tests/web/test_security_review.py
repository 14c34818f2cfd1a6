"""Security review: what a national certification platform must withstand, checked against the
real app (headers, cookies, sign-out, fixation, rate limits, redirects, injection, answer keys)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re

from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.requests import Request
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.web.centre_support import PASSWORD, Admin, add_session, make_staff
from tests.web.flows import (
    ACCESS_CODE,
    PROCTOR_PASSWORD,
    CandidateFlow,
    Exam,
    enrolled,
    synthetic_content,
)
from tests.web.pages import assert_security_headers, text
from web.app import create_app
from web.centre import account_routes, invitations
from web.clock import FrozenClock
from web.db import session_scope
from web.models import StaffInvitation


def cookie_payload(client: TestClient) -> dict:
    """What anyone holding the session cookie can read: its payload is base64 JSON."""
    value = client.cookies["passation"]
    payload = value.split(".", 1)[0]
    return json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))


def set_cookies(client: TestClient, response) -> list[str]:  # noqa: ANN001
    return [v for k, v in response.headers.multi_items() if k == "set-cookie"]


# --- 1. headers on every kind of response -------------------------------------------------------

def test_every_kind_of_response_carries_the_security_headers(
        app, db_engine: Engine, clock: FrozenClock) -> None:  # noqa: ANN001
    async def boom(request: Request) -> None:
        raise RuntimeError("a bug")

    app.router.routes.append(Route("/essai-erreur", boom))
    centre_id, _ = make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    session_id, _ = add_session(db_engine, centre_id, clock.now())
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        home = client.get("/")
        assert home.status_code == 200
        assert_security_headers(home)
        missing = client.get("/nulle-part")
        assert missing.status_code == 404 and "Cette page n'existe pas." in text(missing)
        assert_security_headers(missing)
        fragment = client.get("/nulle-part", headers={"HX-Request": "true"})
        assert fragment.headers.get("hx-retarget") == "#status"
        assert_security_headers(fragment)
        wrong_method = client.get("/langue")
        assert wrong_method.status_code == 405
        assert_security_headers(wrong_method)
        redirect = client.post("/langue", data={"lang": "fr", "next": "/"},
                               follow_redirects=False)
        assert redirect.status_code == 303
        assert_security_headers(redirect)
        cross_site = client.post("/langue", data={"lang": "en"},
                                 headers={"Sec-Fetch-Site": "cross-site"})
        assert cross_site.status_code == 403
        assert_security_headers(cross_site)
        crash = client.get("/essai-erreur")
        assert crash.status_code == 500 and "Une erreur inattendue" in text(crash)
        assert "a bug" not in crash.text  # never a stack trace
        assert_security_headers(crash)
        static = client.get("/static/css/app.css")
        assert static.status_code == 200
        assert_security_headers(static, cached=True)  # public and versioned: may be cached
        assert static.headers.get("cache-control") != "no-store"

        Admin(client, "chef@ecole.fr").sign_in()
        template = client.get(f"/centre/sessions/{session_id}/candidats/modele.csv")
        assert template.headers["content-type"].startswith("text/csv")
        assert_security_headers(template)
        # The results export (once finalised): test_centre_finalisation.py.


def test_pages_with_personal_data_are_never_kept_by_a_cache(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:  # noqa: ANN001
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    proctor = exam.proctor
    for response in (proctor.get("/surveillant"),
                     proctor.get(f"/surveillant/session/{exam.session_id}"),
                     proctor.get(f"/surveillant/session/{exam.session_id}",
                                 headers={"HX-Request": "true"}),
                     proctor.post(f"/surveillant/session/{exam.session_id}/candidats/"
                                  f"{lea.id}/presence", follow_redirects=False)):
        assert response.status_code in (200, 303), response.status_code
        assert_security_headers(response)
    for response in (flow.join(follow=False), client.get("/candidat/code"),
                     flow.enter_code(), client.get("/candidat/test"),
                     client.get("/candidat/test", headers={"HX-Request": "true"})):
        assert_security_headers(response)


def test_strict_transport_security_only_behind_https(settings, clock) -> None:  # noqa: ANN001
    with TestClient(create_app(settings, clock=clock), base_url="http://127.0.0.1") as plain:
        assert "strict-transport-security" not in plain.get("/").headers
    secure = dataclasses.replace(settings, secure_cookies=True)
    with TestClient(create_app(secure, clock=clock), base_url="https://127.0.0.1") as https:
        for response in (https.get("/"), https.get("/nulle-part"),
                         https.get("/static/css/app.css")):
            assert response.headers.get("strict-transport-security") == "max-age=31536000"


# --- 2. cookies ---------------------------------------------------------------------------------

def test_cookies_are_http_only_same_site_secure_behind_https_and_hold_no_secret(
        settings, db_engine: Engine, clock: FrozenClock) -> None:  # noqa: ANN001
    secure = dataclasses.replace(settings, secure_cookies=True)
    app = create_app(secure, clock=clock)
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    exam = Exam(app, db_engine, clock)
    lea = exam.enrol()
    with TestClient(app, base_url="https://127.0.0.1") as staff, \
            TestClient(app, base_url="https://127.0.0.1") as proctor, \
            TestClient(app, base_url="https://127.0.0.1") as pupil:
        signed_in = staff.post("/centre/connexion", data={
            "email": "chef@ecole.fr", "password": PASSWORD}, follow_redirects=False)
        proctor_in = proctor.post("/surveillant", data={
            "session": str(exam.session_id), "password": PROCTOR_PASSWORD},
            follow_redirects=False)
        assert proctor.post(f"/surveillant/session/{exam.session_id}/candidats/{lea.id}"
                            "/presence").status_code == 200
        flow = CandidateFlow(pupil, exam, lea)
        joined = flow.join(follow=False)
        coded = pupil.post("/candidat/code", data={"code": ACCESS_CODE}, follow_redirects=False)
        language = pupil.post("/langue", data={"lang": "en"}, follow_redirects=False)
        for response in (signed_in, proctor_in, joined, coded, language):
            cookies = set_cookies(pupil, response)
            assert cookies, response.request.url
            for cookie in cookies:
                flags = cookie.lower()
                assert "httponly" in flags and "samesite=lax" in flags and "secure" in flags

        readable = json.dumps([cookie_payload(c) for c in (staff, proctor, pupil)])
        for secret in ("chef@ecole.fr", PROCTOR_PASSWORD, ACCESS_CODE, "Léa", "Martin",
                       "Martin".upper(), "2011-03-14", "argon2"):
            assert secret not in readable, secret
        # The proctor's fingerprint of the password is keyed with the app's secret: holding
        # the cookie (a shared computer's next user) does not let one recover the password.
        key = cookie_payload(proctor)["proctor_key"]
        for plain in (PROCTOR_PASSWORD, PROCTOR_PASSWORD.lower()):
            for digest in (hashlib.sha256, hashlib.sha1, hashlib.md5):
                assert not digest(plain.encode()).hexdigest().startswith(key)


def test_a_forged_staff_cookie_is_refused(client: TestClient, db_engine: Engine,
                                          clock: FrozenClock) -> None:
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    _, root_id = make_staff(db_engine, clock.now(), "root@passation.fr", platform=True)
    Admin(client, "chef@ecole.fr").sign_in()
    assert client.get("/admin/centres").status_code == 403
    payload = cookie_payload(client)
    payload["staff_id"] = root_id  # pretend to be the platform administrator
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    rest = client.cookies["passation"].split(".", 1)[1]
    client.cookies.clear()
    client.cookies.set("passation", f"{forged}.{rest}", domain="127.0.0.1")
    refused = client.get("/admin/centres", follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/centre/connexion")


def test_a_staff_cookie_replayed_after_sign_out_no_longer_works(
        client: TestClient, db_engine: Engine, clock: FrozenClock) -> None:
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    Admin(client, "chef@ecole.fr").sign_in()
    stolen = client.cookies["passation"]
    assert "Vous êtes déconnecté(e)." in text(client.post("/centre/deconnexion"))
    client.cookies.clear()
    client.cookies.set("passation", stolen, domain="127.0.0.1")  # copied before the sign-out
    replayed = client.get("/centre/sessions", follow_redirects=False)
    assert replayed.status_code == 303
    assert replayed.headers["location"] == "/centre/connexion?suite=/centre/sessions"
    client.cookies.clear()
    assert Admin(client, "chef@ecole.fr").sign_in().url.path == "/centre/sessions"


# --- 3. invitations -----------------------------------------------------------------------------

def _invited(db_engine: Engine, clock: FrozenClock) -> str:
    """A centre's invitation to nouveau@ecole.fr: the token its link carries."""
    centre_id, _ = make_staff(db_engine, clock.now(), "root@passation.fr", centre="C")
    with session_scope(db_engine) as db:
        token = invitations.invite(db, centre_id, "nouveau@ecole.fr", clock.now())
        db.commit()
    return token


def test_an_invitation_link_works_once_and_only_its_hash_is_stored(
        client: TestClient, db_engine: Engine, clock: FrozenClock) -> None:
    token = _invited(db_engine, clock)
    with session_scope(db_engine) as db:
        stored = db.exec(select(StaffInvitation)).one()
        assert token not in (stored.token_hash, stored.email)
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    link = f"/centre/invitation/{token}"
    form = {"new_password": "une phrase de passe solide",
            "confirm_password": "une phrase de passe solide"}
    assert client.post(link, data=form).url.path == "/centre/sessions"
    with TestClient(client.app, base_url="http://127.0.0.1") as other:
        again = other.get(link)
        assert again.status_code == 404 and "n'est pas valide ou a expiré" in text(again)
        assert other.post(link, data={**form, "new_password": "un autre mot de passe long",
                                      "confirm_password": "un autre mot de passe long"}
                          ).status_code == 404
        assert other.get("/centre/sessions", follow_redirects=False).status_code == 303


def test_guessing_invitation_links_is_rate_limited_but_a_real_link_still_works(
        client: TestClient, db_engine: Engine, clock: FrozenClock) -> None:
    token = _invited(db_engine, clock)
    for i in range(account_routes.INVITATION_FAILURES_PER_IP):
        assert client.get(f"/centre/invitation/devine{i}").status_code == 404
    blocked = client.get(f"/centre/invitation/{token}")
    assert blocked.status_code == 429
    assert "Trop de liens d'invitation non valides" in text(blocked)
    with TestClient(client.app, base_url="http://127.0.0.1",
                    client=("10.1.1.1", 1234)) as elsewhere:  # another address is not blocked
        assert elsewhere.get(f"/centre/invitation/{token}").status_code == 200
    clock.advance(minutes=16)
    assert client.get(f"/centre/invitation/{token}").status_code == 200


# --- 4. session fixation ------------------------------------------------------------------------

def test_a_cookie_planted_before_sign_in_gives_its_owner_nothing(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    exam, lea, _ = enrolled(client, app, db_engine, clock)
    with TestClient(app, base_url="http://127.0.0.1") as attacker:
        CandidateFlow(attacker, exam, lea).join()  # any valid cookie of the site
        planted = attacker.cookies["passation"]
        client.cookies.clear()
        client.cookies.set("passation", planted, domain="127.0.0.1")  # in the victim's browser
        assert Admin(client, "chef@ecole.fr").sign_in().url.path == "/centre/sessions"
        proctor = client.post("/surveillant", data={"session": str(exam.session_id),
                                                    "password": PROCTOR_PASSWORD})
        assert proctor.url.path == f"/surveillant/session/{exam.session_id}"
        assert client.cookies["passation"] != planted
        assert attacker.get("/centre/sessions", follow_redirects=False).status_code == 303
        assert attacker.get(f"/surveillant/session/{exam.session_id}").status_code == 403


def test_the_next_candidate_on_a_shared_computer_cannot_open_the_previous_ones_test(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:  # noqa: ANN001
    exam, lea, first = enrolled(client, app, db_engine, clock)
    hugo = exam.enrol("Hugo", "Bernard")
    first.start()
    assert "Question 1 / 32" in text(client.get("/candidat/test"))
    second = CandidateFlow(client, exam, hugo)
    assert second.join().url.path == "/candidat/code"  # Hugo's details, not yet his code
    taken = client.get("/candidat/test")
    assert taken.url.path == "/candidat" and "Question 1 / 32" not in text(taken)


def test_a_candidate_who_closed_the_tab_resumes_in_the_same_browser(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:  # noqa: ANN001
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    page = flow.rejoin()
    assert page.url.path == "/candidat/test" and "Question 1 / 32" in text(page)


# --- 5. rate limits -----------------------------------------------------------------------------

def test_one_pupil_typing_wrong_codes_does_not_lock_the_school_out(
        app, db_engine: Engine, clock: FrozenClock) -> None:  # noqa: ANN001
    exam = Exam(app, db_engine, clock)
    troublemaker, classmate = exam.enrol(), exam.enrol("Hugo", "Bernard")
    for candidate in (troublemaker, classmate):
        exam.confirm_presence(candidate)
    nat = ("203.0.113.7", 4000)  # the whole school behind one address
    with TestClient(app, base_url="http://127.0.0.1", client=nat) as one, \
            TestClient(app, base_url="http://127.0.0.1", client=nat) as two:
        wrong = CandidateFlow(one, exam, troublemaker)
        wrong.join()
        for _ in range(12):
            wrong.enter_code("ZZZZ99")
        blocked = wrong.enter_code()
        assert blocked.status_code == 429 and "Trop de tentatives" in text(blocked)
        right = CandidateFlow(two, exam, classmate)
        right.join()
        assert "J'ai lu et j'accepte les règles" in text(right.enter_code())


def test_a_big_school_signing_its_proctors_in_from_one_address_is_never_blocked(
        client: TestClient, db_engine: Engine, clock: FrozenClock) -> None:
    from web.proctor import auth as proctor_auth

    centre_id, _ = make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    session_id, _ = add_session(db_engine, centre_id, clock.now())
    for _ in range(proctor_auth.ATTEMPTS_PER_CLIENT + 5):  # every room, some twice
        client.cookies.clear()
        signed_in = client.post("/surveillant", data={"session": str(session_id),
                                                      "password": PROCTOR_PASSWORD})
        assert signed_in.url.path == f"/surveillant/session/{session_id}"


def test_every_rate_limit_answers_a_clear_french_page(
        client: TestClient, db_engine: Engine, clock: FrozenClock) -> None:
    from web.centre import auth
    from web.proctor import auth as proctor_auth

    session_id, _ = add_session(db_engine, make_staff(db_engine, clock.now(), "chef@ecole.fr",
                                                      centre="C")[0], clock.now())
    for _ in range(proctor_auth.ATTEMPTS_PER_CLIENT + 1):
        proctor = client.post("/surveillant", data={"session": str(session_id),
                                                    "password": "MAUVAIS"})
    assert proctor.status_code == 429 and "Trop de tentatives" in text(proctor)
    assert '<html lang="fr"' in proctor.text
    for _ in range(auth.LOGIN_LIMIT_PER_EMAIL + 1):
        staff = Admin(client, "chef@ecole.fr").sign_in(password="mauvais mot de passe")  # noqa: S106
    assert staff.status_code == 429 and "Trop de tentatives de connexion" in text(staff)


# --- 6. redirects and injection -----------------------------------------------------------------

EVIL_NEXT = ["//evil.example/", "https://evil.example/", "/\\evil.example/", "\\\\evil.example",
             "javascript:alert(1)", "/\r\nSet-Cookie: pris=1", "/\t/evil.example/",
             "/%0d%0aSet-Cookie:%20pris=1"]


def _stays_on_site(location: str) -> bool:
    # What a browser does with it: drops tabs and newlines, treats "\" as "/".
    seen = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    return seen.startswith("/") and not seen.startswith("//")


def test_next_parameters_never_redirect_off_site_nor_inject_headers(
        client: TestClient, db_engine: Engine, clock: FrozenClock) -> None:
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    for evil in EVIL_NEXT:
        language = client.post("/langue", data={"lang": "fr", "next": evil},
                               follow_redirects=False)
        assert language.status_code == 303 and _stays_on_site(language.headers["location"]), evil
        assert "pris" not in language.headers.get("set-cookie", "")
        signed_in = client.post("/centre/connexion", data={
            "email": "chef@ecole.fr", "password": PASSWORD, "next": evil},
            follow_redirects=False)
        assert signed_in.status_code == 303, (evil, signed_in.status_code)
        assert _stays_on_site(signed_in.headers["location"]), (evil, signed_in.headers)
        assert "pris" not in signed_in.headers.get("set-cookie", "")
        client.post("/centre/deconnexion")


def test_the_sign_in_form_escapes_the_next_parameter(client: TestClient) -> None:
    page = client.get("/centre/connexion", params={"suite": '/"><script>alert(1)</script>'})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text or "&#34;&gt;&lt;script" in page.text


def test_names_typed_by_people_are_shown_as_text_everywhere(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:  # noqa: ANN001
    attack = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    make_staff(db_engine, clock.now(), "root@passation.fr", platform=True)
    Admin(client, "root@passation.fr").sign_in()
    created = client.post("/admin/centres", data={"name": "Lycée " + attack})
    assert created.status_code == 200
    assert "<script>alert(2)</script>" not in created.text and "<img src=x" not in created.text
    assert "Lycée " + attack in text(created)  # shown, as text
    client.post("/centre/deconnexion")

    exam = Exam(app, db_engine, clock)
    pupil = exam.enrol(first=attack, last="Martin" + attack)
    live = exam.proctor.get(f"/surveillant/session/{exam.session_id}")
    fragment = exam.proctor.get(f"/surveillant/session/{exam.session_id}",
                                headers={"HX-Request": "true"})
    for page in (live, fragment):
        assert "<script>alert(2)</script>" not in page.text and "<img src=x" not in page.text
        assert attack in text(page)
    exam.confirm_presence(pupil)
    flow = CandidateFlow(client, exam, pupil)
    flow.join()
    for page in (flow.enter_code(), client.get("/candidat/regles")):
        assert "<script>alert(2)</script>" not in page.text and "<img src=x" not in page.text


# --- 7. answer keys -----------------------------------------------------------------------------

def test_no_answer_key_reaches_the_candidates_browser(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:  # noqa: ANN001
    # Keys of the synthetic bank: "B2"/"C3" (qrocm-ind), "https"/"tls" (qrocm-dep), choice 2
    # of a qcu, 1 and 3 of a qcm.
    exam = Exam(app, db_engine, clock, synthetic_content(kinds=("qrocm-ind", "qrocm-dep",
                                                                "qcu", "qcm")))
    lea = exam.enrol()
    flow = CandidateFlow(client, exam, lea)
    pages = [flow.start()]
    keys = re.compile(r"\b(B2|C3|https|tls)\b|solution|correct|data-key|data-answer", re.I)
    for _ in range(6):
        served = flow.served_id()
        pages.append(client.get("/candidat/test", headers={"HX-Request": "true"}))
        pages.append(client.get("/candidat/test/etat", params={"served": str(served)}))
        wrong = flow.post_answer({"served": str(served), "answer": "9"},
                                 headers={"HX-Request": "true"})
        pages.append(wrong)  # a refused answer, with its message
        pages.append(flow.answer_current(correct=False, headers={"HX-Request": "true"}))
    for page in pages:
        body = re.sub(r'https?://127\.0\.0\.1', "", page.text)
        found = keys.search(body)
        assert found is None, (page.request.url.path, found and found.group(0))
