"""The WCAG 2.1 AA / RGAA 4.1 criteria axe-core does not check, on every page (tests/browser/wcag.py
measures them): skip link, label in name, focus indicator and field border contrast, reflow at
320 px, text spacing, text at 200 % for the staff's pages, and distinct page titles. The forms'
errors, the titles in English and the autocomplete purposes: test_wcag_forms.py."""

from __future__ import annotations

import base64
import datetime as dt
import secrets

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from tests.browser.candidate import CandidateScreen
from tests.browser.centre import CentreDesk
from tests.browser.people import (
    OpenPage,
    ProctorDesk,
    SessionData,
    authorise_presence,
    make_current_item_of_kind,
)
from tests.browser.server import LiveServer
from tests.browser.wcag import (
    MIN_NON_TEXT_CONTRAST,
    SUFFIX,
    PageAudit,
    assert_titles_tell_the_pages_apart,
    contrast,
    fill_join_form,
)
from tests.web.centre_support import PASSWORD, add_session, make_staff
from tests.web.factories import start_course
from web.centre import invitations
from web.centre.time_zones import local_time
from web.clock import utcnow
from web.db import session_scope
from web.models import Candidate

pytestmark = pytest.mark.browser


def assert_no_problems(audit: PageAudit) -> None:
    assert not audit.problems, audit.report()


def open_audited(open_page: OpenPage) -> Page:
    """A JavaScript-enabled page whose style sheets the audit may extend (CSP bypassed)."""
    return open_page(bypass_csp=True, viewport={"width": 1280, "height": 800})


# --- the candidate, with the proctor beside ------------------------------------------------------

def native_control_contrast(page: Page, control: Locator) -> float:
    """1.4.11 for a check box or radio button drawn by the browser: its darkest pixel against
    the lightest one around it, from a screenshot (computed styles do not tell its colours)."""
    box = control.bounding_box()
    assert box is not None
    png = page.screenshot(clip={"x": box["x"] - 3, "y": box["y"] - 3,
                                "width": box["width"] + 6, "height": box["height"] + 6})
    pixels = page.evaluate("""async (data) => {
        const image = new Image();
        image.src = 'data:image/png;base64,' + data;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width; canvas.height = image.height;
        const context = canvas.getContext('2d');
        context.drawImage(image, 0, 0);
        const d = context.getImageData(0, 0, image.width, image.height).data;
        let dark = [255, 255, 255], light = [0, 0, 0];
        const lum = p => 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
        for (let i = 0; i < d.length; i += 4) {
            const p = [d[i], d[i + 1], d[i + 2]];
            if (lum(p) < lum(dark)) dark = p;
            if (lum(p) > lum(light)) light = p;
        }
        return [dark, light];
    }""", base64.b64encode(png).decode())
    return contrast(tuple(pixels[0]), tuple(pixels[1]))


def test_every_candidate_and_proctor_page_passes_the_manual_checks(
        open_page: OpenPage, exam: SessionData, live_server: LiveServer) -> None:
    assert live_server.engine is not None
    lea, hugo = exam.candidates[0], exam.candidates[1]
    authorise_presence(live_server.engine, lea, utcnow())
    page = open_audited(open_page)
    audit = PageAudit(page)

    page.goto("/")
    audit.check("home")
    page.goto("/candidat")
    audit.check("join")
    page.get_by_role("button", name="Continuer").click()
    audit.check_refused("join")
    fill_join_form(page, exam, "Personne", "Inconnue", lea.birth_date)
    audit.check_refused("join")
    fill_join_form(page, exam, lea.first_name, lea.last_name, lea.birth_date)
    expect(page.get_by_role("heading", level=1)).to_have_text("Code d'accès")
    audit.check("code")
    page.get_by_label("Code d'accès").fill("BCDF99" if exam.access_code != "BCDF99" else "BCDF98")
    page.get_by_role("button", name="Valider le code").click()
    audit.check_refused("code")
    page.get_by_label("Code d'accès").fill(exam.access_code)
    page.get_by_role("button", name="Valider le code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Règles de la certification")
    audit.check("rules")
    accept = page.get_by_label("J'ai lu et j'accepte les règles")
    assert native_control_contrast(page, accept) >= MIN_NON_TEXT_CONTRAST
    page.get_by_role("button", name="Commencer le test").click()
    audit.check_refused("rules")
    accept.check()
    page.get_by_role("button", name="Commencer le test").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1")
    expect(page).to_have_title("Question 1 sur 32" + SUFFIX)
    audit.check("question")
    # Radio buttons and check boxes, then a short text answer sent empty (an unchosen choice is
    # caught by the browser: the radio buttons are required).
    for kind in ("qcu", "qcm", "qroc"):
        served = page.locator("#candidate-area").get_attribute("data-served") or ""
        make_current_item_of_kind(live_server.engine, int(served), kind)
        page.reload()
        if kind != "qroc":
            choice = page.locator("#candidate-area .choice input").first
            assert native_control_contrast(page, choice) >= MIN_NON_TEXT_CONTRAST, kind
            audit.check("question")
    page.get_by_role("button", name="Je valide").click()
    audit.check_refused("question")
    candidate = CandidateScreen(open_page, exam, lea, "mouse")
    candidate.page.context.close()
    candidate.page = page
    candidate.answer()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 2")
    expect(page).to_have_title("Question 2 sur 32" + SUFFIX)  # the title follows the htmx swap
    page.get_by_role("link", name="Je passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Passer la question 2 ?")
    audit.check("skip")
    # A confirmation sent for a question that is no longer the current one, without htmx.
    page.evaluate("""() => {
        const form = document.querySelector('form[action="/candidat/test/passer"]');
        form.querySelector('[name=served]').value = '1';
        form.submit();
    }""")
    expect(page.get_by_role("heading", level=1)).to_have_text("Action impossible")
    audit.check("refused")

    # Hugo joins before the proctor confirmed his presence.
    waiting = open_audited(open_page)
    waiting_audit = PageAudit(waiting)
    waiting.goto("/candidat")
    fill_join_form(waiting, exam, hugo.first_name, hugo.last_name, hugo.birth_date)
    waiting.get_by_label("Code d'accès").fill(exam.access_code)
    waiting.get_by_role("button", name="Valider le code").click()
    expect(waiting.get_by_role("heading", level=1)).to_have_text("En attente du surveillant")
    waiting_audit.check("wait")

    proctor = ProctorDesk(open_audited(open_page), exam)
    proctor_audit = PageAudit(proctor.page)
    proctor.page.goto("/surveillant")
    proctor_audit.check("proctor-sign-in", big_text=True)
    proctor.page.get_by_role("button", name="Accéder à la session").click()
    proctor_audit.check_refused("proctor-sign-in", big_text=True)
    proctor.sign_in()
    proctor_audit.check("proctor-live-list", big_text=True)
    proctor.row(lea).get_by_role("link", name="Arrêter le test").click()
    expect(proctor.page.get_by_role("heading", level=1)).to_have_text(
        f"Arrêter le test de {lea.first_name} {lea.last_name}")
    proctor_audit.check("proctor-end-test", big_text=True)
    assert native_control_contrast(proctor.page, proctor.page.get_by_label("Fraude")
                                   ) >= MIN_NON_TEXT_CONTRAST
    proctor.page.get_by_label("Fraude").check()
    proctor.page.get_by_role("button", name="Confirmer l'arrêt du test").click()
    expect(proctor.row(lea)).to_contain_text("Arrêté par le surveillant")

    page.goto("/candidat/test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Test terminé")
    audit.check("end")

    for other in (waiting_audit, proctor_audit):
        audit.problems += other.problems
        audit.titles.update(other.titles)
    assert_no_problems(audit)
    assert_titles_tell_the_pages_apart(audit.titles)


# --- the centre ---------------------------------------------------------------------------------

BAD_CSV = "Nom de naissance;Prénom;Date de naissance\nMartin;Léa;31/02/2011\n"
GOOD_CSV = ("Nom de naissance;Prénom;Date de naissance;Lieu de naissance;Temps majoré (%);"
            "Aménagement\nMartin;Léa;14/03/2011;Paris;0;non\nBernard;Hugo;02/07/2011;Lyon;33;non\n")


def test_every_centre_page_passes_the_manual_checks_with_text_at_200_percent_too(
        open_page: OpenPage, live_server: LiveServer) -> None:
    assert live_server.engine is not None
    email = f"chef-{secrets.token_hex(4)}@college.fr"
    make_staff(live_server.engine, utcnow(), email, centre="Collège Jean Moulin")
    admin = CentreDesk(open_audited(open_page), email, PASSWORD)
    audit = PageAudit(admin.page)

    admin.page.goto("/centre")
    audit.check("centre-sign-in", big_text=True)
    admin.press("Se connecter")
    audit.check_refused("centre-sign-in", big_text=True)
    admin.sign_in()
    admin.heading("Sessions de certification")
    audit.check("sessions", big_text=True)
    admin.follow("Créer une session")
    audit.check("session-form", big_text=True)
    admin.press("Créer la session")
    audit.check_refused("session-form", big_text=True)
    started = local_time(utcnow(), "Europe/Paris") - dt.timedelta(hours=1)
    session_id = admin.create_session(started, room="Salle 12")
    admin.follow("Importer une liste (CSV)")
    audit.check("import", big_text=True)
    admin.import_csv(BAD_CSV)
    audit.check_refused("import", big_text=True)
    admin.import_csv(GOOD_CSV)
    expect(admin.page.get_by_role("table")).to_contain_text("Hugo")
    admin.page.goto("/centre/sessions")
    audit.check("sessions", big_text=True)  # now with a session in its table
    admin.page.goto(f"/centre/sessions/{session_id}")
    audit.check("session", big_text=True)
    admin.follow("Inscrire un candidat")
    audit.check("candidate-form", big_text=True)
    admin.press("Inscrire")
    audit.check_refused("candidate-form", big_text=True)
    admin.page.goto(f"/centre/sessions/{session_id}/emargement")
    audit.check("attendance-sheet", big_text=True)
    admin.page.goto(f"/centre/sessions/{session_id}/consignes")
    audit.check("proctor-instructions", big_text=True)

    with session_scope(live_server.engine) as db:
        hugo = db.exec(select(Candidate).where(Candidate.session_id == session_id,
                                               Candidate.first_name == "Hugo")).one()
    start_course(live_server.engine, session_id, hugo.id, utcnow(), item_id="1.1-keywords")
    admin.page.goto(f"/centre/sessions/{session_id}/finalisation")
    audit.check("finalisation", big_text=True)
    admin.press("Finaliser la session")
    audit.check_refused("finalisation", big_text=True)
    admin.page.get_by_role("radio", name="Problème technique").check()
    admin.press("Finaliser la session")
    admin.heading(f"Résultats de la session {session_id}")
    audit.check("results", big_text=True)

    admin.page.goto("/centre/mot-de-passe")
    audit.check("account", big_text=True)
    admin.press("Changer le mot de passe")
    audit.check_refused("account", big_text=True)

    assert_no_problems(audit)
    assert_titles_tell_the_pages_apart(audit.titles)


def test_platform_and_invitation_pages_pass_the_manual_checks(
        open_page: OpenPage, live_server: LiveServer) -> None:
    assert live_server.engine is not None
    email = f"plateforme-{secrets.token_hex(4)}@passation.fr"
    make_staff(live_server.engine, utcnow(), email, platform=True)
    centre_id, _ = make_staff(live_server.engine, utcnow(), f"chef-{secrets.token_hex(4)}@a.fr",
                              centre=f"Lycée {secrets.token_hex(2)}")
    admin = CentreDesk(open_audited(open_page), email, PASSWORD)
    audit = PageAudit(admin.page)
    admin.sign_in()
    admin.page.goto("/admin/centres")
    audit.check("platform-centres", big_text=True)
    admin.press("Créer le centre")
    audit.check_refused("platform-centres", big_text=True)
    admin.page.goto(f"/admin/centres/{centre_id}")
    audit.check("platform-centre", big_text=True)
    admin.press("Créer l'invitation")
    audit.check_refused("platform-centre", big_text=True)
    add_session(live_server.engine, centre_id or 0, utcnow() - dt.timedelta(days=7))
    admin.page.goto("/admin/finalisations-en-retard")
    expect(admin.page.get_by_role("table")).to_be_visible()
    audit.check("platform-overdue-finalisations", big_text=True)
    admin.page.goto("/admin/questions-signalees")
    audit.check("platform-reported-questions", big_text=True)

    with session_scope(live_server.engine) as db:
        token = invitations.invite(db, centre_id or 0, f"new-{secrets.token_hex(4)}@a.fr",
                                   utcnow())
        db.commit()
    invited = open_audited(open_page)
    invited_audit = PageAudit(invited)
    invited.goto(f"/centre/invitation/{token}")
    invited_audit.check("invitation", big_text=True)
    invited.get_by_role("button", name="Créer mon compte").click()
    invited_audit.check_refused("invitation", big_text=True)

    audit.problems += invited_audit.problems
    audit.titles.update(invited_audit.titles)
    assert_no_problems(audit)
    assert_titles_tell_the_pages_apart(audit.titles)


# --- titles in English --------------------------------------------------------------------------
