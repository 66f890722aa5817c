"""The CLI answers hostile or odd input with one ``Error:`` line, never a traceback, and
takes times the same way everywhere (issue 13).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from llm_memory_graph import MemoryGraph
from llm_memory_graph.cli import cli
from tests._cli import run_cli


def _invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env or {})


def _one_error_line(done: Result) -> str:
    assert done.exit_code == 1, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


@pytest.fixture
def graph_file(db_path: Path) -> Path:
    with MemoryGraph.open(db_path) as graph:
        graph.add_prompt("hello")
    return db_path


def test_credentials_in_a_neo4j_uri_give_one_line_that_never_shows_the_password() -> None:
    done = run_cli("stats", "--uri", "neo4j://alice:s3cret-pass@db.example:7687")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert "credentials in the URI are not accepted" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout
    assert "alice" not in done.stderr + done.stdout


@pytest.mark.parametrize("uri", ["bolt://host:notaport", "bolt://[::1", "bolt://host?routing=x"])
def test_a_neo4j_uri_the_driver_refuses_gives_one_line(uri: str) -> None:
    line = _one_error_line(_invoke("stats", "--uri", uri))
    assert "uri: " in line


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_find_refuses_a_time_past_the_year_9999_in_one_line(graph_file: Path, option: str) -> None:
    line = _one_error_line(_invoke("find", option, "9999-12-31T23:59:59-14:00", "--db", str(graph_file)))
    assert "out of range" in line


@pytest.mark.parametrize("since", ["7d", "24h", "30m", "2w"])
def test_find_takes_a_duration_before_now_like_report(graph_file: Path, since: str) -> None:
    done = _invoke("find", "--since", since, "--json", "--db", str(graph_file))
    assert done.exit_code == 0, done.stderr
    assert len(json.loads(done.stdout)["items"]) == 1


def test_find_until_a_duration_ago_leaves_out_what_was_just_recorded(graph_file: Path) -> None:
    done = _invoke("find", "--until", "1h", "--json", "--db", str(graph_file))
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["items"] == []


def test_a_huge_cursor_is_echoed_cut_short(graph_file: Path) -> None:
    line = _one_error_line(_invoke("find", "--cursor", "A" * 1_000_000, "--db", str(graph_file)))
    assert len(line) < 600
    assert "1,000,000 characters" in line


def test_a_huge_node_id_is_echoed_cut_short(graph_file: Path) -> None:
    line = _one_error_line(_invoke("show", "x" * 100_000, "--db", str(graph_file)))
    assert len(line) < 600
