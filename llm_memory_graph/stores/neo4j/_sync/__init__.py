"""The synchronous Neo4j store, generated from ``_async/`` by ``scripts/unasync.py``."""
