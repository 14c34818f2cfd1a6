import pytest

from engine import DEFAULT_CONFIG, ItemBank, ItemRow
from engine.reference import reference_bank, small_bank


@pytest.fixture(scope="session")
def bank() -> ItemBank:
    return reference_bank()


@pytest.fixture(scope="session")
def small() -> ItemBank:
    return small_bank()


@pytest.fixture(scope="session")
def config():
    return DEFAULT_CONFIG


@pytest.fixture(scope="session")
def tiny() -> ItemBank:
    return tiny_bank()


def tiny_bank(competences: int = 3, tubes: int = 3, items: int = 2) -> ItemBank:
    """A hand-sized bank: every item accessible except each tube's last one."""
    rows = []
    for c in range(competences):
        for t in range(tubes):
            for k in range(items):
                tube = f"{c + 1}.1-t{t}"
                rows.append(ItemRow(f"{tube}-i{k}", 1.0 + 0.1 * k, -1.0 + t + 0.3 * k,
                                    f"{c + 1}.1", tube, f"{tube}-s{k}", k < items - 1))
    return ItemBank.from_rows(rows)
