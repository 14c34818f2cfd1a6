"""The centre's pages in Chromium: sign in, create a session, import candidates from a CSV file,
then finalise the session after it took place. axe-core checks every page, errors included."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.centre import CentreDesk
from tests.browser.people import OpenPage
from tests.browser.server import LiveServer
from tests.web.centre_support import PASSWORD, add_session, make_staff
from tests.web.factories import start_course
from web.centre.time_zones import local_time
from web.clock import utcnow
from web.db import session_scope
from web.models import Candidate, ExamSession

pytestmark = pytest.mark.browser

GOOD_CSV = """\
Nom de naissance;Prénom;Date de naissance;Lieu de naissance;Temps majoré (%);Aménagement
Martin;Léa;14/03/2011;Paris;0;non
Bernard;Hugo;02/07/2011;Lyon;33;non
Petit;Inès;25/12/2010;Lille;0;oui
"""
BAD_CSV = """Nom de naissance;Prénom;Date de naissance
Martin;Léa;31/02/2011
;Hugo;02/07/2011
"""


def test_centre_creates_a_session_imports_candidates_and_finalises(
        open_page: OpenPage, live_server: LiveServer) -> None:
    assert live_server.engine is not None
    email = f"chef-{secrets.token_hex(4)}@college.fr"
    make_staff(live_server.engine, utcnow(), email, centre="Collège Jean Moulin")
    admin = CentreDesk(open_page(), email, PASSWORD)

    admin.sign_in(password="pas le bon mot de passe")  # noqa: S106
    expect(admin.page.get_by_role("alert")).to_be_visible()
    admin.audit("sign-in-error")
    admin.sign_in()
    admin.heading("Sessions de certification")
    admin.audit("sessions")

    admin.follow("Créer une session")
    admin.heading("Créer une session")
    admin.audit("session-form")
    admin.press("Créer la session")
    expect(admin.page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    admin.audit("session-form-errors")
    # The session started an hour ago (it can be finalised once it has taken place), typed in
    # the centre's local time (Europe/Paris, the default zone).
    started = local_time(utcnow(), "Europe/Paris") - dt.timedelta(hours=1)
    session_id = admin.create_session(started, room="Salle 12")
    admin.heading(f"Session {session_id}")
    admin.audit("session")

    admin.follow("Importer une liste (CSV)")
    admin.heading("Importer une liste de candidats")
    admin.audit("import")
    admin.import_csv(BAD_CSV)
    expect(admin.page.get_by_role("alert")).to_contain_text("Aucun candidat n'a été importé")
    admin.audit("import-errors")
    admin.import_csv(GOOD_CSV)
    expect(admin.page.get_by_text("3 candidat(s) importé(s).")).to_be_visible()
    expect(admin.page.get_by_role("table")).to_contain_text("Inès")
    admin.audit("session-with-candidates")

    admin.follow("Inscrire un candidat")
    admin.audit("candidate-form")
    admin.page.go_back()
    admin.follow("Feuille d'émargement")
    admin.audit("attendance-sheet")
    admin.page.go_back()
    admin.follow("Consignes pour le surveillant")
    admin.audit("proctor-instructions")
    admin.page.go_back()

    # During the session Hugo started his test and did not finish it.
    with session_scope(live_server.engine) as db:
        hugo = db.exec(select(Candidate).where(Candidate.session_id == session_id,
                                               Candidate.first_name == "Hugo")).one()
    start_course(live_server.engine, session_id, hugo.id, utcnow(), item_id="1.1-keywords")

    admin.page.reload()
    admin.follow("Finaliser la session")
    admin.heading(f"Finaliser la session {session_id}")
    admin.audit("finalisation")
    admin.page.get_by_label("Candidat concerné").select_option(label="Bernard Hugo")
    admin.page.get_by_label("Catégorie").select_option(label="Problème technique")
    admin.page.get_by_label(re.compile(r"^Description\b")).fill("Coupure du réseau à 10 h 05.")
    admin.press("Ajouter le signalement")
    expect(admin.page.get_by_text("Le signalement a été ajouté.")).to_be_visible()
    admin.audit("finalisation-with-incident")
    admin.press("Finaliser la session")
    expect(admin.page.get_by_role("alert")).to_contain_text("Indiquez pourquoi Hugo Bernard")
    admin.audit("finalisation-errors")
    admin.page.get_by_role("radio", name="Problème technique").check()
    admin.page.get_by_label("Commentaire sur la session (facultatif)").fill("RAS")
    admin.press("Finaliser la session")
    admin.heading(f"Résultats de la session {session_id}")
    expect(admin.page.get_by_text("La session est finalisée")).to_be_visible()
    admin.audit("results")

    with session_scope(live_server.engine) as db:
        assert db.get(ExamSession, session_id).finalised_at is not None  # type: ignore[union-attr]


def test_platform_admin_creates_a_centre_in_its_time_zone_and_invites_its_administrator(
        open_page: OpenPage, live_server: LiveServer) -> None:
    """The platform's pages, axe on each: a centre overseas, its zone changed, an invitation."""
    assert live_server.engine is not None
    email = f"plateforme-{secrets.token_hex(4)}@passation.fr"
    make_staff(live_server.engine, utcnow(), email, platform=True)
    admin = CentreDesk(open_page(), email, PASSWORD)
    admin.sign_in()
    admin.page.goto("/admin/centres")
    admin.heading("Centres de certification")
    admin.audit("platform-centres")
    admin.press("Créer le centre")
    expect(admin.page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    admin.audit("platform-centres-errors")

    name = f"Lycée Leconte-de-Lisle {secrets.token_hex(2)}"
    admin.page.get_by_label("Nom du centre").fill(name)
    admin.page.get_by_role("combobox", name="Fuseau horaire").select_option(label="La Réunion")
    admin.press("Créer le centre")
    admin.heading(name)
    zone = admin.page.get_by_role("combobox", name="Fuseau horaire du centre")
    expect(zone).to_have_value("Indian/Reunion")
    admin.audit("platform-centre")
    zone.select_option(label="Mayotte")
    admin.press("Enregistrer le fuseau horaire")
    expect(admin.page.get_by_text("Le fuseau horaire du centre est enregistré.")).to_be_visible()
    expect(zone).to_have_value("Indian/Mayotte")
    admin.audit("platform-centre-zone-changed")

    admin.page.get_by_label("Adresse e-mail").fill("direction@lycee-leconte.fr")
    admin.press("Créer l'invitation")
    expect(admin.page.get_by_text("Invitation créée.", exact=False)).to_be_visible()
    admin.audit("platform-centre-invitation")

    # A session of that centre left unfinalised for a week: listed among the overdue ones.
    centre_id = int(re.search(r"/admin/centres/(\d+)", admin.page.url).group(1))  # type: ignore[union-attr]
    add_session(live_server.engine, centre_id, utcnow() - dt.timedelta(days=7), candidates=2)
    admin.page.goto("/admin/centres")
    counted = re.compile(r"^Finalisations en retard \(\d+\)$")
    admin.page.get_by_role("link", name=counted).click()
    expect(admin.page.get_by_role("heading", level=1)).to_have_text(counted)
    expect(admin.page.get_by_role("table")).to_contain_text(name)
    admin.audit("platform-overdue-finalisations")
    admin.follow("Questions signalées")
    expect(admin.page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Questions signalées \(\d+\)$"))
    admin.audit("platform-reported-questions")
