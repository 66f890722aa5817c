"""The data model: every node and edge type, their fields, and the rules that join them.

This module is the single source of truth for field names and validation; the stores,
the neomodel classes and the CLI all read it. Models are immutable pydantic v2 models
that reject unknown fields. Field names follow the OpenTelemetry GenAI conventions where
those exist (``provider``, ``request_model``, ``response_model``, ``input_tokens`` ...).

Three edge types are kept by the store itself, never written by callers: CONTAINS and
PRECEDES follow from an item's ``conversation_id`` (the store numbers items as they are
appended), and HANDLED_BY follows from an item's ``agent_id``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeAlias, TypeVar, get_args, get_origin
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    JsonValue,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from .errors import InvalidInputError, _shown
from .schema_ids import new_id, pair_id

__all__ = [
    "EDGE_RULES",
    "INT64_MAX",
    "INT64_MIN",
    "ITEM_TYPES",
    "LINEAGE_EDGE_TYPES",
    "MANAGED_EDGE_TYPES",
    "ONE_PER_PAIR_EDGE_TYPES",
    "PLAIN_EDGES",
    "Agent",
    "AgentStatus",
    "Completion",
    "Contains",
    "Context",
    "Conversation",
    "ConversationStatus",
    "DependsOn",
    "DerivedFrom",
    "Direction",
    "Document",
    "Edge",
    "EdgeBase",
    "EdgeRule",
    "EdgeType",
    "Feedback",
    "FeedbackSource",
    "Generates",
    "HandledBy",
    "Inherits",
    "Instantiates",
    "Labels",
    "MetadataScalar",
    "Model",
    "Node",
    "NodeBase",
    "NodeType",
    "Precedes",
    "Prompt",
    "PromptTemplate",
    "Rates",
    "References",
    "RequestSnapshot",
    "TemplateVersion",
    "ToolInvocation",
    "ToolStatus",
    "TransfersTo",
    "Triggers",
    "VariableSpec",
    "assemble",
    "check_metadata",
    "check_text",
    "edge_between",
    "edge_class",
    "input_error",
    "node_class",
    "parse_edge",
    "parse_node",
    "utcnow",
    "validating",
]


# ---------------------------------------------------------------- enums


class NodeType(StrEnum):
    """Node labels; in Neo4j the label is exactly this value."""

    CONVERSATION = "Conversation"
    PROMPT = "Prompt"
    COMPLETION = "Completion"
    TOOL_INVOCATION = "ToolInvocation"
    AGENT = "Agent"
    DOCUMENT = "Document"
    CONTEXT = "Context"
    FEEDBACK = "Feedback"
    PROMPT_TEMPLATE = "PromptTemplate"
    TEMPLATE_VERSION = "TemplateVersion"


class EdgeType(StrEnum):
    """Relationship types; in Neo4j the relationship type is exactly this value."""

    CONTAINS = "CONTAINS"
    PRECEDES = "PRECEDES"
    GENERATES = "GENERATES"
    TRIGGERS = "TRIGGERS"
    REFERENCES = "REFERENCES"
    DEPENDS_ON = "DEPENDS_ON"
    DERIVED_FROM = "DERIVED_FROM"
    INSTANTIATES = "INSTANTIATES"
    INHERITS = "INHERITS"
    HANDLED_BY = "HANDLED_BY"
    TRANSFERS_TO = "TRANSFERS_TO"
    RATES = "RATES"
    LABELS = "LABELS"


class Direction(StrEnum):
    """Which way to walk: provenance (``UP``/``DOWN``) or arrow direction (``OUT``/``IN``/``BOTH``)."""

    UP = "up"
    DOWN = "down"
    OUT = "out"
    IN = "in"
    BOTH = "both"


class ConversationStatus(StrEnum):
    """Whether a conversation still accepts items."""

    OPEN = "open"
    CLOSED = "closed"


class ToolStatus(StrEnum):
    """Outcome of a tool call."""

    PENDING = "pending"
    SUCCESS = "success"
    ERROR = "error"


class AgentStatus(StrEnum):
    """Lifecycle of an agent."""

    ACTIVE = "active"
    IDLE = "idle"
    RETIRED = "retired"


class FeedbackSource(StrEnum):
    """Who gave the feedback."""

    HUMAN = "human"
    AUTOMATIC = "automatic"


# ---------------------------------------------------------------- field types


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must be timezone-aware (for example datetime.now(timezone.utc))")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-14:00 is in the year 10000 in UTC
        raise ValueError(f"{value.isoformat()} is out of range in UTC (years 1 to 9999)") from None


#: The canonical form (lower-case, hyphenated) every id is stored in: checked with one match.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _canonical_uuid(value: str) -> str:
    try:
        return str(UUID(value))
    except ValueError:
        raise ValueError(f"must be a UUID string, got {_shown(value)}") from None


#: The error type a ``NodeId`` that is no UUID reports (``input_error`` adds the value).
_NOT_A_UUID = "uuid_string"


class _UuidText:
    """``NodeId`` validation. An id already canonical, the common case, is matched by
    pydantic-core's own regex with no call into Python (every model has two or three ids,
    and reads validate them all again); any other form goes through ``_canonical_uuid``.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        canonical = core_schema.str_schema(pattern=f"^{_CANONICAL_UUID.pattern}$")
        converted = core_schema.no_info_after_validator_function(_canonical_uuid, core_schema.str_schema())
        return core_schema.union_schema(
            [canonical, converted],
            mode="left_to_right",
            custom_error_type=_NOT_A_UUID,
            custom_error_message="must be a UUID string",
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": "uuid"}


# ``\Z``, not ``$``: ``$`` also matches before a final newline, and "env\n" is no key.
_META_KEY = re.compile(r"\A[A-Za-z_][A-Za-z0-9_.\-]{0,127}\Z")

#: The integers both stores hold: SQLite's INTEGER and Neo4j's Long are signed 64-bit.
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

#: A lone UTF-16 surrogate: a Python string may hold one, but it is no Unicode text, and
#: neither store (nor JSON, nor UTF-8) can hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _finite(value: Any) -> bool:
    """Tell whether every number in a JSON value is finite and every integer fits in 64
    bits. JSON has no NaN or infinity: the stores would write null in their place, and
    nothing would say so; neither store holds a wider integer.
    """
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_finite(item) for item in value)
    return True


_NOT_STORABLE = "NaN, infinity and integers beyond 64 bits cannot be stored"


def _check_finite(value: Any) -> Any:
    if not _finite(value):
        raise ValueError(_NOT_STORABLE)
    return value


def _surrogate_in(value: Any, path: str) -> str | None:
    """Return where in ``value`` (a string, or JSON dicts and lists) a lone surrogate
    is, as ``path[.key]: character N``, or ``None`` when there is none.
    """
    kind = type(value)
    if kind is str:
        if value.isascii():
            return None
        found = _SURROGATE.search(value)
        return None if found is None else f"{path}: character {found.start()}"
    if kind is dict:
        for key, item in value.items():
            where = _surrogate_in(key, f"{path} key") or _surrogate_in(item, f"{path}.{key}")
            if where is not None:
                return where
    elif kind is list or kind is tuple:
        for i, item in enumerate(value):
            where = _surrogate_in(item, f"{path}.{i}")
            if where is not None:
                return where
    return None


def _may_hold_text(annotation: Any) -> bool:
    """Tell whether a field of this type may hold free text: ``str``, a dict, list or
    tuple, or a JSON value (not an id, an enum, a literal, a number or a time).
    """
    if annotation is str or annotation is Any:
        return True
    if any(isinstance(arg, _UuidText) for arg in get_args(annotation)):
        return False  # a NodeId: a canonical UUID once valid
    origin = get_origin(annotation)
    if origin in (dict, list, tuple):
        return True
    if annotation is JsonValue or getattr(annotation, "__value__", None) is not None:
        return True  # JsonValue and other type aliases
    return any(_may_hold_text(arg) for arg in get_args(annotation))


_TEXT_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}


def check_text(model: BaseModel) -> None:
    """Refuse a lone surrogate (``"\\ud800"``) in any text field, key or JSON value of
    ``model``: no store can hold one, and it would fail deep inside a write. Fields that
    are models check themselves.

    :raises ValueError: naming the field and the character's position.
    """
    cls = type(model)
    names = _TEXT_FIELDS.get(cls)
    if names is None:
        names = tuple(
            n
            for n, f in cls.model_fields.items()
            if _may_hold_text(f.annotation) and not any(isinstance(m, _UuidText) for m in f.metadata)
        )
        _TEXT_FIELDS[cls] = names
    values = model.__dict__
    for name in names:
        value = values[name]
        kind = type(value)  # the common cases inline: this runs for every node and edge
        if kind is str:
            if value.isascii():
                continue
        elif (kind is not dict and kind is not list and kind is not tuple) or not value:
            continue
        where = _surrogate_in(value, name)
        if where is not None:
            raise ValueError(
                f"{where} is a lone surrogate, which is not Unicode text and cannot be stored "
                "(decode bytes with errors='replace')"
            )


def check_metadata(value: dict[str, JsonValue]) -> dict[str, JsonValue]:
    for key, item in value.items():
        if not _META_KEY.match(key):
            raise ValueError(
                f"key {_shown(key)} must start with a letter or _ and hold only letters, digits, "
                "_ . - (at most 128 characters)"
            )
        if not _finite(item):
            raise ValueError(f"key {_shown(key)}: {_NOT_STORABLE}")
    return value


#: Value types flat metadata holds; a float must also be finite.
_FLAT_VALUES = frozenset({str, int, bool, type(None)})


def _flat_metadata(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    """Pass a flat dict of valid keys to scalar values (nearly all metadata) as a copy;
    hand anything else to the full validation, which reports what is wrong.
    """
    if type(value) is not dict:
        return handler(value)
    for key, item in value.items():
        kind = type(item)
        if kind not in _FLAT_VALUES and (kind is not float or not math.isfinite(item)):
            return handler(value)
        if kind is int and not INT64_MIN <= item <= INT64_MAX:
            return handler(value)
        if type(key) is not str or not _META_KEY.match(key):
            return handler(value)
    return dict(value)


class _MetadataDict:
    """``Metadata`` validation. Flat metadata is checked by one loop in Python, for a third
    less than validating it as JSON values (every recorded call with metadata pays it on
    the caller's thread); nested values, and every error, go through
    ``dict[str, JsonValue]`` and ``check_metadata``.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        full = core_schema.no_info_after_validator_function(check_metadata, handler(dict[str, JsonValue]))
        return core_schema.no_info_wrap_validator_function(_flat_metadata, full)


UtcDatetime = Annotated[datetime, AfterValidator(_to_utc)]
NodeId = Annotated[str, _UuidText()]
Metadata = Annotated[dict[str, JsonValue], _MetadataDict()]
#: Any JSON value, and a JSON object, that holds no NaN or infinity.
Json = Annotated[JsonValue, AfterValidator(_check_finite)]
JsonObject = Annotated[dict[str, JsonValue], AfterValidator(_check_finite)]
MetadataScalar: TypeAlias = str | int | float | bool
NonEmpty = Annotated[str, Field(min_length=1)]
# Numbers are strict: "12" or True where a count belongs is a caller's bug, not a 12 or a 1.
Count = Annotated[int, Field(ge=0, le=INT64_MAX, strict=True)]
Positive = Annotated[int, Field(ge=1, le=INT64_MAX, strict=True)]
Money = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
Millis = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
Score = Annotated[float, Field(allow_inf_nan=False, strict=True)]


class Model(BaseModel):
    """Base of every model here: immutable, and unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class _Text(Model):
    """A model whose text is checked for lone surrogates (``check_text``): every node and
    edge, and what nodes hold (request snapshots, variable specs).
    """

    @model_validator(mode="after")
    def _text_is_unicode(self) -> Any:
        check_text(self)
        return self


# ---------------------------------------------------------------- nodes


class NodeBase(_Text):
    """Fields every node has; ``isinstance(x, NodeBase)`` tells a node from an id."""

    id: NodeId = Field(default_factory=new_id, description="Time-ordered UUIDv7.")
    created_at: UtcDatetime = Field(default_factory=utcnow)
    metadata: Metadata = Field(default_factory=dict)


class _Item(NodeBase):
    """Fields of everything that can happen inside a conversation."""

    conversation_id: NodeId | None = Field(
        default=None, description="The conversation this item was appended to."
    )
    sequence: int | None = Field(
        default=None, ge=1, le=INT64_MAX, description="Position in the conversation; assigned by the store."
    )
    user_id: str | None = Field(
        default=None, description="End user; copied from the conversation when not given."
    )
    agent_id: NodeId | None = Field(default=None, description="The agent that handled it.")


class Conversation(NodeBase):
    """A session: the container of prompts, completions, tool calls, context and feedback."""

    type: Literal[NodeType.CONVERSATION] = NodeType.CONVERSATION
    title: str | None = None
    user_id: str | None = None
    status: ConversationStatus = ConversationStatus.OPEN
    closed_at: UtcDatetime | None = None
    item_count: Count = Field(default=0, description="Items appended so far; kept by the store.")


class Prompt(_Item):
    """Text sent to a model (one message, or the rendered prompt)."""

    type: Literal[NodeType.PROMPT] = NodeType.PROMPT
    content: str
    role: str = Field(default="user", description="system, user, assistant, tool or developer.")
    token_count: Count | None = None


class RequestSnapshot(_Text):
    """Everything sent to the provider, so the call can be replayed later."""

    messages: list[JsonObject] = Field(default_factory=list)
    tools: list[JsonObject] = Field(default_factory=list)
    parameters: JsonObject = Field(
        default_factory=dict, description="temperature, max_tokens, top_p, seed, ..."
    )


class Completion(_Item):
    """A model's answer to a prompt, with what it cost and how long it took."""

    type: Literal[NodeType.COMPLETION] = NodeType.COMPLETION
    content: str
    provider: str | None = Field(default=None, description="gen_ai.provider.name, e.g. openai.")
    request_model: str | None = Field(default=None, description="The model asked for.")
    response_model: str | None = Field(default=None, description="The model that answered.")
    response_id: str | None = None
    input_tokens: Count | None = None
    output_tokens: Count | None = None
    cached_input_tokens: Count | None = None
    reasoning_tokens: Count | None = None
    total_tokens: Count | None = Field(default=None, description="input + output when not given.")
    cost_usd: Money | None = None
    latency_ms: Millis | None = None
    finish_reason: str | None = None
    error: str | None = None
    request: RequestSnapshot | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_total(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("total_tokens") is None:
            given, made = data.get("input_tokens"), data.get("output_tokens")
            if type(given) is int and type(made) is int:
                data = {**data, "total_tokens": given + made}
        return data


class ToolInvocation(_Item):
    """A tool or function call: its arguments, and its result or its error."""

    type: Literal[NodeType.TOOL_INVOCATION] = NodeType.TOOL_INVOCATION
    tool_name: NonEmpty
    tool_call_id: str | None = None
    arguments: JsonObject = Field(default_factory=dict)
    result: Json = None
    status: ToolStatus = ToolStatus.SUCCESS
    error: str | None = None
    duration_ms: Millis | None = None

    @model_validator(mode="after")
    def _error_matches_status(self) -> ToolInvocation:
        if self.error is not None and self.status is not ToolStatus.ERROR:
            raise ValueError("status must be 'error' when error is given")
        return self


class Agent(NodeBase):
    """An agent in a multi-agent system."""

    type: Literal[NodeType.AGENT] = NodeType.AGENT
    name: NonEmpty
    role: str | None = None
    description: str | None = None
    capabilities: list[str] = Field(default_factory=list)
    model: str | None = None
    status: AgentStatus = AgentStatus.ACTIVE


class Document(NodeBase):
    """A source document or chunk that retrieval brought into a prompt."""

    type: Literal[NodeType.DOCUMENT] = NodeType.DOCUMENT
    content: str
    title: str | None = None
    source: str | None = Field(default=None, description="Collection or system it came from.")
    uri: str | None = None
    chunk_index: Count | None = None
    chunk_count: Positive | None = None
    content_hash: str | None = Field(default=None, description="sha256 of content when not given.")
    mime_type: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_hash(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("content_hash") is None:
            content = data.get("content")
            if isinstance(content, str):
                data = {**data, "content_hash": hashlib.sha256(content.encode()).hexdigest()}
        return data


class Context(_Item):
    """Context given to a model: a system message, memory, a user profile, a summary."""

    type: Literal[NodeType.CONTEXT] = NodeType.CONTEXT
    content: str
    kind: str = Field(default="text", description="system, memory, summary, profile, ...")
    token_count: Count | None = None


class Feedback(_Item):
    """A human or automatic judgement of a completion or prompt."""

    type: Literal[NodeType.FEEDBACK] = NodeType.FEEDBACK
    score: Score | None = None
    label: str | None = None
    comment: str | None = None
    source: FeedbackSource = FeedbackSource.HUMAN
    rater: str | None = None

    @model_validator(mode="after")
    def _needs_a_judgement(self) -> Feedback:
        if self.score is None and self.label is None:
            raise ValueError("feedback needs a score or a label")
        return self


class VariableSpec(_Text):
    """One variable a prompt template expects."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
    type: Literal["string", "integer", "number", "boolean", "list", "object"] = "string"
    required: bool = True
    default: Json = None
    description: str | None = None


class PromptTemplate(NodeBase):
    """A named prompt template; its text lives in immutable versions."""

    type: Literal[NodeType.PROMPT_TEMPLATE] = NodeType.PROMPT_TEMPLATE
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,199}$")]
    description: str | None = None


class TemplateVersion(NodeBase):
    """One immutable version of a prompt template's text."""

    type: Literal[NodeType.TEMPLATE_VERSION] = NodeType.TEMPLATE_VERSION
    template_id: NodeId
    version: Positive | None = Field(
        default=None, description="1, 2, 3 ... per template; assigned by the store."
    )
    body: str
    variables: list[VariableSpec] = Field(default_factory=list)
    semver: str | None = None
    message: str | None = Field(default=None, description="Why this version was published.")
    author: str | None = None
    content_hash: str | None = Field(default=None, description="sha256 of body when not given.")

    @model_validator(mode="before")
    @classmethod
    def _fill_hash(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("content_hash") is None:
            body = data.get("body")
            if isinstance(body, str):
                data = {**data, "content_hash": hashlib.sha256(body.encode()).hexdigest()}
        return data


Node = Annotated[
    Conversation
    | Prompt
    | Completion
    | ToolInvocation
    | Agent
    | Document
    | Context
    | Feedback
    | PromptTemplate
    | TemplateVersion,
    Field(discriminator="type"),
]

_NODE_CLASSES: dict[NodeType, type[NodeBase]] = {
    NodeType.CONVERSATION: Conversation,
    NodeType.PROMPT: Prompt,
    NodeType.COMPLETION: Completion,
    NodeType.TOOL_INVOCATION: ToolInvocation,
    NodeType.AGENT: Agent,
    NodeType.DOCUMENT: Document,
    NodeType.CONTEXT: Context,
    NodeType.FEEDBACK: Feedback,
    NodeType.PROMPT_TEMPLATE: PromptTemplate,
    NodeType.TEMPLATE_VERSION: TemplateVersion,
}

#: Node types that can be appended to a conversation.
ITEM_TYPES: frozenset[NodeType] = frozenset(t for t, cls in _NODE_CLASSES.items() if issubclass(cls, _Item))

# ---------------------------------------------------------------- edges


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


# ---------------------------------------------------------------- parsing helpers

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
