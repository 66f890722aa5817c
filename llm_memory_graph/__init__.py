"""llm-memory-graph: record what LLM systems do as a property graph, and ask where answers came from.

from llm_memory_graph import MemoryGraph

with MemoryGraph.open("graph.db") as graph:
    chat = graph.start_conversation(user_id="u-42")
    prompt = graph.add_prompt("What is WAL mode?", conversation=chat)
    answer = graph.add_completion(prompt, "It is ...", response_model="gpt-4o")
    print(graph.lineage(answer).nodes)
"""

from .aio import AsyncMemoryGraph
from .errors import (
    ConstraintError,
    EdgeEndpointError,
    EdgeNotFoundError,
    GraphClosedError,
    InvalidCursorError,
    InvalidInputError,
    MemoryGraphError,
    NodeNotFoundError,
    NotFoundError,
    SchemaVersionError,
    StoreCorruptError,
    StoreError,
    StoreTimeoutError,
    StoreUnavailableError,
    UsageError,
)
from .graph import MemoryGraph
from .schema import (
    Agent,
    Completion,
    Context,
    Conversation,
    Direction,
    Document,
    Edge,
    EdgeType,
    Feedback,
    Node,
    NodeType,
    Prompt,
    PromptTemplate,
    RequestSnapshot,
    TemplateVersion,
    ToolInvocation,
)
from .spec import Deleted, Lineage, Neighbor, NodeFilter, Page, Stats
from .stores.base import AsyncGraphStore, GraphStore
from .stores.sqlite import AsyncSQLiteStore, SQLiteStore

__version__ = "0.1.0"

__all__ = [
    "Agent",
    "AsyncGraphStore",
    "AsyncMemoryGraph",
    "AsyncSQLiteStore",
    "Completion",
    "ConstraintError",
    "Context",
    "Conversation",
    "Deleted",
    "Direction",
    "Document",
    "Edge",
    "EdgeEndpointError",
    "EdgeNotFoundError",
    "EdgeType",
    "Feedback",
    "GraphClosedError",
    "GraphStore",
    "InvalidCursorError",
    "InvalidInputError",
    "Lineage",
    "MemoryGraph",
    "MemoryGraphError",
    "Neighbor",
    "Node",
    "NodeFilter",
    "NodeNotFoundError",
    "NodeType",
    "NotFoundError",
    "Page",
    "Prompt",
    "PromptTemplate",
    "RequestSnapshot",
    "SchemaVersionError",
    "SQLiteStore",
    "Stats",
    "StoreCorruptError",
    "StoreError",
    "StoreTimeoutError",
    "StoreUnavailableError",
    "TemplateVersion",
    "ToolInvocation",
    "UsageError",
]
