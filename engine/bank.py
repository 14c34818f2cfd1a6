"""The item bank as immutable numpy arrays, built once at start-up.

Every per-request computation in the engine works on these arrays, so the bank
is converted once (from the content package's rows or a CSV file) and never
mutated: arrays are made read-only so a stray in-place write fails loudly
instead of silently changing every candidate's test.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_TRUE = {"1", "true", "yes", "y", "t"}


@dataclass(frozen=True)
class ItemRow:
    """One item as the content package hands it over."""

    id: str
    a: float
    b: float
    competence: str
    tube: str
    skill: str
    accessible: bool


def _codes(values: list[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes for string labels, labels sorted so codes are reproducible."""
    labels = tuple(sorted(set(values)))
    index = {label: i for i, label in enumerate(labels)}
    return np.array([index[v] for v in values], dtype=np.intp), labels


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


class ItemBank:
    """Immutable arrays over the items; position ``i`` is the same item in every array."""

    ids: tuple[str, ...]
    a: np.ndarray
    b: np.ndarray
    competence: np.ndarray
    tube: np.ndarray
    skill: np.ndarray
    accessible: np.ndarray
    competences: tuple[str, ...]
    tubes: tuple[str, ...]
    skills: tuple[str, ...]

    def __init__(self, rows: Iterable[ItemRow]):
        rows = list(rows)
        if not rows:
            raise ValueError("an item bank needs at least one item")
        self.ids = tuple(r.id for r in rows)
        self._index = {item_id: i for i, item_id in enumerate(self.ids)}
        if len(self._index) != len(self.ids):
            raise ValueError("item ids must be unique")
        self.a = _frozen(np.array([float(r.a) for r in rows]))
        self.b = _frozen(np.array([float(r.b) for r in rows]))
        if not (np.all(np.isfinite(self.a)) and np.all(np.isfinite(self.b))):
            raise ValueError("a and b must be finite")
        if np.any(self.a <= 0):
            raise ValueError("discrimination a must be positive")
        competence, self.competences = _codes([r.competence for r in rows])
        # A tube or skill code is only meaningful inside its competence in the
        # content model, but codes are global strings, so encode them as given.
        tube, self.tubes = _codes([r.tube for r in rows])
        skill, self.skills = _codes([r.skill for r in rows])
        self.competence = _frozen(competence)
        self.tube = _frozen(tube)
        self.skill = _frozen(skill)
        self.accessible = _frozen(np.array([bool(r.accessible) for r in rows]))
        self.a2 = _frozen(self.a * self.a)  # information = a² P (1 − P): square once
        # Plain-list copies for per-item lookups in Python loops (history parsing): indexing a
        # numpy array yields a numpy scalar, several times slower than a list element.
        self.a_list: list[float] = self.a.tolist()
        self.b_list: list[float] = self.b.tolist()
        # Derived per-configuration arrays (exposure tables) are cached here;
        # see engine.selection._derived. Keyed by id(config), config kept alive.
        self._derived: dict[int, tuple[object, object]] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[ItemRow]) -> ItemBank:
        return cls(rows)

    @classmethod
    def from_csv(cls, path: str | Path) -> ItemBank:
        """Read columns ``id,a,b,competence,tube,skill,accessible`` (accessible: 1/0/true/false)."""
        with open(path, newline="", encoding="utf-8") as f:
            rows = [
                ItemRow(
                    id=r["id"],
                    a=float(r["a"]),
                    b=float(r["b"]),
                    competence=r["competence"],
                    tube=r["tube"],
                    skill=r["skill"],
                    accessible=r["accessible"].strip().lower() in _TRUE,
                )
                for r in csv.DictReader(f)
            ]
        return cls(rows)

    def to_csv(self, path: str | Path) -> None:
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "a", "b", "competence", "tube", "skill", "accessible"])
            for i, item_id in enumerate(self.ids):
                w.writerow([
                    item_id, repr(float(self.a[i])), repr(float(self.b[i])),
                    self.competences[self.competence[i]], self.tubes[self.tube[i]],
                    self.skills[self.skill[i]], int(self.accessible[i]),
                ])

    def index_of(self, item_id: str) -> int:
        """Position of an item; ``KeyError`` if the bank does not hold it."""
        return self._index[item_id]

    def get_index(self, item_id: str) -> int | None:
        return self._index.get(item_id)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"ItemBank({len(self.ids)} items, {len(self.competences)} competences)"
