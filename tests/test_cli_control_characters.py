"""Stored text never drives the terminal: every human-readable command shows control
characters as escapes, on both stores; ``--json`` keeps the exact text (issue 13).

The graph holds text an attacker chose: clear-screen and cursor moves (``ESC [``), an OSC 8
hyperlink, a bell, a C1 CSI (one code point, ``U+009B``), a carriage return, a backspace,
a bidi override and line breaks inside one-line fields. Each command runs in-process
through click's runner with colour forced on (so click strips nothing, as on a terminal)
and ``NO_COLOR`` set (so the only styling would come from the data), then once more as a
real subprocess whose output is a pipe.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from llm_memory_graph import MemoryGraph
from llm_memory_graph.cli import cli
from llm_memory_graph.stores.neo4j import Neo4jSettings
from tests._cli import run_cli
from tests._neo4j import clear

ATTACK = "A\x1b[2J\x1b[H\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\x07\x9b31m\rB\x08\u202eZ"

#: Every character that may not reach the terminal raw: C0 but tab and newline, DEL, C1, bidi.
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Hostile:
    """A graph holding hostile text, and how the CLI reaches it."""

    flags: list[str]
    env: dict[str, str]
    ids: dict[str, str]


def _record(graph: MemoryGraph, template: Path) -> dict[str, str]:
    chat = graph.start_conversation(ATTACK, user_id=ATTACK)
    agent = graph.register_agent("writer\n" + ATTACK, role=ATTACK, model=ATTACK)
    prompt = graph.add_prompt(ATTACK + "\nsecond line", conversation=chat, agent=agent, role=ATTACK)
    doc = graph.add_document(ATTACK, title=ATTACK, source=ATTACK, uri=ATTACK)
    graph.reference(prompt, doc, score=0.5, rank=1)
    answer = graph.add_completion(
        prompt,
        ATTACK,
        agent=agent,
        response_model=ATTACK,
        provider=ATTACK,
        finish_reason=ATTACK,
        metadata={"note": ATTACK},
    )
    graph.add_tool_invocation(answer, ATTACK, arguments={"q": ATTACK}, result=ATTACK, agent=agent)
    graph.add_feedback(answer, label=ATTACK, comment=ATTACK, rater=ATTACK)
    revised = graph.add_prompt("again", conversation=chat)
    graph.link_revision(revised, prompt, reason=ATTACK)
    template.write_text("Hello {{ name }} " + ATTACK + "\n")
    graph.publish_template("hostile", template.read_text(), message=ATTACK, author=ATTACK)
    graph.publish_template("hostile", "Bye {{ name }}\n" + ATTACK, message=ATTACK, author=ATTACK)
    return {"chat": chat.id, "agent": agent.id, "prompt": prompt.id, "answer": answer.id, "doc": doc.id}


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def hostile(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hostile]:
    template = tmp_path / "hostile.j2"
    if request.param == "sqlite":
        db = tmp_path / "graph.db"
        with MemoryGraph.open(db) as graph:
            ids = _record(graph, template)
        yield Hostile(["--db", str(db)], {}, ids)
        return
    settings: Neo4jSettings = request.getfixturevalue("neo4j_settings")
    clear(settings)
    with MemoryGraph.open(
        settings.uri, user=settings.user, password=settings.password, database=settings.database
    ) as graph:
        ids = _record(graph, template)
    yield Hostile(
        ["--uri", settings.uri, "--user", settings.user],
        {"NEO4J_PASSWORD": settings.password or ""},
        ids,
    )
    clear(settings)


TEXT_COMMANDS: list[tuple[str, list[str]]] = [
    ("show prompt", ["show", "{prompt}"]),
    ("show answer", ["show", "{answer}"]),
    ("show agent", ["show", "{agent}"]),
    ("show conversation", ["show", "{chat}"]),
    ("show document", ["show", "{doc}"]),
    ("transcript", ["transcript", "{chat}"]),
    ("find", ["find"]),
    ("find in conversation", ["find", "--conversation", "{chat}"]),
    ("lineage up", ["lineage", "{answer}", "--up"]),
    ("lineage down", ["lineage", "{prompt}", "--down"]),
    ("lineage mermaid", ["lineage", "{answer}", "--format", "mermaid"]),
    ("lineage dot", ["lineage", "{answer}", "--format", "dot"]),
    ("lineage html", ["lineage", "{answer}", "--format", "html"]),
    ("report by model", ["report", "--by", "model,provider,agent"]),
    ("templates list", ["templates", "list"]),
    ("templates history", ["templates", "show", "hostile"]),
    ("templates show", ["templates", "show", "hostile", "--version", "1"]),
    ("templates diff", ["templates", "diff", "hostile", "1", "2"]),
    ("templates render", ["templates", "render", "hostile", "--version", "1", "--var", f"name={ATTACK}"]),
    ("error naming an id", ["show", ATTACK]),
]


def _args(args: list[str], hostile: Hostile) -> list[str]:
    return [a.format(**hostile.ids) if a.startswith("{") else a for a in args] + hostile.flags


@pytest.mark.parametrize(("name", "args"), TEXT_COMMANDS, ids=[name for name, _ in TEXT_COMMANDS])
def test_text_output_shows_control_characters_as_escapes(
    hostile: Hostile, name: str, args: list[str]
) -> None:
    done = CliRunner().invoke(cli, _args(args, hostile), env=hostile.env | {"NO_COLOR": "1"}, color=True)
    output = done.stdout + done.stderr
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert _RAW.findall(output) == []
    assert "x1b" in output or "u001b" in output  # the escape (Mermaid codes its backslash)


def test_error_lines_stay_one_line_when_the_input_holds_a_newline(hostile: Hostile) -> None:
    done = CliRunner().invoke(cli, ["show", "x\ny", *hostile.flags], env=hostile.env)
    assert done.exit_code == 1
    assert done.stderr.count("\n") == 1
    assert "\\x0a" in done.stderr or "\\n" in done.stderr


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (["show", "{answer}", "--json"], ["content"]),
        (["transcript", "{chat}", "--json"], ["conversation", "title"]),
        (["lineage", "{answer}", "--json"], ["root_id"]),
        (["templates", "show", "hostile", "--version", "1", "--json"], ["message"]),
    ],
    ids=["show", "transcript", "lineage", "templates show"],
)
def test_json_output_keeps_the_exact_text_and_escapes_every_control_character(
    hostile: Hostile, args: list[str], path: list[str]
) -> None:
    done = CliRunner().invoke(cli, _args(args, hostile), env=hostile.env, color=True)
    assert done.exit_code == 0, done.stderr
    assert _RAW.findall(done.stdout) == []
    value = json.loads(done.stdout)
    for key in path:
        value = value[key]
    if path != ["root_id"]:
        assert value == ATTACK


def test_piped_output_of_the_real_command_holds_no_control_characters(hostile: Hostile) -> None:
    for args in (["show", "{answer}"], ["transcript", "{chat}"], ["find"]):
        done = run_cli(*_args(args, hostile), env=hostile.env)
        assert done.returncode == 0, done.stderr
        assert _RAW.findall(done.stdout) == []
        assert "\\x1b[2J" in done.stdout
