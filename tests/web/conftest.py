"""Web tests: staff passwords hashed with cheap argon2 parameters (production ones are the
default and are tested explicitly in test_centre_accounts.py)."""

from __future__ import annotations

import pytest

from tests.web.centre_support import fast_settings
from web.settings import Settings


@pytest.fixture
def settings(database_url: str) -> Settings:
    return fast_settings(database_url)
