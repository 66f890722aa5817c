# Generated from llm_memory_graph/_async/graph.py by scripts/unasync.py; do not edit.
"""MemoryGraph, the facade users call: open a graph, record, read, close."""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Callable, Generator, Iterable, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, Unpack

from prometheus_client import REGISTRY, CollectorRegistry
from pydantic import JsonValue

from ..arguments import (
    FilterFields,
    GraphState,
    NodeRef,
    build_filter,
    check_models,
    default_db_path,
    ref_id,
    require_open,
)
from ..cache import QueryCache
from ..errors import InvalidInputError, MemoryGraphError, UsageError
from ..metrics import GraphMetrics, Operation, attach, measure
from ..paging import TRANSCRIPT_LIMIT, iter_cursor, check_limit
from ..pricing import PriceTable, repriced
from ..query import Query
from ..recording.buffer import BufferedWriter
from ..recording.builders import (
    agent_changes,
    build_agent,
    build_closed,
    build_completion,
    build_context,
    build_conversation,
    build_document,
    build_edge,
    build_feedback,
    build_hand_off,
    build_prompt,
    build_reference,
    build_revision,
    build_tool_invocation,
)
from ..recording.fields import (
    AgentFields,
    CompletionFields,
    ContextFields,
    ConversationFields,
    DocumentFields,
    FeedbackFields,
    HandOffFields,
    PromptFields,
    ReferenceFields,
    ToolInvocationFields,
)
from ..recording.pending import PendingToolCalls
from ..recording.scope import TrackOptions, current_scope, instantiation, scoped
from ..schema import (
    Agent,
    Completion,
    Context,
    Conversation,
    DerivedFrom,
    Document,
    Edge,
    EdgeType,
    Feedback,
    Node,
    NodeBase,
    NodeType,
    Prompt,
    References,
    ToolInvocation,
    TransfersTo,
)
from ..spec import (
    AggregateRow,
    Deleted,
    GroupBy,
    NodeFilter,
    NodeList,
    Page,
    Stats,
)
from ..stores.base import GraphStore
from ..stores.neo4j import is_neo4j_uri
from ..stores.retry import RetryPolicy
from ..stores.sqlite import SQLiteStore
from ..tool_totals import ToolRow, ToolTotals, check_tool_groups
from .templates import _TemplateMethods
from .tracking import Tracker
from .traversal import _TraversalMethods
from .writes import _WriteMethods

__all__ = ["MemoryGraph"]

T = TypeVar("T")

#: Completions rewritten per store write by ``reprice``.
REPRICE_CHUNK = 500
_C = TypeVar("_C")


class MemoryGraph(_TemplateMethods, _TraversalMethods, _WriteMethods):
    """Record what an LLM system does as a graph, and ask where its answers came from.

        with MemoryGraph.open("graph.db") as graph:
            chat = graph.start_conversation(user_id="u-42")
            prompt = graph.add_prompt("What is WAL mode?", conversation=chat)
            answer = graph.add_completion(prompt, "It is ...", response_model="gpt-4o")

    Safe to share between tasks or threads. Every write is one atomic, idempotent store call: pass
    ``id=`` to make a retried call a no-op instead of a duplicate.

    :param store: where the graph lives; see ``open()`` for the usual shortcut.
    :param cache: keep read results for a few seconds (``True``, the default: a
        ``QueryCache()``), a ``QueryCache`` of your own, or ``False`` for none. Every write
        through this graph empties it; other writers are seen when entries expire.
    :param registry: the Prometheus registry the graph's metrics go to (default
        ``prometheus_client.REGISTRY``); ``None`` turns metrics off. See ``metrics.py``.
    """

    def __init__(
        self,
        *,
        store: GraphStore,
        cache: QueryCache | bool = True,
        registry: CollectorRegistry | None = REGISTRY,
        prices: PriceTable | bool = True,
    ) -> None:
        self._store = store
        #: What completions recorded without a cost are priced from; ``None`` prices nothing.
        self.prices: PriceTable | None = PriceTable.shipped() if prices is True else (prices or None)
        self._state = GraphState.OPENED
        self._cache = QueryCache() if cache is True else (cache or None)
        self._metrics = attach(registry, store, self._cache)
        self._pending_tools = PendingToolCalls()
        self._writers: weakref.WeakSet[BufferedWriter] = weakref.WeakSet()

    @classmethod
    def open(
        cls,
        target: str | Path | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        timeout: float = 5.0,
        durable: bool = False,
        cache: QueryCache | bool = True,
        registry: CollectorRegistry | None = REGISTRY,
        retry: RetryPolicy | None = None,
        read_only: bool = False,
        prices: PriceTable | bool = True,
    ) -> MemoryGraph:
        """Return a graph on a Neo4j server or an embedded SQLite file; no I/O until first use.

        :param target: a Neo4j URI (``bolt://``, ``neo4j://``, ``neo4j+s://`` ...); else the
            database file, in a folder that exists; ``":memory:"`` for a throwaway graph;
            default ``$LLM_MEMORY_GRAPH_DB``, else ``graph.db`` in the user's data folder.
        :param user: Neo4j only; default ``$NEO4J_USER``, else ``neo4j``.
        :param password: Neo4j only; default ``$NEO4J_PASSWORD``.
        :param database: Neo4j only; default ``$NEO4J_DATABASE``, else the server's default.
        :param timeout: SQLite only: seconds to wait for another writer's lock (default 5).
        :param durable: SQLite only: fsync every commit (default ``False``: survives a
            crashed process, not a power cut).
        :param cache: as for the constructor; ``registry`` too.
        :param retry: attempts and backoff for transient store failures (a file locked past
            ``timeout``, a lost Neo4j leader); default ``RetryPolicy()``.
        :param read_only: SQLite only: open the file read-only, creating, converting and
            upgrading nothing (an empty file or an older schema is refused); writes raise
            ``StoreReadOnlyError``. A file on a read-only folder or mount is opened this
            way even without it.
        :param prices: what completions recorded without a cost are priced from: the
            shipped ``PriceTable`` (default), one of your own, or ``False`` for none.
        """
        if is_neo4j_uri(target):
            from ..stores.neo4j import Neo4jStore, Neo4jSettings

            settings = Neo4jSettings.from_env(str(target), user=user, password=password, database=database)
            return cls(
                store=Neo4jStore(settings, retry=retry), cache=cache, registry=registry, prices=prices
            )
        if target is None:
            target = default_db_path()
        store = SQLiteStore(target, timeout=timeout, durable=durable, retry=retry, read_only=read_only)
        return cls(store=store, cache=cache, registry=registry, prices=prices)

    @property
    def store(self) -> GraphStore:
        """The store this graph writes to."""
        return self._store

    @property
    def metrics(self) -> GraphMetrics | None:
        """The graph's Prometheus instruments (``None`` with ``registry=None``): what
        exporters and integrations count their failures in."""
        return self._metrics

    @property
    def cache(self) -> QueryCache | None:
        """The read cache (``cache.stats()`` counts hits and misses), or ``None``."""
        return self._cache

    def __enter__(self) -> MemoryGraph:
        require_open(self._state)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the graph's buffered writers (writing what they hold), then the store;
        later calls raise ``GraphClosedError``. Closing twice is allowed.
        """
        if self._state is GraphState.CLOSED:
            return
        failures: list[MemoryGraphError] = []
        try:
            failures = self._close_writers()
        finally:
            self._state = GraphState.CLOSED
            if self._metrics is not None and self._cache is not None:
                self._metrics.release_cache(self._cache)
            self._store.close()
        if failures:
            raise failures[0]

    # ------------------------------------------------------------ raw writes

    def add(self, nodes: Sequence[Node] = (), edges: Sequence[Edge] = ()) -> list[Node]:
        """Write any nodes and edges in one atomic, idempotent batch.

        :param nodes: node models (``Prompt(...)``, or ``parse_node(data)`` for a dict).
        :param edges: edge models (``Generates(...)``, or ``parse_edge(data)``).
        :returns: the nodes as stored (conversation items carry their sequence number).
        :raises InvalidInputError: if anything in the batch is invalid; nothing is written.
        """
        return self._write(*check_models(nodes, edges))

    def link(
        self,
        source: NodeRef,
        target: NodeRef,
        edge_type: EdgeType | str,
        *,
        metadata: Mapping[str, JsonValue] | None = None,
        **properties: Any,
    ) -> Edge:
        """Add one edge of any caller-written type, with its typed ``properties``.

        :raises EdgeEndpointError: if an end is missing or of a type the edge cannot join.
        """
        edge = build_edge(source, target, edge_type, metadata=metadata, properties=properties)
        self.add(edges=[edge])
        return edge

    # ------------------------------------------------------------ conversations and agents

    def start_conversation(
        self, title: str | None = None, **fields: Unpack[ConversationFields]
    ) -> Conversation:
        """Start a conversation (a session); items appended to it are numbered in order.

        :param fields: ``user_id`` (the end user, copied onto every item appended to the
            conversation), ``metadata``, ``id``, ``created_at``: ``ConversationFields``.
        """
        return self._add_one(build_conversation(title, **fields))  # type: ignore[return-value]

    def close_conversation(self, conversation: NodeRef) -> Conversation:
        """Mark a conversation closed; appending to it afterwards is an error."""
        current = self._get_typed(conversation, NodeType.CONVERSATION, "conversation")
        return self._add_one(build_closed(current))  # type: ignore[arg-type, return-value]

    def register_agent(self, name: str, **fields: Unpack[AgentFields]) -> Agent:
        """Return the agent called ``name``, recording it first if it is new.

        Fields given for an existing agent replace its stored ones. Two processes that
        register the same new name at the same moment may each record an agent. With
        ``id`` given, the agent is written (or rewritten) under that id instead.

        :param fields: ``role``, ``description``, ``capabilities``, ``model``, ``metadata``,
            ``id``: ``AgentFields``.
        """
        agent = build_agent(name, **fields)
        if fields.get("id") is None:
            found = self.find(types=NodeType.AGENT, name=name, limit=1)
            if found.items:
                existing = found.items[0]
                changes = agent_changes(existing, agent)
                if not changes:
                    return existing  # type: ignore[return-value]
                agent = existing.model_copy(update=changes)  # type: ignore[assignment]
        return self._add_one(agent)  # type: ignore[return-value]

    def hand_off(
        self, from_agent: NodeRef, to_agent: NodeRef, **fields: Unpack[HandOffFields]
    ) -> TransfersTo:
        """Record that one agent handed the work to another (a TRANSFERS_TO edge).

        :param fields: ``reason``, ``conversation``, ``metadata``: ``HandOffFields``.
        """
        edge = build_hand_off(from_agent, to_agent, **fields)
        self.add(edges=[edge])
        return edge

    # ------------------------------------------------------------ conversation items

    def add_prompt(self, content: str, **fields: Unpack[PromptFields]) -> Prompt:
        """Record a prompt, appended to ``conversation`` when given.

        :param fields: ``conversation``; ``agent`` (a HANDLED_BY edge); ``role`` (default
            ``user``); ``triggered_by``, the tool call whose result prompted it (a TRIGGERS
            edge); ``depends_on``, earlier items whose output it uses (DEPENDS_ON edges);
            ``token_count``, ``user_id``, ``metadata``, ``id``, ``created_at``: ``PromptFields``.
        """
        scope = current_scope(self)
        node, edges = build_prompt(content, **scoped(scope, fields, "conversation", "agent", "triggered_by"))
        return self._add_one(node, edges + instantiation(scope, node))  # type: ignore[return-value]

    def add_completion(
        self, prompt: NodeRef, content: str, **fields: Unpack[CompletionFields]
    ) -> Completion:
        """Record a model's answer to ``prompt`` (a GENERATES edge), in the prompt's conversation.

        :param fields: ``CompletionFields``: the provider, the models asked for and
            answering, token counts, cost, latency, finish reason, error, the request sent
            (to replay the call); ``agent`` defaults to the prompt's.
        """
        source: Prompt = self._get_typed(prompt, NodeType.PROMPT, "prompt")  # type: ignore[assignment]
        node, edges = build_completion(source, content, self.prices, **fields)
        return self._add_one(node, edges)  # type: ignore[return-value]

    def add_tool_invocation(
        self, completion: NodeRef, tool_name: str, **fields: Unpack[ToolInvocationFields]
    ) -> ToolInvocation:
        """Record a tool call that ``completion`` asked for (a TRIGGERS edge).

        :param fields: ``arguments``, ``result``, ``error``; ``status`` (``success``,
            ``error`` or ``pending``; default ``error`` when ``error`` is given, else
            ``success``); ``duration_ms``, ``tool_call_id``; ``agent`` (default: the
            completion's); ``metadata``, ``id``, ``created_at``: ``ToolInvocationFields``.
        """
        source: Completion = self._get_typed(completion, NodeType.COMPLETION, "completion")  # type: ignore[assignment]
        node, edges = build_tool_invocation(source, tool_name, **fields)
        return self._add_one(node, edges)  # type: ignore[return-value]

    def add_document(self, content: str, **fields: Unpack[DocumentFields]) -> Document:
        """Record a document or chunk that retrieval can bring into prompts.

        :param fields: ``title``, ``source``, ``uri``, ``chunk_index``, ``chunk_count``,
            ``mime_type``, ``metadata``, ``id``, ``created_at``: ``DocumentFields``.
        """
        return self._add_one(build_document(content, **fields))  # type: ignore[return-value]

    def reference(
        self, item: NodeRef, document: NodeRef, **fields: Unpack[ReferenceFields]
    ) -> References:
        """Record that a prompt or completion used a document or context (REFERENCES).

        :param fields: ``score`` (the retriever's), ``rank`` (1 for the best hit),
            ``metadata``: ``ReferenceFields``.
        """
        edge = build_reference(item, document, **fields)
        self.add(edges=[edge])
        return edge

    def attach_context(self, content: str, **fields: Unpack[ContextFields]) -> Context:
        """Record context (system text, memory, a summary) and the items that used it.

        :param fields: ``to``, prompts or completions that used it (REFERENCES edges);
            ``conversation``; ``kind`` (``system``, ``memory``, ``summary``, ``profile`` ...;
            default ``text``); ``agent``, ``token_count``, ``metadata``, ``id``,
            ``created_at``: ``ContextFields``.
        """
        node, edges = build_context(content, **scoped(current_scope(self), fields, "conversation", "agent"))
        return self._add_one(node, edges)  # type: ignore[return-value]

    def add_feedback(self, target: NodeRef, **fields: Unpack[FeedbackFields]) -> Feedback:
        """Record a judgement of a completion or prompt (RATES), in its conversation.

        :param fields: ``score`` (any scale: 1 to 5, -1/+1 ...; give a score or a label),
            ``label``, ``comment``, ``source`` (``human``, the default, or ``automatic``),
            ``rater``, ``metadata``, ``id``, ``created_at``: ``FeedbackFields``.
        """
        rated = self._get_typed(
            target, (NodeType.COMPLETION, NodeType.PROMPT, NodeType.TOOL_INVOCATION), "target"
        )
        node, edges = build_feedback(rated, **fields)
        return self._add_one(node, edges)  # type: ignore[return-value]

    def link_revision(
        self, revised: NodeRef, original: NodeRef, *, reason: str | None = None
    ) -> DerivedFrom:
        """Record that prompt ``revised`` was derived from prompt ``original`` (DERIVED_FROM)."""
        edge = build_revision(revised, original, reason=reason)
        self.add(edges=[edge])
        return edge

    # ------------------------------------------------------------ reads

    def get(self, node_id: NodeRef) -> Node:
        """Return one node, as stored now.

        :param node_id: its id, or a node (the stored version of it is returned).
        :raises NodeNotFoundError: if there is no node with this id.
        """
        wanted = ref_id(node_id, "node_id")
        return self._read(("get", wanted), self._store.get_node, wanted)

    def get_edge(self, edge_id: str) -> Edge:
        """Return one edge.

        :raises EdgeNotFoundError: if there is no edge with this id.
        """
        return self._read(("get_edge", edge_id), self._store.get_edge, edge_id)

    def find(
        self,
        *,
        cursor: str | None = None,
        limit: int = 100,
        **filters: Unpack[FilterFields],
    ) -> Page:
        """Return one page of nodes matching every condition given, oldest first.

        :param cursor: the previous page's ``next_cursor``.
        :param limit: most nodes on the page (default 100, at most 10,000).
        :param filters: ``types`` (default all), ``since`` (inclusive) and ``until``
            (exclusive) on ``created_at``, ``conversation``, ``agent``, ``user_id``,
            ``name``, ``model`` (requested or responding), ``metadata`` (scalar values that
            must be equal): ``FilterFields``.
        """
        spec = build_filter("find", **filters)
        return self._page(spec, cursor, limit)

    def stream(
        self,
        *,
        batch_size: int = 500,
        **filters: Unpack[FilterFields],
    ) -> Iterator[Node]:
        """Yield every matching node, oldest first, holding one batch in memory at a time.

        Takes the filters of ``find()``.
        """
        spec = build_filter("stream", **filters)
        for node in self._stream(spec, batch_size):
            yield node

    def langchain_handler(self) -> Any:
        """A LangChain callback handler that records chat model and tool runs into this
        graph, as ``instrument`` records a client's calls: pass it in ``callbacks``.

            model.invoke(messages, config={"callbacks": [graph.langchain_handler()]})

        On ``MemoryGraph`` it is an async handler, for ``invoke`` and the other
        asyncio runs. Needs ``langchain-core`` (``pip install "llm-memory-graph[langchain]"``).
        """
        require_open(self._state)
        from ..integrations.langchain import handler_for

        return handler_for(self, self._metrics, self._pending_tools)

    def reprice(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        prices: PriceTable | None = None,
        dry_run: bool = False,
    ) -> int:
        """Recompute from a price table the cost of the completions created in a period:
        those priced from a table before, and those with token counts and no cost. A cost
        the caller gave is kept. Return how many completions changed (or would, ``dry_run``).

        :param prices: the table to price from; default the graph's (``prices``).
        :raises UsageError: when there is no table to price from.
        """
        table = prices or self.prices
        if table is None:
            raise UsageError(
                "there is no price table to reprice from: pass prices=, or open the graph with one"
            )
        changed: list[Node] = []
        count = 0
        for node in self.stream(types=NodeType.COMPLETION, since=since, until=until):
            updated = repriced(node, table)  # type: ignore[arg-type]
            if updated is None:
                continue
            count += 1
            if not dry_run:
                changed.append(updated)
            if len(changed) >= REPRICE_CHUNK:
                self.add(nodes=changed)
                changed = []
        if changed:
            self.add(nodes=changed)
        return count

    def tool_report(
        self,
        *,
        by: Sequence[str] | str = ("tool",),
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[ToolRow]:
        """Totals of the tool runs of a period, per group: calls, errors, pending calls,
        cost and duration p50/p95. Streams the runs, holding one row per group.

        :param by: ``tool`` (default), ``agent``, ``conversation`` and/or ``user``.
        """
        totals = ToolTotals(check_tool_groups(by))
        for node in self.stream(types=NodeType.TOOL_INVOCATION, since=since, until=until):
            if isinstance(node, ToolInvocation):
                totals.add(node)
        return totals.rows()

    def track(self, name: str | None = None, **options: Unpack[TrackOptions]) -> Tracker:
        """Record the calls made inside a block or a function into one conversation, agent,
        tool run and template version: a context manager (``with``) and a decorator.

            with graph.track("refund chat", agent="router", user_id="u-42"):
                client.chat.completions.create(...)   # an instrumented client

        Scopes nest, and follow the code into awaited coroutines, asyncio tasks and threads
        started with ``contextvars.copy_context().run``. An exception propagates unchanged
        (a tool run records it as its error); a recording that fails is logged and counted,
        never raised into the block.

        :param name: the scope's name: a new conversation's title, a hand-off's reason.
        :param options: ``conversation``, ``agent``, ``tool`` (with ``tool_call_id``,
            ``arguments``), ``template`` (with ``version`` or ``label``), ``user_id``,
            ``metadata``: ``TrackOptions``.
        """
        require_open(self._state)
        return Tracker(self, self._metrics, self._pending_tools, name, **options)

    def instrument(self, client: _C) -> _C:
        """Record every call ``client`` makes into this graph, and return the client.

        Takes an ``openai.OpenAI`` or ``anthropic.Anthropic`` client (``OpenAI``
        and ``Anthropic`` for ``MemoryGraph``): each Chat Completions or Messages call,
        plain or streamed, becomes a prompt and a completion in
        the active ``track`` scope, each tool call the model asks for a pending tool
        invocation, and a tool result sent back completes it and triggers the next prompt.
        Answers are returned unchanged; a failed recording is logged and counted. Needs the
        provider's extra: ``pip install "llm-memory-graph[openai]"`` (or ``[anthropic]``).

        :raises UsageError: for a client of another kind.
        """
        require_open(self._state)
        from ..integrations._sync.clients import instrument

        return instrument(self, self._metrics, self._pending_tools, client)

    def query(self) -> Query:
        """Start a fluent query: ``graph.query().types("Completion").since("24h").newest()``."""
        require_open(self._state)
        return Query(_QueryReads(self))

    def search(
        self,
        text: str,
        *,
        types: Iterable[NodeType | str] | NodeType | str | None = None,
        cursor: str | None = None,
        limit: int = 20,
    ) -> Page:
        """Return the best matches of a full-text search over prompts, completions,
        documents and context (the language is in ``query.py``).
        """
        search = self.query().text(text).relevance()
        if types is not None:
            search = search.types(*([types] if isinstance(types, str) else types))
        return search.page(cursor, limit)

    def transcript(
        self, conversation: NodeRef, *, cursor: str | None = None, limit: int = TRANSCRIPT_LIMIT
    ) -> NodeList:
        """Return a conversation's items in the order they were appended: one page.

        The result is a list; ``truncated`` says more items follow, and passing its
        ``next_cursor`` back as ``cursor`` reads them. ``iter_transcript`` reads them all.

        :param limit: most items on the page (default 10,000, at most 10,000).
        """
        conversation_id = ref_id(conversation, "conversation")
        return self._read(
            ("transcript", conversation_id, cursor, limit),
            self._store.transcript,
            conversation_id,
            cursor=cursor,
            limit=limit,
        )

    def iter_transcript(self, conversation: NodeRef, *, batch_size: int = 1000) -> Iterator[Node]:
        """Yield every item of a conversation in the order they were appended, holding one
        page of ``batch_size`` (default 1,000) in memory at a time.
        """
        conversation_id = ref_id(conversation, "conversation")
        check_limit(batch_size)
        require_open(self._state)

        def page(cursor: str | None, limit: int) -> NodeList:
            return self._store.transcript(conversation_id, cursor=cursor, limit=limit)

        with measure(self._metrics, Operation.STREAM, self._store.name):
            for node in iter_cursor(page, batch_size):
                yield node

    def delete_conversation(self, conversation: NodeRef) -> Deleted:
        """Delete a conversation, its items, and every edge touching them.

        Agents, documents and templates the conversation used are shared, so they stay.
        """
        require_open(self._state)
        with self._invalidating(), measure(self._metrics, Operation.DELETE_CONVERSATION, self._store.name):
            return self._store.delete_conversation(ref_id(conversation, "conversation"))

    def stats(self) -> Stats:
        """Return how many nodes and edges of each type the graph holds."""
        return self._read(("stats",), self._store.stats)

    # ------------------------------------------------------------ helpers

    def _add_one(self, node: Node, edges: Sequence[Edge] = ()) -> Node:
        return (self._write([node], edges))[0]

    def _write(
        self, nodes: Sequence[Node], edges: Sequence[Edge], operation: Operation = Operation.UPSERT
    ) -> list[Node]:
        """Every write goes through here: it empties the read cache (after the write too)
        and updates the metrics.
        """
        require_open(self._state)
        with self._invalidating(), measure(self._metrics, operation, self._store.name):
            stored = self._store.upsert(nodes, edges)
        if self._metrics is not None:
            self._metrics.wrote(stored, edges)
            if operation is not Operation.UPSERT:
                self._metrics.batched(operation, len(nodes) + len(edges))
        return stored

    @contextmanager
    def _invalidating(self) -> Generator[None, None, None]:
        """Empty the read cache around a write: before it, and after it even if it fails."""
        if self._cache is not None:
            self._cache.clear()
        try:
            yield
        finally:
            if self._cache is not None:
                self._cache.clear()

    def _read(
        self, key: tuple[Any, ...], call: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T:
        """Every cached read goes through here; results are immutable, so sharing is safe.

        ``key[0]`` names the operation in the metrics.
        """
        require_open(self._state)
        with measure(self._metrics, key[0], self._store.name):
            if self._cache is None:
                return call(*args, **kwargs)
            self._cache.check_token(self._store.change_token())
            hit, value = self._cache.get(key)
            if hit:
                return value  # type: ignore[no-any-return]
            value = call(*args, **kwargs)
            self._cache.put(key, value)
            return value

    def _page(self, spec: NodeFilter, cursor: str | None, limit: int) -> Page:
        return self._read(
            ("page", spec.model_dump_json(), cursor, limit),
            self._store.find_nodes,
            spec,
            cursor=cursor,
            limit=limit,
        )

    def _count(self, spec: NodeFilter) -> int:
        return self._read(("count", spec.model_dump_json()), self._store.count_nodes, spec)

    def _aggregate(self, spec: NodeFilter, by: tuple[GroupBy, ...]) -> list[AggregateRow]:
        return self._read(("aggregate", spec.model_dump_json(), by), self._store.aggregate, spec, by)

    def _stream(self, spec: NodeFilter, batch_size: int) -> Iterator[Node]:
        require_open(self._state)
        with measure(self._metrics, Operation.STREAM, self._store.name):
            for node in self._store.iter_nodes(spec, batch_size=batch_size):
                yield node

    def _get_typed(self, ref: NodeRef, types: NodeType | tuple[NodeType, ...], field: str) -> Node:
        require_open(self._state)
        node = ref if isinstance(ref, NodeBase) else self._store.get_node(ref_id(ref, field))
        allowed = types if isinstance(types, tuple) else (types,)
        if node.type not in allowed:  # type: ignore[attr-defined]
            names = " or ".join(str(t) for t in allowed)
            raise InvalidInputError(f"{node.id} is a {node.type}, not a {names}", field=field)  # type: ignore[attr-defined]
        return node  # type: ignore[return-value]


class _QueryReads:
    """The reads an ``Query`` runs on (an ``QueryRunner``): its graph's, cached
    and measured like every other read."""

    def __init__(self, graph: MemoryGraph) -> None:
        self._graph = graph

    def page(self, spec: NodeFilter, cursor: str | None, limit: int) -> Page:
        return self._graph._page(spec, cursor, limit)

    def stream(self, spec: NodeFilter, batch_size: int) -> Iterator[Node]:
        return self._graph._stream(spec, batch_size)

    def count(self, spec: NodeFilter) -> int:
        return self._graph._count(spec)

    def aggregate(self, spec: NodeFilter, by: tuple[GroupBy, ...]) -> list[AggregateRow]:
        return self._graph._aggregate(spec, by)
