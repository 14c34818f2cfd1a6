"""The people of a session as page objects: what they see and do, each in their own context."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from content import Item
from tests.browser.a11y import assert_accessible
from tests.web.factories import make_session
from web.db import session_scope
from web.models import Candidate

# open_page(javascript=True, **context_options): a page in a new context (one per person).
OpenPage = Callable[..., Page]
CODE_LETTERS = "BCDFGHJKMPQRTVWXY"
CODE_DIGITS = "2346789"


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    last_name: str
    birth_date: dt.date


@dataclass(frozen=True)
class SessionData:
    id: int
    access_code: str
    proctor_password: str
    candidates: list[Person]


def arrange_session(engine: Engine, now: dt.datetime) -> SessionData:
    """A session of four candidates with a fresh access code and proctor password."""
    code = "".join(secrets.choice(CODE_LETTERS) for _ in range(4)) + "".join(
        secrets.choice(CODE_DIGITS) for _ in range(2))
    password = "".join(secrets.choice(CODE_LETTERS + CODE_DIGITS) for _ in range(6))
    session_id, ids = make_session(engine, now, access_code=code, proctor_password=password,
                                   candidates=4)
    with session_scope(engine) as db:
        people = [db.get(Candidate, i) for i in ids]
        candidates = [Person(c.id, c.first_name, c.last_name, c.birth_date)
                      for c in people if c is not None]
    return SessionData(session_id, code, password, candidates)


class ProctorDesk:
    """The proctor's screen: sign in, then act on the live list (htmx swaps into #live)."""

    def __init__(self, page: Page, exam: SessionData, *, javascript: bool = True) -> None:
        self.page = page
        self.exam = exam
        self.javascript = javascript

    def sign_in(self, *, audit: bool = False) -> None:
        self.page.goto("/surveillant")
        if audit:
            assert_accessible(self.page, "proctor-sign-in")
        self.page.get_by_label("Numéro de session").fill(str(self.exam.id))
        self.page.get_by_label("Mot de passe surveillant").fill(self.exam.proctor_password)
        self.page.get_by_role("button", name="Accéder à la session").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(f"Session {self.exam.id}")

    def row(self, person: Person):  # noqa: ANN201 - a Locator
        return self.page.locator(f"#candidat-{person.id}")

    def click_in_row(self, person: Person, button: str) -> None:
        self.row(person).get_by_role("button", name=button).click()

    def confirm_presence(self, person: Person) -> None:
        self.click_in_row(person, "Confirmer la présence")
        expect(self.row(person)).to_contain_text("Présence confirmée, peut commencer")

    def refresh_without_javascript(self) -> None:
        """With JavaScript the list polls every 5 s; without, the proctor asks for it."""
        if not self.javascript:
            self.page.get_by_role("link", name="Mettre à jour maintenant").click()

    def wait_for_alert(self, person: Person) -> None:
        self.refresh_without_javascript()
        expect(self.row(person).get_by_role("button", name="Valider (retirer la question)")
               ).to_be_visible(timeout=15_000)

    def validate_alert(self, person: Person) -> None:
        self.click_in_row(person, "Valider (retirer la question)")
        expect(self.page.locator("#live")).to_contain_text("Signalement validé")

    def wait_for_resume_request(self, person: Person) -> None:
        self.refresh_without_javascript()
        expect(self.row(person)).to_contain_text("Demande de reprise", timeout=15_000)

    def authorise_resume(self, person: Person) -> None:
        self.click_in_row(person, "Autoriser la reprise")
        expect(self.page.locator("#live")).to_contain_text("Reprise autorisée")


def authorise_presence(engine: Engine, person: Person, now: dt.datetime) -> None:
    """What the proctor's "Confirmer la présence" does, for tests about the candidate alone."""
    with session_scope(engine) as db:
        candidate = db.get(Candidate, person.id)
        assert candidate is not None
        candidate.authorised_at = now
        db.add(candidate)
        db.commit()


def replace_current_item(engine: Engine, served_id: int, wanted: Callable[[Item], bool]) -> str:
    """Arrange mid-story: the candidate's current question becomes a `wanted` item from a tube
    the course has not used, of the same competence when there is one (the adaptive choice is
    random; a scenario that needs a kind of question cannot wait for it). Returns its id."""
    from sqlmodel import select

    from web.content_state import load_content
    from web.models import ServedItem

    bank = load_content().bank
    items = bank.items
    with session_scope(engine) as db:
        current = db.get(ServedItem, served_id)
        assert current is not None
        used = {items[s.item_id].tube for s in db.exec(
            select(ServedItem).where(ServedItem.course_id == current.course_id))}
        competence = items[current.item_id].competence
        chosen = sorted((i for i in bank.validated() if wanted(i) and i.tube not in used),
                        key=lambda i: (i.competence != competence, i.id))[0]
        current.item_id, current.a, current.b = chosen.id, chosen.a, chosen.b
        db.add(current)
        db.commit()
        return chosen.id


def make_current_item_timed(engine: Engine, served_id: int) -> str:
    """The candidate's current question becomes a timed one (see replace_current_item)."""
    return replace_current_item(engine, served_id, lambda item: item.timer > 0)


def make_current_item_of_kind(engine: Engine, served_id: int, kind: str) -> str:
    """The candidate's current question becomes an untimed one that shows as `kind` (qcu, qcm,
    qroc, or qrocm for either kind of several short answers: CandidateScreen.kind)."""
    return replace_current_item(
        engine, served_id,
        lambda item: not item.timer and item.kind.split("-")[0] == kind)
