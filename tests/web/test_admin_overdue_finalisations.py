"""The platform administrator sees which centres are late finalising their sessions, across the
country: every session still to finalise past its deadline (48 h after the session, in its
centre's zone), most overdue first, a page at a time.

The frozen clock starts on Monday 23 November 2026 at 08:00 UTC: 09:00 in Paris (UTC+1), Sunday
22:00 in Tahiti (UTC−10).
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from tests.web.centre_support import Admin, add_session, make_course, make_staff, use_test_bank
from tests.web.pages import text
from tests.web.test_staff_pages_scale import Statements
from web.centre import overdue
from web.centre.overdue import lateness
from web.centre.sessions import finalisation_deadline
from web.centre.time_zones import ZONES
from web.db import session_scope
from web.models import Centre, ExamSession, pk

URL = "/admin/finalisations-en-retard"


class Country:
    """The platform administrator, signed in, and two centres: one in Paris, one in Tahiti."""

    def __init__(self, client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
        self.client, self.db_engine, self.clock = client, db_engine, clock
        now = clock.now()
        make_staff(db_engine, now, "root@passation.fr", platform=True)
        self.paris, _ = make_staff(db_engine, now, "chef@paris.fr", centre="Lycée Victor Hugo")
        self.tahiti, _ = make_staff(db_engine, now, "chef@papeete.pf", centre="Lycée Paul Gauguin",
                                    time_zone="Pacific/Tahiti")
        self.candidates: dict[int, list[int]] = {}  # session → its candidates
        Admin(client, "root@passation.fr").sign_in()

    def session(self, centre_id: int, day: str, start: str, *, candidates: int = 1) -> int:
        """A session of the centre on `day` at `start`, its local time."""
        session_id, self.candidates[session_id] = add_session(
            self.db_engine, centre_id, dt.datetime.fromisoformat(day),
            start=dt.time.fromisoformat(start), candidates=candidates)
        return session_id

    def finalise(self, session_id: int) -> None:
        with session_scope(self.db_engine) as db:
            exam = db.get(ExamSession, session_id)
            assert exam is not None
            exam.finalised_at = self.clock.now()
            db.add(exam)
            db.commit()

    def open(self, url: str = URL):  # noqa: ANN201
        """The page, signing in again if the staff session expired while the clock moved."""
        if "/connexion" in str(self.client.get("/admin/centres").url):
            Admin(self.client, "root@passation.fr").sign_in()
        return self.client.get(url)


def listed(response) -> list[int]:  # noqa: ANN001
    """The session numbers, in the order the table lists them."""
    return [int(n) for n in re.findall(r"</a> \(n° \d+\)</td>\s*<td>(\d+)</td>", text(response))]


def row_of(response, session_id: int) -> str:  # noqa: ANN001
    """The row of the session (its number is in the second cell), as read."""
    found = re.search(rf"<tr>\s*<td>(?:(?!</td>).)*</td>\s*<td>{session_id}</td>.*?</tr>",
                      text(response), re.S)
    assert found, f"session {session_id} not listed"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip()


@pytest.fixture
def country(client: TestClient, db_engine, clock) -> Country:  # noqa: ANN001
    return Country(client, db_engine, clock)


def test_a_session_is_listed_the_minute_after_its_deadline_in_its_centres_zone(
        country: Country) -> None:
    paris = country.session(country.paris, "2026-11-21", "09:00")  # deadline Monday 10:00 UTC
    tahiti = country.session(country.tahiti, "2026-11-21", "09:30")  # Monday 21:30 UTC
    country.clock.advance(hours=2)  # Monday 10:00 UTC: Paris's deadline, not yet past
    page = country.open()
    assert page.status_code == 200
    assert listed(page) == []
    assert "Finalisations en retard (0)" in text(page)
    assert "Aucune session n'est en retard de finalisation." in text(page)

    country.clock.advance(minutes=1)
    page = country.open()
    assert listed(page) == [paris]
    assert "<h1 tabindex=\"-1\">Finalisations en retard (1)</h1>" in text(page)
    assert row_of(page, paris) == (f"Lycée Victor Hugo (n° {country.paris}) {paris} 21/11/2026 "
                                   "09:00 23/11/2026 11:00 1 min 1 Non")

    country.clock.advance(hours=11, minutes=30)  # 21:31 UTC: Tahiti's deadline passed a minute ago
    page = country.open()
    assert listed(page) == [paris, tahiti]
    assert "Finalisations en retard (2)" in text(page)
    assert "23/11/2026 11:30 1 min" in row_of(page, tahiti)  # Tahiti's local time
    assert "23/11/2026 11:00 11 h" in row_of(page, paris)
    assert f'<a href="/admin/centres/{country.tahiti}">Lycée Paul Gauguin</a>' in page.text


def test_finalised_and_future_sessions_are_not_listed_and_the_most_overdue_comes_first(
        country: Country, app, db_engine) -> None:  # noqa: ANN001
    # By local time Tahiti's 08:00 comes first, but it is 18:00 UTC: its deadline (Thursday
    # 12 November, 20:00 UTC) is after that of Paris's 10:00 (11:00 UTC).
    tahiti = country.session(country.tahiti, "2026-11-10", "08:00", candidates=3)
    paris = country.session(country.paris, "2026-11-10", "10:00", candidates=2)
    oldest = country.session(country.paris, "2026-09-01", "14:00")
    finalised = country.session(country.paris, "2026-11-02", "09:00")
    country.finalise(finalised)
    country.session(country.paris, "2026-11-23", "08:00")  # today: its deadline is Wednesday
    country.session(country.tahiti, "2026-12-01", "08:00")  # planned
    # A candidate of the Paris session began the test ("Test commencé : Oui").
    make_course(db_engine, use_test_bank(app), app.state.content.config.version, paris,
                country.candidates[paris][0], country.clock.now(), ["ok"], running=True)

    page = country.open()
    assert listed(page) == [oldest, paris, tahiti]
    assert "Finalisations en retard (3)" in text(page)
    assert row_of(page, oldest).endswith("01/09/2026 14:00 03/09/2026 16:00 80 jours 1 Non")
    assert row_of(page, paris).endswith("10/11/2026 10:00 12/11/2026 12:00 10 jours 2 Oui")
    assert row_of(page, tahiti).endswith("10/11/2026 08:00 12/11/2026 10:00 10 jours 3 Non")



def paging(response) -> str:  # noqa: ANN001
    found = re.search(r'<nav class="pagination" aria-label="Pages de la liste des finalisations '
                      r'en retard">.*?</nav>', response.text, re.S)
    assert found, "no pagination"
    return found.group(0)


def test_fifty_a_page_in_deadline_order_even_where_it_differs_from_local_order(
        country: Country) -> None:
    """Each day Tahiti's 08:00 session (18:00 UTC) comes before Paris's 18:00 (17:00 UTC) by
    local time, after it by deadline: the 50th and 51st of the list are such a pair."""
    expected = [country.session(country.paris, "2026-10-24", "09:00")]
    for day in range(26):  # 25 October … 19 November: overdue in any zone
        date = (dt.date(2026, 10, 25) + dt.timedelta(days=day)).isoformat()
        tahiti = country.session(country.tahiti, date, "08:00")
        expected += [country.session(country.paris, date, "18:00"), tahiti]
    # Saturday 21 November: overdue in Paris at 10:01 UTC, not yet in Tahiti.
    expected.append(country.session(country.paris, "2026-11-21", "09:00"))
    country.session(country.tahiti, "2026-11-21", "09:30")
    country.clock.advance(hours=2, minutes=1)

    first = country.open()
    assert first.status_code == 200
    assert "Finalisations en retard (54)" in text(first)
    assert "(page 1 sur 2 : sessions 1 à 50)" in text(first)
    assert listed(first) == expected[:50]
    nav = paging(first)
    assert (f'<a href="{URL}" aria-current="page"><span class="visually-hidden">Page </span>1</a>'
            in nav)
    assert f'<a href="{URL}?page=2" rel="next">Page suivante</a>' in nav

    second = country.open(f"{URL}?page=2")
    assert listed(second) == expected[50:]
    assert f'href="{URL}?page=2" aria-current="page"' in paging(second)
    assert f'<a href="{URL}" rel="prev">Page précédente</a>' in paging(second)

    past = country.open(f"{URL}?page=3")
    assert past.status_code == 404
    assert "La page 3 n'existe pas : la liste compte 2 page(s)." in text(past)
    assert f'<a href="{URL}?page=2">Aller à la dernière page</a>' in past.text
    assert listed(past) == []
    assert country.open(f"{URL}?page=deux").status_code == 200


def test_the_list_of_centres_links_to_it_with_the_count(country: Country) -> None:
    country.session(country.paris, "2026-11-01", "09:00")
    country.session(country.tahiti, "2026-11-01", "09:00")
    centres = country.open("/admin/centres")
    assert f'<a href="{URL}">Finalisations en retard (2)</a>' in text(centres)
    nav = re.search(r'<nav aria-label="Espace centre".*?</nav>', centres.text, re.S)
    assert nav and f'<a href="{URL}">Finalisations en retard</a>' in nav.group(0)
    assert '<a href="/admin/centres" aria-current="page">Centres</a>' in nav.group(0)
    # On the list itself, its own link is the current page's.
    nav = re.search(r'<nav aria-label="Espace centre".*?</nav>', country.open().text, re.S)
    current = f'<a href="{URL}" aria-current="page">Finalisations en retard</a>'
    assert nav and current in nav.group(0)
    assert '<a href="/admin/centres">Centres</a>' in nav.group(0)


def test_the_page_is_a_table_that_reads_in_english(country: Country) -> None:
    session_id = country.session(country.tahiti, "2026-11-19", "08:00", candidates=2)
    country.client.post("/langue", data={"lang": "en", "next": URL})
    page = text(country.open())
    assert "<h1 tabindex=\"-1\">Overdue finalisations (1)</h1>" in page
    assert ('<div class="table-wrap" tabindex="0" role="region" '
            'aria-labelledby="overdue-caption">') in page
    assert ('<caption id="overdue-caption">Sessions not finalised by the deadline, most overdue '
            'first</caption>') in page
    assert page.count('<th scope="col">') == 8
    assert "<th scope=\"col\">Finalisation deadline</th>" in page
    assert row_of(country.open(), session_id).endswith(
        "19/11/2026 08:00 21/11/2026 10:00 1 day 2 No")  # due Saturday 20:00 UTC
    assert "Finalisations" not in page and "jour" not in page


def test_the_lateness_says_days_then_hours_then_minutes() -> None:
    assert lateness(dt.timedelta(days=3, hours=23)) == "3 jours"
    assert lateness(dt.timedelta(days=1)) == "1 jour"
    assert lateness(dt.timedelta(hours=5, minutes=59)) == "5 h"
    assert lateness(dt.timedelta(minutes=7)) == "7 min"
    assert lateness(dt.timedelta(seconds=1)) == "1 min"


def test_only_the_platform_administrator_sees_it(client: TestClient, db_engine,  # noqa: ANN001
                                                 clock) -> None:  # noqa: ANN001
    visitor = client.get(URL, follow_redirects=False)
    assert visitor.status_code == 303
    assert visitor.headers["location"] == "/centre/connexion?suite=" + URL
    make_staff(db_engine, clock.now(), "chef@ecole.fr", centre="École")
    Admin(client, "chef@ecole.fr").sign_in()
    assert client.get(URL).status_code == 403
    assert "Finalisations en retard" not in text(client.get("/centre/sessions"))


def test_the_page_costs_the_same_statements_with_12_overdue_sessions_as_with_2(
        country: Country, app) -> None:  # noqa: ANN001
    statements = Statements(app)
    country.session(country.paris, "2026-11-02", "09:00", candidates=3)
    country.session(country.tahiti, "2026-11-21", "08:00", candidates=1)  # on a boundary day
    country.clock.advance(days=1)  # Tuesday: Tahiti's Saturday session is overdue too
    country.open()  # signed in again, if need be, before counting
    with_two = statements.of_get(country.client, URL)
    assert "Finalisations en retard (2)" in text(country.client.get(URL))
    for day in range(5):
        date = f"2026-11-{day + 10:02d}"
        country.session(country.paris, date, "18:00", candidates=day)
        country.session(country.tahiti, date, "08:00", candidates=12)
    with_twelve = statements.of_get(country.client, URL)
    assert "Finalisations en retard (12)" in text(country.client.get(URL))
    assert with_twelve == with_two, (with_two, with_twelve)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_page_agrees_with_sorting_all_sessions_by_their_deadline(
        db_engine, clock, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:  # noqa: ANN001
    """The list reads only the rows near each page (web.centre.overdue); compared with the rule
    itself applied to every session: random sessions in every zone, finalised or not, over two
    weeks, read at random times with pages of 1, 7 and 50 rows."""
    draw = random.Random(seed)
    start = clock.now()
    with session_scope(db_engine) as db:
        centres = [Centre(name=f"Centre {zone}", time_zone=zone, created_at=start)
                   for zone in ZONES]
        db.add_all(centres)
        db.flush()
        db.add_all(ExamSession(
            centre_id=pk(draw.choice(centres)),
            date=start.date() + dt.timedelta(days=draw.randint(-12, 3)),
            start_time=dt.time(draw.randint(0, 23), draw.choice([0, 15, 30, 45])),
            room="B12", address="1 rue de l'École", proctor_names="M. Dupont",
            access_code="BCDF23", proctor_password="K7P4MX", created_at=start,  # noqa: S106
            finalised_at=start if draw.random() < 0.2 else None) for _ in range(150))
        db.commit()
        everything = db.exec(select(ExamSession, Centre).join(
            Centre, col(Centre.id) == col(ExamSession.centre_id))).all()
        for size in (1, 7, 50):
            monkeypatch.setattr(overdue, "PAGE_SIZE", size)
            for _ in range(3):
                now = start + dt.timedelta(minutes=draw.randint(-30 * 60, 30 * 60))
                deadlines = ((finalisation_deadline(s, c.time_zone), pk(s))
                             for s, c in everything if s.finalised_at is None)
                expected = [number for deadline, number in sorted(deadlines) if deadline < now]
                shown: list[int] = []
                for number in range(1, len(expected) // size + 2):
                    listing = overdue.read(db, now, number)
                    assert listing.page.total == len(expected)
                    shown += [pk(row.late.session) for row in listing.rows]
                assert shown == expected, (size, now)
