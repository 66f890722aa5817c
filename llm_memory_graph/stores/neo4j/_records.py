"""How a node or edge becomes Neo4j properties, and how Neo4j records become models again.

Neo4j properties hold scalars and lists of scalars only, so every field whose type is a
map, a list of maps or free JSON (``metadata``, ``request``, ``arguments``, ``result``,
``variables``) is stored as JSON text, exactly as neomodel's ``JSONProperty`` does, and
``None`` is stored as an absent property. Timestamps are stored as native Neo4j
``DateTime`` values, so Cypher users can write ``WHERE n.created_at >= datetime('2026-01-01')``;
they travel as ISO-8601 text both ways (``datetime(...)`` in the write queries,
``toString(...)`` in the reads), because the driver's own conversion of a ``datetime`` costs
about 40 µs of Python per value, more than the rest of a node's properties together.

Two properties exist only in Neo4j: ``meta_kv`` lists ``key=value`` for every scalar
metadata value (the canonical text of ``_codec.meta_value``), so metadata equality means
the same on both stores; and a conversation's ``last_item_id`` remembers where its
PRECEDES chain ends.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel

from ...schema import Edge as EdgeModel
from ...schema import (
    EdgeBase,
    EdgeType,
    Node,
    NodeBase,
    NodeType,
    edge_class,
    node_class,
    parse_edge,
    parse_node,
)
from ..codec import meta_value
from ..upsert import KeptEdge

__all__ = [
    "INTERNAL_PROPERTIES",
    "edge_from_record",
    "edge_properties",
    "json_fields",
    "kept_edge_properties",
    "meta_kv",
    "node_from_properties",
    "node_properties",
]

#: Properties the store keeps beside the model's fields, never shown to callers.
INTERNAL_PROPERTIES = frozenset({"meta_kv", "last_item_id"})

_NATIVE = (str, int, float, bool, datetime)


def _is_native(annotation: Any) -> bool:
    """Tell whether values of this annotation are Neo4j property values as they are."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_native(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return all(_is_native(a) for a in typing.get_args(annotation) if a is not type(None))
    if origin is typing.Literal:
        return all(isinstance(a, str | Enum) for a in typing.get_args(annotation))
    if origin is list:
        (item,) = typing.get_args(annotation)
        return item in _NATIVE
    if isinstance(annotation, type):
        return issubclass(annotation, (*_NATIVE, Enum))
    return False


@cache
def json_fields(model: type[BaseModel]) -> frozenset[str]:
    """Return the fields of ``model`` that are stored as JSON text."""
    return frozenset(name for name, info in model.model_fields.items() if not _is_native(info.annotation))


def meta_kv(metadata: Mapping[str, Any]) -> list[str]:
    """Return the ``key=value`` entries that make scalar metadata filterable."""
    return sorted(
        f"{key}={meta_value(value)}"
        for key, value in metadata.items()
        if isinstance(value, str | int | float | bool)
    )


@cache
def _fields(model: type[BaseModel], skip: frozenset[str]) -> tuple[tuple[str, Any], ...]:
    """A model's fields in order, each with its annotation when it is stored as JSON text
    (else ``None``): worked out once per class, not per node written.
    """
    encoded = json_fields(model)
    return tuple(
        (name, info.annotation if name in encoded else None)
        for name, info in model.model_fields.items()
        if name not in skip
    )


def _properties(model: NodeBase | EdgeBase, *, skip: frozenset[str]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name, json_annotation in _fields(type(model), skip):
        value = getattr(model, name)
        if value is None:
            continue
        if name == "metadata" and not value:
            value = "{}"  # most edges and many nodes: not worth a trip through json.dumps
        elif json_annotation is not None:
            value = json.dumps(_jsonable(value, json_annotation), ensure_ascii=False, separators=(",", ":"))
        elif isinstance(value, Enum):
            value = value.value
        elif isinstance(value, datetime):
            value = value.isoformat()  # the write queries make it a DateTime: see the docstring
        props[name] = value
    props["meta_kv"] = meta_kv(model.metadata) if model.metadata else []
    return props


def _jsonable(value: Any, annotation: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    return value


def node_properties(node: Node, *, last_item_id: str | None = None) -> dict[str, Any]:
    """Return the Neo4j properties of a node (its ``type`` included, as a property)."""
    props = _properties(node, skip=frozenset())
    if last_item_id is not None:
        props["last_item_id"] = last_item_id
    return props


def kept_edge_properties(edge: KeptEdge) -> dict[str, Any]:
    """What ``edge_properties`` returns for the model of a kept edge, without building it:
    a kept edge has no metadata and no field but CONTAINS's position.
    """
    props: dict[str, Any] = {"id": edge.id, "created_at": edge.created_at.isoformat(), "metadata": "{}"}
    if edge.position is not None:
        props["position"] = edge.position
    props["meta_kv"] = []
    return props


def edge_properties(edge: EdgeModel) -> dict[str, Any]:
    """Return the Neo4j properties of an edge; its type and ends live in the graph itself."""
    return _properties(edge, skip=frozenset({"type", "source_id", "target_id"}))


def _decoded(props: Mapping[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    encoded = json_fields(model)
    data: dict[str, Any] = {}
    for name, value in props.items():
        if name in INTERNAL_PROPERTIES or value is None:  # toString(n.closed_at) of a non-conversation
            continue
        if name in encoded and isinstance(value, str):
            value = json.loads(value)
        elif hasattr(value, "to_native"):
            value = value.to_native()
        data[name] = value
    return data


def node_from_properties(props: Mapping[str, Any]) -> Node:
    """Return the node model that a Neo4j node's properties describe."""
    model = node_class(NodeType(props["type"]))
    return parse_node(_decoded(props, model))


def edge_from_record(edge_type: str, props: Mapping[str, Any], source_id: str, target_id: str) -> EdgeModel:
    """Return the edge model for a relationship's type, properties and end node ids."""
    model = edge_class(EdgeType(edge_type))
    data = _decoded(props, model)
    data.update(type=edge_type, source_id=source_id, target_id=target_id)
    return parse_edge(data)
