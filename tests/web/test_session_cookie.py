"""The session cookie is verified once per process, and still refused when forged or too old."""

from __future__ import annotations

import itsdangerous
import pytest
from itsdangerous.exc import BadSignature, SignatureExpired
from starlette.testclient import TestClient

from tests.web.factories import make_session
from web.session_cookie import VerifiedOnceSigner


class CountingSigner(itsdangerous.TimestampSigner):
    """itsdangerous' signer with a settable clock, counting the signatures it checks."""

    now = 1_800_000_000
    checks = 0

    def get_timestamp(self) -> int:
        return self.now

    def verify_signature(self, value: bytes, sig: str | bytes) -> bool:
        self.checks += 1
        return super().verify_signature(value, sig)


@pytest.fixture
def signer() -> CountingSigner:
    return CountingSigner("a secret for the tests")


def test_a_cookie_seen_again_is_not_verified_again(signer: CountingSigner) -> None:
    once = VerifiedOnceSigner(signer)
    cookie = once.sign(b"payload")
    assert once.unsign(cookie, max_age=3600) == b"payload"
    assert once.unsign(cookie, max_age=3600) == b"payload"
    assert signer.checks == 1


def test_a_remembered_cookie_still_expires(signer: CountingSigner) -> None:
    once = VerifiedOnceSigner(signer)
    cookie = once.sign(b"payload")
    assert once.unsign(cookie, max_age=3600) == b"payload"
    signer.now += 3600
    assert once.unsign(cookie, max_age=3600) == b"payload"  # exactly max_age: still valid
    signer.now += 1
    with pytest.raises(SignatureExpired):
        once.unsign(cookie, max_age=3600)
    with pytest.raises(SignatureExpired):  # forgotten, then refused by itsdangerous itself
        once.unsign(cookie, max_age=3600)
    assert signer.checks == 2


def test_a_forged_cookie_is_refused_every_time(signer: CountingSigner) -> None:
    once = VerifiedOnceSigner(signer)
    forged = once.sign(b"payload").replace(b"payload", b"admin!!")
    for _ in range(2):
        with pytest.raises(BadSignature):
            once.unsign(forged, max_age=3600)
    assert signer.checks == 2
    other = VerifiedOnceSigner(CountingSigner("another secret"))
    with pytest.raises(BadSignature):
        other.unsign(once.sign(b"payload"), max_age=3600)


def test_at_most_so_many_cookies_are_remembered(signer: CountingSigner) -> None:
    once = VerifiedOnceSigner(signer, size=8)
    cookies = [once.sign(f"visitor {i}".encode()) for i in range(20)]
    for cookie in cookies:
        once.unsign(cookie, max_age=3600)
    assert signer.checks == 20
    assert once.unsign(cookies[-1], max_age=3600) == b"visitor 19"  # recent: remembered
    assert signer.checks == 20
    assert once.unsign(cookies[0], max_age=3600) == b"visitor 0"  # forgotten: checked again
    assert signer.checks == 21


def test_the_session_survives_requests_and_a_tampered_cookie_is_ignored(
        client: TestClient, db_engine, clock) -> None:  # noqa: ANN001
    session_id, _ = make_session(db_engine, clock.now())
    live = f"/surveillant/session/{session_id}"
    signed_in = client.post("/surveillant", data={"session": str(session_id),
                                                  "password": "K7P4MX"})
    assert signed_in.url.path == live
    for _ in range(3):  # the same cookie, remembered after the first
        assert client.get(live, follow_redirects=False).status_code == 200
    value = client.cookies["passation"]
    client.cookies.clear()
    client.cookies.set("passation", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    refused = client.get(live, follow_redirects=False)
    assert refused.status_code == 403  # as without a session: not signed in
