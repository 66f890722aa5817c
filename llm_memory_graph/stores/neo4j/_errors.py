"""The one place Neo4j driver exceptions become the library's errors, and which are retried.

Retries see the driver's own exceptions (``is_transient``); whatever is still raised after
the last attempt passes through ``translate_errors`` on its way to the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from neo4j import exceptions as neo4j_errors

from ...errors import (
    ConstraintError,
    StoreError,
    StoreTimeoutError,
    StoreUnavailableError,
)

__all__ = ["is_transient", "translate", "translate_errors"]


def is_transient(exc: BaseException) -> bool:
    """Tell whether a failed transaction may succeed if run again.

    The driver's own verdict (``is_retryable``: lost connections, expired sessions,
    transient server errors such as deadlocks), plus an incomplete commit, which is safe to
    repeat here because every write MERGEs on ids.
    """
    if isinstance(exc, neo4j_errors.IncompleteCommit):
        return True
    if isinstance(exc, neo4j_errors.Neo4jError | neo4j_errors.DriverError):
        return exc.is_retryable()
    return False


def _message(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # an exception built without its usual arguments
        text = ""
    return " ".join(text.split()) or type(exc).__name__  # one line, as CLI errors must be


def translate(exc: Exception) -> StoreError:
    """Return the library error for a driver exception."""
    text = _message(exc)
    if isinstance(exc, neo4j_errors.AuthError | neo4j_errors.AuthConfigurationError):
        return StoreUnavailableError(
            f"authentication failed; check NEO4J_USER and NEO4J_PASSWORD ({text})", store="neo4j"
        )
    if isinstance(exc, neo4j_errors.Forbidden):
        return StoreUnavailableError(f"the user may not do this ({text})", store="neo4j")
    if isinstance(exc, neo4j_errors.ConstraintError):
        return ConstraintError(text, store="neo4j")
    if isinstance(exc, neo4j_errors.TransientError | neo4j_errors.ConnectionAcquisitionTimeoutError):
        return StoreTimeoutError(f"the server stayed busy through every retry ({text})", store="neo4j")
    if isinstance(exc, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
        return StoreUnavailableError(f"cannot reach the server ({text})", store="neo4j")
    if isinstance(exc, neo4j_errors.ConfigurationError):
        return StoreUnavailableError(f"invalid connection settings ({text})", store="neo4j")
    return StoreError(f"{type(exc).__name__}: {text}", store="neo4j")


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise every driver exception as the library's error, keeping the cause."""
    try:
        yield
    except neo4j_errors.GqlError as exc:
        raise translate(exc) from exc
