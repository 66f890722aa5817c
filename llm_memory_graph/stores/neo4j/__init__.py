"""The Neo4j 5 store: named Cypher queries, neomodel classes, versioned migrations.

Importing this package opens no connection and does not import the driver: the stores are
loaded on first use (``from llm_memory_graph.stores.neo4j import Neo4jStore``), so a
program on the embedded store never pays the driver's import time or memory.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._connection import Neo4jSettings, RetryPolicy, is_neo4j_uri

if TYPE_CHECKING:
    from ._async.store import AsyncNeo4jStore
    from ._sync.store import Neo4jStore

__all__ = ["AsyncNeo4jStore", "Neo4jSettings", "Neo4jStore", "RetryPolicy", "is_neo4j_uri"]

_LAZY = {"AsyncNeo4jStore": "._async.store", "Neo4jStore": "._sync.store"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
