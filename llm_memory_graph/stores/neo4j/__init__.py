"""The Neo4j 5 store: named Cypher queries, neomodel classes, versioned migrations.

Importing this package opens no connection; the driver connects on first use.
"""

from ._connection import Neo4jSettings, RetryPolicy, is_neo4j_uri
from .aio_store import AsyncNeo4jStore
from .store import Neo4jStore

__all__ = ["AsyncNeo4jStore", "Neo4jSettings", "Neo4jStore", "RetryPolicy", "is_neo4j_uri"]
