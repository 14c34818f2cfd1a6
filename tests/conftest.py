"""Shared fixtures: a fresh app and database per test, on SQLite and on PostgreSQL.

Every test that asks for `database_url` (directly or through `app`/`client`) runs twice: on the
embedded SQLite default and on PostgreSQL. PostgreSQL is found at TEST_DATABASE_URL or
127.0.0.1:5432; this run creates its own database there, migrated once, and drops it at the end.
Where PostgreSQL is unreachable the PostgreSQL half is skipped with the reason — except with
CI=true, where it fails.
"""

from __future__ import annotations

import functools
import getpass
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel
from starlette.testclient import TestClient

from web.app import create_app
from web.clock import FrozenClock
from web.db import make_engine
from web.migrate import upgrade
from web.settings import Settings

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _pg_admin_candidates() -> list[str]:
    """Where to create this run's database: TEST_DATABASE_URL alone when set (a typo must not
    fall back silently to another server), else user `postgres` or the current user on
    127.0.0.1:5432 with trust authentication."""
    override = os.environ.get("TEST_DATABASE_URL", "")
    if override:
        url = make_url(override)
        if url.drivername in ("postgresql", "postgres"):  # psycopg 3 is the installed driver
            url = url.set(drivername="postgresql+psycopg")
        return [url.render_as_string(hide_password=False)]
    users = dict.fromkeys(["postgres", getpass.getuser()])
    return [f"postgresql+psycopg://{user}@127.0.0.1:5432/{database}"
            for user in users for database in ("postgres", "template1")]


def skip_or_fail(reason: str) -> None:
    """A missing service skips on a developer's machine and fails in CI (nothing skipped there)."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: required, not skipped)", pytrace=False)
    pytest.skip(reason)


@functools.cache
def _find_pg_admin() -> tuple[str | None, str]:
    errors = []
    for url in _pg_admin_candidates():
        engine = create_engine(
            url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return url, ""
        except Exception as exc:  # unreachable, wrong user, no such database
            errors.append(
                f"{make_url(url).render_as_string(hide_password=True)}: {type(exc).__name__}"
            )
        finally:
            engine.dispose()
    return None, "; ".join(errors)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`@pytest.mark.postgres_only`: the SQLite variant is deselected (not skipped)."""
    dropped = [item for item in items if item.get_closest_marker("postgres_only")
               and getattr(item, "callspec", None) is not None
               and item.callspec.params.get("database_url") == "sqlite"]  # type: ignore[attr-defined]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """A PostgreSQL database for this test run, migrated to head; None when unreachable."""
    admin_url, error = _find_pg_admin()
    if admin_url is None:
        yield None
        return
    name = f"passation_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_unreachable_reason() -> str:
    return _find_pg_admin()[1]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating each time would be slow)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


def _truncate_all(url: str) -> None:
    import web.models  # noqa: F401 - registers the tables

    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "passation.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_database")
    if url is None:
        skip_or_fail("PostgreSQL unreachable: " + request.getfixturevalue("pg_unreachable_reason"))
    _truncate_all(url)
    yield url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        environment="test",
        sweep_interval_seconds=0,
    )


@pytest.fixture
def app(settings: Settings, clock: FrozenClock):  # noqa: ANN201
    return create_app(settings, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def db_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
