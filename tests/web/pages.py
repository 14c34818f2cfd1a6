"""Reading responses the way a person reads the page."""

from __future__ import annotations

import html
import re
from typing import Any


def text(response: Any) -> str:
    """The response body with HTML entities decoded (apostrophes, accents in attributes)."""
    return html.unescape(response.text)


def granted_shown(live_list: str, candidate_id: int) -> str:
    """The total of granted minutes the candidate's "Accorder" form carries on the proctor's
    live list (its hidden field): what the form sends back with the minutes typed."""
    row = live_list.split(f'id="candidat-{candidate_id}"', 1)[1]
    shown = re.search(r'name="granted" value="(\d+)"', row)
    assert shown is not None, "no time form on the candidate's row"
    return shown[1]


def assert_security_headers(response, *, cached: bool = False) -> None:  # noqa: ANN001
    where = f"{response.request.method} {response.request.url.path} → {response.status_code}"
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, where
    assert response.headers.get("x-frame-options") == "DENY", where
    assert response.headers.get("x-content-type-options") == "nosniff", where
    assert response.headers.get("referrer-policy") == "same-origin", where
    if not cached:
        assert response.headers.get("cache-control") == "no-store", where
