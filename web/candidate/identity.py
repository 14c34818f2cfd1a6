"""Finding an enrolled candidate from what they type: names compared loosely, birth date exactly."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from web.models import Candidate
from web.names import normalise_name  # shared with the centre's duplicate check


def parse_birth_date(day: str, month: str, year: str) -> dt.date | None:
    try:
        d, m, y = int(day), int(month), int(year)
    except ValueError:
        return None
    if not (1900 <= y <= 2100):
        return None
    try:
        return dt.date(y, m, d)
    except (ValueError, OverflowError):  # OverflowError: a day or month past a C long
        return None


def find_candidate(db: Session, session_id: int, first_name: str, last_name: str,
                   birth_date: dt.date) -> Candidate | None:
    """The enrolled candidate matching exactly one person, else None.

    The birth date narrows in SQL; names are compared in Python (a handful of rows).
    """
    rows = db.exec(select(Candidate).where(Candidate.session_id == session_id,
                                           Candidate.birth_date == birth_date)).all()
    first, last = normalise_name(first_name), normalise_name(last_name)
    matches = [c for c in rows
               if normalise_name(c.first_name) == first and normalise_name(c.last_name) == last]
    return matches[0] if len(matches) == 1 else None
