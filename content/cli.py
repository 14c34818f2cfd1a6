"""``python -m content check|stats|show|export-bank``."""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from .check import right_answer
from .model import KINDS, LEVELS, ContentBank, ContentError, Item
from .parse import PACKAGE_DIR, load_bank, parse_bank
from .validate import Coverage, check_coverage

KIND_SHORT = {"qcu": "qcu", "qcm": "qcm", "qroc": "qroc", "qrocm-ind": "ind", "qrocm-dep": "dep"}


def cmd_check(directory: Path, coverage: bool) -> int:
    bank, problems = parse_bank(directory)
    if coverage:
        problems += check_coverage(bank, Coverage())
    for problem in problems:
        print(problem)
    n, v = len(bank.items), len(bank.validated())
    files = len({i.source for i in bank.items.values()})
    if problems:
        print(f"FAILED: {len(problems)} problem(s); {n} items loaded ({v} validated) "
              f"from {files} file(s)", file=sys.stderr)
        return 1
    print(f"OK: {n} items ({v} validated) in {files} file(s)")
    return 0


def _row(label: str, items: list[Item], n_tubes: int, acc_tubes: int) -> list[str]:
    levels = Counter(i.level for i in items)
    kinds = Counter(i.kind for i in items)
    return [label, str(len(items)), *(str(levels[lv]) for lv in LEVELS), str(n_tubes),
            str(sum(i.accessible for i in items)), str(acc_tubes),
            str(sum(1 for i in items if i.timer)), str(sum(1 for i in items if i.focus)),
            *(str(kinds[k]) for k in KINDS)]


def stats_table(bank: ContentBank) -> str:
    header = ["comp", "items", *(f"L{lv}" for lv in LEVELS), "tubes", "acc", "acc-tubes",
              "timed", "focus", *(KIND_SHORT[k] for k in KINDS)]
    rows = []
    validated = bank.validated()
    codes = [c.code for c in bank.competences]
    codes += sorted({i.competence for i in validated} - set(codes))
    for code in codes:
        its = [i for i in validated if i.competence == code]
        rows.append(_row(code, its, len({i.tube for i in its}),
                         len({i.tube for i in its if i.accessible})))
    rows.append(_row("total", validated, len({i.tube for i in validated}),
                     len({i.tube for i in validated if i.accessible})))
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True))
             for r in [header, *rows]]
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    status = Counter(i.status for i in bank.items.values())
    acc = sum(i.accessible for i in validated)
    lines.append("")
    lines.append(f"validated {status['validated']}, draft {status['draft']}, "
                 f"archived {status['archived']}; accessible "
                 f"{acc / len(validated) if validated else 0:.0%} of validated items")
    return "\n".join(lines)


def cmd_stats(directory: Path) -> int:
    bank, problems = parse_bank(directory)
    print("Validated items per competence (acc = usable blind and colour-blind):")
    print(stats_table(bank))
    if problems:
        print(f"\n{len(problems)} problem(s) left items out: run `python -m content check`")
    return 0


def _key(item: Item, lang: str) -> list[str]:
    text = item.text(lang)
    if item.kind in ("qcu", "qcm"):
        labels = {p.key: p.label for p in text.proposals}
        return [f"Key: {', '.join(f'{i} ({labels[str(i)]})' for i in item.solution)}"]
    if item.kind == "qrocm-dep":
        entries = [" | ".join(e) for e in item.pool.entries(lang)]
        return [f"Key: every field a different one of: {'; '.join(entries)}",
                f"Tolerance: {', '.join(sorted(item.pool_tolerance)) or 'exact'}"]
    out = []
    for field in item.free:
        out.append(f"Key [{field.name}]: {' | '.join(field.answers.flat(lang))}   "
                   f"(tolerance: {', '.join(sorted(field.tolerance)) or 'exact'})")
    return out


def render(item: Item, bank: ContentBank, lang: str = "fr") -> str:
    text = item.text(lang)
    comp = bank.competence(item.competence) if item.competence in {
        c.code for c in bank.competences} else None
    flags = [f"timer {item.timer} s" if item.timer else "not timed",
             "focus mode" if item.focus else "no focus mode",
             f"blind {'ok' if item.blind_ok else 'NO'}",
             f"colour-blind {'ok' if item.colorblind_ok else 'NO'}",
             f"a={item.a:g} b={item.b:g} ({'calibrated' if item.calibrated else 'provisional'})"]
    out = [f"{item.id}  [{item.status}]  {item.source}",
           f"{item.competence} {comp.title(lang) if comp else ''} · tube {item.tube} · "
           f"skill {item.skill} · level {item.level} · {item.kind}",
           " · ".join(flags), "=" * 72]
    for paragraph in text.instruction_paragraphs:
        out += [paragraph, ""]
    if item.code:
        out += ["    " + line for line in item.code.splitlines()] + [""]
    if text.table:
        out.append(f"Table: {text.table.caption}")
        out.append("  | " + " | ".join(text.table.header) + " |")
        out += ["  | " + " | ".join(row) + " |" for row in text.table.rows]
        out.append("")
    if item.image:
        out += [f"[image {item.image}: {text.image_alt}]", ""]
    mark = "( )" if item.kind == "qcu" else "[ ]"
    out += [f"  {mark} {p.key}. {p.label}" for p in text.proposals]
    out += [f"  {f.label}: ________  (field {f.name})" for f in text.fields]
    out += ["-" * 72, *_key(item, lang), f"Right answer form: {right_answer(item, lang)}",
            f"Explanation: {text.explanation}"]
    return "\n".join(out)


def cmd_show(directory: Path, item_id: str, lang: str) -> int:
    bank, problems = parse_bank(directory)
    item = bank.items.get(item_id)
    if item is None:
        print(f"no item '{item_id}' (or it has problems: run `python -m content check`)",
              file=sys.stderr)
        return 2
    print(render(item, bank, lang))
    return 0


def cmd_export(directory: Path, target: Path) -> int:
    try:
        bank = load_bank(directory)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        print("FAILED: the bank is invalid, nothing exported", file=sys.stderr)
        return 1
    with target.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "a", "b", "competence", "tube", "skill", "accessible"])
        for item in bank.validated():
            writer.writerow([item.id, repr(item.a), repr(item.b), item.competence, item.tube,
                             item.skill, int(item.accessible)])
    print(f"wrote {len(bank.validated())} validated items to {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m content", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    dir_help = "content directory (framework.toml, items/, media/); default: the package's own"
    p = sub.add_parser("check", help="validate the bank; non-zero exit with messages on problems")
    p.add_argument("--dir", type=Path, default=PACKAGE_DIR, help=dir_help)
    p.add_argument("--no-coverage", action="store_true",
                   help="skip the coverage requirements (for partial or fixture banks)")
    p = sub.add_parser("stats", help="coverage table per competence")
    p.add_argument("--dir", type=Path, default=PACKAGE_DIR, help=dir_help)
    p = sub.add_parser("show", help="print an item as a candidate sees it, with its key")
    p.add_argument("id")
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--dir", type=Path, default=PACKAGE_DIR, help=dir_help)
    p = sub.add_parser("export-bank", help="write id,a,b,competence,tube,skill,accessible")
    p.add_argument("file", type=Path)
    p.add_argument("--dir", type=Path, default=PACKAGE_DIR, help=dir_help)
    args = parser.parse_args(argv)
    if args.command == "check":
        return cmd_check(args.dir, not args.no_coverage)
    if args.command == "stats":
        return cmd_stats(args.dir)
    if args.command == "show":
        return cmd_show(args.dir, args.id, args.lang)
    return cmd_export(args.dir, args.file)
