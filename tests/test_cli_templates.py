"""The ``templates`` commands: publish, list, show, label, diff, compare, render."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from llm_memory_graph import MemoryGraph
from llm_memory_graph.cli import cli
from tests._cli import run_cli


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A database with template 'support': v1 labelled production, v2 labelled staging."""
    db = tmp_path / "graph.db"
    with MemoryGraph.open(db) as graph:
        graph.publish_template(
            "support", "Hello {{ name }}.\n", message="first", author="ana", label="production"
        )
        graph.publish_template("support", "Hi {{ name }}!\n", message="shorter", author="bo", label="staging")
    return db


def test_publish_prints_the_new_version_and_creates_the_database(tmp_path: Path) -> None:
    body = tmp_path / "greeting.j2"
    body.write_text("Hello {{ name }}.\n")
    db = tmp_path / "graph.db"
    result = _invoke(
        "templates", "publish", str(body), "--name", "support", "--message", "first", "--db", str(db)
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("support v1  ")


def test_publishing_the_same_file_twice_keeps_one_version(tmp_path: Path) -> None:
    body = tmp_path / "greeting.j2"
    body.write_text("Hello {{ name }}.\n")
    db = str(tmp_path / "graph.db")
    first = _invoke("templates", "publish", str(body), "--name", "support", "--db", db)
    again = _invoke("templates", "publish", str(body), "--name", "support", "--db", db)
    assert first.output == again.output


def test_publish_reads_typed_variable_specs(tmp_path: Path) -> None:
    body = tmp_path / "count.j2"
    body.write_text("{{ n }} items")
    specs = tmp_path / "vars.json"
    specs.write_text(json.dumps([{"name": "n", "type": "integer"}]))
    db = str(tmp_path / "graph.db")
    _invoke("templates", "publish", str(body), "--name", "count", "--variables", str(specs), "--db", db)
    bad = _invoke("templates", "render", "count", "--version", "1", "--var", "n=three", "--db", db)
    good = _invoke("templates", "render", "count", "--version", "v1", "--var", "n=3", "--db", db)
    assert bad.exit_code == 1 and "variable 'n'" in bad.output
    assert good.output == "3 items\n"


def test_list_shows_each_template_with_its_newest_version(published: Path) -> None:
    result = _invoke("templates", "list", "--db", str(published))
    assert result.output.startswith("support  v2  ")
    assert "by bo: shorter  [staging]" in result.output


def test_show_without_a_version_prints_the_history(published: Path) -> None:
    lines = _invoke("templates", "show", "support", "--db", str(published)).output.splitlines()
    assert [line.split()[0] for line in lines] == ["v1", "v2"]
    assert lines[0].endswith("by ana: first  [production]")


def test_show_a_label_prints_that_versions_text(published: Path) -> None:
    result = _invoke("templates", "show", "support", "--label", "production", "--db", str(published))
    assert result.output == "Hello {{ name }}.\n"


def test_label_moves_and_render_follows_it(published: Path) -> None:
    moved = _invoke(
        "templates", "label", "support", "production", "v2", "--reason", "better", "--db", str(published)
    )
    rendered = _invoke(
        "templates",
        "render",
        "support",
        "--label",
        "production",
        "--var",
        "name=Dana",
        "--db",
        str(published),
    )
    assert moved.output == "support: production -> v2\n"
    assert rendered.output == "Hi Dana!\n"


def test_diff_prints_a_unified_diff(published: Path) -> None:
    result = _invoke("templates", "diff", "support", "1", "v2", "--db", str(published))
    assert result.output.splitlines()[:2] == ["--- support@v1", "+++ support@v2"]


def test_diff_of_text_without_a_final_newline_prints_one_line_per_line(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    with MemoryGraph.open(db) as graph:
        graph.publish_template("support", "Hello.\nBye.")
        graph.publish_template("support", "Hello.\nCiao.")
    result = _invoke("templates", "diff", "support", "1", "2", "--db", str(db))
    assert result.output.splitlines()[-5:] == [
        " Hello.",
        "-Bye.",
        "\\ No newline at end of file",
        "+Ciao.",
        "\\ No newline at end of file",
    ]


def test_compare_shows_no_error_rate_for_a_version_without_completions(published: Path) -> None:
    with MemoryGraph.open(published) as graph:
        prompt = graph.render_prompt("support", {"name": "Dana"}, version=2)
        graph.add_completion(prompt, "ok", error="timeout")
    result = _invoke("templates", "compare", "support", "v1", "v2", "--db", str(published))
    rows = [line.split() for line in result.output.splitlines()]
    assert rows[0][3:5] == ["error", "%"]
    assert (rows[1][0], rows[1][3]) == ("v1", "-")
    assert (rows[2][0], rows[2][3]) == ("v2", "100.0")


def test_compare_prints_one_row_per_version(published: Path) -> None:
    with MemoryGraph.open(published) as graph:
        prompt = graph.render_prompt("support", {"name": "Dana"}, version=2)
        graph.add_completion(prompt, "ok", latency_ms=120.0, input_tokens=10, output_tokens=2, cost_usd=0.5)
    result = _invoke("templates", "compare", "support", "v1", "v2", "--json", "--db", str(published))
    rows = json.loads(result.output)
    assert [(r["version"], r["uses"], r["completions"], r["latency_p50_ms"]) for r in rows] == [
        (1, 0, 0, None),
        (2, 1, 1, 120.0),
    ]


def test_render_needs_a_version_or_a_label(published: Path) -> None:
    result = _invoke("templates", "render", "support", "--db", str(published))
    assert result.exit_code == 1
    assert "give --version or --label" in result.output


def test_an_unknown_version_is_one_line_error_in_a_real_run(published: Path) -> None:
    done = run_cli(
        "templates", "render", "support", "--version", "v9", "--var", "name=x", "--db", str(published)
    )
    assert done.returncode == 1
    assert done.stderr == "Error: template 'support' has no version v9\n"


def test_a_template_bomb_is_a_one_line_error_in_a_real_run(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    with MemoryGraph.open(db) as graph:
        graph.publish_template("bomb", "{{ '%999999999d' % 1 }}")
    done = run_cli("templates", "render", "bomb", "--version", "1", "--db", str(db))
    assert done.returncode == 1
    assert done.stderr == (
        "Error: bomb@v1: the template would build a text of 1,000,000,014 characters or items, "
        "more than 1,000,000; raise TemplateLimits.max_output_chars to allow it\n"
    )


def test_a_failing_template_expression_is_a_one_line_error_in_a_real_run(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    with MemoryGraph.open(db) as graph:
        graph.publish_template("broken", "{{ 1 / 0 }}")
    done = run_cli("templates", "render", "broken", "--version", "1", "--db", str(db))
    assert (done.returncode, done.stderr) == (1, "Error: broken@v1: ZeroDivisionError: division by zero\n")
