"""The integrations for the synchronous facade, generated from ``_async/`` by ``scripts/unasync.py``."""
