"""The proctor lifts the entry lockouts of their session ("Lever les blocages de saisie"): the
identity's (the session's, and the school's NAT address the proctor shares with the pupils),
each enrolled candidate's access-code lockout, and the proctors' sign-in lockout of the session
and of that address, nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam, enrolled
from tests.web.pages import text
from tests.web.test_proctor import Proctor
from web.candidate import limits
from web.clock import FrozenClock
from web.db import session_scope
from web.models import RateLimitHit
from web.proctor import auth

# The `client` fixture, entered as a context, runs the app's shutdown after each test: it closes
# the database connections that this module's other browsers opened.
pytestmark = pytest.mark.usefixtures("client")

SCHOOL = "203.0.113.10"  # the school's NAT address: every pupil and the proctor come from it
LIFTED = ("Blocages levés : les candidats peuvent saisir à nouveau leur identité et le code "
          "d'accès.")
BUTTON = "Lever les blocages de saisie"


def browser(app: Any, address: str = SCHOOL, port: int = 5000) -> TestClient:
    """A browser at `address` (not entered as a context: leaving one would run the app's
    shutdown, closing the engines the other browsers still use)."""
    return TestClient(app, base_url="http://127.0.0.1", client=(address, port))


def proctor_at(app: Any, session_id: int, address: str = SCHOOL) -> Proctor:
    """A proctor signed in to `session_id` from `address` (the school's, unless told)."""
    proctor = Proctor(browser(app, address, 4000), session_id)
    assert proctor.sign_in().url.path == proctor.base
    return proctor


def lift(proctor: Proctor, **headers: str) -> Any:
    return proctor.client.post(proctor.base + "/blocages/lever", headers=headers)


def keys_left(db_engine: Engine) -> set[str]:
    with session_scope(db_engine) as db:
        return set(db.exec(select(RateLimitHit.key)).all())


def use_up_code_tries(flow: CandidateFlow) -> None:
    flow.join()
    for _ in range(limits.CODE_PER_CANDIDATE):
        assert flow.enter_code("ZZZZ99").status_code == 422
    assert flow.enter_code().status_code == 429  # the right code, too late


def test_one_pupil_locks_the_school_out_and_the_proctor_lets_everyone_in(
        app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    hugo, ines = exam.enrol("Hugo", "Bernard", dt.date(2011, 7, 2)), exam.enrol("Inès", "Petit")
    prankster, hugos, ineses = (browser(app, port=port) for port in (5001, 5002, 5003))
    for _ in range(limits.IDENTITY_PER_CLIENT):  # wrong identities, on purpose
        assert CandidateFlow(prankster, exam, hugo).join(first="Personne").status_code == 422
    # Every other pupil of the school comes through the same address: all stopped.
    for client, pupil in ((hugos, hugo), (ineses, ines)):
        refused = CandidateFlow(client, exam, pupil).join()
        assert refused.status_code == 429
        assert "Trop de tentatives. Patientez quelques minutes, puis appelez le surveillant." \
            in text(refused)

    proctor = proctor_at(app, exam.session_id)
    page = lift(proctor)
    assert page.url.path == proctor.base and page.status_code == 200
    assert LIFTED in text(page)
    assert f"candidate-identity:client:{SCHOOL}" not in keys_left(db_engine)
    for client, pupil in ((hugos, hugo), (ineses, ines)):
        assert CandidateFlow(client, exam, pupil).join().url.path == "/candidat/code"
    # The message was shown once; the list goes on without it.
    assert LIFTED not in proctor.live_list()


def test_a_pupil_locks_the_schools_proctors_out_and_a_signed_in_proctor_lets_them_in(
        app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    proctor = proctor_at(app, exam.session_id)  # signed in before: stays signed in
    prankster = Proctor(browser(app, port=5001), exam.session_id)
    for _ in range(auth.ATTEMPTS_PER_CLIENT):  # the session number is known to every pupil
        assert prankster.sign_in(password="WRONG1").status_code == 422
    colleague = Proctor(browser(app, port=5002), exam.session_id)
    assert colleague.sign_in().status_code == 429  # the school's address is used up
    assert LIFTED in text(lift(proctor))
    assert colleague.sign_in().url.path == colleague.base


def test_a_candidate_who_used_up_the_code_tries_enters_the_code_once_lifted(
        client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(client, app, db_engine, clock)
    exam.confirm_presence(lea)
    use_up_code_tries(flow)
    # From any address: the access code's key is the candidate's, not the address's.
    page = lift(Proctor(exam.proctor, exam.session_id))
    assert LIFTED in text(page)
    assert flow.enter_code().url.path == "/candidat/regles"


def _two_sessions_with_lockouts(app: Any, db_engine: Engine,
                                clock: FrozenClock) -> tuple[Exam, int, dict[str, str]]:
    """Sessions A and B of one centre, with failed attempts counted in both, from the school
    and from another address, and failed proctor and staff sign-ins."""
    exam = Exam(app, db_engine, clock)
    lea = exam.enrol()
    other_session = exam.new_session()
    zoe = exam.enrol("Zoé", "Leroy", session_id=other_session)
    school, elsewhere = browser(app), browser(app, "198.51.100.7")
    CandidateFlow(school, exam, lea).join(first="Personne")
    CandidateFlow(elsewhere, exam, zoe).join(first="Personne")  # session B, another address
    for who, client in ((lea, school), (zoe, elsewhere)):
        flow = CandidateFlow(client, exam, who)
        flow.join()
        assert flow.enter_code("ZZZZ99").status_code == 422
    Proctor(school, other_session).sign_in(password="WRONG1")
    school.post("/centre/connexion", data={"email": "x@ecole.fr", "password": "faux"})
    named = {"a": f"candidate-identity:session:{exam.session_id}",
             "school": f"candidate-identity:client:{SCHOOL}",
             "lea": f"candidate-code:candidate:{lea.id}",
             "b": f"candidate-identity:session:{other_session}",
             "elsewhere": "candidate-identity:client:198.51.100.7",
             "zoe": f"candidate-code:candidate:{zoe.id}",
             "proctors-school": f"proctor-client:{SCHOOL}",
             "proctors-b": f"proctor-session:{other_session}"}
    assert set(named.values()) <= keys_left(db_engine)
    return exam, other_session, named


def test_lifting_clears_only_this_session_and_the_proctors_address(
        app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam, _other, named = _two_sessions_with_lockouts(app, db_engine, clock)
    before = keys_left(db_engine)
    assert any(key.startswith("staff-login:") for key in before)

    assert LIFTED in text(lift(proctor_at(app, exam.session_id)))
    # Session B's key, the other address's, session B's candidate's code key, session B's
    # proctor sign-in key and the staff's sign-in keys: all still there.
    assert keys_left(db_engine) == before - {named["a"], named["school"], named["lea"],
                                             named["proctors-school"]}


def test_another_sessions_proctor_a_signed_out_browser_or_another_site_clear_nothing(
        client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam, other_session, _named = _two_sessions_with_lockouts(app, db_engine, clock)
    before = keys_left(db_engine)
    path = f"/surveillant/session/{exam.session_id}/blocages/lever"

    other_proctor = proctor_at(app, other_session)
    assert other_proctor.client.post(path).status_code == 403
    assert client.post(path).status_code == 403  # never signed in
    proctor = proctor_at(app, exam.session_id)
    proctor.client.post("/surveillant/deconnexion")
    assert lift(proctor).status_code == 403  # signed out
    assert lift(proctor, **{"HX-Request": "true"}).status_code == 403
    proctor = proctor_at(app, exam.session_id)
    cross_site = lift(proctor, Origin="https://evil.example", **{"Sec-Fetch-Site": "cross-site"})
    assert cross_site.status_code == 403
    assert keys_left(db_engine) == before


def test_works_without_javascript_and_with_htmx_and_twice_in_a_row(
        app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    exam.enrol()
    proctor = proctor_at(app, exam.session_id)
    page = proctor.live_list()
    action = f"/surveillant/session/{exam.session_id}/blocages/lever"
    # A real form outside the polled list: the poll's fragment does not carry it.
    form = page.split(f'action="{action}"', 1)[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form
    assert f'hx-post="{action}"' in page and 'hx-target="#live"' in page
    assert page.index('id="live"') < page.index("lockouts-title")
    assert BUTTON not in proctor.live_list(htmx=True)

    plain = proctor.client.post(action, follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"] == proctor.base
    assert LIFTED in text(proctor.client.get(proctor.base))

    # htmx follows the 303 with HX-Request: the list fragment, with the message to announce.
    swapped = lift(proctor, **{"HX-Request": "true"})
    assert swapped.status_code == 200 and "<html" not in swapped.text
    assert f'data-announce="{LIFTED}"' in text(swapped)
    assert BUTTON not in text(swapped)


def test_in_english(app: Any, db_engine: Engine, clock: FrozenClock) -> None:
    exam, lea, flow = enrolled(browser(app, port=5001), app, db_engine, clock)
    exam.confirm_presence(lea)
    use_up_code_tries(flow)
    proctor = proctor_at(app, exam.session_id)
    proctor.client.post("/langue", data={"lang": "en", "next": proctor.base})
    page = proctor.live_list()
    assert "A candidate can no longer type their identity or the access code" in page
    assert "Lift the entry lockouts" in page and BUTTON not in page
    lifted = text(lift(proctor))
    assert "Lockouts lifted: candidates can type their identity and the access code again." \
        in lifted and "Blocages" not in lifted
    assert flow.enter_code().url.path == "/candidat/regles"
