"""Tolerance rules: accents, case, spaces, punctuation, numbers in French or English writing."""

from decimal import Decimal

import pytest

from content.normalise import normalise, numbers, same_answer

ALL = {"case", "accents", "spaces", "punctuation"}


@pytest.mark.parametrize(("candidate", "accepted", "flags", "expected"), [
    ("Imprimante", "imprimante", {"case"}, True),
    ("Imprimante", "imprimante", set(), False),
    ("écran", "ecran", {"accents"}, True),
    ("écran", "ecran", {"case"}, False),
    ("ÉCRAN", "ecran", {"case", "accents"}, True),
    ("cœur", "coeur", {"accents"}, True),
    ("mot clé", "motclé", {"spaces"}, True),
    ("mot  clé", "mot clé", set(), True),  # inner runs always collapse
    ("  mot clé \t", "mot clé", set(), True),  # leading/trailing always ignored
    ("mot clé", "motclé", set(), False),
    ("e-mail", "email", {"punctuation"}, True),
    ("l’onglet", "l'onglet", set(), True),  # typographic apostrophe always plain
    ("l'onglet !", "longlet", {"punctuation"}, True),  # punctuation is removed, not spaced
    ("Pare-Feu", "pare feu", ALL, True),
    ("pare-feu", "pare feux", ALL, False),
    ("B 2", "b2", {"case", "spaces"}, True),
    ("C++", "C", {"punctuation"}, False),  # + is a symbol, not punctuation
    ("Ｂ２", "B2", set(), True),  # full-width forms (NFKC)
])
def test_text_tolerance(candidate, accepted, flags, expected):
    assert same_answer(candidate, accepted, flags) is expected


@pytest.mark.parametrize(("text", "values"), [
    ("42", {"42"}),
    ("-3", {"-3"}),
    ("−3,5", {"-3.5"}),
    ("3,5", {"3.5"}),
    ("3.5", {"3.5"}),
    ("1 000", {"1000"}),
    ("1\u202f000,25", {"1000.25"}),
    ("1,000.25", {"1000.25"}),
    ("1.000,25", {"1000.25"}),
    ("1,000,000", {"1000000"}),
    ("1,000", {"1", "1000"}),  # ambiguous: both readings
    (",5", {"0.5"}),
    ("12", {"12"}),
    ("abc", set()),
    ("1,2,3", set()),
    ("1.2.3", set()),
    ("", set()),
    ("--1", set()),
    ("1e5", set()),
    ("NaN", set()),
])
def test_numbers(text, values):
    assert numbers(text) == {Decimal(v) for v in values}


@pytest.mark.parametrize(("candidate", "accepted", "expected"), [
    ("3,5", "3.5", True),
    ("3.5", "3,5", True),
    ("3,50", "3.5", True),
    ("1 000", "1000", True),
    ("1000", "1 000", True),
    ("1,000", "1000", True),
    ("1.000", "1000", True),
    ("999", "1000", False),
    ("mille", "1000", False),
    ("", "0", False),
])
def test_number_tolerance(candidate, accepted, expected):
    assert same_answer(candidate, accepted, {"number"}) is expected


def test_number_flag_falls_back_to_text_for_words():
    assert same_answer("Quarante-deux", "quarante-deux", {"number", "case"})
    assert same_answer("42", "quarante-deux", {"number", "case"}) is False


def test_normalise_is_idempotent():
    for text in ("  Élève — l’ÉCOLE  !", "a\u00a0b", "Straße"):
        once = normalise(text, ALL)
        assert normalise(once, ALL) == once
