"""Apply or revert the Alembic migrations: `python -m web.migrate [upgrade|downgrade] [REV]`."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from web.settings import ROOT, Settings


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "upgrade"
    url = Settings.from_env().database_url
    if action == "upgrade":
        upgrade(url, argv[1] if len(argv) > 1 else "head")
    elif action == "downgrade":
        downgrade(url, argv[1] if len(argv) > 1 else "base")
    else:
        print("usage: python -m web.migrate [upgrade|downgrade] [REVISION]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
