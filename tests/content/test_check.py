"""Answer checking per kind, on the fixture bank: tolerance, languages, malformed submissions."""

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content import Check, check_answer, load_bank, right_answer

GOOD = Path(__file__).parent / "fixtures" / "good"


@cache
def good_bank():
    return load_bank(GOOD)


@pytest.fixture
def bank():
    return good_bank()


def check(bank, item_id, form, lang="fr") -> Check:
    return check_answer(bank.items[item_id], form, lang)


def test_qcu(bank):
    assert check(bank, "1.1-keywords-1a", {"answer": ["2"]}) == Check(True, True, "2", None)
    assert check(bank, "1.1-keywords-1a", {"answer": ["1"]}) == Check(True, False, "1", None)
    assert check(bank, "1.1-keywords-1a", {"answer": "2", "item_id": ["x"]}).correct


@pytest.mark.parametrize("form", [
    {}, {"answer": []}, {"answer": ["1", "2"]}, {"answer": ["4"]}, {"answer": ["0"]},
    {"answer": ["02"]}, {"answer": ["deux"]}, {"answer": [""]}, {"answer": ["x" * 600]},
    {"answer": [2]}, {"answer": None}, {"answer": {"a": 1}}, {"answer": ["1", None]},
])
def test_qcu_malformed(bank, form):
    result = check(bank, "1.1-keywords-1a", form)
    assert not result.valid and not result.correct and result.error


def test_qcm(bank):
    assert check(bank, "1.1-keywords-2a", {"answer": ["3", "1"]}) == Check(True, True, "1,3")
    assert check(bank, "1.1-keywords-2a", {"answer": ["1"]}) == Check(True, False, "1")
    assert check(bank, "1.1-keywords-2a", {"answer": ["1", "2", "3"]}).correct is False
    # Nothing ticked (browsers then send no field at all) is a valid, wrong answer.
    assert check(bank, "1.1-keywords-2a", {}) == Check(True, False, "")
    assert check(bank, "1.1-keywords-2a", {"answer": []}) == Check(True, False, "")
    assert not check(bank, "1.1-keywords-2a", {"answer": ["1", "9"]}).valid


@pytest.mark.parametrize(("lang", "text", "correct"), [
    ("fr", "guillemets", True),
    ("fr", "Les Guillemets", True),
    ("fr", "  les   guillemets ", True),
    ("fr", "guillemets.", True),
    ("fr", "quotes", False),  # the English answer does not count in French
    ("en", "Quotation-Marks", True),
    ("en", "quotes", True),
    ("en", "guillemets", False),
    ("fr", "apostrophes", False),
])
def test_qroc_language_answers(bank, lang, text, correct):
    result = check(bank, "1.1-keywords-3a", {"answer": [text]}, lang)
    assert result.valid and result.correct is correct
    assert result.value == text.strip()


@pytest.mark.parametrize(("text", "correct"), [
    ("1500", True), ("1 500", True), ("1,500", True), ("1.500", True), ("1500,0", True),
    ("1 500,00", True), ("1 501", False), ("mille cinq cents", False),
])
def test_qroc_number(bank, text, correct):
    assert check(bank, "1.1-sources-2a", {"answer": [text]}).correct is correct


def test_qroc_neutral_answer_in_both_languages(bank):
    for lang in ("fr", "en"):
        assert check(bank, "1.2-cells-2a", {"answer": ["b 2"]}, lang).correct
    assert not check(bank, "1.2-cells-2a", {"answer": ["B-2"]}).correct  # no punctuation flag


@pytest.mark.parametrize("form", [
    {}, {"answer": [""]}, {"answer": ["   "]}, {"answer": ["a", "b"]}, {"answer": ["x" * 501]},
    {"answer": ["a\x00b"]}, {"answer": ["a\x1bb"]}, {"answer": ["a\u200bb"]},
])
def test_qroc_malformed(bank, form):
    result = check(bank, "1.1-keywords-3a", form)
    assert result == Check(False, False, "", result.error) and result.error


def test_qroc_length_limit_counts_trimmed_text(bank):
    assert check(bank, "1.1-keywords-3a", {"answer": ["a" * 500 + "   "]}).valid


def test_qrocm_ind(bank):
    form = {"answer-author": ["marie  curie"], "answer-year": ["1 903"]}
    result = check(bank, "1.1-sources-4a", form)
    assert result.valid and result.correct
    assert json.loads(result.value) == {"author": "marie  curie", "year": "1 903"}
    form["answer-year"] = ["1904"]
    assert check(bank, "1.1-sources-4a", form) == Check(True, False, result.value.replace(
        "1 903", "1904"))
    # One field left empty is a valid (wrong) answer; every field empty is not an answer.
    assert check(bank, "1.1-sources-4a", {"answer-author": ["Marie Curie"],
                                          "answer-year": [""]}).valid
    assert not check(bank, "1.1-sources-4a", {"answer-author": [""], "answer-year": [""]}).valid
    assert not check(bank, "1.1-sources-4a", {"answer-author": ["Marie Curie"]}).valid


@pytest.mark.parametrize(("lang", "first", "second", "correct"), [
    ("fr", "ET", "OU", True),
    ("fr", "ou", "et", True),  # any order
    ("fr", "sauf", "ET", True),
    ("fr", "NON", "ou", True),  # an alternative of the third entry
    ("fr", "SAUF", "NON", False),  # both are the same entry
    ("fr", "ET", "et", False),  # the same answer twice
    ("fr", "ET", "", False),
    ("fr", "AND", "OR", False),
    ("en", "and", "not", True),
    ("en", "ET", "OU", False),
])
def test_qrocm_dep(bank, lang, first, second, correct):
    result = check(bank, "1.1-operators-5a", {"answer-first": [first],
                                              "answer-second": [second]}, lang)
    assert result.valid and result.correct is correct


def test_unknown_lang_falls_back_to_french(bank):
    assert check(bank, "1.1-keywords-3a", {"answer": ["guillemets"]}, "de").correct
    assert check(bank, "1.1-keywords-3a", {"answer": ["quotes"]}, "en-GB").correct


def test_form_that_is_not_a_mapping(bank):
    assert not check_answer(bank.items["1.1-keywords-1a"], ["2"]).valid  # type: ignore[arg-type]


def test_right_answer_is_accepted_everywhere(bank):
    for item in bank.items.values():
        for lang in ("fr", "en"):
            assert check_answer(item, right_answer(item, lang), lang).correct, item.id


FORM_VALUES = st.one_of(
    st.none(), st.text(max_size=600), st.integers(),
    st.lists(st.one_of(st.text(max_size=40), st.integers(), st.none()), max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["1.1-keywords-1a", "1.1-keywords-2a", "1.1-keywords-3a",
                        "1.1-sources-2a", "1.1-sources-4a", "1.1-operators-5a"]),
       st.dictionaries(st.sampled_from(["answer", "answer-author", "answer-year",
                                        "answer-first", "answer-second", "item_id"]),
                       FORM_VALUES, max_size=4),
       st.sampled_from(["fr", "en", "xx", ""]))
def test_never_raises(item_id, form, lang):
    result = check_answer(good_bank().items[item_id], form, lang)
    assert isinstance(result, Check)
    assert result.valid or (not result.correct and result.error)
