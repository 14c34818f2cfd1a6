"""After finalisation: the national jury reviews the session, decides, publishes; the centre
then hands out certificates that anyone can check with their verification code."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from tests.web.centre_support import (
    Admin,
    add_session,
    finalised_session,
    make_course,
    make_staff,
    use_test_bank,
)
from tests.web.pages import assert_security_headers, text
from tests.web.test_centre_finalisation import Story
from web.centre import results
from web.db import session_scope
from web.jury import certificates
from web.models import (
    Answer,
    CertificationResult,
    Course,
    ExamSession,
    IncidentReport,
    LiveAlert,
    ServedItem,
)

JURY_EMAIL = "jury@education.gouv.fr"
CODE = re.compile(r"^P-[2346789BCDFGHJKMPQRTVWXY]{8}$")


class Jury:
    """A jury member in a browser of their own."""

    def __init__(self, app, story: Story) -> None:  # noqa: ANN001
        make_staff(story.db_engine, story.clock.now(), JURY_EMAIL, jury=True)
        self.story = story
        self.client = TestClient(app, base_url="http://127.0.0.1", client=("10.7.7.7", 4000))
        self.signed_in = Admin(self.client, JURY_EMAIL).sign_in()
        self.base = f"/jury/sessions/{story.session_id}"

    def decide(self, who: str, decision: str, comment: str = ""):  # noqa: ANN201
        return self.client.post(f"{self.base}/candidats/{self.story.ids[who]}/decision",
                                data={"decision": decision, "comment": comment})

    def publish(self):  # noqa: ANN201
        return self.client.post(f"{self.base}/publier")


@pytest.fixture
def story(app, client: TestClient, db_engine, clock) -> Story:  # noqa: ANN001
    story = Story(app, client, db_engine, clock)
    story.report("fraud", "fraud", "Téléphone utilisé pendant le test")
    story.report("technical", "technical", "Poste figé à la question 26")
    assert story.finalise().status_code == 200
    return story


@pytest.fixture
def jury(app, story: Story) -> Jury:  # noqa: ANN001
    return Jury(app, story)


def codes(story: Story) -> dict[str, str | None]:
    return {who: r.verification_code for who, r in story.stored().items()}


def test_finalised_results_stay_provisional_until_the_jury_publishes(story: Story) -> None:
    page = text(story.client.get(f"{story.base}/resultats"))
    assert "Résultats provisoires" in page
    assert "/certificats/" not in page
    assert "Finalisée, en attente du jury" in text(story.client.get("/centre/sessions"))
    assert set(codes(story).values()) == {None}
    finished = story.ids["finished"]
    assert story.client.get(f"{story.base}/certificats/{finished}").status_code == 404


def test_the_jury_reviews_then_publishes_and_each_validated_result_gets_its_code(
        story: Story, jury: Jury) -> None:
    assert jury.signed_in.url.path == "/jury/sessions"
    listing = text(jury.signed_in)
    assert f"Session {story.session_id}" in listing and "Collège" in listing

    file = jury.client.get(jury.base)
    assert file.status_code == 200
    assert_security_headers(file)
    page = text(file)
    assert "Téléphone utilisé pendant le test" in page  # the centre's incident reports
    assert "Poste figé à la question 26" in page
    assert "Coupure réseau de 5 minutes à 10 h." in page  # the centre's global comment
    assert "Non terminé : cause technique" in page

    published = jury.publish()
    assert published.url.path == jury.base and "Les résultats sont publiés" in text(published)
    assert "Enregistrer la décision" not in text(published)  # decisions are closed
    with session_scope(story.db_engine) as db:
        exam = db.get(ExamSession, story.session_id)
        assert exam.results_published_at == story.clock.now()
    given = codes(story)
    validated = {who for who, r in story.stored().items() if r.final_status == "validated"}
    assert validated == {"finished", "abandoned", "technical"}
    for who, code in given.items():
        assert (code is not None) == (who in validated), who
        assert code is None or (CODE.match(code) and len(set(code[2:])) == 8), code
    assert len({given[who] for who in validated}) == len(validated)
    assert f"Session {story.session_id}" not in text(jury.client.get("/jury/sessions"))

    # The centre now lists certificates and exports the codes.
    page = text(story.client.get(f"{story.base}/resultats"))
    assert "Résultats publiés par le jury" in page and given["finished"] in page
    assert "Résultats publiés" in text(story.client.get("/centre/sessions"))
    export = story.client.get(f"{story.base}/resultats.csv").content.decode("utf-8-sig")
    assert "Code de vérification" in export and given["finished"] in export
    certificate = story.client.get(f"{story.base}/certificats/{story.ids['finished']}")
    assert certificate.status_code == 200
    assert given["finished"] in text(certificate) and "Léa NomA" in text(certificate)
    # The link to share: it opens the certificate for whoever follows it.
    link = f"http://127.0.0.1/certificats/verification?code={given['finished']}"
    assert f'<a href="{link}">{link}</a>' in certificate.text


def test_the_file_shows_how_each_test_went_as_the_server_recorded_it(
        story: Story, jury: Jury) -> None:
    with session_scope(story.db_engine) as db:
        stopped = db.get(Course, story.courses["technical"])
        stopped.end_comment = "technique: Écran noir"  # as web.proctor.actions stores it
        finished = db.get(Course, story.courses["finished"])
        finished.granted_minutes, finished.extra_time_percent = 10, 33
        served = db.exec(select(ServedItem).where(ServedItem.course_id == finished.id)
                         .order_by(col(ServedItem.position))).all()
        for item, status in zip(served, ("validated", "dismissed", "dismissed"), strict=False):
            db.add(LiveAlert(course_id=finished.id, session_id=story.session_id,
                             served_item_id=item.id, status=status, created_at=finished.started_at))
        answer = db.exec(select(Answer).where(Answer.served_item_id == served[3].id)).one()
        answer.focused_out = True
        # The first question was withdrawn: its replacement was question 1 too.
        served[0].withdrawn = True
        for number in (1, 2):
            db.add(IncidentReport(session_id=story.session_id, candidate_id=finished.candidate_id,
                                  category="question", question_number=number,
                                  comment="Image illisible", created_at=finished.started_at))
        db.commit()
        items = [item.item_id for item in served[:3]]
    page = text(jury.client.get(jury.base))
    finished_part = page[page.index('id="candidat-' + str(story.ids["finished"])):]
    finished_part = finished_part[:finished_part.index("</section>")]
    assert "Test terminé" in finished_part
    assert "temps majoré 33 %, temps accordé par le surveillant 10 min" in finished_part
    assert "1 validé(s) (question retirée), 2 rejeté(s)" in finished_part
    assert "<dt>Sorties du mode focus</dt>\n    <dd>1</dd>" in finished_part
    assert f"(question 1 : {items[0]} (retirée), {items[1]}) : Image illisible" in finished_part
    assert f"(question 2 : {items[2]}) : Image illisible" in finished_part
    stopped_part = page[page.index('id="candidat-' + str(story.ids["technical"])):]
    assert "Arrêté par le surveillant (Problème technique – Écran noir)" in stopped_part


def test_anyone_checks_a_certificate_with_its_code(story: Story, jury: Jury,
                                                   app) -> None:  # noqa: ANN001
    jury.publish()
    code = codes(story)["finished"]
    stored = story.stored()["finished"]
    visitor = TestClient(app, base_url="http://127.0.0.1", client=("10.5.5.5", 4000))
    form = visitor.get("/certificats/verification")
    assert form.status_code == 200 and 'name="code"' in form.text
    # As it may be typed: lower case, spaces, without the "P-".
    for typed in (code, code.lower(), " ".join(code[2:]), code[2:].lower()):
        found = visitor.get("/certificats/verification", params={"code": typed})
        assert found.status_code == 200, typed
        page = text(found)
        assert "Ce certificat est authentique" in page
        assert "Léa NomA" in page and "Collège" in page and code in page
        assert f"{stored.score} pix sur 895" in page
        assert "1.1 Mener une recherche et une veille d'information" in page
        assert found.headers["cache-control"] == "no-store"
    english = TestClient(app, base_url="http://127.0.0.1", client=("10.5.5.6", 4000))
    english.post("/langue", data={"lang": "en", "next": "/"})
    page = text(english.get("/certificats/verification", params={"code": code}))
    assert "This certificate is genuine" in page
    assert "Search for and monitor information" in page


def test_a_wrong_code_says_what_is_wrong(story: Story, jury: Jury, app) -> None:  # noqa: ANN001
    visitor = TestClient(app, base_url="http://127.0.0.1", client=("10.5.5.5", 4000))
    code = None
    for typed, status, message in (
            ("P-2B4C", 400, "8 caractères différents"),
            ("P-22222222", 400, "8 caractères différents"),  # not distinct
            ("P-ABCDEFGH", 400, "8 caractères différents"),  # outside the alphabet
            ("P-\x00BCDFGHJ", 400, "8 caractères différents"),
            ("P-2346789B", 404, "Aucun certificat publié ne porte le code P-2346789B")):
        response = visitor.get("/certificats/verification", params={"code": typed})
        assert response.status_code == status, typed
        assert message in text(response) and 'role="alert"' in response.text
    # A certificate is only there once published, and only for a validated result.
    with session_scope(story.db_engine) as db:
        db.get(CertificationResult, story.stored()["finished"].id).verification_code = \
            code = "P-2346789B"
        db.commit()
    assert visitor.get("/certificats/verification", params={"code": code}).status_code == 404


def test_verification_is_rate_limited_per_address(story: Story, app) -> None:  # noqa: ANN001
    visitor = TestClient(app, base_url="http://127.0.0.1", client=("10.5.5.9", 4000))
    for _ in range(100):
        assert visitor.get("/certificats/verification",
                           params={"code": "P-2346789B"}).status_code == 404
    refused = visitor.get("/certificats/verification", params={"code": "P-2346789B"})
    assert refused.status_code == 429
    assert "Trop de vérifications depuis cette adresse" in text(refused)
    # The empty form is not a lookup and is still served.
    assert visitor.get("/certificats/verification").status_code == 200


def test_the_jury_cancels_or_rejects_with_a_reason_and_the_computed_result_is_kept(
        story: Story, jury: Jury, app) -> None:  # noqa: ANN001
    without_reason = jury.decide("finished", "rejected")
    assert without_reason.status_code == 422
    assert "Motivez la décision du jury" in text(without_reason)
    assert 'aria-invalid="true"' in without_reason.text
    assert jury.decide("finished", "validated", "Bogus").status_code == 422
    assert jury.decide("finished", "cancelled", "Écran\x00").status_code == 422
    assert jury.decide("finished", "cancelled", "x" * 2001).status_code == 422
    assert story.stored()["finished"].jury_decision is None

    done = jury.decide("finished", "rejected", "Aide extérieure constatée par le surveillant")
    assert done.url.path == jury.base and "Décision enregistrée." in text(done)
    assert jury.decide("technical", "cancelled", "Panne du poste").status_code == 200
    assert jury.decide("abandoned", "cancelled", "Erreur de saisie").status_code == 200
    assert jury.decide("abandoned", "", "").status_code == 200  # back to the computed result
    absent = jury.client.post(f"{jury.base}/candidats/{story.ids['absent']}/decision",
                              data={"decision": "cancelled", "comment": "Absent"})
    assert absent.status_code == 409
    assert jury.client.post(f"{jury.base}/candidats/999999/decision",
                            data={"decision": ""}).status_code == 404

    jury.publish()
    stored = story.stored()
    assert stored["finished"].final_status == "rejected" and stored["finished"].final_score == 0
    assert stored["technical"].final_status == "cancelled"
    assert stored["abandoned"].final_status == "validated"
    assert codes(story)["finished"] is None and codes(story)["technical"] is None
    assert codes(story)["abandoned"] is not None
    # What the engine computed is untouched: rescoring finds it again.
    with session_scope(story.db_engine) as db:
        course = db.get(Course, story.courses["finished"])
        assert results.rescore(db, course, app.state.content).status == "validated"
        assert stored["finished"].status == "validated"

    page = text(story.client.get(f"{story.base}/resultats"))
    assert "Décision du jury : Aide extérieure constatée par le surveillant" in page
    assert story.client.get(
        f"{story.base}/certificats/{story.ids['finished']}").status_code == 404

    late = jury.decide("abandoned", "cancelled", "Trop tard")
    assert late.status_code == 409 and "déjà publiés" in text(late)
    before = codes(story)
    again = jury.publish()  # a second click: harmless, and said so
    assert again.status_code == 200 and "Les résultats sont publiés" in text(again)
    assert codes(story) == before
    assert story.stored()["abandoned"].jury_decision is None


def test_the_jury_opens_any_finalised_session_by_its_number(story: Story, jury: Jury) -> None:
    jury.publish()  # no longer in the list of sessions awaiting the jury
    assert f"Session {story.session_id}" not in text(jury.client.get("/jury/sessions"))
    found = jury.client.get("/jury/sessions", params={"session": f" {story.session_id} "})
    assert found.url.path == jury.base and "Publiée le" in text(found)
    for typed in ("999999", "abc", "²", "9" * 5000, "1\x002"):
        missing = jury.client.get("/jury/sessions", params={"session": typed})
        assert missing.status_code == 404, typed
        assert "Aucune session finalisée ne porte le numéro" in text(missing)
        assert 'role="alert"' in missing.text


def test_each_space_is_closed_to_the_others(story: Story, jury: Jury,
                                            app) -> None:  # noqa: ANN001
    # A centre administrator is not the jury, and the jury is not a centre.
    assert story.client.get("/jury/sessions").status_code == 403
    assert story.client.post(f"{jury.base}/publier").status_code == 403
    assert jury.client.get("/centre/sessions").status_code == 403
    assert jury.client.get(
        f"{story.base}/certificats/{story.ids['finished']}").status_code == 403
    # Signed out: to the sign-in page.
    visitor = TestClient(app, base_url="http://127.0.0.1", client=("10.5.5.5", 4000))
    assert visitor.get("/jury/sessions").url.path == "/centre/connexion"
    # A session not finalised is not the jury's.
    other_centre, _ = make_staff(story.db_engine, story.clock.now(), "autre@lycee.fr",
                                 centre="Lycée")
    open_session, ids = add_session(story.db_engine, other_centre, story.clock.now())
    assert jury.client.get(f"/jury/sessions/{open_session}").status_code == 404
    assert jury.client.post(f"/jury/sessions/{open_session}/publier").status_code == 404
    # Another centre cannot print this centre's certificates.
    jury.publish()
    other = TestClient(app, base_url="http://127.0.0.1", client=("10.6.6.6", 4000))
    Admin(other, "autre@lycee.fr").sign_in()
    assert other.get(f"{story.base}/certificats/{story.ids['finished']}").status_code == 404
    assert other.get(f"/centre/sessions/{open_session}/certificats/{ids[0]}").status_code == 404


def test_a_code_already_taken_is_drawn_again(story: Story, jury: Jury, monkeypatch) -> None:  # noqa: ANN001
    """A collision (astronomically rare) rolls back to a savepoint and draws again: the
    publication still succeeds, on PostgreSQL too, where a failed statement spoils the
    transaction without its savepoint."""
    with session_scope(story.db_engine) as db:
        db.get(CertificationResult, story.stored()["fraud"].id) \
            .verification_code = "P-2346789B"  # taken by another certificate
        db.commit()
    drawn = iter(["P-2346789B", "P-BCDFGHJK", "P-2346789B", "P-MPQRTVWX", "P-XYBCDF23"])
    monkeypatch.setattr(certificates, "new_code", lambda: next(drawn))
    assert jury.publish().status_code == 200
    given = {who: code for who, code in codes(story).items() if who != "fraud"}
    assert sorted(code for code in given.values() if code) == [
        "P-BCDFGHJK", "P-MPQRTVWX", "P-XYBCDF23"]


def test_codes_are_drawn_from_the_alphabet_and_read_back_as_typed() -> None:
    drawn = {certificates.new_code() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(CODE.match(c) and len(set(c[2:])) == 8 for c in drawn)
    assert certificates.normalise_code("p-2b4c 6d8f") == "P-2B4C6D8F"
    assert certificates.normalise_code("2B4C6D8F") == "P-2B4C6D8F"
    # "P" belongs to the alphabet too: a code may start with it, with or without its prefix.
    assert certificates.normalise_code("P-P8B94637") == "P-P8B94637"
    assert certificates.normalise_code("pp8b94637") == "P-P8B94637"
    assert certificates.normalise_code("P8B94637") == "P-P8B94637"
    assert certificates.normalise_code("P-2B4C6D8") is None
    assert certificates.normalise_code("P-2B4C6D8F9") is None
    assert certificates.normalise_code("P-0B4C6D8F") is None  # 0 is not in the alphabet
    assert certificates.normalise_code("x" * 5000) is None


def test_jury_members_are_created_from_the_command_line(settings, monkeypatch, capsys,
                                                        client: TestClient) -> None:  # noqa: ANN001
    from web.centre import admin as admin_cli

    monkeypatch.setattr("sys.stdin", io.StringIO("Un mot de passe solide\n"))
    assert admin_cli.main(["create-jury-member", "Jury@Education.gouv.fr", "--password-stdin"],
                          settings) == 0
    assert "Membre du jury créé : jury@education.gouv.fr" in capsys.readouterr().out
    signed_in = Admin(client, "jury@education.gouv.fr", "Un mot de passe solide").sign_in()
    assert signed_in.url.path == "/jury/sessions"
    assert 'href="/jury/sessions" aria-current="page"' in signed_in.text  # its own menu
    assert "/admin/centres" not in signed_in.text


def test_results_published_before_the_jury_existed_get_their_codes(
        app, database_url: str, db_engine, clock) -> None:  # noqa: ANN001
    """Until migration 0011, finalisation published at once: those certificates exist too."""
    from web.migrate import downgrade, upgrade

    now = clock.now()
    bank, version = use_test_bank(app), app.state.content.config.version
    centre_id, _ = make_staff(db_engine, now, "chef@college.fr", centre="Collège")
    candidates: dict[int, tuple[str, bool]] = {}
    for published in (True, False):
        session_id, ids = add_session(db_engine, centre_id or 0, now)
        with session_scope(db_engine) as db:
            exam = db.get(ExamSession, session_id)
            exam.finalised_at = now  # type: ignore[union-attr]
            exam.results_published_at = now if published else None  # type: ignore[union-attr]
            db.commit()
        for candidate, status in zip(ids, ("validated", "rejected"), strict=True):
            course = make_course(db_engine, bank, version, session_id, candidate, now,
                                 ["ok"] * 32)
            with session_scope(db_engine) as db:
                db.add(CertificationResult(course_id=course, session_id=session_id,
                                           candidate_id=candidate, status=status, score=300,
                                           level=3, answered=32, ended_by="completed",
                                           config_version=version, computed_at=now))
                db.commit()
            candidates[candidate] = (status, published)
    downgrade(database_url, "0010")  # drops the codes' column; upgrading again draws them
    db_engine.dispose()
    upgrade(database_url)
    db_engine.dispose()
    with session_scope(db_engine) as db:
        stored = {r.candidate_id: r.verification_code
                  for r in db.exec(select(CertificationResult)).all()}
    for candidate, (status, published) in candidates.items():
        if status == "validated" and published:
            assert CODE.match(stored[candidate] or ""), stored
        else:
            assert stored[candidate] is None, (status, published)


def test_sessions_where_nothing_happened_are_published_together(story: Story, jury: Jury,
                                                                app) -> None:  # noqa: ANN001
    """At national scale most sessions have nothing to review: one click publishes them; any
    session with an incident report or a test ended by a proctor keeps waiting for a reader."""
    bank, version = story.bank, story.version
    now = story.clock.now()
    with session_scope(story.db_engine) as db:
        centre_id = db.get(ExamSession, story.session_id).centre_id
    quiet = [finalised_session(story.db_engine, bank, version, centre_id, now)[0]
             for _ in range(2)]
    stopped, _ = finalised_session(story.db_engine, bank, version, centre_id, now,
                                   end_reason="ended_by_proctor")
    listing = text(jury.client.get("/jury/sessions"))
    assert "2 sessions attendent sans aucun signalement" in listing
    done = jury.client.post("/jury/sessions/publier-sans-signalement")
    assert done.url.path == "/jury/sessions" and "2 sessions publiées." in text(done)
    assert "sans aucun signalement" not in text(done)  # none left
    with session_scope(story.db_engine) as db:
        published = {s.id: s.results_published_at for s in db.exec(select(ExamSession)).all()}
        coded = {r.session_id: r.verification_code for r in db.exec(
            select(CertificationResult).where(col(CertificationResult.session_id).in_(quiet)))}
    assert all(published[s] == now for s in quiet)
    assert published[stopped] is None and published[story.session_id] is None  # to be read
    assert all(CODE.match(code or "") for code in coded.values())
    again = jury.client.post("/jury/sessions/publier-sans-signalement")
    assert "Aucune session n'attendait sans signalement : rien n'a été publié." in text(again)
    # Only the jury may.
    assert story.client.post("/jury/sessions/publier-sans-signalement").status_code == 403
