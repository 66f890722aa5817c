"""Turning store calls into query parameters and records into results: no I/O."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from ..._codec import meta_value
from ...errors import InvalidInputError
from ...schema import ITEM_TYPES, Edge, EdgeType, Node, NodeType
from ...spec import NodeFilter, Page, RangeField
from .._common import ranked_page_of
from ._records import meta_kv

__all__ = ["check_types", "chunks", "conversation_ids", "filter_parameters", "ranked_hits"]

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


def filter_parameters(spec: NodeFilter, ids: list[str] | None) -> dict[str, Any]:
    """Return the parameters of the shared filter block (see ``find_nodes.cypher``).

    :param ids: text search hits the nodes must be among, or ``None`` for no search.
    """
    return {
        "ids": ids,
        "since": spec.since,
        "until": spec.until,
        "types": [str(t) for t in spec.types] or None,
        "conversation_id": spec.conversation_id,
        "agent_id": spec.agent_id,
        "user_id": spec.user_id,
        "name": spec.name,
        "model": spec.model,
        "provider": spec.provider,
        "status": spec.status,
        "finish_reason": spec.finish_reason,
        "meta_kv": meta_kv(spec.metadata),
        "meta_in": [[f"{key}={meta_value(v)}" for v in values] for key, values in spec.metadata_in.items()],
        "meta_exists": [f"{key}=" for key in spec.metadata_exists],
        "ranges": [
            {"field": RangeField(field).value, "gte": bounds.gte, "lte": bounds.lte}
            for field, bounds in spec.ranges.items()
        ],
    }


def ranked_hits(
    nodes: list[Node], scores: dict[str, float], after: tuple[float, str] | None, limit: int
) -> Page:
    """Return one page of search hits, highest score first, then id, after a cursor's hit."""
    ranked = sorted(((n, scores[n.id]) for n in nodes), key=lambda hit: (-hit[1], hit[0].id))
    if after is not None:
        ranked = [hit for hit in ranked if (-hit[1], hit[0].id) > (-after[0], after[1])]
    return ranked_page_of(ranked, limit)
