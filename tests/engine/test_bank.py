import numpy as np
import pytest

from engine import ItemBank, ItemRow


def test_csv_round_trip(tmp_path, small):
    path = tmp_path / "bank.csv"
    small.to_csv(path)
    again = ItemBank.from_csv(path)
    assert again.ids == small.ids and again.competences == small.competences
    assert np.array_equal(again.a, small.a) and np.array_equal(again.b, small.b)
    assert np.array_equal(again.accessible, small.accessible)
    assert np.array_equal(again.tube, small.tube) and np.array_equal(again.skill, small.skill)


def test_arrays_and_lookup(bank):
    assert len(bank) == 1040 and len(bank.competences) == 16 and len(bank.tubes) == 208
    assert bank.competences == tuple(sorted(bank.competences))
    assert bank.index_of(bank.ids[17]) == 17
    with pytest.raises(KeyError):
        bank.index_of("nope")
    with pytest.raises(ValueError):
        bank.a[0] = 3.0  # immutable
    assert round(bank.accessible.mean(), 2) == 0.65


def test_invalid_banks_are_refused():
    row = ItemRow("x", 1.0, 0.0, "1.1", "t", "s", True)
    with pytest.raises(ValueError):
        ItemBank.from_rows([])
    with pytest.raises(ValueError):
        ItemBank.from_rows([row, row])
    with pytest.raises(ValueError):
        ItemBank.from_rows([ItemRow("y", 0.0, 0.0, "1.1", "t", "s", True)])
    with pytest.raises(ValueError):
        ItemBank.from_rows([ItemRow("y", 1.0, float("nan"), "1.1", "t", "s", True)])
