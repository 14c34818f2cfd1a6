"""Staff passwords: argon2id hashing and the rules a new password must meet.

Parameters (RFC 9106 §4, second recommended option): argon2id, time_cost=3, memory_cost=64 MiB,
parallelism=1. 64 MiB makes each guess on a GPU costly; parallelism=1 because a hash runs in the
shared thread pool and must not take several cores from the candidates' requests. Measured on the
2-core development machine: about 0.44 s per verification — acceptable because staff sign in
rarely (not candidates, who never hash), and the login rate limits (per e-mail and per address)
cap how many run at once. If that latency or the 64 MiB per concurrent sign-in ever matters,
OWASP's floor (m=19 MiB, t=2) is the next step down. Endpoints run in the thread pool
(web.handler), so hashing never blocks the event loop. Changing these numbers is safe:
`verify_password` says when a stored hash needs rehashing, and the next sign-in upgrades it.
"""

from __future__ import annotations

import functools
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from web.i18n import gettext_ as _

PRODUCTION: dict[str, Any] = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1}
# Tests only (Settings.extra["password_hashing"] = "fast"): the same algorithm, cheap parameters.
FAST: dict[str, Any] = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}

MIN_LENGTH = 12
MAX_LENGTH = 256  # a multi-megabyte "password" would only waste hashing time
# The most common passwords of 12+ characters in public breach lists, and the obvious ones here.
COMMON = {
    "123456789012", "1234567890123", "12345678910", "azertyuiopqs", "azertyuiop12",
    "qwertyuiop12", "qwertyuiopas", "motdepasse12", "motdepasse123", "motdepasse1234",
    "password1234", "password12345", "passwordpassword", "111111111111", "000000000000",
    "aaaaaaaaaaaa", "abcdefghijkl", "iloveyou1234", "bonjour12345", "soleil123456",
    "administrateur", "administrator", "passation123", "passation2026", "certification",
    "certification1", "pixcertif123", "azertyazerty", "qwertyqwerty", "123123123123",
}


@functools.cache
def hasher(profile: str = "production") -> PasswordHasher:
    params = FAST if profile == "fast" else PRODUCTION
    return PasswordHasher(**params)  # argon2id is the library's default type


def profile_of(settings: object) -> str:
    extra = getattr(settings, "extra", {}) or {}
    return "fast" if extra.get("password_hashing") == "fast" else "production"


def hash_password(password: str, profile: str = "production") -> str:
    return hasher(profile).hash(password)


def verify_password(stored_hash: str, password: str,
                    profile: str = "production") -> tuple[bool, str | None]:
    """(matches, new hash when the stored one used other parameters)."""
    ph = hasher(profile)
    try:
        ph.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    return True, (ph.hash(password) if ph.check_needs_rehash(stored_hash) else None)


def burn_time(password: str, profile: str = "production") -> None:
    """Spend a verification's time for an unknown e-mail, so timing does not reveal accounts."""
    verify_password(_dummy_hash(profile), password, profile)


@functools.cache
def _dummy_hash(profile: str) -> str:
    return hash_password("not-a-real-password-0000", profile)


def password_problems(password: str, email: str = "") -> list[str]:
    """Why `password` is refused (empty when acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Le mot de passe doit contenir au moins 12 caractères."))
    if len(password) > MAX_LENGTH:
        problems.append(_("Le mot de passe ne doit pas dépasser 256 caractères."))
    lowered = password.casefold()
    local_part = email.casefold().split("@")[0]
    if email and (lowered == email.casefold() or (len(local_part) >= 4 and lowered == local_part)):
        problems.append(_("Le mot de passe ne doit pas être votre adresse e-mail."))
    if lowered in COMMON or len(set(lowered)) <= 2:
        problems.append(_("Ce mot de passe est trop courant : choisissez-en un autre."))
    return problems
