"""Scenario helpers for the candidate tests: a synthetic item bank, a session arranged in the
database, and a candidate driving the pages over HTTP.

The real bank is still being written (not every competence has items yet), so these tests run
on a generated bank covering the 16 competences: they never depend on particular item ids and
build right or wrong answers through the content package.

Proctor actions (`Exam.confirm_presence`, …) go through the proctor space's own routes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select
from starlette.testclient import TestClient

import content
import engine
from content.model import (
    DEFAULT_TOLERANCE,
    Answers,
    Competence,
    ContentBank,
    Field,
    FreeField,
    Item,
    ItemText,
    Proposal,
    provisional_a,
    provisional_b,
)
from tests.web.pages import granted_shown
from web.clock import FrozenClock
from web.content_state import LoadedContent, load_content
from web.db import session_scope
from web.models import Answer, Candidate, Centre, Course, ExamSession, LiveAlert, ServedItem

COMPETENCES = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4",
               "4.1", "4.2", "4.3", "5.1", "5.2")
KINDS = ("qcu", "qcm", "qroc", "qrocm-ind", "qrocm-dep")
ACCESS_CODE = "BCDF23"
PROCTOR_PASSWORD = "K7P4MX"  # noqa: S105 - test data


# --- a synthetic bank ------------------------------------------------------------------------

def _text(item_id: str, kind: str, lang: str) -> ItemText:
    word = "Question" if lang == "en" else "Énoncé"
    proposals = tuple(Proposal(str(i), f"Proposition {i}") for i in range(1, 5))
    if kind in ("qcu", "qcm"):
        return ItemText((f"{word} {item_id}.",), proposals=proposals)
    if kind == "qroc":
        return ItemText((f"{word} {item_id}.",), fields=(Field("answer", "Votre réponse"),))
    return ItemText((f"{word} {item_id}.",),
                    fields=(Field("premier", "Premier élément"), Field("second", "Second élément")))


def _item(competence: str, tube_no: int, level: int, kind: str, *, accessible: bool,
          timer: int, focus: bool) -> Item:
    tube = f"{competence}-tube{tube_no}"
    item_id = f"{tube}-{level}a"
    solution: tuple[int, ...] = ()
    free: tuple[FreeField, ...] = ()
    pool = Answers()
    if kind == "qcu":
        solution = (2,)
    elif kind == "qcm":
        solution = (1, 3)
    elif kind == "qroc":
        free = (FreeField("answer", Answers(neutral=(("42",),))),)
    elif kind == "qrocm-ind":
        free = (FreeField("premier", Answers(neutral=(("B2",),))),
                FreeField("second", Answers(neutral=(("C3",),))))
    else:
        free = (FreeField("premier", Answers()), FreeField("second", Answers()))
        pool = Answers(neutral=(("https",), ("tls",)))
    return Item(
        id=item_id, competence=competence, tube=tube, skill=f"{tube}@{level}", level=level,
        kind=kind, status="validated", blind_ok=accessible, colorblind_ok=True, focus=focus,
        timer=timer, a=provisional_a(kind), b=provisional_b(level), calibrated=False, image=None,
        code=None, solution=solution, free=free, pool=pool, pool_tolerance=DEFAULT_TOLERANCE,
        text_fr=_text(item_id, kind, "fr"), text_en=_text(item_id, kind, "en"),
    )


def synthetic_content(*, timer: int = 0, focus: bool = False,
                      kinds: tuple[str, ...] = KINDS) -> LoadedContent:
    """16 competences × 4 tubes × 3 levels; tubes 3 and 4 of each competence are not
    accessible, so an adjusted candidate still has two tubes per competence. Kinds rotate
    through `kinds`; `timer` and `focus` apply to every item."""
    items: dict[str, Item] = {}
    n = 0
    for competence in COMPETENCES:
        for tube_no in range(1, 5):
            for level in (2, 4, 6):
                item = _item(competence, tube_no, level, kinds[n % len(kinds)],
                             accessible=tube_no <= 2, timer=timer, focus=focus)
                items[item.id] = item
                n += 1
    real = load_content().bank
    bank = ContentBank(
        items=items,
        competences=tuple(Competence(code, code[0], f"Compétence {code}", f"Competence {code}",
                                     "", "") for code in COMPETENCES),
        media_dir=real.media_dir,
    )
    config = engine.DEFAULT_CONFIG
    return LoadedContent(bank=bank, engine_bank=bank.to_engine(), config=config,
                         configs={config.version: config})


def wrong_answer(item: Item) -> dict[str, list[str]]:
    if item.kind == "qcu":
        return {"answer": [next(str(i) for i in range(1, 5) if (i,) != item.solution)]}
    if item.kind == "qcm":
        return {"answer": ["2"]}
    if item.kind == "qroc":
        return {"answer": ["réponse fausse"]}
    return {f"answer-{f.name}": ["faux"] for f in item.free}


# --- the session, arranged in the database ---------------------------------------------------

class Exam:
    """A centre, a session and its candidates (arranged in the database); the proctor."""

    def __init__(self, app: Any, db_engine: Engine, clock: FrozenClock,
                 loaded: LoadedContent | None = None) -> None:
        self.app = app
        self.db_engine = db_engine
        self.clock = clock
        self.content = loaded or synthetic_content()
        app.state.content = self.content
        self._proctor: TestClient | None = None
        with session_scope(db_engine) as db:
            centre = Centre(name="Collège Test", created_at=clock.now())
            db.add(centre)
            db.flush()
            session = ExamSession(centre_id=centre.id, date=clock.now().date(),
                                  start_time=dt.time(9, 0), access_code=ACCESS_CODE,
                                  proctor_password=PROCTOR_PASSWORD, created_at=clock.now())
            db.add(session)
            db.commit()
            self.session_id: int = session.id  # type: ignore[assignment]

    def use(self, app: Any) -> None:
        """Another app instance (a restart) on the same database and bank."""
        app.state.content = self.content

    def enrol(self, first: str = "Léa", last: str = "Martin",
              birth: dt.date = dt.date(2011, 3, 14), *, extra_time: int = 0,
              accessibility: bool = False, session_id: int | None = None) -> Candidate:
        with session_scope(self.db_engine) as db:
            candidate = Candidate(session_id=session_id or self.session_id, first_name=first,
                                  last_name=last, birth_date=birth,
                                  extra_time_percent=extra_time, accessibility=accessibility,
                                  created_at=self.clock.now())
            db.add(candidate)
            db.commit()
            return candidate

    def new_session(self) -> int:
        with session_scope(self.db_engine) as db:
            first = db.get(ExamSession, self.session_id)
            assert first is not None
            other = ExamSession(centre_id=first.centre_id, date=first.date,
                                start_time=first.start_time, access_code="GHJK46",
                                proctor_password=PROCTOR_PASSWORD, created_at=self.clock.now())
            db.add(other)
            db.commit()
            return other.id  # type: ignore[return-value]

    # proctor actions, through the proctor space
    @property
    def proctor(self) -> TestClient:
        """The proctor's browser, signed in to the session."""
        if self._proctor is None:
            self._proctor = TestClient(self.app, base_url="http://127.0.0.1",
                                       client=("10.9.9.9", 4000))
            signed_in = self._proctor.post("/surveillant", data={
                "session": str(self.session_id), "password": PROCTOR_PASSWORD})
            assert signed_in.url.path == f"/surveillant/session/{self.session_id}", signed_in.text
        return self._proctor

    def _act(self, path: str, **data: str) -> None:
        response = self.proctor.post(f"/surveillant/session/{self.session_id}/{path}", data=data)
        assert response.status_code == 200, response.text

    def confirm_presence(self, candidate: Candidate) -> None:
        self._act(f"candidats/{candidate.id}/presence")

    def authorise_resume(self, candidate: Candidate) -> None:
        self._act(f"candidats/{candidate.id}/reprise")

    def grant_minutes(self, candidate: Candidate, minutes: int) -> None:
        """Types `minutes` in the candidate's "Accorder" form of the live list, and sends it."""
        page = self.proctor.get(f"/surveillant/session/{self.session_id}").text
        self._act(f"candidats/{candidate.id}/temps", minutes=str(minutes),
                  granted=granted_shown(page, candidate.id))

    def end_by_proctor(self, candidate: Candidate) -> None:
        self._act(f"candidats/{candidate.id}/terminer", reason="fraude",
                  comment="Téléphone utilisé")

    def _pending_alert(self, candidate: Candidate) -> LiveAlert:
        return next(a for a in self.alerts(candidate) if a.status == "pending")

    def validate_problem(self, candidate: Candidate) -> None:
        self._act(f"alertes/{self._pending_alert(candidate).id}/valider")

    def dismiss_problem(self, candidate: Candidate) -> None:
        self._act(f"alertes/{self._pending_alert(candidate).id}/rejeter")

    # inspection
    @staticmethod
    def _course(db: Any, candidate: Candidate) -> Course:
        return db.exec(select(Course).where(Course.candidate_id == candidate.id)).one()

    def course(self, candidate: Candidate) -> Course:
        with session_scope(self.db_engine) as db:
            return self._course(db, candidate)

    def served(self, candidate: Candidate) -> list[ServedItem]:
        with session_scope(self.db_engine) as db:
            course = self._course(db, candidate)
            return list(db.exec(select(ServedItem).where(ServedItem.course_id == course.id)
                                .order_by(col(ServedItem.position))).all())

    def answers(self, candidate: Candidate) -> list[Answer]:
        with session_scope(self.db_engine) as db:
            course = self._course(db, candidate)
            return list(db.exec(select(Answer).where(Answer.course_id == course.id)
                                .order_by(col(Answer.id))).all())

    def alerts(self, candidate: Candidate) -> list[LiveAlert]:
        with session_scope(self.db_engine) as db:
            course = self._course(db, candidate)
            return list(db.exec(select(LiveAlert).where(LiveAlert.course_id == course.id)).all())

    def item(self, served: ServedItem) -> Item:
        return self.content.bank.items[served.item_id]


# --- a candidate at the keyboard -------------------------------------------------------------

SERVED = re.compile(r'data-served="(\d+)"')
POSITION = re.compile(r"Question (\d+) / (\d+)")


class CandidateFlow:
    def __init__(self, client: TestClient, exam: Exam, candidate: Candidate) -> None:
        self.client = client
        self.exam = exam
        self.candidate = candidate
        self.page: Any | None = None

    # joining
    def join(self, *, session: int | str | None = None, first: str | None = None,
             last: str | None = None, birth: dt.date | None = None,
             follow: bool = True) -> Any:
        born = birth or self.candidate.birth_date
        data = {"session": str(session if session is not None else self.candidate.session_id),
                "first_name": first if first is not None else self.candidate.first_name,
                "last_name": last if last is not None else self.candidate.last_name,
                "day": str(born.day), "month": str(born.month), "year": str(born.year)}
        return self.client.post("/candidat", data=data, follow_redirects=follow)

    def enter_code(self, code: str = ACCESS_CODE) -> Any:
        self.page = self.client.post("/candidat/code", data={"code": code})
        return self.page

    def retry(self) -> Any:
        self.page = self.client.post("/candidat/entrer")
        return self.page

    def accept_rules(self, accept: bool = True) -> Any:
        self.page = self.client.post("/candidat/regles", data={"accept": "1"} if accept else {})
        return self.page

    def start(self) -> Any:
        """Presence confirmed by the proctor, details, code, rules: the first question."""
        self.exam.confirm_presence(self.candidate)
        assert self.join().status_code == 200
        rules = self.enter_code()
        assert "J'ai lu et j'accepte les règles" in rules.text, rules.text
        page = self.accept_rules()
        assert page.url.path == "/candidat/test", page.text
        return page

    def rejoin(self) -> Any:
        """Details and code again (after a closed tab, a lost network or a restart)."""
        self.join()
        return self.enter_code()

    # the test
    def question(self) -> Any:
        self.page = self.client.get("/candidat/test")
        return self.page

    def served_id(self) -> int:
        page = self.page if self.page is not None else self.question()
        found = SERVED.search(page.text)
        assert found, page.text
        return int(found.group(1))

    def position(self) -> int:
        page = self.page if self.page is not None else self.question()
        found = POSITION.search(page.text)
        assert found, page.text
        return int(found.group(1))

    def current_served(self) -> ServedItem:
        served_id = self.served_id()
        return next(s for s in self.exam.served(self.candidate) if s.id == served_id)

    def current_item(self) -> Item:
        return self.exam.item(self.current_served())

    def answer_form(self, correct: bool = True) -> dict[str, Any]:
        item = self.current_item()
        form: dict[str, Any] = content.right_answer(item) if correct else wrong_answer(item)
        return {"served": str(self.served_id()), **form}

    def post_answer(self, data: dict[str, Any], **kwargs: Any) -> Any:
        response = self.client.post("/candidat/test/repondre", data=data, **kwargs)
        if kwargs.get("follow_redirects", True):
            self.page = response
        return response

    def answer_current(self, correct: bool = True, **kwargs: Any) -> Any:
        return self.post_answer(self.answer_form(correct), **kwargs)

    def skip(self) -> Any:
        confirm = self.client.get("/candidat/test/passer")
        assert "Oui, je passe cette question" in confirm.text
        self.page = self.client.post("/candidat/test/passer",
                                     data={"served": str(self.served_id())})
        return self.page

    def report_problem(self) -> Any:
        self.page = self.client.post("/candidat/test/signaler",
                                     data={"served": str(self.served_id())})
        return self.page

    def leave_page(self) -> Any:
        return self.client.post("/candidat/test/sortie", data={"served": str(self.served_id())})


def enrolled(client: TestClient, app: Any, db_engine: Engine, clock: FrozenClock,
             **who: Any) -> tuple[Exam, Candidate, CandidateFlow]:
    """A session with one enrolled candidate (Léa Martin unless `who` says otherwise), and
    that candidate's browser, not yet joined."""
    exam = Exam(app, db_engine, clock)
    candidate = exam.enrol(**who)
    return exam, candidate, CandidateFlow(client, exam, candidate)
