"""The rows the embedded store writes for nodes and edges: plain functions, no I/O.

Fields are read from a model's ``__dict__``: a field a type lacks is simply absent there,
where ``getattr`` would go through pydantic's slow ``__getattr__`` and an AttributeError.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ...schema import PLAIN_EDGES, Edge, Node
from ..codec import meta_value, to_micros
from ..upsert import Stored, UpsertPlan
from . import _sql as sql

__all__ = [
    "edge_conversation",
    "edge_counts",
    "edge_data",
    "edge_row",
    "meta_rows",
    "node_row",
    "node_update_row",
    "text_of",
]


def node_row(rowid: int, node: Node) -> tuple[Any, ...]:
    """The ``nodes`` row of a new node (``sql.INSERT_NODE``)."""
    fields = node.__dict__
    return (
        rowid,
        node.id,
        str(node.type),
        to_micros(node.created_at),
        fields.get("conversation_id"),
        fields.get("sequence"),
        fields.get("agent_id"),
        fields.get("user_id"),
        fields.get("name") or fields.get("tool_name"),
        fields.get("request_model"),
        fields.get("response_model"),
        fields.get("item_count"),
        node.model_dump_json(),
    )


def node_update_row(node: Node) -> tuple[Any, ...]:
    """The parameters of ``sql.UPDATE_NODE`` for a rewritten node."""
    fields = node.__dict__
    return (
        fields.get("user_id"),
        _name(node),
        fields.get("request_model"),
        fields.get("response_model"),
        node.model_dump_json(),
        node.id,
    )


def _name(node: Node) -> str | None:
    fields = node.__dict__
    name: str | None = fields.get("name") or fields.get("tool_name")
    return name


def text_of(node: Node) -> tuple[str, str | None] | None:
    """The searchable (content, title) of a node, or ``None`` for types without text."""
    if node.type not in sql.TEXT_TYPES:
        return None
    fields = node.__dict__
    return fields.get("content", ""), fields.get("title")


def meta_rows(node: Node) -> list[tuple[str, str, int, str]]:
    """The ``node_meta`` rows of a node: one per scalar metadata value."""
    created = to_micros(node.created_at)
    return [
        (key, meta_value(value), created, node.id)
        for key, value in node.metadata.items()
        if isinstance(value, str | int | float | bool)
    ]


def edge_conversation(edge: Edge) -> str | None:
    """The conversation an edge records (a hand-off's), or ``None``."""
    conversation_id: str | None = edge.__dict__.get("conversation_id")
    return conversation_id


#: The fields of every edge that columns hold, so ``data`` need not (``sql.edge_json``
#: puts them back); an empty ``metadata`` is put back too.
_EDGE_COLUMNS = {"id", "type", "source_id", "target_id", "created_at"}
_EDGE_COLUMNS_AND_METADATA = _EDGE_COLUMNS | {"metadata"}


def edge_data(edge: Edge) -> str:
    """The ``data`` of an edge: its fields that no column holds, as JSON."""
    if not edge.metadata and type(edge) in PLAIN_EDGES:
        return "{}"  # most edges; the same text, without serializing
    return edge.model_dump_json(exclude=_EDGE_COLUMNS if edge.metadata else _EDGE_COLUMNS_AND_METADATA)


def edge_row(edge: Edge) -> tuple[Any, ...]:
    """The ``edges`` row of a new edge (``sql.INSERT_EDGE``)."""
    return (
        edge.id,
        str(edge.type),
        edge.source_id,
        edge.target_id,
        to_micros(edge.created_at),
        edge_conversation(edge),
        edge_data(edge),
    )


def edge_counts(stored: Stored, plan: UpsertPlan) -> list[tuple[str, int]]:
    """How many new edges of each type the plan writes (``sql.ADD_EDGE_COUNT``): those the
    store derived, already counted in ``stored``, and the caller's.
    """
    counts = Counter(stored.kept_edges)
    counts.update(str(e.type) for e in plan.new_edges)
    return list(counts.items())
