"""Pictures of a subgraph, for people who would rather look than read: Mermaid, DOT and HTML; no I/O.

Every function takes a :class:`~llm_memory_graph.spec.Lineage`, a
:class:`~llm_memory_graph.spec.Subgraph`, a :class:`~llm_memory_graph.spec.GraphPath`, or
anything else with ``nodes`` and ``edges``, and returns text. Arrows always mean "fed":
they run from an edge's provenance input to its output (``EDGE_RULES[type].input_end``),
so a REFERENCES edge, stored prompt -> document, is drawn document -> prompt, and inputs
sit left of what they fed. Edges whose ends are not both in the subgraph are left out,
and a node or edge listed twice is drawn once.

The output is deterministic: the same subgraph gives byte-identical text, so pictures can
be diffed and tested. User text is escaped for each format, and the HTML page loads
nothing from anywhere: its layout is computed here and drawn as inline SVG.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import InvalidInputError
from ..schema import EDGE_RULES, Agent, Edge, EdgeType, Node, NodeType, References
from .layout import HTML_MAX_CROSSINGS, HTML_MAX_EDGES, HTML_MAX_NODES, Box, Layout, Point, lay_out
from .text import edge_json, edge_label, node_json, node_summary

__all__ = [
    "HTML_MAX_CROSSINGS",
    "HTML_MAX_EDGES",
    "HTML_MAX_NODES",
    "SubgraphLike",
    "to_dot",
    "to_html",
    "to_mermaid",
]


class SubgraphLike(Protocol):
    """Anything with the nodes and edges of a subgraph: ``Lineage``, ``Subgraph``, ``GraphPath`` ..."""

    @property
    def nodes(self) -> Sequence[Node]:
        """The nodes to draw, in the order their ids are given out (``n0``, ``n1`` ...)."""
        ...

    @property
    def edges(self) -> Sequence[Edge]:
        """The edges to draw; those with an end outside ``nodes`` are left out."""
        ...


# ---------------------------------------------------------------- styles


@dataclass(frozen=True)
class _Style:
    """How one node type looks: colours, Graphviz shape, Mermaid brackets, HTML corner radius."""

    fill: str
    stroke: str
    dot_shape: str
    mermaid_open: str
    mermaid_close: str
    corner: int


_STYLES: Mapping[NodeType, _Style] = {
    NodeType.CONVERSATION: _Style("#eceff1", "#546e7a", "folder", "[[", "]]", 2),
    NodeType.PROMPT: _Style("#e3f2fd", "#1e88e5", "box", "[", "]", 2),
    NodeType.COMPLETION: _Style("#e8f5e9", "#43a047", "box", "(", ")", 12),
    NodeType.TOOL_INVOCATION: _Style("#fff3e0", "#fb8c00", "hexagon", "{{", "}}", 2),
    NodeType.AGENT: _Style("#f3e5f5", "#8e24aa", "ellipse", "([", "])", 29),
    NodeType.DOCUMENT: _Style("#fffde7", "#f9a825", "cylinder", "[(", ")]", 2),
    NodeType.CONTEXT: _Style("#e0f7fa", "#00acc1", "parallelogram", "[/", "/]", 2),
    NodeType.FEEDBACK: _Style("#fce4ec", "#d81b60", "cds", ">", "]", 2),
    NodeType.PROMPT_TEMPLATE: _Style("#ede7f6", "#5e35b1", "tab", "[[", "]]", 2),
    NodeType.TEMPLATE_VERSION: _Style("#efebe9", "#6d4c41", "note", "[", "]", 2),
}

_ROOT_STROKE = "#d50000"
_TEXT_COLOUR = "#1a1a1a"

#: Edges about who did the work rather than what fed what; drawn dashed.
_AGENT_EDGES = frozenset({EdgeType.HANDLED_BY, EdgeType.TRANSFERS_TO})


# ---------------------------------------------------------------- shared preparation


@dataclass(frozen=True)
class _Flow:
    """One edge seen as provenance: ``input_id`` fed ``output_id``."""

    edge: Edge
    input_id: str
    output_id: str


@dataclass(frozen=True)
class _Prepared:
    """A subgraph ready to draw: unique nodes, their indexes, oriented edges, the root if present."""

    nodes: list[Node]
    index: dict[str, int]
    flows: list[_Flow]
    root_id: str | None
    agents: dict[str, str]


def _prepare(subgraph: SubgraphLike, root_id: str | None) -> _Prepared:
    """Drop duplicates and dangling edges, orient every edge input -> output, find the root."""
    nodes: list[Node] = []
    index: dict[str, int] = {}
    for node in subgraph.nodes:
        if node.id not in index:
            index[node.id] = len(nodes)
            nodes.append(node)
    flows: list[_Flow] = []
    seen: set[str] = set()
    for edge in subgraph.edges:
        if edge.id in seen or edge.source_id not in index or edge.target_id not in index:
            continue
        seen.add(edge.id)
        if EDGE_RULES[edge.type].input_end == "source":
            flows.append(_Flow(edge, edge.source_id, edge.target_id))
        else:
            flows.append(_Flow(edge, edge.target_id, edge.source_id))
    if root_id is None:
        given = getattr(subgraph, "root_id", None)
        root_id = given if isinstance(given, str) else None
    agents = {n.id: n.name for n in nodes if isinstance(n, Agent)}
    return _Prepared(nodes, index, flows, root_id if root_id in index else None, agents)


def _header(node: Node, root_id: str | None) -> str:
    return f"{node.type} · root" if node.id == root_id else str(node.type)


def _summary_lines(node: Node, agents: Mapping[str, str], *, width: int, lines: int) -> list[str]:
    """Return the node's one-line summary wrapped to at most ``lines`` lines of ``width``."""
    flat = _flat(node_summary(node, agents=agents))
    return textwrap.wrap(flat, width=width, max_lines=lines, placeholder=" …")


def _flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- Mermaid

# Characters that could end a label or open markup, as Mermaid entity codes. Mermaid turns
# "#name;" into "&name;" after parsing, so "#" itself must be coded too.
_MERMAID_CODES = {
    '"': "#quot;",
    "#": "#35;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "[": "#91;",
    "]": "#93;",
    "(": "#40;",
    ")": "#41;",
    "{": "#123;",
    "}": "#125;",
    "|": "#124;",
    ";": "#59;",
    # A word joiner after a backslash: Mermaid would otherwise turn a backslash and "n" into a line break.
    "\\": "#92;#8288;",
}
_MERMAID_TABLE = str.maketrans(_MERMAID_CODES)


def _mermaid_text(text: str) -> str:
    """Return ``text`` on one line with every character Mermaid could read as syntax coded."""
    return _flat(text).translate(_MERMAID_TABLE)


def to_mermaid(subgraph: SubgraphLike, *, root_id: str | None = None) -> str:
    """Return a Mermaid ``flowchart LR`` of the subgraph: inputs on the left, arrows meaning "fed".

    Nodes get short ids in the order given (``n0``, ``n1`` ...; a comment maps each to its
    full id), a shape and colour per node type, and a label with the type and a short
    summary. Edges carry their type (with score, rank or reason where the edge has one);
    agent edges (HANDLED_BY, TRANSFERS_TO) are dotted.

    :param root_id: the node to highlight; default the subgraph's own ``root_id`` if it
        has one. An id not in the subgraph highlights nothing.
    """
    prepared = _prepare(subgraph, root_id)
    short = {node.id: f"n{i}" for i, node in enumerate(prepared.nodes)}
    lines = [
        "flowchart LR",
        f"    %% {len(prepared.nodes)} nodes, {len(prepared.flows)} edges; "
        "arrows point from an input to what it fed",
    ]
    lines += [f"    %% {short[node.id]} = {node.id}" for node in prepared.nodes]
    for node in prepared.nodes:
        style = _STYLES[node.type]
        text = [_mermaid_text(_header(node, prepared.root_id))]
        text += [_mermaid_text(line) for line in _summary_lines(node, prepared.agents, width=32, lines=3)]
        label = "<br>".join(text)
        # The ";" ends the statement; Mermaid's own entity pre-pass may eat it harmlessly.
        lines.append(f'    {short[node.id]}{style.mermaid_open}"{label}"{style.mermaid_close};')
    for flow in prepared.flows:
        arrow = "-.->" if flow.edge.type in _AGENT_EDGES else "-->"
        label = _mermaid_text(edge_label(flow.edge))
        lines.append(f'    {short[flow.input_id]} {arrow}|"{label}"| {short[flow.output_id]};')
    for node_type in NodeType:
        members = [short[n.id] for n in prepared.nodes if n.type is node_type]
        if members:
            style = _STYLES[node_type]
            lines.append(
                f"    classDef {node_type} fill:{style.fill},stroke:{style.stroke},color:{_TEXT_COLOUR}"
            )
            lines.append(f"    class {','.join(members)} {node_type}")
    if prepared.root_id is not None:
        lines.append(f"    classDef root stroke:{_ROOT_STROKE},stroke-width:4px")
        lines.append(f"    class {short[prepared.root_id]} root")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- DOT


def _dot_string(text: str) -> str:
    """Return ``text`` as a quoted DOT string: backslashes and quotes escaped, newlines as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_attrs(attrs: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={_dot_string(value)}" for key, value in attrs.items())


def to_dot(subgraph: SubgraphLike, *, root_id: str | None = None) -> str:
    """Return a Graphviz ``digraph`` of the subgraph, laid out left to right: arrows mean "fed".

    Node ids are the full node ids, quoted; each node has a shape and colour per type, a
    label with the type and a short summary, and its full summary as a tooltip. Each edge
    has its type as label and its id as ``id``; agent edges are dashed. Render it with, for
    example, ``dot -Tsvg lineage.dot -o lineage.svg``.

    :param root_id: the node to highlight with a bold red border; default the subgraph's
        own ``root_id`` if it has one. An id not in the subgraph highlights nothing.
    """
    prepared = _prepare(subgraph, root_id)
    lines = [
        'digraph "lineage" {',
        '    graph [rankdir="LR", nodesep="0.3", ranksep="0.6", fontname="Helvetica"];',
        '    node [style="filled", fontname="Helvetica", fontsize="10", margin="0.15,0.06"];',
        '    edge [fontname="Helvetica", fontsize="8", color="#607d8b", fontcolor="#455a64"];',
    ]
    for node in prepared.nodes:
        style = _STYLES[node.type]
        text = [_header(node, prepared.root_id)]
        text += _summary_lines(node, prepared.agents, width=40, lines=3)
        attrs = {
            "label": "\n".join(text),
            "tooltip": f"{node.type} {node.id}\n{node_summary(node, agents=prepared.agents)}",
            "shape": style.dot_shape,
            "fillcolor": style.fill,
            "color": style.stroke,
            "fontcolor": _TEXT_COLOUR,
        }
        if node.id == prepared.root_id:
            attrs |= {"color": _ROOT_STROKE, "penwidth": "3"}
        lines.append(f"    {_dot_string(node.id)} [{_dot_attrs(attrs)}];")
    for flow in prepared.flows:
        attrs = {"label": edge_label(flow.edge), "id": flow.edge.id}
        if flow.edge.type in _AGENT_EDGES:
            attrs["style"] = "dashed"
        lines.append(
            f"    {_dot_string(flow.input_id)} -> {_dot_string(flow.output_id)} [{_dot_attrs(attrs)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML

_CSS = """\
*{box-sizing:border-box}
body{margin:0;height:100vh;display:flex;flex-direction:column;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1a1a1a;background:#fafafa}
header{padding:12px 20px;border-bottom:1px solid #ddd;background:#fff}
h1{font-size:18px;margin:0 0 4px}
.meta{margin:0 0 8px;color:#555}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;list-style:none;margin:0;padding:0;font-size:13px}
.legend li{display:flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:16px;height:12px;border-radius:3px;background:var(--fill);border:2px solid var(--stroke)}
.swatch.root{background:#fff;border:3px solid #d50000}
main{flex:1;min-height:0;display:flex}
.canvas{flex:1;overflow:auto}
aside{width:420px;max-width:45vw;overflow:auto;border-left:1px solid #ddd;background:#fff;padding:12px}
aside pre{font:12px/1.45 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-word;margin:0}
.hint{color:#666;margin:0 0 8px}
.empty{padding:24px;color:#666}
svg{display:block}
g.node{cursor:pointer;outline:none}
g.node rect{fill:var(--fill);stroke:var(--stroke);stroke-width:1.5}
g.node.root rect{stroke:#d50000;stroke-width:4}
g.node:hover rect,g.node:focus rect{stroke-width:3}
g.node.pinned rect{stroke:#000;stroke-width:3}
g.node text{fill:#1a1a1a}
.kind{font:600 12px system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
.sum{font:11px ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
path.edge{fill:none;stroke:#90a4ae;stroke-width:1.4}
path.edge.agent{stroke-dasharray:5 4}
path.edge.back{stroke:#e65100}
path.edge.lit{stroke:#263238;stroke-width:2.6}
.elabel{font:9px system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;fill:#546e7a;paint-order:stroke;stroke:#fafafa;stroke-width:3px}
#arrow path{fill:#90a4ae}
"""

_JS = """\
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lineage-data").textContent);
  var out = document.getElementById("details-json");
  var hint = document.getElementById("details-hint");
  var edges = document.querySelectorAll("path.edge");
  var pinned = null;
  function show(box) {
    var i = Number(box.getAttribute("data-i"));
    out.textContent = JSON.stringify(data.nodes[i], null, 2);
    hint.textContent = pinned ? "Pinned; click the box again to unpin." : "Click a box to pin it.";
    for (var k = 0; k < edges.length; k++) {
      var e = edges[k];
      var touches = e.getAttribute("data-from") === String(i) || e.getAttribute("data-to") === String(i);
      e.classList.toggle("lit", touches);
    }
  }
  var boxes = document.querySelectorAll("g.node");
  for (var k = 0; k < boxes.length; k++) {
    (function (box) {
      box.addEventListener("mouseenter", function () { if (!pinned) { show(box); } });
      box.addEventListener("focus", function () { if (!pinned) { show(box); } });
      box.addEventListener("click", function () {
        if (pinned) { pinned.classList.remove("pinned"); }
        pinned = pinned === box ? null : box;
        if (pinned) { box.classList.add("pinned"); }
        show(box);
      });
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); box.dispatchEvent(new MouseEvent("click")); }
      });
    })(boxes[k]);
  }
  var root = document.querySelector("g.node.root");
  if (root) {
    show(root);
    root.scrollIntoView({block: "center", inline: "center"});
  }
})();
"""

_TYPE_CSS = "\n".join(f".t-{t}{{--fill:{s.fill};--stroke:{s.stroke}}}" for t, s in _STYLES.items())

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _script_json(value: Any) -> str:
    """Return ``value`` as JSON that cannot end or confuse the ``<script>`` element holding it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _short_edge_label(edge: Edge) -> str:
    """Return the edge type, with the retrieval score for REFERENCES: short enough for a gap."""
    if isinstance(edge, References) and edge.score is not None:
        return f"{edge.type} {edge.score:.2f}"
    return str(edge.type)


def _svg_path(points: Sequence[Point]) -> str:
    """Return SVG path data through ``points``: curves across gaps, straight across lanes."""
    (x, y), *rest = points
    data = [f"M{x},{y}"]
    for i, (x1, y1) in enumerate(rest):
        if i % 2 == 0:  # from a port or a lane's exit to a lane's entry or a port: a gap
            bend = (x1 - x) // 2
            data.append(f"C{x + bend},{y} {x1 - bend},{y1} {x1},{y1}")
        else:
            data.append(f"L{x1},{y1}")
        x, y = x1, y1
    return " ".join(data)


def _label_point(points: Sequence[Point]) -> tuple[float, float]:
    """Return where an edge's label goes: above its middle lane, or the middle of its one curve."""
    if len(points) > 2:
        lanes = (len(points) - 2) // 2
        (x0, y0), (x1, _) = points[1 + 2 * (lanes // 2)], points[2 + 2 * (lanes // 2)]
        return (x0 + x1) / 2, y0 - 4
    (x0, y0), (x3, y3) = points
    return (x0 + x3) / 2, (y0 + y3) / 2 - 4  # a symmetric curve's middle is the chord's


def _svg_edge(flow: _Flow, layout: Layout, index: Mapping[str, int], repeat: int) -> list[str]:
    pair = (flow.input_id, flow.output_id)
    points = layout.routes[pair]
    classes = [
        "edge",
        *(["agent"] if flow.edge.type in _AGENT_EDGES else []),
        *(["back"] if pair in layout.back else []),
    ]
    x, y = _label_point(points)
    title = f"{edge_label(flow.edge)}: {flow.input_id} fed {flow.output_id} (edge {flow.edge.id})"
    return [
        f'<path class="{" ".join(classes)}" data-from="{index[flow.input_id]}" '
        f'data-to="{index[flow.output_id]}" d="{_svg_path(points)}" marker-end="url(#arrow)">'
        f"<title>{_esc(title)}</title></path>",
        f'<text class="elabel" x="{x:.1f}" y="{y - 11 * repeat:.1f}" text-anchor="middle">'
        f"{_esc(_short_edge_label(flow.edge))}</text>",
    ]


def _svg_node(node: Node, k: int, box: Box, prepared: _Prepared) -> list[str]:
    root = node.id == prepared.root_id
    classes = f"node t-{node.type}" + (" root" if root else "")
    summary = node_summary(node, agents=prepared.agents)
    out = [
        f'<g class="{classes}" data-i="{k}" tabindex="0" transform="translate({box.x},{box.y})">',
        f"<title>{_esc(f'{node.type} {node.id}' + (' (root)' if root else ''))}\n{_esc(summary)}</title>",
        f'<rect width="{box.width}" height="{box.height}" rx="{_STYLES[node.type].corner}"/>',
        f'<svg width="{box.width}" height="{box.height}">',
        f'<text class="kind" x="9" y="17">{_esc(_header(node, prepared.root_id))}</text>',
    ]
    for i, line in enumerate(_summary_lines(node, prepared.agents, width=31, lines=2)):
        out.append(f'<text class="sum" x="9" y="{34 + 14 * i}">{_esc(line)}</text>')
    out += ["</svg>", "</g>"]
    return out


def _legend(prepared: _Prepared, layout: Layout) -> list[str]:
    present = {n.type for n in prepared.nodes}
    items = [f'<li><span class="swatch t-{t}"></span>{_esc(str(t))}</li>' for t in NodeType if t in present]
    if prepared.root_id is not None:
        items.append('<li><span class="swatch root"></span>root</li>')
    if layout.back:
        items.append("<li>orange arrows close a cycle</li>")
    return ['<ul class="legend">', *items, "</ul>"]


def to_html(
    subgraph: SubgraphLike,
    *,
    root_id: str | None = None,
    title: str = "llm-memory-graph lineage",
    max_nodes: int = HTML_MAX_NODES,
    max_edges: int = HTML_MAX_EDGES,
    max_crossings: int = HTML_MAX_CROSSINGS,
) -> str:
    """Return one self-contained HTML page that draws the subgraph; it loads nothing from anywhere.

    Inputs sit in columns left of what they fed. Hovering over a box (or focusing it with
    the keyboard) shows the node's full JSON and brings out its edges; a click pins it. A
    legend names the node types shown. The page carries a Content-Security-Policy that
    allows no network access and runs no script but its own, and all text is escaped.

    A page is laid out in Python, in time that grows with the drawing, so a subgraph past
    a bound is refused before any layout, with an error naming the bound: draw less (a
    smaller depth or ``max_nodes`` on the traversal), export DOT or Mermaid, which have no
    such bound, or raise it.

    :param root_id: the node to highlight; default the subgraph's own ``root_id`` if it
        has one. An id not in the subgraph highlights nothing.
    :param title: the page's title and heading (default ``"llm-memory-graph lineage"``).
    :param max_nodes: most nodes drawn (default 500).
    :param max_edges: most edges drawn (default 2,000).
    :param max_crossings: most columns the edges may cross between the boxes they join,
        all edges together (default 20,000; a layout takes about 60 µs per crossing).
    :raises InvalidInputError: when the subgraph passes one of the bounds.
    """
    prepared = _prepare(subgraph, root_id)
    for field, count, bound in (
        ("max_nodes", len(prepared.nodes), max_nodes),
        ("max_edges", len(prepared.flows), max_edges),
    ):
        if count > bound:
            raise InvalidInputError(
                f"{count:,} {field.removeprefix('max_')} are more than the {bound:,} a page draws; "
                f"draw a smaller subgraph, use the DOT or Mermaid export, or raise {field}",
                field=field,
            )
    layout = lay_out(
        list(prepared.index), [(f.input_id, f.output_id) for f in prepared.flows], max_crossings=max_crossings
    )
    depths = getattr(subgraph, "depths", None)
    data = {
        "root_id": prepared.root_id,
        "nodes": [
            node_json(n) | ({"depth": depths.get(n.id)} if isinstance(depths, Mapping) else {})
            for n in prepared.nodes
        ],
        "edges": [edge_json(f.edge) for f in prepared.flows],
    }
    script = "\n" + _JS  # the hash in the policy covers exactly the text between the tags
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    noun = "node" if len(prepared.nodes) == 1 else "nodes"
    edge_noun = "edge" if len(prepared.flows) == 1 else "edges"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP.format(digest=digest)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title>",
        f"<style>\n{_CSS}{_TYPE_CSS}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_esc(title)}</h1>",
        f'<p class="meta">{len(prepared.nodes)} {noun} · {len(prepared.flows)} {edge_noun} · '
        "arrows point from an input to what it fed</p>",
        *_legend(prepared, layout),
        "</header>",
        "<main>",
        '<div class="canvas">',
    ]
    if not prepared.nodes:
        out.append('<p class="empty">Nothing to draw: this subgraph has no nodes.</p>')
    else:
        out += [
            f'<svg width="{layout.width}" height="{layout.height}" '
            f'viewBox="0 0 {layout.width} {layout.height}" role="img" aria-label="{_esc(title)}">',
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" '
            'markerWidth="10" markerHeight="10" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
        ]
        repeats: dict[tuple[str, str], int] = {}
        for flow in prepared.flows:
            pair = (flow.input_id, flow.output_id)
            repeats[pair] = repeats.get(pair, -1) + 1  # parallel edges stack their labels
            out += _svg_edge(flow, layout, prepared.index, repeats[pair])
        for k, node in enumerate(prepared.nodes):
            out += _svg_node(node, k, layout.boxes[node.id], prepared)
        out.append("</svg>")
    out += [
        "</div>",
        '<aside><p class="hint" id="details-hint">Hover over a box to see the node; click to pin it.</p>'
        '<pre id="details-json"></pre></aside>',
        "</main>",
        f'<script type="application/json" id="lineage-data">{_script_json(data)}</script>',
        f"<script>{script}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
