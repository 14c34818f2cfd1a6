"""Centre staff accounts: invitation, sign-in, rate limit, expiry, password change, sign-out."""

from __future__ import annotations

import io
import re

from argon2 import PasswordHasher
from sqlmodel import select
from starlette.testclient import TestClient

from tests.web.centre_support import PASSWORD, Admin, make_staff
from tests.web.pages import text
from web.centre import admin as admin_cli
from web.centre import auth, passwords
from web.db import session_scope
from web.models import Centre, StaffInvitation, StaffUser


def test_production_hashing_is_argon2id_with_stated_parameters() -> None:
    hasher = passwords.hasher("production")
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 1)
    produced = passwords.hash_password("a long enough password")
    assert produced.startswith("$argon2id$v=19$m=65536,t=3,p=1$")
    assert passwords.profile_of(object()) == "production"


def test_password_rules() -> None:
    assert passwords.password_problems("short", "a@b.fr")
    assert passwords.password_problems("motdepasse123", "x@y.fr")  # common
    assert passwords.password_problems("jeanne.dupont@ecole.fr", "jeanne.dupont@ecole.fr")
    assert passwords.password_problems("aaaaaaaaaaaaaaaa")
    assert passwords.password_problems("une phrase de passe solide") == []


def test_a_hash_made_with_old_parameters_is_upgraded_at_sign_in(client: TestClient, db_engine,  # noqa: ANN001
                                                                clock) -> None:  # noqa: ANN001
    _, user_id = make_staff(db_engine, clock.now(), "old@ecole.fr", centre="C")
    old = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1).hash(PASSWORD)
    with session_scope(db_engine) as db:
        db.get(StaffUser, user_id).password_hash = old
        db.commit()
    assert "Sessions de certification" in text(Admin(client, "old@ecole.fr").sign_in())
    with session_scope(db_engine) as db:
        assert db.get(StaffUser, user_id).password_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")


def test_platform_admin_creates_a_centre_and_invites_its_administrator_who_signs_up(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "root@passation.fr", platform=True)
    page = Admin(client, "root@passation.fr").sign_in()
    assert str(page.url).endswith("/admin/centres")
    page = client.post("/admin/centres", data={"name": "Lycée Victor Hugo"})
    assert "Lycée Victor Hugo" in text(page)
    page = client.post(str(page.url), data={"email": "Direction@Lycee-Hugo.fr"})
    link = re.search(r"http://127\.0\.0\.1/centre/invitation/[\w-]+", page.text).group(0)
    with session_scope(db_engine) as db:
        invitation = db.exec(select(StaffInvitation)).one()
        assert invitation.email == "direction@lycee-hugo.fr"
        assert link.rsplit("/", 1)[1] not in invitation.token_hash  # only a hash is stored
    client.post("/centre/deconnexion")

    invite_page = client.get(link)
    assert "direction@lycee-hugo.fr" in invite_page.text
    weak = client.post(link, data={"new_password": "lycee", "confirm_password": "lycee"})
    assert weak.status_code == 422
    assert "au moins 12 caractères" in text(weak)
    done = client.post(link, data={"new_password": "Un mot de passe solide",
                                   "confirm_password": "Un mot de passe solide"})
    assert str(done.url).endswith("/centre/sessions")
    assert "Lycée Victor Hugo" in text(done)
    # Single use.
    client.post("/centre/deconnexion")
    assert client.get(link).status_code == 404


def test_control_characters_and_unknown_centre_numbers_are_refused_on_platform_pages(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    # PostgreSQL refuses NUL in text and, past 2**31, the number as an integer parameter
    # (SQLite past 2**63): each used to be a 500.
    make_staff(db_engine, clock.now(), "root@passation.fr", platform=True)
    Admin(client, "root@passation.fr").sign_in()
    name = client.post("/admin/centres", data={"name": "Lycée\x00 Hugo"})
    assert name.status_code == 422
    assert "Caractères non valides." in text(name)
    page = client.post("/admin/centres", data={"name": "Lycée Victor Hugo"})
    centre_url = str(page.url)
    for email in ("direction\x00@lycee-hugo.fr", "direction@lycee-hugo.f\x00r"):
        invite = client.post(centre_url, data={"email": email})
        assert invite.status_code == 422
        assert "Adresse e-mail non valide." in text(invite)
    for huge in (2**31, 10**30):
        missing = client.post(f"/admin/centres/{huge}", data={"email": "x@lycee.fr"})
        assert missing.status_code == 404
        assert "Cette page n'existe pas." in text(missing)
    with session_scope(db_engine) as db:
        assert [c.name for c in db.exec(select(Centre)).all()] == ["Lycée Victor Hugo"]
        assert db.exec(select(StaffInvitation)).all() == []


def test_an_invitation_expires_after_seven_days(client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    from web.centre import invitations

    with session_scope(db_engine) as db:
        centre = Centre(name="C", created_at=clock.now())
        db.add(centre)
        db.flush()
        token = invitations.invite(db, centre.id, "late@ecole.fr", clock.now())
        db.commit()
    clock.advance(days=7, minutes=1)
    response = client.get(f"/centre/invitation/{token}")
    assert response.status_code == 404
    assert "a expiré" in text(response)


def test_command_line_creates_admin_centre_and_invitation(settings, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setattr("sys.stdin", io.StringIO("Un mot de passe solide\n"))
    assert admin_cli.main(["create-platform-admin", "root@passation.fr", "--password-stdin"],
                          settings) == 0
    assert admin_cli.main(["create-centre", "Collège Jean Moulin"], settings) == 0
    centre_id = re.search(r"n° (\d+)", capsys.readouterr().out).group(1)
    assert admin_cli.main(["invite", centre_id, "chef@college.fr", "--base-url",
                           "https://passation.example"], settings) == 0
    assert re.search(r"https://passation\.example/centre/invitation/[\w-]{40,}",
                     capsys.readouterr().out)
    assert admin_cli.main(["invite", "999", "x@college.fr"], settings) == 1


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    for email in ("chef@ecole.fr", "nobody@ecole.fr"):
        response = Admin(client, email).sign_in(password="pas le bon mot de passe")  # noqa: S106
        assert response.status_code == 400
        assert "E-mail ou mot de passe incorrect." in text(response)


def test_an_overlong_or_control_character_email_is_a_wrong_sign_in(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    # On PostgreSQL the rate-limit key (e-mail included) overflowed its 200 characters, and NUL
    # is refused in text: both used to be a 500 there.
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    for email in ("a" * 64 + "@" + "b" * 180 + ".fr", "chef@ecole.fr\x00"):
        response = Admin(client, email).sign_in()
        assert response.status_code == 400, email
        assert "E-mail ou mot de passe incorrect." in text(response)
    assert str(Admin(client, "chef@ecole.fr").sign_in().url).endswith("/centre/sessions")


def test_sign_in_is_rate_limited_per_email(client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    admin = Admin(client, "chef@ecole.fr")
    for _ in range(auth.LOGIN_LIMIT_PER_EMAIL):
        assert admin.sign_in(password="mauvais mot de passe").status_code == 400  # noqa: S106
    blocked = admin.sign_in()  # even the right password, until the window ends
    assert blocked.status_code == 429
    clock.advance(minutes=16)
    assert admin.sign_in().status_code == 200


def test_sign_in_is_rate_limited_per_address(client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    for i in range(auth.LOGIN_LIMIT_PER_IP):
        Admin(client, f"user{i}@ecole.fr").sign_in()
    assert Admin(client, "another@ecole.fr").sign_in().status_code == 429


def test_pages_need_a_signed_in_administrator(client: TestClient) -> None:
    response = client.get("/centre/sessions", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/centre/connexion?suite=/centre/sessions"
    htmx = client.get("/centre/sessions", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["hx-redirect"].startswith("/centre/connexion")


def test_centre_admin_cannot_open_platform_pages(client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    Admin(client, "chef@ecole.fr").sign_in()
    assert client.get("/admin/centres").status_code == 403
    assert client.post("/admin/centres", data={"name": "X"}).status_code == 403


def test_sign_out(client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    Admin(client, "chef@ecole.fr").sign_in()
    page = client.post("/centre/deconnexion")
    assert "Vous êtes déconnecté(e)." in text(page)
    assert client.get("/centre/sessions", follow_redirects=False).status_code == 303


def test_session_expires_after_two_idle_hours(client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    Admin(client, "chef@ecole.fr").sign_in()
    clock.advance(hours=1, minutes=50)
    assert client.get("/centre/sessions").status_code == 200  # activity keeps it alive
    clock.advance(hours=1, minutes=50)
    assert client.get("/centre/sessions").status_code == 200
    clock.advance(hours=2, minutes=1)
    assert client.get("/centre/sessions", follow_redirects=False).status_code == 303


def test_session_has_an_absolute_lifetime(client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    Admin(client, "chef@ecole.fr").sign_in()
    for _ in range(6):
        clock.advance(hours=1, minutes=50)
        client.get("/centre/sessions")
    assert client.get("/centre/sessions", follow_redirects=False).status_code == 303


def test_password_change_signs_out_other_browsers(app, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    with TestClient(app, base_url="http://127.0.0.1") as laptop, \
            TestClient(app, base_url="http://127.0.0.1") as office:
        Admin(laptop, "chef@ecole.fr").sign_in()
        Admin(office, "chef@ecole.fr").sign_in()
        wrong = laptop.post("/centre/mot-de-passe", data={
            "current_password": "pas le bon", "new_password": "court", "confirm_password": "x"})
        assert wrong.status_code == 422
        assert "Mot de passe actuel incorrect." in text(wrong)
        done = laptop.post("/centre/mot-de-passe", data={
            "current_password": PASSWORD, "new_password": "Un nouveau mot de passe",
            "confirm_password": "Un nouveau mot de passe"})
        assert "Votre mot de passe a été changé" in text(done)
        assert laptop.get("/centre/sessions").status_code == 200  # this browser stays in
        assert office.get("/centre/sessions", follow_redirects=False).status_code == 303
        laptop.post("/centre/deconnexion")
        assert Admin(laptop, "chef@ecole.fr").sign_in().status_code == 400
        renewed = Admin(laptop, "chef@ecole.fr", "Un nouveau mot de passe")
        assert renewed.sign_in().status_code == 200


def test_sign_out_everywhere(app, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="C")
    with TestClient(app, base_url="http://127.0.0.1") as one, \
            TestClient(app, base_url="http://127.0.0.1") as two:
        Admin(one, "chef@ecole.fr").sign_in()
        Admin(two, "chef@ecole.fr").sign_in()
        one.post("/centre/deconnexion-partout")
        assert two.get("/centre/sessions", follow_redirects=False).status_code == 303
