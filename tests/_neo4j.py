"""A Neo4j server for the tests that need one, from the first source that works:

1. testcontainers, when a Docker engine answers;
2. the server NEO4J_URI names (+ NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE);
3. a local server built from Maven Central (``tools/neo4j-server/run``) when ``java`` and
   ``mvn`` are present: started once for the session on a free port in a temporary folder,
   stopped at the end. ``LLM_MEMORY_GRAPH_NEO4J_RELEASE=calendar`` picks the newest calendar
   release instead of 5.26 LTS;
4. else every Neo4j test is skipped with one reason, unless ``LLM_MEMORY_GRAPH_REQUIRE_NEO4J=1``
   (set by CI), which makes a missing server, and any skipped Neo4j test, a failure.

The environment is read when this module is imported, before the autouse fixture that
clears NEO4J_* for every test runs.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore
from llm_memory_graph.stores.neo4j.migrate import Migrator
from tools.local_neo4j import local_neo4j, missing_tools

__all__ = ["IMAGE", "REQUIRED", "SKIP_REASON", "clear", "neo4j_server"]

#: The server image testcontainers starts: the 5.26 LTS line.
IMAGE = "neo4j:5.26-community"

SKIP_REASON = (
    "Neo4j tests need a Docker engine (for testcontainers), NEO4J_URI (+ NEO4J_USER, "
    "NEO4J_PASSWORD), or java and mvn (for tools/neo4j-server); none is available here"
)

_ENV = {
    name: os.environ.get(name) for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
}

#: CI sets LLM_MEMORY_GRAPH_REQUIRE_NEO4J=1: then a skipped Neo4j test is a failure.
REQUIRED = os.environ.get("LLM_MEMORY_GRAPH_REQUIRE_NEO4J", "") not in ("", "0")

_RELEASE = os.environ.get("LLM_MEMORY_GRAPH_NEO4J_RELEASE", "lts")


def _docker_running() -> bool:
    """Tell whether a Docker engine answers on its socket (DOCKER_HOST or the default)."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        if host.startswith("unix://"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(2)
                sock.connect(host.removeprefix("unix://"))
        elif host.startswith("tcp://"):
            address, _, port = host.removeprefix("tcp://").partition(":")
            with socket.create_connection((address, int(port or 2375)), timeout=2):
                pass
        else:
            return False
    except OSError:
        return False
    return True


@contextmanager
def neo4j_server(*, reset: bool) -> Iterator[Neo4jSettings]:
    """Yield settings for a migrated, empty Neo4j database, or skip with one reason.

    :param reset: allow deleting the data of a server named by NEO4J_URI; without it a
        database that holds nodes is refused (a container is always empty).
    """
    if _docker_running():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer(IMAGE) as container:
            settings = Neo4jSettings(
                uri=container.get_connection_url(), user="neo4j", password=container.password
            )
            yield from _prepared(settings, reset=True)
        return
    if _ENV["NEO4J_URI"]:
        settings = Neo4jSettings.from_env(
            _ENV["NEO4J_URI"],
            user=_ENV["NEO4J_USER"],
            password=_ENV["NEO4J_PASSWORD"],
            database=_ENV["NEO4J_DATABASE"],
        )
        yield from _prepared(settings, reset=reset)
        return
    missing = missing_tools()
    if missing is None:
        with local_neo4j(release=_RELEASE) as server:
            settings = Neo4jSettings(uri=server.uri, user=server.user, password=server.password)
            yield from _prepared(settings, reset=True)
        return
    if REQUIRED:
        pytest.fail(f"LLM_MEMORY_GRAPH_REQUIRE_NEO4J is set, but {SKIP_REASON} ({missing})")
    pytest.skip(SKIP_REASON)


def _prepared(settings: Neo4jSettings, *, reset: bool) -> Iterator[Neo4jSettings]:
    with Neo4jStore(settings) as store:
        with store.driver.session(database=settings.database) as session:
            count = session.run(
                "MATCH (n) WHERE NOT n:Migration AND NOT n:MigrationLock RETURN count(n) AS n"
            ).single()
        if count is not None and count["n"] and not reset:
            pytest.fail(
                f"the Neo4j database at {settings.uri} holds {count['n']} nodes; the tests delete "
                "everything in it, so pass --reset-neo4j to allow that"
            )
        Migrator(store).apply()
    clear(settings)
    yield settings


def clear(settings: Neo4jSettings) -> None:
    """Delete every node but the migration records, so each test starts empty."""
    with Neo4jStore(settings) as store, store.driver.session(database=settings.database) as session:
        session.run(
            "MATCH (n) WHERE NOT n:Migration AND NOT n:MigrationLock "
            "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS"
        ).consume()
