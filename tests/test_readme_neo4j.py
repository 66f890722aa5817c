"""The README's Neo4j examples (its ``py`` blocks) run against the session's Neo4j server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llm_memory_graph.stores.neo4j import Neo4jSettings
from tests._neo4j import clear

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
BLOCKS = re.findall(r"```py\n(.*?)```", README, flags=re.DOTALL)


def test_the_readme_has_neo4j_examples() -> None:
    assert len(BLOCKS) >= 2


def test_the_readme_neo4j_examples_run_in_order(
    neo4j_settings: Neo4jSettings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clear(neo4j_settings)
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_settings.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.password or "")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    try:
        for i, code in enumerate(BLOCKS):  # each builds on the one before
            exec(compile(code, f"README.md (py example {i + 1})", "exec"), namespace)
    finally:
        from neomodel import db

        db.close_connection()
        clear(neo4j_settings)
