"""The active recording scope, on ``contextvars``: what calls made inside ``graph.track(...)``
are recorded into, with no I/O.

A scope names the conversation, the agent, the tool invocation and the template version the
calls inside it belong to. It follows the code as Python's context does: into awaited
coroutines and asyncio tasks (which copy the context when created), and into threads started
with ``contextvars.copy_context().run``. Scopes belong to one graph: a scope of another graph
is ignored.

``TrackerBase`` turns a tracker (a context manager, sync or async) into a decorator for plain
functions, generators, coroutines and async generators; each call enters a fresh copy.
"""

from __future__ import annotations

import abc
import functools
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypedDict, TypeVar

from pydantic import JsonValue

from ..errors import UsageError
from ..schema import Edge, Instantiates, Prompt

if TYPE_CHECKING:
    from ..metrics import GraphMetrics
    from ..schema import Agent, Conversation

__all__ = [
    "Scope",
    "TrackOptions",
    "TrackerBase",
    "current_scope",
    "enter_scope",
    "instantiation",
    "leave_scope",
    "recording_failed",
    "scoped",
]

log = logging.getLogger("llm_memory_graph.recording")


def recording_failed(metrics: GraphMetrics | None, stage: str, what: str, error: Exception) -> None:
    """Log and count (``recording_failures{stage}``) a recording that failed; the user's
    code runs on."""
    log.warning("llm-memory-graph could not record %s: %s", what, error)
    if metrics is not None:
        metrics.recording_failures.labels(stage).inc()


_F = TypeVar("_F", bound=Callable[..., Any])


class TrackOptions(TypedDict, total=False):
    """What ``graph.track(name, ...)`` takes besides the scope's name."""

    #: Join this conversation (an id or the node); default: the enclosing scope's, else a
    #: new one, titled ``name``, closed again when the scope ends.
    conversation: str | Conversation | None
    #: The agent at work inside (a name, registered on first use, or the node); another
    #: agent than the enclosing scope's is a hand-off (TRANSFERS_TO), ``name`` its reason.
    agent: str | Agent | None
    #: A tool run: the invocation a model asked for (by ``tool_call_id``, else the oldest
    #: pending call of this tool in the conversation), or a new one; it ends with the
    #: function's result, or its error.
    tool: str | None
    tool_call_id: str | None
    arguments: Mapping[str, JsonValue] | None
    #: A prompt template (by name, with ``version`` or ``label``) that prompts recorded
    #: inside INSTANTIATE.
    template: str | None
    version: int | str | None
    label: str | None
    #: The end user of a new conversation, and its metadata.
    user_id: str | None
    metadata: Mapping[str, JsonValue] | None


@dataclass(frozen=True)
class Scope:
    """What the calls inside one ``track`` block are recorded into (ids, never nodes)."""

    #: ``id()`` of the graph the scope belongs to.
    graph: int
    name: str | None = None
    conversation_id: str | None = None
    agent_id: str | None = None
    #: The tool invocation running now: a model called inside it is TRIGGERED by it.
    tool_invocation_id: str | None = None
    #: The template version prompts made inside it INSTANTIATE.
    template_version_id: str | None = None
    parent: Scope | None = field(default=None, repr=False)

    def child(self, **changes: Any) -> Scope:
        """A scope inside this one: everything inherited but what ``changes`` names."""
        return replace(self, parent=self, **changes)


_CURRENT: ContextVar[Scope | None] = ContextVar("llm_memory_graph_scope", default=None)


def current_scope(graph: object) -> Scope | None:
    """The innermost scope of ``graph`` active here, or ``None``."""
    scope = _CURRENT.get()
    while scope is not None and scope.graph != id(graph):
        scope = scope.parent
    return scope


def enter_scope(scope: Scope) -> Token[Scope | None]:
    """Make ``scope`` the active one; ``leave_scope`` with the token restores the one before."""
    return _CURRENT.set(scope)


def leave_scope(token: Token[Scope | None], scope: Scope) -> None:
    """Restore the scope active before ``scope`` was entered.

    A generator finished in another context than the one it started in cannot reset its
    token; the scope's parent is made active there instead.
    """
    try:
        _CURRENT.reset(token)
    except ValueError:
        _CURRENT.set(scope.parent)


#: The keys a recording call may take from the active scope, and the scope field each reads.
_FROM_SCOPE = {"conversation": "conversation_id", "agent": "agent_id", "triggered_by": "tool_invocation_id"}


def scoped(scope: Scope | None, fields: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """``fields`` with what the active scope supplies for those of ``keys`` (of
    ``conversation``, ``agent``, ``triggered_by``) the call left out."""
    filled = dict(fields)
    if scope is not None:
        for key in keys:
            value = getattr(scope, _FROM_SCOPE[key])
            if value is not None and filled.get(key) is None:
                filled[key] = value
    return filled


def instantiation(scope: Scope | None, prompt: Prompt) -> list[Edge]:
    """The INSTANTIATES edge from a prompt to the scope's template version, if it has one."""
    if scope is None or scope.template_version_id is None:
        return []
    return [Instantiates(source_id=prompt.id, target_id=scope.template_version_id)]


class TrackerBase(abc.ABC):
    """A context manager that is also a decorator; subclasses say how to enter and leave.

    A tracker that records with ``await`` overrides ``__aenter__``/``__aexit__`` only: it
    decorates coroutines and async generators, and ``with`` refuses it. One that records
    synchronously overrides ``__enter__``/``__exit__``, and also works in coroutines (its
    short writes then block the event loop while they run).
    """

    def __enter__(self) -> Self:
        raise UsageError(f"{type(self).__name__} records with await: use 'async with'")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        raise UsageError(f"{type(self).__name__} records with await: use 'async with'")

    async def __aenter__(self) -> Self:
        return self.__enter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(exc_type, exc, tb)

    @property
    def sync_ok(self) -> bool:
        """Whether plain functions and generators may be decorated."""
        return type(self).__enter__ is not TrackerBase.__enter__

    @abc.abstractmethod
    def fresh(self) -> Self:
        """A copy to enter once: each call of a decorated function enters its own."""

    @abc.abstractmethod
    def returned(self, value: object) -> None:
        """Keep what the decorated function returned (a tool's result); no I/O."""

    def __call__(self, func: _F) -> _F:
        if inspect.isasyncgenfunction(func):

            @functools.wraps(func)
            async def async_generator(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
                async with self.fresh():
                    async for item in func(*args, **kwargs):
                        yield item

            return async_generator  # type: ignore[return-value]
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def coroutine(*args: Any, **kwargs: Any) -> Any:
                async with self.fresh() as tracker:
                    value = await func(*args, **kwargs)
                    tracker.returned(value)
                    return value

            return coroutine  # type: ignore[return-value]
        if not self.sync_ok:
            raise UsageError(
                f"{type(self).__name__} records with await: it decorates coroutines and async "
                f"generators, not {getattr(func, '__qualname__', func)!r}; use MemoryGraph.track there"
            )
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def generator(*args: Any, **kwargs: Any) -> Iterator[Any]:
                with self.fresh():
                    yield from func(*args, **kwargs)

            return generator  # type: ignore[return-value]

        @functools.wraps(func)
        def plain(*args: Any, **kwargs: Any) -> Any:
            with self.fresh() as tracker:
                value = func(*args, **kwargs)
                tracker.returned(value)
                return value

        return plain  # type: ignore[return-value]
