"""Bank-wide rules: no external reference anywhere, safe pictures, and coverage.

Coverage thresholds are a ``Coverage`` value so that tests can check small fixture banks; the
defaults are the real bank's requirements (issue 4).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from .model import KINDS, LEVELS, ContentBank, Item

# A URL or something that reads as one. The protocol names HTTP/HTTPS on their own are allowed
# (security items are about them; FORMAT.md's own example accepts "https"); see FORMAT.md.
_TLDS = ("com|fr|org|net|eu|info|io|biz|xyz|edu|gov|gouv|be|ch|ca|de|uk|us|es|it|"
         "online|site|app|dev|shop|bank|top|co|me|tv|ly")
URL_PATTERNS = (
    (re.compile(r"[a-z][a-z0-9+.-]*://", re.I), "a URL ('scheme://')"),
    (re.compile(r"\bhttps?\s*:", re.I), "a URL ('http:')"),
    (re.compile(r"\bwww\d*\.", re.I), "a web address ('www.')"),
    (re.compile(r"\b(?:mailto|javascript|data|file|ftp|tel|sms):(?=\S)", re.I),
     "a URI ('scheme:')"),
    # Lower-case top-level domain only, so that "ASP.NET" is not a domain.
    (re.compile(r"\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:" + _TLDS
                + r")\b(?![.-]?\w)"),
     "a domain name (use a reserved one such as 'exemple.test')"),
)
# Domains reserved for examples (RFC 2606 / RFC 6761) are not external: they reach nobody.
_RESERVED = re.compile(r"(^|\.)(example\.(com|net|org)|[^.]+\.(example|test|invalid|localhost))$",
                       re.I)
XLINK = "{http://www.w3.org/1999/xlink}href"
SVG_NS = "{http://www.w3.org/2000/svg}"


def url_problems(text: str) -> list[str]:
    found: list[str] = []
    for pattern, what in URL_PATTERNS:
        for match in pattern.finditer(text):
            if what.startswith("a domain name") and _RESERVED.search(match.group(0)):
                continue
            found.append(f"{what}: '{match.group(0)}'")
            break
    return found


def item_strings(item: Item) -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of text an item holds, key included."""
    if item.code:
        yield "code", item.code
    for lang in ("fr", "en"):
        t = item.text(lang)
        for i, p in enumerate(t.instruction_paragraphs, 1):
            yield f"[{lang}] instruction paragraph {i}", p
        for proposal in t.proposals:
            yield f"[{lang}] proposal {proposal.key}", proposal.label
        for f in t.fields:
            yield f"[{lang}] label of field '{f.name}'", f.label
        yield f"[{lang}] explanation", t.explanation
        if t.image_alt:
            yield f"[{lang}] image_alt", t.image_alt
        if t.table:
            cells = (t.table.caption, *t.table.header, *(c for row in t.table.rows for c in row))
            for cell in cells:
                yield f"[{lang}] table", cell
    for free in item.free:
        for answer in free.answers.every():
            yield "solution", answer
    for answer in item.pool.every():
        yield "accepted", answer


def check_item_urls(item: Item) -> list[str]:
    out = []
    for where, text in item_strings(item):
        for what in url_problems(text):
            out.append(f"{item.source}: {item.id}: external reference in {where}: {what}")
    return out


def check_bank_urls(bank: ContentBank) -> list[str]:
    out = [m for item in bank.items.values() for m in check_item_urls(item)]
    for c in bank.competences:
        for text in (c.title_fr, c.title_en, c.description_fr, c.description_en):
            out += [f"framework.toml: {c.code}: external reference: {w}"
                    for w in url_problems(text)]
    for tube in bank.tubes.values():
        for text in (tube.title_fr, tube.title_en):
            out += [f"items/{tube.competence}.toml: tube {tube.id}: external reference: {w}"
                    for w in url_problems(text)]
    return out


def check_svg(path: Path, rel: str) -> list[str]:
    """No script, no event handler, no external or data reference, no DTD, no foreign HTML."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{rel}: cannot be read as UTF-8 ({exc})"]
    if re.search(r"<!DOCTYPE|<!ENTITY", source, re.I):
        return [f"{rel}: DOCTYPE/ENTITY declarations are not allowed"]
    try:
        root = ElementTree.fromstring(source)  # noqa: S314 - our own files, DTDs refused above
    except ElementTree.ParseError as exc:
        return [f"{rel}: not well-formed XML ({exc})"]
    out: list[str] = []
    if root.tag not in (SVG_NS + "svg", "svg"):
        out.append(f"{rel}: the root element must be <svg>")
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject", "iframe", "embed", "object"):
            out.append(f"{rel}: <{tag}> is not allowed")
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                out.append(f"{rel}: event handler attribute '{local}' is not allowed")
            elif local == "href" and not value.startswith("#"):
                out.append(f"{rel}: external href '{value}' (only '#id' references are allowed)")
            else:
                out += [f"{rel}: attribute '{local}': {w}" for w in url_problems(value)]
        texts = [el.text or "", el.tail or ""]
        if tag == "style":
            texts += re.findall(r"@import[^;]*|url\(\s*['\"]?(?!#)[^)]*\)", el.text or "")
            if any(t.startswith(("@import", "url(")) for t in texts[2:]):
                out.append(f"{rel}: <style> loads an external resource")
        for text in texts[:2]:
            out += [f"{rel}: text: {w}" for w in url_problems(text)]
    return out


@dataclass(frozen=True)
class Coverage:
    """Requirements on the validated items (issue 4). Zero disables a rule."""

    min_items: int = 336
    min_per_competence: int = 21
    min_per_level: int = 3
    min_tubes: int = 5
    min_timed: int = 12
    min_focus: int = 12
    min_accessible_ratio: float = 0.6
    min_accessible_tubes: int = 3
    kinds: tuple[str, ...] = KINDS
    every_competence: bool = True


NO_COVERAGE = Coverage(0, 0, 0, 0, 0, 0, 0.0, 0, (), False)


def check_coverage(bank: ContentBank, cov: Coverage = Coverage()) -> list[str]:
    items = bank.validated()
    out: list[str] = []
    if len(items) < cov.min_items:
        out.append(f"coverage: {len(items)} validated items, at least {cov.min_items} needed")
    by_comp: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_comp[item.competence].append(item)
    for comp in bank.competences:
        its = by_comp.get(comp.code, [])
        where = f"coverage: competence {comp.code}"
        if not its:
            if cov.every_competence:
                out.append(f"{where}: no validated item")
            continue
        if len(its) < cov.min_per_competence:
            out.append(f"{where}: {len(its)} validated items, at least "
                       f"{cov.min_per_competence} needed")
        levels = Counter(i.level for i in its)
        short = [f"level {lv}: {levels[lv]}" for lv in LEVELS if levels[lv] < cov.min_per_level]
        if short:
            out.append(f"{where}: fewer than {cov.min_per_level} items at "
                       + ", ".join(short))
        tubes = {i.tube for i in its}
        if len(tubes) < cov.min_tubes:
            out.append(f"{where}: {len(tubes)} tubes with validated items, at least "
                       f"{cov.min_tubes} needed")
        acc_tubes = {i.tube for i in its if i.accessible}
        if len(acc_tubes) < cov.min_accessible_tubes:
            out.append(f"{where}: accessible items in {len(acc_tubes)} tubes, at least "
                       f"{cov.min_accessible_tubes} needed")
    kinds = {i.kind for i in items}
    missing = [k for k in cov.kinds if k not in kinds]
    if missing:
        out.append(f"coverage: no validated item of kind {', '.join(missing)}")
    timed, focus = sum(1 for i in items if i.timer), sum(1 for i in items if i.focus)
    if timed < cov.min_timed:
        out.append(f"coverage: {timed} timed items, at least {cov.min_timed} needed")
    if focus < cov.min_focus:
        out.append(f"coverage: {focus} focus-mode items, at least {cov.min_focus} needed")
    accessible = sum(1 for i in items if i.accessible)
    if items and accessible < cov.min_accessible_ratio * len(items):
        out.append(f"coverage: {accessible}/{len(items)} items accessible "
                   f"({accessible / len(items):.0%}), at least {cov.min_accessible_ratio:.0%} "
                   "needed")
    return out


def unique(values: Iterable[tuple[str, str]], what: str) -> list[str]:
    """(id, where) pairs → a message per id seen more than once."""
    seen: dict[str, str] = {}
    out = []
    for value, where in values:
        if value in seen:
            out.append(f"{where}: duplicate {what} '{value}' (first in {seen[value]})")
        else:
            seen[value] = where
    return out
