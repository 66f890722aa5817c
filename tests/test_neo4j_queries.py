"""The Neo4j store without a server: its query files, parameters, records, errors, retries.

What can be proved about the Neo4j store on a machine with no Neo4j is proved here; the
contract suite proves the rest when a server is available.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import neo4j
import pytest
from neo4j import exceptions as neo4j_errors

from llm_memory_graph import (
    Agent,
    Completion,
    Context,
    Conversation,
    Document,
    Feedback,
    InvalidInputError,
    MemoryGraph,
    MemoryGraphError,
    Prompt,
    PromptTemplate,
    TemplateVersion,
    ToolInvocation,
)
from llm_memory_graph.errors import ConstraintError, StoreTimeoutError, StoreUnavailableError
from llm_memory_graph.schema import EDGE_RULES, DependsOn, EdgeType, NodeType, edge_class
from llm_memory_graph.stores.neo4j import Neo4jSettings, Neo4jStore, RetryPolicy
from llm_memory_graph.stores.neo4j._errors import is_transient, translate
from llm_memory_graph.stores.neo4j._queries import parameters_used, queries, query
from llm_memory_graph.stores.neo4j._records import (
    edge_from_record,
    edge_properties,
    node_from_properties,
    node_properties,
)
from llm_memory_graph.stores.neo4j._rows import read_calls, write_calls

PACKAGE = Path(__file__).resolve().parent.parent / "llm_memory_graph" / "stores" / "neo4j"
NOWHERE = "bolt://127.0.0.1:9"  # nothing listens here: any I/O would fail loudly


def _calls() -> list[tuple[str, str, set[str] | None]]:
    """Every (file, query name, keyword names) the store code passes to a named query.

    ``None`` for the keywords means the call passes ``**params`` built elsewhere.
    """
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in ("_query", "_auto_commit"):
                continue
            names = [a for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if not names:
                continue
            keywords = {k.arg for k in node.keywords if k.arg is not None}
            spread = any(k.arg is None for k in node.keywords)
            found.append((path.name, names[0].value, None if spread else keywords))
    return found


CALLS = _calls()


@pytest.mark.parametrize("name", sorted(queries()))
def test_every_query_declares_exactly_the_parameters_it_uses(name: str) -> None:
    found = query(name)
    assert parameters_used(found.text) == found.parameters


@pytest.mark.parametrize(
    ("where", "name", "keywords"), [pytest.param(*c, id=f"{c[0]}:{c[1]}") for c in CALLS]
)
def test_every_call_passes_exactly_the_parameters_its_query_declares(
    where: str, name: str, keywords: set[str] | None
) -> None:
    assert name in queries(), f"{where} runs {name}, which has no cypher/{name}.cypher"
    if keywords is not None:
        assert keywords == set(query(name).parameters)


def test_every_query_file_is_used_by_the_store() -> None:
    used = {name for _, name, _ in CALLS}
    assert set(queries()) == used


@pytest.mark.parametrize(
    "name",
    ["get_edge", "count_edges", "upsert_write", "lineage_step", "lineage_edges", "neighbors", "path_step"],
)
def test_per_type_queries_cover_every_relationship_type(name: str) -> None:
    text = query(name).text
    assert {t.value for t in EdgeType} == {t.value for t in EdgeType if f":{t.value}" in text}


@pytest.mark.parametrize(
    ("name", "patterns"),
    [
        ("lineage_step", ("(a)<-[r:{}]-(b:GraphNode)", "(a)-[r:{}]->(b:GraphNode)")),
        ("neighbors", ("(n)<-[r:{}]-(m:GraphNode)", "(n)-[r:{}]->(m:GraphNode)")),
        ("lineage_edges", ("(s)-[r:{}]->(t:GraphNode)",)),
        ("path_step", ("(a)-[r:{}]-(b:GraphNode)",)),
    ],
)
def test_walks_expand_each_type_by_its_static_name(name: str, patterns: tuple[str, ...]) -> None:
    text = query(name).text
    for edge_type in EdgeType:
        for pattern in patterns:
            assert text.count(pattern.format(edge_type.value)) == 1, (edge_type, pattern)
    assert "type(r) IN" not in text  # the one form that reads every relationship of a node


def test_node_counts_cover_every_label() -> None:
    text = query("count_nodes").text
    assert all(f"(n:{t.value})" in text for t in NodeType)


# ---------------------------------------------------------------- records

NODE = "01a20ff6-ba0c-722c-81a4-9bb3afb52ccb"
OTHER = "01a20ff6-ba0c-722c-81a4-9bb3afb52ccc"

FULL_NODES = [
    Conversation(title="t", user_id="u", metadata={"env": "prod", "n": 2}),
    Prompt(
        content="q",
        role="system",
        token_count=3,
        conversation_id=NODE,
        sequence=2,
        user_id="u",
        agent_id=OTHER,
    ),
    Completion(
        content="a",
        provider="openai",
        request_model="gpt-4o",
        response_model="gpt-4o-2024-08-06",
        input_tokens=1,
        output_tokens=2,
        cached_input_tokens=0,
        reasoning_tokens=4,
        cost_usd=0.5,
        latency_ms=1.5,
        finish_reason="stop",
        request={
            "messages": [{"role": "user", "content": "q"}],
            "tools": [{"name": "t"}],
            "parameters": {"seed": 1},
        },
    ),
    ToolInvocation(tool_name="t", arguments={"x": [1, {"y": None}]}, result="plain text", duration_ms=3.0),
    Agent(name="a", role="r", capabilities=["search", "math"], model="m"),
    Document(
        content="d", title="T", source="s", uri="u", chunk_index=0, chunk_count=2, mime_type="text/plain"
    ),
    Context(content="c", kind="system", token_count=5),
    Feedback(score=-1.0, label="bad", comment="c", source="automatic", rater="judge"),
    PromptTemplate(name="greet", description="d"),
    TemplateVersion(
        template_id=NODE, version=3, body="Hi {{ x }}", variables=[{"name": "x"}], semver="1.0.0"
    ),
]


@pytest.mark.parametrize("node", [pytest.param(n, id=str(n.type)) for n in FULL_NODES])
def test_every_node_type_round_trips_through_neo4j_properties(node: object) -> None:
    props = node_properties(node)  # type: ignore[arg-type]
    assert all(v is not None for v in props.values())
    assert all(isinstance(v, str | int | float | bool | list) or hasattr(v, "tzinfo") for v in props.values())
    assert node_from_properties(props) == node


@pytest.mark.parametrize("edge_type", list(EdgeType), ids=str)
def test_every_edge_type_round_trips_through_neo4j_properties(edge_type: EdgeType) -> None:
    extra = {
        EdgeType.CONTAINS: {"position": 3},
        EdgeType.REFERENCES: {"score": 0.5, "rank": 1},
        EdgeType.DERIVED_FROM: {"reason": "shorter"},
        EdgeType.INSTANTIATES: {"variables": {"x": [1]}},
        EdgeType.TRANSFERS_TO: {"reason": "r", "conversation_id": NODE},
        EdgeType.LABELS: {"label": "production", "actor": "ana", "reason": "better"},
    }.get(edge_type, {})
    edge = edge_class(edge_type)(source_id=NODE, target_id=OTHER, metadata={"k": True}, **extra)
    props = edge_properties(edge)  # type: ignore[arg-type]
    assert "type" not in props and "source_id" not in props
    assert edge_from_record(edge_type.value, props, NODE, OTHER) == edge


def test_metadata_is_filterable_through_canonical_pairs() -> None:
    props = node_properties(
        Prompt(content="q", metadata={"env": "prod", "n": 3.0, "ok": True, "deep": {"a": 1}})
    )
    assert props["meta_kv"] == ['env="prod"', "n=3", "ok=true"]


# ---------------------------------------------------------------- injection


def test_a_forged_label_is_refused_before_any_io() -> None:
    forged = Prompt.model_construct(content="x", type="Prompt`) DETACH DELETE n //")
    with (
        MemoryGraph(store=Neo4jStore(Neo4jSettings(NOWHERE))) as graph,
        pytest.raises(InvalidInputError) as caught,
    ):
        graph.add([forged])  # type: ignore[list-item]
    assert caught.value.field == "nodes.0.type"


def test_a_forged_relationship_type_is_refused_before_any_io() -> None:
    forged = edge_class("GENERATES").model_construct(
        source_id=NODE, target_id=OTHER, type="GENERATES]->() DELETE n //"
    )
    with (
        MemoryGraph(store=Neo4jStore(Neo4jSettings(NOWHERE))) as graph,
        pytest.raises(InvalidInputError) as caught,
    ):
        graph.add(edges=[forged])  # type: ignore[list-item]
    assert caught.value.field == "edges.0.type"


def test_an_unknown_edge_type_in_a_walk_is_refused_before_any_io() -> None:
    with (
        MemoryGraph(store=Neo4jStore(Neo4jSettings(NOWHERE))) as graph,
        pytest.raises(InvalidInputError) as caught,
    ):
        graph.lineage(NODE, edge_types=["GENERATES|DELETE"])
    assert caught.value.field == "edge_types"


def test_edge_rules_name_only_schema_labels() -> None:
    labels = {t for rule in EDGE_RULES.values() for pair in rule.pairs for t in pair}
    assert labels <= set(NodeType)


# ---------------------------------------------------------------- errors and retries


def _driver_exceptions() -> list[type[Exception]]:
    return sorted(
        (
            cls
            for _, cls in inspect.getmembers(neo4j_errors, inspect.isclass)
            if issubclass(cls, neo4j_errors.GqlError) and cls.__module__.startswith("neo4j")
        ),
        key=lambda c: c.__name__,
    )


def _instance(cls: type[Exception]) -> Exception:
    try:
        return cls("boom")
    except TypeError:
        return cls.__new__(cls)


@pytest.mark.parametrize("cls", _driver_exceptions(), ids=lambda c: c.__name__)
def test_every_driver_exception_is_translated(cls: type[Exception]) -> None:
    assert isinstance(translate(_instance(cls)), MemoryGraphError)


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        pytest.param(neo4j_errors.AuthError, StoreUnavailableError, id="auth"),
        pytest.param(neo4j_errors.ServiceUnavailable, StoreUnavailableError, id="unavailable"),
        pytest.param(neo4j_errors.ConstraintError, ConstraintError, id="constraint"),
        pytest.param(neo4j_errors.TransientError, StoreTimeoutError, id="transient"),
    ],
)
def test_driver_exceptions_map_to_their_meaning(cls: type[Exception], expected: type[Exception]) -> None:
    assert type(translate(_instance(cls))) is expected


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        pytest.param(neo4j_errors.ServiceUnavailable("down"), True, id="unavailable"),
        pytest.param(neo4j_errors.SessionExpired("gone"), True, id="session-expired"),
        pytest.param(neo4j_errors.IncompleteCommit("unsure"), True, id="incomplete-commit"),
        pytest.param(neo4j_errors.AuthError("no"), False, id="auth"),
        pytest.param(ValueError("bug"), False, id="not-a-driver-error"),
    ],
)
def test_only_transient_failures_are_retried(error: Exception, retried: bool) -> None:
    assert is_transient(error) is retried


def test_the_retry_policy_gives_up_after_its_attempts_and_counts_each_retry() -> None:
    calls = []

    def flaky() -> None:
        calls.append(1)
        raise neo4j_errors.SessionExpired("gone")

    def retried(store: Neo4jStore) -> None:
        for attempt in store._retrying():
            with attempt:
                flaky()

    with Neo4jStore(Neo4jSettings(NOWHERE), retry=RetryPolicy(attempts=3, backoff=0)) as store:
        with pytest.raises(neo4j_errors.SessionExpired):
            retried(store)
        assert store.retries == {"SessionExpired": 2}
    assert len(calls) == 3


def test_a_server_that_does_not_answer_is_one_clear_error() -> None:
    store = Neo4jStore(Neo4jSettings(NOWHERE), retry=RetryPolicy(attempts=1))
    with (
        MemoryGraph(store=store) as graph,
        pytest.raises(StoreUnavailableError, match="neo4j: cannot reach the server"),
    ):
        graph.stats()


# ---------------------------------------------------------------- settings


def test_settings_never_show_the_password() -> None:
    assert "s3cret" not in repr(Neo4jSettings("neo4j://h", password="s3cret"))


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j://db:7687")
    monkeypatch.setenv("NEO4J_USER", "reader")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw")
    monkeypatch.setenv("NEO4J_DATABASE", "llm")
    settings = Neo4jSettings.from_env()
    assert (settings.uri, settings.user, settings.auth(), settings.database) == (
        "neo4j://db:7687",
        "reader",
        ("reader", "pw"),
        "llm",
    )


def test_opening_a_neo4j_uri_gives_a_neo4j_graph_without_connecting() -> None:
    with MemoryGraph.open(NOWHERE, password="pw", database="llm") as graph:
        assert isinstance(graph.store, Neo4jStore)
        assert graph.store.settings.database == "llm"
        assert isinstance(graph.store.driver, neo4j.Driver)


# ---------------------------------------------------------------- upsert calls


def _prompts(count: int) -> list[Prompt]:
    return [Prompt(content=f"p{i}") for i in range(count)]


def test_an_upsert_that_fits_a_chunk_is_one_read_and_one_write() -> None:
    nodes = _prompts(3)
    edges = [DependsOn(source_id=nodes[1].id, target_id=nodes[0].id)]
    assert len(list(read_calls(["c"], [n.id for n in nodes], edges, 10))) == 1
    (call,) = write_calls(nodes, {}, [], edges, 10)
    assert [r["id"] for r in call["nodes"]] == [n.id for n in nodes]
    assert [r["id"] for r in call["edges"]["DEPENDS_ON"]] == [edges[0].id]


def test_a_large_upsert_writes_every_node_before_any_edge() -> None:
    nodes = _prompts(5)
    edges = [DependsOn(source_id=nodes[i + 1].id, target_id=nodes[i].id) for i in range(4)]
    calls = list(write_calls(nodes, {}, [], edges, 2))
    assert [len(c["nodes"]) for c in calls] == [2, 2, 1, 0]
    assert [sum(map(len, c["edges"].values())) for c in calls] == [0, 0, 2, 2]
    reads = list(read_calls(["c"], [n.id for n in nodes], edges, 2))
    assert [r["lock_ids"] for r in reads] == [["c"], [], []]
    assert [len(r["ids"]) for r in reads] == [2, 2, 1] and [len(r["edges"]) for r in reads] == [2, 2, 0]
