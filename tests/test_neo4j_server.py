"""What only a real Neo4j server shows about the store: how it talks to the server.

Every test here runs on the session's server (see tests/_neo4j.py).
"""

from __future__ import annotations

import logging

import pytest

from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore


def test_the_store_does_not_log_a_warning_for_a_label_the_database_has_not_seen(
    neo4j_settings: Neo4jSettings, caplog: pytest.LogCaptureFixture
) -> None:
    # A fresh database lacks most labels; the driver would log each query naming one.
    with Neo4jStore(neo4j_settings) as store, caplog.at_level(logging.DEBUG, logger="neo4j"):
        store.driver.execute_query(
            "MATCH (n:LabelNoWriteEverMade) RETURN count(n) AS n", database_=neo4j_settings.database
        )
    assert not [r for r in caplog.records if "does not exist" in r.getMessage()]
