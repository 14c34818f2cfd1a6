"""Answer checking for every kind, shared by the web app and the tests.

Form fields (what the web app posts): qcu → ``answer`` (one proposal key); qcm → ``answer``
(zero or more keys; none selected is a valid, wrong answer; an absent ``answer`` is the same as
none, because browsers send no unchecked box); qroc → ``answer``; qrocm → ``answer-<field>``.
Other keys are ignored. Free text is checked against the item's language-neutral answers plus
the answers of ``lang`` only (a French candidate's "printer" is not "imprimante").
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import Item, lang_of
from .normalise import clean, same_answer

MAX_LENGTH = 500
ERR_CHOOSE = "Choisissez une réponse."
ERR_ONE = "Choisissez une seule réponse."
ERR_UNKNOWN = "Réponse inconnue : choisissez parmi les propositions."
ERR_EMPTY = "Saisissez une réponse, ou passez la question."
ERR_LONG = f"Réponse trop longue ({MAX_LENGTH} caractères au plus)."
ERR_CHARS = "La réponse contient des caractères non autorisés."
ERR_MISSING = "Réponse incomplète : un champ manque."
ERR_FORM = "Réponse mal formée."


@dataclass(frozen=True)
class Check:
    valid: bool  # False for a malformed submission
    correct: bool  # only meaningful when valid
    value: str  # canonical form to store
    error: str | None = None  # a short French message for the candidate when not valid


def _invalid(error: str) -> Check:
    return Check(valid=False, correct=False, value="", error=error)


class _Malformed(Exception):
    def __init__(self, error: str):
        self.error = error


def _values(form: Mapping[str, Sequence[str]], key: str) -> list[str] | None:
    """The submitted strings for ``key``; None when the key is absent."""
    try:
        raw = form.get(key)
    except Exception:  # a mapping that misbehaves is a malformed submission, not a crash
        raise _Malformed(ERR_FORM) from None
    if raw is None:
        return None
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise _Malformed(ERR_FORM)
    return list(values)


def _text(value: str) -> str:
    text = clean(value)
    if len(text) > MAX_LENGTH:
        raise _Malformed(ERR_LONG)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text):
        raise _Malformed(ERR_CHARS)
    return text


def _one_text(form: Mapping[str, Sequence[str]], key: str) -> str:
    values = _values(form, key)
    if values is None:
        raise _Malformed(ERR_MISSING if key != "answer" else ERR_EMPTY)
    if len(values) != 1:
        raise _Malformed(ERR_FORM)
    return _text(values[0])


def _choices(item: Item, form: Mapping[str, Sequence[str]]) -> Check:
    keys = {p.key for p in item.text_fr.proposals}
    values = _values(form, "answer") or []
    for v in values:
        if len(v) > MAX_LENGTH:
            raise _Malformed(ERR_LONG)
    chosen = [v.strip() for v in values]
    if any(v not in keys for v in chosen):
        raise _Malformed(ERR_UNKNOWN)
    picked = sorted({int(v) for v in chosen})
    if item.kind == "qcu":
        if not picked:
            raise _Malformed(ERR_CHOOSE)
        if len(picked) > 1:
            raise _Malformed(ERR_ONE)
    value = ",".join(str(i) for i in picked)
    return Check(valid=True, correct=tuple(picked) == item.solution, value=value)


def _matches(text: str, entries: Sequence[Sequence[str]], flags: frozenset[str]) -> set[int]:
    """Indexes of the entries ``text`` counts as."""
    if not text:
        return set()
    return {i for i, entry in enumerate(entries) if any(same_answer(text, a, flags)
                                                        for a in entry)}


def _distinct_match(options: list[set[int]]) -> bool:
    """Whether each field can be given its own entry (bipartite matching, augmenting paths)."""
    owner: dict[int, int] = {}

    def place(field: int, seen: set[int]) -> bool:
        for entry in options[field]:
            if entry in seen:
                continue
            seen.add(entry)
            if entry not in owner or place(owner[entry], seen):
                owner[entry] = field
                return True
        return False

    return all(place(f, set()) for f in range(len(options)))


def _free(item: Item, form: Mapping[str, Sequence[str]], lang: str) -> Check:
    if item.kind == "qroc":
        text = _one_text(form, "answer")
        if not text:
            raise _Malformed(ERR_EMPTY)
        key = item.free[0]
        correct = bool(_matches(text, key.answers.entries(lang), key.tolerance))
        return Check(valid=True, correct=correct, value=text)
    texts = {f.name: _one_text(form, f"answer-{f.name}") for f in item.free}
    if not any(texts.values()):
        raise _Malformed(ERR_EMPTY)
    value = json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    if item.kind == "qrocm-ind":
        correct = all(_matches(texts[f.name], f.answers.entries(lang), f.tolerance)
                      for f in item.free)
    else:
        entries = item.pool.entries(lang)
        options = [_matches(texts[f.name], entries, item.pool_tolerance) for f in item.free]
        correct = all(options) and _distinct_match(options)
    return Check(valid=True, correct=correct, value=value)


def check_answer(item: Item, form: Mapping[str, Sequence[str]], lang: str = "fr") -> Check:
    """Check a submission; never raises on malformed input (it returns ``valid=False``)."""
    try:
        if not isinstance(form, Mapping):
            raise _Malformed(ERR_FORM)
        if item.kind in ("qcu", "qcm"):
            return _choices(item, form)
        return _free(item, form, lang_of(lang))
    except _Malformed as bad:
        return _invalid(bad.error)


def right_answer(item: Item, lang: str = "fr") -> dict[str, list[str]]:
    """A form holding a right answer (the first accepted one of each field): for tests and
    for ``python -m content show``."""
    lang = lang_of(lang)
    if item.kind in ("qcu", "qcm"):
        return {"answer": [str(i) for i in item.solution]}
    if item.kind == "qroc":
        return {"answer": [item.free[0].answers.entries(lang)[0][0]]}
    if item.kind == "qrocm-ind":
        return {f"answer-{f.name}": [f.answers.entries(lang)[0][0]] for f in item.free}
    entries = item.pool.entries(lang)
    return {f"answer-{f.name}": [entries[i][0]] for i, f in enumerate(item.free)}
