"""``llm-memory-graph demo``, run as a real subprocess: what it records and what it prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests._cli import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file the demo has not written yet, shared by this module's tests."""
    return tmp_path_factory.mktemp("demo") / "graph.db"


@pytest.fixture(scope="module")
def demo_output(demo_db: Path) -> subprocess.CompletedProcess[str]:
    """One text run of the demo into ``demo_db``."""
    return run_cli("demo", "--db", str(demo_db))


@pytest.fixture(scope="module")
def demo_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One ``--json`` run of the demo into its own database, parsed."""
    db = tmp_path_factory.mktemp("demo-json") / "graph.db"
    done = run_cli("demo", "--json", "--db", str(db))
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_demo_exits_zero_and_writes_nothing_to_stderr(demo_output: subprocess.CompletedProcess[str]) -> None:
    assert (demo_output.returncode, demo_output.stderr) == (0, "")


def test_demo_creates_the_database_file(demo_output: subprocess.CompletedProcess[str], demo_db: Path) -> None:
    assert demo_db.is_file()


def test_demo_says_first_where_the_database_is(
    demo_output: subprocess.CompletedProcess[str], demo_db: Path
) -> None:
    assert demo_output.stdout.splitlines()[0] == f"Recorded a multi-agent RAG session in {demo_db}"


def test_demo_summarises_what_it_recorded(demo_output: subprocess.CompletedProcess[str]) -> None:
    summary = "\n".join(demo_output.stdout.splitlines()[:5])

    assert "15 items" in summary
    assert "added         22 nodes (" in summary
    assert "Prompt 5, Completion 5, ToolInvocation 1" in summary


def test_demo_tree_starts_at_the_final_answer(demo_output: subprocess.CompletedProcess[str]) -> None:
    lines = demo_output.stdout.splitlines()
    root = lines[lines.index("Where the final answer came from (lineage up, depth 10):") + 2]

    assert root.startswith("Completion @writer · claude-3-7-sonnet-20250219 · 1,164 in / 402 out tokens")


@pytest.mark.parametrize(
    "expected",
    [
        pytest.param("HANDLED_BY: Agent writer", id="writer"),
        pytest.param(
            'TRANSFERS_TO ("research complete; draft the customer reply"): Agent researcher', id="researcher"
        ),
        pytest.param("Agent router", id="router"),
        pytest.param('Document "Refund policy: subscriptions (rev. 2024-06)"', id="policy-document"),
        pytest.param('Document "Billing FAQ: how long do refunds take?"', id="faq-document"),
        pytest.param('Document "Pro plan pricing (2024)"', id="pricing-document"),
        pytest.param('ToolInvocation @researcher · calculator(expression="240 / 12 * 10")', id="tool"),
        pytest.param("DERIVED_FROM (", id="revision"),
        pytest.param("REFERENCES (score 0.91, rank 1)", id="retrieval-score"),
        pytest.param("REFERENCES: Context @writer · system", id="system-context"),
    ],
)
def test_demo_tree_shows_the_agents_documents_and_tool(
    demo_output: subprocess.CompletedProcess[str], expected: str
) -> None:
    assert expected in demo_output.stdout


def test_demo_tree_uses_box_drawing_branches(demo_output: subprocess.CompletedProcess[str]) -> None:
    assert "├─ " in demo_output.stdout
    assert "└─ " in demo_output.stdout
    assert "│  " in demo_output.stdout


def test_demo_ends_with_commands_to_try_that_name_the_database(
    demo_output: subprocess.CompletedProcess[str], demo_db: Path
) -> None:
    tail = demo_output.stdout.split("Try next:\n", 1)[1]

    assert " --down --db " in tail
    assert "llm-memory-graph transcript " in tail
    assert all(f"--db {demo_db}" in line for line in tail.splitlines() if "llm-memory-graph" in line)


def test_demo_json_reports_the_ids_and_the_answers_lineage(demo_json: dict[str, Any]) -> None:
    lineage = demo_json["lineage"]

    assert lineage["root_id"] == demo_json["answer_id"]
    assert lineage["direction"] == "up"
    assert set(demo_json["document_ids"]) <= {n["id"] for n in lineage["nodes"]}


def test_demo_json_counts_what_was_added(demo_json: dict[str, Any]) -> None:
    assert demo_json["added"]["nodes"] == {
        "Conversation": 1,
        "Prompt": 5,
        "Completion": 5,
        "ToolInvocation": 1,
        "Agent": 3,
        "Document": 3,
        "Context": 2,
        "Feedback": 2,
    }


def test_demo_run_twice_adds_a_conversation_and_reuses_agents_and_documents(tmp_path: Path) -> None:
    db = str(tmp_path / "graph.db")
    assert run_cli("demo", "--db", db).returncode == 0
    assert run_cli("demo", "--db", db).returncode == 0

    counts = json.loads(run_cli("stats", "--json", "--db", db).stdout)["nodes"]

    assert (counts["Conversation"], counts["Agent"], counts["Document"]) == (2, 3, 3)


def test_demo_without_db_uses_the_environment_variable(tmp_path: Path) -> None:
    db = tmp_path / "from-env.db"

    done = run_cli("demo", env={"LLM_MEMORY_GRAPH_DB": str(db)})

    assert done.returncode == 0, done.stderr
    assert db.is_file()
    assert "--db" not in done.stdout.split("Try next:\n", 1)[1]


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="XDG_DATA_HOME sets the data folder on Linux only"
)
def test_demo_without_db_or_environment_creates_the_user_data_folder(tmp_path: Path) -> None:
    done = run_cli("demo", env={"XDG_DATA_HOME": str(tmp_path / "data")})

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "llm-memory-graph" / "graph.db").is_file()


def test_demo_into_a_missing_folder_prints_one_line_error(tmp_path: Path) -> None:
    done = run_cli("demo", "--db", str(tmp_path / "missing" / "graph.db"))

    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"Error: sqlite: folder '{tmp_path / 'missing'}' does not exist"]
    assert not (tmp_path / "missing").exists()


def test_demo_into_a_corrupt_file_prints_one_line_error(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    db.write_bytes(b"\x00garbage, not SQLite\xff" * 300)

    done = run_cli("demo", "--db", str(db))

    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("Error: sqlite: the file is not a readable graph database")
