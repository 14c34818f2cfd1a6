"""Platform administration from the command line.

    python -m web.centre.admin create-platform-admin EMAIL      (password read from the terminal,
                                                                  or stdin with --password-stdin)
    python -m web.centre.admin create-jury-member EMAIL         (idem: reviews finalised sessions
                                                                  and publishes their results)
    python -m web.centre.admin create-centre "Collège Jean Moulin" [--time-zone Indian/Reunion]
    python -m web.centre.admin list-centres
    python -m web.centre.admin invite CENTRE_ID EMAIL [--base-url https://passation.example]

`invite` prints a one-time link, valid 7 days: send it to the centre's administrator.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlmodel import col, select

from web.centre import invitations, passwords, time_zones
from web.clock import utcnow
from web.db import make_engine, session_scope
from web.models import Centre
from web.models.staff import ROLE_JURY, ROLE_PLATFORM_ADMIN
from web.settings import Settings


def _read_password(args: argparse.Namespace, email: str) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Confirmez : ") != password:
            raise SystemExit("Les deux mots de passe ne correspondent pas.")
    problems = passwords.password_problems(password, email)
    if problems:
        raise SystemExit(" ".join(problems))
    return password


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.centre.admin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("create-platform-admin")
    p.add_argument("email")
    p.add_argument("--password-stdin", action="store_true")
    p = sub.add_parser("create-jury-member")
    p.add_argument("email")
    p.add_argument("--password-stdin", action="store_true")
    p = sub.add_parser("create-centre")
    p.add_argument("name")
    p.add_argument("--time-zone", default=time_zones.DEFAULT_TIME_ZONE, choices=time_zones.ZONES,
                   help="the zone its sessions' dates and start times are typed in")
    sub.add_parser("list-centres")
    p = sub.add_parser("invite")
    p.add_argument("centre_id", type=int)
    p.add_argument("email")
    p.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)

    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)
    now = utcnow()
    try:
        with session_scope(engine) as db:
            if args.command in ("create-platform-admin", "create-jury-member"):
                jury = args.command == "create-jury-member"
                password = _read_password(args, args.email)
                user = invitations.create_platform_admin(
                    db, args.email, passwords.hash_password(password,
                                                            passwords.profile_of(settings)), now,
                    role=ROLE_JURY if jury else ROLE_PLATFORM_ADMIN)
                db.commit()
                print(f"{'Membre du jury' if jury else 'Administrateur de la plateforme'} "
                      f"créé : {user.email}")
            elif args.command == "create-centre":
                name = " ".join(args.name.split())
                if not name or len(name) > 200:
                    raise SystemExit("Nom de centre vide ou trop long.")
                centre = Centre(name=name, time_zone=args.time_zone, created_at=now)
                db.add(centre)
                db.commit()
                print(f"Centre créé : n° {centre.id} – {centre.name} ({centre.time_zone})")
            elif args.command == "list-centres":
                for centre in db.exec(select(Centre).order_by(col(Centre.id))).all():
                    print(f"{centre.id}\t{centre.name}")
            else:
                token = invitations.invite(db, args.centre_id, args.email, now)
                db.commit()
                link = args.base_url.rstrip("/") + f"/centre/invitation/{token}"
                print(f"Invitation pour {args.email.strip().lower()} (valable 7 jours, "
                      f"utilisable une fois) :\n{link}")
    except invitations.InvitationError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
