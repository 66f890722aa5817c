"""Looking up a model class by type, and parsing nodes and edges from dicts or JSON with
errors of the library's family."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import (
    TypeAdapter,
    ValidationError,
)

from ..errors import InvalidInputError, _shown
from .edges import _EDGE_CLASSES, Edge, EdgeBase
from .enums import EdgeType, NodeType
from .nodes import _NODE_CLASSES, Node, NodeBase
from .values import _NOT_A_UUID

__all__ = [
    "edge_class",
    "input_error",
    "node_class",
    "parse_edge",
    "parse_node",
    "validating",
]

_NODE_ADAPTER: TypeAdapter[Node] = TypeAdapter(Node)
_EDGE_ADAPTER: TypeAdapter[Edge] = TypeAdapter(Edge)


def node_class(node_type: NodeType | str) -> type[NodeBase]:
    """Return the model class for a node type name, e.g. ``"Prompt"``."""
    try:
        return _NODE_CLASSES[NodeType(node_type)]
    except ValueError:
        raise InvalidInputError(
            f"unknown node type {_shown(str(node_type))}; expected one of {', '.join(NodeType)}",
            field="type",
        ) from None


def edge_class(edge_type: EdgeType | str) -> type[EdgeBase]:
    """Return the model class for an edge type name, e.g. ``"GENERATES"``."""
    try:
        return _EDGE_CLASSES[EdgeType(edge_type)]
    except ValueError:
        raise InvalidInputError(
            f"unknown edge type {_shown(str(edge_type))}; expected one of {', '.join(EdgeType)}",
            field="type",
        ) from None


def input_error(exc: ValidationError, prefix: str = "") -> InvalidInputError:
    """Turn a pydantic ``ValidationError`` into an ``InvalidInputError`` naming the field."""
    first = exc.errors()[0]
    tags = {*NodeType, *EdgeType}  # discriminated unions put the type name in the path
    path = ".".join(str(p) for p in first["loc"] if p not in tags)
    field = ".".join(p for p in (prefix, path) if p) or None
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    elif first["type"] == _NOT_A_UUID:
        given = first["input"]
        message += f", got {_shown(given) if isinstance(given, str) else _shown(repr(given), quote=False)}"
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more error{'s' if more > 1 else ''})"
    return InvalidInputError(message, field=field)


class _Validating:
    """The context manager of ``validating``: a class, because a generator-based one costs
    more than the validation of a small model, and every recorded write enters one. It
    holds no state but its prefix, so one per prefix is made, and reused.
    """

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, ValidationError):
            raise input_error(exc, self.prefix) from exc


#: The context managers ``validating`` made, by prefix; at most ``_KEPT_PREFIXES`` kept.
_validating: dict[str, _Validating] = {}
_KEPT_PREFIXES = 256


def validating(prefix: str = "") -> _Validating:
    """Re-raise a pydantic ``ValidationError`` in the block as ``InvalidInputError``."""
    found = _validating.get(prefix)
    if found is None:
        found = _Validating(prefix)
        if len(_validating) < _KEPT_PREFIXES:
            _validating[prefix] = found
    return found


def parse_node(data: Mapping[str, Any] | str | bytes, *, field: str = "") -> Node:
    """Validate a dict or JSON text into the right node model, by its ``type``."""
    try:
        if isinstance(data, str | bytes):
            return _NODE_ADAPTER.validate_json(data)
        return _NODE_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise input_error(exc, field) from exc


def parse_edge(data: Mapping[str, Any] | str | bytes, *, field: str = "") -> Edge:
    """Validate a dict or JSON text into the right edge model, by its ``type``."""
    try:
        if isinstance(data, str | bytes):
            return _EDGE_ADAPTER.validate_json(data)
        return _EDGE_ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise input_error(exc, field) from exc
