"""The candidate's screen, driven three ways: mouse, keyboard alone, or without JavaScript.

`mode` decides how a control is used: "mouse" clicks; "keyboard" reaches every control with
Tab / Shift-Tab and uses it with Space / Enter (never a click); "nojs" clicks in a context with
JavaScript disabled, where every action is a full page load (POST, then 303).
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.a11y import assert_accessible
from tests.browser.people import OpenPage, Person, SessionData

MODES = ("mouse", "keyboard", "nojs")
KINDS = ("qcu", "qcm", "qroc", "qrocm")  # as CandidateScreen.kind tells them apart
MAX_TABS = 60


class CandidateScreen:
    def __init__(self, open_page: OpenPage, exam: SessionData, person: Person, mode: str) -> None:
        assert mode in MODES
        self.open_page = open_page
        self.exam = exam
        self.person = person
        self.mode = mode
        self.javascript = mode != "nojs"
        self.page: Page = open_page(javascript=self.javascript)

    # --- using controls ---------------------------------------------------------------------

    def is_focused(self, locator: Locator) -> bool:
        return bool(locator.evaluate("element => element === document.activeElement"))

    def tab_to(self, locator: Locator, *, backwards: bool = False) -> None:
        """Press Tab (or Shift-Tab) until `locator` has the focus: it must be in the tab order."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(MAX_TABS):
            self.page.keyboard.press(key)
            if self.is_focused(locator):
                return
        raise AssertionError(f"{locator} not reached with {MAX_TABS} × {key} on {self.page.url}")

    def activate(self, locator: Locator) -> None:
        """A button or a link: clicked, or reached by Tab and pressed with Enter."""
        if self.mode == "keyboard":
            self.tab_to(locator)
            self.page.keyboard.press("Enter")
        else:
            locator.click()

    def tick(self, locator: Locator) -> None:
        """A checkbox or a radio button: clicked, or reached by Tab and pressed with Space."""
        if self.mode == "keyboard":
            self.tab_to(locator)
            self.page.keyboard.press("Space")
        else:
            locator.check()
        expect(locator).to_be_checked()

    def type_into(self, locator: Locator, text: str) -> None:
        if self.mode == "keyboard":
            self.tab_to(locator)
            self.page.keyboard.type(text)
        else:
            locator.fill(text)
        expect(locator).to_have_value(text)

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)

    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    def expect_heading(self, text: str, *, focused: bool = False) -> None:
        expect(self.heading()).to_have_text(text)
        if focused and self.javascript:
            expect(self.heading()).to_be_focused()

    def audit(self, name: str) -> None:
        assert_accessible(self.page, f"candidate-{self.mode}-{name}")

    # --- joining ----------------------------------------------------------------------------

    def join(self, *, audit: bool) -> None:
        """Details, then the access code: lands on the rules (first time) or further."""
        self.page.goto("/candidat")
        self.expect_heading("Rejoindre une session de certification")
        if audit:
            self.audit("join")
        born = self.person.birth_date
        for label, value in (("Numéro de session", str(self.exam.id)),
                             ("Prénom", self.person.first_name), ("Nom", self.person.last_name),
                             ("Jour", str(born.day)), ("Mois", str(born.month)),
                             ("Année", str(born.year))):
            # Labels with a hint ("Numéro de session Des chiffres, …") match from their start.
            self.type_into(self.page.get_by_label(re.compile(f"^{label}( |$)")), value)
        self.activate(self.button("Continuer"))
        self.expect_heading("Code d'accès")
        if audit:
            self.audit("access-code")
        self.type_into(self.page.get_by_label("Code d'accès"), self.exam.access_code)
        self.activate(self.button("Valider le code"))

    def accept_rules_and_start(self, *, audit: bool) -> None:
        self.expect_heading("Règles de la certification")
        if audit:
            self.audit("rules")
        self.tick(self.page.get_by_label("J'ai lu et j'accepte les règles"))
        self.activate(self.button("Commencer le test"))

    def close_browser(self) -> None:
        """A closed browser: the cookies go with it; a new one starts from nothing."""
        self.page.context.close()
        self.page = self.open_page(javascript=self.javascript)

    def wait_for_proctor(self, *, audit: bool) -> None:
        self.expect_heading("En attente du surveillant")
        if audit:
            self.audit("waiting-for-resume")

    def retry(self) -> None:
        self.activate(self.button("Réessayer"))

    # --- the test ---------------------------------------------------------------------------

    @property
    def area(self) -> Locator:
        return self.page.locator("#candidate-area")

    def served_id(self) -> str:
        return self.area.get_attribute("data-served") or ""

    def expect_question(self, number: int, *, after_swap: bool = True) -> None:
        """After an htmx swap the focus is on the new question's heading (not after a load)."""
        self.expect_heading(f"Question {number}", focused=after_swap)
        expect(self.page.get_by_text(f"Question {number} / 32")).to_be_visible()

    def kind(self) -> str:
        """qcu, qcm, qroc or qrocm, from the controls on screen."""
        form = self.area.locator("form[action='/candidat/test/repondre']")
        if form.locator("input[type=radio]").count():
            return "qcu"
        if form.locator("input[type=checkbox]").count():
            return "qcm"
        return "qroc" if form.locator("input[type=text]").count() == 1 else "qrocm"

    def answer(self, *, empty_first: bool = False) -> str:
        """Answer anything (correctness does not matter here) and validate; returns the kind.

        With `empty_first`, a text answer is first sent empty: the error shows on the same
        question (checked by the caller)."""
        kind = self.kind()
        form = self.area.locator("form[action='/candidat/test/repondre']")
        if kind == "qcu":
            self.tick(form.locator("input[type=radio]").first)
        elif kind == "qcm":
            boxes = form.locator("input[type=checkbox]")
            if self.mode == "keyboard":
                # The second box, then back to the first with Shift-Tab: both checked.
                self.tick(boxes.nth(1))
                self.page.keyboard.press("Shift+Tab")
                expect(boxes.nth(0)).to_be_focused()
                self.page.keyboard.press("Space")
                expect(boxes.nth(0)).to_be_checked()
            else:
                self.tick(boxes.first)
        elif not empty_first:
            for field in form.locator("input[type=text]").all():
                self.type_into(field, "x")
        self.activate(self.button("Je valide"))
        return kind

    def skip(self, number: int, *, audit: bool) -> None:
        self.activate(self.page.get_by_role("link", name="Je passe"))
        self.expect_heading(f"Passer la question {number} ?", focused=True)
        if audit:
            self.audit("skip-confirmation")
        self.activate(self.button("Oui, je passe cette question"))

    def report_problem(self, *, audit: bool) -> None:
        self.activate(self.button("Signaler un problème"))
        expect(self.page.get_by_text("Votre signalement a été transmis au surveillant")
               ).to_be_visible()
        expect(self.button("Je valide")).to_have_count(0)
        if audit:
            self.audit("problem-reported")

    def wait_for_replacement(self, number: int, withdrawn_served_id: str) -> None:
        """With JavaScript the page asks every 3 s; without, the candidate presses "Vérifier"."""
        if self.javascript:
            expect(self.page.locator("#status")).to_contain_text(
                "Le surveillant a retiré la question signalée", timeout=15_000)
        else:
            self.page.get_by_role("link", name="Vérifier").click()
        self.expect_question(number)
        expect(self.area).not_to_have_attribute("data-served", withdrawn_served_id)

    def expect_end(self) -> None:
        self.expect_heading("Test terminé", focused=True)
        expect(self.page.get_by_text("Vous avez répondu à toutes les questions")).to_be_visible()
