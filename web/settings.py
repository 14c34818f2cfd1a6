"""Application settings, read from the environment once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-insecure-secret-change-me"  # noqa: S105 - a known placeholder, refused outside development


class SettingsError(RuntimeError):
    """Raised when the configuration would make the app unsafe or unusable."""


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{ROOT / 'var' / 'passation.sqlite3'}"
    secret_key: str = DEV_SECRET
    environment: str = "development"  # development | test | production
    default_language: str = "fr"
    # Cookies are Secure only behind HTTPS; the demo runs on http://127.0.0.1.
    secure_cookies: bool = False
    session_max_age_seconds: int = 4 * 3600
    # How long a proctor's presence confirmation (or resume authorisation) lets a candidate in.
    authorisation_minutes: int = 15
    # A background task closes overdue tests without waiting for a request (seconds, 0 = off).
    sweep_interval_seconds: float = 30.0
    # Where users can get the source code of the version that runs (AGPL section 13: a
    # modified version served over a network must offer its source); linked from every page.
    source_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.environment not in {"development", "test", "production"}:
            raise SettingsError(
                f"PASSATION_ENV must be development, test or production, not {self.environment!r}"
            )
        if self.environment == "production" and (
            self.secret_key == DEV_SECRET or len(self.secret_key) < 32
        ):
            raise SettingsError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production"
            )

        if self.source_url and not self.source_url.startswith(("https://", "http://")):
            raise SettingsError(
                f"SOURCE_URL must be an http(s) address, not {self.source_url!r}"
            )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        kwargs: dict[str, object] = {}
        if env.get("DATABASE_URL"):
            kwargs["database_url"] = env["DATABASE_URL"]
        if env.get("SECRET_KEY"):
            kwargs["secret_key"] = env["SECRET_KEY"]
        if env.get("PASSATION_ENV"):
            kwargs["environment"] = env["PASSATION_ENV"]
        if env.get("SECURE_COOKIES"):
            kwargs["secure_cookies"] = env["SECURE_COOKIES"].lower() in {"1", "true", "yes"}
        if env.get("SWEEP_INTERVAL_SECONDS"):
            kwargs["sweep_interval_seconds"] = float(env["SWEEP_INTERVAL_SECONDS"])
        if env.get("SOURCE_URL"):
            kwargs["source_url"] = env["SOURCE_URL"]
        return cls(**kwargs)  # type: ignore[arg-type]
