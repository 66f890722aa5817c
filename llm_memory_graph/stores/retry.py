"""How stores retry transient failures: one policy type for every store, no I/O here.

SQLite retries a statement that found the file locked or busy beyond the connection's own
busy timeout; Neo4j retries whole transactions on transient server errors. Both count
each retry by error class in ``store.retries`` and call ``store.on_retry`` (the graph's
metrics hook) when it is set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RetryHook", "RetryPolicy"]

#: Called with the class name of the error that caused each retry.
RetryHook = Callable[[str], None]


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures (a locked file, lost connections, deadlocks, leader changes)
    are retried.

        SQLiteStore("graph.db", retry=RetryPolicy(attempts=8))

    :param attempts: tries in all, the first included (default 5).
    :param backoff: seconds; the wait before try *n* is random in [0, backoff * 2**n],
        jittered so that writers that collided do not collide again.
    :param max_backoff: the longest single wait, in seconds (default 2).
    """

    attempts: int = 5
    backoff: float = 0.05
    max_backoff: float = 2.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.backoff < 0 or self.max_backoff < 0:
            raise ValueError("waits cannot be negative")
