"""Authorisation matrix: a centre's staff never see nor change another centre's data.

Every route answers 404 (not 403) for another centre's session, so session numbers do not leak.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.web.centre_support import Admin, add_session, make_staff
from web.centre import routes as centre_routes
from web.db import session_scope
from web.models import Candidate, ExamSession, IncidentReport

S = "/centre/sessions/{s}"
C = S + "/candidats/{c}"
SESSION_ROUTES = [
    ("GET", S), ("GET", S + "/modifier"), ("POST", S + "/modifier"), ("POST", S + "/supprimer"),
    ("POST", S + "/mot-de-passe-surveillant"), ("GET", S + "/emargement"),
    ("GET", S + "/consignes"), ("GET", S + "/candidats/nouveau"),
    ("POST", S + "/candidats/nouveau"), ("GET", S + "/candidats/import"),
    ("POST", S + "/candidats/import"), ("GET", S + "/candidats/modele.csv"),
    ("GET", C + "/modifier"), ("POST", C + "/modifier"), ("POST", C + "/supprimer"),
    ("GET", S + "/finalisation"), ("POST", S + "/finalisation"),
    ("POST", S + "/signalements"), ("POST", S + "/signalements/{r}/supprimer"),
    ("GET", S + "/resultats"), ("GET", S + "/resultats.csv"),
]


def test_the_matrix_covers_every_session_route() -> None:
    paths = {r.path for r in centre_routes.routes if isinstance(r, Route)
             and r.path.startswith("/centre/sessions/{session_id")}
    covered = {p.replace("{s}", "{session_id:int}").replace("{c}", "{candidate_id:int}")
               .replace("{r}", "{report_id:int}") for _, p in SESSION_ROUTES}
    assert paths == covered


@pytest.fixture
def two_centres(client: TestClient, db_engine, clock) -> dict[str, int]:  # noqa: ANN001
    now = clock.now()
    a_centre, _ = make_staff(db_engine, now, "a@college-a.fr", centre="Collège A")
    b_centre, _ = make_staff(db_engine, now, "b@college-b.fr", centre="Collège B")
    a_session, a_people = add_session(db_engine, a_centre, now, start=dt.time(7, 0))
    b_session, b_people = add_session(db_engine, b_centre, now, start=dt.time(7, 0))
    with session_scope(db_engine) as db:
        report = IncidentReport(session_id=b_session, candidate_id=b_people[0], category="other",
                                comment="B", created_at=now)
        db.add(report)
        db.commit()
        report_id = report.id
    Admin(client, "a@college-a.fr").sign_in()
    return {"a_session": a_session, "a_candidate": a_people[0], "b_session": b_session,
            "b_candidate": b_people[0], "b_report": report_id}


def _snapshot(db_engine, session_id: int) -> tuple:  # noqa: ANN001
    with session_scope(db_engine) as db:
        exam = db.get(ExamSession, session_id)
        people = db.exec(select(Candidate).where(Candidate.session_id == session_id)).all()
        reports = db.exec(select(IncidentReport).where(IncidentReport.session_id == session_id))
        return (exam.model_dump(), sorted((c.id, c.last_name) for c in people),
                sorted(r.id for r in reports.all()))


@pytest.mark.parametrize(("method", "path"), SESSION_ROUTES)
def test_another_centres_session_is_not_found(client: TestClient, db_engine, two_centres,  # noqa: ANN001
                                              method: str, path: str) -> None:
    before = _snapshot(db_engine, two_centres["b_session"])
    url = path.format(s=two_centres["b_session"], c=two_centres["b_candidate"],
                      r=two_centres["b_report"])
    data = {"date": "2026-12-01", "start_time": "09:00", "room": "X", "address": "X",
            "proctor_names": "X", "last_name": "Pirate", "first_name": "X",
            "birth_date": "2011-01-01", "candidate_id": str(two_centres["b_candidate"]),
            "category": "other", "comment": "x"}
    if method == "GET":
        response = client.get(url)
    elif path.endswith("/import"):
        response = client.post(url, files={"file": ("a.csv", b"Nom;Prenom;Date de naissance\n"
                                                             b"Pirate;X;01/01/2011\n", "text/csv")})
    else:
        response = client.post(url, data=data)
    assert response.status_code == 404, (method, url, response.status_code)
    assert before[0]["access_code"] not in response.text
    assert "Cette page n'existe pas." in response.text.replace("&#39;", "'")
    assert _snapshot(db_engine, two_centres["b_session"]) == before


@pytest.mark.parametrize("huge", [2**31, 10**30])
def test_numbers_beyond_any_id_are_not_found(client: TestClient, db_engine, two_centres,  # noqa: ANN001
                                             huge: int) -> None:
    # Past 2**31 PostgreSQL refuses the number as an integer parameter, past 2**63 SQLite does:
    # both used to be a 500, for a session, a candidate and an incident report alike.
    own = two_centres["a_session"]
    before = _snapshot(db_engine, own)
    for method, path in SESSION_ROUTES:
        urls = [path.format(s=huge, c=huge, r=huge)]
        if "{c}" in path or "{r}" in path:  # in one's own session too
            urls.append(path.format(s=own, c=huge, r=huge))
        for url in urls:
            data = {"comment": "x"} if method == "POST" else None
            response = client.request(method, url, data=data)
            assert response.status_code == 404, (method, url, response.status_code)
            assert "Cette page n'existe pas." in response.text.replace("&#39;", "'")
    assert _snapshot(db_engine, own) == before


@pytest.mark.parametrize("action", ["edit", "delete", "report"])
def test_another_centres_candidate_cannot_be_reached_through_ones_own_session(
        client: TestClient, db_engine, two_centres, action: str) -> None:  # noqa: ANN001
    own, theirs = two_centres["a_session"], two_centres["b_candidate"]
    before = _snapshot(db_engine, two_centres["b_session"])
    if action == "edit":
        response = client.post(f"/centre/sessions/{own}/candidats/{theirs}/modifier", data={
            "last_name": "Pirate", "first_name": "X", "birth_date": "2011-01-01"})
        assert response.status_code == 404
    elif action == "delete":
        response = client.post(f"/centre/sessions/{own}/candidats/{theirs}/supprimer")
        assert response.status_code == 404
    else:
        response = client.post(f"/centre/sessions/{own}/signalements", data={
            "candidate_id": str(theirs), "category": "other", "comment": "x"})
        assert response.status_code == 422  # not a candidate of this session
        assert client.post(f"/centre/sessions/{own}/signalements/{two_centres['b_report']}"
                           "/supprimer").status_code == 404
    assert _snapshot(db_engine, two_centres["b_session"]) == before


def test_the_list_shows_only_ones_own_sessions(client: TestClient, two_centres) -> None:  # noqa: ANN001
    page = client.get("/centre/sessions").text
    assert f"/centre/sessions/{two_centres['a_session']}\"" in page
    assert f"/centre/sessions/{two_centres['b_session']}\"" not in page


def test_one_centres_own_routes_work(client: TestClient, two_centres) -> None:  # noqa: ANN001
    own = two_centres["a_session"]
    for path in (S, S + "/emargement", S + "/consignes", S + "/finalisation"):
        assert client.get(path.format(s=own)).status_code == 200


def test_platform_admin_does_not_enter_centre_sessions(client: TestClient, db_engine,  # noqa: ANN001
                                                       two_centres, clock) -> None:  # noqa: ANN001
    client.post("/centre/deconnexion")
    make_staff(db_engine, clock.now(), "root@passation.fr", platform=True)
    Admin(client, "root@passation.fr").sign_in()
    assert client.get(f"/centre/sessions/{two_centres['a_session']}").status_code == 403
