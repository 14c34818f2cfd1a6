"""Reading responses the way a person reads the page."""

from __future__ import annotations

import html
from typing import Any


def text(response: Any) -> str:
    """The response body with HTML entities decoded (apostrophes, accents in attributes)."""
    return html.unescape(response.text)
