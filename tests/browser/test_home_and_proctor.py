"""Home page and proctor space in a real Chromium, checked by axe-core after every page and swap."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import assert_accessible
from tests.browser.people import OpenPage, ProctorDesk, SessionData
from tests.browser.server import LiveServer
from tests.web.factories import report_problem, start_course
from web.clock import utcnow
from web.db import session_scope
from web.models import Course

pytestmark = pytest.mark.browser

ITEM = "1.1-keywords"


def test_home_page_offers_the_three_spaces_and_a_skip_link(open_page: OpenPage) -> None:
    page = open_page()
    page.goto("/")
    expect(page).to_have_title("Accueil – Passation")
    assert_accessible(page, "home")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    for space in ("Passer ma certification", "Espace surveillant",
                  "Espace centre de certification"):
        expect(page.get_by_role("link", name=space)).to_be_visible()


def test_home_page_in_english(open_page: OpenPage) -> None:
    page = open_page()
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Take my certification")).to_be_visible()
    assert_accessible(page, "home-english")


def test_proctor_wrong_password_shows_an_error_summary(open_page: OpenPage,
                                                       exam: SessionData) -> None:
    page = open_page()
    page.goto("/surveillant")
    page.get_by_label("Numéro de session").fill(str(exam.id))
    page.get_by_label("Mot de passe surveillant").fill("WRONG1")
    page.get_by_role("button", name="Accéder à la session").click()
    expect(page.get_by_role("alert")).to_contain_text("mot de passe surveillant incorrect")
    expect(page.get_by_label("Mot de passe surveillant")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "proctor-sign-in-error")


def test_proctor_supervises_a_session(open_page: OpenPage, exam: SessionData,
                                      live_server: LiveServer) -> None:
    lea, hugo = exam.candidates[0], exam.candidates[1]
    proctor = ProctorDesk(open_page(), exam)
    proctor.sign_in(audit=True)
    expect(proctor.page.get_by_text(exam.access_code)).to_be_visible()
    assert_accessible(proctor.page, "proctor-live-list")

    proctor.confirm_presence(lea)
    expect(proctor.page.locator("#live")).to_contain_text("Présence confirmée : Léa Martin")
    assert_accessible(proctor.page, "proctor-presence-confirmed")

    # A pupil locked out ("Trop de tentatives"): the button below the list, its message in it.
    proctor.page.get_by_role("button", name="Lever les blocages de saisie").click()
    expect(proctor.page.locator("#live")).to_contain_text("Blocages levés")
    assert_accessible(proctor.page, "proctor-lockouts-lifted")

    # Hugo started earlier and reports a problem: the polling list shows it within 5 s.
    assert live_server.engine is not None
    course_id, served_id = start_course(live_server.engine, exam.id, hugo.id, utcnow(),
                                        item_id=ITEM)
    report_problem(live_server.engine, exam.id, course_id, served_id, utcnow())
    proctor.wait_for_alert(hugo)
    expect(proctor.page.get_by_text("1 signalement en attente.")).to_be_visible()
    assert_accessible(proctor.page, "proctor-problem-reported")
    proctor.validate_alert(hugo)
    assert_accessible(proctor.page, "proctor-problem-validated")

    proctor.row(hugo).get_by_label("Minutes à accorder").fill("10")
    proctor.click_in_row(hugo, "Accorder")
    expect(proctor.page.locator("#live")).to_contain_text("10 min ajoutées pour Hugo Bernard.")

    proctor.row(hugo).get_by_role("link", name="Arrêter le test").click()
    expect(proctor.page.get_by_role("heading", level=1)).to_have_text(
        "Arrêter le test de Hugo Bernard")
    assert_accessible(proctor.page, "proctor-end-test")
    proctor.page.get_by_label("Fraude").check()
    proctor.page.get_by_role("button", name="Confirmer l'arrêt du test").click()
    expect(proctor.page.locator("#live")).to_contain_text("Test arrêté pour Hugo Bernard.")
    expect(proctor.row(hugo)).to_contain_text("Arrêté par le surveillant")


def test_live_list_refresh_keeps_the_keyboard_focus(open_page: OpenPage, exam: SessionData) -> None:
    lea = exam.candidates[0]
    proctor = ProctorDesk(open_page(), exam)
    proctor.sign_in()
    button = proctor.row(lea).get_by_role("button", name="Confirmer la présence")
    for _ in range(40):  # by keyboard alone, from the top of the page
        proctor.page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    expect(button).to_be_focused()
    with proctor.page.expect_response(
            lambda r: r.url.endswith(f"/surveillant/session/{exam.id}")
            and r.request.headers.get("hx-request") == "true", timeout=10_000):
        pass  # the list polls every 5 s and replaces its rows
    expect(button).to_be_focused()
    proctor.page.keyboard.press("Enter")
    expect(proctor.row(lea)).to_contain_text("Présence confirmée, peut commencer")


def test_live_list_counts_the_time_left_down_between_polls(open_page: OpenPage, exam: SessionData,
                                                           live_server: LiveServer) -> None:
    hugo = exam.candidates[1]
    assert live_server.engine is not None
    # 105 min × 1.33 for Hugo's extra time = 139 min 39 s: 4 min 39 s left.
    start_course(live_server.engine, exam.id, hugo.id, utcnow() - dt.timedelta(minutes=135),
                 item_id=ITEM)
    proctor = ProctorDesk(open_page(), exam)
    proctor.sign_in()
    cell = proctor.row(hugo).locator("[data-time-left]")
    shown = cell.text_content() or ""
    assert re.fullmatch(r"4 min \d\d s", shown), shown
    # Nothing changed: the poll gets a 204 and swaps nothing, the page counts down by itself.
    with proctor.page.expect_response(
            lambda r: r.url.endswith(f"/surveillant/session/{exam.id}")
            and r.request.headers.get("x-live-version") is not None, timeout=10_000) as poll:
        expect(cell).not_to_have_text(shown)
    assert poll.value.status == 204
    expect(cell).to_have_text(re.compile(r"^4 min \d\d s$"))
    assert_accessible(proctor.page, "proctor-countdown")


def test_live_list_takes_in_only_what_changed(open_page: OpenPage, exam: SessionData,
                                              live_server: LiveServer) -> None:
    """A poll after an answer brings that row's question number alone (out of band): the
    page shows it, and the minutes the proctor is typing in another row stay as typed."""
    lea, hugo = exam.candidates[0], exam.candidates[1]
    assert live_server.engine is not None
    lea_course, _ = start_course(live_server.engine, exam.id, lea.id, utcnow(), item_id=ITEM)
    start_course(live_server.engine, exam.id, hugo.id, utcnow(), item_id=ITEM)
    proctor = ProctorDesk(open_page(), exam)
    proctor.sign_in()
    expect(proctor.row(lea)).to_contain_text("Question 1 / 32")
    minutes = proctor.row(hugo).get_by_label("Minutes à accorder")
    minutes.fill("12")
    with session_scope(live_server.engine) as db:  # Léa answers (what the list reads of it)
        db.get(Course, lea_course).answered_count += 1
        db.commit()
    with proctor.page.expect_response(
            lambda r: r.url.endswith(f"/surveillant/session/{exam.id}")
            and r.headers.get("hx-reswap") == "none", timeout=10_000) as poll:
        expect(proctor.row(lea)).to_contain_text("Question 2 / 32", timeout=10_000)
    assert "<tr" not in poll.value.text()
    expect(minutes).to_have_value("12")
    expect(minutes).to_be_focused()
    assert_accessible(proctor.page, "proctor-list-changes")
