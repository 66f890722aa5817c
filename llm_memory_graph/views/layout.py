"""A layered drawing of a subgraph for the HTML page: columns by provenance depth, few
crossings, arrows routed through lanes; pure arithmetic, no I/O.

Bounded: past ``HTML_MAX_NODES`` nodes, ``HTML_MAX_EDGES`` edges or ``HTML_MAX_CROSSINGS``
lane crossings it refuses before laying anything out.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..errors import InvalidInputError

__all__ = ["HTML_MAX_CROSSINGS", "HTML_MAX_EDGES", "HTML_MAX_NODES", "Box", "Layout", "Point", "lay_out"]

_BOX_WIDTH = 232
_BOX_HEIGHT = 58
_LANE_HEIGHT = 14  # the slot a long edge takes in each column it crosses
_GAP_X = 112
_GAP_Y = 16
_MARGIN = 24
_SWEEPS = 4
_PORT_INSET = 10  # arrow ends keep this far from a box's top and bottom corners

Point = tuple[int, int]


@dataclass(frozen=True)
class Box:
    """Where one node is drawn: top-left corner, size, column and place in the column."""

    x: int
    y: int
    width: int
    height: int
    layer: int
    order: int


@dataclass(frozen=True)
class Layout:
    """A layered drawing of a subgraph.

    ``boxes`` holds each node's box by id; ``routes`` holds, for each ``(input, output)``
    pair, the points an arrow passes: the port it leaves, then the entry and exit of each
    column it crosses, then the port it reaches. ``back`` holds the pairs drawn right to
    left to break a cycle.
    """

    boxes: dict[str, Box]
    routes: dict[tuple[str, str], tuple[Point, ...]]
    width: int
    height: int
    back: frozenset[tuple[str, str]]


def _back_edges(node_ids: Sequence[str], succ: Mapping[str, list[str]]) -> set[tuple[str, str]]:
    """Return the edges that close a cycle, found by depth-first search in node order."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    for start in node_ids:
        if start in state:
            continue
        state[start] = 1
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:  # without recursion: a long chain must not hit the recursion limit
            node, i = stack.pop()
            if i < len(succ[node]):
                stack.append((node, i + 1))
                nxt = succ[node][i]
                if state.get(nxt) == 1:
                    back.add((node, nxt))
                elif nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                state[node] = 2
    return back


def _layers(node_ids: Sequence[str], dag: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Return each node's column in an acyclic graph.

    First the longest path from the inputs; then, from the outputs back, every node that
    feeds something moves right to sit just before the first thing it feeds, so inputs
    are drawn next to where they are used. Nodes that feed nothing stay where they are.
    """
    succ: dict[str, list[str]] = {n: [] for n in node_ids}
    waiting = dict.fromkeys(node_ids, 0)
    for a, b in dag:
        succ[a].append(b)
        waiting[b] += 1
    ready = [n for n in node_ids if not waiting[n]]
    layer = dict.fromkeys(node_ids, 0)
    i = 0
    while i < len(ready):
        node = ready[i]
        i += 1
        for nxt in succ[node]:
            layer[nxt] = max(layer[nxt], layer[node] + 1)
            waiting[nxt] -= 1
            if not waiting[nxt]:
                ready.append(nxt)
    for node in reversed(ready):  # ready is now a topological order
        if succ[node]:
            layer[node] = min(layer[s] for s in succ[node]) - 1
    return layer


def _order(columns: list[list[str]], pred: Mapping[str, list[str]], succ: Mapping[str, list[str]]) -> None:
    """Reorder each column in place by the barycentre of its neighbours, sweeping both ways."""
    position: dict[str, float] = {}

    def place(column: list[str]) -> None:
        middle = (len(column) - 1) / 2
        for i, item in enumerate(column):
            position[item] = i - middle

    for column in columns:
        place(column)
    for sweep in range(_SWEEPS):
        forward = sweep % 2 == 0
        indices = range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)
        for c in indices:
            column = columns[c]
            ranked = []
            for i, item in enumerate(column):
                near = pred[item] if forward else succ[item]
                key = sum(position[n] for n in near) / len(near) if near else position[item]
                ranked.append((key, i, item))
            ranked.sort()
            column[:] = [item for _, _, item in ranked]
            place(column)


def _pool(values: Sequence[float]) -> list[float]:
    """Return the non-decreasing sequence closest to ``values`` (least squares; pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, size]
    for value in values:
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, size = blocks.pop()
            blocks[-1] = [
                (blocks[-1][0] * blocks[-1][1] + mean * size) / (blocks[-1][1] + size),
                blocks[-1][1] + size,
            ]
    return [mean for mean, size in blocks for _ in range(int(size))]


def _tops(
    columns: Sequence[Sequence[str]],
    height: Callable[[str], int],
    pred: Mapping[str, list[str]],
    succ: Mapping[str, list[str]],
) -> dict[str, int]:
    """Return each item's top edge: near the middle of its neighbours, in order, never overlapping.

    Each sweep moves every item of a column towards the mean centre of its neighbours in
    the columns already placed, then takes the closest placement that keeps the column's
    order and gaps (an isotonic regression), so edges run as straight as the boxes allow.
    """
    top: dict[str, float] = {}
    for column in columns:  # start stacked from the top
        y = 0.0
        for item in column:
            top[item] = y
            y += height(item) + _GAP_Y
    for sweep in range(_SWEEPS + 1):
        forward = sweep % 2 == 0
        for column in columns[1:] if forward else columns[-2::-1]:
            offsets, wanted, y = [], [], 0
            for item in column:
                near = pred[item] if forward else succ[item]
                centre = (
                    sum(top[n] + height(n) / 2 for n in near) / len(near)
                    if near
                    else top[item] + height(item) / 2
                )
                offsets.append(y)
                wanted.append(centre - height(item) / 2 - y)
                y += height(item) + _GAP_Y
            for item, offset, value in zip(column, offsets, _pool(wanted), strict=True):
                top[item] = value + offset
    lowest = min(top.values(), default=0.0)
    # Rounding every top down keeps each gap at least as wide as it was.
    return {item: _MARGIN + math.floor(value - lowest) for item, value in top.items()}


def _port(i: int, count: int) -> int:
    """Return how far down a box side the ``i``-th of ``count`` arrow ends sits."""
    if count == 1:
        return _BOX_HEIGHT // 2
    return _PORT_INSET + i * (_BOX_HEIGHT - 2 * _PORT_INSET) // (count - 1)


#: How large a drawing ``to_html`` lays out unless told otherwise: its nodes, its edges, and
#: the columns its long edges cross (each crossing is laid out like a small box, so a
#: layout's time grows with their number: about 60 µs each).
HTML_MAX_NODES = 500
HTML_MAX_EDGES = 2_000
HTML_MAX_CROSSINGS = 20_000


def lay_out(
    node_ids: Sequence[str], flows: Sequence[tuple[str, str]], *, max_crossings: int | None = None
) -> Layout:
    """Lay nodes out in columns, inputs left of outputs, no two boxes overlapping.

    A layered (Sugiyama-style) drawing: cycles are broken by drawing their closing edges
    backwards; columns come from :func:`_layers`; an edge that spans several columns
    takes a lane in each column it crosses, so it passes between boxes, never through
    one; the order within a column comes from barycentre sweeps, and heights from
    :func:`_tops`.

    :param node_ids: the nodes in their preferred order; repeats are ignored.
    :param flows: ``(input, output)`` pairs between those nodes.
    :param max_crossings: refuse (``InvalidInputError``) a drawing whose long edges cross
        more columns than this, before the costly part of the layout; ``None``: no bound.
    """
    ids = list(dict.fromkeys(node_ids))
    succ: dict[str, list[str]] = {n: [] for n in ids}
    for a, b in flows:
        if b not in succ[a]:
            succ[a].append(b)
    back = _back_edges(ids, succ)
    dag = list(dict.fromkeys((b, a) if (a, b) in back else (a, b) for a in ids for b in succ[a]))
    layer = _layers(ids, dag)
    crossings = sum(layer[b] - layer[a] - 1 for a, b in dag)
    if max_crossings is not None and crossings > max_crossings:
        raise InvalidInputError(
            f"the drawing's long edges would cross {crossings:,} columns, more than the "
            f"{max_crossings:,} a page lays out; draw a smaller subgraph, use the DOT or Mermaid "
            "export, or raise max_crossings",
            field="max_crossings",
        )

    columns: list[list[str]] = [[] for _ in range(max(layer.values(), default=-1) + 1)]
    for node in ids:
        columns[layer[node]].append(node)
    pred: dict[str, list[str]] = {n: [] for n in ids}
    after: dict[str, list[str]] = {n: [] for n in ids}
    lanes: dict[tuple[str, str], list[str]] = {}
    for k, (a, b) in enumerate(dag):
        chain = [f"\0{k}:{c}" for c in range(layer[a] + 1, layer[b])]  # never a node id
        for c, lane in zip(range(layer[a] + 1, layer[b]), chain, strict=True):
            columns[c].append(lane)
            pred[lane], after[lane] = [], []
        steps = [a, *chain, b]
        for u, v in itertools.pairwise(steps):
            after[u].append(v)
            pred[v].append(u)
        lanes[(a, b)] = chain
    _order(columns, pred, after)

    def height(item: str) -> int:
        return _LANE_HEIGHT if item.startswith("\0") else _BOX_HEIGHT

    tops = _tops(columns, height, pred, after)
    place: dict[str, tuple[int, int]] = {}
    boxes: dict[str, Box] = {}
    for c, column in enumerate(columns):
        x = _MARGIN + c * (_BOX_WIDTH + _GAP_X)
        for i, item in enumerate(column):
            place[item] = (x, tops[item])
            if not item.startswith("\0"):
                boxes[item] = Box(x, tops[item], _BOX_WIDTH, _BOX_HEIGHT, c, i)
    tallest = max((tops[c[-1]] + height(c[-1]) - _MARGIN for c in columns if c), default=0)

    def crossing(lane: str, leftward: bool) -> list[Point]:
        x, y = place[lane]
        y += _LANE_HEIGHT // 2
        return [(x + _BOX_WIDTH, y), (x, y)] if leftward else [(x, y), (x + _BOX_WIDTH, y)]

    # Arrows leave from a box's right side and reach a left side (the other way round when
    # drawn backwards); the ends on one side are spread over it, ordered by where they go.
    paths: dict[tuple[str, str], list[Point]] = {}
    ends: dict[tuple[str, bool], list[tuple[int, int, tuple[str, str], int]]] = {}  # (node, right side?)
    for a in ids:
        for b in succ[a]:
            (ax, ay), (bx, by) = place[a], place[b]
            points: list[Point]
            if (a, b) in back:  # leave a's left side, cross the lanes right to left
                points = [(ax, ay)]
                for lane in reversed(lanes[(b, a)]):
                    points += crossing(lane, leftward=True)
                points.append((bx + _BOX_WIDTH, by))
            else:
                points = [(ax + _BOX_WIDTH, ay)]
                for lane in lanes[(a, b)]:
                    points += crossing(lane, leftward=False)
                points.append((bx, by))
            toward_b = points[1][1] if len(points) > 2 else by + _BOX_HEIGHT // 2
            toward_a = points[-2][1] if len(points) > 2 else ay + _BOX_HEIGHT // 2
            backward = (a, b) in back
            ends.setdefault((a, not backward), []).append((toward_b, len(paths), (a, b), 0))
            ends.setdefault((b, backward), []).append((toward_a, len(paths), (a, b), -1))
            paths[(a, b)] = points
    for (node, _), side in ends.items():
        side.sort()
        for i, (_, _, pair, end) in enumerate(side):
            x, _ = paths[pair][end]
            paths[pair][end] = (x, place[node][1] + _port(i, len(side)))
    routes = {pair: tuple(points) for pair, points in paths.items()}
    width = 2 * _MARGIN + max(len(columns) * (_BOX_WIDTH + _GAP_X) - _GAP_X, 0)
    return Layout(boxes, routes, width, 2 * _MARGIN + tallest, frozenset(back))
