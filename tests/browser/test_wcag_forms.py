"""The WCAG 2.1 AA / RGAA 4.1 criteria axe-core does not check, on forms and titles: page titles in
both languages, errors tied to their fields and focused after a submit without JavaScript, and the
autocomplete purpose of the user's own personal data. The page-level checks: test_wcag_pages.py."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.browser.candidate import CandidateScreen
from tests.browser.centre import CentreDesk
from tests.browser.people import (
    OpenPage,
    SessionData,
    authorise_presence,
    make_current_item_of_kind,
)
from tests.browser.server import LiveServer
from tests.browser.wcag import SUFFIX, assert_titles_tell_the_pages_apart, fill_join_form
from tests.web.centre_support import PASSWORD, add_session, finalised_session, make_staff
from tests.web.factories import start_course
from web.centre import invitations
from web.centre.time_zones import local_time
from web.clock import utcnow
from web.content_state import load_content
from web.db import session_scope
from web.models import Candidate

pytestmark = pytest.mark.browser


def page_titles(page: Page, paths: dict[str, str]) -> dict[str, str]:
    titles = {}
    for name, path in paths.items():
        page.goto(path)
        titles[name] = page.title()
    return titles


def test_page_titles_are_translated_and_tell_the_pages_apart_in_english(
        open_page: OpenPage, exam: SessionData, live_server: LiveServer) -> None:
    assert live_server.engine is not None
    email = f"chef-{secrets.token_hex(4)}@college.fr"
    make_staff(live_server.engine, utcnow(), email, centre="Collège Jean Moulin")
    titles: dict[str, dict[str, str]] = {}
    for lang, person in zip(("fr", "en"), exam.candidates, strict=False):
        authorise_presence(live_server.engine, person, utcnow())
        page = open_page()
        page.goto("/")
        if lang == "en":
            page.get_by_role("button", name="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.locator(".skip-link")).to_have_text("Skip to content")
        seen = page_titles(page, {"home": "/", "join": "/candidat", "proctor": "/surveillant",
                                  "centre": "/centre"})
        page.goto("/candidat")
        fill_join_form(page, exam, person.first_name, person.last_name, person.birth_date)
        seen["code"] = page.title()
        page.locator("#code").fill(exam.access_code)
        page.locator("form[action='/candidat/code'] button").click()
        expect(page.locator("#accept")).to_be_visible()
        seen["rules"] = page.title()
        page.locator("#accept").check()
        page.locator("form[action='/candidat/regles'] button").click()
        expect(page.locator("#question-title")).to_be_visible()
        seen["question"] = page.title()
        staff = open_page()
        staff.goto("/")
        if lang == "en":
            staff.get_by_role("button", name="English").click()
        staff.goto("/centre")
        staff.locator("#email").fill(email)
        staff.locator("#password").fill(PASSWORD)
        staff.locator("form[action='/centre/connexion'] button").click()
        expect(staff).to_have_url(re.compile(r"/centre/sessions$"))
        seen.update(page_titles(staff, {"sessions": "/centre/sessions",
                                        "session-form": "/centre/sessions/nouvelle",
                                        "account": "/centre/mot-de-passe"}))
        assert_titles_tell_the_pages_apart(seen)
        titles[lang] = seen
        page.context.close()
        staff.context.close()
    assert titles["en"]["question"] == "Question 1 of 32" + SUFFIX
    same_word = {"sessions"}  # "Sessions" in both languages
    untranslated = {name: title for name, title in titles["en"].items()
                    if title == titles["fr"][name] and name not in same_word}
    assert not untranslated, f"titles left in French: {untranslated}"


# --- errors, without JavaScript ------------------------------------------------------------------

ERRORS_TIED = """() => {
  const problems = [];
  const invalid = Array.from(document.querySelectorAll('[aria-invalid=true]'));
  if (!invalid.length) problems.push('no field is marked aria-invalid="true"');
  const isError = e => e.matches('.error-list, [role=alert]') || e.closest('[role=alert]');
  for (const f of invalid) {
    const ids = (f.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const described = ids.map(id => document.getElementById(id)).filter(Boolean);
    if (!described.some(isError))
      problems.push(`${f.tagName.toLowerCase()}#${f.id} is invalid but not described by its error`);
  }
  for (const m of document.querySelectorAll('.error-list[id]')) {
    const fields = Array.from(document.querySelectorAll(
      `input[aria-describedby~="${m.id}"], select[aria-describedby~="${m.id}"],
       textarea[aria-describedby~="${m.id}"]`));
    const groups = Array.from(document.querySelectorAll(`fieldset[aria-describedby~="${m.id}"]`));
    const inGroup = groups.flatMap(g => Array.from(g.querySelectorAll('input, select, textarea')));
    const untied = inGroup.filter(f => !fields.includes(f) && f.type !== 'checkbox');
    if (!fields.length && !groups.length) problems.push(`the error #${m.id} describes no field`);
    if (untied.length) problems.push(`the error #${m.id} is not tied to `
      + untied.map(f => '#' + f.id).join(', ') + ' (only to their fieldset)');
    for (const f of fields)
      if (f.getAttribute('aria-invalid') !== 'true') problems.push(`#${f.id} lacks aria-invalid`);
  }
  const a = document.activeElement;
  const firstField = invalid.flatMap(f => f.matches('input, select, textarea') ? [f]
    : Array.from(f.querySelectorAll('input, select, textarea')))[0];
  const summary = a && a !== document.body && a.matches('[role=alert]') && a.tabIndex === -1;
  if (!(summary || (a && a === firstField)))
    problems.push('after the page loaded, the focus is on ' + (a === document.body ? 'the page'
      : a.tagName.toLowerCase() + '#' + a.id)
      + ', not on the error summary or the first invalid field');
  return problems;
}"""


def errors_problems(page: Page, name: str, *, of_a_field: bool = True) -> list[str]:
    """`of_a_field`: False for an error about the whole form (only the focus is checked)."""
    expect(page.get_by_role("alert").first).to_be_visible()
    problems = page.evaluate(ERRORS_TIED)
    if not of_a_field:
        problems = [p for p in problems if "aria-invalid" not in p]
    return [f"{name}: {problem}" for problem in problems]


def test_form_errors_are_tied_to_their_fields_and_focused_without_javascript(
        open_page: OpenPage, exam: SessionData, live_server: LiveServer) -> None:
    """3.3.1, 3.3.3, RGAA 11.10 / 11.11: after a submit (a full page load, no script to help),
    the focus is on the error summary or the first invalid field, and each invalid field is
    described by its error."""
    assert live_server.engine is not None
    lea = exam.candidates[0]
    authorise_presence(live_server.engine, lea, utcnow())
    problems: list[str] = []
    candidate = CandidateScreen(open_page, exam, lea, "nojs")
    page = candidate.page
    page.goto("/candidat")
    candidate.button("Continuer").click()
    problems += errors_problems(page, "join, empty")
    fill_join_form(page, exam, lea.first_name, lea.last_name, lea.birth_date.replace(year=1999))
    problems += errors_problems(page, "join, unknown candidate", of_a_field=False)
    page.locator("#day").fill("31")
    page.locator("#month").fill("2")
    page.locator("form[action='/candidat'] button[type=submit]").click()
    problems += errors_problems(page, "join, impossible birth date")
    fill_join_form(page, exam, lea.first_name, lea.last_name, lea.birth_date)
    page.get_by_label("Code d'accès").fill("XXXX00")
    candidate.button("Valider le code").click()
    problems += errors_problems(page, "access code")
    page.get_by_label("Code d'accès").fill(exam.access_code)
    candidate.button("Valider le code").click()
    candidate.button("Commencer le test").click()
    problems += errors_problems(page, "rules")
    candidate.accept_rules_and_start(audit=False)
    # A short text answer sent empty (a choice left empty is caught by the browser: required).
    make_current_item_of_kind(live_server.engine, int(candidate.served_id()), "qroc")
    page.reload()
    candidate.button("Je valide").click()
    problems += errors_problems(page, "question")

    proctor = open_page(javascript=False)
    proctor.goto("/surveillant")
    proctor.get_by_role("button", name="Accéder à la session").click()
    problems += errors_problems(proctor, "proctor sign-in")

    email = f"chef-{secrets.token_hex(4)}@college.fr"
    centre_id, _ = make_staff(live_server.engine, utcnow(), email, centre="Collège Jean Moulin")
    admin = CentreDesk(open_page(javascript=False), email, PASSWORD)
    admin.page.goto("/centre")
    admin.press("Se connecter")
    problems += errors_problems(admin.page, "centre sign-in")
    admin.sign_in()
    admin.follow("Créer une session")
    admin.press("Créer la session")
    problems += errors_problems(admin.page, "session form")
    started = local_time(utcnow(), "Europe/Paris") - dt.timedelta(hours=1)
    session_id = admin.create_session(started, room="Salle 12")
    admin.follow("Inscrire un candidat")
    admin.press("Inscrire")
    problems += errors_problems(admin.page, "candidate form")
    admin.page.get_by_label(re.compile("^Nom de naissance")).fill("Bernard")
    admin.page.get_by_label(re.compile("^Prénom")).fill("Hugo")
    admin.page.get_by_label(re.compile("^Date de naissance")).fill("2011-07-02")
    admin.press("Inscrire")
    with session_scope(live_server.engine) as db:
        hugo = db.exec(select(Candidate).where(Candidate.session_id == session_id)).one()
    start_course(live_server.engine, session_id, hugo.id, utcnow(), item_id="1.1-keywords")
    admin.page.goto(f"/centre/sessions/{session_id}/finalisation")
    admin.press("Ajouter le signalement")
    problems += errors_problems(admin.page, "incident report")
    admin.press("Finaliser la session")
    problems += errors_problems(admin.page, "finalisation")
    admin.page.goto("/centre/mot-de-passe")
    admin.press("Changer le mot de passe")
    problems += errors_problems(admin.page, "password change")

    # The jury, and anyone checking a certificate.
    content = load_content()
    quiet, stopped = finalised_session(live_server.engine, content.engine_bank,
                                       content.config.version, centre_id or 0, utcnow(),
                                       end_reason="ended_by_proctor")
    jury_email = f"jury-{secrets.token_hex(4)}@education.gouv.fr"
    make_staff(live_server.engine, utcnow(), jury_email, jury=True)
    jury = CentreDesk(open_page(javascript=False), jury_email, PASSWORD)
    jury.sign_in()
    jury.page.get_by_label("Ouvrir une session par son numéro").fill("999999999")
    jury.press("Ouvrir")
    problems += errors_problems(jury.page, "jury session number")
    jury.page.goto(f"/jury/sessions/{quiet}")
    section = jury.page.locator(f"#candidat-{stopped}")
    section.get_by_role("radio", name=re.compile("^Rejeter")).check()
    section.get_by_role("button", name="Enregistrer la décision").click()
    problems += errors_problems(jury.page, "jury decision")
    visitor = open_page(javascript=False)
    visitor.goto("/certificats/verification")
    visitor.get_by_label("Code de vérification").fill("P-12")
    visitor.get_by_role("button", name="Vérifier").click()
    problems += errors_problems(visitor, "certificate verification")
    assert not problems, "\n".join(problems)


# --- input purpose ------------------------------------------------------------------------------

def autocomplete_tokens(page: Page) -> dict[str, str]:
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll(
        'input:not([type=hidden]):not([hidden]), select, textarea')).map(
        e => [e.id, e.getAttribute('autocomplete') || '']))""")


def test_the_users_own_details_carry_their_autocomplete_purpose(
        open_page: OpenPage, live_server: LiveServer) -> None:
    """1.3.5 / RGAA 11.13: fields asking users for their own details say what they are, so a
    browser can fill them in; fields about other people or about a session do not take the
    user's own details (autocomplete off or none)."""
    assert live_server.engine is not None
    page = open_page()
    page.goto("/candidat")
    assert autocomplete_tokens(page) == {
        "session": "off", "first_name": "given-name", "last_name": "family-name",
        "day": "bday-day", "month": "bday-month", "year": "bday-year"}
    page.goto("/centre")
    assert autocomplete_tokens(page) == {"email": "username", "password": "current-password"}
    email = f"chef-{secrets.token_hex(4)}@college.fr"
    centre_id, _ = make_staff(live_server.engine, utcnow(), email, centre="Collège Jean Moulin")
    admin = CentreDesk(page, email, PASSWORD)
    admin.sign_in()
    page.goto("/centre/mot-de-passe")
    assert autocomplete_tokens(page) == {"current_password": "current-password",
                                         "new_password": "new-password",
                                         "confirm_password": "new-password"}
    # A session's address and a pupil's names are not the administrator's own details.
    page.goto("/centre/sessions/nouvelle")
    assert autocomplete_tokens(page) == {"date": "", "start_time": "", "room": "",
                                         "address": "off", "proctor_names": "",
                                         "description": ""}
    session_id, _ = add_session(live_server.engine, centre_id or 0, utcnow(), candidates=0)
    page.goto(f"/centre/sessions/{session_id}/candidats/nouveau")
    assert {autocomplete_tokens(page)[name] for name in (
        "last_name", "first_name", "birth_place")} == {"off"}
    with session_scope(live_server.engine) as db:
        token = invitations.invite(db, centre_id or 0, f"new-{secrets.token_hex(4)}@a.fr",
                                   utcnow())
        db.commit()
    invited = open_page()
    invited.goto(f"/centre/invitation/{token}")
    assert autocomplete_tokens(invited) == {"new_password": "new-password",
                                            "confirm_password": "new-password"}
    assert invited.locator("input[name=username]").get_attribute("autocomplete") == "username"
