"""Store-neutral query specs and results: what to find, how to group it, what comes back.

The query builder (``query.py``) and the facades build these; every store takes them and
returns these results, so both stores answer the same question the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import Field, field_validator, model_validator

from .schema import (
    Direction,
    Edge,
    EdgeType,
    MetadataScalar,
    Model,
    Node,
    NodeId,
    NodeType,
    TemplateVersion,
    UtcDatetime,
    check_metadata,
    check_text,
    node_class,
)
from .text_search import parse_text_query

__all__ = [
    "RANGE_FIELDS",
    "AggregateRow",
    "CursorList",
    "Deleted",
    "GraphPath",
    "GroupBy",
    "Lineage",
    "Neighbor",
    "Neighbors",
    "NodeFilter",
    "NodeList",
    "Order",
    "Page",
    "Range",
    "RangeField",
    "Stats",
    "Subgraph",
    "TemplateVersionInfo",
    "VersionStats",
]

_Item = TypeVar("_Item")


class Order(StrEnum):
    """How results are ordered: by time (``oldest`` first is the default) or by text relevance."""

    OLDEST = "oldest"
    NEWEST = "newest"
    RELEVANCE = "relevance"


class RangeField(StrEnum):
    """Numeric fields a filter can bound."""

    INPUT_TOKENS = "input_tokens"
    OUTPUT_TOKENS = "output_tokens"
    TOTAL_TOKENS = "total_tokens"
    CACHED_INPUT_TOKENS = "cached_input_tokens"
    REASONING_TOKENS = "reasoning_tokens"
    TOKEN_COUNT = "token_count"
    COST_USD = "cost_usd"
    LATENCY_MS = "latency_ms"
    DURATION_MS = "duration_ms"
    SCORE = "score"


#: Node types that have each numeric field, from the schema itself.
RANGE_FIELDS: dict[RangeField, frozenset[NodeType]] = {
    f: frozenset(t for t in NodeType if f.value in node_class(t).model_fields) for f in RangeField
}


class Range(Model):
    """Bounds on a number, both inclusive; either may be left open."""

    gte: float | None = None
    lte: float | None = None

    @model_validator(mode="after")
    def _is_a_range(self) -> Range:
        for bound in (self.gte, self.lte):
            if bound is not None and not math.isfinite(bound):
                raise ValueError("bounds must be finite numbers")
        if self.gte is None and self.lte is None:
            raise ValueError("give a lower bound (gte), an upper bound (lte), or both")
        if self.gte is not None and self.lte is not None and self.gte > self.lte:
            raise ValueError(f"empty range: {self.gte} > {self.lte}")
        return self


class NodeFilter(Model):
    """What to find: every given condition must hold.

    ``since`` is inclusive and ``until`` exclusive. ``name`` matches an agent's or a
    template's name or a tool call's ``tool_name``. ``model`` matches the requested or the
    responding model. ``status`` matches a conversation's, tool call's or agent's status.
    ``template_id`` matches the versions of one prompt template.
    Metadata conditions see scalar values only: ``metadata`` by equality (``3`` and ``3.0``
    are equal; ``True`` and ``1`` are not), ``metadata_in`` by membership, and
    ``metadata_exists`` by presence of a non-null scalar. ``ranges`` bound numeric fields;
    a node without the field does not match. ``text`` is a full-text search (see
    ``query.py`` for its language) over prompt, completion, document and context text.
    """

    types: tuple[NodeType, ...] = ()
    since: UtcDatetime | None = None
    until: UtcDatetime | None = None
    conversation_id: NodeId | None = None
    agent_id: NodeId | None = None
    user_id: str | None = None
    name: str | None = None
    model: str | None = None
    provider: str | None = None
    status: str | None = None
    finish_reason: str | None = None
    template_id: NodeId | None = None
    metadata: dict[str, MetadataScalar] = Field(default_factory=dict)
    metadata_in: dict[str, Annotated[tuple[MetadataScalar, ...], Field(min_length=1)]] = Field(
        default_factory=dict
    )
    metadata_exists: tuple[str, ...] = ()
    ranges: dict[RangeField, Range] = Field(default_factory=dict)
    text: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    order: Order = Order.OLDEST

    @field_validator("metadata", "metadata_in")
    @classmethod
    def _keys_are_valid(cls, value: dict[str, object]) -> dict[str, object]:
        check_metadata(dict(value))  # type: ignore[arg-type]
        return value

    @field_validator("metadata_exists")
    @classmethod
    def _exists_keys_are_valid(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        check_metadata(dict.fromkeys(value, 0))
        return value

    @field_validator("text")
    @classmethod
    def _text_is_searchable(cls, value: str | None) -> str | None:
        if value is not None:
            parse_text_query(value)  # raises, naming what is wrong, before any I/O
        return value

    @model_validator(mode="after")
    def _is_consistent(self) -> NodeFilter:
        check_text(self)
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError("since must be earlier than until")
        if self.order is Order.RELEVANCE and self.text is None:
            raise ValueError("relevance order needs a text search")
        for field in self.ranges:
            if self.types and not RANGE_FIELDS[field] & set(self.types):
                have = ", ".join(sorted(RANGE_FIELDS[field]))
                raise ValueError(f"{field} belongs to {have}, not to the types asked for")
        return self


class GroupBy(StrEnum):
    """What aggregates can be grouped by; the time buckets are UTC."""

    MODEL = "model"
    PROVIDER = "provider"
    AGENT = "agent"
    CONVERSATION = "conversation"
    USER = "user"
    TEMPLATE_VERSION = "template_version"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"


class AggregateRow(Model):
    """Totals for the completions of one group.

    ``group`` maps each grouping to its key: a model or provider name, an agent,
    conversation or template version id, or the ISO start of a time bucket (``None`` when
    the completions lack it). Percentiles are nearest-rank: the smallest latency that at
    least p% of the group's measured latencies do not exceed. Feedback counts every
    feedback that RATES a completion of the group; its average is over those with a score.
    """

    group: dict[GroupBy, str | None]
    completions: int
    errors: int
    input_tokens: int
    output_tokens: int
    total_tokens: int
    cached_input_tokens: int
    reasoning_tokens: int
    cost_usd: float
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None
    feedback_count: int
    feedback_avg: float | None

    @property
    def error_rate(self) -> float:
        """Share of the group's completions that recorded an error (0 when there are none)."""
        return self.errors / self.completions if self.completions else 0.0


class TemplateVersionInfo(Model):
    """A version in a template's history, with the labels that point at it now."""

    version: TemplateVersion
    labels: list[str]


class VersionStats(Model):
    """How one template version did: its uses, and its completions' speed, cost and ratings.

    ``error_rate`` and the latencies are ``None`` when the version has no completions in
    the period: no data, rather than a rate of 0.
    """

    version: int
    version_id: str
    uses: int
    completions: int
    errors: int
    error_rate: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    input_tokens: int
    output_tokens: int
    total_tokens: int
    cost_usd: float
    feedback_count: int
    feedback_avg: float | None


class Page(Model):
    """One page of results and the cursor for the next (``None`` on the last page)."""

    items: list[Node]
    next_cursor: str | None = None


class Neighbor(Model):
    """A node next to another, with the edge that joins them."""

    edge: Edge
    node: Node


class CursorList(list[_Item]):
    """One page of a list read in order: a list, with ``next_cursor`` for the next page
    (``None`` on the last) and ``truncated`` when more follow this page.
    """

    def __init__(self, items: Iterable[_Item] = (), next_cursor: str | None = None) -> None:
        super().__init__(items)
        self.next_cursor = next_cursor

    @property
    def truncated(self) -> bool:
        """Whether items were left out: pass ``next_cursor`` to read the next page."""
        return self.next_cursor is not None


class NodeList(CursorList[Node]):
    """One page of a conversation's items, in the order they were appended."""


class Neighbors(CursorList[Neighbor]):
    """One page of a node's neighbours, ordered by the edge's (created_at, id)."""


class Subgraph(Model):
    """Nodes and the edges between them, each ordered by (created_at, id).

    ``truncated`` is true when the traversal that made it reached its ``max_nodes`` or
    ``max_edges`` bound and left nodes or edges out (each traversal says which it keeps).
    """

    nodes: list[Node]
    edges: list[Edge]
    truncated: bool = False


class Lineage(Subgraph):
    """A subgraph reached from ``root_id`` by walking provenance ``UP`` or ``DOWN``.

    ``nodes`` are ordered by depth, then (created_at, id); ``depths`` maps each node id to
    its distance from the root (its shortest); ``edges`` are every edge of the followed
    types whose ends are both in the subgraph, ordered by (created_at, id). When the root
    belongs to a conversation, edges that record another conversation (hand-offs between
    shared agents) are neither followed nor listed.

    A walk that reaches its ``max_nodes`` keeps the first nodes in that order (so the
    nearest), and one with more edges than ``max_edges`` keeps the oldest edges; either
    way ``truncated`` is true.
    """

    root_id: str
    direction: Direction
    depths: dict[str, int]


class GraphPath(Model):
    """A shortest chain of edges between two nodes, ends included, in order."""

    nodes: list[Node]
    edges: list[Edge]

    @property
    def length(self) -> int:
        """Number of edges on the path."""
        return len(self.edges)


class Deleted(Model):
    """How much a delete removed."""

    nodes: int
    edges: int


class Stats(Model):
    """How many nodes and edges of each type the store holds."""

    nodes: dict[NodeType, int]
    edges: dict[EdgeType, int]

    @property
    def total_nodes(self) -> int:
        """All nodes, of every type."""
        return sum(self.nodes.values())

    @property
    def total_edges(self) -> int:
        """All edges, of every type."""
        return sum(self.edges.values())
