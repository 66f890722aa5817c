"""Every Cypher file passes Neo4j's official linter, as Cypher 5 (Neo4j 5.26) and Cypher 25 (2025.x).

The linter is ``tools/lint_cypher.mjs`` on ``@neo4j-cypher/language-support`` (pinned in
``package.json``). Query files declare their parameters in a ``// Parameters:`` header line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

import pytest

from llm_memory_graph.stores.neo4j._compose import ANCHORS, SERVED, TAILS, conditions, shape_text
from llm_memory_graph.stores.neo4j._queries import parameters_used

ROOT = Path(__file__).resolve().parent.parent
LINTER = ROOT / "tools" / "lint_cypher.mjs"
PACKAGE = ROOT / "node_modules" / "@neo4j-cypher" / "language-support"

pytestmark = pytest.mark.slow


class Lint(Protocol):
    """Runs the Cypher linter in one node process."""

    def __call__(self, *files: Path) -> subprocess.CompletedProcess[str]:
        """Lint ``files``, or every project Cypher file when none are given.

        :param files: Cypher files to lint.
        :returns: the finished process; ``stdout`` holds the findings and the summary line.
        """
        ...


@pytest.fixture(scope="module")
def lint() -> Lint:
    """The linter, installed with ``npm ci`` when ``node_modules`` lacks it.

    :returns: a function that runs ``tools/lint_cypher.mjs`` on the given files.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        reason = "node and npm are needed to lint the Cypher files"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI must lint them")
        pytest.skip(reason)
    if not PACKAGE.is_dir():
        try:
            install = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
            )
        except subprocess.TimeoutExpired as error:
            pytest.fail(f"npm ci took more than {error.timeout} s")
        if install.returncode != 0:
            pytest.fail(f"npm ci failed:\n{install.stdout}{install.stderr}")

    def run(*files: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [node, str(LINTER), *map(str, files)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


def _query_file(folder: Path, text: str) -> Path:
    """Write a named query file.

    :param folder: where to write it.
    :param text: the file's content.
    :returns: the path of the new file.
    """
    path = folder / "sample_query.cypher"
    path.write_text(text, encoding="utf-8")
    return path


def _output(result: subprocess.CompletedProcess[str]) -> str:
    """Everything the linter printed.

    :param result: a finished linter run.
    :returns: its standard output followed by its standard error.
    """
    return result.stdout + result.stderr


def test_every_cypher_file_passes_the_official_linter(lint: Lint) -> None:
    result = lint()
    assert result.returncode == 0, _output(result)
    assert "0 errors, 0 deprecations" in result.stdout, _output(result)


def test_every_cypher_example_in_the_readme_passes_the_linter(lint: Lint, tmp_path: Path) -> None:
    examples = re.findall(r"```cypher\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.DOTALL)
    files = []
    for i, text in enumerate(examples):
        files.append(tmp_path / f"readme_example_{i}.cypher")
        files[-1].write_text(text, encoding="utf-8")
    assert files
    result = lint(*files)
    assert result.returncode == 0, _output(result)


def test_the_linter_rejects_a_deprecated_function(lint: Lint, tmp_path: Path) -> None:
    query = _query_file(tmp_path, "// Parameters: none\nMATCH (n) RETURN id(n)\n")
    result = lint(query)
    assert result.returncode == 1, _output(result)
    assert "deprecated" in result.stdout, _output(result)


def test_the_linter_rejects_a_syntax_error(lint: Lint, tmp_path: Path) -> None:
    query = _query_file(tmp_path, "// Parameters: none\nMATCH (n RETURN n\n")
    result = lint(query)
    assert result.returncode == 1, _output(result)
    assert f"{query}:2:10 error Invalid input" in result.stdout, _output(result)


def test_the_linter_rejects_a_parameter_missing_from_the_header(lint: Lint, tmp_path: Path) -> None:
    query = _query_file(tmp_path, "// Parameters: $id\nMATCH (n:GraphNode {id: $id}) SET n.name = $name\n")
    result = lint(query)
    assert result.returncode == 1, _output(result)
    assert "Parameter $name is not defined." in result.stdout, _output(result)


def test_the_linter_rejects_a_parameter_the_header_declares_but_the_query_does_not_use(
    lint: Lint, tmp_path: Path
) -> None:
    query = _query_file(tmp_path, "// Parameters: $id, $name\nMATCH (n:GraphNode {id: $id}) RETURN n\n")
    result = lint(query)
    assert result.returncode == 1, _output(result)
    assert "Parameter $name is declared in the header but not used." in result.stdout, _output(result)


def test_the_linter_rejects_a_query_file_without_a_parameters_header(lint: Lint, tmp_path: Path) -> None:
    query = _query_file(tmp_path, "// Counts the nodes.\nMATCH (n) RETURN count(n) AS total\n")
    result = lint(query)
    assert result.returncode == 1, _output(result)
    assert "missing // Parameters: header" in result.stdout, _output(result)


def test_the_linter_accepts_a_clean_query_with_declared_parameters(lint: Lint, tmp_path: Path) -> None:
    query = _query_file(
        tmp_path,
        "// Parameters: $rows\nUNWIND $rows AS row MERGE (n:GraphNode {id: row.id}) SET n += row.props\n",
    )
    result = lint(query)
    assert result.returncode == 0, _output(result)


def test_a_migration_file_needs_no_parameters_header(lint: Lint, tmp_path: Path) -> None:
    migration = tmp_path / "V9999__sample.cypher"
    migration.write_text(
        "CREATE CONSTRAINT a_id IF NOT EXISTS FOR (n:A) REQUIRE n.id IS UNIQUE;\n"
        "CREATE RANGE INDEX a_name IF NOT EXISTS FOR (n:A) ON (n.name);\n",
        encoding="utf-8",
    )
    result = lint(migration)
    assert result.returncode == 0, _output(result)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            "// Parameters: $rows\nUNWIND $rows AS row\nMERGE (n:GraphNode {id: row.id})\nSET n:$(row.type)\n",
            id="set-dynamic-label",
        ),
        pytest.param(
            "// Parameters: $edges\nCALL () {\n  UNWIND $edges.RATES AS row\n"
            "  MATCH (s:GraphNode {id: row.source_id})\n  MATCH (t:GraphNode {id: row.target_id})\n"
            "  MERGE (s)-[r:RATES {id: row.id}]->(t)\n  SET r = row.props\n}\n",
            id="merge-per-type-in-a-unit-subquery",
        ),
        pytest.param(
            "// Parameters: $id\nMATCH (n:GraphNode)\nWHERE n.conversation_id = $id\n"
            "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS\n",
            id="delete-in-transactions",
        ),
    ],
)
def test_the_linter_accepts_the_write_forms_the_store_uses(lint: Lint, tmp_path: Path, body: str) -> None:
    result = lint(_query_file(tmp_path, body))
    assert result.returncode == 0, _output(result)


def test_every_composed_filter_query_passes_the_linter(lint: Lint, tmp_path: Path) -> None:
    # Each anchor with every condition it can take, ending in each tail, in both orders.
    files = []
    for anchor in ANCHORS:
        for tail in TAILS:
            for newest in (False, True) if tail == "tail_page" else (False,):
                keyset = "after_newest" if newest else "after_oldest"
                given = tuple(
                    name
                    for name in conditions()
                    if name != SERVED.get(anchor)
                    and (not name.startswith("after_") or (tail == "tail_page" and name == keyset))
                )
                text = shape_text(anchor, given, tail, newest)
                header = ", ".join(f"${p}" for p in sorted(parameters_used(text))) or "none"
                files.append(tmp_path / f"{anchor}_{tail}_{'newest' if newest else 'oldest'}.cypher")
                files[-1].write_text(f"// Parameters: {header}\n{text}\n", encoding="utf-8")
    # A text search ranked by relevance: the search anchor with every condition, ranked.
    given = tuple(name for name in conditions() if not name.startswith("after_"))
    text = shape_text("search", given, "tail_ranked", False)
    header = ", ".join(f"${p}" for p in sorted(parameters_used(text)))
    files.append(tmp_path / "search_tail_ranked.cypher")
    files[-1].write_text(f"// Parameters: {header}\n{text}\n", encoding="utf-8")
    result = lint(*files)
    assert result.returncode == 0, _output(result)
