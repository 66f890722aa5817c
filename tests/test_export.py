"""Pictures of a subgraph: Mermaid, Graphviz DOT and a self-contained HTML page (``_export``)."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from llm_memory_graph import InvalidInputError, MemoryGraph
from llm_memory_graph.demo import record_demo
from llm_memory_graph.schema import (
    EDGE_RULES,
    Agent,
    Completion,
    Contains,
    Context,
    Conversation,
    DependsOn,
    Direction,
    Document,
    Edge,
    EdgeType,
    Feedback,
    Generates,
    HandledBy,
    Inherits,
    Instantiates,
    Node,
    NodeType,
    Prompt,
    PromptTemplate,
    Rates,
    References,
    TemplateVersion,
    ToolInvocation,
    Triggers,
)
from llm_memory_graph.spec import Lineage, Subgraph
from llm_memory_graph.views.export import _STYLES, to_dot, to_html, to_mermaid
from llm_memory_graph.views.layout import lay_out

ROOT = Path(__file__).resolve().parent.parent

#: Text that would break out of a Mermaid label, a DOT string or an HTML script if pasted raw.
PAYLOAD = '"]; evil --> x[" </script><script>alert(1)</script> {}|'

EXPORTS: list[Callable[[Lineage], str]] = [to_mermaid, to_dot, to_html]
EXPORT_IDS = ["mermaid", "dot", "html"]


# ---------------------------------------------------------------- fixtures and builders


@pytest.fixture
def memory_graph() -> Iterator[MemoryGraph]:
    """An empty graph in memory, closed after the test."""
    with MemoryGraph.open(":memory:") as graph:
        yield graph


@pytest.fixture
def demo_lineage(memory_graph: MemoryGraph) -> Lineage:
    """Everything the demo's final answer came from: 18 nodes, 31 edges, every common type."""
    return memory_graph.lineage(record_demo(memory_graph).answer_id)


@pytest.fixture
def payload_lineage(memory_graph: MemoryGraph) -> Lineage:
    """A prompt whose content is ``PAYLOAD``, its completion, and a document it cites."""
    prompt = memory_graph.add_prompt(PAYLOAD)
    answer = memory_graph.add_completion(prompt, "fine")
    document = memory_graph.add_document("policy", title='The "<b>policy</b>" #1')
    memory_graph.reference(prompt, document, score=0.5)
    return memory_graph.lineage(answer)


@pytest.fixture
def cycle_lineage(memory_graph: MemoryGraph) -> Lineage:
    """Three prompts that depend on each other in a ring: a -> b -> c -> a."""
    a, b, c = (memory_graph.add_prompt(text) for text in "abc")
    for source, target in ((a, b), (b, c), (c, a)):
        memory_graph.link(source, target, EdgeType.DEPENDS_ON)
    return memory_graph.lineage(a)


@pytest.fixture
def every_type() -> Subgraph:
    """One node of every type, joined by one edge of most types (built directly, not stored)."""
    conversation, agent = Conversation(title="Chat [1]"), Agent(name="router", role="router")
    prompt, answer = Prompt(content="q"), Completion(content="a")
    tool, document = (
        ToolInvocation(tool_name="calc", arguments={"x": "1 | 2"}),
        Document(content="d", title="D"),
    )
    context, feedback = Context(content="be brief", kind="system"), Feedback(score=4, label="ok")
    template = PromptTemplate(name="greet")
    version = TemplateVersion(template_id=template.id, version=1, body="Hi {{ name }}")
    edges: list[Edge] = [
        Contains(source_id=conversation.id, target_id=prompt.id, position=1),
        HandledBy(source_id=prompt.id, target_id=agent.id),
        Generates(source_id=prompt.id, target_id=answer.id),
        Triggers(source_id=answer.id, target_id=tool.id),
        References(source_id=prompt.id, target_id=document.id, score=0.5),
        References(source_id=prompt.id, target_id=context.id),
        Rates(source_id=feedback.id, target_id=answer.id),
        Instantiates(source_id=prompt.id, target_id=version.id),
        Inherits(source_id=version.id, target_id=template.id),
    ]
    nodes: list[Node] = [
        conversation,
        agent,
        prompt,
        answer,
        tool,
        document,
        context,
        feedback,
        template,
        version,
    ]
    return Subgraph(nodes=nodes, edges=edges)


@dataclass
class _Subgraph:
    """A subgraph that is not a Lineage: nodes and edges only, no root."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _flows(lineage: Lineage) -> Counter[tuple[str, str, EdgeType]]:
    """Return each edge as (input, output, type): what fed what, per ``EDGE_RULES``."""
    flows: Counter[tuple[str, str, EdgeType]] = Counter()
    for edge in lineage.edges:
        if EDGE_RULES[edge.type].input_end == "source":
            flows[(edge.source_id, edge.target_id, edge.type)] += 1
        else:
            flows[(edge.target_id, edge.source_id, edge.type)] += 1
    return flows


def _one(lineage: Lineage, edge_type: EdgeType, source: NodeType, target: NodeType) -> Edge:
    """Return the first edge of ``edge_type`` stored from a ``source`` node to a ``target`` node."""
    types = {n.id: n.type for n in lineage.nodes}
    return next(
        e
        for e in lineage.edges
        if e.type is edge_type and types[e.source_id] is source and types[e.target_id] is target
    )


def _squeeze(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------- Mermaid reading

_M_NODE = re.compile(r'^    (n\d+)([\[({>/]+)"([^"]*)"([\])}/]+);$')
_M_EDGE = re.compile(r'^    (n\d+) (-->|-\.->)\|"([^"]*)"\| (n\d+);$')
_M_MAP = re.compile(r"^    %% (n\d+) = ([0-9a-f-]{36})$")
_M_LINES = [
    _M_NODE,
    _M_EDGE,
    _M_MAP,
    re.compile(r"^    %% [^\n]*$"),
    re.compile(r"^    classDef \w+ [\w#:,\-]+$"),
    re.compile(r"^    class n\d+(?:,n\d+)* \w+$"),
]
_M_SHAPES = {
    ("[", "]"),
    ("(", ")"),
    ("[[", "]]"),
    ("([", "])"),
    ("[(", ")]"),
    ("{{", "}}"),
    ("[/", "/]"),
    (">", "]"),
}
_M_NAMED = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}


@dataclass
class _Mermaid:
    ids: dict[str, str]  # short id -> node id
    labels: dict[str, str]  # short id -> raw label
    edges: list[tuple[str, str, str, str]]  # (from, arrow, raw label, to)


def _read_mermaid(text: str) -> _Mermaid:
    """Check that every line is a statement this exporter writes, and collect them."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    chart = _Mermaid({}, {}, [])
    for line in lines[1:]:
        assert any(p.match(line) for p in _M_LINES), f"not a Mermaid statement: {line!r}"
        if m := _M_MAP.match(line):
            chart.ids[m[1]] = m[2]
        elif m := _M_NODE.match(line):
            assert m[1] not in chart.labels, f"{m[1]} defined twice"
            assert (m[2], m[4]) in _M_SHAPES, line
            chart.labels[m[1]] = m[3]
        elif m := _M_EDGE.match(line):
            chart.edges.append((m[1], m[2], m[3], m[4]))
    return chart


def _mermaid_plain(label: str) -> str:
    """Return a label as Mermaid shows it: entity codes decoded, ``<br>`` as a newline."""
    text = re.sub(r"#(\d+|[a-z]+);", lambda m: chr(int(m[1])) if m[1].isdigit() else _M_NAMED[m[1]], label)
    return text.replace("<br>", "\n").replace("\u2060", "")


# ---------------------------------------------------------------- DOT reading

_Q = r'"(?:[^"\\\n]|\\.)*"'
_ATTRS = rf"\w+={_Q}(?:, \w+={_Q})*"
_D_NODE = re.compile(rf"^    ({_Q}) \[({_ATTRS})\];$")
_D_EDGE = re.compile(rf"^    ({_Q}) -> ({_Q}) \[({_ATTRS})\];$")
_D_DEFAULTS = re.compile(rf"^    (?:graph|node|edge) \[(?:\w+={_Q})(?:, \w+={_Q})*\];$")


def _unquote(quoted: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], quoted[1:-1])


def _attrs(text: str) -> dict[str, str]:
    return {key: _unquote(value) for key, value in re.findall(rf"(\w+)=({_Q})", text)}


@dataclass
class _Dot:
    nodes: dict[str, dict[str, str]]
    edges: list[tuple[str, str, dict[str, str]]]


def _read_dot(text: str) -> _Dot:
    """Check that every line is a statement this exporter writes, and collect them."""
    lines = text.splitlines()
    assert lines[0] == 'digraph "lineage" {'
    assert lines[-1] == "}"
    graph = _Dot({}, [])
    for line in lines[1:-1]:
        if m := _D_NODE.match(line):
            node_id = _unquote(m[1])
            assert node_id not in graph.nodes, f"{node_id} defined twice"
            graph.nodes[node_id] = _attrs(m[2])
        elif m := _D_EDGE.match(line):
            graph.edges.append((_unquote(m[1]), _unquote(m[2]), _attrs(m[3])))
        else:
            assert _D_DEFAULTS.match(line), f"not a DOT statement: {line!r}"
    return graph


# ---------------------------------------------------------------- HTML reading


class _Page(HTMLParser):
    """Every start tag with its attributes, every script's text, and every text run."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.texts: list[str] = []
        self._script: dict[str, str | None] | None = None
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        else:
            self.texts.append(data)

    def having(self, tag: str, css_class: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and css_class in (a.get("class") or "").split()]

    def data(self) -> dict[str, object]:
        (text,) = [t for a, t in self.scripts if a.get("type") == "application/json"]
        value = json.loads(text)
        assert isinstance(value, dict)
        return value


# ---------------------------------------------------------------- Mermaid


def test_mermaid_is_a_left_to_right_flowchart_of_statements_only(demo_lineage: Lineage) -> None:
    _read_mermaid(to_mermaid(demo_lineage))


def test_mermaid_gives_nodes_short_ids_in_node_order(demo_lineage: Lineage) -> None:
    chart = _read_mermaid(to_mermaid(demo_lineage))
    assert list(chart.labels) == [f"n{i}" for i in range(len(demo_lineage.nodes))]
    assert chart.ids == {f"n{i}": node.id for i, node in enumerate(demo_lineage.nodes)}


def test_mermaid_mentions_full_node_ids_only_in_comments(demo_lineage: Lineage) -> None:
    text = to_mermaid(demo_lineage)
    for node in demo_lineage.nodes:
        (line,) = [line for line in text.splitlines() if node.id in line]
        assert line.startswith("    %% ")


def test_mermaid_labels_name_each_node_type(demo_lineage: Lineage) -> None:
    chart = _read_mermaid(to_mermaid(demo_lineage))
    for short, node in zip(chart.labels, demo_lineage.nodes, strict=True):
        assert _mermaid_plain(chart.labels[short]).split("\n")[0].startswith(str(node.type))


def test_mermaid_draws_every_edge_once_from_input_to_output(demo_lineage: Lineage) -> None:
    chart = _read_mermaid(to_mermaid(demo_lineage))
    drawn = Counter(
        (chart.ids[a], chart.ids[b], EdgeType(_mermaid_plain(label).split(" ")[0]))
        for a, _, label, b in chart.edges
    )
    assert drawn == _flows(demo_lineage)


def test_mermaid_draws_generates_from_prompt_to_completion(demo_lineage: Lineage) -> None:
    edge = _one(demo_lineage, EdgeType.GENERATES, NodeType.PROMPT, NodeType.COMPLETION)
    chart = _read_mermaid(to_mermaid(demo_lineage))
    drawn = [(chart.ids[a], chart.ids[b]) for a, _, label, b in chart.edges if label == "GENERATES"]
    assert (edge.source_id, edge.target_id) in drawn


def test_mermaid_draws_references_from_document_to_prompt_with_its_score(demo_lineage: Lineage) -> None:
    edge = _one(demo_lineage, EdgeType.REFERENCES, NodeType.PROMPT, NodeType.DOCUMENT)
    assert isinstance(edge, References)
    assert edge.score is not None
    chart = _read_mermaid(to_mermaid(demo_lineage))
    short = {node_id: s for s, node_id in chart.ids.items()}
    labels = [
        _mermaid_plain(label)
        for a, _, label, b in chart.edges
        if (a, b) == (short[edge.target_id], short[edge.source_id])
    ]
    assert labels == [f"REFERENCES (score {edge.score:.2f}, rank {edge.rank})"]


def test_mermaid_dots_the_edges_to_and_between_agents(demo_lineage: Lineage) -> None:
    chart = _read_mermaid(to_mermaid(demo_lineage))
    for _, arrow, label, _ in chart.edges:
        agent_edge = label.split(" ")[0] in {"HANDLED_BY", "TRANSFERS_TO"}
        assert arrow == ("-.->" if agent_edge else "-->")


def test_mermaid_quotes_labels_that_contain_brackets(payload_lineage: Lineage) -> None:
    chart = _read_mermaid(to_mermaid(payload_lineage))
    for label in [*chart.labels.values(), *(e[2] for e in chart.edges)]:
        bare = re.sub(r"#(?:\d+|[a-z]+);", "", label.replace("<br>", ""))
        assert not set(bare) & set('"<>[](){}|;#`\\&'), label


def test_mermaid_labels_keep_the_payload_text_readable(payload_lineage: Lineage) -> None:
    chart = _read_mermaid(to_mermaid(payload_lineage))
    shown = [_squeeze(_mermaid_plain(label)) for label in chart.labels.values()]
    assert any(_squeeze(PAYLOAD) in text for text in shown)


def test_mermaid_shows_a_backslash_before_n_as_a_backslash(memory_graph: MemoryGraph) -> None:
    prompt = memory_graph.add_prompt("C:\\new")
    chart = _read_mermaid(to_mermaid(memory_graph.lineage(prompt)))
    assert "C:\\new" in _mermaid_plain(chart.labels["n0"])


def test_mermaid_highlights_the_root(demo_lineage: Lineage) -> None:
    text = to_mermaid(demo_lineage)
    root = [n.id for n in demo_lineage.nodes].index(demo_lineage.root_id)
    assert "    classDef root stroke:#d50000,stroke-width:4px" in text.splitlines()
    assert text.splitlines()[-1] == f"    class n{root} root"


def test_mermaid_gives_each_node_type_present_one_colour_class(demo_lineage: Lineage) -> None:
    lines = to_mermaid(demo_lineage).splitlines()
    present = {str(n.type) for n in demo_lineage.nodes}
    defined = {line.split()[1] for line in lines if line.startswith("    classDef ")}
    assert defined == present | {"root"}


# ---------------------------------------------------------------- DOT


def test_dot_names_every_node_once_by_its_full_id(demo_lineage: Lineage) -> None:
    graph = _read_dot(to_dot(demo_lineage))
    assert list(graph.nodes) == [n.id for n in demo_lineage.nodes]


def test_dot_draws_every_edge_once_from_input_to_output(demo_lineage: Lineage) -> None:
    graph = _read_dot(to_dot(demo_lineage))
    assert sorted(attrs["id"] for _, _, attrs in graph.edges) == sorted(e.id for e in demo_lineage.edges)
    drawn = Counter((a, b, EdgeType(attrs["label"].split(" ")[0])) for a, b, attrs in graph.edges)
    assert drawn == _flows(demo_lineage)


def test_dot_draws_references_from_document_to_prompt(demo_lineage: Lineage) -> None:
    edge = _one(demo_lineage, EdgeType.REFERENCES, NodeType.PROMPT, NodeType.DOCUMENT)
    graph = _read_dot(to_dot(demo_lineage))
    (drawn,) = [(a, b) for a, b, attrs in graph.edges if attrs["id"] == edge.id]
    assert drawn == (edge.target_id, edge.source_id)


def test_dot_draws_generates_from_prompt_to_completion(demo_lineage: Lineage) -> None:
    edge = _one(demo_lineage, EdgeType.GENERATES, NodeType.PROMPT, NodeType.COMPLETION)
    graph = _read_dot(to_dot(demo_lineage))
    (drawn,) = [(a, b) for a, b, attrs in graph.edges if attrs["id"] == edge.id]
    assert drawn == (edge.source_id, edge.target_id)


def test_dot_escapes_quotes_backslashes_and_newlines_in_labels(memory_graph: MemoryGraph) -> None:
    prompt = memory_graph.add_prompt('He said "hi" \\ then C:\\new\\table')
    text = to_dot(memory_graph.lineage(prompt))
    assert '\\"hi\\"' in text
    assert "C:\\\\new\\\\table" in text
    graph = _read_dot(text)  # every string is closed where it should be
    label = graph.nodes[prompt.id]["label"]
    assert label.split("\n")[0] == "Prompt · root"
    assert 'Hesaid"hi"\\thenC:\\new\\table' in _squeeze(label)


def test_dot_keeps_the_payload_inside_its_strings(payload_lineage: Lineage) -> None:
    graph = _read_dot(to_dot(payload_lineage))
    labels = [_squeeze(attrs["label"]) for attrs in graph.nodes.values()]
    assert any(_squeeze(PAYLOAD) in label for label in labels)


def test_dot_highlights_the_root_with_a_bold_red_border(demo_lineage: Lineage) -> None:
    graph = _read_dot(to_dot(demo_lineage))
    bold = [node_id for node_id, attrs in graph.nodes.items() if "penwidth" in attrs]
    assert bold == [demo_lineage.root_id]
    assert graph.nodes[demo_lineage.root_id]["color"] == "#d50000"


def test_dot_gives_each_node_type_its_own_fill_colour(demo_lineage: Lineage) -> None:
    graph = _read_dot(to_dot(demo_lineage))
    fills: dict[str, set[str]] = defaultdict(set)
    for node in demo_lineage.nodes:
        fills[node.type].add(graph.nodes[node.id]["fillcolor"])
    assert all(len(colours) == 1 for colours in fills.values())
    assert len({c for colours in fills.values() for c in colours}) == len(fills)


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)"
)
@pytest.mark.parametrize("name", ["demo_lineage", "payload_lineage", "cycle_lineage", "every_type"])
def test_dot_renders_to_svg_with_graphviz(name: str, request: pytest.FixtureRequest) -> None:
    lineage = request.getfixturevalue(name)
    run = subprocess.run(
        ["dot", "-Tsvg"], input=to_dot(lineage), capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "<svg" in run.stdout
    assert "<script>alert" not in run.stdout


# ---------------------------------------------------------------- HTML


def test_html_draws_every_node_once(demo_lineage: Lineage) -> None:
    page = _Page(to_html(demo_lineage))
    assert [a["data-i"] for a in page.having("g", "node")] == [str(i) for i in range(len(demo_lineage.nodes))]
    assert [n["id"] for n in page.data()["nodes"]] == [n.id for n in demo_lineage.nodes]  # type: ignore[index]


def test_html_draws_every_edge_once_from_input_to_output(demo_lineage: Lineage) -> None:
    page = _Page(to_html(demo_lineage))
    ids = [n.id for n in demo_lineage.nodes]
    drawn = Counter(
        (ids[int(a["data-from"] or "")], ids[int(a["data-to"] or "")]) for a in page.having("path", "edge")
    )
    assert drawn == Counter((a, b) for (a, b, _), count in _flows(demo_lineage).items() for _ in range(count))
    assert sorted(e["id"] for e in page.data()["edges"]) == sorted(e.id for e in demo_lineage.edges)  # type: ignore[index, union-attr]


def test_html_draws_references_from_document_to_prompt(demo_lineage: Lineage) -> None:
    edge = _one(demo_lineage, EdgeType.REFERENCES, NodeType.PROMPT, NodeType.DOCUMENT)
    ids = [n.id for n in demo_lineage.nodes]
    page = _Page(to_html(demo_lineage))
    pairs = {(a["data-from"], a["data-to"]) for a in page.having("path", "edge")}
    assert (str(ids.index(edge.target_id)), str(ids.index(edge.source_id))) in pairs


def test_html_marks_the_root_box(demo_lineage: Lineage) -> None:
    page = _Page(to_html(demo_lineage))
    ids = [n.id for n in demo_lineage.nodes]
    assert [a["data-i"] for a in page.having("g", "root")] == [str(ids.index(demo_lineage.root_id))]


def test_html_legend_names_each_node_type_shown(demo_lineage: Lineage) -> None:
    page = _Page(to_html(demo_lineage))
    swatches = {
        c.removeprefix("t-") for a in page.having("span", "swatch") for c in (a["class"] or "").split()
    }
    assert {str(n.type) for n in demo_lineage.nodes} <= swatches


def test_html_embeds_each_nodes_full_json_with_its_depth(demo_lineage: Lineage) -> None:
    nodes = _Page(to_html(demo_lineage)).data()["nodes"]
    assert isinstance(nodes, list)
    for node, shown in zip(demo_lineage.nodes, nodes, strict=True):
        assert shown == node.model_dump(mode="json") | {"depth": demo_lineage.depths[node.id]}


def test_html_escapes_a_script_injection(payload_lineage: Lineage) -> None:
    text = to_html(payload_lineage, title="</title><script>alert(2)</script>")
    assert "<script>alert" not in text
    assert "</script><script>" not in text
    page = _Page(text)
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", None]
    assert "</title><script>alert(2)</script>" in page.texts  # the title, shown as text


def test_html_keeps_the_payload_text_readable(payload_lineage: Lineage) -> None:
    page = _Page(to_html(payload_lineage))
    assert any(_squeeze(PAYLOAD) in _squeeze(t) for t in page.texts)
    contents = [n.get("content") for n in page.data()["nodes"]]  # type: ignore[union-attr]
    assert PAYLOAD in contents


def test_html_data_block_cannot_close_its_script_tag(payload_lineage: Lineage) -> None:
    page = _Page(to_html(payload_lineage))
    (data,) = [t for a, t in page.scripts if a.get("type") == "application/json"]
    assert "<" not in data
    assert ">" not in data


def test_html_loads_nothing_from_the_network(demo_lineage: Lineage) -> None:
    text = to_html(demo_lineage)
    page = _Page(text)
    assert not [(t, a) for t, a in page.tags if {"src", "href", "xlink:href", "srcset", "action"} & set(a)]
    assert not [t for t, _ in page.tags if t in {"link", "img", "iframe", "object", "embed", "base", "image"}]
    assert not re.search(r"url\((?!#)", text)
    assert "@import" not in text
    assert not re.search(r"""=\s*["']?\s*(?:https?:)?//""", text)  # no attribute names a URL
    script = "".join(t for a, t in page.scripts if a.get("type") is None)
    assert not re.search(r"fetch|XMLHttpRequest|WebSocket|EventSource|import\(|\.src\b|\.href\b", script)


def test_html_policy_forbids_any_load_and_allows_only_its_own_script(demo_lineage: Lineage) -> None:
    page = _Page(to_html(demo_lineage))
    (policy,) = [
        a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy is not None
    assert "default-src 'none'" in policy
    (script,) = [t for a, t in page.scripts if a.get("type") is None]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_html_places_boxes_where_the_layout_says(demo_lineage: Lineage) -> None:
    ids = [n.id for n in demo_lineage.nodes]
    layout = lay_out(ids, [(a, b) for a, b, _ in _flows(demo_lineage)])
    page = _Page(to_html(demo_lineage))
    placed = [a["transform"] for a in page.having("g", "node")]
    assert placed == [f"translate({layout.boxes[i].x},{layout.boxes[i].y})" for i in ids]


# ---------------------------------------------------------------- layout


def _assert_no_overlap(boxes: Sequence[tuple[int, int, int, int, int]]) -> None:
    """Check (x, y, width, height, layer) boxes: one column per layer, no two boxes touching."""
    by_layer: dict[int, list[tuple[int, int, int, int, int]]] = defaultdict(list)
    for box in boxes:
        by_layer[box[4]].append(box)
    for column in by_layer.values():
        assert len({(x, w) for x, _, w, _, _ in column}) == 1
        column.sort(key=lambda b: b[1])
        for upper, lower in itertools.pairwise(column):
            assert upper[1] + upper[3] <= lower[1]
    spans = sorted((c[0][0], c[0][0] + c[0][2]) for c in by_layer.values())
    for left, right in itertools.pairwise(spans):
        assert left[1] <= right[0]


def _tree_of_300(graph: MemoryGraph) -> Completion:
    """Record a 300-node provenance tree; return its final answer, the root."""
    answer, final = Completion(content="final answer"), Prompt(content="final prompt")
    nodes: list[Node] = [answer, final]
    edges: list[Edge] = [Generates(source_id=final.id, target_id=answer.id)]

    def cite(prompt: Prompt, count: int, tag: str) -> None:
        for k in range(count):
            document = Document(content=f"document {tag}.{k}", title=f"Document {tag}.{k}")
            nodes.append(document)
            edges.append(References(source_id=prompt.id, target_id=document.id, score=1 - k / 10, rank=k + 1))

    cite(final, 8, "final")
    for branch in range(29):
        prompt, completion = Prompt(content=f"step {branch}"), Completion(content=f"result {branch}")
        nodes += [prompt, completion]
        edges.append(Generates(source_id=prompt.id, target_id=completion.id))
        edges.append(DependsOn(source_id=final.id, target_id=completion.id))
        cite(prompt, 8, str(branch))
    graph.add(nodes, edges)
    return answer


@pytest.mark.slow
def test_html_lays_out_300_nodes_without_overlapping_boxes(memory_graph: MemoryGraph) -> None:
    lineage = memory_graph.lineage(_tree_of_300(memory_graph))
    assert len(lineage.nodes) == 300
    ids = [n.id for n in lineage.nodes]
    layout = lay_out(ids, [(a, b) for a, b, _ in _flows(lineage)])
    _assert_no_overlap([(b.x, b.y, b.width, b.height, b.layer) for b in layout.boxes.values()])
    page = _Page(to_html(lineage))
    assert len(page.having("g", "node")) == 300
    assert len(page.having("path", "edge")) == len(lineage.edges)


def test_layout_puts_every_input_left_of_what_it_fed(demo_lineage: Lineage) -> None:
    flows = [(a, b) for a, b, _ in _flows(demo_lineage)]
    layout = lay_out([n.id for n in demo_lineage.nodes], flows)
    assert not layout.back
    assert all(layout.boxes[a].layer < layout.boxes[b].layer for a, b in flows)
    _assert_no_overlap([(b.x, b.y, b.width, b.height, b.layer) for b in layout.boxes.values()])


def test_layout_routes_long_edges_between_boxes_not_through_them(demo_lineage: Lineage) -> None:
    flows = [(a, b) for a, b, _ in _flows(demo_lineage)]
    layout = lay_out([n.id for n in demo_lineage.nodes], flows)
    for a, b in flows:
        route, start, end = layout.routes[(a, b)], layout.boxes[a], layout.boxes[b]
        assert route[0][0] == start.x + start.width
        assert start.y < route[0][1] < start.y + start.height
        assert route[-1][0] == end.x
        assert end.y < route[-1][1] < end.y + end.height
        for (x, y), (_, y1) in zip(route[1:-1:2], route[2:-1:2], strict=True):  # straight runs across columns
            assert y == y1
            crossed = [box for box in layout.boxes.values() if box.x == x]
            assert crossed
            assert not [box for box in crossed if box.y <= y <= box.y + box.height]


def test_layout_spreads_the_arrows_that_reach_one_box(demo_lineage: Lineage) -> None:
    flows = [(a, b) for a, b, _ in _flows(demo_lineage)]
    layout = lay_out([n.id for n in demo_lineage.nodes], flows)
    arriving: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, b in flows:
        arriving[b].append(layout.routes[(a, b)][-1])
    assert max(len(points) for points in arriving.values()) > 3
    for points in arriving.values():
        assert len(set(points)) == len(points)


def test_layout_breaks_a_cycle_by_drawing_one_edge_backwards(cycle_lineage: Lineage) -> None:
    flows = [(a, b) for a, b, _ in _flows(cycle_lineage)]
    layout = lay_out([n.id for n in cycle_lineage.nodes], flows)
    assert len(layout.back) == 1
    (a, b) = next(iter(layout.back))
    assert layout.boxes[a].layer > layout.boxes[b].layer
    assert all(layout.boxes[x].layer < layout.boxes[y].layer for x, y in flows if (x, y) not in layout.back)


def test_layout_lays_out_a_long_chain_without_recursion() -> None:
    ids = [f"node-{i}" for i in range(3000)]
    layout = lay_out(ids, list(itertools.pairwise(ids)))
    assert [layout.boxes[i].layer for i in ids] == list(range(3000))


def test_layout_of_nothing_is_an_empty_canvas() -> None:
    layout = lay_out([], [])
    assert layout.boxes == {}
    assert layout.routes == {}


# ---------------------------------------------------------------- every format


@pytest.mark.parametrize("export", EXPORTS, ids=EXPORT_IDS)
def test_export_is_byte_identical_for_the_same_subgraph(
    export: Callable[[Lineage], str], memory_graph: MemoryGraph
) -> None:
    answer = record_demo(memory_graph).answer_id
    assert export(memory_graph.lineage(answer)) == export(memory_graph.lineage(answer))


@pytest.mark.slow
def test_exports_do_not_depend_on_the_hash_seed() -> None:
    program = (
        "import hashlib\n"
        "from tests.test_export import _three_nodes\n"
        "from llm_memory_graph.views.export import to_dot, to_html, to_mermaid\n"
        "s = _three_nodes()\n"
        "print(hashlib.sha256((to_mermaid(s) + to_dot(s) + to_html(s)).encode()).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert run.returncode == 0, run.stderr
        digests.add(run.stdout)
    assert len(digests) == 1


@pytest.mark.parametrize("export", EXPORTS, ids=EXPORT_IDS)
def test_export_draws_all_three_edges_of_a_cycle(
    export: Callable[[Lineage], str], cycle_lineage: Lineage
) -> None:
    text = export(cycle_lineage)
    assert text.count("DEPENDS_ON") >= 3
    for node in cycle_lineage.nodes:
        assert node.id in text


def test_html_draws_the_edge_that_closes_a_cycle_backwards(cycle_lineage: Lineage) -> None:
    page = _Page(to_html(cycle_lineage))
    assert len(page.having("path", "back")) == 1
    assert len(page.having("path", "edge")) == 3


def test_mermaid_of_an_empty_subgraph_is_just_the_header() -> None:
    chart = _read_mermaid(to_mermaid(Subgraph(nodes=[], edges=[])))
    assert (chart.labels, chart.edges) == ({}, [])


def test_dot_of_an_empty_subgraph_is_an_empty_digraph() -> None:
    graph = _read_dot(to_dot(Subgraph(nodes=[], edges=[])))
    assert (graph.nodes, graph.edges) == ({}, [])


def test_html_of_an_empty_subgraph_says_there_is_nothing_to_draw() -> None:
    page = _Page(to_html(Subgraph(nodes=[], edges=[])))
    assert "Nothing to draw: this subgraph has no nodes." in page.texts
    assert page.data() == {"root_id": None, "nodes": [], "edges": []}


@pytest.mark.parametrize("export", EXPORTS, ids=EXPORT_IDS)
def test_export_renders_a_single_node(export: Callable[[Lineage], str], memory_graph: MemoryGraph) -> None:
    prompt = memory_graph.add_prompt("alone")
    assert prompt.id in export(memory_graph.lineage(prompt))


def test_exports_leave_out_edges_whose_ends_are_missing() -> None:
    prompt, answer = Prompt(content="q"), Completion(content="a")
    stray = Generates(source_id=prompt.id, target_id=Completion(content="elsewhere").id)
    subgraph = _Subgraph([prompt, answer], [Generates(source_id=prompt.id, target_id=answer.id), stray])
    assert len(_read_mermaid(to_mermaid(subgraph)).edges) == 1
    assert len(_read_dot(to_dot(subgraph)).edges) == 1
    assert len(_Page(to_html(subgraph)).having("path", "edge")) == 1


def test_exports_draw_a_node_listed_twice_once() -> None:
    prompt = Prompt(content="q")
    subgraph = _Subgraph([prompt, prompt])
    assert len(_read_mermaid(to_mermaid(subgraph)).labels) == 1
    assert len(_read_dot(to_dot(subgraph)).nodes) == 1


def test_exports_highlight_nothing_without_a_root() -> None:
    subgraph = _Subgraph([Prompt(content="q")])
    assert "root" not in to_mermaid(subgraph)
    assert "penwidth" not in _read_dot(to_dot(subgraph)).nodes[subgraph.nodes[0].id]
    assert not _Page(to_html(subgraph)).having("g", "root")


def test_exports_highlight_the_root_id_given_by_keyword(demo_lineage: Lineage) -> None:
    other = next(n.id for n in demo_lineage.nodes if n.id != demo_lineage.root_id)
    graph = _read_dot(to_dot(demo_lineage, root_id=other))
    assert [node_id for node_id, attrs in graph.nodes.items() if "penwidth" in attrs] == [other]
    assert _Page(to_html(demo_lineage, root_id=other)).data()["root_id"] == other


def test_every_node_type_has_a_style() -> None:
    assert set(_STYLES) == set(NodeType)


def test_every_node_type_draws_in_every_format(every_type: Subgraph) -> None:
    chart = _read_mermaid(to_mermaid(every_type))
    assert len(chart.labels) == len(NodeType)
    assert len(chart.edges) == len(every_type.edges)
    graph = _read_dot(to_dot(every_type))
    assert len(graph.nodes) == len(NodeType)
    assert len({attrs["shape"] for attrs in graph.nodes.values()}) >= 8
    page = _Page(to_html(every_type))
    assert len(page.having("g", "node")) == len(NodeType)


# ---------------------------------------------------------------- the sample in the docs


def _three_nodes() -> Lineage:
    """A fixed three-node lineage (prompt, completion, document) with fixed ids and times."""
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    prompt = Prompt(id="01940000-0000-7000-8000-000000000001", created_at=when, content="What is WAL mode?")
    answer = Completion(
        id="01940000-0000-7000-8000-000000000002",
        created_at=when,
        content="Write-ahead logging.",
        response_model="gpt-4o-mini",
        input_tokens=12,
        output_tokens=5,
    )
    document = Document(
        id="01940000-0000-7000-8000-000000000003", created_at=when, content="...", title="SQLite WAL"
    )
    edges: list[Edge] = [
        Generates(
            id="01940000-0000-7000-8000-000000000004",
            created_at=when,
            source_id=prompt.id,
            target_id=answer.id,
        ),
        References(
            id="01940000-0000-7000-8000-000000000005",
            created_at=when,
            source_id=prompt.id,
            target_id=document.id,
            score=0.91,
            rank=1,
        ),
    ]
    return Lineage(
        root_id=answer.id,
        direction=Direction.UP,
        nodes=[answer, prompt, document],
        edges=edges,
        depths={answer.id: 0, prompt.id: 1, document.id: 2},
    )


def test__three_nodes_draw_in_every_format() -> None:
    lineage = _three_nodes()
    assert len(_read_mermaid(to_mermaid(lineage)).edges) == 2
    assert len(_read_dot(to_dot(lineage)).edges) == 2
    assert len(_Page(to_html(lineage)).having("path", "edge")) == 2


# ---------------------------------------------------------------- bounds (issue 13, item 6)


def _prompts(count: int) -> list[Prompt]:
    return [Prompt(content=f"p{i}", created_at=datetime(2026, 1, 1, tzinfo=UTC)) for i in range(count)]


def test_html_refuses_a_dense_subgraph_before_laying_it_out() -> None:
    # 300 nodes and every one of their 44,850 pairs: the layout took 292 s and 3.3 GB.
    nodes = _prompts(300)
    edges = [DependsOn(source_id=a.id, target_id=b.id) for a, b in itertools.combinations(nodes, 2)]
    with pytest.raises(InvalidInputError, match="44,850 edges are more than the 2,000") as caught:
        to_html(Subgraph(nodes=nodes, edges=edges))
    assert caught.value.field == "max_edges"


@pytest.mark.parametrize(
    ("bounds", "field"),
    [
        pytest.param({"max_nodes": 17}, "max_nodes", id="nodes"),
        pytest.param({"max_edges": 30}, "max_edges", id="edges"),
    ],
)
def test_html_refuses_a_subgraph_past_a_bound_naming_it(
    demo_lineage: Lineage, bounds: dict[str, int], field: str
) -> None:
    with pytest.raises(InvalidInputError, match=f"raise {field}") as caught:
        to_html(demo_lineage, **bounds)
    assert caught.value.field == field


def test_html_draws_a_subgraph_that_fits_its_bounds_exactly(demo_lineage: Lineage) -> None:
    page = to_html(demo_lineage, max_nodes=18, max_edges=31)
    assert page.count('<g class="node') == 18


def test_html_refuses_edges_that_would_cross_too_many_columns() -> None:
    chain = _prompts(40)
    edges = [DependsOn(source_id=b.id, target_id=a.id) for a, b in itertools.pairwise(chain)]
    edges.append(DependsOn(source_id=chain[-1].id, target_id=chain[0].id))  # crosses 38 columns
    subgraph = Subgraph(nodes=chain, edges=edges)
    assert to_html(subgraph, max_crossings=38).startswith("<!DOCTYPE html>")
    with pytest.raises(InvalidInputError, match="cross 38 columns") as caught:
        to_html(subgraph, max_crossings=37)
    assert caught.value.field == "max_crossings"
