"""A bounded, expiring cache of read results, cleared by every write through the same graph.

Results are immutable models, so a cached one can be handed to several callers. Writes
made through the graph clear the cache at once; writes by other processes show up when
an entry expires (``ttl``), or sooner where the store can tell (SQLite's data version).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

__all__ = ["CacheStats", "QueryCache"]


@dataclass(frozen=True)
class CacheStats:
    """How the cache has done since it was made."""

    hits: int
    misses: int
    size: int
    max_entries: int

    @property
    def hit_rate(self) -> float:
        """Share of lookups answered from the cache (0 before the first lookup)."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class QueryCache:
    """Least-recently-used cache of read results with a time to live.

        graph = MemoryGraph.open("graph.db", cache=QueryCache(max_entries=2048, ttl=60))
        graph.cache.stats().hit_rate

    Safe to share between threads and tasks.

    :param max_entries: most results kept (default 1024); the least recently used go first.
    :param ttl: seconds a result stays valid (default 5).
    :param clock: monotonic seconds; tests pass a fake clock.
    """

    def __init__(
        self, max_entries: int = 1024, ttl: float = 5.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.max_entries = max_entries
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0
        self._token: int | None = None

    def get(self, key: Hashable) -> tuple[bool, Any]:
        """Return ``(True, value)`` for a live entry, else ``(False, None)``."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(key)
                self._hits += 1
                return True, entry[1]
            if entry is not None:
                del self._entries[key]
            self._misses += 1
            return False, None

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` seconds."""
        with self._lock:
            self._entries[key] = (self._clock() + self.ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def check_token(self, token: int | None) -> None:
        """Forget every entry if the store's change token moved since the last call."""
        if token is None:
            return
        with self._lock:
            if token != self._token:
                self._entries.clear()
                self._token = token

    def clear(self) -> None:
        """Forget every entry (the graph calls this on every write)."""
        with self._lock:
            self._entries.clear()

    def stats(self) -> CacheStats:
        """Return the hit and miss counts and the current size."""
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries), self.max_entries)
