"""Fixtures for the content tests: the good fixture bank and broken copies of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

GOOD = Path(__file__).parent / "fixtures" / "good"


@pytest.fixture
def make_bank(tmp_path: Path) -> Callable[[Path | None], Path]:
    """Copy the good fixture bank to a temporary directory, laying ``overlay``'s files over it."""

    def make(overlay: Path | None = None) -> Path:
        target = tmp_path / "bank"
        shutil.copytree(GOOD, target)
        if overlay is not None:
            for path in overlay.rglob("*"):
                if path.is_file() and path.name != "expect.txt":
                    dest = target / path.relative_to(overlay)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, dest)
        return target

    return make
