"""The hand-written asyncio Neo4j store, the source ``_sync/`` is generated from."""
