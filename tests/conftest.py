"""Fixtures every test may use: isolated environment, a database path, a fresh graph."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from llm_memory_graph import MemoryGraph
from llm_memory_graph.stores.neo4j import Neo4jSettings
from tests._neo4j import REQUIRED, neo4j_server


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--reset-neo4j``: let the tests delete the data of the server NEO4J_URI names."""
    parser.addoption(
        "--reset-neo4j",
        action="store_true",
        help="allow the Neo4j tests to delete every node in the database NEO4J_URI names",
    )


_ENV = ("LLM_MEMORY_GRAPH_DB", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that asks for a Neo4j server, so ``-m neo4j`` selects all of them."""
    for item in items:
        if "neo4j_settings" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.neo4j)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """With LLM_MEMORY_GRAPH_REQUIRE_NEO4J set (as CI does), a skipped Neo4j test fails."""
    report: pytest.TestReport = yield
    if REQUIRED and report.skipped and item.get_closest_marker("neo4j") is not None:
        report.outcome = "failed"
        report.longrepr = (
            f"LLM_MEMORY_GRAPH_REQUIRE_NEO4J is set, but this Neo4j test was skipped: {report.longrepr}"
        )
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print each skip reason once, with how many tests it skipped, not once per test."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = (
            str(report.longrepr[2]).removeprefix("Skipped: ") if isinstance(report.longrepr, tuple) else "?"
        )
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(f"SKIPPED {count} test(s): {reason}", yellow=True)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the caller's graph settings out of every test."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def neo4j_settings(request: pytest.FixtureRequest) -> Iterator[Neo4jSettings]:
    """A migrated Neo4j database for the whole run (or a skip saying why there is none)."""
    with neo4j_server(reset=bool(request.config.getoption("--reset-neo4j"))) as settings:
        yield settings


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database file path in a fresh folder; the file does not exist yet."""
    return tmp_path / "graph.db"


@pytest.fixture
def fresh_graph(db_path: Path) -> Iterator[MemoryGraph]:
    """An empty embedded graph in a file, closed after the test."""
    with MemoryGraph.open(db_path) as graph:
        yield graph
