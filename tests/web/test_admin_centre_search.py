"""The platform administrator finds a centre among thousands: the list comes a page at a time,
and is searched by name (case and accents ignored) or by number — with plain links and a GET
form, so it works without JavaScript."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from starlette.testclient import TestClient

from tests.web.centre_support import Admin, add_session, make_staff
from tests.web.pages import text
from web.db import session_scope
from web.models import Centre

NAMED = ["Lycée Émile-Zola", "Collège Jean Moulin", "École Œillet d'Argent"]


class Directory:
    """120 colleges numbered in name order ("Collège 001" …), plus three named centres."""

    def __init__(self, client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
        self.client = client
        make_staff(db_engine, clock.now(), "root@passation.fr", platform=True)
        with session_scope(db_engine) as db:
            centres = [Centre(name=f"Collège {i:03d}", created_at=clock.now())
                       for i in range(1, 121)] + [Centre(name=name, created_at=clock.now())
                                                  for name in NAMED]
            db.add_all(centres)
            db.commit()
            self.ids = {c.name: c.id for c in centres}
        Admin(client, "root@passation.fr").sign_in()

    def open(self, url: str):  # noqa: ANN201
        return self.client.get(url)


def listed(response) -> list[str]:  # noqa: ANN001
    """The centres' names, in the order the page lists them."""
    return re.findall(r'<li><a href="/admin/centres/\d+">([^<]+)</a>', text(response))


def pagination(response) -> str:  # noqa: ANN001
    found = re.search(r'<nav class="pagination" aria-label="Pages de la liste des centres">.*?'
                      r'</nav>', response.text, re.S)
    assert found, "no pagination"
    return found.group(0)


@pytest.fixture
def directory(client: TestClient, db_engine, clock) -> Directory:  # noqa: ANN001
    return Directory(client, db_engine, clock)


def test_the_first_page_shows_fifty_centres_in_name_order_and_links_to_the_next(
        directory: Directory) -> None:
    page = directory.open("/admin/centres")
    assert page.status_code == 200
    assert listed(page) == [f"Collège {i:03d}" for i in range(1, 51)]
    assert "123 centres (page 1 sur 3 : centres 1 à 50 par ordre alphabétique)" in text(page)
    nav = pagination(page)
    assert '<a href="/admin/centres" aria-current="page"><span class="visually-hidden">Page ' \
           '</span>1</a>' in nav
    assert '<a href="/admin/centres?page=2" rel="next">Page suivante</a>' in nav
    assert "Page précédente" not in nav


def test_the_next_page_continues_the_list(directory: Directory) -> None:
    page = directory.open("/admin/centres?page=2")
    assert listed(page) == [f"Collège {i:03d}" for i in range(51, 101)]
    assert "(page 2 sur 3 : centres 51 à 100" in text(page)
    nav = pagination(page)
    assert 'href="/admin/centres?page=2" aria-current="page"' in nav
    assert '<a href="/admin/centres" rel="prev">Page précédente</a>' in nav
    last = directory.open("/admin/centres?page=3")
    # Alphabetical with accents ignored: "École" among the E, not after the L.
    assert listed(last) == [f"Collège {i:03d}" for i in range(101, 121)] + [
        "Collège Jean Moulin", "École Œillet d'Argent", "Lycée Émile-Zola"]
    assert "Page suivante" not in pagination(last)


@pytest.mark.parametrize("typed", ["emile zola", "ÉMILE-ZOLA", "  Emile   Zola ", "mile-zo"])
def test_a_search_by_name_ignores_case_accents_and_hyphens(directory: Directory,
                                                           typed: str) -> None:
    page = directory.open(f"/admin/centres?q={typed}")
    assert page.status_code == 200
    assert listed(page) == ["Lycée Émile-Zola"]
    assert "1 centre trouvé pour « " in text(page)
    assert 'role="search"' in page.text
    assert '<label for="q">Rechercher un centre</label>' in page.text
    assert "Voir tous les centres" in text(page)


def test_a_ligature_is_found_as_typed_on_a_keyboard(directory: Directory) -> None:
    assert listed(directory.open("/admin/centres?q=oeillet")) == ["École Œillet d'Argent"]


def test_a_search_by_number_finds_that_centre(directory: Directory) -> None:
    number = directory.ids["Collège Jean Moulin"]
    page = directory.open(f"/admin/centres?q={number}")
    assert "Collège Jean Moulin" in listed(page)
    assert f"(n° {number})" in text(page)


def test_a_search_with_many_results_keeps_the_search_in_the_page_links(
        directory: Directory) -> None:
    page = directory.open("/admin/centres?q=college")
    assert "121 centres trouvés pour « college »" in text(page)
    assert '<a href="/admin/centres?q=college&amp;page=2" rel="next">' in pagination(page)
    second = directory.open("/admin/centres?q=college&page=3")
    assert listed(second) == [f"Collège {i:03d}" for i in range(101, 121)] + [
        "Collège Jean Moulin"]
    assert 'value="college"' in second.text  # the search box still holds it


def test_control_characters_in_a_search_are_spaces(directory: Directory) -> None:
    # PostgreSQL refuses NUL in a query: it was a 500 there (found by test_hostile_input.py).
    page = directory.client.get("/admin/centres", params={"q": "Jean\x00Moulin\x1b"})
    assert page.status_code == 200
    assert listed(page) == ["Collège Jean Moulin"]
    assert 'value="Jean Moulin"' in page.text


@pytest.mark.parametrize("typed", ["lycée Hugo", "%", "_"])
def test_a_search_without_result_says_so(directory: Directory, typed: str) -> None:
    page = directory.client.get("/admin/centres", params={"q": typed})
    assert page.status_code == 200
    assert listed(page) == []
    assert f"Aucun centre ne correspond à « {typed} »." in text(page)
    assert "pagination" not in page.text


@pytest.mark.parametrize("asked", ["abc", "0", "-2", "1.5", "", "99999999999999999999"])
def test_a_page_that_is_not_a_number_shows_the_first(directory: Directory, asked: str) -> None:
    page = directory.client.get("/admin/centres", params={"page": asked})
    assert page.status_code == 200
    assert listed(page)[0] == "Collège 001"


def test_a_page_past_the_end_says_so_and_links_to_the_last(directory: Directory) -> None:
    page = directory.open("/admin/centres?page=9")
    assert page.status_code == 404
    assert "La page 9 n'existe pas : la liste compte 3 page(s)." in text(page)
    assert '<a href="/admin/centres?page=3">Aller à la dernière page</a>' in page.text
    assert listed(page) == []
    searched = directory.open("/admin/centres?q=zola&page=2")
    assert searched.status_code == 404
    assert "la liste compte 1 page(s)" in text(searched)
    assert '<a href="/admin/centres?q=zola">Aller à la dernière page</a>' in searched.text


def test_switching_language_stays_on_the_same_page_of_the_search(directory: Directory) -> None:
    page = directory.open("/admin/centres?q=college&page=2")
    back_to = re.search(r'<input type="hidden" name="next" value="([^"]+)">', text(page)).group(1)
    assert back_to == "/admin/centres?q=college&page=2"
    switched = directory.client.post("/langue", data={"lang": "en", "next": back_to})
    assert switched.history[0].status_code == 303
    assert str(switched.url).endswith("/admin/centres?q=college&page=2")
    assert "121 centres found for “college” (page 2 of 3" in text(switched)


def test_the_list_reads_in_english(directory: Directory) -> None:
    directory.client.post("/langue", data={"lang": "en", "next": "/admin/centres"})
    page = text(directory.open("/admin/centres?q=college&page=2"))
    assert "121 centres found for “college” (page 2 of 3: centres 51 to 100" in page
    assert 'aria-label="Pages of the list of centres"' in page
    assert "Previous page" in page and "Next page" in page


def test_a_centre_administrator_cannot_search_the_centres(client: TestClient, db_engine,  # noqa: ANN001
                                                          clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="École")
    Admin(client, "chef@ecole.fr").sign_in()
    assert client.get("/admin/centres?q=ecole").status_code == 403


def test_a_centre_with_many_sessions_lists_them_a_page_at_a_time(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    now = clock.now()
    centre_id, _ = make_staff(db_engine, now, "chef@lycee.fr", centre="Grand lycée")
    # The oldest, never finalised, is overdue: it is on the last page, and counted on the first.
    add_session(db_engine, centre_id, now - dt.timedelta(days=30), candidates=1)
    for day in range(51):
        add_session(db_engine, centre_id, now + dt.timedelta(days=day + 1), candidates=1)
    Admin(client, "chef@lycee.fr").sign_in()

    first = client.get("/centre/sessions")
    assert first.status_code == 200
    assert first.text.count('<td><a href="/centre/sessions/') == 50
    assert "1 session n'a pas été finalisée dans les 48 heures" in text(first)
    assert "(page 1 sur 2)" in text(first)
    assert 'aria-label="Pages de la liste des sessions"' in first.text
    assert '<a href="/centre/sessions?page=2" rel="next">Page suivante</a>' in first.text

    second = client.get("/centre/sessions?page=2")
    assert second.text.count('<td><a href="/centre/sessions/') == 2
    assert "Finalisation en retard" in text(second)
    assert 'href="/centre/sessions?page=2" aria-current="page"' in second.text

    past = client.get("/centre/sessions?page=3")
    assert past.status_code == 404
    assert "La page 3 n'existe pas : la liste compte 2 page(s)." in text(past)
    assert client.get("/centre/sessions?page=deux").status_code == 200
