"""Starlette's cookie session, its signature checked once per process and cookie.

A candidate sends the same signed session cookie with every answer, and Starlette's
SessionMiddleware verified it each time (itsdangerous: base64, an HMAC, the timestamp), ≈ 3 % of
an answer cycle's CPU in the load test (py-spy). Here the middleware is Starlette's own; only
its signer remembers the cookies it has verified, with the time each was signed, so a cookie
seen again skips the HMAC but not the age check: a cookie older than ``max_age`` is refused
exactly as before, a cookie the signer never verified (tampered, another secret) goes through
itsdangerous. Only valid cookies are remembered, at most ``REMEMBERED`` per process.
"""

from __future__ import annotations

import itertools
from typing import Literal

import itsdangerous
from itsdangerous.exc import SignatureExpired
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

# ≈ 0.5 kB each: a few MB for the candidates and proctors one process serves at a peak.
REMEMBERED = 20_000


class VerifiedOnceSigner:
    """What SessionMiddleware uses of itsdangerous.TimestampSigner (`sign`, `unsign`), the
    verified cookies remembered."""

    def __init__(self, signer: itsdangerous.TimestampSigner, size: int = REMEMBERED) -> None:
        self._signer = signer
        self._size = size
        self._verified: dict[bytes, tuple[bytes, int]] = {}  # cookie → (payload, signed at)

    def sign(self, value: str | bytes) -> bytes:
        return self._signer.sign(value)

    def unsign(self, value: bytes, max_age: int | None = None) -> bytes:
        known = self._verified.get(value)
        if known is None:
            payload, signed = self._signer.unsign(value, max_age=max_age, return_timestamp=True)
            known = (payload, int(signed.timestamp()))
            if len(self._verified) >= self._size:  # forget the oldest quarter
                for old in list(itertools.islice(self._verified, self._size // 4)):
                    del self._verified[old]
            self._verified[value] = known
            return payload
        payload, signed_at = known
        if max_age is not None and self._signer.get_timestamp() - signed_at > max_age:
            self._verified.pop(value, None)
            raise SignatureExpired(f"Signature age > {max_age} seconds", payload=payload)
        return payload


class SessionCookieMiddleware(SessionMiddleware):
    def __init__(self, app: ASGIApp, secret_key: str, session_cookie: str,
                 max_age: int | None, same_site: Literal["lax", "strict", "none"],
                 https_only: bool) -> None:
        super().__init__(app, secret_key, session_cookie=session_cookie, max_age=max_age,
                         same_site=same_site, https_only=https_only)
        self.signer = VerifiedOnceSigner(self.signer)  # type: ignore[assignment]
