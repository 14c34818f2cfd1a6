"""Joining a session: identity, access code, the proctor's confirmation, the rules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam, enrolled
from tests.web.pages import text
from web.candidate import limits
from web.clock import FrozenClock
from web.db import session_scope
from web.models import ExamSession


def test_names_are_compared_ignoring_case_accents_spaces_and_hyphens(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    chloe = exam.enrol("Chloé", "Lefèvre-Moreau", dt.date(2011, 5, 30))
    flow = CandidateFlow(client, exam, chloe)
    page = flow.join(first="  CHLOE ", last="lefevre   moreau")
    assert page.url.path == "/candidat/code"
    assert "Code d'accès" in text(page)


def test_identity_failures_get_clear_french_messages(client: TestClient, app, db_engine: Engine,
                                                     clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)

    empty = client.post("/candidat", data={})
    assert empty.status_code == 422
    assert "Saisissez le numéro de session" in text(empty)
    assert "Saisissez votre prénom." in text(empty) and 'aria-invalid="true"' in empty.text

    bad_date = client.post(
        "/candidat", data={"session": str(exam.session_id), "first_name": "Léa",
                           "last_name": "Martin", "day": "31", "month": "2", "year": "2011"})
    assert bad_date.status_code == 422
    assert "date de naissance valide" in text(bad_date)

    wrong_birth = flow.join(birth=dt.date(2011, 3, 15))
    assert wrong_birth.status_code == 422
    assert "Nous ne trouvons pas de candidat inscrit" in text(wrong_birth)

    wrong_session = flow.join(session=exam.session_id + 1000)
    assert wrong_session.status_code == 422
    assert "Nous ne trouvons pas de candidat inscrit" in text(wrong_session)


def test_numbers_no_date_or_session_can_hold_get_the_form_again(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    # A superscript digit passes str.isdigit() but not int(); a day of twenty digits overflows
    # datetime.date: both used to be a 500.
    exam, _lea, _flow = enrolled(client, app, db_engine, clock)
    identity = {"session": str(exam.session_id), "first_name": "Léa", "last_name": "Martin",
                "day": "14", "month": "3", "year": "2011"}
    superscript = client.post("/candidat", data={**identity, "session": "²"})
    assert superscript.status_code == 422
    assert "Saisissez le numéro de session (des chiffres)" in text(superscript)
    for field in ("day", "month"):
        huge = client.post("/candidat", data={**identity, field: "1" + "0" * 19})
        assert huge.status_code == 422, field
        assert "Saisissez une date de naissance valide" in text(huge)
        assert 'value="Martin"' in huge.text  # what was typed is kept


def test_a_wrong_access_code_is_refused(client: TestClient, app, db_engine: Engine,
                                        clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    flow = CandidateFlow(client, exam, exam.enrol())
    exam.confirm_presence(flow.candidate)
    flow.join()
    page = flow.enter_code("XXXX99")
    assert page.status_code == 422
    assert "Ce code d'accès n'est pas le bon" in text(page)
    # Case and spaces do not matter.
    page = flow.enter_code(" bcdf 23 ")
    assert "J'ai lu et j'accepte les règles" in text(page)


def test_the_code_page_needs_the_identity_first(client: TestClient, app, db_engine: Engine,
                                                clock: FrozenClock) -> None:
    Exam(app, db_engine, clock)
    page = client.post("/candidat/code", data={"code": "BCDF23"})
    assert page.url.path == "/candidat"
    assert client.get("/candidat/regles").url.path == "/candidat"
    assert client.get("/candidat/test").url.path == "/candidat"


def test_the_candidate_waits_for_the_proctor_to_confirm_presence(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.join()
    page = flow.enter_code()
    assert "Le surveillant n'a pas encore confirmé votre présence" in text(page)
    assert flow.accept_rules().url.path != "/candidat/test"

    exam.confirm_presence(lea)
    page = flow.retry()
    assert page.url.path == "/candidat/regles"


def test_the_proctor_authorisation_is_valid_15_minutes(client: TestClient, app,
                                                       db_engine: Engine,
                                                       clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    exam.confirm_presence(lea)
    flow.join()
    flow.enter_code()
    clock.advance(minutes=16)
    page = flow.accept_rules()
    assert "L'autorisation du surveillant a expiré" in text(page)
    assert page.url.path == "/candidat/regles"  # no course started
    exam.confirm_presence(lea)
    assert flow.accept_rules().url.path == "/candidat/test"


def test_the_rules_must_be_accepted(client: TestClient, app, db_engine: Engine,
                                    clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    exam.confirm_presence(lea)
    flow.join()
    rules = flow.enter_code()
    for heading in ("Comment se passe le test", "Deux types de questions particulières",
                    "En cas de problème", "Ce qui est considéré comme une fraude"):
        assert heading in text(rules)
    refused = flow.accept_rules(accept=False)
    assert refused.status_code == 422
    assert "Cochez la case" in text(refused)
    assert flow.accept_rules().url.path == "/candidat/test"


def test_starting_twice_creates_one_course(client: TestClient, app, db_engine: Engine,
                                           clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    flow.start()
    # A double click on "Commencer le test" from the same browser goes on with the same test.
    again = client.post("/candidat/regles", data={"accept": "1"})
    assert again.url.path == "/candidat/test"
    assert len(exam.served(lea)) == 1


def test_a_finalised_session_cannot_be_joined(client: TestClient, app, db_engine: Engine,
                                              clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    lea = exam.enrol()
    with session_scope(db_engine) as db:
        session = db.get(ExamSession, exam.session_id)
        assert session is not None
        session.finalised_at = clock.now()
        db.add(session)
        db.commit()
    page = CandidateFlow(client, exam, lea).join()
    assert page.status_code == 409
    assert "Cette session est close" in text(page)


def test_identity_attempts_are_rate_limited(client: TestClient, app, db_engine: Engine,
                                            clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    for _ in range(limits.IDENTITY_PER_CLIENT):
        assert flow.join(first="Personne").status_code == 422
    blocked = flow.join()  # even the right details, once the limit is reached
    assert blocked.status_code == 429
    assert "Trop de tentatives" in text(blocked)
    # One address cannot lock the session out: from another one, Léa joins.
    with TestClient(app, base_url="http://127.0.0.1", client=("10.0.0.7", 5000)) as other:
        assert CandidateFlow(other, exam, lea).join().url.path == "/candidat/code"
    # From several, the session's own limit is reached: 100 failures in all.
    with TestClient(app, base_url="http://127.0.0.1", client=("10.0.0.8", 5000)) as third:
        for _ in range(limits.IDENTITY_PER_SESSION - limits.IDENTITY_PER_CLIENT):
            assert CandidateFlow(third, exam, lea).join(first="Personne").status_code == 422
        assert CandidateFlow(third, exam, lea).join().status_code == 429
    clock.advance(minutes=16)
    assert flow.join().url.path == "/candidat/code"


def test_access_code_attempts_are_rate_limited_per_candidate_only(
        client: TestClient, app, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    lea, hugo = exam.enrol(), exam.enrol("Hugo", "Bernard", dt.date(2011, 7, 2))
    ines, noah = (exam.enrol("Inès", "Petit", dt.date(2011, 5, 9)),
                  exam.enrol("Noah", "Roux", dt.date(2011, 9, 21)))
    flow = CandidateFlow(client, exam, lea)
    exam.confirm_presence(lea)
    flow.join()
    for _ in range(10):
        assert flow.enter_code("ZZZZ99").status_code == 422
    assert flow.enter_code().status_code == 429  # the right code, too late

    # Each candidate has their own ten: three pupils who used theirs up (on purpose or not)
    # leave the rest of the room free to enter the code. (Not per address either: a whole
    # school comes through one, see test_security_review.py.)
    for n, who in enumerate((hugo, ines), start=2):
        with TestClient(app, base_url="http://127.0.0.1", client=(f"10.0.0.{n}", 5000)) as other:
            other_flow = CandidateFlow(other, exam, who)
            other_flow.join()
            for _ in range(10):
                assert other_flow.enter_code("ZZZZ99").status_code == 422
            assert other_flow.enter_code().status_code == 429
    exam.confirm_presence(noah)
    with TestClient(app, base_url="http://127.0.0.1", client=("10.0.0.9", 5000)) as last:
        last_flow = CandidateFlow(last, exam, noah)
        last_flow.join()
        assert last_flow.enter_code().url.path != "/candidat/code"  # admitted
