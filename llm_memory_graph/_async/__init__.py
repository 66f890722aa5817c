"""The hand-written asyncio facade: ``AsyncMemoryGraph`` and the method groups it is made of.

``scripts/unasync.py`` generates ``_sync/`` from these files, file for file and line for line.
"""
