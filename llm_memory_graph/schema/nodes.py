"""Every node type and its fields."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    model_validator,
)

from .enums import AgentStatus, ConversationStatus, FeedbackSource, NodeType, ToolStatus
from .ids import new_id
from .values import (
    INT64_MAX,
    Count,
    Json,
    JsonObject,
    Metadata,
    Millis,
    Money,
    NodeId,
    NonEmpty,
    Positive,
    Score,
    UtcDatetime,
    _Text,
    utcnow,
)

__all__ = [
    "ITEM_TYPES",
    "Agent",
    "Completion",
    "Context",
    "Conversation",
    "Document",
    "Feedback",
    "Node",
    "NodeBase",
    "Prompt",
    "PromptTemplate",
    "RequestSnapshot",
    "TemplateVersion",
    "ToolInvocation",
    "VariableSpec",
]


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
    error: str | None = Field(default=None, description="The exception a tracked session ended with.")


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
    price_version: str | None = Field(
        default=None, description="The price table cost_usd was computed from; none when the caller gave it."
    )
    latency_ms: Millis | None = None
    time_to_first_token_ms: Millis | None = Field(
        default=None, description="For a streamed answer: until its first chunk arrived."
    )
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
    cost_usd: Money | None = Field(default=None, description="What the run cost: a paid API, a sandbox ...")

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
