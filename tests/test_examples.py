"""Every script in ``examples/`` runs as a user would run it, on a fresh SQLite file and on
the session's Neo4j server, and prints what it claims to show.

Each run is a fresh interpreter that turns warnings into errors. The facts checked in its
output are ones only a working run can print: values read back from the store, lineage
depths, counts, aggregates and metric samples. Whitespace is squashed before comparing, so
column alignment is free to change.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from llm_memory_graph.stores.neo4j import Neo4jSettings
from tests._neo4j import clear
from tests.fake_providers import provider_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

#: What each example must print, on either store; ``{store}`` is ``sqlite`` or ``neo4j``.
EXPECTED: dict[str, list[str]] = {
    "simple_chatbot": [
        "7. Completion [gpt-4o-mini-2024-07-18, 130 tokens, 498 ms, $0.00017] Yes, within 30 days",
        "Lineage of the last answer (8 nodes, 14 edges)",
        "depth 1 Agent shop-bot (answers shoppers)",
        "depth 2 Context You are a friendly shop assistant.",
        "depth 5 Prompt Hi! Do you ship to Canada?",
        "3 completions, 285 tokens, $0.00042",
    ],
    "async_streaming_queries": [
        "Recorded 24 nodes and 12 edges in one batch.",
        "stream(model='gpt-4o-mini'): 6 completions",
        "stream(since one hour ago): ['Question 6', 'Question 7', 'Question 8', 'Question 9', "
        "'Question 10', 'Question 11']",
        "count(env=staging): 6",
        "count(until 24h ago): 6",
        "count(latency >= 400 ms): 2",
        "pages of 5, newest first: [['Answer 11', 'Answer 10', 'Answer 9', 'Answer 8', 'Answer 7'], "
        "['Answer 6', 'Answer 5', 'Answer 4', 'Answer 3', 'Answer 2'], ['Answer 1', 'Answer 0']]",
        "astream(model='gpt-4o'): 615 input tokens",
        "iter_transcript: 24 items, first Prompt, last Completion",
    ],
    "edge_properties": [
        "REFERENCES {'score': 0.91, 'rank': 1} metadata={'retriever': 'bm25'}",
        "TRANSFERS_TO {'reason': 'needs policy facts', 'conversation_id': '",
        "DERIVED_FROM {'reason': 'added the date'}",
        "'Billing FAQ' {'score': 0.64, 'rank': 2}",
        "INSTANTIATES -> TemplateVersion {'variables': {'plan': 'annual'}}",
        "REFERENCES {'score': 0.88, 'rank': 1} metadata={'retriever': 'vector'}",
        "refused before any write: edge.rank: Input should be greater than or equal to 1",
        "{'position': 3} -> Prompt",
    ],
    "prompt_templates": [
        "published v1 and v2, which extends v1 and adds ['topic']",
        "production was v1, is v2",
        "v2 renders: 'Hello Dana. About refunds: happy to help!'",
        "the last prompt INSTANTIATES TemplateVersion {'variables': {'name': 'Dana', 'topic': 'refunds'}}",
        "v2 by bo: warmer ['production']",
        '+{% extends "parent" %}{% block body %}About {{ topic }}: happy to help!{% endblock %}',
        "v1: uses=1 latency_p50=900.0 ms feedback_avg=3.0",
        "v2: uses=1 latency_p50=420.0 ms feedback_avg=5.0",
    ],
    "tool_invocations": [
        "failed tool call: convert_units({'value': 21, 'to': 'F'}) failed: unit service timed out",
        "tool calls of convert_units: 2",
        'depth 1 Prompt tool: \'{"celsius": 21} {"fahrenheit": 69.8}\'',
        "depth 2 ToolInvocation get_weather({'city': 'Paris'}) returned {'celsius': 21}",
        "depth 2 ToolInvocation convert_units({'value': 21, 'to': 'F'}) returned {'fahrenheit': 69.8}",
        "depth 3 Completion gpt-4o said '' (finish_reason=tool_calls)",
        "depth 4 Prompt user: 'How warm is it in Paris, in Fahrenheit?'",
    ],
    "observatory_demo": [
        'llm_memory_graph_operations_total{operation="upsert",outcome="ok",store="{store}"} 15.0',
        'llm_memory_graph_operations_total{operation="get",outcome="invalid",store="{store}"} 1.0',
        'llm_memory_graph_items_written_total{kind="Completion"} 5.0',
        'llm_memory_graph_tokens_total{kind="input"} 3560.0',
        "llm_memory_graph_cost_usd_total 0.006",
        "llm_memory_graph_cache_hits_total 1.0",
        "get_sample_value: cost 0.0060 USD, 3560 input tokens",
        "gpt-4o 3 1 2350 0.0057 1240 30000 4.50",
        "gpt-4o-mini 2 0 1625 0.0003 380 410 3.50",
    ],
    "openai_auto_capture": [
        "The model said: It is 21C in Paris.",
        "answer: gpt-4o-mini-2024-07-18, 42 tokens in, $0.000010",
        "via tool get_weather({'city': 'Paris'}) -> 21C in Paris [success]",
    ],
    "anthropic_auto_capture": [
        "streamed: Hello!",
        "answer: It is 21C in Paris.",
        "streamed call: 42 tokens in, time to first token recorded",
        "tool get_weather({'city': 'Paris'}) -> 21C in Paris [success]",
    ],
    "langchain_handler": [
        "The model said: It is 21C in Paris.",
        "lineage of the answer: Agent, Completion, Prompt, ToolInvocation",
    ],
    "otel_bridge": [
        "from a span: openai gpt-4o-mini-2024-07-18 said 'Hello!'",
        "emitted 1 span: chat gpt-4o-mini, 42 tokens in",
    ],
    "migration_guide": [],  # what it prints depends on the store: see STORE_EXPECTED
}

#: What an example prints on one store only.
STORE_EXPECTED: dict[tuple[str, str], list[str]] = {
    ("migration_guide", "sqlite"): [
        "Migrations are for Neo4j",
        "V0001 constraints every node and relationship id is unique",
        "V0008 one_edge_per_pair",
        "Opened graph.db; its schema is current: 0 node(s).",
    ],
    ("migration_guide", "neo4j"): [
        "V0001 constraints applied 20",
        "V0008 one_edge_per_pair applied 20",
        "Would apply 0 migration(s): []",
        "Up to date.",
        "The graph opens on it: 0 node(s), 0 edge(s).",
    ],
}

NAMES = sorted(EXPECTED)

#: Where the examples' OpenAI client goes: a local server that answers as the API does.
OPENAI: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def _openai_api() -> Iterator[None]:
    with provider_server() as url:
        OPENAI.update(
            ANTHROPIC_BASE_URL=url,
            ANTHROPIC_API_KEY="sk-ant-test",
            OPENAI_BASE_URL=f"{url}/v1",
            OPENAI_API_KEY="sk-test",
        )
        yield
    OPENAI.clear()


def squash(text: str) -> str:
    """``text`` with every run of whitespace made one space."""
    return re.sub(r"\s+", " ", text)


def run_example(
    name: str, *args: str, env: Mapping[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run ``examples/<name>.py`` in a fresh interpreter, with none of the caller's graph settings."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEO4J_", "LLM_MEMORY_GRAPH_URI", "LLM_MEMORY_GRAPH_DB"))
    }
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
    environ["PYTHONIOENCODING"] = "utf-8"
    environ.update(OPENAI)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLES / f"{name}.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environ,
        cwd=cwd,
        timeout=180,
        check=False,
    )


def check_output(name: str, store: str, done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    printed = squash(done.stdout)
    for fact in EXPECTED[name] + STORE_EXPECTED.get((name, store), []):
        assert squash(fact.replace("{store}", store)) in printed, f"{fact!r} not in:\n{done.stdout}"


def test_every_example_is_tested() -> None:
    scripts = {p.stem for p in EXAMPLES.glob("*.py")}
    assert scripts == set(EXPECTED)
    assert {name for name, _ in STORE_EXPECTED} <= scripts


@pytest.mark.parametrize("name", NAMES)
def test_example_says_what_it_shows_and_how_to_run_it(name: str) -> None:
    source = (EXAMPLES / f"{name}.py").read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source)) or ""
    assert "Shows" in docstring or "shows" in docstring
    assert f"python examples/{name}.py" in docstring
    assert source.endswith('\n\nif __name__ == "__main__":\n    main()\n')


def test_the_examples_pass_mypy_strict() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "examples"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", NAMES)
def test_example_runs_on_a_fresh_sqlite_file(name: str, tmp_path: Path) -> None:
    check_output(name, "sqlite", run_example(name, str(tmp_path / "graph.db")))


@pytest.fixture
def empty_neo4j(neo4j_settings: Neo4jSettings) -> Iterator[Neo4jSettings]:
    """The session's Neo4j database, emptied before and after the test (migrations kept)."""
    clear(neo4j_settings)
    yield neo4j_settings
    clear(neo4j_settings)


@pytest.mark.parametrize("name", NAMES)
def test_example_runs_on_neo4j(name: str, empty_neo4j: Neo4jSettings) -> None:
    env = {"NEO4J_USER": empty_neo4j.user, "NEO4J_PASSWORD": empty_neo4j.password or ""}
    if empty_neo4j.database:
        env["NEO4J_DATABASE"] = empty_neo4j.database
    check_output(name, "neo4j", run_example(name, empty_neo4j.uri, env=env))


@pytest.mark.parametrize("name", NAMES)
def test_example_takes_its_store_from_the_environment(name: str, tmp_path: Path) -> None:
    path = tmp_path / "graph.db"
    check_output(name, "sqlite", run_example(name, env={"LLM_MEMORY_GRAPH_URI": str(path)}))
    assert path.exists()


@pytest.mark.parametrize("name", NAMES)
def test_example_defaults_to_a_temporary_file_it_removes(name: str, tmp_path: Path) -> None:
    done = run_example(name, cwd=tmp_path, env={"TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []
