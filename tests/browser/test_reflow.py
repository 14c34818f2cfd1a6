"""Zoom and small screens (RGAA 10.4 and 10.11, WCAG 1.4.4 and 1.4.10): the test works on a
320 px wide screen and with text at 200 %, with no horizontal scrolling and nothing lost."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from content import Item, load_bank
from tests.browser.a11y import assert_accessible, assert_no_horizontal_scroll
from tests.browser.candidate import KINDS, CandidateScreen
from tests.browser.people import (
    OpenPage,
    ProctorDesk,
    SessionData,
    authorise_presence,
    make_current_item_of_kind,
    replace_current_item,
)
from tests.browser.server import LiveServer
from web.clock import utcnow

pytestmark = pytest.mark.browser

BIG_TEXT = "html{font-size:200%!important}"
NATURAL = 4  # questions taken as the engine chose them before a missing kind is arranged


def check_page(page: Page, name: str, *, big_text: bool = False) -> None:
    if big_text:
        page.add_style_tag(content=BIG_TEXT)  # lost on each load: added again every time
    assert_no_horizontal_scroll(page, name)
    assert_accessible(page, name)


def answer_until_every_kind_was_seen(candidate: CandidateScreen, name: str, engine: Engine, *,
                                     big_text: bool = False) -> None:
    """Check the question page for each kind of question. The first NATURAL questions come as
    the engine chose them; then each kind still missing is arranged on the current question
    (the course seed is random, and a candidate who answers wrong can go 31 questions without
    a short-text one: ~10 % of courses). The last question checked stays on screen."""
    seen: set[str] = set()
    number = 1
    while True:
        candidate.expect_heading(f"Question {number}")
        if number > NATURAL:
            missing = [kind for kind in KINDS if kind not in seen]
            make_current_item_of_kind(engine, int(candidate.served_id()), missing[0])
            candidate.page.reload()
            candidate.expect_heading(f"Question {number}")
        kind = candidate.kind()
        if kind not in seen:
            check_page(candidate.page, f"{name}-question-{kind}", big_text=big_text)
            # Every control of the question can be reached and is inside the screen.
            width = candidate.page.viewport_size["width"]  # type: ignore[index]
            for control in (candidate.button("Je valide"),
                            candidate.page.get_by_role("link", name="Je passe")):
                box = control.bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        seen.add(kind)
        if seen == set(KINDS):
            return
        candidate.answer()
        number += 1


def start_test(candidate: CandidateScreen, name: str, *, big_text: bool = False) -> None:
    candidate.page.goto("/candidat")
    check_page(candidate.page, f"{name}-join", big_text=big_text)
    candidate.join(audit=False)
    candidate.expect_heading("Règles de la certification")
    check_page(candidate.page, f"{name}-rules", big_text=big_text)
    candidate.accept_rules_and_start(audit=False)


def candidate_at_320_px(open_page: OpenPage, exam: SessionData,
                        live_server: LiveServer) -> CandidateScreen:
    """The session's first candidate, authorised to start, on a 320 px wide screen."""
    lea = exam.candidates[0]
    assert live_server.engine is not None
    authorise_presence(live_server.engine, lea, utcnow())
    candidate = CandidateScreen(open_page, exam, lea, "mouse")
    candidate.page.set_viewport_size({"width": 320, "height": 256})
    return candidate


def test_question_pages_at_320_px(open_page: OpenPage, exam: SessionData,
                                  live_server: LiveServer) -> None:
    candidate = candidate_at_320_px(open_page, exam, live_server)
    assert live_server.engine is not None
    start_test(candidate, "320px")
    answer_until_every_kind_was_seen(candidate, "320px", live_server.engine)
    candidate.activate(candidate.page.get_by_role("link", name="Je passe"))
    expect(candidate.button("Oui, je passe cette question")).to_be_visible()
    check_page(candidate.page, "320px-skip-confirmation")


def test_question_pages_with_text_at_200_percent(open_page: OpenPage, exam: SessionData,
                                                 live_server: LiveServer) -> None:
    lea = exam.candidates[0]
    assert live_server.engine is not None
    authorise_presence(live_server.engine, lea, utcnow())
    # The larger text is injected as a style sheet: the app's CSP must let the test add it.
    candidate = CandidateScreen(open_page, exam, lea, "mouse")
    candidate.page.context.close()
    candidate.page = open_page(bypass_csp=True, viewport={"width": 1280, "height": 800})
    start_test(candidate, "text-200", big_text=True)
    # The first question is a new page load: wait for it, or the sheet may be added while the
    # new document has no head yet (seen on a loaded machine).
    candidate.expect_question(1, after_swap=False)
    candidate.page.add_style_tag(content=BIG_TEXT)
    answer_until_every_kind_was_seen(candidate, "text-200", live_server.engine)


def test_proctor_live_list_at_320_px(open_page: OpenPage, exam: SessionData) -> None:
    proctor = ProctorDesk(open_page(viewport={"width": 320, "height": 256}), exam)
    proctor.sign_in()
    check_page(proctor.page, "320px-proctor-live-list")
    proctor.confirm_presence(exam.candidates[0])
    assert_no_horizontal_scroll(proctor.page, "320px-proctor-presence-confirmed")


def longest_word_of_a_choice() -> str:
    """The longest run without a space or a hyphen (where lines may break) in any answer choice
    of the bank, in either language: addresses, URLs, file names."""
    words = [word for item in load_bank().items.values() for lang in ("fr", "en")
             for proposal in item.text(lang).proposals
             for word in re.split(r"[\s-]+", proposal.label)]
    return max(words, key=len)


def test_the_longest_answer_choice_wraps_at_320_px(open_page: OpenPage, exam: SessionData,
                                                  live_server: LiveServer) -> None:
    # Which items a test serves is random: put the bank's longest word in a choice of the
    # question on screen, laid out by the app's own style sheet.
    candidate = candidate_at_320_px(open_page, exam, live_server)
    start_test(candidate, "320px-longest")
    candidate.expect_heading("Question 1")
    word = longest_word_of_a_choice()
    assert len(word) >= 25, word
    candidate.page.evaluate("""(word) => {
        const form = document.querySelector('form[action="/candidat/test/repondre"]');
        const choice = document.createElement('div');
        choice.className = 'choice';
        choice.innerHTML = '<input type="radio" id="longest" name="longest">'
                         + '<label for="longest"></label>';
        choice.querySelector('label').textContent = word;
        form.prepend(choice);
    }""", word)
    assert_no_horizontal_scroll(candidate.page, "320px-longest-choice")


def widest(width: Callable[[Item], int], tubes: int = 4) -> set[str]:
    """The ids of the widest item (by `width`, 0 = without the feature) of each of the `tubes`
    tubes whose widest is widest: however many of the first questions' tubes are used, one
    is left while fewer than `tubes` questions have gone (a course takes one item per tube)."""
    best: dict[str, Item] = {}
    for item in load_bank().validated():
        if width(item) and (item.tube not in best or width(item) > width(best[item.tube])):
            best[item.tube] = item
    ranked = sorted(best.values(), key=lambda item: (-width(item), item.id))
    return {item.id for item in ranked[:tubes]}


def table_width(item: Item) -> int:
    table = item.text_fr.table
    if table is None:
        return 0
    columns = zip(table.header, *table.rows, strict=False)
    return sum(max(len(cell) for cell in column) for column in columns)


# What in an item can be wider than a phone: a table, a block of code, an image.
WIDE_CONTENT: dict[str, tuple[Callable[[Item], int], str]] = {
    "table": (table_width, "table"),
    "code": (lambda item: max((len(line) for line in (item.code or "").splitlines()),
                              default=0), "pre"),
    "image": (lambda item: int(item.image is not None), "img"),
}


def test_questions_with_a_table_code_or_an_image_reflow_at_320_px(
        open_page: OpenPage, exam: SessionData, live_server: LiveServer) -> None:
    # Which items a test serves is random: the widest of each kind of content is arranged on
    # the current question; its own container may scroll (WCAG 1.4.10), the page may not.
    candidate = candidate_at_320_px(open_page, exam, live_server)
    assert live_server.engine is not None
    start_test(candidate, "320px-wide-content")
    for number, (name, (width, selector)) in enumerate(WIDE_CONTENT.items(), start=1):
        candidate.expect_heading(f"Question {number}")
        ids = widest(width)
        replace_current_item(live_server.engine, int(candidate.served_id()),
                             lambda item, ids=ids: item.id in ids and not item.timer)
        candidate.page.reload()
        candidate.expect_heading(f"Question {number}")
        expect(candidate.area.locator(selector).first).to_be_visible()
        check_page(candidate.page, f"320px-question-with-{name}")
        candidate.answer()
