"""The real bank (whatever is there yet) and the model: every item's own key is accepted."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from content import (
    KINDS,
    ContentBank,
    ContentError,
    Item,
    check_answer,
    load_bank,
    parse_bank,
    provisional_a,
    provisional_b,
    right_answer,
)
from content.parse import PACKAGE_DIR

GOOD = Path(__file__).parent / "fixtures" / "good"
REAL, REAL_PROBLEMS = parse_bank(PACKAGE_DIR)
REAL_ITEMS = sorted(REAL.items.values(), key=lambda i: i.id)


def wrong_answer(item: Item, lang: str) -> dict[str, list[str]]:
    """A form that must be scored wrong."""
    if item.kind in ("qcu", "qcm"):
        keys = [p.key for p in item.text(lang).proposals]
        right = [str(i) for i in item.solution]
        if item.kind == "qcu":
            return {"answer": [next(k for k in keys if k not in right)]}
        others = [k for k in keys if k not in right]
        return {"answer": right + others[:1] if others else right[1:]}
    form = right_answer(item, lang)
    if item.kind == "qrocm-dep":  # the same right answer in every field
        first = next(iter(form.values()))
        return {key: first for key in form}
    return {**form, next(iter(form)): ["zzqx wrong answer"]}


def test_real_bank_has_no_problem():
    assert REAL_PROBLEMS == [], "\n".join(REAL_PROBLEMS)


def test_real_framework():
    codes = [c.code for c in REAL.competences]
    assert codes == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3",
                     "3.4", "4.1", "4.2", "4.3", "5.1", "5.2"]
    assert [a.code for a in REAL.areas] == ["1", "2", "3", "4", "5"]
    assert REAL.competence("2.4").title_fr == "S'insérer dans le monde numérique"
    assert REAL.competence("3.4").title("en") == "Program"
    for c in REAL.competences:
        assert c.description_fr.endswith(".") and c.description_en.endswith(".")
        assert "\n" not in c.description_fr


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("item", REAL_ITEMS, ids=[i.id for i in REAL_ITEMS])
def test_real_item_key_accepted_and_wrong_answer_rejected(item, lang):
    right = check_answer(item, right_answer(item, lang), lang)
    assert right.valid and right.correct, (item.id, right)
    wrong = check_answer(item, wrong_answer(item, lang), lang)
    assert wrong.valid and not wrong.correct, (item.id, wrong)


@pytest.mark.parametrize("item", REAL_ITEMS, ids=[i.id for i in REAL_ITEMS])
def test_real_item_shape(item):
    for lang in ("fr", "en"):
        text = item.text(lang)
        assert text.instruction_paragraphs and text.explanation
        assert [p.key for p in text.proposals] == [str(i) for i in
                                                    range(1, len(text.proposals) + 1)]
        if item.kind == "qroc":
            assert [f.name for f in text.fields] == ["answer"]
    if not item.calibrated:
        assert (item.a, item.b) == (provisional_a(item.kind), provisional_b(item.level))


def test_provisional_parameters():
    assert [provisional_b(level) for level in range(1, 8)] == [-2.4, -1.6, -0.8, 0.0, 0.8, 1.6,
                                                               2.4]
    assert {k: provisional_a(k) for k in KINDS} == {
        "qcu": 0.8, "qcm": 1.0, "qroc": 1.2, "qrocm-ind": 1.2, "qrocm-dep": 1.2}


def test_loaded_objects(tmp_path):
    bank = load_bank(GOOD)
    assert isinstance(bank, ContentBank) and bank.media_dir == GOOD / "media"
    assert len(bank.items) == 11 and len(bank.validated()) == 9
    assert all(i.status == "validated" for i in bank.validated())
    item = bank.items["1.1-keywords-1a"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.level = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        bank.items["x"] = item  # type: ignore[index]
    assert hash(item) == hash(bank.items["1.1-keywords-1a"])
    text = item.text("fr")
    assert text.instruction_paragraphs == (
        "Vous cherchez une recette de gâteau au chocolat. Quelle requête est la plus efficace ?",
        "Choisissez une réponse.")
    assert text.proposals[1].key == "2" and text.proposals[1].label == "gâteau chocolat recette"
    assert item.text("en").proposals[0].label == "I would like to bake a cake"
    assert item.text("de") == text
    dep = bank.items["1.1-operators-5a"]
    assert [(f.name, f.label) for f in dep.text("en").fields] == [
        ("first", "First operator"), ("second", "Second operator")]
    assert dep.image == "1.1-diagram.svg" and dep.text("fr").image_alt
    assert bank.items["1.1-sources-2a"].text("fr").fields[0].label == "Nombre de visiteurs"
    assert bank.items["1.1-keywords-3a"].text("en").fields[0].label == "Your answer"
    code = bank.items["1.1-operators-6a"].code
    assert code == '    resultats = chercher("chat -chien")'
    assert bank.items["1.1-operators-7a"].accessible is False
    assert bank.items["1.1-operators-7a"].calibrated
    assert bank.items["1.1-sources-2a"].text("fr").table.rows == (("lundi", "1 000"),
                                                                  ("mardi", "500"))


def test_candidate_text_never_holds_the_solution():
    for item in load_bank(GOOD).items.values():
        fields = {f.name for f in dataclasses.fields(item.text("fr"))}
        assert not fields & {"solution", "accepted", "tolerance", "free", "pool"}
    # The explanation tells the answer: it is shown in practice mode only, after answering.
    item = load_bank(GOOD).items["1.1-keywords-3a"]
    assert "guillemets" not in repr(dataclasses.replace(item.text("fr"), explanation=""))


def test_default_bank_is_cached():
    try:
        first = load_bank()
    except ContentError:
        pytest.skip("the real bank has problems (see test_real_bank_has_no_problem)")
    assert load_bank() is first


def test_to_engine():
    engine = pytest.importorskip("engine.bank")
    bank = load_bank(GOOD).to_engine()
    assert isinstance(bank, engine.ItemBank) and len(bank) == 9
    i = bank.index_of("1.1-operators-7a")
    assert (bank.a[i], bank.b[i], bool(bank.accessible[i])) == (1.7, 2.9, False)
    assert "1.1-operators-6a" not in bank.ids  # draft


def test_no_url_in_real_content_texts():
    pattern = re.compile(r"https?://|www\.", re.I)
    for path in [PACKAGE_DIR / "framework.toml", *(PACKAGE_DIR / "media").glob("*.svg")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".svg":
            text = re.sub(r'xmlns(:\w+)?="[^"]*"', "", text)
        assert not pattern.search(text), path
