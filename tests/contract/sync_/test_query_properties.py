"""Property: paging through any filter returns exactly what a brute-force filter of every
node returns, in the same order (hand-written; runs on every store like the suite). On
Neo4j each combination is a differently composed query (stores/neo4j/_compose.py), each
anchored on another index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_memory_graph import MemoryGraph, Node
from llm_memory_graph.stores.codec import meta_value

T0 = datetime(2026, 5, 1, tzinfo=UTC)
PROVIDERS = ["openai", "anthropic", None]
ENVS = ["prod", "dev", "staging"]
# (requested, responding): a model can be found by either, and one node has it as both.
MODELS = [("gpt-4o", "gpt-4o"), ("gpt-4o", "gpt-4o-mini"), ("claude", None), (None, "gpt-4o-mini")]
REASONS = ["stop", "length", None]


@dataclass(frozen=True)
class Seed:
    nodes: list[Node]
    chats: list[str]
    agents: list[str]


def _seed(graph: MemoryGraph) -> Seed:
    """Forty prompts and completions with a spread of providers, models, finish reasons,
    costs, conversations, agents and metadata.
    """
    chats = [graph.start_conversation(f"chat {i}", created_at=T0) for i in range(2)]
    agents = [graph.register_agent(f"agent {i}") for i in range(2)]
    prompt = graph.add_prompt("seed", created_at=T0, metadata={"env": "prod", "n": 0})
    for i in range(1, 40):
        meta: dict[str, Any] = {"n": i % 5}
        if i % 4:
            meta["env"] = ENVS[i % 3]
        at = T0 + timedelta(minutes=i // 2)  # pairs share a timestamp: the id breaks the tie
        where = {"conversation": chats[i % 2], "agent": agents[i % 3 % 2]} if i % 7 else {}
        if i % 3 == 0:
            graph.add_prompt(f"p{i}", created_at=at, metadata=meta, **where)
        else:
            requested, responded = MODELS[i % 4]
            graph.add_completion(
                prompt,
                f"c{i}",
                provider=PROVIDERS[i % 3],
                request_model=requested,
                response_model=responded,
                finish_reason=REASONS[i % 3],
                cost_usd=round(i * 0.01, 2) if i % 5 else None,
                created_at=at,
                metadata=meta,
            )
    nodes = [n for n in graph.query().stream() if n.type in ("Prompt", "Completion")]
    return Seed(nodes, [c.id for c in chats], [a.id for a in agents])


filters = st.fixed_dictionaries(
    {},
    optional={
        "types": st.sampled_from([("Prompt",), ("Completion",), ("Prompt", "Completion")]),
        "provider": st.sampled_from(["openai", "anthropic"]),
        "env": st.sampled_from(ENVS),
        "env_in": st.lists(st.sampled_from(ENVS), min_size=1, max_size=2, unique=True),
        "has_env": st.just(True),
        "cost": st.tuples(st.sampled_from([None, 0.05, 0.1]), st.sampled_from([None, 0.2, 0.4])).filter(
            lambda b: b != (None, None)
        ),
        "model": st.sampled_from(["gpt-4o", "gpt-4o-mini", "claude"]),
        "finish_reason": st.sampled_from(["stop", "length"]),
        "chat": st.integers(0, 1),
        "agent": st.integers(0, 1),
        "since": st.integers(0, 20),
        "until": st.integers(5, 25),
        "newest": st.booleans(),
    },
).filter(
    lambda f: not (f.get("types") == ("Prompt",) and "cost" in f)  # refused: prompts have no cost
    and f.get("since", 0) < f.get("until", 99)  # refused: an empty time range
)


def _query(graph: MemoryGraph, seed: Seed, f: dict[str, Any]) -> Any:
    q = graph.query().types(*f.get("types", ("Prompt", "Completion")))
    if "provider" in f:
        q = q.provider(f["provider"])
    if "env" in f:
        q = q.where(env=f["env"])
    if "env_in" in f:
        q = q.where_in("env", f["env_in"])
    if "has_env" in f:
        q = q.has("env")
    if "cost" in f:
        q = q.cost(gte=f["cost"][0], lte=f["cost"][1])
    if "model" in f:
        q = q.model(f["model"])
    if "finish_reason" in f:
        q = q.finish_reason(f["finish_reason"])
    if "chat" in f:
        q = q.conversation(seed.chats[f["chat"]])
    if "agent" in f:
        q = q.agent(seed.agents[f["agent"]])
    if "since" in f:
        q = q.since(T0 + timedelta(minutes=f["since"]))
    if "until" in f:
        q = q.until(T0 + timedelta(minutes=f["until"]))
    if f.get("newest"):
        q = q.newest()
    return q


def _matches(node: Node, seed: Seed, f: dict[str, Any]) -> bool:
    meta = node.metadata
    models = {getattr(node, "request_model", None), getattr(node, "response_model", None)}
    checks = [
        "types" not in f or node.type in f["types"],
        "provider" not in f or getattr(node, "provider", None) == f["provider"],
        "env" not in f or meta.get("env") == f["env"],
        "env_in" not in f or meta_value(meta.get("env")) in {meta_value(v) for v in f["env_in"]},
        "has_env" not in f or meta.get("env") is not None,
        "model" not in f or f["model"] in models,
        "finish_reason" not in f or getattr(node, "finish_reason", None) == f["finish_reason"],
        "chat" not in f or getattr(node, "conversation_id", None) == seed.chats[f["chat"]],
        "agent" not in f or getattr(node, "agent_id", None) == seed.agents[f["agent"]],
        "since" not in f or node.created_at >= T0 + timedelta(minutes=f["since"]),
        "until" not in f or node.created_at < T0 + timedelta(minutes=f["until"]),
    ]
    if "cost" in f:
        cost, (low, high) = getattr(node, "cost_usd", None), f["cost"]
        checks.append(cost is not None and (low is None or cost >= low) and (high is None or cost <= high))
    return all(checks)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(f=filters, limit=st.integers(1, 7))
def test_paged_results_equal_a_brute_force_filter(graph: MemoryGraph, f: dict[str, Any], limit: int) -> None:
    seed = getattr(graph, "_seeded", None)
    if seed is None:
        seed = _seed(graph)
        graph._seeded = seed  # type: ignore[attr-defined]
    expected = sorted(
        (n for n in seed.nodes if _matches(n, seed, f)),
        key=lambda n: (n.created_at, n.id),
        reverse=bool(f.get("newest")),
    )
    query = _query(graph, seed, f)
    seen: list[str] = []
    page = query.page(limit=limit)
    while True:
        seen.extend(n.id for n in page.items)
        if page.next_cursor is None:
            break
        page = query.page(page.next_cursor, limit=limit)
    assert seen == [n.id for n in expected]
    assert query.count() == len(expected)
