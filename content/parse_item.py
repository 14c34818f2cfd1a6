"""One ``[[items]]`` table of an item file → an ``Item``, with every problem reported."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from .model import (
    DEFAULT_TOLERANCE,
    KINDS,
    LANGS,
    LEVELS,
    STATUSES,
    TOLERANCE_FLAGS,
    Answers,
    Field,
    FreeField,
    Item,
    ItemText,
    Proposal,
    Table,
    provisional_a,
    provisional_b,
)
from .normalise import normalise, numbers
from .reader import Reader

FIELD_NAME = re.compile(r"^[a-z0-9_]+$")
IMAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.svg$")
DEFAULT_LABELS = {"fr": "Votre réponse", "en": "Your answer"}
MAX_TIMER = 3600
COMMON_KEYS = ("id", "competence", "tube", "level", "skill", "kind", "status", "blind_ok",
               "colorblind_ok", "focus", "timer", "code", "image", "a", "b", "calibrated",
               "fr", "en")
KIND_KEYS = {
    "qcu": ("solution",),
    "qcm": ("solution",),
    "qroc": ("solution", "solution_fr", "solution_en", "tolerance", "label_fr", "label_en"),
    "qrocm-ind": ("fields",),
    "qrocm-dep": ("fields", "accepted", "accepted_fr", "accepted_en", "tolerance"),
}
ALL_KIND_KEYS = tuple(sorted({k for keys in KIND_KEYS.values() for k in keys}))


def paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs are separated by blank lines; a single line break inside one is a space."""
    parts = re.split(r"\n[ \t]*\n", text.strip())
    return tuple(" ".join(p.split()) for p in parts if p.strip())


def _tolerance(r: Reader, key: str = "tolerance") -> frozenset[str]:
    flags = r.strings(key, required=False)
    if flags is None:
        return DEFAULT_TOLERANCE
    unknown = [f for f in flags if f not in TOLERANCE_FLAGS]
    for flag in unknown:
        r.error(f"unknown tolerance flag '{flag}' (expected one of {', '.join(TOLERANCE_FLAGS)})")
    return frozenset(f for f in flags if f in TOLERANCE_FLAGS)


def _entries(r: Reader, key: str, pooled: bool) -> tuple[tuple[str, ...], ...] | None:
    """A list of accepted answers; in a pool an entry may be an array of alternatives."""
    value = r.raw(key)
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        r.error(f"'{key}' must be a non-empty array of strings")
        return None
    entries: list[tuple[str, ...]] = []
    for entry in value:
        alts = entry if (pooled and isinstance(entry, list)) else [entry]
        if not alts or not all(isinstance(a, str) and a.strip() for a in alts):
            allowed = "non-empty strings or arrays of strings" if pooled else "non-empty strings"
            r.error(f"'{key}' must hold {allowed}")
            return None
        entries.append(tuple(a.strip() for a in alts))
    return tuple(entries) if pooled else (tuple(e[0] for e in entries),)


def _answers(r: Reader, base: str, flags: frozenset[str], pooled: bool) -> Answers:
    neutral, fr, en = (_entries(r, base + suffix, pooled) for suffix in ("", "_fr", "_en"))
    if neutral is None and fr is None and en is None:
        if r.ok:
            r.error(f"missing key '{base}' (or '{base}_fr' and '{base}_en')")
        return Answers()
    if neutral is None:
        for lang, got in (("fr", fr), ("en", en)):
            if got is None:
                r.error(f"missing language {lang}: '{base}_{lang}' is needed when "
                        f"'{base}' is not given")
    answers = Answers(neutral or (), fr or (), en or ())
    if "number" in flags and not any(numbers(a) for a in answers.flat("fr") + answers.flat("en")):
        r.error(f"tolerance 'number' but no accepted answer in '{base}' is a number")
    for lang in LANGS:
        seen: dict[str, int] = {}
        for i, entry in enumerate(answers.entries(lang)):
            for alt in entry:
                norm = normalise(alt, flags - {"number"})
                if not norm:
                    r.error(f"accepted answer '{alt}' is empty once tolerance is applied")
                elif pooled and seen.setdefault(norm, i) != i:
                    r.error(f"'{base}' entries overlap: '{alt}' is the same answer as another "
                            "entry under the tolerance (a field could score twice)")
    return answers


def _table(data: Any, r: Reader, lang: str) -> Table | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        r.error(f"[{lang}] 'table' must be a table {{ caption, header, rows }}")
        return None
    t = Reader(data, f"{r.where}: [{lang}.table]", r.problems)
    caption = t.string("caption") or ""
    header = t.strings("header") or ()
    rows_raw = t.raw("rows")
    t.finish()
    rows: list[tuple[str, ...]] = []
    if not isinstance(rows_raw, list) or not rows_raw:
        t.error("'rows' must be a non-empty array of arrays of strings")
    else:
        for i, row in enumerate(rows_raw, 1):
            if not isinstance(row, list) or not all(isinstance(c, str) for c in row):
                t.error(f"row {i} must be an array of strings")
            elif header and len(row) != len(header):
                t.error(f"row {i} has {len(row)} cells, the header has {len(header)}")
            else:
                rows.append(tuple(c.strip() for c in row))
    if not t.ok:
        r.ok = False
        return None
    return Table(caption, header, tuple(rows))


def _text(r: Reader, lang: str, kind: str, image: str | None,
          fields: tuple[tuple[str, dict[str, str]], ...]) -> ItemText | None:
    data = r.table(lang, required=False)
    if data is None:
        if not r.has(lang):
            r.error(f"missing language {lang}: no [items.{lang}] table")
        return None
    t = Reader(data, f"{r.where}: [{lang}]", r.problems)
    instruction = t.string("instruction") or ""
    explanation = t.string("explanation") or ""
    proposals: tuple[Proposal, ...] = ()
    if kind in ("qcu", "qcm"):
        labels = t.strings("proposals") or ()
        if labels and len(labels) < 2:
            t.error("a choice item needs at least 2 proposals")
        if len(set(labels)) != len(labels):
            t.error("two proposals are identical")
        proposals = tuple(Proposal(str(i), label) for i, label in enumerate(labels, 1))
    else:
        t.forbid(("proposals",), f"does not apply to a {kind} item")
    image_alt = t.string("image_alt", required=False)
    if image and not image_alt:
        t.error(f"missing image_alt: the item shows the picture '{image}'")
    if image_alt and not image:
        t.error("image_alt given but the item has no image")
    table = _table(t.raw("table"), t, lang)
    t.finish()
    if not t.ok:
        r.ok = False
        return None
    return ItemText(
        instruction_paragraphs=paragraphs(instruction),
        proposals=proposals,
        fields=tuple(Field(name, labels[lang]) for name, labels in fields),
        explanation=explanation,
        image_alt=image_alt,
        table=table,
    )


def _choice_solution(r: Reader, kind: str) -> tuple[int, ...]:
    value = r.raw("solution")
    if value is None:
        r.error("missing key 'solution'")
        return ()
    if kind == "qcu" and isinstance(value, int) and not isinstance(value, bool):
        value = [value]  # compatible extension: `solution = 2`
    if not isinstance(value, list) or not value or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        r.error("'solution' must be a non-empty array of proposal indexes (1-based integers)")
        return ()
    if kind == "qcu" and len(value) != 1:
        r.error(f"a qcu has exactly one right proposal, 'solution' lists {len(value)}")
    if len(set(value)) != len(value):
        r.error("'solution' lists the same proposal twice")
    return tuple(sorted(set(value)))


def _fields(r: Reader, kind: str) -> tuple[list[tuple[str, dict[str, str]]], list[FreeField]]:
    names: list[tuple[str, dict[str, str]]] = []
    keys: list[FreeField] = []
    tables = r.tables("fields") or []
    if r.has("fields") and len(tables) < 2:
        r.error(f"a {kind} item needs at least 2 [[items.fields]]")
    for i, data in enumerate(tables, 1):
        f = Reader(data, f"{r.where}: field {i}", r.problems)
        name = f.string("name") or ""
        if name and not FIELD_NAME.match(name):
            f.error(f"field name '{name}' must match [a-z0-9_]+")
        elif name in [n for n, _ in names]:
            f.error(f"duplicate field name '{name}'")
        labels = {lang: f.string(f"label_{lang}") or "" for lang in LANGS}
        if kind == "qrocm-ind":
            flags = _tolerance(f)
            answers = _answers(f, "solution", flags, pooled=False)
            keys.append(FreeField(name, answers, flags))
        else:
            f.forbid(("solution", "solution_fr", "solution_en", "tolerance"),
                     "does not apply to a qrocm-dep field: the item's 'accepted' pool is shared")
            keys.append(FreeField(name, Answers()))
        f.finish()
        if not f.ok:
            r.ok = False
        names.append((name, labels))
    return names, keys


def _code(r: Reader) -> str | None:
    """Code keeps its indentation: only blank lines around it and trailing spaces go."""
    value = r.raw("code")
    if value is None:
        return None
    if not isinstance(value, str):
        r.error("'code' must be a string")
        return None
    lines = [line.rstrip() for line in value.expandtabs(4).splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) or None


def _irt(r: Reader, kind: str, level: int) -> tuple[float, float, bool]:
    calibrated = r.boolean("calibrated", required=False)
    a, b = r.number("a"), r.number("b")
    if not calibrated:
        if a is not None or b is not None:
            r.error("'a' and 'b' are derived from the level; set calibrated = true to give them")
        return provisional_a(kind) if kind in KINDS else 1.0, provisional_b(level), False
    if a is None or b is None:
        r.error("a calibrated item needs both 'a' and 'b'")
        return 1.0, 0.0, True
    if not (math.isfinite(a) and 0 < a <= 5):
        r.error(f"'a' must be in (0, 5], got {a}")
    if not (math.isfinite(b) and -9 <= b <= 9):
        r.error(f"'b' must be in [-9, 9], got {b}")
    return a, b, True


def parse_item(data: dict[str, Any], where: str, competence: str, tubes: set[str],
               media_dir: Path, source: str, problems: list[str]) -> Item | None:
    """``where`` is "file: item id"; returns None when the item has any problem."""
    r = Reader(data, where, problems)
    item_id = r.string("id") or ""
    own = r.string("competence", required=False)
    if own is not None and own != competence:
        r.error(f"'competence' is '{own}' but the file is for competence {competence}")
    tube = r.string("tube") or ""
    if tube and tube not in tubes:
        r.error(f"tube '{tube}' is not declared in this file's [[tubes]]")
    level = r.integer("level")
    if level not in LEVELS:
        r.error(f"bad level {level}: must be an integer from 1 to 7")
    if item_id and tube and not re.fullmatch(re.escape(tube) + r"-[1-7][a-z]+", item_id):
        r.error(f"id must be '<tube>-<level><letter>', e.g. '{tube}-{level}a'")
    elif item_id and tube and item_id[len(tube) + 1] != str(level):
        r.error(f"the id says level {item_id[len(tube) + 1]} but 'level' is {level}")
    skill = r.string("skill", required=False) or f"{tube}@{level}"
    kind = r.string("kind") or ""
    if kind and kind not in KINDS:
        r.error(f"unknown kind '{kind}' (expected one of {', '.join(KINDS)})")
    status = r.string("status") or ""
    if status and status not in STATUSES:
        r.error(f"unknown status '{status}' (expected one of {', '.join(STATUSES)})")
    blind_ok, colorblind_ok = r.boolean("blind_ok"), r.boolean("colorblind_ok")
    focus = r.boolean("focus", required=False)
    timer = r.integer("timer", required=False)
    if not 0 <= timer <= MAX_TIMER:
        r.error(f"'timer' must be from 0 (not timed) to {MAX_TIMER} seconds, got {timer}")
    code = _code(r)
    image = r.string("image", required=False)
    if image is not None:
        if not IMAGE_NAME.match(image):
            r.error(f"image '{image}' must be a plain file name ending in .svg")
        elif not (media_dir / image).is_file():
            r.error(f"image '{image}' not found in media/")
    a, b, calibrated = _irt(r, kind, level)
    if kind not in KINDS:
        r.used.update(ALL_KIND_KEYS)
        r.used.update(LANGS)
        r.finish()
        return None
    r.forbid(tuple(k for k in ALL_KIND_KEYS if k not in KIND_KEYS[kind]),
             f"does not apply to a {kind} item")
    solution: tuple[int, ...] = ()
    free: tuple[FreeField, ...] = ()
    pool, pool_tolerance = Answers(), DEFAULT_TOLERANCE
    fields: tuple[tuple[str, dict[str, str]], ...] = ()
    if kind in ("qcu", "qcm"):
        solution = _choice_solution(r, kind)
    elif kind == "qroc":
        flags = _tolerance(r)
        free = (FreeField("answer", _answers(r, "solution", flags, pooled=False), flags),)
        labels = {lang: r.string(f"label_{lang}", required=False) or DEFAULT_LABELS[lang]
                  for lang in LANGS}
        fields = (("answer", labels),)
    else:
        names, keys = _fields(r, kind)
        fields, free = tuple(names), tuple(keys)
        if kind == "qrocm-dep":
            pool_tolerance = _tolerance(r)
            pool = _answers(r, "accepted", pool_tolerance, pooled=True)
            for lang in LANGS:
                if pool.entries(lang) and len(pool.entries(lang)) < len(fields):
                    r.error(f"'accepted' offers {len(pool.entries(lang))} answers in {lang} "
                            f"for {len(fields)} fields that need different answers")
    texts = {lang: _text(r, lang, kind, image, fields) for lang in LANGS}
    r.finish()
    fr, en = texts["fr"], texts["en"]
    if fr and en:
        if len(fr.proposals) != len(en.proposals):
            r.error(f"proposals: {len(fr.proposals)} in fr but {len(en.proposals)} in en")
        if (fr.table is None) != (en.table is None) or (
                fr.table and en.table and (len(fr.table.header), len(fr.table.rows))
                != (len(en.table.header), len(en.table.rows))):
            r.error("the table must exist, with the same shape, in both languages")
        for index in solution:
            if not 1 <= index <= len(fr.proposals):
                r.error(f"solution index {index} out of range (the item has "
                        f"{len(fr.proposals)} proposals)")
    if not r.ok or fr is None or en is None:
        return None
    return Item(
        id=item_id, competence=competence, tube=tube, skill=skill, level=level, kind=kind,
        status=status, blind_ok=blind_ok, colorblind_ok=colorblind_ok, focus=focus, timer=timer,
        a=a, b=b, calibrated=calibrated, image=image, code=code, source=source,
        solution=solution, free=free, pool=pool, pool_tolerance=pool_tolerance,
        text_fr=fr, text_en=en,
    )
