"""The platform administrator reads which questions candidates reported a problem with, across
every session, to have them reviewed."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select
from starlette.testclient import TestClient

from tests.web.centre_support import Admin, add_session, make_course, make_staff
from tests.web.pages import text
from web.db import session_scope
from web.models import LiveAlert, ServedItem


def test_reported_questions_are_listed_the_most_validated_first(
        app, client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    now = clock.now()
    content = app.state.content
    centre_id, _ = make_staff(db_engine, now, "chef@college.fr", centre="Collège")
    make_staff(db_engine, now, "plateforme@passation.fr", platform=True)
    session_id, people = add_session(db_engine, centre_id or 0, now, candidates=3)
    served: list[list[ServedItem]] = []
    for candidate in people:  # the same first questions for each (make_course's order)
        course = make_course(db_engine, content.engine_bank, content.config.version,
                             session_id, candidate, now, ["ok"] * 3)
        with session_scope(db_engine) as db:
            served.append(list(db.exec(select(ServedItem).where(ServedItem.course_id == course)
                                       .order_by(col(ServedItem.position))).all()))
    first, second, third = (served[0][i].item_id for i in range(3))
    reports = [(0, 1, "dismissed"), (0, 0, "validated"), (1, 0, "validated"), (2, 0, "dismissed"),
               (1, 2, "pending")]  # (candidate, position, outcome)
    with session_scope(db_engine) as db:
        for k, (who, position, status) in enumerate(reports):
            item = served[who][position]
            db.add(LiveAlert(course_id=item.course_id, session_id=session_id,
                             served_item_id=item.id, status=status,
                             created_at=now - dt.timedelta(minutes=10 - k)))
        db.commit()

    Admin(client, "plateforme@passation.fr").sign_in()
    response = client.get("/admin/questions-signalees")
    assert response.status_code == 200
    page = text(response)
    assert "Questions signalées (3)" in page
    rows = page[page.index("<tbody>"):page.index("</tbody>")].split("<tr>")[1:]
    listed = [r[r.index("<code>") + 6:r.index("</code>")] for r in rows]
    assert listed == [first, *sorted([second, third])]  # then by number of reports, then id
    cells = rows[0].split("<td>")
    assert cells[1].startswith(content.bank.items[first].competence)
    assert content.bank.items[first].source in cells[2]
    assert [c.split("</td>")[0] for c in cells[3:6]] == ["2", "1", "0"]  # validated, dismissed
    pending = rows[listed.index(third)].split("<td>")[3:6]
    assert [c.split("</td>")[0] for c in pending] == ["0", "0", "1"]
    past = client.get("/admin/questions-signalees?page=9")
    assert past.status_code == 404 and "La page 9 n'existe pas" in text(past)

    # The platform's own page: not a centre's, not the jury's.
    Admin(client, "chef@college.fr").sign_in()
    assert client.get("/admin/questions-signalees").status_code == 403


def test_no_report_says_so(client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "plateforme@passation.fr", platform=True)
    Admin(client, "plateforme@passation.fr").sign_in()
    page = text(client.get("/admin/questions-signalees"))
    assert "Aucune question n'a été signalée." in page
    assert 'aria-current="page">Questions signalées' in page  # its place in the menu
