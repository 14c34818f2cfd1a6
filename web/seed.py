"""Demo data for `make run`: one centre, one session, a few candidates. Idempotent.

`python -m web.seed` creates them if missing and prints how to use them.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

from sqlmodel import select

from web.centre.time_zones import local_time
from web.clock import utcnow
from web.db import make_engine, session_scope
from web.models import Candidate, Centre, ExamSession, pk
from web.settings import Settings

DEMO_CENTRE = "Collège de démonstration"
DEMO_ACCESS_CODE = "BCDF23"
DEMO_PROCTOR_PASSWORD = "K7P4MX"
# The centre administrator's demo account (issue 5): signs in at /centre/connexion.
DEMO_ADMIN_EMAIL = "admin@college-demo.fr"
DEMO_ADMIN_PASSWORD = "demo-centre-2026"  # noqa: S105 - a printed demo credential, like the codes above
DEMO_JURY_EMAIL = "jury@passation-demo.fr"
DEMO_JURY_PASSWORD = "demo-jury-2026"  # noqa: S105 - a printed demo credential, like the above
DEMO_CANDIDATES = [
    # last name, first name, birth date, extra time %, accessibility adjustment
    ("Martin", "Léa", dt.date(2011, 3, 14), 0, False),
    ("Bernard", "Hugo", dt.date(2011, 7, 2), 33, False),
    ("Petit", "Inès", dt.date(2010, 12, 25), 0, True),
    ("Durand", "Noah", dt.date(2011, 1, 9), 0, False),
    ("Lefèvre-Moreau", "Chloé", dt.date(2011, 5, 30), 0, False),
]


def seed_demo(settings: Settings) -> dict[str, object]:
    engine = make_engine(settings.database_url)
    now = utcnow()
    with session_scope(engine) as db:
        centre = db.exec(select(Centre).where(Centre.name == DEMO_CENTRE)).first()
        if centre is None:
            centre = Centre(name=DEMO_CENTRE, created_at=now)
            db.add(centre)
            db.flush()
        session = db.exec(select(ExamSession).where(ExamSession.centre_id == centre.id)).first()
        if session is None:
            # Today at 09:00 in the centre's zone (Europe/Paris): begun, and so open to
            # finalisation, from 09:00 Paris time on.
            session = ExamSession(
                centre_id=pk(centre),
                date=local_time(now, centre.time_zone).date(),
                start_time=dt.time(9, 0),
                room="Salle 12",
                address="1 rue de l'École, 75000 Paris",
                proctor_names="M. Dupont",
                description="Session de démonstration",
                access_code=DEMO_ACCESS_CODE,
                proctor_password=DEMO_PROCTOR_PASSWORD,
                created_at=now,
            )
            db.add(session)
            db.flush()
            for last, first, born, extra, adjusted in DEMO_CANDIDATES:
                db.add(
                    Candidate(
                        session_id=pk(session),
                        last_name=last,
                        first_name=first,
                        birth_date=born,
                        birth_place="Paris",
                        extra_time_percent=extra,
                        accessibility=adjusted,
                        created_at=now,
                    )
                )
        db.commit()
        _seed_centre_admin(db, centre.id, settings, now)
        candidates = db.exec(select(Candidate).where(Candidate.session_id == session.id)).all()
        info: dict[str, object] = {
            "centre": centre.name,
            "session": session.id,
            "access_code": session.access_code,
            "proctor_password": session.proctor_password,
            "candidates": [
                (c.first_name, c.last_name, c.birth_date, c.extra_time_percent, c.accessibility)
                for c in candidates
            ],
        }
    engine.dispose()
    return info


def _seed_centre_admin(db, centre_id, settings, now) -> None:  # noqa: ANN001
    """The demo centre's administrator, and a jury member to publish its results."""
    from web.centre import passwords
    from web.models import StaffUser
    from web.models.staff import ROLE_CENTRE_ADMIN, ROLE_JURY

    for email, password, role, centre in (
            (DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, ROLE_CENTRE_ADMIN, centre_id),
            (DEMO_JURY_EMAIL, DEMO_JURY_PASSWORD, ROLE_JURY, None)):
        if db.exec(select(StaffUser).where(StaffUser.email == email)).first() is None:
            db.add(StaffUser(email=email, role=role, centre_id=centre, created_at=now,
                             password_hash=passwords.hash_password(
                                 password, passwords.profile_of(settings)),
                             password_changed_at=now))
    db.commit()


def print_demo(info: dict[str, object], out=sys.stdout,  # noqa: ANN001
               base_url: str = "http://127.0.0.1:8000") -> None:
    """The demo's accounts, with the address the app serves on (`make run`: HOST and PORT)."""
    print("\n=== Passation demo ===", file=out)
    print(f"Open {base_url}", file=out)
    print(f"Session number:    {info['session']}", file=out)
    print(f"Access code:       {info['access_code']}", file=out)
    print(f"Proctor password:  {info['proctor_password']}  (Espace surveillant)", file=out)
    print("Candidates (first name, last name, birth date):", file=out)
    for first, last, born, extra, adjusted in info["candidates"]:  # type: ignore[attr-defined]
        notes = []
        if extra:
            notes.append(f"{extra} % extra time")
        if adjusted:
            notes.append("accessibility adjustment")
        suffix = f"  [{', '.join(notes)}]" if notes else ""
        print(f"  - {first} {last}, {born:%d/%m/%Y}{suffix}", file=out)
    print(f"Centre administrator (Espace centre, {base_url}/centre):", file=out)
    print(f"  e-mail {DEMO_ADMIN_EMAIL}   password {DEMO_ADMIN_PASSWORD}", file=out)
    print("Jury (same sign-in page; reviews finalised sessions and publishes their results):",
          file=out)
    print(f"  e-mail {DEMO_JURY_EMAIL}   password {DEMO_JURY_PASSWORD}", file=out)
    print(f"Anyone checks a certificate at {base_url}/certificats/verification", file=out)
    print(
        "Steps: the proctor confirms a candidate's presence, then the candidate joins.\n", file=out
    )


if __name__ == "__main__":
    print_demo(seed_demo(Settings.from_env()),
               base_url=os.environ.get("DEMO_URL", "http://127.0.0.1:8000"))
