"""What both facades share and that does no I/O: references, filters, the default file.

``aio.py`` and the ``graph.py`` generated from it stay thin by calling these.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, TypedDict, Unpack

from platformdirs import user_data_path
from pydantic import JsonValue

from .errors import GraphClosedError, InvalidInputError, StoreUnavailableError, _shown
from .schema import Direction, EdgeBase, EdgeType, MetadataScalar, NodeBase, NodeType, validating
from .spec import NodeFilter

__all__ = [
    "DB_ENV",
    "FilterFields",
    "GraphState",
    "NodeRef",
    "build_filter",
    "check_models",
    "default_db_path",
    "node_fields",
    "optional_id",
    "parse_direction",
    "parse_edge_types",
    "ref_id",
    "require_open",
]

#: A node, or its id.
NodeRef = str | NodeBase

#: Environment variable naming the embedded database file.
DB_ENV = "LLM_MEMORY_GRAPH_DB"


class GraphState(Enum):
    """Lifecycle of a graph: usable until closed, then never again."""

    OPENED = "opened"
    CLOSED = "closed"


def require_open(state: GraphState) -> None:
    """Raise ``GraphClosedError`` once the graph has been closed."""
    if state is GraphState.CLOSED:
        raise GraphClosedError()


def default_db_path() -> Path:
    """Return ``$LLM_MEMORY_GRAPH_DB``, else ``graph.db`` in the user's data folder.

    The user data folder is created when missing; a folder named by the environment
    variable must exist, like any path the caller gives.

    :raises StoreUnavailableError: if the user data folder cannot be created.
    """
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured).expanduser()
    folder = user_data_path("llm-memory-graph", appauthor=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreUnavailableError(f"cannot create folder {folder}: {exc.strerror}", store="sqlite") from exc
    return folder / "graph.db"


def ref_id(ref: NodeRef, field: str) -> str:
    """Return the id of a node or of an id string; ``field`` names the argument in errors."""
    if isinstance(ref, NodeBase):
        return ref.id
    if isinstance(ref, str) and ref:
        return ref
    raise InvalidInputError(
        f"expected a node or a node id, got {_shown(repr(ref), quote=False)}", field=field
    )


def check_models(nodes: object, edges: object) -> tuple[list[Any], list[Any]]:
    """Return ``add(nodes, edges)``'s arguments as lists, or refuse what it cannot write,
    naming its position: a single node instead of a list, or a dict where a node or edge
    model belongs (``parse_node`` and ``parse_edge`` turn dicts and JSON into models).
    """
    checked: list[list[Any]] = []
    for kind, given, base, parse in (
        ("nodes", nodes, NodeBase, "parse_node"),
        ("edges", edges, EdgeBase, "parse_edge"),
    ):
        if isinstance(given, NodeBase | EdgeBase | str | bytes | Mapping) or not isinstance(given, Iterable):
            raise InvalidInputError(f"expected a list of {kind}, got {type(given).__name__}", field=kind)
        items = list(given)
        for i, item in enumerate(items):
            if not isinstance(item, base):
                hint = f"; build one from a dict with {parse}(data)" if isinstance(item, Mapping) else ""
                raise InvalidInputError(
                    f"expected a {kind[:-1]} model, got {type(item).__name__}{hint}", field=f"{kind}.{i}"
                )
        checked.append(items)
    return checked[0], checked[1]


def optional_id(ref: NodeRef | None, field: str) -> str | None:
    """Return ``ref_id(ref)``, or ``None`` when ``ref`` is ``None``."""
    return None if ref is None else ref_id(ref, field)


def metadata_field(metadata: Mapping[str, JsonValue] | None) -> dict[str, Any]:
    """``{"metadata": ...}`` as a keyword for a model, or nothing when there is none: the
    model's default (an empty dict) costs no validation, and most writes have none.
    Validation copies the mapping.
    """
    return {"metadata": metadata} if metadata else {}


def node_fields(
    metadata: Mapping[str, JsonValue] | None, id: str | None, created_at: datetime | None
) -> dict[str, Any]:
    """Return the optional fields every node shares, leaving out those not given."""
    fields = metadata_field(metadata)
    if id is not None:
        fields["id"] = id
    if created_at is not None:
        fields["created_at"] = created_at
    return fields


def parse_direction(value: Direction | str, field: str = "direction") -> Direction:
    """Parse a direction name such as ``"up"``."""
    try:
        return Direction(value)
    except ValueError:
        raise InvalidInputError(
            f"unknown direction {_shown(str(value))}; expected one of {', '.join(Direction)}", field=field
        ) from None


def parse_edge_types(values: Iterable[EdgeType | str] | None) -> frozenset[EdgeType] | None:
    """Parse edge type names such as ``"GENERATES"``; ``None`` keeps the store's default."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    try:
        return frozenset(EdgeType(str(v).upper()) for v in values)
    except ValueError as exc:
        raise InvalidInputError(
            f"{exc}; expected names from {', '.join(EdgeType)}", field="edge_types"
        ) from None


class FilterFields(TypedDict, total=False):
    """The filters ``find()`` and ``stream()`` take, declared once; every one given must hold."""

    #: Node types such as ``"Prompt"``; default all.
    types: Iterable[NodeType | str] | NodeType | str | None
    #: Inclusive lower bound on ``created_at``.
    since: datetime | None
    #: Exclusive upper bound on ``created_at``.
    until: datetime | None
    conversation: NodeRef | None
    agent: NodeRef | None
    user_id: str | None
    name: str | None
    #: The requested or responding model.
    model: str | None
    #: Scalar metadata values that must be equal.
    metadata: Mapping[str, MetadataScalar] | None


def build_filter(verb: str, **fields: Unpack[FilterFields]) -> NodeFilter:
    """Build and validate a ``NodeFilter`` from the facade's keyword arguments; a keyword
    ``FilterFields`` does not declare is refused as Python refuses one."""
    for key in fields:
        if key not in FilterFields.__optional_keys__:
            raise TypeError(f"{verb}() got an unexpected keyword argument {key!r}")
    types = fields.get("types")
    if isinstance(types, str):
        types = [types]
    conversation, agent = fields.get("conversation"), fields.get("agent")
    with validating("filter"):
        return NodeFilter(
            types=tuple(types or ()),
            since=fields.get("since"),
            until=fields.get("until"),
            conversation_id=ref_id(conversation, "conversation") if conversation is not None else None,
            agent_id=ref_id(agent, "agent") if agent is not None else None,
            user_id=fields.get("user_id"),
            name=fields.get("name"),
            model=fields.get("model"),
            metadata=dict(fields.get("metadata") or {}),
        )
