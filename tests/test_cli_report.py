"""The ``report`` command: totals per group as a table or JSON, its options, and its errors.

Most tests run the command in-process with click's ``CliRunner`` on a small graph whose
numbers are worked out by hand; the ``slow`` ones run the real ``llm-memory-graph``
against a database recorded by ``demo`` (once ``cli.py`` registers the command).
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from llm_memory_graph import MemoryGraph
from llm_memory_graph.cli import cli
from llm_memory_graph.cli.report import parse_by, report, report_table
from llm_memory_graph.pricing import PriceTable
from llm_memory_graph.spec import AggregateRow, GroupBy
from tests._cli import run_cli

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

HEADER = "completions  errors  input tok  output tok  cost $  p50 ms  p95 ms  p99 ms  feedback"


def _invoke(*args: str) -> Result:
    """Run the report command in-process, as ``llm-memory-graph report ARGS`` would."""
    group = click.Group(commands=[report], context_settings={"help_option_names": ["-h", "--help"]})
    return CliRunner().invoke(group, ["report", *args], catch_exceptions=False)


def _json(done: Result | subprocess.CompletedProcess[str]) -> Any:
    code = done.returncode if isinstance(done, subprocess.CompletedProcess) else done.exit_code
    assert code == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def small_db(db_path: Path) -> str:
    """Three completions by one agent, on two days and two models, with three feedbacks.

    gpt-4o: 1000/100 tokens, $0.0125, 100 ms (day 1, 12:00); 2000/200, $0.025, 300 ms, an
    error (day 1, 13:30, env=prod). claude-3 (asked for only): 500/50, $0.005, 200 ms
    (day 2, env=prod). Feedback: 4 on the first, 2 and a label on the claude one.
    """
    with MemoryGraph.open(db_path) as graph:
        writer = graph.register_agent("writer")
        prompt = graph.add_prompt("q", agent=writer)
        first = graph.add_completion(
            prompt,
            "a",
            provider="openai",
            response_model="gpt-4o",
            input_tokens=1000,
            output_tokens=100,
            cost_usd=0.0125,
            latency_ms=100.0,
            created_at=T0 + timedelta(seconds=10),
        )
        graph.add_completion(
            prompt,
            "b",
            provider="openai",
            response_model="gpt-4o",
            input_tokens=2000,
            output_tokens=200,
            cost_usd=0.025,
            latency_ms=300.0,
            error="timeout",
            metadata={"env": "prod"},
            created_at=T0 + timedelta(hours=1, minutes=30),
        )
        claude = graph.add_completion(
            prompt,
            "c",
            provider="anthropic",
            request_model="claude-3",
            input_tokens=500,
            output_tokens=50,
            cost_usd=0.005,
            latency_ms=200.0,
            metadata={"env": "prod"},
            created_at=T0 + timedelta(hours=21),
        )
        graph.add_feedback(first, score=4)
        graph.add_feedback(claude, score=2)
        graph.add_feedback(claude, label="meh")
    return str(db_path)


# ---------------------------------------------------------------- text


def test_report_without_by_prints_one_total_row(small_db: str) -> None:
    done = _invoke("--db", small_db)
    assert done.exit_code == 0
    assert done.output == (
        f"{HEADER}\n          3   33.3%      3,500         350  0.0425     200     300     300  3.00 (3)\n"
    )


def test_report_by_model_and_day_prints_one_row_per_group(small_db: str) -> None:
    done = _invoke("--by", "model,day", "--db", small_db)
    assert done.exit_code == 0
    assert done.output.splitlines() == [
        f"model     day (UTC)   {HEADER}",
        "claude-3  2026-03-02            1    0.0%        500          50  0.0050     200     200     200  2.00 (2)",
        "gpt-4o    2026-03-01            2   50.0%      3,000         300  0.0375     100     300     300  4.00 (1)",
    ]


def test_report_by_agent_shows_the_agents_name(small_db: str) -> None:
    done = _invoke("--by", "agent", "--db", small_db)
    assert done.output.splitlines()[1].startswith("writer            3   33.3%")


def test_report_by_hour_shows_the_start_of_each_hour_and_none_for_missing_keys(small_db: str) -> None:
    done = _invoke("--by", "HOUR, template-version", "--db", small_db)
    assert [line[:36] for line in done.output.splitlines()] == [
        "hour (UTC)        template version  ",
        "2026-03-01 12:00  (none)            ",
        "2026-03-01 13:00  (none)            ",
        "2026-03-02 09:00  (none)            ",
    ]


def test_report_says_so_when_nothing_matches(small_db: str) -> None:
    assert _invoke("--model", "nobody", "--db", small_db).output == "No completions match.\n"
    assert _invoke("--model", "nobody", "--by", "model", "--db", small_db).output == "No completions match.\n"


# ---------------------------------------------------------------- filters and JSON


def _totals(*args: str) -> tuple[int, int, float]:
    (row,) = _json(_invoke("--json", *args))
    return row["completions"], row["input_tokens"], row["cost_usd"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--since", "2026-03-02"], (1, 500, 0.005), id="since-a-date"),
        pytest.param(["--until", "2026-03-01T13:00"], (1, 1000, 0.0125), id="until-a-naive-time"),
        pytest.param(
            ["--since", "2026-03-01T14:00:00+01:00", "--until", "2026-03-02T00:00Z"],
            (1, 2000, 0.025),
            id="both-with-offsets",
        ),
        pytest.param(["--meta", "env=prod"], (2, 2500, 0.03), id="metadata"),
        pytest.param(["--model", "claude-3"], (1, 500, 0.005), id="model"),
        pytest.param(["--agent", "writer"], (3, 3500, 0.0425), id="agent-by-name"),
        pytest.param(["--since", "1h"], (0, 0, 0.0), id="a-duration-before-now"),
    ],
)
def test_report_filters_the_completions(
    small_db: str, args: list[str], expected: tuple[int, int, float]
) -> None:
    assert _totals(*args, "--db", small_db) == expected


def test_report_since_a_duration_counts_back_from_now(small_db: str) -> None:
    with MemoryGraph.open(small_db) as graph:
        graph.add_completion(graph.add_prompt("now"), "recent", input_tokens=7, output_tokens=1)
    assert _totals("--since", "30m", "--db", small_db) == (1, 7, 0.0)
    assert _totals("--until", "30m", "--db", small_db) == (3, 3500, 0.0425)


def test_report_json_lists_every_field_of_each_row(small_db: str) -> None:
    rows = _json(_invoke("--by", "provider", "--json", "--db", small_db))
    assert rows == [
        {
            "group": {"provider": "anthropic"},
            "completions": 1,
            "errors": 0,
            "input_tokens": 500,
            "output_tokens": 50,
            "total_tokens": 550,
            "cached_input_tokens": 0,
            "reasoning_tokens": 0,
            "cost_usd": 0.005,
            "latency_p50_ms": 200.0,
            "latency_p95_ms": 200.0,
            "latency_p99_ms": 200.0,
            "feedback_count": 2,
            "feedback_avg": 2.0,
            "error_rate": 0.0,
        },
        {
            "group": {"provider": "openai"},
            "completions": 2,
            "errors": 1,
            "input_tokens": 3000,
            "output_tokens": 300,
            "total_tokens": 3300,
            "cached_input_tokens": 0,
            "reasoning_tokens": 0,
            "cost_usd": 0.0375,
            "latency_p50_ms": 100.0,
            "latency_p95_ms": 300.0,
            "latency_p99_ms": 300.0,
            "feedback_count": 1,
            "feedback_avg": 4.0,
            "error_rate": 0.5,
        },
    ]


def test_report_json_of_nothing_is_a_zero_row_or_no_rows(small_db: str) -> None:
    (zero,) = _json(_invoke("--json", "--model", "nobody", "--db", small_db))
    assert (zero["group"], zero["completions"], zero["latency_p50_ms"]) == ({}, 0, None)
    assert _json(_invoke("--json", "--by", "day", "--model", "nobody", "--db", small_db)) == []


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--by", "model,week"],
            "--by: unknown grouping 'week'; expected one or more of model, provider, agent, "
            "conversation, user, template_version, minute, hour, day, comma-separated",
            id="unknown-grouping",
        ),
        pytest.param(["--by", "day,Day"], "--by: day is given twice", id="repeated-grouping"),
        pytest.param(
            ["--since", "3 weeks"],
            "--since: '3 weeks' is not a duration before now (30m, 24h, 7d, 2w) or an ISO 8601 date "
            "or datetime (2026-03-01T12:00Z)",
            id="unreadable-since",
        ),
        pytest.param(
            ["--until", "2y"], "--until: '2y': unknown unit 'y'; use one of s, m, h, d, w", id="bad-unit"
        ),
        pytest.param(
            ["--since", "1d", "--until", "2d"], "--since must be earlier than --until", id="empty-window"
        ),
        pytest.param(["--meta", "env"], "--meta: expected KEY=VALUE, got 'env'", id="bad-meta"),
        pytest.param(["--agent", "nobody"], "--agent: no agent with id or name 'nobody'", id="unknown-agent"),
    ],
)
def test_report_errors_are_one_line_and_exit_1(small_db: str, args: list[str], message: str) -> None:
    done = _invoke(*args, "--db", small_db)
    assert (done.exit_code, done.output) == (1, f"Error: {message}\n")


def test_report_without_a_database_says_how_to_make_one(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    done = _invoke("--db", str(missing))
    assert (done.exit_code, done.output) == (
        1,
        f"Error: no graph database at {missing}; run `llm-memory-graph demo` or pass --db\n",
    )


def test_report_has_help_for_every_option() -> None:
    command = report
    assert command.help and command.get_short_help_str()
    assert all(p.help for p in command.params if isinstance(p, click.Option))
    assert {"--db", "--uri", "--json", "--since", "--until", "--by", "--agent", "--model", "--meta"} <= {
        opt for p in command.params for opt in p.opts
    }
    assert _invoke("-h").output.startswith("Usage: ")


# ---------------------------------------------------------------- helpers


def test_parse_by_reads_comma_separated_names_in_order() -> None:
    assert parse_by(" Day , model,template-version,") == (
        GroupBy.DAY,
        GroupBy.MODEL,
        GroupBy.TEMPLATE_VERSION,
    )
    assert parse_by(None) == parse_by("") == ()


def test_report_table_shows_missing_numbers_as_dashes() -> None:
    row = AggregateRow(
        group={GroupBy.MODEL: None},
        completions=1,
        errors=0,
        input_tokens=0,
        output_tokens=0,
        total_tokens=0,
        cached_input_tokens=0,
        reasoning_tokens=0,
        cost_usd=0.0,
        latency_p50_ms=None,
        latency_p95_ms=None,
        latency_p99_ms=None,
        feedback_count=1,
        feedback_avg=None,
    )
    assert report_table([row], [GroupBy.MODEL]).splitlines()[1] == (
        "(none)            1    0.0%          0           0  0.0000       -       -       -     - (1)"
    )


# ---------------------------------------------------------------- the real command

_registered = pytest.mark.skipif(
    "report" not in cli.commands, reason="cli.py does not register the report command yet"
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database recorded by the real ``llm-memory-graph demo``."""
    path = tmp_path_factory.mktemp("demo") / "graph.db"
    done = run_cli("demo", "--db", str(path))
    assert done.returncode == 0, done.stderr
    return str(path)


@pytest.mark.slow
@_registered
def test_report_json_totals_the_demo_session(demo_db: str) -> None:
    (row,) = _json(run_cli("report", "--json", "--db", demo_db))
    assert {
        k: row[k] for k in ("completions", "errors", "input_tokens", "output_tokens", "feedback_count")
    } == {
        "completions": 5,
        "errors": 0,
        "input_tokens": 6071,
        "output_tokens": 729,
        "feedback_count": 2,
    }
    assert (row["cost_usd"], row["latency_p50_ms"], row["latency_p95_ms"], row["feedback_avg"]) == (
        0.0209453,
        1930.0,
        4120.0,
        3.5,
    )


@pytest.mark.slow
@_registered
def test_report_by_model_prints_a_row_per_demo_model(demo_db: str) -> None:
    done = run_cli("report", "--by", "model", "--db", demo_db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("model ") and lines[0].endswith(HEADER)
    assert [line.split()[0] for line in lines[1:]] == [
        "claude-3-7-sonnet-20250219",
        "gpt-4o-2024-08-06",
        "gpt-4o-mini-2024-07-18",
    ]


@pytest.mark.slow
@_registered
def test_report_error_is_one_line_on_stderr(demo_db: str) -> None:
    done = run_cli("report", "--by", "week", "--db", demo_db)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: --by: unknown grouping 'week'") and done.stderr.count("\n") == 1


def _priced_db(db_path: Path) -> Path:
    table = PriceTable.from_json(
        {"version": "v1", "models": {"m": [{"from": "2020-01-01", "input": 1, "output": 2}]}}
    )
    with MemoryGraph.open(db_path, prices=table) as graph:
        prompt = graph.add_prompt("hi")
        graph.add_completion(prompt, "hello", request_model="m", input_tokens=1000, output_tokens=500)
    return db_path


def test_reprice_recomputes_costs_from_a_price_table_file(db_path: Path, tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(
        json.dumps({"version": "v2", "models": {"m": [{"from": "2020-01-01", "input": 2, "output": 4}]}})
    )
    _priced_db(db_path)
    dry = CliRunner().invoke(cli, ["reprice", "--db", str(db_path), "--prices", str(prices), "--dry-run"])
    assert dry.output == "1 completion would change (price table v2).\n"
    done = CliRunner().invoke(cli, ["reprice", "--db", str(db_path), "--prices", str(prices), "--json"])
    assert json.loads(done.output) == {"completions": 1, "dry_run": False, "price_version": "v2"}
    with MemoryGraph.open(db_path) as graph:
        completion = graph.find(types="Completion").items[0]
    assert (completion.cost_usd, completion.price_version) == (0.004, "v2")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "content", ["not json", "[1, 2]", '{"version": "v", "models": {"m": [{"input": 1}]}}']
)
def test_reprice_refuses_a_bad_price_table_in_one_line(db_path: Path, tmp_path: Path, content: str) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(content)
    _priced_db(db_path)
    done = CliRunner().invoke(cli, ["reprice", "--db", str(db_path), "--prices", str(prices)])
    assert done.exit_code == 1 and done.output.startswith("Error: ") and done.output.count("\n") == 1


def _tools_db(db_path: Path) -> None:
    with MemoryGraph.open(db_path) as graph:
        chat = graph.start_conversation(user_id="ana")
        answer = graph.add_completion(
            graph.add_prompt("go", conversation=chat), "", finish_reason="tool_calls"
        )
        graph.add_tool_invocation(answer, "search", cost_usd=0.01, duration_ms=120.0)
        graph.add_tool_invocation(answer, "search", cost_usd=0.02, duration_ms=80.0, error="timeout")


def test_report_tools_sums_tool_runs_per_tool(db_path: Path) -> None:
    _tools_db(db_path)
    done = CliRunner().invoke(cli, ["report", "--tools", "--db", str(db_path)])
    assert done.output.splitlines() == [
        "tool    calls  errors  pending  cost $  p50 ms  p95 ms",
        "search      2       1        0  0.0300      80     120",
    ]
    rows = json.loads(
        CliRunner().invoke(cli, ["report", "--tools", "--by", "user", "--json", "--db", str(db_path)]).output
    )
    assert [(r["group"], r["calls"], r["cost_usd"]) for r in rows] == [({"user": "ana"}, 2, 0.03)]


def test_report_tools_refuses_a_grouping_of_completions(db_path: Path) -> None:
    _tools_db(db_path)
    done = CliRunner().invoke(cli, ["report", "--tools", "--by", "model", "--db", str(db_path)])
    assert done.exit_code == 1 and "unknown grouping 'model'" in done.output
