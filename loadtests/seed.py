"""Create N sessions × 20 candidates, presence already confirmed, directly in the database.

`python -m loadtests.seed --database-url URL --sessions N --manifest var/loadtest/manifest.json`

SQLAlchemy Core multi-row inserts (no ORM objects): 10,000 candidates take well under a second
on PostgreSQL here (see loadtests/README.md). The manifest lists what the simulated people type
(session number, access code, proctor password, names, birth dates); Locust reads it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from web.clock import utcnow
from web.db import make_engine
from web.models import Candidate, Centre, ExamSession

SEATS = 20  # one proctor per 20 candidates (product.md)
CODE_LETTERS = "BCDFGHJKMPQRTVWXY"
CODE_DIGITS = "2346789"
PASSWORD_CHARS = "2346789BCDFGHJKMPQRTVWXY"  # noqa: S105 - an alphabet, not a password


def access_code() -> str:
    return ("".join(secrets.choice(CODE_LETTERS) for _ in range(4))
            + "".join(secrets.choice(CODE_DIGITS) for _ in range(2)))


def seat_identity(session_index: int, seat: int) -> dict[str, Any]:
    """Names unique within a session; a few accents so the loose name comparison does work."""
    born = dt.date(2010, 1, 1) + dt.timedelta(days=seat * 17 + session_index % 300)
    return {"last_name": f"Lefèvre{session_index:05d}", "first_name": f"Élève{seat:02d}",
            "birth_date": born,
            # One candidate per room has "tiers-temps" (33 % extra time), as in real sessions.
            "extra_time_percent": 33 if seat == SEATS - 1 else 0}


def seed(database_url: str, sessions: int, *, seats: int = SEATS,
         confirmed: bool = True) -> dict[str, Any]:
    """Insert the sessions and candidates; return the manifest (and how long it took)."""
    engine = make_engine(database_url)
    now = utcnow()
    started = time.perf_counter()
    with engine.begin() as conn:
        centre_id = conn.execute(insert(Centre.__table__).returning(Centre.__table__.c.id),  # type: ignore[attr-defined]
                                 {"name": "Centre de charge", "created_at": now}).scalar_one()
        rows = [{"centre_id": centre_id, "date": now.date(), "start_time": dt.time(8, 0),
                 "room": f"Salle {i}", "address": "", "proctor_names": "", "description": "",
                 "access_code": access_code(),
                 "proctor_password": "".join(secrets.choice(PASSWORD_CHARS) for _ in range(6)),
                 "created_at": now} for i in range(sessions)]
        table = ExamSession.__table__  # type: ignore[attr-defined]
        ids = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                           rows).scalars().all()
        people = []
        for index, session_id in enumerate(ids):
            for seat in range(seats):
                people.append({**seat_identity(index, seat), "session_id": session_id,
                               "birth_place": "Paris", "accessibility": False,
                               "external_id": None, "created_at": now,
                               "authorised_at": now if confirmed else None})
        conn.execute(insert(Candidate.__table__), people)  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - started
    engine.dispose()
    manifest = {
        "seconds": round(elapsed, 3),
        "seats": seats,
        "sessions": [
            {"id": session_id, "access_code": row["access_code"],
             "password": row["proctor_password"],
             "candidates": [_typed(seat_identity(index, seat)) for seat in range(seats)]}
            for index, (session_id, row) in enumerate(zip(ids, rows, strict=True))
        ],
    }
    return manifest


def _typed(identity: dict[str, Any]) -> dict[str, Any]:
    born: dt.date = identity["birth_date"]
    return {"first_name": identity["first_name"], "last_name": identity["last_name"],
            "day": born.day, "month": born.month, "year": born.year}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--manifest", type=Path, default=Path("var/loadtest/manifest.json"))
    args = parser.parse_args(argv)
    manifest = seed(args.database_url, args.sessions)
    args.manifest.parent.mkdir(parents=True, exist_ok=True)
    args.manifest.write_text(json.dumps(manifest))
    total = args.sessions * manifest["seats"]
    print(f"seeded {args.sessions} sessions, {total} candidates in {manifest['seconds']} s "
          f"→ {args.manifest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
