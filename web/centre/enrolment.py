"""Enrolling candidates: one validation for the form and the CSV import, duplicate detection."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from sqlmodel import Session, select
from starlette.exceptions import HTTPException

from web.i18n import gettext_ as _
from web.models import Candidate, Course
from web.names import normalise_name

FIELDS = ("last_name", "first_name", "birth_date", "birth_place", "extra_time_percent",
          "accessibility", "external_id")
TRUE_WORDS = {"oui", "o", "1", "x", "vrai", "true", "yes", "y"}
FALSE_WORDS = {"non", "n", "0", "", "faux", "false", "no"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class CandidateData:
    last_name: str = ""
    first_name: str = ""
    birth_date: dt.date | None = None
    birth_place: str = ""
    extra_time_percent: int = 0
    accessibility: bool = False
    external_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def key(self) -> tuple[str, str, dt.date | None]:
        return identity(self.last_name, self.first_name, self.birth_date)


def identity(last: str, first: str, born: dt.date | None) -> tuple[str, str, dt.date | None]:
    return normalise_name(last), normalise_name(first), born


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _name(value: str, label_missing: str, limit: int = 200) -> tuple[str, str | None]:
    value = " ".join(value.split())
    if not value:
        return value, label_missing
    if len(value) > limit:
        return value, _("Trop long (%(n)s caractères au plus).") % {"n": limit}
    if _CONTROL.search(value) or not any(unicodedata.category(c).startswith("L") for c in value):
        return value, _("Caractères non valides.")
    return value, None


def validate(raw: dict[str, str], today: dt.date) -> CandidateData:
    """Check one candidate's fields, as typed in the form or read from a CSV row."""
    data = CandidateData()
    errors = data.errors
    data.last_name, err = _name(raw.get("last_name", ""), _("Le nom est obligatoire."))
    if err:
        errors["last_name"] = err
    data.first_name, err = _name(raw.get("first_name", ""), _("Le prénom est obligatoire."))
    if err:
        errors["first_name"] = err
    born_text = raw.get("birth_date", "").strip()
    data.birth_date = parse_date(born_text)
    if not born_text:
        errors["birth_date"] = _("La date de naissance est obligatoire.")
    elif data.birth_date is None:
        errors["birth_date"] = _("Date de naissance non valide (JJ/MM/AAAA) : « %(v)s ».") % {
            "v": born_text[:40]}
    elif not (dt.date(1900, 1, 1) <= data.birth_date <= today):
        errors["birth_date"] = _("Date de naissance hors des limites : « %(v)s ».") % {
            "v": born_text[:40]}
    data.birth_place = " ".join(raw.get("birth_place", "").split())
    if len(data.birth_place) > 200 or _CONTROL.search(data.birth_place):
        errors["birth_place"] = _("Lieu de naissance non valide.")
    extra = raw.get("extra_time_percent", "").strip().rstrip("%").strip() or "0"
    try:
        data.extra_time_percent = int(extra)
        if not 0 <= data.extra_time_percent <= 200:
            raise ValueError
    except ValueError:
        errors["extra_time_percent"] = _("Temps majoré : un nombre entier de 0 à 200.")
    flag = raw.get("accessibility", "").strip().casefold()
    if flag in TRUE_WORDS:
        data.accessibility = True
    elif flag not in FALSE_WORDS:
        errors["accessibility"] = _("Aménagement : « oui » ou « non ».")
    external = raw.get("external_id", "").strip()
    data.external_id = external or None
    if len(external) > 100 or _CONTROL.search(external):
        errors["external_id"] = _("Identifiant externe non valide (100 caractères au plus).")
    return data


def existing_keys(db: Session, session_id: int, *, except_id: int | None = None) -> set[tuple]:
    rows = db.exec(select(Candidate).where(Candidate.session_id == session_id)).all()
    return {identity(c.last_name, c.first_name, c.birth_date) for c in rows if c.id != except_id}


def apply(candidate: Candidate, data: CandidateData) -> None:
    assert data.birth_date is not None
    candidate.last_name, candidate.first_name = data.last_name, data.first_name
    candidate.birth_date, candidate.birth_place = data.birth_date, data.birth_place
    candidate.extra_time_percent, candidate.accessibility = (data.extra_time_percent,
                                                             data.accessibility)
    candidate.external_id = data.external_id


def load_candidate(db: Session, session_id: int, candidate_id: int) -> Candidate:
    """The candidate of this (already centre-scoped) session, else 404."""
    found = db.exec(select(Candidate).where(Candidate.id == candidate_id,
                                            Candidate.session_id == session_id)).first()
    if found is None:
        raise HTTPException(404)
    return found


def ensure_not_started(db: Session, candidate: Candidate) -> None:
    if db.exec(select(Course.id).where(Course.candidate_id == candidate.id)).first() is not None:
        raise HTTPException(409, _("Ce candidat a déjà commencé son test : il ne peut plus "
                                   "être modifié ni retiré."))


def started_ids(db: Session, session_id: int) -> set[int]:
    return set(db.exec(select(Course.candidate_id).where(Course.session_id == session_id)).all())
