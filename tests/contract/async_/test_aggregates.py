# Async source: edit here, then run scripts/unasync.py to regenerate the sync twin.
"""Contract: aggregates of completions, grouped, filtered and ranked alike on every store.

The expected numbers are worked out by hand from ``_usage`` (see the table in its
docstring); the property test compares the store with a brute-force count in Python.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_memory_graph import (
    AsyncMemoryGraph,
    Completion,
    InvalidInputError,
    Node,
    NodeFilter,
    PromptTemplate,
    TemplateVersion,
)
from llm_memory_graph.spec import AggregateRow, GroupBy, Range, RangeField

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY1, DAY2 = "2026-03-01T00:00:00+00:00", "2026-03-02T00:00:00+00:00"


@dataclass
class Usage:
    """Seven completions by two agents, with the nodes the tests group by."""

    planner: Node
    writer: Node
    chat1: Node
    chat2: Node
    version: Node
    c: list[Completion]


async def _usage(graph: AsyncMemoryGraph) -> Usage:
    """Record the fixture; times are offsets from T0 (2026-03-01 12:00 UTC).

    ==  =======  ====  ==========  ======  ========  ======  =========  =====  =======  =====  ====
    c   agent    chat  model       time    in/out    cached  reasoning  cost   latency  error  env
    ==  =======  ====  ==========  ======  ========  ======  =========  =====  =======  =====  ====
    1   planner  1     gpt-4o (*)  +30s    100/10    50      -          0.001  100      -      prod
    2   planner  1     gpt-4o      +5m59s  200/20    -       -          0.002  200      -      prod
    3   planner  1     gpt-4o      +1h5m   300/30    -       -          0.003  300      -      dev
    4   writer   2     gpt-4o      +1d     400/40    -       5          0.004  400      -      prod
    5   writer   2     gpt-4o      +1d1h   500/50    -       -          0.005  1000     -      prod
    6   writer   -     claude-3    +2h     1000/100  -       -          -      250      yes    dev
    7   writer   -     claude-3    +1d     -/-       -       7          0.01   -        -      -
    ==  =======  ====  ==========  ======  ========  ======  =========  =====  =======  =====  ====

    (*) asked for gpt-4o-mini, answered by gpt-4o; claude-3 is only asked for (no response
    model). gpt-4o is openai's, claude-3 anthropic's. c1 and c2 come from a prompt that
    instantiates the template version. Feedback: scores 5 and 3 on c1, a label only on c4,
    score 1 on c6, and score 4 on c2 that also RATES c3; a score 2 on a prompt never counts.
    """
    planner = await graph.register_agent("planner")
    writer = await graph.register_agent("writer")
    chat1 = await graph.start_conversation("one")
    chat2 = await graph.start_conversation("two")
    template = PromptTemplate(name="answer")
    version = TemplateVersion(template_id=template.id, version=1, body="Answer {{ q }}")
    await graph.add([template, version])
    p1 = await graph.add_prompt("templated", conversation=chat1, agent=planner)
    await graph.link(p1, version, "INSTANTIATES", variables={"q": "x"})
    p2 = await graph.add_prompt("free", conversation=chat1, agent=planner)
    p3 = await graph.add_prompt("write", conversation=chat2, agent=writer)
    p4 = await graph.add_prompt("outside", agent=writer)
    gpt: dict[str, Any] = {"provider": "openai", "response_model": "gpt-4o"}
    claude: dict[str, Any] = {"provider": "anthropic", "request_model": "claude-3"}
    prod, dev = {"env": "prod"}, {"env": "dev"}
    c = [
        await graph.add_completion(
            p1, "1", **gpt, request_model="gpt-4o-mini", input_tokens=100, output_tokens=10,
            cached_input_tokens=50, cost_usd=0.001, latency_ms=100.0, metadata=prod,
            created_at=T0 + timedelta(seconds=30),
        ),
        await graph.add_completion(
            p1, "2", **gpt, input_tokens=200, output_tokens=20, cost_usd=0.002, latency_ms=200.0,
            metadata=prod, created_at=T0 + timedelta(minutes=5, seconds=59),
        ),
        await graph.add_completion(
            p2, "3", **gpt, input_tokens=300, output_tokens=30, cost_usd=0.003, latency_ms=300.0,
            metadata=dev, created_at=T0 + timedelta(hours=1, minutes=5),
        ),
        await graph.add_completion(
            p3, "4", **gpt, input_tokens=400, output_tokens=40, reasoning_tokens=5, cost_usd=0.004,
            latency_ms=400.0, metadata=prod, created_at=T0 + timedelta(days=1),
        ),
        await graph.add_completion(
            p3, "5", **gpt, input_tokens=500, output_tokens=50, cost_usd=0.005, latency_ms=1000.0,
            metadata=prod, created_at=T0 + timedelta(days=1, hours=1),
        ),
        await graph.add_completion(
            p4, "6", **claude, input_tokens=1000, output_tokens=100, latency_ms=250.0,
            error="rate limited", metadata=dev, created_at=T0 + timedelta(hours=2),
        ),
        await graph.add_completion(
            p4, "7", **claude, reasoning_tokens=7, cost_usd=0.01, created_at=T0 + timedelta(days=1),
        ),
    ]  # fmt: skip
    await graph.add_feedback(c[0], score=5)
    await graph.add_feedback(c[0], score=3)
    await graph.add_feedback(c[3], label="bad")
    await graph.add_feedback(c[5], score=1)
    twice = await graph.add_feedback(c[1], score=4)
    await graph.link(twice, c[2], "RATES")
    await graph.add_feedback(p2, score=2)
    return Usage(planner, writer, chat1, chat2, version, c)


def _row(
    group: dict[GroupBy, str | None],
    completions: int,
    *,
    errors: int = 0,
    tokens: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0),
    cost: float = 0.0,
    latency: tuple[float | None, float | None, float | None] = (None, None, None),
    feedback: tuple[int, float | None] = (0, None),
) -> AggregateRow:
    """An expected row; ``tokens`` are (input, output, total, cached input, reasoning)."""
    return AggregateRow(
        group=group,
        completions=completions,
        errors=errors,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        total_tokens=tokens[2],
        cached_input_tokens=tokens[3],
        reasoning_tokens=tokens[4],
        cost_usd=cost,
        latency_p50_ms=latency[0],
        latency_p95_ms=latency[1],
        latency_p99_ms=latency[2],
        feedback_count=feedback[0],
        feedback_avg=feedback[1],
    )


M, P, A, C, V = GroupBy.MODEL, GroupBy.PROVIDER, GroupBy.AGENT, GroupBy.CONVERSATION, GroupBy.TEMPLATE_VERSION
MIN, H, D = GroupBy.MINUTE, GroupBy.HOUR, GroupBy.DAY

#: c1..c3 and c4..c7 (the planner's and the writer's completions).
PLANNER: dict[str, Any] = {"completions": 3, "tokens": (600, 60, 660, 50, 0), "cost": 0.006}
WRITER: dict[str, Any] = {"completions": 4, "errors": 1, "tokens": (1900, 190, 2090, 0, 12), "cost": 0.019}


async def test_aggregate_without_groups_totals_every_completion(graph: AsyncMemoryGraph) -> None:
    await _usage(graph)
    rows = await graph.store.aggregate(NodeFilter(), [])
    assert rows == [
        _row(
            {},
            7,
            errors=1,
            tokens=(2500, 250, 2750, 50, 12),
            cost=0.025,
            latency=(250.0, 1000.0, 1000.0),  # ranks 3, 6, 6 of [100, 200, 250, 300, 400, 1000]
            feedback=(5, 3.25),  # four scores: 5, 3, 1, 4
        )
    ]
    assert rows[0].error_rate == pytest.approx(1 / 7)


async def test_aggregate_by_model_uses_the_response_model_else_the_requested_one(
    graph: AsyncMemoryGraph,
) -> None:
    await _usage(graph)
    assert await graph.store.aggregate(NodeFilter(), [M]) == [
        _row(
            {M: "claude-3"},
            2,
            errors=1,
            tokens=(1000, 100, 1100, 0, 7),
            cost=0.01,
            latency=(250.0, 250.0, 250.0),
            feedback=(1, 1.0),
        ),
        _row(
            {M: "gpt-4o"},
            5,
            tokens=(1500, 150, 1650, 50, 5),
            cost=0.015,
            latency=(300.0, 1000.0, 1000.0),  # [100, 200, 300, 400, 1000]
            feedback=(4, 4.0),  # the feedback that rates c2 and c3 counts once
        ),
    ]


async def test_aggregate_by_provider(graph: AsyncMemoryGraph) -> None:
    await _usage(graph)
    rows = await graph.store.aggregate(NodeFilter(), [P])
    assert [(r.group, r.completions, r.errors, r.cost_usd) for r in rows] == [
        ({P: "anthropic"}, 2, 1, 0.01),
        ({P: "openai"}, 5, 0, 0.015),
    ]


async def test_aggregate_by_agent(graph: AsyncMemoryGraph) -> None:
    u = await _usage(graph)
    expected = [
        _row({A: u.planner.id}, **PLANNER, latency=(200.0, 300.0, 300.0), feedback=(3, 4.0)),
        _row({A: u.writer.id}, **WRITER, latency=(400.0, 1000.0, 1000.0), feedback=(2, 1.0)),
    ]
    assert await graph.store.aggregate(NodeFilter(), [A]) == sorted(expected, key=lambda r: str(r.group[A]))


async def test_aggregate_by_conversation_lists_completions_outside_one_first(graph: AsyncMemoryGraph) -> None:
    u = await _usage(graph)
    outside = _row(
        {C: None},
        2,
        errors=1,
        tokens=(1000, 100, 1100, 0, 7),
        cost=0.01,
        latency=(250.0, 250.0, 250.0),
        feedback=(1, 1.0),
    )
    chats = [
        _row({C: u.chat1.id}, **PLANNER, latency=(200.0, 300.0, 300.0), feedback=(3, 4.0)),
        _row(
            {C: u.chat2.id},
            2,
            tokens=(900, 90, 990, 0, 5),
            cost=0.009,
            latency=(400.0, 1000.0, 1000.0),
            feedback=(1, None),  # a label without a score counts, but has no average
        ),
    ]
    rows = await graph.store.aggregate(NodeFilter(), [C])
    assert rows == [outside, *sorted(chats, key=lambda r: str(r.group[C]))]


async def test_aggregate_by_template_version_follows_generates_then_instantiates(
    graph: AsyncMemoryGraph,
) -> None:
    u = await _usage(graph)
    assert await graph.store.aggregate(NodeFilter(), [V]) == [
        _row(
            {V: None},
            5,
            errors=1,
            tokens=(2200, 220, 2420, 0, 12),
            cost=0.022,
            latency=(300.0, 1000.0, 1000.0),  # [250, 300, 400, 1000]
            feedback=(3, 2.5),  # on c3 (shared with c2), c4 (no score) and c6
        ),
        _row(
            {V: u.version.id},
            2,
            tokens=(300, 30, 330, 50, 0),
            cost=0.003,
            latency=(100.0, 200.0, 200.0),
            feedback=(3, 4.0),
        ),
    ]


async def test_aggregate_by_template_version_takes_the_smallest_id_among_several(
    graph: AsyncMemoryGraph,
) -> None:
    template = PromptTemplate(name="t")
    first, second = (TemplateVersion(template_id=template.id, version=v, body=f"v{v}") for v in (1, 2))
    await graph.add([template, first, second])
    prompt = await graph.add_prompt("q")
    for version in (first, second):
        await graph.link(prompt, version, "INSTANTIATES")
    await graph.add_completion(prompt, "a")
    rows = await graph.store.aggregate(NodeFilter(), [V])
    assert [(r.group, r.completions) for r in rows] == [({V: min(first.id, second.id)}, 1)]


async def test_aggregate_by_day_buckets_in_utc(graph: AsyncMemoryGraph) -> None:
    await _usage(graph)
    assert await graph.store.aggregate(NodeFilter(), [D]) == [
        _row(
            {D: DAY1},
            4,
            errors=1,
            tokens=(1600, 160, 1760, 50, 0),
            cost=0.006,
            latency=(200.0, 300.0, 300.0),  # [100, 200, 250, 300]
            feedback=(4, 3.25),
        ),
        _row(
            {D: DAY2},
            3,
            tokens=(900, 90, 990, 0, 12),
            cost=0.019,
            latency=(400.0, 1000.0, 1000.0),
            feedback=(1, None),
        ),
    ]


async def test_aggregate_by_hour_and_minute_start_each_bucket_on_the_boundary(
    graph: AsyncMemoryGraph,
) -> None:
    await _usage(graph)
    hours = await graph.store.aggregate(NodeFilter(), [H])
    assert [(r.group[H], r.completions, r.feedback_count) for r in hours] == [
        ("2026-03-01T12:00:00+00:00", 2, 3),  # the feedback on c2 and c3 counts in both hours
        ("2026-03-01T13:00:00+00:00", 1, 1),
        ("2026-03-01T14:00:00+00:00", 1, 1),
        ("2026-03-02T12:00:00+00:00", 2, 1),
        ("2026-03-02T13:00:00+00:00", 1, 0),
    ]
    minutes = await graph.store.aggregate(NodeFilter(until=T0 + timedelta(hours=1)), [MIN])
    assert [r.group[MIN] for r in minutes] == [
        "2026-03-01T12:00:00+00:00",
        "2026-03-01T12:05:00+00:00",
    ]
    assert [r.group[MIN] for r in minutes] == [(T0 + timedelta(minutes=m)).isoformat() for m in (0, 5)]


async def test_aggregate_by_model_and_day_splits_each_model_per_day(graph: AsyncMemoryGraph) -> None:
    await _usage(graph)
    assert await graph.store.aggregate(NodeFilter(), [M, D]) == [
        _row(
            {M: "claude-3", D: DAY1},
            1,
            errors=1,
            tokens=(1000, 100, 1100, 0, 0),
            latency=(250.0, 250.0, 250.0),
            feedback=(1, 1.0),
        ),
        _row({M: "claude-3", D: DAY2}, 1, tokens=(0, 0, 0, 0, 7), cost=0.01),
        _row(
            {M: "gpt-4o", D: DAY1},
            3,
            tokens=(600, 60, 660, 50, 0),
            cost=0.006,
            latency=(200.0, 300.0, 300.0),
            feedback=(3, 4.0),
        ),
        _row(
            {M: "gpt-4o", D: DAY2},
            2,
            tokens=(900, 90, 990, 0, 5),
            cost=0.009,
            latency=(400.0, 1000.0, 1000.0),
            feedback=(1, None),
        ),
    ]


async def test_aggregate_rows_follow_the_order_of_the_groupings(graph: AsyncMemoryGraph) -> None:
    await _usage(graph)
    rows = await graph.store.aggregate(NodeFilter(), [D, M])
    assert [(r.group[D], r.group[M]) for r in rows] == [
        (DAY1, "claude-3"),
        (DAY1, "gpt-4o"),
        (DAY2, "claude-3"),
        (DAY2, "gpt-4o"),
    ]
    assert list(rows[0].group) == [D, M]


async def test_aggregate_counts_only_completions_within_since_and_until(graph: AsyncMemoryGraph) -> None:
    await _usage(graph)
    window = NodeFilter(since=T0 + timedelta(hours=1), until=T0 + timedelta(days=1))  # c3 and c6
    assert await graph.store.aggregate(window, []) == [
        _row(
            {},
            2,
            errors=1,
            tokens=(1300, 130, 1430, 0, 0),
            cost=0.003,
            latency=(250.0, 300.0, 300.0),
            feedback=(2, 2.5),
        )
    ]


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        pytest.param({"metadata": {"env": "prod"}}, (4, 1200, 0.012), id="metadata"),
        pytest.param({"metadata_in": {"env": ["dev"]}}, (2, 1300, 0.003), id="metadata-in"),
        pytest.param({"ranges": {RangeField.COST_USD: Range(gte=0.004)}}, (3, 900, 0.019), id="cost-range"),
        pytest.param(
            {"ranges": {RangeField.LATENCY_MS: Range(gte=200, lte=400)}}, (4, 1900, 0.009), id="latency-range"
        ),
        pytest.param({"model": "gpt-4o-mini"}, (1, 100, 0.001), id="requested-model"),
        pytest.param({"provider": "anthropic"}, (2, 1000, 0.01), id="provider"),
        pytest.param({"finish_reason": "stop"}, (0, 0, 0.0), id="nothing"),
        pytest.param({"types": ("Completion",), "order": "newest"}, (7, 2500, 0.025), id="completion-type"),
    ],
)
async def test_aggregate_applies_every_filter(
    graph: AsyncMemoryGraph, conditions: dict[str, Any], expected: tuple[int, int, float]
) -> None:
    await _usage(graph)
    (row,) = await graph.store.aggregate(NodeFilter.model_validate(conditions), [])
    assert (row.completions, row.input_tokens, row.cost_usd) == expected


async def test_aggregate_filters_by_agent_and_conversation(graph: AsyncMemoryGraph) -> None:
    u = await _usage(graph)
    (by_agent,) = await graph.store.aggregate(NodeFilter(agent_id=u.writer.id), [])
    assert by_agent == _row({}, **WRITER, latency=(400.0, 1000.0, 1000.0), feedback=(2, 1.0))
    rows = await graph.store.aggregate(NodeFilter(conversation_id=u.chat1.id), [M])
    assert [(r.group, r.completions) for r in rows] == [({M: "gpt-4o"}, 3)]


async def test_aggregate_of_nothing_is_one_row_of_zeros_without_groups(graph: AsyncMemoryGraph) -> None:
    assert await graph.store.aggregate(NodeFilter(), []) == [_row({}, 0)]
    await _usage(graph)
    nothing = NodeFilter(since=T0 + timedelta(days=30))
    assert await graph.store.aggregate(nothing, []) == [_row({}, 0)]


async def test_aggregate_of_nothing_is_no_rows_with_groups(graph: AsyncMemoryGraph) -> None:
    assert await graph.store.aggregate(NodeFilter(), [M]) == []
    await _usage(graph)
    assert await graph.store.aggregate(NodeFilter(since=T0 + timedelta(days=30)), [M, GroupBy.DAY]) == []


async def test_aggregate_counts_completions_without_any_measurement(graph: AsyncMemoryGraph) -> None:
    bare = await graph.add_completion(await graph.add_prompt("q"), "a")
    minute = bare.created_at.replace(second=0, microsecond=0).isoformat()
    assert await graph.store.aggregate(NodeFilter(), [M, P, A, C, V, MIN]) == [
        _row({M: None, P: None, A: None, C: None, V: None, MIN: minute}, 1)
    ]


@pytest.mark.parametrize(
    ("conditions", "by", "field"),
    [
        pytest.param({"types": ["Prompt"]}, [], "filter.types", id="prompts"),
        pytest.param({"types": ["Completion", "Prompt"]}, [], "filter.types", id="mixed-types"),
        pytest.param({"text": "refund"}, [], "filter.text", id="text-search"),
        pytest.param({}, [GroupBy.MODEL, GroupBy.DAY, GroupBy.MODEL], "by", id="repeated-grouping"),
        pytest.param({}, ["week"], "by.0", id="unknown-grouping"),
    ],
)
async def test_aggregate_refuses_what_it_cannot_total(
    graph: AsyncMemoryGraph, conditions: dict[str, Any], by: list[Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await graph.store.aggregate(NodeFilter.model_validate(conditions), by)
    assert caught.value.field == field


# ---------------------------------------------------------------- against brute force

_COMPLETION = st.fixed_dictionaries(
    {
        "model": st.sampled_from([None, "a", "b"]),
        "requested": st.sampled_from([None, "a", "c"]),
        "minute": st.integers(0, 120),
        "input_tokens": st.none() | st.integers(0, 1000),
        "output_tokens": st.none() | st.integers(0, 1000),
        "cost_usd": st.none() | st.sampled_from([0.0, 0.1, 0.2, 0.3, 1e-6, 2.5]),
        "latency_ms": st.none() | st.integers(0, 50).map(float),
        "error": st.sampled_from([None, "boom"]),
        "scores": st.lists(st.none() | st.sampled_from([-1.0, 0.5, 1.0, 4.0]), max_size=2),
    }
)


def _nearest_rank(values: list[float], percent: int) -> float | None:
    ordered = sorted(values)
    return ordered[math.ceil(percent * len(ordered) / 100) - 1] if ordered else None


def _expected(completions: list[Completion], scores: dict[str, list[float | None]]) -> list[AggregateRow]:
    groups: dict[str | None, list[Completion]] = {}
    for c in completions:
        groups.setdefault(c.response_model or c.request_model, []).append(c)
    rows = []
    for model in sorted(groups, key=lambda m: (m is not None, m or "")):
        members = groups[model]
        latencies = [c.latency_ms for c in members if c.latency_ms is not None]
        rated = [s for c in members for s in scores[c.id]]
        scored = [s for s in rated if s is not None]
        rows.append(
            _row(
                {M: model},
                len(members),
                errors=sum(c.error is not None for c in members),
                tokens=(
                    sum(c.input_tokens or 0 for c in members),
                    sum(c.output_tokens or 0 for c in members),
                    sum(c.total_tokens or 0 for c in members),
                    0,
                    0,
                ),
                cost=round(math.fsum(c.cost_usd or 0.0 for c in members), 10),
                latency=(
                    _nearest_rank(latencies, 50),
                    _nearest_rank(latencies, 95),
                    _nearest_rank(latencies, 99),
                ),
                feedback=(len(rated), round(math.fsum(scored) / len(scored), 10) if scored else None),
            )
        )
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    population=st.lists(_COMPLETION, max_size=8),
    since_minute=st.none() | st.integers(0, 120),
    max_latency=st.none() | st.integers(0, 50),
)
async def test_aggregate_by_model_matches_a_brute_force_count(
    graph: AsyncMemoryGraph,
    population: list[dict[str, Any]],
    since_minute: int | None,
    max_latency: int | None,
) -> None:
    run = {"run": str(uuid.uuid4())}  # the graph outlives each example: filter by run
    prompt = await graph.add_prompt("q", metadata=run)
    scores: dict[str, list[float | None]] = {}
    for spec in population:
        done = await graph.add_completion(
            prompt,
            "a",
            response_model=spec["model"],
            request_model=spec["requested"],
            input_tokens=spec["input_tokens"],
            output_tokens=spec["output_tokens"],
            cost_usd=spec["cost_usd"],
            latency_ms=spec["latency_ms"],
            error=spec["error"],
            metadata=run,
            created_at=T0 + timedelta(minutes=spec["minute"]),
        )
        scores[done.id] = spec["scores"]
        for score in spec["scores"]:
            await graph.add_feedback(done, score=score, label=None if score is not None else "meh")
    since = None if since_minute is None else T0 + timedelta(minutes=since_minute)
    ranges = {} if max_latency is None else {RangeField.LATENCY_MS: Range(lte=max_latency)}
    found = (await graph.find(types="Completion", metadata=run, limit=10_000)).items
    kept = [
        c
        for c in found
        if isinstance(c, Completion)
        and (since is None or c.created_at >= since)
        and (max_latency is None or (c.latency_ms is not None and c.latency_ms <= max_latency))
    ]
    spec_filter = NodeFilter(metadata=run, since=since, ranges=ranges)
    assert await graph.store.aggregate(spec_filter, [M]) == _expected(kept, scores)


async def test_aggregate_by_user_rolls_cost_up_per_end_user(graph: AsyncMemoryGraph) -> None:
    for user, cost in (("ana", 0.5), ("bo", 0.25), ("ana", 0.25)):
        chat = await graph.start_conversation(user_id=user)
        prompt = await graph.add_prompt("hi", conversation=chat)
        await graph.add_completion(prompt, "hello", cost_usd=cost)
    rows = await graph.store.aggregate(NodeFilter(), [GroupBy.USER])
    assert [(r.group[GroupBy.USER], r.completions, r.cost_usd) for r in rows] == [
        ("ana", 2, 0.75),
        ("bo", 1, 0.25),
    ]


async def test_tool_report_rolls_tool_runs_up_per_tool_and_user(graph: AsyncMemoryGraph) -> None:
    chat = await graph.start_conversation(user_id="ana")
    prompt = await graph.add_prompt("go", conversation=chat)
    answer = await graph.add_completion(prompt, "", finish_reason="tool_calls")
    for name, cost, ms, error in (
        ("search", 0.01, 100.0, None),
        ("search", 0.02, 300.0, "timeout"),
        ("pay", 1.5, 50.0, None),
    ):
        await graph.add_tool_invocation(answer, name, cost_usd=cost, duration_ms=ms, error=error)
    rows = await graph.tool_report(by=["tool", "user"])
    assert [(r.group, r.calls, r.errors, r.cost_usd, r.duration_p50_ms, r.duration_p95_ms) for r in rows] == [
        ({"tool": "pay", "user": "ana"}, 1, 0, 1.5, 50.0, 50.0),
        ({"tool": "search", "user": "ana"}, 2, 1, 0.03, 100.0, 300.0),
    ]
    with pytest.raises(InvalidInputError, match="unknown grouping 'model'"):
        await graph.tool_report(by=["model"])
