"""Load a content directory (framework.toml, items/*.toml, media/*.svg) into a ``ContentBank``.

``parse_bank`` always returns what could be loaded plus the list of problems; ``load_bank``
raises ``ContentError`` with every problem when there is any. Coverage is *not* part of loading
(a bank being written is usable before it is complete); ``python -m content check`` adds it.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .model import Area, Competence, ContentBank, ContentError, Item, Tube
from .parse_item import parse_item
from .reader import Reader
from .validate import check_bank_urls, check_svg, unique

PACKAGE_DIR = Path(__file__).resolve().parent
COMPETENCE_CODE = re.compile(r"^[1-9]\.[1-9]$")


def _read_toml(path: Path, rel: str, problems: list[str]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{rel}: invalid TOML: {exc}")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{rel}: cannot be read: {exc}")
    return None


def load_framework(path: Path, problems: list[str]) -> tuple[tuple[Area, ...],
                                                             tuple[Competence, ...]]:
    data = _read_toml(path, "framework.toml", problems)
    if data is None:
        return (), ()
    top = Reader(data, "framework.toml", problems)
    areas: list[Area] = []
    for i, raw in enumerate(top.tables("areas") or [], 1):
        r = Reader(raw, f"framework.toml: area {raw.get('code', i)}", problems)
        code = r.string("code") or ""
        if code and not re.fullmatch(r"[1-9]", code):
            r.error(f"area code '{code}' must be one digit")
        areas.append(Area(code, r.string("title_fr") or "", r.string("title_en") or ""))
        r.finish()
    codes = {a.code for a in areas}
    competences: list[Competence] = []
    for i, raw in enumerate(top.tables("competences") or [], 1):
        r = Reader(raw, f"framework.toml: competence {raw.get('code', i)}", problems)
        code = r.string("code") or ""
        area = r.string("area") or ""
        if code and not COMPETENCE_CODE.match(code):
            r.error(f"competence code '{code}' must look like '1.1'")
        elif area and area not in codes:
            r.error(f"unknown area '{area}'")
        elif code and area and not code.startswith(area + "."):
            r.error(f"competence {code} is not in area {area}")
        texts = [r.string(k) or "" for k in ("title_fr", "title_en", "description_fr",
                                             "description_en")]
        competences.append(Competence(code, area, *texts))
        r.finish()
    top.finish()
    problems += unique(((a.code, "framework.toml") for a in areas), "area")
    problems += unique(((c.code, "framework.toml") for c in competences), "competence")
    return tuple(areas), tuple(competences)


def load_items_file(path: Path, rel: str, competences: set[str], media_dir: Path,
                    problems: list[str]) -> tuple[list[Tube], list[Item]]:
    data = _read_toml(path, rel, problems)
    if data is None:
        return [], []
    top = Reader(data, rel, problems)
    competence = top.string("competence") or ""
    if competence and competence != path.stem:
        top.error(f"the file is named {path.name} but declares competence '{competence}'")
    elif competence and competence not in competences:
        top.error(f"unknown competence '{competence}' (not in framework.toml)")
    tubes: list[Tube] = []
    for i, raw in enumerate(top.tables("tubes") or [], 1):
        r = Reader(raw, f"{rel}: tube {raw.get('id', i)}", problems)
        tube_id = r.string("id") or ""
        if tube_id and not re.fullmatch(re.escape(competence) + r"-[a-z0-9]+(?:-[a-z0-9]+)*",
                                        tube_id):
            r.error(f"tube id must be '{competence}-<slug>' (lower-case letters, digits, '-')")
        tubes.append(Tube(tube_id, competence, r.string("title_fr") or "",
                          r.string("title_en") or ""))
        r.finish()
    items: list[Item] = []
    tube_ids = {t.id for t in tubes}
    for i, raw in enumerate(top.tables("items") or [], 1):
        name = raw.get("id") if isinstance(raw.get("id"), str) else f"[[items]] #{i}"
        item = parse_item(raw, f"{rel}: {name}", competence, tube_ids, media_dir, rel, problems)
        if item is not None:
            items.append(item)
    top.finish()
    return tubes, items


def parse_bank(directory: Path | None = None) -> tuple[ContentBank, list[str]]:
    """Everything that loaded, and every problem found (empty when the bank is valid)."""
    directory = Path(directory) if directory is not None else PACKAGE_DIR
    media_dir = directory / "media"
    problems: list[str] = []
    areas: tuple[Area, ...] = ()
    competences: tuple[Competence, ...] = ()
    if not (directory / "framework.toml").is_file():
        problems.append(f"{directory}: no framework.toml")
    else:
        areas, competences = load_framework(directory / "framework.toml", problems)
    codes = {c.code for c in competences}
    order = {c.code: i for i, c in enumerate(competences)}
    files = sorted((directory / "items").glob("*.toml"),
                   key=lambda p: (order.get(p.stem, len(order)), p.name))
    if not files:
        problems.append(f"{directory / 'items'}: no item file")
    tubes: list[Tube] = []
    items: list[Item] = []
    for path in files:
        file_tubes, file_items = load_items_file(path, f"items/{path.name}", codes, media_dir,
                                                 problems)
        tubes += file_tubes
        items += file_items
    problems += unique(((t.id, f"items/{t.competence}.toml") for t in tubes), "tube id")
    problems += unique(((i.id, i.source) for i in items), "item id")
    if media_dir.is_dir():
        for svg in sorted(media_dir.iterdir()):
            if svg.suffix.lower() == ".svg":
                problems += check_svg(svg, f"media/{svg.name}")
    by_id: dict[str, Item] = {}
    for item in items:
        by_id.setdefault(item.id, item)
    bank = ContentBank(
        items=MappingProxyType(by_id),
        competences=competences,
        media_dir=media_dir,
        areas=areas,
        tubes=MappingProxyType({t.id: t for t in tubes}),
        directory=directory,
    )
    problems += check_bank_urls(bank)
    return bank, problems


@lru_cache(maxsize=1)
def _default_bank() -> ContentBank:
    bank, problems = parse_bank(PACKAGE_DIR)
    if problems:
        raise ContentError(problems)
    return bank


def load_bank(directory: Path | None = None) -> ContentBank:
    """The bank in ``directory`` (default: this package's own content, loaded once and cached).

    Raises ``ContentError`` listing every problem when the content is invalid.
    """
    if directory is None or Path(directory).resolve() == PACKAGE_DIR:
        return _default_bank()
    bank, problems = parse_bank(Path(directory))
    if problems:
        raise ContentError(problems)
    return bank


def clear_cache() -> None:
    _default_bank.cache_clear()
