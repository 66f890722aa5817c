"""Turning store calls into query parameters and records into results: no I/O."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from ...errors import InvalidInputError
from ...schema import ITEM_TYPES, Edge, EdgeType, Node, NodeType
from ...spec import NodeFilter

__all__ = ["check_types", "chunks", "conversation_ids", "find_parameters"]

T = TypeVar("T")


def check_types(nodes: Sequence[Node], edges: Sequence[Edge]) -> None:
    """Refuse a label or relationship type that is not in the schema, even from a model
    built with ``model_construct`` (which skips validation): they reach Cypher as labels.
    """
    for i, node in enumerate(nodes):
        if node.type not in set(NodeType):
            raise InvalidInputError(f"unknown node type {node.type!r}", field=f"nodes.{i}.type")
    for i, edge in enumerate(edges):
        if edge.type not in set(EdgeType):
            raise InvalidInputError(f"unknown edge type {edge.type!r}", field=f"edges.{i}.type")


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Yield ``items`` in lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def conversation_ids(nodes: Sequence[Node]) -> list[str]:
    """The conversations a batch writes or appends to, whose counters it must lock."""
    ids = {n.id for n in nodes if n.type is NodeType.CONVERSATION}
    ids.update(n.conversation_id for n in nodes if n.type in ITEM_TYPES and n.conversation_id)  # type: ignore[union-attr]
    return sorted(ids)


def find_parameters(
    spec: NodeFilter, after: tuple[datetime, str] | None, limit: int, meta_kv: list[str]
) -> dict[str, Any]:
    """Return the parameters of ``find_nodes.cypher`` for a filter and a cursor position."""
    start, after_id = (spec.since, "") if spec.since is not None else (None, "")
    if after is not None and (start is None or after[0] >= start):
        start, after_id = after
    return {
        "from": start,
        "after_id": after_id,
        "until": spec.until,
        "types": [str(t) for t in spec.types] or None,
        "conversation_id": spec.conversation_id,
        "agent_id": spec.agent_id,
        "user_id": spec.user_id,
        "name": spec.name,
        "model": spec.model,
        "meta_kv": meta_kv,
        "limit": limit,
    }
