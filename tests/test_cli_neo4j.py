"""The CLI with ``--uri`` on a real Neo4j server answers as it does on an embedded file.

The same session is recorded on both stores by the same commands (``demo``, template
publishing and labelling), then every read command runs on each with the ids its own
store was given. Ids and times differ between the two recordings, so both outputs have them
replaced by placeholders in order of first appearance; everything else must be equal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from llm_memory_graph.stores.neo4j import Neo4jSettings
from tests._cli import run_cli
from tests._neo4j import clear

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CURSOR = re.compile(r"\b[A-Za-z0-9_-]{40,}=*")
_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?|\d{4}-\d{2}-\d{2}"
)


def normalized(text: str, where: str) -> str:
    """``text`` with its store's name, each id (``<id1>`` ... in order of appearance) and
    each time replaced, so outputs of two recordings compare equal when they agree.
    """
    ids: dict[str, str] = {}
    text = text.replace(where, "<store>")
    text = _CURSOR.sub("<cursor>", text)  # opaque; followed by its own test below
    text = _UUID.sub(lambda m: ids.setdefault(m.group(0), f"<id{len(ids) + 1}>"), text)
    return _TIME.sub("<time>", text)


@dataclass
class Store:
    """One store, reached by CLI flags, with the ids of the demo recorded on it."""

    flags: list[str]
    env: dict[str, str]
    where: str
    demo: dict[str, object]
    outputs: dict[str, str]

    def run(self, *args: str) -> str:
        done = run_cli(*args, *self.flags, env=self.env)
        assert done.returncode == 0, f"{args}: {done.stderr}"
        assert done.stderr == "", f"{args}: {done.stderr}"
        return normalized(done.stdout, self.where)


def _record(store: Store, template: Path) -> None:
    """What both stores get: the demo, twice published template versions, a label move."""
    out = run_cli("demo", "--json", *store.flags, env=store.env)
    assert out.returncode == 0, out.stderr
    store.demo = json.loads(out.stdout)
    store.outputs["demo --json"] = normalized(out.stdout, store.where)
    template.write_text("Hello {{ name }}, about {{ topic }}.")
    store.run("templates", "publish", str(template), "--name", "greet", "--label", "production")
    template.write_text("Hi {{ name }}! About {{ topic }}:")
    store.run("templates", "publish", str(template), "--name", "greet", "--message", "shorter")
    store.run("templates", "label", "greet", "production", "2", "--reason", "A/B winner")


@pytest.fixture(scope="module")
def stores(
    neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Store]]:
    folder = tmp_path_factory.mktemp("cli-both")
    clear(neo4j_settings)
    db = str(folder / "graph.db")
    embedded = Store(["--db", db], {}, db, {}, {})
    server = Store(
        ["--uri", neo4j_settings.uri, "--user", neo4j_settings.user],
        {"NEO4J_PASSWORD": neo4j_settings.password or ""},
        neo4j_settings.uri,
        {},
        {},
    )
    for store in (embedded, server):
        _record(store, folder / "greet.j2")
    yield embedded, server
    clear(neo4j_settings)


def _answer(s: Store) -> str:
    return str(s.demo["answer_id"])


def _question(s: Store) -> str:
    return str(s.demo["question_id"])


def _chat(s: Store) -> str:
    return str(s.demo["conversation_id"])


Command = Callable[[Store], list[str]]

COMMANDS: list[tuple[str, Command]] = [
    ("stats", lambda s: ["stats"]),
    ("stats --json", lambda s: ["stats", "--json"]),
    ("show", lambda s: ["show", _answer(s)]),
    ("show --json", lambda s: ["show", _answer(s), "--json"]),
    *[
        (
            f"lineage --format {fmt} {way}",
            lambda s, fmt=fmt, way=way: ["lineage", _answer(s), way, "--format", fmt],
        )
        for fmt in ("tree", "json", "mermaid", "dot", "html")
        for way in ("--up", "--down")
    ],
    ("lineage question --down --depth 2", lambda s: ["lineage", _question(s), "--down", "--depth", "2"]),
    ("transcript", lambda s: ["transcript", _chat(s)]),
    ("transcript --json", lambda s: ["transcript", _chat(s), "--json"]),
    ("find completions", lambda s: ["find", "--type", "Completion"]),
    ("find by metadata", lambda s: ["find", "--type", "Completion", "--meta", "attempt=2", "--json"]),
    ("find by model", lambda s: ["find", "--model", "gpt-4o-2024-08-06", "--limit", "2"]),
    ("find in conversation", lambda s: ["find", "--conversation", _chat(s), "--limit", "5", "--json"]),
    ("report by model", lambda s: ["report", "--by", "model"]),
    ("report by agent --json", lambda s: ["report", "--by", "agent,provider", "--json"]),
    ("templates list", lambda s: ["templates", "list"]),
    ("templates show", lambda s: ["templates", "show", "greet"]),
    ("templates show label", lambda s: ["templates", "show", "greet", "--label", "production"]),
    ("templates diff", lambda s: ["templates", "diff", "greet", "1", "2"]),
    ("templates compare", lambda s: ["templates", "compare", "greet", "v1", "v2"]),
    (
        "templates render",
        lambda s: [
            "templates",
            "render",
            "greet",
            "--version",
            "1",
            "--var",
            "name=Dana",
            "--var",
            "topic=refunds",
        ],
    ),
]


def test_demo_records_the_same_session_on_both_stores(stores: tuple[Store, Store]) -> None:
    embedded, server = stores
    assert embedded.outputs["demo --json"] == server.outputs["demo --json"]


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_read_command_answers_the_same_on_neo4j(
    stores: tuple[Store, Store], name: str, command: Command
) -> None:
    embedded, server = stores
    assert server.run(*command(server)) == embedded.run(*command(embedded))


def test_a_cursor_from_neo4j_leads_to_the_same_next_page(stores: tuple[Store, Store]) -> None:
    pages = []
    for store in stores:
        first = run_cli(
            "find", "--conversation", _chat(store), "--limit", "4", "--json", *store.flags, env=store.env
        )
        cursor = json.loads(first.stdout)["next_cursor"]
        pages.append(store.run("find", "--conversation", _chat(store), "--limit", "4", "--cursor", cursor))
    assert pages[0] == pages[1]
