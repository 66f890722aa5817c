"""Every exception llm_memory_graph raises, in one tree.

Catch ``MemoryGraphError`` to handle anything the library raises on purpose. Leaves also
subclass the matching builtin, so ``except ValueError`` or ``except LookupError`` keep
working in code that does not know this library.

* MemoryGraphError
  * InvalidInputError (ValueError)
    * EdgeEndpointError
    * InvalidCursorError
  * NotFoundError (LookupError)
    * NodeNotFoundError
    * EdgeNotFoundError
  * StoreError
    * StoreUnavailableError
    * StoreTimeoutError
    * StoreCorruptError
    * SchemaVersionError
    * MigrationError
    * ConstraintError
  * UsageError (RuntimeError)
    * GraphClosedError
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ConstraintError",
    "EdgeEndpointError",
    "EdgeNotFoundError",
    "GraphClosedError",
    "InvalidCursorError",
    "InvalidInputError",
    "MemoryGraphError",
    "MigrationError",
    "NodeNotFoundError",
    "NotFoundError",
    "SchemaVersionError",
    "StoreCorruptError",
    "StoreError",
    "StoreTimeoutError",
    "StoreUnavailableError",
    "UsageError",
]


class MemoryGraphError(Exception):
    """Raised for any failure this library reports on purpose; the root of the tree."""


# ---------------------------------------------------------------- input


class InvalidInputError(MemoryGraphError, ValueError):
    """Raised when a value given by the caller is invalid; nothing has been written.

    ``field`` names the offending field as a dotted path (``nodes.3.input_tokens``) when
    one field is at fault, else ``None``.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class EdgeEndpointError(InvalidInputError):
    """Raised when an edge's source or target is missing or of a type the edge cannot join."""

    def __init__(self, message: str, *, edge_id: str, field: str) -> None:
        self.edge_id = edge_id
        super().__init__(f"edge {edge_id}: {message}", field=field)


class InvalidCursorError(InvalidInputError):
    """Raised when a page cursor was not produced by this library or was altered."""

    def __init__(self, cursor: str) -> None:
        self.cursor = cursor
        super().__init__(f"not a valid page cursor: {cursor!r}", field="cursor")


# ---------------------------------------------------------------- not found


class NotFoundError(MemoryGraphError, LookupError):
    """Raised when something asked for by id does not exist in the store."""


class NodeNotFoundError(NotFoundError):
    """Raised when one or more node ids do not exist in the store."""

    def __init__(self, node_ids: str | Sequence[str]) -> None:
        ids = [node_ids] if isinstance(node_ids, str) else list(node_ids)
        self.node_id = ids[0]
        self.node_ids = ids
        shown = ", ".join(ids[:5]) + (f" (+{len(ids) - 5} more)" if len(ids) > 5 else "")
        super().__init__(f"no node with id {shown}")


class EdgeNotFoundError(NotFoundError):
    """Raised when an edge id does not exist in the store."""

    def __init__(self, edge_id: str) -> None:
        self.edge_id = edge_id
        super().__init__(f"no edge with id {edge_id}")


# ---------------------------------------------------------------- store


class StoreError(MemoryGraphError):
    """Raised when the store fails; ``store`` names which one (``sqlite``, ``neo4j``)."""

    def __init__(self, message: str, *, store: str) -> None:
        self.store = store
        super().__init__(f"{store}: {message}")


class StoreUnavailableError(StoreError):
    """Raised when the store cannot be opened or reached (missing folder, read-only file)."""


class StoreTimeoutError(StoreError):
    """Raised when the store stayed locked or busy for longer than the configured timeout."""


class StoreCorruptError(StoreError):
    """Raised when the store's file or database is not one this library can read."""


class SchemaVersionError(StoreError):
    """Raised when the store was written by a newer version of this library."""

    def __init__(self, *, found: int, supported: int, store: str) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"store schema version {found} is newer than this library supports "
            f"({supported}); upgrade llm-memory-graph",
            store=store,
        )


class MigrationError(StoreError):
    """Raised when a database's migrations are missing, altered, or being applied by another runner."""


class ConstraintError(StoreError):
    """Raised when a write breaks a store constraint the input checks could not foresee."""


# ---------------------------------------------------------------- usage


class UsageError(MemoryGraphError, RuntimeError):
    """Raised when the API is used in an order or state it does not allow."""


class GraphClosedError(UsageError):
    """Raised when a graph or store is used after it was closed."""

    def __init__(self, what: str = "graph") -> None:
        super().__init__(f"Cannot use a {what} that has been closed; open a new one.")
