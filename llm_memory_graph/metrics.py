"""Prometheus metrics: every instrument the library updates, built once per registry.

    registry = CollectorRegistry()
    graph = MemoryGraph.open("graph.db", registry=registry)   # default: prometheus_client.REGISTRY
    graph.add_prompt("hi")
    registry.get_sample_value("llm_memory_graph_items_written_total", {"kind": "Prompt"})  # 1.0

Nothing is registered when this module is imported; a graph registers the instruments
the first time it is opened on a registry, and every later graph on the same registry
reuses them (``prometheus_client`` refuses a name registered twice). ``registry=None``
turns metrics off for a graph.

Labels come only from closed sets: operation names (``Operation``), store names
(``sqlite``, ``neo4j``), outcomes (``ok``, ``invalid``, ``error``), node and edge types,
token kinds, drop reasons, and the class names of the library's own errors (or SQLite
result codes and Neo4j error classes for retries). Never ids, model names, template
names or metadata.

Counts the code owns but does not update inline (cache hits and misses, buffered writers'
queue depth and flush age) are read at scrape time by a custom collector.
"""

from __future__ import annotations

import functools
import threading
import time
import weakref
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .errors import InvalidInputError, NotFoundError, StoreError
from .schema import Completion, Edge, Node
from .spec import Stats
from .stores.upsert import Stored

if TYPE_CHECKING:
    from .cache import QueryCache

__all__ = [
    "DURATION_BUCKETS",
    "DropReason",
    "GraphMetrics",
    "MetricsServer",
    "Operation",
    "attach",
    "measure",
    "serve_metrics",
]

#: Seconds: 1 ms to 30 s.
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

#: Nodes plus edges per store write, for batches and buffered writers.
BATCH_BUCKETS = (1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 100000)


class Operation(StrEnum):
    """The ``operation`` label: what the graph asked its store to do."""

    UPSERT = "upsert"  # one write by the facade: add_prompt, add_completion, add, link ...
    BATCH = "batch"  # one chunk of graph.batch()
    BUFFERED = "buffered"  # one chunk written by a buffered writer
    DELETE_CONVERSATION = "delete_conversation"
    GET = "get"
    GET_EDGE = "get_edge"
    PAGE = "page"  # find, query().page(), search
    COUNT = "count"
    AGGREGATE = "aggregate"
    STREAM = "stream"
    NEIGHBORS = "neighbors"
    LINEAGE = "lineage"
    PATH = "path"
    CONVERSATION_GRAPH = "conversation_graph"
    TRANSCRIPT = "transcript"
    STATS = "stats"
    OTHER = "other"  # any read not listed above


class DropReason(StrEnum):
    """The ``reason`` label of items a buffered writer dropped."""

    QUEUE_FULL = "queue_full"  # on_full="drop" and the queue was full
    INVALID = "invalid"  # the store refused the item (a missing endpoint, a closed conversation)
    WRITE_FAILED = "write_failed"  # the store failed after its own retries


#: Token fields of a completion, by the ``kind`` label of ``llm_memory_graph_tokens_total``.
TOKEN_FIELDS = {
    "input": "input_tokens",
    "output": "output_tokens",
    "cached_input": "cached_input_tokens",
    "reasoning": "reasoning_tokens",
}

_OPERATIONS = frozenset(Operation)


def outcome_of(error: BaseException | None) -> str:
    """The ``outcome`` label: ``ok``, ``invalid`` (the caller's input or ids), or ``error``.

    A stream the caller stopped reading early (``GeneratorExit``) is ``ok``.
    """
    if error is None or isinstance(error, GeneratorExit):
        return "ok"
    if isinstance(error, InvalidInputError | NotFoundError):
        return "invalid"
    return "error"


class _Watched(Protocol):
    """What the collector reads from a buffered writer at scrape time."""

    @property
    def depth(self) -> int: ...

    def last_flush_age(self) -> float: ...


#: One ``GraphMetrics`` per registry and namespace; a registry that is collected drops its entry.
_INSTANCES: weakref.WeakKeyDictionary[CollectorRegistry, dict[str, GraphMetrics]] = (
    weakref.WeakKeyDictionary()
)
_INSTANCES_LOCK = threading.Lock()


class GraphMetrics:
    """The library's instruments on one registry; ``GraphMetrics(registry)`` returns the same
    object for the same registry and namespace, so graphs share rather than re-register.

        metrics = GraphMetrics(CollectorRegistry())

    Safe to share between threads and tasks.

    :param registry: where the instruments are registered.
    :param namespace: the prefix of every name (default ``llm_memory_graph``).
    """

    def __new__(cls, registry: CollectorRegistry, namespace: str = "llm_memory_graph") -> GraphMetrics:
        with _INSTANCES_LOCK:
            per_registry = _INSTANCES.setdefault(registry, {})
            found = per_registry.get(namespace)
            if found is None:
                found = super().__new__(cls)
                found._build(registry, namespace)
                per_registry[namespace] = found
            return found

    def __init__(self, registry: CollectorRegistry, namespace: str = "llm_memory_graph") -> None:
        """Built once, in ``__new__``; see the class docstring."""

    def _build(self, registry: CollectorRegistry, namespace: str) -> None:
        self.namespace = namespace
        self.operations = Counter(
            "operations",
            "Store operations by outcome (ok, invalid, error).",
            ["operation", "store", "outcome"],
            namespace=namespace,
            registry=registry,
        )
        self.duration = Histogram(
            "operation_duration_seconds",
            "Time each store operation took, cache hits included.",
            ["operation", "store"],
            buckets=DURATION_BUCKETS,
            namespace=namespace,
            registry=registry,
        )
        self.items_written = Counter(
            "items_written",
            "Nodes and edges written, by node or edge type.",
            ["kind"],
            namespace=namespace,
            registry=registry,
        )
        self.store_errors = Counter(
            "store_errors",
            "Store failures, by the library's error class.",
            ["store", "error"],
            namespace=namespace,
            registry=registry,
        )
        self.batch_items = Histogram(
            "batch_items",
            "Nodes plus edges per store write made by batches and buffered writers.",
            ["operation"],
            buckets=BATCH_BUCKETS,
            namespace=namespace,
            registry=registry,
        )
        self.retries = Counter(
            "store_retries",
            "Transient store failures retried, by error.",
            ["store", "error"],
            namespace=namespace,
            registry=registry,
        )
        self.dropped = Counter(
            "buffer_dropped_items",
            "Nodes and edges a buffered writer dropped, by reason.",
            ["reason"],
            namespace=namespace,
            registry=registry,
        )
        self.tokens = Counter(
            "tokens",
            "Tokens of the completions written, by kind.",
            ["kind"],
            namespace=namespace,
            registry=registry,
        )
        self.cost = Counter(
            "cost_usd",
            "Cost of the completions written, in US dollars.",
            namespace=namespace,
            registry=registry,
        )
        self.recording_failures = Counter(
            "recording_failures",
            "Automatic recordings (track, integrations) that failed; the user's call went on.",
            ["stage"],
            namespace=namespace,
            registry=registry,
        )
        for reason in DropReason:
            self.dropped.labels(reason.value)
        for kind in TOKEN_FIELDS:
            self.tokens.labels(kind)
        self._children: dict[tuple[str, str], tuple[Histogram, Counter, Counter, Counter]] = {}
        self._live = _LiveCollector(namespace)
        registry.register(self._live)

    # ------------------------------------------------------------ operations

    @contextmanager
    def observe(self, operation: Operation | str, store: str) -> Iterator[None]:
        """Time the block and count its outcome; store failures are also counted by class.

        Use it inside coroutines and generators (``with metrics.observe(...):`` in the body).
        """
        timer, ok, invalid, failed = self._bound(operation, store)
        with timer.time():
            try:
                yield
            except BaseException as exc:
                {"ok": ok, "invalid": invalid, "error": failed}[outcome_of(exc)].inc()
                if isinstance(exc, StoreError):
                    self.store_errors.labels(store, type(exc).__name__).inc()
                raise
        ok.inc()

    def _bound(self, operation: Operation | str, store: str) -> tuple[Histogram, Counter, Counter, Counter]:
        key = (str(operation), store)
        found = self._children.get(key)
        if found is None:
            name = key[0] if key[0] in _OPERATIONS else Operation.OTHER.value
            found = (
                self.duration.labels(name, store),
                self.operations.labels(name, store, "ok"),
                self.operations.labels(name, store, "invalid"),
                self.operations.labels(name, store, "error"),
            )
            self._children[key] = found
        return found

    def wrote(self, nodes: Sequence[Node], edges: Sequence[Edge]) -> None:
        """Count what a successful write stored: items by type (with the edges the store
        derived, when ``nodes`` is a store's ``Stored`` result), tokens and cost.
        """
        kinds = Tally(str(n.type) for n in nodes)
        kinds.update(str(e.type) for e in edges)
        if isinstance(nodes, Stored):
            kinds.update(nodes.kept_edges)
        for kind, count in kinds.items():
            self.items_written.labels(kind).inc(count)
        tokens: Tally[str] = Tally()
        cost = 0.0
        for node in nodes:
            if isinstance(node, Completion):
                for kind, field in TOKEN_FIELDS.items():
                    value = getattr(node, field)
                    if value:
                        tokens[kind] += value
                cost += node.cost_usd or 0.0
        for kind, count in tokens.items():
            self.tokens.labels(kind).inc(count)
        if cost:
            self.cost.inc(cost)

    def batched(self, operation: Operation, items: int) -> None:
        """Record the size (nodes plus edges) of one store write made by a batch or writer."""
        self.batch_items.labels(operation.value).observe(items)

    def retry(self, store: str, error: str) -> None:
        """Count one retry of a transient store failure (the stores' ``on_retry`` hook)."""
        self.retries.labels(store, error).inc()

    def drop(self, reason: DropReason, items: int) -> None:
        """Count nodes and edges a buffered writer dropped."""
        if items:
            self.dropped.labels(reason.value).inc(items)

    # ------------------------------------------------------------ read at scrape time

    def watch_cache(self, cache: QueryCache) -> None:
        """Expose a graph's cache hits and misses until ``release_cache``."""
        self._live.watch_cache(cache)

    def release_cache(self, cache: QueryCache) -> None:
        """Stop reading a cache whose graph closed; its counts so far stay in the totals."""
        self._live.release_cache(cache)

    def watch_writer(self, writer: _Watched) -> None:
        """Expose a buffered writer's queue depth and flush age while it lives."""
        self._live.watch_writer(writer)


class _LiveCollector(Collector):
    """Reads the caches and buffered writers of live graphs when the registry is scraped.

    A cache shared by several graphs is counted once; when the last graph using it
    closes, its final counts are kept, so the counters never go down while the process
    runs (a cache dropped without closing its graph takes its counts with it).
    """

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace
        self._lock = threading.Lock()
        self._caches: weakref.WeakKeyDictionary[QueryCache, int] = weakref.WeakKeyDictionary()
        self._writers: weakref.WeakSet[_Watched] = weakref.WeakSet()
        self._retired_hits = 0
        self._retired_misses = 0

    def watch_cache(self, cache: QueryCache) -> None:
        with self._lock:
            self._caches[cache] = self._caches.get(cache, 0) + 1

    def release_cache(self, cache: QueryCache) -> None:
        with self._lock:
            users = self._caches.get(cache, 0) - 1
            if users > 0:
                self._caches[cache] = users
                return
            self._caches.pop(cache, None)
            stats = cache.stats()
            self._retired_hits += stats.hits
            self._retired_misses += stats.misses

    def watch_writer(self, writer: _Watched) -> None:
        with self._lock:
            self._writers.add(writer)

    def describe(self) -> Iterable[Metric]:
        return self._families(())

    def collect(self) -> Iterable[Metric]:
        with self._lock:
            caches = list(self._caches)
            writers = list(self._writers)
        return self._families(caches, writers)

    def _families(self, caches: Sequence[QueryCache], writers: Sequence[_Watched] = ()) -> list[Metric]:
        name = self._namespace + "_"
        hits = CounterMetricFamily(name + "cache_hits", "Reads answered from the graphs' caches.")
        misses = CounterMetricFamily(name + "cache_misses", "Reads the graphs' caches could not answer.")
        entries = GaugeMetricFamily(name + "cache_entries", "Results held in the graphs' caches.")
        depth = GaugeMetricFamily(
            name + "buffer_items", "Nodes and edges waiting in buffered writers (queued or being written)."
        )
        age = GaugeMetricFamily(
            name + "buffer_last_flush_age_seconds",
            "Seconds since the stalest buffered writer last caught up (wrote successfully or "
            "found nothing to write).",
        )
        stats = [c.stats() for c in caches]
        hits.add_metric([], self._retired_hits + sum(s.hits for s in stats))
        misses.add_metric([], self._retired_misses + sum(s.misses for s in stats))
        entries.add_metric([], sum(s.size for s in stats))
        depth.add_metric([], sum(w.depth for w in writers))
        age.add_metric([], max((w.last_flush_age() for w in writers), default=0.0))
        return [hits, misses, entries, depth, age]


# ---------------------------------------------------------------- serving /metrics


class _HasStats(Protocol):
    def stats(self) -> Stats: ...


class _StoreCollector(Collector):
    """Exposes what the store holds (nodes and edges by type), refreshed by ``MetricsServer``."""

    def __init__(self, graph: _HasStats, namespace: str) -> None:
        self._graph = graph
        self._namespace = namespace
        self._lock = threading.Lock()
        self._stats: Stats | None = None
        self._taken = 0.0
        self._took = 0.0
        self.error: BaseException | None = None

    def refresh(self) -> None:
        """Read the counts from the store now; a failure is kept and shown, not raised."""
        started = time.monotonic()
        try:
            stats = self._graph.stats()
        except Exception as exc:  # keep serving the last figures; the age shows staleness
            self.error = exc
            return
        with self._lock:
            self._stats, self._taken, self._took = stats, time.monotonic(), time.monotonic() - started
            self.error = None

    def describe(self) -> Iterable[Metric]:
        return self._families(None, 0.0, 0.0)

    def collect(self) -> Iterable[Metric]:
        with self._lock:
            stats, taken, took = self._stats, self._taken, self._took
        return self._families(stats, time.monotonic() - taken if stats else 0.0, took)

    def _families(self, stats: Stats | None, age: float, took: float) -> list[Metric]:
        name = self._namespace + "_"
        nodes = GaugeMetricFamily(name + "stored_nodes", "Nodes the store holds, by type.", labels=["type"])
        edges = GaugeMetricFamily(name + "stored_edges", "Edges the store holds, by type.", labels=["type"])
        age_family = GaugeMetricFamily(
            name + "stored_counts_age_seconds", "Seconds since the stored counts were read."
        )
        took_family = GaugeMetricFamily(
            name + "stored_counts_duration_seconds", "How long reading the stored counts took."
        )
        if stats is not None:
            for node_type, count in stats.nodes.items():
                nodes.add_metric([str(node_type)], count)
            for edge_type, count in stats.edges.items():
                edges.add_metric([str(edge_type)], count)
            age_family.add_metric([], age)
            took_family.add_metric([], took)
        return [nodes, edges, age_family, took_family]


class MetricsServer:
    """A running ``/metrics`` endpoint; stop it with ``close()`` (or use it as a context manager).

    Made by ``serve_metrics()``. ``port`` is the port it listens on (useful after asking
    for port 0), ``url`` the address of ``/metrics``.
    """

    def __init__(
        self,
        graph: _HasStats,
        *,
        host: str,
        port: int,
        registry: CollectorRegistry,
        refresh: float,
        namespace: str,
    ) -> None:
        self.registry = registry
        self.refresh_interval = refresh
        self._stop = threading.Event()
        self._store = _StoreCollector(graph, namespace)
        self._store.refresh()
        registry.register(self._store)
        self._server, self._thread = start_http_server(port, addr=host, registry=registry)
        self.host = host
        self.port: int = self._server.server_port
        self._refresher: threading.Thread | None = None
        if refresh > 0:
            self._refresher = threading.Thread(
                target=self._refresh_loop, name="llm-memory-graph-metrics-refresh", daemon=True
            )
            self._refresher.start()

    @property
    def url(self) -> str:
        """The address of the ``/metrics`` page."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    @property
    def last_error(self) -> BaseException | None:
        """Why the last refresh of the stored counts failed, or ``None``."""
        return self._store.error

    def refresh(self) -> None:
        """Read the stored counts now (the server also does this every ``refresh`` seconds)."""
        self._store.refresh()

    def _refresh_loop(self) -> None:
        while not self._stop.wait(self.refresh_interval):
            self._store.refresh()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until ``close()`` is called (from another thread or a signal handler), or
        until ``timeout`` seconds pass; return whether the server was closed.
        """
        return self._stop.wait(timeout)

    def close(self) -> None:
        """Stop serving and refreshing; closing twice is allowed."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        if self._refresher is not None:
            self._refresher.join()
        self.registry.unregister(self._store)

    def __enter__(self) -> MetricsServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def serve_metrics(
    graph: _HasStats,
    *,
    port: int,
    host: str = "127.0.0.1",
    registry: CollectorRegistry,
    refresh: float = 15.0,
    namespace: str = "llm_memory_graph",
) -> MetricsServer:
    """Serve ``registry`` on ``http://host:port/metrics``, with what ``graph``'s store holds.

    The stored counts (``llm_memory_graph_stored_nodes{type}``, ``..._stored_edges{type}``)
    are read once at start and then every ``refresh`` seconds on a background thread, so a
    scrape never waits on the store.

    :param port: the port; 0 picks a free one (see ``MetricsServer.port``).
    :param host: the address to listen on (default loopback only).
    :param registry: what to serve; open ``graph`` on the same registry to include its
        operation metrics.
    :param refresh: seconds between reads of the stored counts; 0 reads them only at start
        and on ``MetricsServer.refresh()``.
    """
    return MetricsServer(graph, host=host, port=port, registry=registry, refresh=refresh, namespace=namespace)


# ---------------------------------------------------------------- what the facades call


class _Hooked(Protocol):
    name: str
    on_retry: Callable[[str], None] | None


def attach(
    registry: CollectorRegistry | None, store: _Hooked, cache: QueryCache | None
) -> GraphMetrics | None:
    """Return the metrics of ``registry`` (``None``: metrics off), counting ``store``'s
    retries and reading ``cache``'s hits and misses.
    """
    if registry is None:
        return None
    metrics = GraphMetrics(registry)
    store.on_retry = functools.partial(metrics.retry, store.name)
    if cache is not None:
        metrics.watch_cache(cache)
    return metrics


def measure(
    metrics: GraphMetrics | None, operation: Operation | str, store: str
) -> AbstractContextManager[None]:
    """``metrics.observe(operation, store)``, or a no-op when metrics are off."""
    return nullcontext() if metrics is None else metrics.observe(operation, store)
