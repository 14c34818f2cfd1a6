"""Reading forms: the url-encoded fast path (web.handler.read_form) gives what Starlette's
parser gives, and malformed or oversized forms get a 400 with a message, never a 500."""

from __future__ import annotations

import anyio.from_thread
import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from web.handler import MAX_FIELDS, MAX_PART_SIZE, read_form

URLENCODED = b"application/x-www-form-urlencoded"


def _request(body: bytes, headers: list[tuple[bytes, bytes]]) -> Request:
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers,
             "query_string": b""}
    return Request(scope, receive)


def _both(body: bytes, *, content_length: bool = True) -> tuple[list, list]:
    headers = [(b"content-type", URLENCODED)]
    if content_length:
        headers.append((b"content-length", str(len(body)).encode()))

    async def read() -> tuple[list, list]:
        ours = await read_form(_request(body, headers), max_files=0, max_part_size=MAX_PART_SIZE)
        theirs = await _request(body, headers).form(max_fields=MAX_FIELDS,
                                                   max_part_size=MAX_PART_SIZE)
        return list(ours.multi_items()), list(theirs.multi_items())

    # In a portal's own event loop, as TestClient does: the browser tests leave one running here.
    with anyio.from_thread.start_blocking_portal() as portal:
        return portal.call(read)


@pytest.mark.parametrize("body", [
    b"served=12&answer=caf%C3%A9",  # UTF-8 text, as browsers send it
    b"answer=a+b%2Bc&answer=second&answer=",  # + is a space, %2B a plus; repeated; blank
    b"choice=1&choice=3&served=7",
    b"lonely&served=1",  # a name without "="
    b"bad=%E9%ZZ",  # invalid UTF-8 and a broken escape: replaced, not an error
    "raw=\u00e9".encode("latin-1"),  # a raw non-ASCII byte
    b"",
    b"a=1&&b=2",
])
def test_urlencoded_fast_path_reads_like_starlette(body: bytes) -> None:
    ours, theirs = _both(body)
    assert ours == theirs


def test_without_content_length_starlette_reads_the_stream() -> None:
    ours, theirs = _both(b"served=3&answer=ok", content_length=False)
    assert ours == theirs == [("served", "3"), ("answer", "ok")]


def test_too_many_fields_is_a_400_with_a_message(client: TestClient) -> None:
    body = "&".join(f"f{i}=x" for i in range(MAX_FIELDS + 1))
    response = client.post("/langue", content=body,
                           headers={"content-type": URLENCODED.decode()})
    assert response.status_code == 400
    assert "Formulaire illisible" in response.text


def test_a_field_over_the_size_limit_is_a_400(client: TestClient) -> None:
    body = "lang=" + "x" * (MAX_PART_SIZE + 1)
    response = client.post("/langue", content=body,
                           headers={"content-type": URLENCODED.decode()})
    assert response.status_code == 400


def test_a_small_form_still_works(client: TestClient) -> None:
    response = client.post("/langue", content="lang=en&next=%2F",
                           headers={"content-type": URLENCODED.decode()},
                           follow_redirects=False)
    assert response.status_code == 303
    assert response.cookies.get("lang") == "en"
