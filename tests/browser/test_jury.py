"""The jury's pages and the certificates in Chromium: a finalised session reviewed, a result
cancelled, the results published, a certificate printed by the centre and checked by anyone.
axe-core and the manual WCAG measures (tests/browser/wcag.py, text at 200 % too) on each page,
errors included."""

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
from tests.browser.test_wcag_pages import assert_no_problems, open_audited
from tests.browser.wcag import PageAudit, assert_titles_tell_the_pages_apart
from tests.web.centre_support import (
    PASSWORD,
    add_session,
    finalised_session,
    make_course,
    make_staff,
)
from web.clock import utcnow
from web.content_state import load_content
from web.db import session_scope
from web.models import CertificationResult, ExamSession

pytestmark = pytest.mark.browser


def test_the_jury_publishes_and_a_certificate_is_printed_then_checked(
        open_page: OpenPage, live_server: LiveServer) -> None:
    engine = live_server.engine
    assert engine is not None
    content = load_content()
    now = utcnow()
    centre_email = f"chef-{secrets.token_hex(4)}@college.fr"
    centre_id, _ = make_staff(engine, now, centre_email, centre="Collège Victor Hugo")
    # Yesterday's session: two candidates, one finished, one stopped by a power cut.
    session_id, (lea, hugo) = add_session(engine, centre_id or 0, now - dt.timedelta(days=1))
    for candidate, results, reason in ((lea, ["ok", "ko", "ok", "ok"] * 8, "completed"),
                                       (hugo, ["ok", "ko"] * 12 + ["ok"], "ended_by_proctor")):
        make_course(engine, content.engine_bank, content.config.version, session_id,
                    candidate, now, results, end_reason=reason, end_screen=True)

    centre = CentreDesk(open_audited(open_page), centre_email, PASSWORD)
    audit = PageAudit(centre.page)
    centre.sign_in()
    centre.page.goto(f"/centre/sessions/{session_id}/finalisation")
    centre.page.get_by_role("radio", name="Problème technique").check()
    centre.press("Finaliser la session")
    expect(centre.page.get_by_text("Résultats provisoires")).to_be_visible()

    # And a session where nothing happened: the jury may publish it without opening it.
    quiet, _ = finalised_session(engine, content.engine_bank, content.config.version,
                                 centre_id or 0, now - dt.timedelta(days=2))

    jury_email = f"jury-{secrets.token_hex(4)}@education.gouv.fr"
    make_staff(engine, now, jury_email, jury=True)
    jury = CentreDesk(open_audited(open_page), jury_email, PASSWORD)
    jury_audit = PageAudit(jury.page)
    jury.sign_in()
    expect(jury.page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Sessions à examiner \(\d+\)$"))
    jury.audit("jury-sessions")
    jury_audit.check("jury-sessions", big_text=True)
    # Publishing the quiet sessions leaves this one, where a test was stopped, to be read.
    jury.page.get_by_role("button", name=re.compile(r"^Publier ce")).click()
    expect(jury.page.get_by_role("status").first).to_contain_text("publiée")
    jury.audit("jury-sessions-published")
    jury_audit.check("jury-sessions", big_text=True)
    jury.follow(f"Session {session_id}")
    jury.heading(f"Session {session_id} – examen par le jury")
    jury.audit("jury-session")
    jury_audit.check("jury-session", big_text=True)

    hugo_section = jury.page.locator(f"#candidat-{hugo}")
    hugo_section.get_by_role("radio", name=re.compile("^Annuler la certification")).check()
    hugo_section.get_by_role("button", name="Enregistrer la décision").click()
    expect(jury.page.get_by_role("alert")).to_contain_text("Motivez la décision du jury")
    # The error summary takes the focus, and its link leads to the field.
    expect(jury.page.get_by_role("alert")).to_be_focused()
    jury.audit("jury-session-errors")
    jury_audit.check_refused("jury-session", big_text=True)
    hugo_section = jury.page.locator(f"#candidat-{hugo}")
    hugo_section.get_by_label("Motif de la décision").fill("Test interrompu trop tôt.")
    hugo_section.get_by_role("button", name="Enregistrer la décision").click()
    expect(jury.page.get_by_text("Décision enregistrée.")).to_be_visible()
    jury.press(f"Publier les résultats de la session {session_id}")
    expect(jury.page.get_by_role("status").first).to_contain_text("Les résultats sont publiés")
    jury.audit("jury-session-published")
    jury_audit.check("jury-session", big_text=True)

    with session_scope(engine) as db:
        stored = {r.candidate_id: r for r in db.exec(select(CertificationResult).where(
            CertificationResult.session_id == session_id)).all()}
    assert stored[hugo].final_status == "cancelled" and stored[hugo].verification_code is None
    with session_scope(engine) as db:
        assert db.get(ExamSession, quiet).results_published_at is not None  # type: ignore[union-attr]
    code = stored[lea].verification_code
    assert code is not None

    centre.page.goto(f"/centre/sessions/{session_id}/resultats")
    expect(centre.page.get_by_role("table")).to_contain_text(code)
    centre.audit("results-published")
    audit.check("results", big_text=True)
    centre.page.get_by_role("link", name=re.compile(r"^Certificat de Léa")).click()
    expect(centre.page.get_by_role("heading", level=1)).to_have_text(re.compile("^Certificat de"))
    expect(centre.page.get_by_text(code, exact=True)).to_be_visible()
    centre.audit("certificate")
    audit.check("certificate", big_text=True)

    visitor = open_audited(open_page)
    visitor_audit = PageAudit(visitor)
    visitor.goto("/")
    visitor.get_by_role("link", name="Vérifier un certificat").click()
    CentreDesk(visitor, "", "").audit("certificate-verify")
    visitor_audit.check("certificate-verify", big_text=True)
    visitor.get_by_label("Code de vérification").fill("P-1234")
    visitor.get_by_role("button", name="Vérifier").click()
    expect(visitor.get_by_role("alert")).to_contain_text("8 caractères différents")
    CentreDesk(visitor, "", "").audit("certificate-verify-error")
    visitor_audit.check_refused("certificate-verify", big_text=True)
    visitor.get_by_label("Code de vérification").fill(code.lower())
    visitor.get_by_role("button", name="Vérifier").click()
    expect(visitor.get_by_text("Ce certificat est authentique")).to_be_visible()
    expect(visitor.get_by_role("table")).to_contain_text("Mener une recherche")
    CentreDesk(visitor, "", "").audit("certificate-verified")
    visitor_audit.check("certificate-verified", big_text=True)

    for other in (jury_audit, visitor_audit):
        audit.problems += other.problems
        audit.titles.update(other.titles)
    assert_no_problems(audit)
    assert_titles_tell_the_pages_apart(audit.titles)
