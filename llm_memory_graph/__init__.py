"""llm-memory-graph: record what LLM systems do as a property graph, and ask where answers came from.

from llm_memory_graph import MemoryGraph

with MemoryGraph.open("graph.db") as graph:
    chat = graph.start_conversation(user_id="u-42")
    prompt = graph.add_prompt("What is WAL mode?", conversation=chat)
    answer = graph.add_completion(prompt, "It is ...", response_model="gpt-4o")
    print(graph.lineage(answer).nodes)
"""

from ._async.graph import AsyncMemoryGraph
from ._sync.graph import MemoryGraph
from .cache import CacheStats, QueryCache
from .demo import DemoResult, record_demo
from .errors import (
    BatchError,
    BatchWriteError,
    BufferedWriteError,
    BufferFullError,
    ConstraintError,
    EdgeEndpointError,
    EdgeNotFoundError,
    FlushTimeoutError,
    GraphClosedError,
    InvalidCursorError,
    InvalidInputError,
    MemoryGraphError,
    NodeNotFoundError,
    NotFoundError,
    SchemaVersionError,
    StoreCorruptError,
    StoreError,
    StoreFullError,
    StoreReadOnlyError,
    StoreTimeoutError,
    StoreUnavailableError,
    TemplateError,
    TemplateInheritanceError,
    TemplateNotFoundError,
    TemplateRenderError,
    UsageError,
)
from .metrics import GraphMetrics
from .query import AsyncQuery, Query
from .recording.batch import AsyncBatch, Batch
from .recording.buffer import AsyncBufferedWriter, BufferedWriter
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
from .spec import (
    AggregateRow,
    Deleted,
    GraphPath,
    GroupBy,
    Lineage,
    Neighbor,
    NodeFilter,
    Order,
    Page,
    Range,
    RangeField,
    Stats,
    Subgraph,
)
from .stores.base import AsyncGraphStore, GraphStore
from .stores.retry import RetryPolicy
from .stores.sqlite import AsyncSQLiteStore, SQLiteStore
from .templates import TemplateLimits

__version__ = "0.1.0"

__all__ = [
    "Agent",
    "AggregateRow",
    "AsyncBatch",
    "AsyncBufferedWriter",
    "AsyncGraphStore",
    "AsyncMemoryGraph",
    "AsyncQuery",
    "AsyncSQLiteStore",
    "Batch",
    "BatchError",
    "BatchWriteError",
    "BufferedWriteError",
    "BufferedWriter",
    "BufferFullError",
    "CacheStats",
    "Completion",
    "ConstraintError",
    "Context",
    "Conversation",
    "Deleted",
    "DemoResult",
    "Direction",
    "Document",
    "Edge",
    "EdgeEndpointError",
    "EdgeNotFoundError",
    "EdgeType",
    "Feedback",
    "FlushTimeoutError",
    "GraphClosedError",
    "GraphMetrics",
    "GraphPath",
    "GraphStore",
    "GroupBy",
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
    "Order",
    "Page",
    "Prompt",
    "PromptTemplate",
    "Query",
    "QueryCache",
    "Range",
    "RangeField",
    "record_demo",
    "RequestSnapshot",
    "RetryPolicy",
    "SchemaVersionError",
    "SQLiteStore",
    "Stats",
    "StoreCorruptError",
    "StoreError",
    "StoreFullError",
    "StoreReadOnlyError",
    "StoreTimeoutError",
    "StoreUnavailableError",
    "Subgraph",
    "TemplateError",
    "TemplateInheritanceError",
    "TemplateLimits",
    "TemplateNotFoundError",
    "TemplateRenderError",
    "TemplateVersion",
    "ToolInvocation",
    "UsageError",
]
