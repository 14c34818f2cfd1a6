"""Telling an htmx partial request from a full page (web.htmx.is_htmx)."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from web.htmx import is_htmx


def request(*headers: tuple[str, str]) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": b"",
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers]})


@pytest.mark.parametrize(("headers", "partial"), [
    ((), False),
    ((("HX-Request", "true"),), True),
    ((("HX-Request", "false"),), False),
    ((("HX-Request", "true"), ("HX-History-Restore-Request", "true")), False),  # Back: a page
    ((("HX-History-Restore-Request", "true"), ("HX-Request", "true")), False),
    ((("HX-Request", "true"), ("HX-History-Restore-Request", "false")), True),
    ((("HX-Request", "true"), ("HX-Request", "false")), True),  # the first, as Headers.get
])
def test_partial_requests(headers: tuple[tuple[str, str], ...], partial: bool) -> None:
    assert is_htmx(request(*headers)) is partial
