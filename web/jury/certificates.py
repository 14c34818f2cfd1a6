"""Certificates: the verification code given at publication, and what a certificate shows.

The code is `P-` then 8 distinct characters from 2346789BCDFGHJKMPQRTVWXY (product.md step 11):
24!/16! ≈ 3·10¹⁰ codes, drawn with `secrets`, so a code cannot be guessed within the
verification page's rate limit, and collisions are caught by the column's unique index.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

import engine
from web.centre.time_zones import local_time
from web.i18n import gettext_ as _
from web.models import Candidate, Centre, CertificationResult, ExamSession

ALPHABET = "2346789BCDFGHJKMPQRTVWXY"
CODE = re.compile(rf"^P-[{ALPHABET}]{{8}}$")
_random = secrets.SystemRandom()


def new_code() -> str:
    return "P-" + "".join(_random.sample(ALPHABET, 8))


def normalise_code(raw: str) -> str | None:
    """A code as typed (any case, spaces, with or without `P-`), or None if it cannot be one."""
    text = "".join(raw.split()).upper()
    if len(text) > 20:
        return None
    # "P" is also a character of the code itself: "PP8B94637" is P-P8B94637 typed without its
    # hyphen, "P8B94637" the same code without its prefix.
    if text.startswith("P-"):
        text = text[2:]
    elif len(text) == 9 and text.startswith("P"):
        text = text[1:]
    code = "P-" + text
    if not CODE.match(code) or len(set(text)) != 8:
        return None
    return code


def give_codes(db: Session, session_id: int) -> int:
    """A code for every validated result of the session that has none; the caller commits.
    Each in a savepoint: a code another publication took meanwhile is drawn again."""
    given = 0
    for result in db.exec(select(CertificationResult).where(
            CertificationResult.session_id == session_id,
            col(CertificationResult.verification_code).is_(None))).all():
        if result.final_status != "validated":
            continue
        for _attempt in range(5):
            try:
                with db.begin_nested():
                    db.execute(update(CertificationResult)
                               .where(col(CertificationResult.id) == result.id)
                               .values(verification_code=new_code()))
                break
            except IntegrityError:
                continue
        else:  # five collisions in a row: the random source is broken
            raise RuntimeError("could not draw a free verification code")
        given += 1
    return given


def level_meanings() -> tuple[str, ...]:
    return (
        _("Des premiers repères, à consolider, dans l'usage du numérique."),
        _("Des usages simples et guidés du numérique."),
        _("Des usages courants du numérique, dans des situations familières."),
        _("Une autonomie dans les usages courants du numérique."),
        _("Une autonomie dans des situations variées, y compris nouvelles."),
        _("Une maîtrise avancée : résoudre des problèmes complexes et aider les autres."),
        _("Une maîtrise avancée dans des situations complexes et peu familières."),
        _("Une expertise : concevoir des solutions et accompagner les autres."),
    )


@dataclass(frozen=True)
class CompetenceLine:
    code: str
    title: str
    level: int


@dataclass(frozen=True)
class Certificate:
    code: str
    last_name: str
    first_name: str
    birth_date: dt.date
    birth_place: str
    centre: str
    session_date: dt.date
    published_on: dt.date  # in the centre's zone, like the session's date
    score: int
    level: int
    level_name: str
    level_meaning: str
    competences: list[CompetenceLine]


def _certificate(result: CertificationResult, candidate: Candidate, session: ExamSession,
                 centre: Centre, titles: dict[str, str], lang: str) -> Certificate:
    levels = {k: int(v) for k, v in json.loads(result.competence_levels).items()}
    fr, en = engine.level_names(result.final_level)
    return Certificate(
        code=result.verification_code or "", last_name=candidate.last_name,
        first_name=candidate.first_name, birth_date=candidate.birth_date,
        birth_place=candidate.birth_place, centre=centre.name, session_date=session.date,
        published_on=local_time(session.results_published_at,  # type: ignore[arg-type]
                                centre.time_zone).date(),
        score=result.final_score, level=result.final_level,
        level_name=en if lang == "en" else fr,
        level_meaning=level_meanings()[result.final_level],
        competences=[CompetenceLine(code, titles.get(code, code), levels.get(code, 0))
                     for code in sorted(set(titles) | set(levels),
                                        key=lambda c: [int(p) for p in c.split(".")])])


def _published(db: Session, where: list[object], titles: dict[str, str],
               lang: str) -> Certificate | None:
    row = db.exec(select(CertificationResult, Candidate, ExamSession, Centre)
                  .join(Candidate, col(Candidate.id) == col(CertificationResult.candidate_id))
                  .join(ExamSession, col(ExamSession.id) == col(CertificationResult.session_id))
                  .join(Centre, col(Centre.id) == col(ExamSession.centre_id))
                  .where(col(ExamSession.results_published_at).is_not(None),
                         col(CertificationResult.verification_code).is_not(None),
                         *where)).first()  # type: ignore[arg-type]
    # A code is only given to a validated result, and no decision follows publication: checked
    # all the same, a certificate is never shown for anything else.
    if row is None or row[0].final_status != "validated":
        return None
    return _certificate(*row, titles, lang)


def by_code(db: Session, code: str, titles: dict[str, str], lang: str) -> Certificate | None:
    """The published certificate with this code (the public verification)."""
    return _published(db, [CertificationResult.verification_code == code], titles, lang)


def for_candidate(db: Session, session_id: int, candidate_id: int, titles: dict[str, str],
                  lang: str) -> Certificate | None:
    """A candidate's published certificate (the centre prints it and hands it over)."""
    return _published(db, [CertificationResult.session_id == session_id,
                           CertificationResult.candidate_id == candidate_id], titles, lang)
