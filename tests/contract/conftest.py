"""The store every contract test runs against, once per store kind.

Neo4j joins this list with the Neo4j store; each test then runs on both.
"""

from __future__ import annotations

import pytest

STORES = [pytest.param("sqlite", id="sqlite")]


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    """The name of the store under test."""
    return str(request.param)
