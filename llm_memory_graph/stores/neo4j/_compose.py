"""Node filters as Cypher the planner can serve from an index: composed per filter shape.

One query with a ``$x IS NULL OR ...`` condition per filter would be planned once for
every shape, and that plan can use no index: it scans every node. So each query is put
together, per shape, from fixed fragments in ``cypher/filters/`` (never from user text):

- an **anchor**: the one filter the query seeks an index with, chosen by ``choose_anchor``
  in a fixed order (most selective first). Each reads its matches in keyset order,
  ``(created_at, id)``, from a composite index with an index hint, so a page stops after
  ``limit`` matches per anchor value instead of sorting them all;
- the **conditions** of every other filter given, one line each from ``conditions.cypher``;
- a **tail**: a page (``tail_page``, ascending or descending), a count, or the aggregate.

No I/O here: the store runs what this returns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

from ...spec import NodeFilter
from ..codec import meta_value
from ._queries import cypher_folder, parameters_used
from ._records import meta_kv
from ._rows import filter_parameters

__all__ = [
    "ANCHORS",
    "SERVED",
    "TAILS",
    "Composed",
    "aggregate_query",
    "choose_anchor",
    "conditions",
    "count_query",
    "page_query",
    "ranked_query",
    "shape_text",
]

#: The anchors, most selective first; the first whose filter is given is used. A text
#: search (``search``: the full-text index's hits) comes before all of them, and ``time`` is
#: used when none applies.
ANCHORS = (
    "search",
    "conversation",
    "template",
    "user",
    "agent",
    "metadata",
    "name",
    "model",
    "provider",
    "finish_reason",
    "status",
    "type",
    "metadata_in",
    "time",
)

#: How a composed query ends: a keyset page, a count, or the aggregate's totals.
TAILS = ("tail_page", "tail_count", "tail_aggregate")

#: The condition each anchor makes redundant (it is not added again).
SERVED = {
    "conversation": "conversation_id",
    "template": "template_id",
    "user": "user_id",
    "agent": "agent_id",
    "name": "name",
    "model": "model",
    "provider": "provider",
    "finish_reason": "finish_reason",
    "status": "status",
    "type": "types",
}

#: Bounds of the anchor's time range when the filter sets none.
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)

_CONDITION = re.compile(r"^\s+AND (?P<cypher>.+?) // (?P<name>\w+)$")
_SLOT = "// conditions"
_PAGE_MARK = " // page"


@dataclass(frozen=True)
class Composed:
    """A composed query and the parameters its text uses (and no others)."""

    name: str
    text: str
    params: dict[str, Any]


@cache
def _fragment(name: str) -> str:
    """The body of ``cypher/filters/<name>.cypher``: its text without the header comments."""
    text = (cypher_folder() / "filters" / f"{name}.cypher").read_text("utf-8")
    lines = text.splitlines()
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "\n".join(lines)


@cache
def conditions() -> dict[str, str]:
    """Every condition line of ``conditions.cypher``, by name."""
    found = {}
    for line in _fragment("conditions").splitlines():
        match = _CONDITION.match(line)
        if match:
            found[match["name"]] = match["cypher"]
    return found


def choose_anchor(spec: NodeFilter) -> tuple[str, list[Any] | None]:
    """Return the anchor for a filter and the values it seeks (``None`` for ``time`` and
    ``search``, whose query is a parameter of its own).
    """
    if spec.text is not None:
        return "search", None
    single = {
        "conversation": spec.conversation_id,
        "template": spec.template_id,
        "user": spec.user_id,
        "agent": spec.agent_id,
        "metadata": meta_kv(spec.metadata)[0] if meta_kv(spec.metadata) else None,
        "name": spec.name,
        "model": spec.model,
        "provider": spec.provider,
        "finish_reason": spec.finish_reason,
        "status": spec.status,
    }
    for anchor, value in single.items():
        if value is not None:
            return anchor, [value]
    if spec.types:
        return "type", sorted({str(t) for t in spec.types})
    if spec.metadata_in:
        key, values = next(iter(spec.metadata_in.items()))
        return "metadata_in", sorted({f"{key}={meta_value(v)}" for v in values})
    return "time", None


def _given(spec: NodeFilter, anchor: str) -> tuple[str, ...]:
    """The conditions of the filters given, less the one the anchor already serves."""
    given = {
        "until": spec.until is not None,
        "types": bool(spec.types),
        "conversation_id": spec.conversation_id is not None,
        "agent_id": spec.agent_id is not None,
        "user_id": spec.user_id is not None,
        "name": spec.name is not None,
        "model": spec.model is not None,
        "provider": spec.provider is not None,
        "status": spec.status is not None,
        "finish_reason": spec.finish_reason is not None,
        "template_id": spec.template_id is not None,
        "meta_kv": bool(spec.metadata),
        "meta_in": bool(spec.metadata_in),
        "meta_exists": bool(spec.metadata_exists),
        "ranges": bool(spec.ranges),
    }
    return tuple(name for name, is_given in given.items() if is_given and name != SERVED.get(anchor))


@lru_cache(maxsize=512)
def shape_text(anchor: str, given: tuple[str, ...], tail: str, newest: bool) -> str:
    """Put one query together; cached per shape, so the server plans each shape once."""
    anchor_file = "metadata" if anchor == "metadata_in" else anchor
    lines = []
    for line in _fragment(f"anchor_{anchor_file}").splitlines():
        if line.strip() == _SLOT:
            indent = line[: len(line) - len(line.lstrip())]
            lines += [f"{indent}  AND {conditions()[name]}" for name in given]
        elif line.endswith(_PAGE_MARK):
            if tail == "tail_page":
                lines.append(line.removesuffix(_PAGE_MARK))
        else:
            lines.append(line)
    if lines[-1] != "RETURN n":
        raise AssertionError(f"anchor_{anchor_file}.cypher must end with RETURN n")
    text = "\n".join(
        [
            f"// {tail.removeprefix('tail_')} anchored on {anchor}"
            + (f", with {', '.join(given)}" if given else ""),
            *lines[:-1],
            _fragment(tail),
        ]
    )
    return text.replace(" ASC", " DESC") if newest else text


def _compose(
    name: str,
    spec: NodeFilter,
    *,
    tail: str,
    after: tuple[datetime, str] | None = None,
    newest: bool = False,
    extra: dict[str, Any] | None = None,
) -> Composed:
    anchor, values = choose_anchor(spec)
    given = _given(spec, anchor)
    if after is not None:
        given += ("after_newest",) if newest else ("after_oldest",)
    text = shape_text(anchor, given, tail, newest)
    lower = spec.since or EARLIEST
    upper = LATEST
    if after is not None and newest:
        upper = after[0]
    elif after is not None:
        lower = max(lower, after[0])
    available = {
        **filter_parameters(spec),
        "anchor": values,
        "lower": lower,
        "upper": upper,
        "after_time": after[0] if after else None,
        "after_id": after[1] if after else None,
        **(extra or {}),
    }
    return Composed(name, text, {key: available[key] for key in sorted(parameters_used(text))})


def page_query(spec: NodeFilter, after: tuple[datetime, str] | None, limit: int, *, newest: bool) -> Composed:
    """One keyset page of the nodes matching ``spec``, after a cursor's position.

    :param limit: the most nodes to return.
    :param newest: newest first (``(created_at, id)`` descending) instead of oldest first.
    """
    return _compose("find_page", spec, tail="tail_page", after=after, newest=newest, extra={"limit": limit})


def ranked_query(spec: NodeFilter, after: tuple[float, str] | None, limit: int) -> Composed:
    """One page of the hits of ``spec``'s text search, best first, after a cursor's hit.

    The index's hits are filtered, ranked and cut to ``limit`` in the query; only the
    page's nodes come back whole.
    """
    extra = {
        "limit": limit,
        "after_score": after[0] if after else None,
        "after_id": after[1] if after else None,
    }
    return _compose("find_ranked", spec, tail="tail_ranked", extra=extra)


def count_query(spec: NodeFilter) -> Composed:
    """How many nodes match ``spec``."""
    return _compose("find_count", spec, tail="tail_count")


def aggregate_query(spec: NodeFilter, by: Sequence[str]) -> Composed:
    """Totals of the completions ``spec`` finds, grouped by ``by`` (``GroupBy`` values)."""
    return _compose("aggregate", spec, tail="tail_aggregate", extra={"by": list(by)})
