"""The enums of the data model: node and edge types, directions and statuses."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AgentStatus",
    "ConversationStatus",
    "Direction",
    "EdgeType",
    "FeedbackSource",
    "NodeType",
    "ToolStatus",
]


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
