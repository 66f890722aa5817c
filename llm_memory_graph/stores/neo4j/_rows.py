"""Turning store calls into query parameters and records into results: no I/O."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from ...errors import InvalidInputError
from ...schema import ITEM_TYPES, ONE_PER_PAIR_EDGE_TYPES, Edge, EdgeType, Node, NodeType
from ...spec import NodeFilter, RangeField
from ...text_search import parse_text_query
from ..codec import meta_value
from ..upsert import ConversationState, KeptEdge
from ._records import edge_properties, kept_edge_properties, meta_kv, node_properties

__all__ = [
    "check_types",
    "chunks",
    "conversation_ids",
    "filter_parameters",
    "read_calls",
    "write_calls",
]

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


def read_calls(
    lock_ids: list[str], ids: list[str], edges: Sequence[Edge], size: int
) -> Iterator[dict[str, Any]]:
    """The parameters of each ``upsert_read.cypher`` call: one call unless the ids or the
    edges fill more than ``size`` rows; the conversations are locked in the first.
    """
    keys = [
        {
            "id": e.id,
            "source_id": e.source_id,
            "type": str(e.type),
            "target_id": e.target_id,
            "one_per_pair": e.type in ONE_PER_PAIR_EDGE_TYPES,
        }
        for e in edges
    ]
    id_chunks, edge_chunks = list(chunks(ids, size)), list(chunks(keys, size))
    for i in range(max(len(id_chunks), len(edge_chunks), 1)):
        yield {
            "lock_ids": lock_ids if i == 0 else [],
            "ids": id_chunks[i] if i < len(id_chunks) else [],
            "edges": edge_chunks[i] if i < len(edge_chunks) else [],
        }


def write_calls(
    nodes: Sequence[Node],
    conversations: Mapping[str, ConversationState],
    kept: Sequence[KeptEdge],
    edges: Sequence[Edge],
    size: int,
) -> Iterator[dict[str, Any]]:
    """The parameters of each ``upsert_write.cypher`` call, at most ``size`` nodes and
    ``size`` edges each: one call for a write that small. Every node is written before any
    edge (an edge's MATCH finds only written nodes), so edges start in the call holding the
    last nodes, beside the conversations' counters; each call's edges are grouped by type.
    """
    node_rows = [{"id": n.id, "type": str(n.type), "props": node_properties(n)} for n in nodes]
    edge_rows = [
        *((str(k.type), _edge_row(k.id, k.source_id, k.target_id, kept_edge_properties(k))) for k in kept),
        *((str(e.type), _edge_row(e.id, e.source_id, e.target_id, edge_properties(e))) for e in edges),
    ]
    node_chunks, edge_chunks = list(chunks(node_rows, size)) or [[]], list(chunks(edge_rows, size)) or [[]]
    states = [
        {"id": cid, "item_count": s.item_count, "last_item_id": s.last_item_id}
        for cid, s in conversations.items()
    ]
    for i, chunk in enumerate(node_chunks):
        last = i == len(node_chunks) - 1
        yield {
            "nodes": chunk,
            "conversations": states if last else [],
            "edges": _by_type(edge_chunks[0]) if last else {},
        }
    for edge_chunk in edge_chunks[1:]:
        yield {"nodes": [], "conversations": [], "edges": _by_type(edge_chunk)}


def _edge_row(edge_id: str, source_id: str, target_id: str, props: dict[str, Any]) -> dict[str, Any]:
    return {"id": edge_id, "source_id": source_id, "target_id": target_id, "props": props}


def _by_type(rows: list[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for edge_type, row in rows:
        grouped.setdefault(edge_type, []).append(row)
    return grouped


def filter_parameters(spec: NodeFilter) -> dict[str, Any]:
    """Return the values of every filter parameter (see ``cypher/filters/conditions.cypher``),
    and the full-text query of its search (``None`` without one).
    """
    return {
        "query": parse_text_query(spec.text).lucene() if spec.text is not None else None,
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
        "template_id": spec.template_id,
        "meta_kv": meta_kv(spec.metadata),
        "meta_in": [[f"{key}={meta_value(v)}" for v in values] for key, values in spec.metadata_in.items()],
        "meta_exists": [f"{key}=" for key in spec.metadata_exists],
        "ranges": [
            {"field": RangeField(field).value, "gte": bounds.gte, "lte": bounds.lte}
            for field, bounds in spec.ranges.items()
        ],
    }
