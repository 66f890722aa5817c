"""``graph.langchain_handler()``: the LangChain callback handler of a graph, sync or asyncio
(``_async/langchain.py`` and its generated twin). Needs ``langchain-core``."""

from __future__ import annotations

from typing import Any

from ..metrics import GraphMetrics
from ..recording.pending import PendingToolCalls
from ._async.langchain import AsyncGraphCallbackHandler
from ._sync.langchain import GraphCallbackHandler

__all__ = ["AsyncGraphCallbackHandler", "GraphCallbackHandler", "handler_for"]


def handler_for(graph: Any, metrics: GraphMetrics | None, pending: PendingToolCalls) -> Any:
    """The handler of ``graph``'s kind: ``GraphCallbackHandler`` for a ``MemoryGraph``,
    ``AsyncGraphCallbackHandler`` (its methods awaited by LangChain) for an ``AsyncMemoryGraph``."""
    from .._sync.graph import MemoryGraph

    kind = GraphCallbackHandler if isinstance(graph, MemoryGraph) else AsyncGraphCallbackHandler
    return kind(graph, metrics, pending)
