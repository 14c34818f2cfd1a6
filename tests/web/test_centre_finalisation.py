"""After the session: the administrator finalises it and reads every candidate's result."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from tests.web.centre_support import (
    Admin,
    add_session,
    make_course,
    make_staff,
    use_test_bank,
)
from tests.web.pages import assert_security_headers, text
from web.centre import results
from web.db import session_scope
from web.models import (
    Candidate,
    CandidateReport,
    CertificationResult,
    Course,
    ExamSession,
    IncidentReport,
    SessionReport,
)

MIXED = ["ok", "ko", "ok", "ok", "ko", "ok", "skipped", "ok"]  # a typical candidate


def answers(n: int) -> list[str]:
    return (MIXED * 5)[:n]


class Story:
    """A session that took place this morning, with one candidate per outcome rule."""

    PEOPLE = ("finished", "abandoned", "technical", "short_abandon", "short_technical", "fraud",
              "absent")

    def __init__(self, app, client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
        self.client, self.db_engine, self.clock = client, db_engine, clock
        self.bank = use_test_bank(app)
        self.version = app.state.content.config.version
        now = clock.now()
        centre_id, _ = make_staff(db_engine, now, "chef@college.fr", centre="Collège")
        self.session_id, ids = add_session(db_engine, centre_id, now - dt.timedelta(hours=2),
                                           start=dt.time(6, 0), candidates=len(self.PEOPLE))
        self.ids = dict(zip(self.PEOPLE, ids, strict=True))
        self.courses: dict[str, int] = {}
        self._course("finished", answers(32), end_screen=True)
        self._course("abandoned", answers(25), running=True, unanswered=1)
        self._course("technical", answers(25), end_reason="ended_by_proctor")
        self._course("short_abandon", answers(10), end_reason="ended_by_proctor")
        self._course("short_technical", answers(10), running=True)
        self._course("fraud", answers(32), end_screen=True)
        Admin(client, "chef@college.fr").sign_in()
        self.base = f"/centre/sessions/{self.session_id}"

    def _course(self, who: str, results_: list[str], **kwargs) -> None:  # noqa: ANN003
        self.courses[who] = make_course(self.db_engine, self.bank, self.version, self.session_id,
                                        self.ids[who], self.clock.now(), results_, **kwargs)

    def report(self, who: str, category: str, comment: str = "Vu par le surveillant",
               question: str = ""):  # noqa: ANN201
        return self.client.post(f"{self.base}/signalements", data={
            "candidate_id": str(self.ids[who]), "category": category, "comment": comment,
            "question_number": question})

    def finalise(self, **overrides: str):  # noqa: ANN201
        data = {f"reason_{self.ids['abandoned']}": "candidate",
                f"reason_{self.ids['technical']}": "technical",
                f"reason_{self.ids['short_abandon']}": "candidate",
                f"reason_{self.ids['short_technical']}": "technical",
                f"end_screen_{self.ids['finished']}": "1",
                "comment": "Coupure réseau de 5 minutes à 10 h."}
        data.update(overrides)
        return self.client.post(f"{self.base}/finalisation", data={
            k: v for k, v in data.items() if v != "-"})

    def stored(self) -> dict[str, CertificationResult]:
        with session_scope(self.db_engine) as db:
            rows = db.exec(select(CertificationResult)).all()
        by_candidate = {r.candidate_id: r for r in rows}
        return {who: by_candidate[cid] for who, cid in self.ids.items() if cid in by_candidate}


@pytest.fixture
def story(app, client: TestClient, db_engine, clock) -> Story:  # noqa: ANN001
    return Story(app, client, db_engine, clock)



def test_finalisation_page_asks_a_reason_only_for_unfinished_tests(story: Story) -> None:
    page = text(story.client.get(f"{story.base}/finalisation"))
    assert "Finaliser la session" in page
    for who in ("abandoned", "technical", "short_abandon", "short_technical"):
        assert f'name="reason_{story.ids[who]}"' in page
    for who in ("finished", "fraud", "absent"):
        assert f'name="reason_{story.ids[who]}"' not in page
    assert "test en cours" in page  # the running ones are named as such


def test_a_missing_reason_is_refused_and_nothing_is_recorded(story: Story) -> None:
    response = story.finalise(**{f"reason_{story.ids['short_technical']}": "-"})
    assert response.status_code == 422
    assert "Indiquez pourquoi Léa NomE n'a pas terminé son test." in text(response)
    assert 'aria-invalid="true"' in response.text
    with session_scope(story.db_engine) as db:
        assert db.get(ExamSession, story.session_id).finalised_at is None
        assert db.exec(select(CertificationResult)).all() == []
        assert db.get(Course, story.courses["short_technical"]).state == "started"


def test_incident_reports_are_checked_added_and_removed(story: Story) -> None:
    no_number = story.report("technical", "question")
    assert no_number.status_code == 422
    assert "Indiquez le numéro de la question concernée." in text(no_number)
    assert story.report("technical", "bogus").status_code == 422
    assert story.report("technical", "question", question="12").status_code == 200
    assert story.report("absent", "other", comment="").status_code == 422
    page = text(story.report("absent", "candidate_information", "Née le 02/01/2011"))
    assert "Problème sur une question (question 12)" in page
    assert "Modification des informations du candidat" in page
    with session_scope(story.db_engine) as db:
        report_id = db.exec(select(IncidentReport)).first().id
    story.client.post(f"{story.base}/signalements/{report_id}/supprimer")
    with session_scope(story.db_engine) as db:
        assert len(db.exec(select(IncidentReport)).all()) == 1


def test_incident_numbers_and_comments_are_checked_before_anything_is_stored(
        story: Story) -> None:
    # "²" passes str.isdigit() but not int(), int() refuses more than 4300 digits, and
    # PostgreSQL refuses NUL in text: each used to be a 500.
    superscript = story.client.post(f"{story.base}/signalements", data={
        "candidate_id": "²", "category": "other", "comment": "Vu par le surveillant"})
    assert superscript.status_code == 422
    assert "Choisissez le candidat concerné." in text(superscript)
    huge = story.report("technical", "question", question="9" * 5000)
    assert huge.status_code == 422
    assert "Numéro de question : un nombre de 1 à 32." in text(huge)
    control = story.report("technical", "other", comment="Écran\x00 noir")
    assert control.status_code == 422
    assert "Caractères non valides." in text(control)
    with session_scope(story.db_engine) as db:
        assert db.exec(select(IncidentReport)).all() == []


def test_a_comment_with_control_characters_is_refused_and_nothing_is_recorded(
        story: Story) -> None:
    # PostgreSQL refuses NUL in text: it used to be a 500 there, once the tests were ended.
    response = story.finalise(comment="Coupure\x00 réseau")
    assert response.status_code == 422
    assert "Caractères non valides." in text(response)
    with session_scope(story.db_engine) as db:
        assert db.get(ExamSession, story.session_id).finalised_at is None
        assert db.exec(select(SessionReport)).all() == []
        assert db.get(Course, story.courses["short_technical"]).state == "started"
    assert story.finalise().status_code == 200  # corrected, it goes through


def test_finalising_ends_running_tests_and_computes_every_outcome(story: Story) -> None:
    story.report("fraud", "fraud", "Téléphone utilisé pendant le test")
    page = story.finalise()
    assert str(page.url).endswith("/resultats?finalisee=1")
    assert "La session est finalisée et les résultats sont calculés." in text(page)
    with session_scope(story.db_engine) as db:
        exam = db.get(ExamSession, story.session_id)
        assert exam.finalised_at == story.clock.now()
        assert exam.results_published_at is None  # the jury publishes (tests/web/test_jury.py)
        for who in ("abandoned", "short_technical"):
            course = db.get(Course, story.courses[who])
            assert (course.state, course.end_reason) == ("ended", "ended_by_finalisation")
        assert db.get(Course, story.courses["technical"]).end_reason == "ended_by_proctor"
        reports = {r.candidate_id: r for r in db.exec(select(CandidateReport)).all()}
        assert reports[story.ids["abandoned"]].unfinished_reason == "candidate"
        assert reports[story.ids["finished"]].unfinished_reason is None
        assert reports[story.ids["finished"]].end_screen_seen is True
        assert reports[story.ids["fraud"]].end_screen_seen is False  # not ticked in the form
        assert db.exec(select(SessionReport)).one().global_comment.startswith("Coupure réseau")

    got = story.stored()
    assert "absent" not in got
    assert (got["finished"].status, got["finished"].ended_by, got["finished"].lowered) == (
        "validated", "completed", False)
    assert got["finished"].score > 0 and got["finished"].level >= 1
    assert len(json.loads(got["finished"].competence_levels)) == 16
    # 20–31 answers by the candidate's doing: validated with a lowered score.
    assert (got["abandoned"].status, got["abandoned"].lowered, got["abandoned"].reason) == (
        "validated", True, "lowered")
    # The same 25 answers, stopped by a technical problem: not lowered.
    assert (got["technical"].status, got["technical"].lowered) == ("validated", False)
    assert got["technical"].score > got["abandoned"].score
    # Under 20 answers: rejected (candidate) or cancelled (technical).
    assert (got["short_abandon"].status, got["short_abandon"].reason) == (
        "rejected", "too_few_answers")
    assert (got["short_technical"].status, got["short_technical"].reason) == (
        "cancelled", "too_few_answers")
    # Fraud reported: rejected whatever the answers.
    assert (got["fraud"].status, got["fraud"].reason, got["fraud"].score) == (
        "rejected", "fraud", 0)


def test_a_session_is_finalised_only_once(story: Story) -> None:
    assert story.finalise().status_code == 200
    again = story.client.post(f"{story.base}/finalisation", data={"comment": "bis"})
    assert again.status_code == 409
    assert "déjà été finalisée" in text(again)
    # The page itself now leads to the results, and the session can no longer change.
    assert str(story.client.get(f"{story.base}/finalisation").url).endswith("/resultats")
    assert story.report("finished", "other").status_code == 409
    assert story.client.post(f"{story.base}/candidats/nouveau", data={}).status_code == 409
    assert story.client.post(f"{story.base}/mot-de-passe-surveillant").status_code == 409
    listing = text(story.client.get("/centre/sessions"))
    assert "Finalisée, en attente du jury" in listing


def test_results_page_and_csv_export(story: Story) -> None:
    with session_scope(story.db_engine) as db:
        fraudster = db.get(Candidate, story.ids["finished"])
        fraudster.last_name = '=HYPERLINK("http://evil.example","clic")'
        fraudster.external_id = "+33 6 12"
        db.commit()
    story.report("fraud", "fraud", "Téléphone")
    story.finalise()
    page = text(story.client.get(f"{story.base}/resultats"))
    for label in ("Validée", "Rejetée", "Annulée", "Absent(e)", "Score abaissé", "Fraude",
                  "Moins de 20 réponses"):
        assert label in page
    export = story.client.get(f"{story.base}/resultats.csv")
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in export.headers["content-disposition"]
    assert_security_headers(export)  # personal data: never cached, never sniffed as HTML
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:9] == ["Numéro de session", "Nom", "Prénom", "Date de naissance",
                          "Lieu de naissance", "Identifiant externe", "Statut", "Score (pix)",
                          "Niveau global"]
    assert len([h for h in header if h.startswith("Compétence ")]) == 16
    assert len(body) == len(Story.PEOPLE)
    by_name = {row[1]: row for row in body}
    injected = by_name["'=HYPERLINK(\"http://evil.example\",\"clic\")"]
    assert injected[5] == "'+33 6 12" and injected[6] == "Validée"
    assert not any(cell.startswith(results.FORMULA_START) for row in body for cell in row)


def test_neutralise_every_formula_prefix() -> None:
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert results.neutralise(value) == "'" + value
    assert results.neutralise("Martin") == "Martin"
    assert results.neutralise(None) == ""


def test_a_course_rescored_with_its_recorded_parameters_gives_the_same_result(
        story: Story, app) -> None:  # noqa: ANN001
    story.report("fraud", "fraud", "Téléphone")
    story.finalise()
    stored = story.stored()
    with session_scope(story.db_engine) as db:
        for who, course_id in story.courses.items():
            again = results.rescore(db, db.get(Course, course_id), app.state.content)
            row = stored[who]
            assert (again.status, again.score, again.level, again.lowered, again.reason) == (
                row.status, row.score, row.level, row.lowered, row.reason), who
            assert again.competence_levels == results.levels(row)
            assert again.config_version == row.config_version


def test_results_are_not_available_before_finalisation(story: Story) -> None:
    assert story.client.get(f"{story.base}/resultats").status_code == 409
    assert story.client.get(f"{story.base}/resultats.csv").status_code == 409
