"""Passation's item bank: the framework, the items, and how answers are checked.

Load once at start-up with ``load_bank()``; check answers with ``check_answer(item, form, lang)``.
See ``content/FORMAT.md`` for the file format and ``content/README.md`` for the rules.
"""

from .check import Check, check_answer, right_answer
from .model import (
    KINDS,
    LANGS,
    Area,
    Competence,
    ContentBank,
    ContentError,
    Field,
    Item,
    ItemText,
    Proposal,
    Table,
    Tube,
    provisional_a,
    provisional_b,
)
from .parse import clear_cache, load_bank, parse_bank
from .validate import NO_COVERAGE, Coverage, check_coverage

__all__ = [
    "KINDS", "LANGS", "NO_COVERAGE", "Area", "Check", "Competence", "ContentBank",
    "ContentError", "Coverage", "Field", "Item", "ItemText", "Proposal", "Table", "Tube",
    "check_answer", "check_coverage", "clear_cache", "load_bank", "parse_bank",
    "provisional_a", "provisional_b", "right_answer",
]
