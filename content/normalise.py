"""Tolerance rules for free answers: what "the same answer" means.

Flags (declared per item or field, see FORMAT.md): ``case``, ``accents``, ``spaces``,
``punctuation``, ``number``. Whatever the flags, answers are compared after Unicode NFKC
normalisation, with leading/trailing white space removed, runs of inner white space collapsed to
one space, and typographic apostrophes and quotes (’ ‘ “ ” « ») read as their plain forms.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection
from decimal import Decimal, InvalidOperation

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_NUMBER_CHARS = re.compile(r"^[+-]?[0-9.,]*[0-9][0-9.,]*$")


def clean(text: str) -> str:
    """The canonical stored form of a submitted text: NFC, trimmed."""
    return unicodedata.normalize("NFC", text).strip()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_LIGATURES))
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", kept)


def normalise(text: str, flags: Collection[str]) -> str:
    """The form two answers are compared in, under the given tolerance flags."""
    s = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    if "case" in flags:
        s = s.casefold()
    if "accents" in flags:
        s = strip_accents(s)
    if "punctuation" in flags:
        s = "".join(ch for ch in s if not unicodedata.category(ch).startswith("P"))
    if "spaces" in flags:
        return "".join(s.split())
    return " ".join(s.split())


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def numbers(text: str) -> frozenset[Decimal]:
    """Every value ``text`` can be read as, in French or English writing; empty if not a number.

    White space (including non-breaking spaces) is a thousands separator; ``,`` and ``.`` are
    either decimal marks or thousands separators. When both appear, the last one is the decimal
    mark. One separator followed by exactly three digits (``1,000``, ``2.500``) is ambiguous
    between the two writings, and both readings are returned.
    """
    s = unicodedata.normalize("NFKC", text).replace("−", "-")
    s = "".join(s.split()).replace("'", "").replace("’", "")
    if not _NUMBER_CHARS.match(s):
        return frozenset()
    sign, body = ("-", s[1:]) if s[0] in "+-" else ("", s)
    if body[:1] in "+-":
        return frozenset()
    seps = [ch for ch in body if ch in ",."]
    values: set[Decimal | None] = set()
    if not seps:
        values.add(_decimal(sign + body))
    elif len(set(seps)) == 2:
        point = body[max(body.rfind(","), body.rfind("."))]
        thousands = "," if point == "." else "."
        whole, _, frac = body.rpartition(point)
        grouped = re.fullmatch(r"\d{1,3}(?:" + re.escape(thousands) + r"\d{3})+", whole)
        if grouped and frac.isdigit():
            values.add(_decimal(sign + whole.replace(thousands, "") + "." + frac))
    elif len(seps) == 1:
        whole, _, frac = body.partition(seps[0])
        if (whole or frac) and (not whole or whole.isdigit()) and (not frac or frac.isdigit()):
            values.add(_decimal(sign + (whole or "0") + "." + (frac or "0")))
            if len(frac) == 3 and 1 <= len(whole) <= 3:
                values.add(_decimal(sign + whole + frac))
    elif re.fullmatch(r"\d{1,3}(?:" + re.escape(seps[0]) + r"\d{3})+", body):
        values.add(_decimal(sign + body.replace(seps[0], "")))
    values.discard(None)
    return frozenset(v for v in values if v is not None)


def same_answer(candidate: str, accepted: str, flags: Collection[str]) -> bool:
    """Whether ``candidate`` counts as the accepted answer under ``flags``.

    With ``number``, an accepted answer that reads as a number is compared as a number (any
    reading of the candidate equal to any reading of the answer); an accepted answer that is not
    a number is compared as text under the other flags.
    """
    key = flags if isinstance(flags, frozenset) else frozenset(flags)
    expected, accepted_text = _compared_forms(accepted, key)
    if expected:
        return not expected.isdisjoint(_compared_forms(candidate, key)[0])
    return _compared_forms(candidate, key)[1] == accepted_text


@functools.lru_cache(maxsize=2048)  # ≤ 2,048 short texts per process
def _compared_forms(text: str, flags: frozenset[str]) -> tuple[frozenset[Decimal], str]:
    """(its readings as a number if ``number`` is a flag, its normalised text): an answer is
    compared with every accepted alternative of an item, and the alternatives with every
    answer, so both sides are worked out once (a free answer's check was ~0.1 ms of a request,
    mostly this done again per pair)."""
    readings = numbers(text) if "number" in flags else frozenset()
    return readings, normalise(text, flags - {"number"})
