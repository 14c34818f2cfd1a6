"""`python -m content …`: check fails precisely on each kind of broken file; stats, show, export."""

import csv
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from content import NO_COVERAGE, ContentError, Coverage, check_coverage, load_bank, parse_bank
from content.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "good"
BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())
SMALL = Coverage(min_items=9, min_per_competence=2, min_per_level=0, min_tubes=2, min_timed=2,
                 min_focus=2, min_accessible_ratio=0.6, min_accessible_tubes=2)


def test_good_fixture_passes(capsys):
    assert main(["check", "--dir", str(GOOD), "--no-coverage"]) == 0
    assert "OK: 11 items (9 validated) in 2 file(s)" in capsys.readouterr().out
    assert check_coverage(load_bank(GOOD), SMALL) == []


@pytest.mark.parametrize("case", BROKEN, ids=[p.name for p in BROKEN])
def test_check_fails_on_broken_file(case, make_bank, capsys):
    expected = (case / "expect.txt").read_text(encoding="utf-8").strip()
    directory = make_bank(case)
    assert main(["check", "--dir", str(directory), "--no-coverage"]) == 1
    out, err = capsys.readouterr()
    assert expected in out, out
    assert "FAILED" in err
    # Every message names its file, and load_bank refuses the bank with the same messages.
    assert all(line.startswith(("items/", "media/")) for line in out.splitlines()), out
    with pytest.raises(ContentError) as info:
        load_bank(directory)
    assert any(expected in m for m in info.value.messages)


def test_every_problem_is_reported_at_once(make_bank, capsys):
    directory = make_bank(FIXTURES / "broken" / "unknown-key")
    (directory / "items" / "1.1.toml").write_text(
        (GOOD / "items" / "1.1.toml").read_text(encoding="utf-8").replace("level = 3", "level = 0"),
        encoding="utf-8")
    assert main(["check", "--dir", str(directory), "--no-coverage"]) == 1
    out = capsys.readouterr().out
    assert "items/1.1.toml: 1.1-keywords-3a: bad level 0" in out
    assert "items/1.2.toml: 1.2-files-1a: unknown key 'colourblind_ok'" in out


@pytest.mark.parametrize(("change", "message"), [
    ({"min_items": 10}, "coverage: 9 validated items, at least 10 needed"),
    ({"min_per_competence": 3}, "coverage: competence 1.2: 2 validated items, at least 3"),
    ({"min_per_level": 1}, "coverage: competence 1.1: fewer than 1 items at level 6: 0"),
    ({"min_tubes": 3}, "coverage: competence 1.2: 2 tubes with validated items, at least 3"),
    ({"min_timed": 3}, "coverage: 2 timed items, at least 3 needed"),
    ({"min_focus": 3}, "coverage: 2 focus-mode items, at least 3 needed"),
    ({"min_accessible_ratio": 0.9}, "coverage: 8/9 items accessible (89%), at least 90% needed"),
    ({"min_accessible_tubes": 3}, "coverage: competence 1.2: accessible items in 2 tubes"),
])
def test_coverage_rules(change, message):
    problems = check_coverage(load_bank(GOOD), dataclasses.replace(SMALL, **change))
    assert any(message in p for p in problems), problems


def test_coverage_kinds_and_missing_competence(make_bank):
    directory = make_bank()
    (directory / "items" / "1.1.toml").unlink()
    problems = check_coverage(load_bank(directory), SMALL)
    assert "coverage: competence 1.1: no validated item" in problems
    assert "coverage: no validated item of kind qcm, qrocm-ind, qrocm-dep" in problems
    assert check_coverage(load_bank(directory), NO_COVERAGE) == []


def test_default_coverage_is_the_issue_requirement(capsys):
    assert Coverage() == Coverage(336, 21, 3, 5, 12, 12, 0.6, 3)
    assert main(["check", "--dir", str(GOOD)]) == 1
    assert "coverage: 9 validated items, at least 336 needed" in capsys.readouterr().out


def test_stats(capsys):
    assert main(["stats", "--dir", str(GOOD)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].split() == ["comp", "items", "L1", "L2", "L3", "L4", "L5", "L6", "L7",
                                "tubes", "acc", "acc-tubes", "timed", "focus", "qcu", "qcm",
                                "qroc", "ind", "dep"]
    assert lines[2].split() == ["1.1", "7", "1", "2", "1", "1", "1", "0", "1", "3", "6", "3",
                                "2", "2", "2", "1", "2", "1", "1"]
    assert "validated 9, draft 1, archived 1" in out


def test_show_in_both_languages_with_key(capsys):
    assert main(["show", "1.1-keywords-1a", "--dir", str(GOOD)]) == 0
    out = capsys.readouterr().out
    assert "Vous cherchez une recette de gâteau au chocolat. Quelle requête" in out
    assert "( ) 2. gâteau chocolat recette" in out
    assert "Key: 2 (gâteau chocolat recette)" in out
    assert "a=0.8 b=-2.4 (provisional)" in out
    assert main(["show", "1.1-sources-2a", "--lang", "en", "--dir", str(GOOD)]) == 0
    out = capsys.readouterr().out
    assert "| Monday | 1,000 |" in out and "Number of visitors: ________" in out
    assert "Key [answer]: 1500" in out
    assert main(["show", "nope", "--dir", str(GOOD)]) == 2


def test_export_bank(tmp_path, capsys):
    target = tmp_path / "bank.csv"
    assert main(["export-bank", str(target), "--dir", str(GOOD)]) == 0
    with target.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["id", "a", "b", "competence", "tube", "skill", "accessible"]
    assert len(rows) == 9  # validated only
    by_id = {r["id"]: r for r in rows}
    assert by_id["1.1-keywords-1a"] == {
        "id": "1.1-keywords-1a", "a": "0.8", "b": "-2.4", "competence": "1.1",
        "tube": "1.1-keywords", "skill": "1.1-keywords@1", "accessible": "1"}
    assert by_id["1.1-operators-7a"]["accessible"] == "0"
    assert (by_id["1.1-operators-7a"]["a"], by_id["1.1-operators-7a"]["b"]) == ("1.7", "2.9")
    assert by_id["1.2-cells-2a"]["skill"] == "1.2-cells@read"


def test_export_refuses_an_invalid_bank(tmp_path, make_bank, capsys):
    directory = make_bank(FIXTURES / "broken" / "bad-level")
    assert main(["export-bank", str(tmp_path / "x.csv"), "--dir", str(directory)]) == 1
    assert not (tmp_path / "x.csv").exists()


def test_module_entry_point():
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "content", "check", "--dir", str(GOOD), "--no-coverage"],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stdout + result.stderr


def test_parse_bank_keeps_the_good_items(make_bank):
    bank, problems = parse_bank(make_bank(FIXTURES / "broken" / "bad-level"))
    assert problems and "1.2-files-9a" not in bank.items
    assert "1.1-keywords-1a" in bank.items
