"""Text and JSON views of graph objects, for the command line; no I/O.

Every function returns a string or a JSON-ready value. Text views never need colour to be
read: ``color=True`` only adds ``click.style`` emphasis, which ``click.echo`` strips again
when the output is not a terminal. ``agents`` arguments map agent ids to agent names, so
an item's line can say who handled it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import click
from pydantic import BaseModel

from ..schema import (
    EDGE_RULES,
    Agent,
    Completion,
    Context,
    Conversation,
    Direction,
    Document,
    Edge,
    EdgeType,
    Feedback,
    Node,
    Prompt,
    PromptTemplate,
    References,
    TemplateVersion,
    ToolInvocation,
)
from ..spec import Lineage, Page, Stats

__all__ = [
    "clip",
    "dumps",
    "edge_json",
    "edge_label",
    "inert",
    "lineage_json",
    "lineage_tree",
    "node_details",
    "node_json",
    "node_line",
    "node_summary",
    "nodes_table",
    "page_json",
    "stats_json",
    "stats_table",
    "transcript_text",
    "visible",
]

#: Longest quoted excerpt of a node's text in one-line views.
CLIP_WIDTH = 60

_SEP = " · "

#: Branch order under one node: who handled it, then how it was made, then what it used.
_EDGE_ORDER: dict[EdgeType, int] = {
    t: i
    for i, t in enumerate(
        [
            EdgeType.HANDLED_BY,
            EdgeType.GENERATES,
            EdgeType.TRIGGERS,
            EdgeType.DEPENDS_ON,
            EdgeType.DERIVED_FROM,
            EdgeType.INSTANTIATES,
            EdgeType.INHERITS,
            EdgeType.REFERENCES,
            EdgeType.RATES,
            EdgeType.TRANSFERS_TO,
            EdgeType.CONTAINS,
            EdgeType.PRECEDES,
        ]
    )
}


# ---------------------------------------------------------------- control characters

# Stored text never drives the terminal (issue 13). C0 controls (ESC, BEL, CR, backspace
# ...), DEL, C1 controls (CSI, OSC ... as single code points) and the Unicode bidi
# overrides and isolates are shown as escapes; tab is kept, and newlines where the view
# has room for lines.
_BIDI = r"\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(rf"[\x00-\x08\x0a-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_BUT_NEWLINE = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
#: What JSON text must not carry raw: DEL, C1 and bidi controls (``json.dumps`` escapes C0).
_JSON_CONTROL = re.compile(rf"[\x7f-\x9f{_BIDI}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str, *, newlines: bool = False) -> str:
    """Return ``text`` with every control character shown, not obeyed: ``\\x1b`` for ESC,
    ``\\x9b`` for a C1 CSI, ``\\u202e`` for a bidi override. Tabs stay.

    :param newlines: keep line breaks (``\\r\\n`` becomes ``\\n``), for views that print
        a text over several lines (default ``False``: one-line views show ``\\x0a``).
    """
    if text.isprintable():
        return text
    if newlines:
        return _CONTROL_BUT_NEWLINE.sub(_escape, text.replace("\r\n", "\n"))
    return _CONTROL.sub(_escape, text)


#: ``visible`` under a name no local function shadows (``lineage_tree`` has a ``visible``).
_visible = visible


def inert(text: str) -> str:
    """Return text that is also JSON, HTML or source (a Mermaid or DOT drawing) with every
    control character but tab and newline as a ``\\u00XX`` escape, which JSON and
    JavaScript strings read back as the same character and a terminal prints as text.
    """
    return _CONTROL_BUT_NEWLINE.sub(_json_escape, text)


# ---------------------------------------------------------------- JSON


def node_json(node: Node) -> dict[str, Any]:
    """Return a node as a JSON-ready dict; it carries its ``id`` and ``type``."""
    return node.model_dump(mode="json")


def edge_json(edge: Edge) -> dict[str, Any]:
    """Return an edge as a JSON-ready dict with ``id``, ``type``, ``source_id`` and ``target_id``."""
    return edge.model_dump(mode="json")


def lineage_json(lineage: Lineage) -> dict[str, Any]:
    """Return a lineage as ``{"root_id", "direction", "nodes", "edges"}``.

    Each node carries a ``depth``: its distance in edges from the root.
    """
    return {
        "root_id": lineage.root_id,
        "direction": str(lineage.direction),
        "nodes": [node_json(n) | {"depth": lineage.depths.get(n.id)} for n in lineage.nodes],
        "edges": [edge_json(e) for e in lineage.edges],
    }


def page_json(page: Page) -> dict[str, Any]:
    """Return a page of results as ``{"items": [...], "next_cursor": ...}``."""
    return {"items": [node_json(n) for n in page.items], "next_cursor": page.next_cursor}


def stats_json(stats: Stats) -> dict[str, Any]:
    """Return counts as ``{"nodes": {type: n}, "edges": {type: n}}``."""
    return {
        "nodes": {str(t): n for t, n in stats.nodes.items()},
        "edges": {str(t): n for t, n in stats.edges.items()},
    }


def dumps(value: Any) -> str:
    """Return ``value`` as indented JSON text, keeping non-ASCII characters readable.

    Control characters are escaped (``\\u001b``, ``\\u009b``): the same JSON value, but
    text that cannot drive a terminal.
    """
    text = json.dumps(value, indent=2, ensure_ascii=False, default=_json_default)
    return _JSON_CONTROL.sub(_json_escape, text)


def _json_default(value: object) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# ---------------------------------------------------------------- one-line summaries


def clip(text: str, width: int = CLIP_WIDTH) -> str:
    """Return ``text`` on one line, cut to ``width`` characters with an ellipsis, in quotes;
    control characters are shown as escapes (see ``visible``).
    """
    flat = " ".join(text.split())
    if len(flat) > width:
        flat = flat[: width - 1].rstrip() + "…"
    return f'"{visible(flat)}"'


def node_summary(node: Node, *, agents: Mapping[str, str] | None = None) -> str:
    """Return what matters about a node on one line, without its type or id.

    :param agents: agent names by id (default none); an item handled by a known agent
        shows the agent's name first.
    """
    parts = _summary_parts(node)
    agent_id = getattr(node, "agent_id", None)
    if agents and isinstance(agent_id, str) and agent_id in agents:
        parts.insert(0, f"@{agents[agent_id]}")
    return visible(_SEP.join(p for p in parts if p))


def _summary_parts(node: Node) -> list[str]:
    if isinstance(node, Prompt):
        return [node.role, _tokens(node.token_count), clip(node.content)]
    if isinstance(node, Completion):
        return _completion_parts(node)
    if isinstance(node, ToolInvocation):
        return _tool_parts(node)
    if isinstance(node, Agent):
        role = f"({node.role})" if node.role and node.role != node.name else ""
        return [node.name, role, node.model or ""]
    if isinstance(node, Document):
        chunk = (
            f"chunk {node.chunk_index + 1}/{node.chunk_count}"
            if node.chunk_index is not None and node.chunk_count
            else ""
        )
        return [
            clip(node.title) if node.title else clip(node.content),
            node.source or "",
            chunk,
            node.uri or "",
        ]
    if isinstance(node, Context):
        return [node.kind, _tokens(node.token_count), clip(node.content)]
    if isinstance(node, Feedback):
        return _feedback_parts(node)
    if isinstance(node, Conversation):
        title = clip(node.title) if node.title else "(untitled)"
        user = f"user {node.user_id}" if node.user_id else ""
        return [title, user, str(node.status), _plural(node.item_count, "item")]
    if isinstance(node, PromptTemplate):
        return [node.name, clip(node.description) if node.description else ""]
    if isinstance(node, TemplateVersion):
        version = f"v{node.version}" + (f" ({node.semver})" if node.semver else "")
        return [version, clip(node.message) if node.message else "", clip(node.body)]
    return []  # pragma: no cover - every node type is handled above


def _completion_parts(node: Completion) -> list[str]:
    tokens = ""
    if node.input_tokens is not None or node.output_tokens is not None:
        tokens = f"{_num(node.input_tokens)} in / {_num(node.output_tokens)} out tokens"
    elif node.total_tokens is not None:
        tokens = _tokens(node.total_tokens)
    cost = f"${node.cost_usd:.4f}" if node.cost_usd is not None else ""
    latency = _millis(node.latency_ms)
    finish = node.finish_reason if node.finish_reason not in (None, "stop") else ""
    error = f"error: {clip(node.error, 40)}" if node.error else ""
    model = node.response_model or node.request_model or ""
    return [model, tokens, cost, latency, finish or "", error, clip(node.content)]


def _tool_parts(node: ToolInvocation) -> list[str]:
    args = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in node.arguments.items())
    call = node.tool_name + "(" + (args if len(args) <= 50 else args[:49] + "…") + ")"
    if node.error is not None:
        outcome = f"error: {clip(node.error, 40)}"
    elif node.result is not None:
        outcome = "→ " + clip(json.dumps(node.result, ensure_ascii=False), 40)
    else:
        outcome = ""
    return [call, str(node.status), _millis(node.duration_ms), outcome]


def _feedback_parts(node: Feedback) -> list[str]:
    score = f"score {node.score:g}" if node.score is not None else ""
    by = f"by {node.rater}" if node.rater else str(node.source)
    return [score, node.label or "", clip(node.comment) if node.comment else "", by]


def _num(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _tokens(value: int | None) -> str:
    return "" if value is None else f"{value:,} tokens"


def _millis(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def node_line(node: Node, *, agents: Mapping[str, str] | None = None, color: bool = False) -> str:
    """Return ``Type summary [full id]`` for a node, the id whole so it can be copied."""
    kind = click.style(str(node.type), bold=True) if color else str(node.type)
    node_id = click.style(f"[{node.id}]", dim=True) if color else f"[{node.id}]"
    summary = node_summary(node, agents=agents)
    return f"{kind} {summary}  {node_id}" if summary else f"{kind}  {node_id}"


def edge_label(edge: Edge) -> str:
    """Return an edge's type with the properties worth reading: score and rank, or reason."""
    extras: list[str] = []
    if isinstance(edge, References):
        if edge.score is not None:
            extras.append(f"score {edge.score:.2f}")
        if edge.rank is not None:
            extras.append(f"rank {edge.rank}")
    reason = getattr(edge, "reason", None)
    if isinstance(reason, str) and reason:
        extras.append(clip(reason, 50))
    return visible(f"{edge.type} ({', '.join(extras)})") if extras else str(edge.type)


# ---------------------------------------------------------------- lineage tree


@dataclass(frozen=True)
class _Branch:
    edge: Edge
    child: str
    count: int


def _children(lineage: Lineage, nodes: Mapping[str, Node]) -> dict[str, list[_Branch]]:
    """Group the lineage's edges under the node one step nearer the root."""
    grouped: dict[tuple[str, str, EdgeType], list[Edge]] = {}
    for edge in lineage.edges:
        if EDGE_RULES[edge.type].input_end == "source":
            upstream, downstream = edge.source_id, edge.target_id
        else:
            upstream, downstream = edge.target_id, edge.source_id
        parent, child = (
            (downstream, upstream) if lineage.direction is Direction.UP else (upstream, downstream)
        )
        if parent in nodes and child in nodes:
            grouped.setdefault((parent, child, edge.type), []).append(edge)
    children: dict[str, list[_Branch]] = {}
    for (parent, child, _), edges in grouped.items():
        first = min(edges, key=lambda e: (e.created_at, e.id))
        children.setdefault(parent, []).append(_Branch(first, child, len(edges)))

    def order(branch: _Branch) -> tuple[int, int, datetime, str]:
        rank = getattr(branch.edge, "rank", None)
        node = nodes[branch.child]
        return (_EDGE_ORDER.get(branch.edge.type, 99), rank or 0, node.created_at, node.id)

    for branches in children.values():
        branches.sort(key=order)
    return children


def lineage_tree(lineage: Lineage, *, agents: Mapping[str, str] | None = None, color: bool = False) -> str:
    """Return a lineage as an indented tree, the root first.

    Under each node come the nodes one provenance step away (inputs when walking up,
    outputs when walking down), each branch labelled with the edge that joins them. A node
    reached again is printed once in full and afterwards as ``(see above)``, except that
    an item's agent, already named on the item's line as ``@name``, is not repeated.
    Parallel edges of one type between the same two nodes are shown once, with a count.

    :param agents: agent names by id (default none) for items whose agent is not in the
        lineage (walking down never reaches agents); the lineage's own agents are known.
    """
    nodes = {n.id: n for n in lineage.nodes}
    if lineage.root_id not in nodes:
        return f"(no node {lineage.root_id} in this lineage)"
    agents = dict(agents or {}) | {n.id: n.name for n in lineage.nodes if isinstance(n, Agent)}
    children = _children(lineage, nodes)
    lines = [node_line(nodes[lineage.root_id], agents=agents, color=color)]
    seen = {lineage.root_id}

    def visible(parent: str) -> list[_Branch]:
        handled_by = getattr(nodes[parent], "agent_id", None)
        return [
            b
            for b in children.get(parent, [])
            if not (b.edge.type is EdgeType.HANDLED_BY and b.child == handled_by and b.child in seen)
        ]

    # Depth-first without recursion: a long chain must not hit Python's recursion limit.
    stack: list[tuple[str, list[_Branch], int]] = [("", visible(lineage.root_id), 0)]
    while stack:
        prefix, branches, index = stack.pop()
        if index >= len(branches):
            continue
        stack.append((prefix, branches, index + 1))
        branch = branches[index]
        last = index == len(branches) - 1
        label = edge_label(branch.edge) + (f" ({branch.count} edges)" if branch.count > 1 else "")
        if color:
            label = click.style(label, fg="cyan")
        node = nodes[branch.child]
        head = f"{prefix}{'└─ ' if last else '├─ '}{label}: "
        if branch.child in seen:
            name = f" {_visible(node.name)}" if isinstance(node, Agent) else ""
            node_id = click.style(f"[{node.id}]", dim=True) if color else f"[{node.id}]"
            lines.append(f"{head}{node.type}{name} (see above)  {node_id}")
            continue
        seen.add(branch.child)
        lines.append(head + node_line(node, agents=agents, color=color))
        stack.append((prefix + ("   " if last else "│  "), visible(branch.child), 0))
    return "\n".join(lines)


# ---------------------------------------------------------------- tables and pages


def nodes_table(
    nodes: Sequence[Node], *, agents: Mapping[str, str] | None = None, color: bool = False
) -> str:
    """Return one line per node: creation time (UTC), id, type and summary."""
    lines = []
    for node in nodes:
        when = node.created_at.strftime("%Y-%m-%d %H:%M:%S")
        kind = f"{node.type!s:<15}"
        node_id = node.id
        if color:
            kind, node_id = click.style(kind, bold=True), click.style(node_id, dim=True)
        lines.append(f"{when}  {node_id}  {kind} {node_summary(node, agents=agents)}".rstrip())
    return "\n".join(lines)


def stats_table(stats: Stats, *, include_empty: bool = True) -> str:
    """Return node and edge counts by type, with totals, as an aligned table.

    :param include_empty: also list types with no nodes or edges (default ``True``).
    """
    rows: list[tuple[str, int]] = [("Nodes", stats.total_nodes)]
    rows += [(f"  {t}", n) for t, n in sorted(stats.nodes.items()) if n or include_empty]
    rows += [("Edges", stats.total_edges)]
    rows += [(f"  {t}", n) for t, n in sorted(stats.edges.items()) if n or include_empty]
    width = max(len(name) for name, _ in rows)
    digits = max(len(f"{n:,}") for _, n in rows)
    return "\n".join(f"{name:<{width}}  {n:>{digits},}" for name, n in rows)


def transcript_text(
    conversation: Conversation,
    items: Iterable[Node],
    *,
    agents: Mapping[str, str] | None = None,
    color: bool = False,
) -> str:
    """Return a conversation's header line, then one numbered line per item in order."""
    lines = [node_line(conversation, color=color)]
    for item in items:
        sequence = getattr(item, "sequence", None)
        number = f"{sequence:>3}." if sequence is not None else "   -"
        lines.append(f"{number} {node_line(item, agents=agents, color=color)}")
    return "\n".join(lines)


def node_details(node: Node, *, agents: Mapping[str, str] | None = None) -> str:
    """Return every field of a node, one per line; long text and JSON values are indented.

    :param agents: agent names by id (default none), shown next to ``agent_id``.
    """
    data = node_json(node)
    width = max(len(key) for key in data)
    lines = [f"{node.type} {node.id}"]
    for key, value in data.items():
        if key in ("id", "type"):
            continue
        text = _field_text(value)
        if key == "agent_id" and agents and value in agents:
            text += f" ({agents[value]})"
        if "\n" in text:
            lines.append(f"  {key}:")
            lines.extend(f"      {line}" for line in visible(text, newlines=True).split("\n"))
        else:
            lines.append(f"  {key:<{width}}  {visible(text)}")
    return "\n".join(lines)


def _field_text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list) and value:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)
