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
      * StoreReadOnlyError
      * StoreFullError
    * StoreTimeoutError
    * StoreCorruptError
    * SchemaVersionError
    * MigrationError
    * ConstraintError
  * BatchError
    * BatchWriteError
    * BufferFullError
    * BufferedWriteError
    * FlushTimeoutError (TimeoutError)
  * TemplateError
    * TemplateNotFoundError (LookupError)
    * TemplateRenderError (ValueError)
    * TemplateInheritanceError
  * UsageError (RuntimeError)
    * GraphClosedError
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BatchError",
    "BatchWriteError",
    "BufferFullError",
    "BufferedWriteError",
    "ConstraintError",
    "EdgeEndpointError",
    "EdgeNotFoundError",
    "FlushTimeoutError",
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
    "StoreFullError",
    "StoreReadOnlyError",
    "StoreTimeoutError",
    "StoreUnavailableError",
    "TemplateError",
    "TemplateInheritanceError",
    "TemplateNotFoundError",
    "TemplateRenderError",
    "UsageError",
]


#: The most characters of a caller's value an error message repeats.
SHOWN_WIDTH = 100


def _shown(value: str, *, quote: bool = True) -> str:
    """Return a caller's ``value`` as an error message repeats it: its ``repr()`` (or,
    with ``quote=False``, the text itself when it is printable), cut to ``SHOWN_WIDTH``
    characters with the full length after it, so a megabyte of input or a control
    character never reaches a log or a terminal whole.
    """
    if len(value) > SHOWN_WIDTH:
        return f"{value[:SHOWN_WIDTH]!r}… ({len(value):,} characters)"
    return value if not quote and value.isprintable() else repr(value)


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
        super().__init__(f"not a valid page cursor: {_shown(cursor)}", field="cursor")


# ---------------------------------------------------------------- not found


class NotFoundError(MemoryGraphError, LookupError):
    """Raised when something asked for by id does not exist in the store."""


class NodeNotFoundError(NotFoundError):
    """Raised when one or more node ids do not exist in the store."""

    def __init__(self, node_ids: str | Sequence[str]) -> None:
        ids = [node_ids] if isinstance(node_ids, str) else list(node_ids)
        self.node_id = ids[0]
        self.node_ids = ids
        shown = ", ".join(_shown(i, quote=False) for i in ids[:5]) + (
            f" (+{len(ids) - 5} more)" if len(ids) > 5 else ""
        )
        super().__init__(f"no node with id {shown}")


class EdgeNotFoundError(NotFoundError):
    """Raised when an edge id does not exist in the store."""

    def __init__(self, edge_id: str) -> None:
        self.edge_id = edge_id
        super().__init__(f"no edge with id {_shown(edge_id, quote=False)}")


# ---------------------------------------------------------------- store


class StoreError(MemoryGraphError):
    """Raised when the store fails; ``store`` names which one (``sqlite``, ``neo4j``)."""

    def __init__(self, message: str, *, store: str) -> None:
        self.store = store
        super().__init__(f"{store}: {message}")


class StoreUnavailableError(StoreError):
    """Raised when the store cannot be opened or reached (missing folder, read-only file)."""


class StoreReadOnlyError(StoreUnavailableError):
    """Raised when the store can be read but not written (a read-only file, mount or connection)."""


class StoreFullError(StoreUnavailableError):
    """Raised when the disk, or the store's size limit, is full; the failed write was rolled back."""


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


# ---------------------------------------------------------------- batches and buffered writers


class BatchError(MemoryGraphError):
    """Raised when a batch or a buffered writer could not write what was recorded in it."""


class BatchWriteError(BatchError):
    """Raised when one chunk of a batch failed; the chunks before it stay committed.

    ``chunk`` is the failed chunk's number (1-based) out of ``chunks``; ``nodes_written``
    and ``edges_written`` count what the committed chunks before it wrote; ``error`` is the
    store's own error (also the ``__cause__``), such as an ``EdgeEndpointError``, whose
    ``field`` counts inside the chunk; ``call`` is the number (1-based, in recording order
    since the batch began) of the recording call the store refused, when the error names one.
    """

    def __init__(
        self,
        error: MemoryGraphError,
        *,
        chunk: int,
        chunks: int,
        nodes_written: int,
        edges_written: int,
        call: int | None = None,
    ) -> None:
        self.error = error
        self.chunk = chunk
        self.chunks = chunks
        self.nodes_written = nodes_written
        self.edges_written = edges_written
        self.call = call
        kept = (
            "nothing was written"
            if chunk == 1
            else f"chunks 1-{chunk - 1} stay written ({nodes_written} nodes, {edges_written} edges)"
        )
        at = "" if call is None else f" at recorded call {call}"
        super().__init__(f"batch chunk {chunk} of {chunks} failed{at} and was rolled back; {kept}: {error}")


class BufferFullError(BatchError):
    """Raised when a buffered writer's queue is full and its ``on_full`` policy is ``"raise"``;
    nothing of the call was recorded.
    """

    def __init__(self, *, max_items: int, items: int) -> None:
        self.max_items = max_items
        self.items = items
        super().__init__(
            f"the buffered writer's queue is full ({max_items} items); the {items} item(s) of this "
            "call were not recorded"
        )


class BufferedWriteError(BatchError):
    """Raised on the next call (or on close) after a buffered writer failed to write items
    it had accepted; the call that raises records nothing.

    ``errors`` holds the errors the writer met (the first ten), ``items`` counts the nodes
    and edges it could not write since the last report.
    """

    def __init__(self, errors: Sequence[BaseException], *, items: int) -> None:
        self.errors = list(errors)
        self.items = items
        first = self.errors[0] if self.errors else None
        more = f" (and {len(self.errors) - 1} more error(s))" if len(self.errors) > 1 else ""
        super().__init__(f"the buffered writer could not write {items} item(s): {first}{more}")


class FlushTimeoutError(BatchError, TimeoutError):
    """Raised when ``flush(timeout)`` or ``close(timeout)`` ran out of time before the
    buffered writer wrote everything recorded before the call.
    """

    def __init__(self, *, timeout: float, pending: int) -> None:
        self.timeout = timeout
        self.pending = pending
        super().__init__(f"{pending} item(s) were still unwritten after {timeout:g} s")


# ---------------------------------------------------------------- templates


class TemplateError(MemoryGraphError):
    """Raised when a prompt template cannot be found, resolved or rendered."""


class TemplateNotFoundError(TemplateError, LookupError):
    """Raised when a template name, version or label does not exist."""

    def __init__(self, name: str, what: str | None = None) -> None:
        self.name = name
        self.what = what
        super().__init__(f"no template {name!r}" if what is None else f"template {name!r} has no {what}")


class TemplateRenderError(TemplateError, ValueError):
    """Raised when variables are missing, unknown or of the wrong type, the text is not valid
    Jinja, the template reaches for something the sandbox forbids, passes one of its
    bounds, or its code fails (a division by zero, a wrong type, a recursion).

    ``variable`` names the variable at fault when there is one; ``limit`` names the
    ``TemplateLimits`` field that was passed when a bound stopped the template.
    """

    def __init__(
        self, message: str, *, template: str, variable: str | None = None, limit: str | None = None
    ) -> None:
        self.template = template
        self.variable = variable
        self.limit = limit
        where = f"{template}: variable {variable!r}" if variable else template
        super().__init__(f"{where}: {message}")


class TemplateInheritanceError(TemplateError):
    """Raised when a version's chain of parents loops back on itself or names a missing version."""

    def __init__(self, message: str, *, version_id: str) -> None:
        self.version_id = version_id
        super().__init__(f"template version {version_id}: {message}")


# ---------------------------------------------------------------- usage


class UsageError(MemoryGraphError, RuntimeError):
    """Raised when the API is used in an order or state it does not allow."""


class GraphClosedError(UsageError):
    """Raised when a graph or store is used after it was closed."""

    def __init__(self, what: str = "graph") -> None:
        super().__init__(f"Cannot use a {what} that has been closed; open a new one.")
