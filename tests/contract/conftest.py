"""The store every contract test runs against, once per store kind.

The Neo4j case runs against a testcontainers server when a Docker engine is available,
else against NEO4J_URI, else it is skipped with one reason (see tests/_neo4j.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests._neo4j import clear
from tests.fake_providers import provider_server

STORES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("neo4j", id="neo4j", marks=pytest.mark.neo4j),
]


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    """The name of the store under test; a Neo4j database is emptied before each test."""
    if request.param == "neo4j":
        clear(request.getfixturevalue("neo4j_settings"))
    return str(request.param)


@pytest.fixture(scope="session")
def provider_url() -> Iterator[str]:
    """The root URL of a local server that answers as OpenAI's and Anthropic's APIs do
    (tests/fake_providers.py)."""
    with provider_server() as url:
        yield url
