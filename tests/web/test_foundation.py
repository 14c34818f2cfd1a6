"""The app shell: pages, headers, cross-site protection, language, settings, migrations."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from dataclasses import replace

import pytest
from sqlalchemy import inspect
from starlette.testclient import TestClient

from web.app import create_app
from web.migrate import downgrade, upgrade
from web.settings import DEV_SECRET, Settings, SettingsError


def test_home_page_is_french_with_landmarks_and_status_region(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    assert '<html lang="fr">' in page
    assert 'href="#contenu"' in page and '<main id="contenu"' in page
    assert "<header" in page and "<footer" in page
    assert 'id="status"' in page and 'role="status"' in page
    assert "Passer ma certification" in page


def test_security_headers_and_strict_csp(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "HX-Request" in response.headers["vary"]


def test_cross_site_post_is_refused_and_same_origin_accepted(client: TestClient) -> None:
    refused = client.post(
        "/langue",
        data={"lang": "en", "next": "/"},
        headers={"Sec-Fetch-Site": "cross-site"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert "Requête refusée" in refused.text
    assert "script-src 'self'" in refused.headers["content-security-policy"]
    assert refused.headers["x-frame-options"] == "DENY"
    by_origin = client.post(
        "/langue",
        data={"lang": "en", "next": "/"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert by_origin.status_code == 403
    accepted = client.post(
        "/langue",
        data={"lang": "en", "next": "/"},
        headers={"Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303


def test_language_switch_to_english_and_back(client: TestClient) -> None:
    response = client.post("/langue", data={"lang": "en", "next": "/"})
    assert '<html lang="en">' in response.text
    assert "Take my certification" in response.text
    cookie = response.history[0].headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    response = client.post("/langue", data={"lang": "fr", "next": "/"})
    assert "Passer ma certification" in response.text


def test_language_switch_never_redirects_off_site(client: TestClient) -> None:
    response = client.post(
        "/langue", data={"lang": "en", "next": "//evil.example/x"}, follow_redirects=False
    )
    assert response.headers["location"] == "/"


def test_unknown_page_gets_a_french_404(client: TestClient) -> None:
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Cette page n'existe pas." in html.unescape(response.text)


def test_htmx_error_goes_to_the_status_region(client: TestClient) -> None:
    response = client.get("/nulle-part", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["hx-retarget"] == "#status"
    assert "<html" not in response.text


def test_health_checks_the_database(client: TestClient) -> None:
    assert client.get("/sante").text == "ok"


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(SettingsError):
        Settings(environment="production", secret_key=DEV_SECRET)
    with pytest.raises(SettingsError):
        Settings(environment="production", secret_key="short")
    assert Settings(environment="production", secret_key="x" * 40).environment == "production"


def test_settings_from_environment() -> None:
    settings = Settings.from_env({"DATABASE_URL": "sqlite:///x.db", "PASSATION_ENV": "test"})
    assert settings.database_url == "sqlite:///x.db"
    assert settings.environment == "test"


def test_every_page_links_to_the_source_of_the_running_version(settings, clock) -> None:  # noqa: ANN001
    """AGPL section 13: people using a modified version over the network are offered its
    source. The operator says where it is (SOURCE_URL); the link is in every page's footer."""
    assert Settings.from_env({"SOURCE_URL": "https://code.example.fr/passation"}).source_url \
        == "https://code.example.fr/passation"
    with pytest.raises(SettingsError, match="SOURCE_URL"):
        Settings(source_url="javascript:alert(1)")
    app = create_app(replace(settings, source_url="https://code.example.fr/passation"),
                     clock=clock)
    with TestClient(app, base_url="http://127.0.0.1") as browser:
        for path in ("/", "/candidat", "/surveillant", "/centre/connexion", "/page-inconnue"):
            footer = browser.get(path).text.split("<footer", 1)[1]
            assert ('<a href="https://code.example.fr/passation">Code source de ce service '
                    "(logiciel libre, licence AGPL 3.0 ou ultérieure)</a>") in footer, path
        browser.post("/langue", data={"lang": "en", "next": "/"})
        assert "Source code of this service" in browser.get("/").text


def test_without_a_source_address_the_footer_has_no_dead_link(client: TestClient) -> None:
    assert "Code source" not in client.get("/").text.split("<footer", 1)[1]


def test_a_serving_process_freezes_what_start_up_built(tmp_path) -> None:  # noqa: ANN001
    """`uvicorn --factory web.app:asgi_app` (not create_app: tests build many apps)."""
    probe = ("import gc; from web.app import asgi_app; asgi_app(); "
             "print(gc.get_threshold()[0], gc.get_freeze_count() > 10_000)")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}",
           "PASSATION_ENV": "development"}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.split() == ["10000", "True"]


def test_migrations_go_up_and_down(database_url: str, db_engine) -> None:  # noqa: ANN001
    # The fixture database is at head already: go down to nothing, then up again.
    downgrade(database_url, "base")
    assert set(inspect(db_engine).get_table_names()) <= {"alembic_version"}
    upgrade(database_url)
    db_engine.dispose()
    assert {"certification_course", "answer", "served_item", "live_alert"} <= set(
        inspect(db_engine).get_table_names()
    )


def test_migrations_match_the_models(database_url: str, db_engine) -> None:  # noqa: ANN001
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import web.models  # noqa: F401

    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
