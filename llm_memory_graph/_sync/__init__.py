"""The synchronous facade, ``MemoryGraph``, generated from ``_async/`` by ``scripts/unasync.py``."""
