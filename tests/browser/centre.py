"""The centre administrator's screen: sign in, sessions, CSV import, finalisation."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect

from tests.browser.a11y import assert_accessible


class CentreDesk:
    def __init__(self, page: Page, email: str, password: str) -> None:
        self.page = page
        self.email = email
        self.password = password

    def audit(self, name: str) -> None:
        assert_accessible(self.page, f"centre-{name}")

    def heading(self, text: str) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_have_text(text)

    def press(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()

    def follow(self, name: str) -> None:
        self.page.get_by_role("link", name=name, exact=True).click()

    def sign_in(self, password: str | None = None) -> None:
        self.page.goto("/centre")
        self.heading("Espace centre de certification")
        self.page.get_by_label("Adresse e-mail").fill(self.email)
        self.page.get_by_label("Mot de passe").fill(password or self.password)
        self.press("Se connecter")

    def create_session(self, start: dt.datetime, room: str) -> int:
        self.page.get_by_label(re.compile(r"^Date\b")).fill(start.strftime("%Y-%m-%d"))
        self.page.get_by_label("Heure de début").fill(start.strftime("%H:%M"))
        self.page.get_by_label("Salle").fill(room)
        self.page.get_by_label("Adresse").fill("1 rue de l'École, 75000 Paris")
        self.page.get_by_label("Surveillant(s)").fill("M. Dupont")
        self.press("Créer la session")
        expect(self.page).to_have_url(re.compile(r"/centre/sessions/\d+$"))
        return int(self.page.url.rsplit("/", 1)[1])

    def import_csv(self, text: str) -> None:
        self.page.get_by_label("Fichier CSV").set_input_files(files=[{
            "name": "candidats.csv", "mimeType": "text/csv", "buffer": text.encode()}])
        self.press("Importer")
