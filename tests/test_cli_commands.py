"""The read commands (``stats``, ``show``, ``lineage``, ``transcript``, ``find``) and their errors.

Tests marked ``slow`` run the real command in a subprocess; the rest use click's
``CliRunner`` in-process against the same kind of database.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from llm_memory_graph import MemoryGraph
from llm_memory_graph.cli import cli
from llm_memory_graph.cli.common import meta_value
from llm_memory_graph.demo import DemoResult, record_demo
from tests._cli import run_cli

_UNKNOWN_ID = "00000000-0000-7000-8000-000000000000"


def _invoke(*args: str, env: Mapping[str, str] | None = None) -> Result:
    """Run the command in-process with click's test runner."""
    return CliRunner().invoke(cli, list(args), env=dict(env or {}), catch_exceptions=False)


def _json(done: subprocess.CompletedProcess[str] | Result) -> Any:
    assert (done.returncode if isinstance(done, subprocess.CompletedProcess) else done.exit_code) == 0, (
        done.stderr
    )
    return json.loads(done.stdout)


@dataclass(frozen=True)
class Seeded:
    """A database holding one demo session, and the ids the demo reported."""

    db: str
    demo: DemoResult


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """A database file with one demo session in it, shared by this module's tests."""
    path = tmp_path_factory.mktemp("seeded") / "graph.db"
    with MemoryGraph.open(path) as graph:
        result = record_demo(graph)
    return Seeded(str(path), result)


@pytest.fixture
def dated_db(db_path: Path) -> str:
    """A database with one prompt just before and one just after 2024-06-01T00:00Z."""
    with MemoryGraph.open(db_path) as graph:
        graph.add_prompt("late on May 31", created_at=datetime(2024, 5, 31, 23, 30, tzinfo=UTC))
        graph.add_prompt("early on June 1", created_at=datetime(2024, 6, 1, 0, 30, tzinfo=UTC))
    return str(db_path)


def _contents(done: Result) -> list[str]:
    return [item["content"] for item in _json(done)["items"]]


# ---------------------------------------------------------------- subprocess: the real command


@pytest.mark.slow
def test_lineage_json_has_the_final_answer_as_root_and_the_documents(seeded: Seeded) -> None:
    data = _json(run_cli("lineage", seeded.demo.answer_id, "--json", "--db", seeded.db))

    assert data["root_id"] == seeded.demo.answer_id
    assert data["nodes"][0] == {**data["nodes"][0], "id": seeded.demo.answer_id, "depth": 0}
    documents = {n["id"] for n in data["nodes"] if n["type"] == "Document"}
    assert documents == set(seeded.demo.document_ids)


@pytest.mark.slow
def test_lineage_json_lists_edges_between_its_nodes(seeded: Seeded) -> None:
    data = _json(run_cli("lineage", seeded.demo.answer_id, "--json", "--db", seeded.db))

    ids = {n["id"] for n in data["nodes"]}
    assert data["edges"]
    assert all(e["source_id"] in ids and e["target_id"] in ids for e in data["edges"])


@pytest.mark.slow
def test_find_type_completion_json_returns_the_completions(seeded: Seeded) -> None:
    data = _json(run_cli("find", "--type", "Completion", "--json", "--db", seeded.db))

    assert [n["type"] for n in data["items"]] == ["Completion"] * 5
    assert {seeded.demo.first_answer_id, seeded.demo.answer_id} <= {n["id"] for n in data["items"]}
    assert data["next_cursor"] is None


@pytest.mark.slow
def test_find_meta_number_matches_only_the_second_attempt(seeded: Seeded) -> None:
    data = _json(run_cli("find", "--meta", "attempt=2", "--json", "--db", seeded.db))

    assert {n["id"] for n in data["items"]} == {seeded.demo.revised_prompt_id, seeded.demo.answer_id}


@pytest.mark.slow
def test_find_meta_quoted_number_matches_text_only(seeded: Seeded) -> None:
    data = _json(run_cli("find", "--meta", 'attempt="2"', "--json", "--db", seeded.db))

    assert data["items"] == []


@pytest.mark.slow
def test_find_meta_word_matches_text_metadata(seeded: Seeded) -> None:
    data = _json(run_cli("find", "--meta", "channel=web-chat", "--json", "--db", seeded.db))

    assert [n["type"] for n in data["items"]] == ["Conversation", "Prompt"]


@pytest.mark.slow
def test_find_pages_followed_by_cursor_return_every_node_once(seeded: Seeded) -> None:
    seen: list[str] = []
    cursor: list[str] = []
    while True:
        page = _json(run_cli("find", "--limit", "7", "--json", "--db", seeded.db, *cursor))
        seen += [n["id"] for n in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = ["--cursor", page["next_cursor"]]

    total = sum(_json(run_cli("stats", "--json", "--db", seeded.db))["nodes"].values())
    assert len(seen) == len(set(seen)) == total


@pytest.mark.slow
def test_show_unknown_id_prints_one_line_error(seeded: Seeded) -> None:
    done = run_cli("show", _UNKNOWN_ID, "--db", seeded.db)

    assert done.returncode == 1
    assert done.stderr == f"Error: no node with id {_UNKNOWN_ID}\n"
    assert done.stdout == ""


@pytest.mark.slow
def test_show_accepts_json_after_the_positional_id(seeded: Seeded) -> None:
    data = _json(run_cli("show", seeded.demo.tool_invocation_id, "--json", "--db", seeded.db))

    assert (data["id"], data["type"], data["tool_name"]) == (
        seeded.demo.tool_invocation_id,
        "ToolInvocation",
        "calculator",
    )


@pytest.mark.slow
def test_lineage_accepts_options_before_the_positional_id(seeded: Seeded) -> None:
    data = _json(run_cli("lineage", "--json", "--depth", "1", "--db", seeded.db, seeded.demo.answer_id))

    assert max(n["depth"] for n in data["nodes"]) == 1


@pytest.mark.slow
def test_corrupt_file_prints_one_line_error(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    db.write_bytes(bytes(range(256)) * 40)

    done = run_cli("stats", "--db", str(db))

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Error: sqlite: the file is not a readable graph database (file is not a database)"
    ]


@pytest.mark.slow
def test_writing_to_a_locked_file_prints_one_line_error(seeded: Seeded) -> None:
    holder = sqlite3.connect(seeded.db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        done = run_cli("demo", "--timeout", "0", "--db", seeded.db)
        holder.execute("ROLLBACK")
    finally:
        holder.close()

    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("Error: sqlite: the database file stayed locked by another connection")


@pytest.mark.slow
def test_reading_a_file_another_process_is_writing_does_not_wait(seeded: Seeded) -> None:
    holder = sqlite3.connect(seeded.db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        done = run_cli("stats", "--timeout", "0", "--db", seeded.db)
        holder.execute("ROLLBACK")
    finally:
        holder.close()

    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_command_on_a_missing_file_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"

    done = run_cli("stats", "--db", str(db))

    assert done.returncode == 1
    assert done.stderr == f"Error: no graph database at {db}; run `llm-memory-graph demo` or pass --db\n"
    assert not db.exists()


@pytest.mark.slow
def test_errors_never_print_a_traceback(seeded: Seeded) -> None:
    done = run_cli("find", "--cursor", "not-a-cursor", "--db", seeded.db)

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr == "Error: cursor: not a valid page cursor: 'not-a-cursor'\n"


@pytest.mark.slow
def test_short_help_option_works_like_help() -> None:
    done = run_cli("find", "-h")

    assert done.returncode == 0
    assert done.stdout.startswith("Usage: llm-memory-graph find [OPTIONS]")


# ---------------------------------------------------------------- in-process: stats, show, transcript


def test_stats_json_counts_nodes_and_edges_by_type(seeded: Seeded) -> None:
    data = _json(_invoke("stats", "--json", "--db", seeded.db))

    assert set(data) == {"nodes", "edges"}
    assert (data["nodes"]["Completion"], data["edges"]["GENERATES"], data["edges"]["TRANSFERS_TO"]) == (
        5,
        5,
        2,
    )


def test_stats_text_starts_with_the_node_total(seeded: Seeded) -> None:
    done = _invoke("stats", "--db", seeded.db)

    assert done.stdout.splitlines()[0].split() == ["Nodes", "22"]


def test_show_prints_every_field_of_a_completion(seeded: Seeded) -> None:
    done = _invoke("show", seeded.demo.answer_id, "--db", seeded.db)

    assert done.stdout.startswith(f"Completion {seeded.demo.answer_id}\n")
    fields = [line.split() for line in done.stdout.splitlines()]
    for field in (["cached_input_tokens", "618"], ["reasoning_tokens", "214"], ["cost_usd", "0.0078534"]):
        assert field in fields
    assert f"{seeded.demo.agent_ids['writer']} (writer)" in done.stdout


def test_transcript_lists_the_items_in_order(seeded: Seeded) -> None:
    lines = _invoke("transcript", seeded.demo.conversation_id, "--db", seeded.db).stdout.splitlines()

    assert lines[0].startswith('Conversation "Refund for an annual Pro plan"')
    assert [line.split(".")[0].strip() for line in lines[1:]] == [str(i) for i in range(1, 16)]


def test_transcript_json_has_the_conversation_and_its_items(seeded: Seeded) -> None:
    data = _json(_invoke("transcript", seeded.demo.conversation_id, "--json", "--db", seeded.db))

    assert data["conversation"]["id"] == seeded.demo.conversation_id
    assert [item["sequence"] for item in data["items"]] == list(range(1, 16))


def test_transcript_of_a_prompt_prints_one_line_error(seeded: Seeded) -> None:
    done = _invoke("transcript", seeded.demo.question_id, "--db", seeded.db)

    assert done.exit_code == 1
    assert done.stderr == f"Error: conversation: {seeded.demo.question_id} is a Prompt, not a Conversation\n"


def test_transcript_pages_with_limit_and_the_printed_cursor(seeded: Seeded) -> None:
    # Issue 13, item 6: a long session is read a page at a time.
    first = _invoke("transcript", seeded.demo.conversation_id, "--limit", "10", "--db", seeded.db).stdout
    cursor = first.rsplit("--cursor ", 1)[1].strip()
    rest = _invoke(
        "transcript", seeded.demo.conversation_id, "--limit", "10", "--cursor", cursor, "--db", seeded.db
    )
    numbers = [line.split(".")[0].strip() for line in first.splitlines()[1:11] + rest.stdout.splitlines()[1:]]
    assert numbers == [str(i) for i in range(1, 16)]
    assert "More items" not in rest.stdout


def test_transcript_json_carries_the_next_pages_cursor(seeded: Seeded) -> None:
    page = _json(
        _invoke("transcript", seeded.demo.conversation_id, "--limit", "15", "--json", "--db", seeded.db)
    )
    assert page["next_cursor"] is None and len(page["items"]) == 15
    cut = _json(
        _invoke("transcript", seeded.demo.conversation_id, "--limit", "14", "--json", "--db", seeded.db)
    )
    assert cut["next_cursor"] is not None and len(cut["items"]) == 14


# ---------------------------------------------------------------- in-process: lineage


def test_a_lineage_cut_at_max_nodes_says_so_on_stderr(seeded: Seeded) -> None:
    done = _invoke("lineage", seeded.demo.answer_id, "--max-nodes", "3", "--json", "--db", seeded.db)
    data = json.loads(done.stdout)
    assert len(data["nodes"]) == 3 and data["truncated"] is True
    assert done.stderr.startswith("Truncated: 3 nodes") and "--max-nodes" in done.stderr
    whole = _invoke("lineage", seeded.demo.answer_id, "--json", "--db", seeded.db)
    assert json.loads(whole.stdout)["truncated"] is False and whole.stderr == ""


def test_lineage_text_starts_with_the_root(seeded: Seeded) -> None:
    done = _invoke("lineage", seeded.demo.answer_id, "--db", seeded.db)

    assert done.stdout.startswith("Completion @writer · claude-3-7-sonnet-20250219")
    assert done.stdout.rstrip().endswith("]")


def test_lineage_down_from_the_question_reaches_both_ratings(seeded: Seeded) -> None:
    data = _json(_invoke("lineage", seeded.demo.question_id, "--down", "--json", "--db", seeded.db))

    assert data["direction"] == "down"
    assert sorted(n["score"] for n in data["nodes"] if n["type"] == "Feedback") == [2, 5]


def test_lineage_depth_zero_prints_only_the_root(seeded: Seeded) -> None:
    done = _invoke("lineage", seeded.demo.answer_id, "--depth", "0", "--db", seeded.db)

    assert len(done.stdout.splitlines()) == 1


def test_lineage_depth_out_of_range_prints_one_line_error(seeded: Seeded) -> None:
    done = _invoke("lineage", seeded.demo.answer_id, "--depth", "1000", "--db", seeded.db)

    assert done.exit_code == 1
    assert done.stderr == "Error: depth: must be a whole number from 0 to 100, got 1000\n"


# ---------------------------------------------------------------- in-process: find


def test_find_type_is_case_insensitive_and_takes_a_comma_list(seeded: Seeded) -> None:
    data = _json(_invoke("find", "--type", "agent,document", "--json", "--db", seeded.db))

    assert sorted(n["type"] for n in data["items"]) == ["Agent"] * 3 + ["Document"] * 3


def test_find_unknown_type_prints_one_line_error(seeded: Seeded) -> None:
    done = _invoke("find", "--type", "Answer", "--db", seeded.db)

    assert done.exit_code == 1
    assert done.stderr.startswith("Error: --type: unknown node type 'Answer'; expected one of Conversation,")
    assert len(done.stderr.splitlines()) == 1


def test_find_agent_takes_a_name(seeded: Seeded) -> None:
    data = _json(_invoke("find", "--agent", "router", "--json", "--db", seeded.db))

    assert [n["type"] for n in data["items"]] == ["Prompt", "Context", "Completion"]


def test_find_unknown_agent_name_prints_one_line_error(seeded: Seeded) -> None:
    done = _invoke("find", "--agent", "nobody", "--db", seeded.db)

    assert (done.exit_code, done.stderr) == (1, "Error: --agent: no agent with id or name 'nobody'\n")


def test_find_model_matches_requested_or_responding_model(seeded: Seeded) -> None:
    requested = _json(_invoke("find", "--model", "claude-3-7-sonnet-latest", "--json", "--db", seeded.db))
    responding = _json(_invoke("find", "--model", "claude-3-7-sonnet-20250219", "--json", "--db", seeded.db))

    assert [n["id"] for n in requested["items"]] == [n["id"] for n in responding["items"]]
    assert len(requested["items"]) == 2


def test_find_conversation_lists_its_items(seeded: Seeded) -> None:
    data = _json(
        _invoke(
            "find",
            "--conversation",
            seeded.demo.conversation_id,
            "--limit",
            "100",
            "--json",
            "--db",
            seeded.db,
        )
    )

    assert len(data["items"]) == 15


def test_find_text_prints_the_next_cursor_when_more_match(seeded: Seeded) -> None:
    done = _invoke("find", "--limit", "2", "--db", seeded.db)

    lines = done.stdout.splitlines()
    assert len(lines) == 4
    assert lines[3].startswith("More match; next page: --cursor ")


def test_find_text_says_so_when_nothing_matches(seeded: Seeded) -> None:
    done = _invoke("find", "--model", "no-such-model", "--db", seeded.db)

    assert done.stdout == "No nodes match.\n"


def test_find_since_a_date_alone_starts_at_utc_midnight(dated_db: str) -> None:
    assert _contents(_invoke("find", "--since", "2024-06-01", "--json", "--db", dated_db)) == [
        "early on June 1"
    ]


def test_find_until_a_naive_time_is_taken_as_utc(dated_db: str) -> None:
    done = _invoke("find", "--until", "2024-06-01T00:00:00", "--json", "--db", dated_db)

    assert _contents(done) == ["late on May 31"]


def test_find_since_keeps_an_explicit_offset(dated_db: str) -> None:
    done = _invoke("find", "--since", "2024-06-01T01:00:00+02:00", "--json", "--db", dated_db)

    assert _contents(done) == ["late on May 31", "early on June 1"]


def test_find_bad_since_prints_one_line_error(dated_db: str) -> None:
    done = _invoke("find", "--since", "last tuesday", "--db", dated_db)

    assert done.exit_code == 1
    assert done.stderr.startswith(
        "Error: --since: 'last tuesday' is not a duration before now (30m, 24h, 7d, 2w)"
    )
    assert len(done.stderr.splitlines()) == 1


def test_find_meta_without_equals_sign_prints_one_line_error(seeded: Seeded) -> None:
    done = _invoke("find", "--meta", "attempt", "--db", seeded.db)

    assert (done.exit_code, done.stderr) == (1, "Error: --meta: expected KEY=VALUE, got 'attempt'\n")


def test_find_meta_key_given_twice_prints_one_line_error(seeded: Seeded) -> None:
    done = _invoke("find", "--meta", "attempt=1", "--meta", "attempt=2", "--db", seeded.db)

    assert (done.exit_code, done.stderr) == (1, "Error: --meta: key 'attempt' is given twice\n")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("2", 2, id="integer"),
        pytest.param("0.5", 0.5, id="float"),
        pytest.param("true", True, id="true"),
        pytest.param("false", False, id="false"),
        pytest.param('"2"', "2", id="quoted-text"),
        pytest.param("web-chat", "web-chat", id="word"),
        pytest.param("null", "null", id="null-stays-text"),
        pytest.param("NaN", "NaN", id="nan-stays-text"),
        pytest.param("[1, 2]", "[1, 2]", id="list-stays-text"),
        pytest.param("", "", id="empty"),
    ],
)
def test_meta_value_reads_json_scalars_and_keeps_the_rest_as_text(raw: str, expected: object) -> None:
    value = meta_value(raw)

    assert (value, type(value)) == (expected, type(expected))


# ---------------------------------------------------------------- in-process: choosing the database


def test_commands_use_the_environment_variable_without_db(seeded: Seeded) -> None:
    data = _json(_invoke("stats", "--json", env={"LLM_MEMORY_GRAPH_DB": seeded.db}))

    assert data["nodes"]["Conversation"] == 1


def test_db_option_wins_over_the_environment_variable(seeded: Seeded, tmp_path: Path) -> None:
    done = _invoke("stats", "--db", seeded.db, env={"LLM_MEMORY_GRAPH_DB": str(tmp_path / "other.db")})

    assert done.exit_code == 0


def test_db_pointing_at_a_folder_prints_one_line_error(tmp_path: Path) -> None:
    done = _invoke("stats", "--db", str(tmp_path))

    assert (done.exit_code, done.stderr) == (
        1,
        f"Error: {tmp_path} is a folder; pass the database file's path to --db\n",
    )


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        pytest.param("mermaid", "flowchart LR", id="mermaid"),
        pytest.param("dot", 'digraph "lineage" {', id="dot"),
        pytest.param("html", "<!DOCTYPE html>", id="html"),
    ],
)
def test_lineage_can_be_drawn_as_mermaid_dot_or_html(seeded: Seeded, fmt: str, start: str) -> None:
    result = _invoke("lineage", seeded.demo.answer_id, "--format", fmt, "--db", seeded.db)

    assert result.exit_code == 0, result.output
    assert result.output.startswith(start)
    assert seeded.demo.answer_id in result.output


def test_lineage_format_json_is_the_same_as_the_json_flag(seeded: Seeded) -> None:
    by_format = _invoke("lineage", seeded.demo.answer_id, "--format", "json", "--db", seeded.db)
    by_flag = _invoke("lineage", seeded.demo.answer_id, "--json", "--db", seeded.db)

    assert by_format.output == by_flag.output


def test_lineage_down_names_the_agent_of_each_item_as_up_does(seeded: Seeded) -> None:
    # issue 13: walking down never reaches the agents, so their names were missing.
    down = _invoke("lineage", seeded.demo.question_id, "--down", "--db", seeded.db)
    assert down.exit_code == 0, down.stderr
    first, second = down.stdout.splitlines()[:2]
    assert first.startswith("Prompt @router · ")
    assert "Completion @router · " in second
    assert "@writer · " in down.stdout
