"""Typed, immutable objects for the framework and the items.

Everything here is a frozen dataclass holding tuples, so one loaded bank can be shared by every
request and every thread without copying. What a candidate sees (``ItemText``) is kept apart from
the key (``Item.solution``, ``Item.free``), so a template given an ``ItemText`` cannot leak the
solution.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    import engine

LANGS = ("fr", "en")
KINDS = ("qcu", "qcm", "qroc", "qrocm-ind", "qrocm-dep")
STATUSES = ("validated", "draft", "archived")
LEVELS = tuple(range(1, 8))
TOLERANCE_FLAGS = ("case", "accents", "spaces", "punctuation", "number")
DEFAULT_TOLERANCE = frozenset({"case", "accents", "spaces", "punctuation"})

# Provisional IRT parameters (see content/README.md): b from the level, a from the kind.
B_CENTRE_LEVEL = 4
B_STEP = 0.8
A_BY_KIND = {"qcu": 0.8, "qcm": 1.0, "qroc": 1.2, "qrocm-ind": 1.2, "qrocm-dep": 1.2}


def provisional_a(kind: str) -> float:
    """Discrimination before calibration: 1.0 adjusted by how much guessing the kind allows."""
    return A_BY_KIND[kind]


def provisional_b(level: int) -> float:
    """Difficulty before calibration: level 4 sits at θ = 0, each level 0.8 further."""
    return round((level - B_CENTRE_LEVEL) * B_STEP, 6)


def lang_of(lang: str | None) -> str:
    """``"en"``, ``"en-GB"`` → ``"en"``; anything unknown falls back to French."""
    code = (lang or "fr")[:2].lower()
    return code if code in LANGS else "fr"


class ContentError(Exception):
    """The content is invalid; ``messages`` lists every problem found (file, item id, what)."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages) or "invalid content")


@dataclass(frozen=True)
class Area:
    code: str
    title_fr: str
    title_en: str

    def title(self, lang: str = "fr") -> str:
        return self.title_en if lang_of(lang) == "en" else self.title_fr


@dataclass(frozen=True)
class Competence:
    code: str
    area: str  # the area's code, "1" … "5"
    title_fr: str
    title_en: str
    description_fr: str
    description_en: str

    def title(self, lang: str = "fr") -> str:
        return self.title_en if lang_of(lang) == "en" else self.title_fr

    def description(self, lang: str = "fr") -> str:
        return self.description_en if lang_of(lang) == "en" else self.description_fr


@dataclass(frozen=True)
class Tube:
    id: str
    competence: str
    title_fr: str
    title_en: str

    def title(self, lang: str = "fr") -> str:
        return self.title_en if lang_of(lang) == "en" else self.title_fr


@dataclass(frozen=True)
class Proposal:
    key: str  # "1", "2", … (1-based index as a string)
    label: str


@dataclass(frozen=True)
class Field:
    name: str  # the web form posts it as "answer" (qroc) or "answer-<name>" (qrocm)
    label: str


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ItemText:
    """What the candidate sees in one language. Never holds the solution."""

    instruction_paragraphs: tuple[str, ...]
    proposals: tuple[Proposal, ...] = ()
    fields: tuple[Field, ...] = ()
    explanation: str = ""
    image_alt: str | None = None
    table: Table | None = None


@dataclass(frozen=True)
class Answers:
    """Accepted free answers: language-neutral ones plus per-language ones.

    Each entry is a tuple of alternatives that count as the same answer (for ``qrocm-dep``
    pools, where every field needs a *different* entry; elsewhere entries are simply pooled).
    """

    neutral: tuple[tuple[str, ...], ...] = ()
    fr: tuple[tuple[str, ...], ...] = ()
    en: tuple[tuple[str, ...], ...] = ()

    def entries(self, lang: str = "fr") -> tuple[tuple[str, ...], ...]:
        """Accepted entries for a candidate answering in ``lang``: neutral + that language's."""
        return self.neutral + (self.en if lang_of(lang) == "en" else self.fr)

    def flat(self, lang: str = "fr") -> tuple[str, ...]:
        return tuple(alt for entry in self.entries(lang) for alt in entry)

    def every(self) -> tuple[str, ...]:
        """Every accepted string, whatever the language."""
        return tuple(alt for entry in self.neutral + self.fr + self.en for alt in entry)


@dataclass(frozen=True)
class FreeField:
    """The key of one free-text field (qroc: the field named "answer")."""

    name: str
    answers: Answers  # for qrocm-dep fields this is empty: the item's ``pool`` is used
    tolerance: frozenset[str] = DEFAULT_TOLERANCE


@dataclass(frozen=True)
class Item:
    id: str
    competence: str
    tube: str
    skill: str
    level: int
    kind: str
    status: str
    blind_ok: bool
    colorblind_ok: bool
    focus: bool
    timer: int  # seconds, 0 = not timed
    a: float
    b: float
    calibrated: bool
    image: str | None
    code: str | None
    source: str = ""  # the file the item came from, relative to the content directory
    solution: tuple[int, ...] = ()  # qcu/qcm: 1-based indexes of the right proposals
    free: tuple[FreeField, ...] = ()  # qroc: one field "answer"; qrocm: one per field
    pool: Answers = Answers()  # qrocm-dep: the shared pool of answers
    pool_tolerance: frozenset[str] = DEFAULT_TOLERANCE
    text_fr: ItemText = field(default_factory=lambda: ItemText(()), repr=False)
    text_en: ItemText = field(default_factory=lambda: ItemText(()), repr=False)

    @property
    def accessible(self) -> bool:
        return self.blind_ok and self.colorblind_ok

    def text(self, lang: str = "fr") -> ItemText:
        return self.text_en if lang_of(lang) == "en" else self.text_fr


@dataclass(frozen=True)
class ContentBank:
    items: Mapping[str, Item]
    competences: tuple[Competence, ...]
    media_dir: Path
    areas: tuple[Area, ...] = ()
    tubes: Mapping[str, Tube] = field(default_factory=dict)
    directory: Path | None = None

    def validated(self) -> list[Item]:
        return [item for item in self.items.values() if item.status == "validated"]

    def competence(self, code: str) -> Competence:
        for competence in self.competences:
            if competence.code == code:
                return competence
        raise KeyError(code)

    def to_engine(self) -> engine.ItemBank:
        """The validated items as the engine's immutable arrays."""
        # Imported here so that content imports even while engine is broken or absent.
        try:
            from engine import ItemBank, ItemRow
        except ImportError:
            from engine.bank import ItemBank, ItemRow

        return ItemBank.from_rows(
            ItemRow(
                id=item.id, a=item.a, b=item.b, competence=item.competence,
                tube=item.tube, skill=item.skill, accessible=item.accessible,
            )
            for item in self.validated()
        )
