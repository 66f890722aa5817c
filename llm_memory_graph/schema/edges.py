"""Every edge type and its typed properties, and the rules that join them: which node types
each may connect, which end is provenance's input, which the store keeps itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    Field,
    model_validator,
)

from .enums import EdgeType, NodeType
from .ids import new_id, pair_id
from .nodes import ITEM_TYPES, NodeBase
from .values import JsonObject, Metadata, NodeId, Positive, Score, UtcDatetime, _Text, utcnow


class EdgeBase(_Text):
    """Fields every edge has."""

    id: NodeId = Field(
        default_factory=new_id,
        description="Derived from the type and ends where a pair holds one edge of the type "
        "(see ONE_PER_PAIR_EDGE_TYPES), so recording it again writes the same edge.",
    )
    created_at: UtcDatetime = Field(default_factory=utcnow)
    metadata: Metadata = Field(default_factory=dict)
    source_id: NodeId
    target_id: NodeId

    @model_validator(mode="after")
    def _check_ends(self) -> EdgeBase:
        if self.source_id == self.target_id:
            raise ValueError("an edge cannot join a node to itself")
        kind: EdgeType = self.type  # type: ignore[attr-defined]
        if "id" not in self.__pydantic_fields_set__ and kind in ONE_PER_PAIR_EDGE_TYPES:
            self.__dict__["id"] = pair_id(kind, self.source_id, self.target_id)
        return self


class Contains(EdgeBase):
    """Conversation -> item; kept by the store, ``position`` equals the item's sequence."""

    type: Literal[EdgeType.CONTAINS] = EdgeType.CONTAINS
    position: Positive


class Precedes(EdgeBase):
    """Earlier item -> next item of the same conversation; kept by the store."""

    type: Literal[EdgeType.PRECEDES] = EdgeType.PRECEDES


class Generates(EdgeBase):
    """Prompt -> the completion it produced."""

    type: Literal[EdgeType.GENERATES] = EdgeType.GENERATES


class Triggers(EdgeBase):
    """Completion -> the tool call it asked for; tool call -> the follow-up prompt."""

    type: Literal[EdgeType.TRIGGERS] = EdgeType.TRIGGERS


class References(EdgeBase):
    """Prompt or completion -> a document or context it used, with retrieval score and rank."""

    type: Literal[EdgeType.REFERENCES] = EdgeType.REFERENCES
    score: Score | None = None
    rank: Positive | None = None


class DependsOn(EdgeBase):
    """An item -> an earlier item whose output it used (say, another agent's answer)."""

    type: Literal[EdgeType.DEPENDS_ON] = EdgeType.DEPENDS_ON


class DerivedFrom(EdgeBase):
    """A revised prompt -> the prompt it was revised from."""

    type: Literal[EdgeType.DERIVED_FROM] = EdgeType.DERIVED_FROM
    reason: str | None = None


class Instantiates(EdgeBase):
    """Prompt -> the template version it was rendered from, with the variables used."""

    type: Literal[EdgeType.INSTANTIATES] = EdgeType.INSTANTIATES
    variables: JsonObject = Field(default_factory=dict)


class Inherits(EdgeBase):
    """Template version -> the parent version or template it extends."""

    type: Literal[EdgeType.INHERITS] = EdgeType.INHERITS


class HandledBy(EdgeBase):
    """Item -> the agent that handled it; kept by the store from the item's ``agent_id``."""

    type: Literal[EdgeType.HANDLED_BY] = EdgeType.HANDLED_BY


class TransfersTo(EdgeBase):
    """Agent -> the agent it handed the work to."""

    type: Literal[EdgeType.TRANSFERS_TO] = EdgeType.TRANSFERS_TO
    reason: str | None = None
    conversation_id: NodeId | None = None


class Labels(EdgeBase):
    """Template -> the version a label ("production", "staging") pointed at from this edge's
    ``created_at`` on; a move adds an edge, so the edges are the label's history.
    """

    type: Literal[EdgeType.LABELS] = EdgeType.LABELS
    label: Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")]
    actor: str | None = Field(default=None, description="Who moved the label.")
    reason: str | None = Field(default=None, description="Why the label moved.")


class Rates(EdgeBase):
    """Feedback -> the completion or prompt it judges."""

    type: Literal[EdgeType.RATES] = EdgeType.RATES


Edge = Annotated[
    Contains
    | Precedes
    | Generates
    | Triggers
    | References
    | DependsOn
    | DerivedFrom
    | Instantiates
    | Inherits
    | HandledBy
    | TransfersTo
    | Rates
    | Labels,
    Field(discriminator="type"),
]

_EDGE_CLASSES: dict[EdgeType, type[EdgeBase]] = {
    EdgeType.CONTAINS: Contains,
    EdgeType.PRECEDES: Precedes,
    EdgeType.GENERATES: Generates,
    EdgeType.TRIGGERS: Triggers,
    EdgeType.REFERENCES: References,
    EdgeType.DEPENDS_ON: DependsOn,
    EdgeType.DERIVED_FROM: DerivedFrom,
    EdgeType.INSTANTIATES: Instantiates,
    EdgeType.INHERITS: Inherits,
    EdgeType.HANDLED_BY: HandledBy,
    EdgeType.TRANSFERS_TO: TransfersTo,
    EdgeType.RATES: Rates,
    EdgeType.LABELS: Labels,
}


@dataclass(frozen=True)
class EdgeRule:
    """Which node types an edge type may join, and which end is the provenance input.

    ``input_end`` is ``"source"`` when the edge's source fed its target (GENERATES), and
    ``"target"`` when the target fed the source (REFERENCES: the document fed the prompt).
    """

    pairs: frozenset[tuple[NodeType, NodeType]]
    input_end: Literal["source", "target"]

    def allows(self, source: NodeType, target: NodeType) -> bool:
        """Tell whether an edge may go from a ``source`` node to a ``target`` node."""
        return (source, target) in self.pairs

    def refusal(self, edge_type: EdgeType, source: NodeType, target: NodeType) -> str | None:
        """Why a ``edge_type`` edge may not go from ``source`` to ``target``; None if it may."""
        if self.allows(source, target):
            return None
        allowed = sorted(f"{s}->{t}" for s, t in self.pairs)
        return f"{edge_type} cannot join a {source} to a {target} (allowed: {', '.join(allowed)})"


def _pairs(
    sources: set[NodeType] | frozenset[NodeType], targets: set[NodeType] | frozenset[NodeType]
) -> frozenset[tuple[NodeType, NodeType]]:
    return frozenset((s, t) for s in sources for t in targets)


_T = NodeType
_WORK = {_T.PROMPT, _T.COMPLETION, _T.TOOL_INVOCATION, _T.CONTEXT}

EDGE_RULES: Mapping[EdgeType, EdgeRule] = {
    EdgeType.CONTAINS: EdgeRule(_pairs({_T.CONVERSATION}, ITEM_TYPES), "source"),
    EdgeType.PRECEDES: EdgeRule(_pairs(ITEM_TYPES, ITEM_TYPES), "source"),
    EdgeType.GENERATES: EdgeRule(_pairs({_T.PROMPT}, {_T.COMPLETION}), "source"),
    EdgeType.TRIGGERS: EdgeRule(
        frozenset({(_T.COMPLETION, _T.TOOL_INVOCATION), (_T.TOOL_INVOCATION, _T.PROMPT)}),
        "source",
    ),
    EdgeType.REFERENCES: EdgeRule(_pairs({_T.PROMPT, _T.COMPLETION}, {_T.DOCUMENT, _T.CONTEXT}), "target"),
    EdgeType.DEPENDS_ON: EdgeRule(_pairs(_WORK, _WORK | {_T.DOCUMENT}), "target"),
    EdgeType.DERIVED_FROM: EdgeRule(_pairs({_T.PROMPT}, {_T.PROMPT}), "target"),
    EdgeType.INSTANTIATES: EdgeRule(_pairs({_T.PROMPT}, {_T.TEMPLATE_VERSION}), "target"),
    EdgeType.INHERITS: EdgeRule(
        _pairs({_T.TEMPLATE_VERSION}, {_T.TEMPLATE_VERSION, _T.PROMPT_TEMPLATE}), "target"
    ),
    EdgeType.HANDLED_BY: EdgeRule(_pairs(_WORK, {_T.AGENT}), "target"),
    EdgeType.TRANSFERS_TO: EdgeRule(_pairs({_T.AGENT}, {_T.AGENT}), "source"),
    EdgeType.RATES: EdgeRule(_pairs({_T.FEEDBACK}, {_T.COMPLETION, _T.PROMPT, _T.TOOL_INVOCATION}), "target"),
    EdgeType.LABELS: EdgeRule(_pairs({_T.PROMPT_TEMPLATE}, {_T.TEMPLATE_VERSION}), "target"),
}

#: Edge types the store derives from node fields; callers never write them.
MANAGED_EDGE_TYPES: frozenset[EdgeType] = frozenset(
    {EdgeType.CONTAINS, EdgeType.PRECEDES, EdgeType.HANDLED_BY}
)

__all__ = [
    "EDGE_RULES",
    "LINEAGE_EDGE_TYPES",
    "MANAGED_EDGE_TYPES",
    "ONE_PER_PAIR_EDGE_TYPES",
    "PLAIN_EDGES",
    "Contains",
    "DependsOn",
    "DerivedFrom",
    "Edge",
    "EdgeBase",
    "EdgeRule",
    "Generates",
    "HandledBy",
    "Inherits",
    "Instantiates",
    "Labels",
    "Precedes",
    "Rates",
    "References",
    "TransfersTo",
    "Triggers",
    "assemble",
    "edge_between",
]

#: Edge types of which two nodes hold at most one (from source to target): an edge of these
#: is identified by its ends, and recording it again, under any id, rewrites that edge.
#: A hand-off (TRANSFERS_TO) and a label move (LABELS) may repeat between the same nodes.
ONE_PER_PAIR_EDGE_TYPES: frozenset[EdgeType] = frozenset(EdgeType) - {
    EdgeType.TRANSFERS_TO,
    EdgeType.LABELS,
}

#: Edge types lineage follows unless told otherwise: provenance, not structure or time.
LINEAGE_EDGE_TYPES: frozenset[EdgeType] = frozenset(EdgeType) - {
    EdgeType.CONTAINS,
    EdgeType.PRECEDES,
    EdgeType.LABELS,
}

# ---------------------------------------------------------------- assembling valid values

_M = TypeVar("_M", bound=BaseModel)
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def assemble(cls: type[_M], fields: dict[str, Any], fields_set: set[str]) -> _M:
    """A model of values already valid, every field given in field order, set the way
    ``model_construct`` sets them at a fraction of its cost. Only for values this package
    made or validated itself.
    """
    model = _new(cls)
    _set_dict(model, fields)
    _set_fields_set(model, fields_set)
    _set_extra(model, None)
    _set_private(model, None)
    return model


_E = TypeVar("_E", bound=EdgeBase)

#: Edge classes with no fields of their own (``edge_between`` assembles them), and their type.
PLAIN_EDGES: Mapping[type[EdgeBase], EdgeType] = {
    cls: edge_type
    for edge_type, cls in _EDGE_CLASSES.items()
    if cls.model_fields.keys() == {"id", "created_at", "metadata", "source_id", "target_id", "type"}
}


def edge_between(cls: type[_E], source: NodeBase, target: NodeBase) -> _E:
    """``cls(source_id=source.id, target_id=target.id)``. The nodes' models validated both
    ids, so an edge type with no fields of its own is assembled, not validated again: the
    edges a recorded call adds cost a third less on the caller's thread.
    """
    edge_type = PLAIN_EDGES.get(cls)
    if edge_type is None or source.id == target.id:  # validation reports a self-loop
        return cls(source_id=source.id, target_id=target.id)
    fields = {
        "id": pair_id(edge_type, source.id, target.id),
        "created_at": utcnow(),
        "metadata": {},
        "source_id": source.id,
        "target_id": target.id,
        "type": edge_type,
    }
    return assemble(cls, fields, {"source_id", "target_id"})
