"""The embedded store: one SQLite file (WAL, JSON1, FTS5, recursive CTEs), stdlib ``sqlite3``."""

from __future__ import annotations

from .store import AsyncSQLiteStore, SQLiteStore

__all__ = ["AsyncSQLiteStore", "SQLiteStore"]
