"""Checks shared by the forms: numbers typed as text, text that will be stored."""

from __future__ import annotations

import re

# Control characters other than tab and line breaks: no keyboard types them, and PostgreSQL
# refuses NUL in a text column (SQLite stores it), which would fail only there, with a 500.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def whole_number(text: str, max_digits: int = 9) -> int | None:
    """`text` as a number when it is 1 to `max_digits` decimal digits, else None.

    Not `str.isdigit()` then `int()`: isdigit also accepts "²", which int() refuses, and int()
    refuses more than 4300 digits."""
    if not text.isdecimal() or len(text) > max_digits:
        return None
    return int(text)


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def without_control(text: str) -> str:
    """`text` with its control characters made spaces: for a search, which no stored text with
    them could match anyway (every form refuses them)."""
    return _CONTROL.sub(" ", text)
