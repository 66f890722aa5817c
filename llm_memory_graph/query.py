"""The fluent query builder: ``graph.query()...`` builds a ``NodeFilter``, then runs it.

    expensive = (
        graph.query()
        .types("Completion")
        .since("24h")
        .model("gpt-4o")
        .where(env="prod")
        .cost(gte=0.01)
        .newest()
    )
    page = expensive.page(limit=50)         # one page, and page.next_cursor
    for answer in expensive.stream(): ...   # everything, one batch in memory at a time
    expensive.count(); expensive.first(); expensive.report(by=["model", "day"])

Every step returns a new query (queries are immutable and can be shared and reused) and
validates at once: a bad value or an impossible combination raises ``InvalidInputError``
naming the field before any I/O. ``AsyncQuery`` (from ``AsyncMemoryGraph.query()``) has
the same steps; its ``page``, ``count``, ``first`` and ``report`` are awaited, and it
streams with ``async for node in query.astream()``.

**Text search** (``.text("...")``) uses the language of ``_textquery``: words that must
all appear, ``"exact phrases"``, ``prefix*`` and ``-excluded`` words; anything else is
searched for literally, never obeyed. ``.text(...)`` alone keeps time order; add
``.order("relevance")`` (or ``.relevance()``) for best matches first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, Protocol, Self

from .arguments import NodeRef, ref_id
from .errors import InvalidInputError
from .schema import MetadataScalar, Node, NodeType, utcnow, validating
from .spec import AggregateRow, GroupBy, NodeFilter, Order, Page, Range, RangeField
from .when import parse_when

__all__ = ["AsyncQuery", "AsyncQueryRunner", "Query", "QueryRunner"]

When = datetime | timedelta | str


class QueryRunner(Protocol):
    """What a ``Query`` runs its spec on: ``MemoryGraph.query()`` passes the graph's reads,
    cached and measured like every other read."""

    def page(self, spec: NodeFilter, cursor: str | None, limit: int) -> Page:
        """One page of the matches after ``cursor``."""
        ...

    def stream(self, spec: NodeFilter, batch_size: int) -> Iterator[Node]:
        """Every match, one batch in memory at a time."""
        ...

    def count(self, spec: NodeFilter) -> int:
        """How many nodes match."""
        ...

    def aggregate(self, spec: NodeFilter, by: tuple[GroupBy, ...]) -> list[AggregateRow]:
        """Totals of the matching completions, one row per group."""
        ...


class AsyncQueryRunner(Protocol):
    """What an ``AsyncQuery`` runs its spec on; see ``QueryRunner``."""

    async def page(self, spec: NodeFilter, cursor: str | None, limit: int) -> Page:
        """One page of the matches after ``cursor``."""
        ...

    def stream(self, spec: NodeFilter, batch_size: int) -> AsyncIterator[Node]:
        """Every match, one batch in memory at a time."""
        ...

    async def count(self, spec: NodeFilter) -> int:
        """How many nodes match."""
        ...

    async def aggregate(self, spec: NodeFilter, by: tuple[GroupBy, ...]) -> list[AggregateRow]:
        """Totals of the matching completions, one row per group."""
        ...


class _Builder:
    """The steps both queries share; they only build the spec, with no I/O."""

    def __init__(self, runner: Any, spec: NodeFilter | None = None) -> None:
        self._runner = runner
        self._spec = spec or NodeFilter()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._spec!r})"

    @property
    def spec(self) -> NodeFilter:
        """The store-neutral filter this query runs."""
        return self._spec

    def _with(self, **update: Any) -> Self:
        with validating("query"):
            spec = NodeFilter.model_validate({**self._spec.model_dump(), **update})
        return type(self)(self._runner, spec)

    # ------------------------------------------------------------ what

    def types(self, *types: NodeType | str) -> Self:
        """Only nodes of these types, e.g. ``.types("Prompt", "Completion")``."""
        return self._with(types=types)

    def since(self, when: When) -> Self:
        """Only nodes created at or after ``when``: a datetime, ``"24h"``/``"7d"`` ago, or ISO text."""
        return self._with(since=_moment(when, "since"))

    def until(self, when: When) -> Self:
        """Only nodes created before ``when`` (same forms as ``since``)."""
        return self._with(until=_moment(when, "until"))

    def conversation(self, conversation: NodeRef) -> Self:
        """Only the items of one conversation."""
        return self._with(conversation_id=ref_id(conversation, "conversation"))

    def agent(self, agent: NodeRef) -> Self:
        """Only items handled by one agent."""
        return self._with(agent_id=ref_id(agent, "agent"))

    def user(self, user_id: str) -> Self:
        """Only items of one end user."""
        return self._with(user_id=user_id)

    def name(self, name: str) -> Self:
        """Only agents or templates of this name, or tool calls of this tool."""
        return self._with(name=name)

    def model(self, model: str) -> Self:
        """Only completions that asked for or got this model."""
        return self._with(model=model)

    def provider(self, provider: str) -> Self:
        """Only completions from this provider (``openai``, ``anthropic`` ...)."""
        return self._with(provider=provider)

    def status(self, status: str) -> Self:
        """Only conversations, tool calls or agents with this status."""
        return self._with(status=status)

    def finish_reason(self, reason: str) -> Self:
        """Only completions that stopped for this reason (``stop``, ``length``, ``tool_calls`` ...)."""
        return self._with(finish_reason=reason)

    def template(self, template: NodeRef) -> Self:
        """Only the versions of one prompt template."""
        return self._with(template_id=ref_id(template, "template"))

    # ------------------------------------------------------------ metadata

    def where(self, **equals: MetadataScalar) -> Self:
        """Only nodes whose metadata has these scalar values: ``.where(env="prod", tier=2)``."""
        return self._with(metadata={**self._spec.metadata, **equals})

    def where_in(self, key: str, values: Iterable[MetadataScalar]) -> Self:
        """Only nodes whose metadata ``key`` is one of ``values``."""
        return self._with(metadata_in={**self._spec.metadata_in, key: tuple(values)})

    def has(self, *keys: str) -> Self:
        """Only nodes whose metadata has a (non-null, scalar) value for every key."""
        return self._with(metadata_exists=(*self._spec.metadata_exists, *keys))

    # ------------------------------------------------------------ numbers

    def range(self, field: RangeField | str, *, gte: float | None = None, lte: float | None = None) -> Self:
        """Only nodes whose numeric ``field`` lies in [gte, lte] (either end may be open)."""
        with validating("query.range"):
            bounds = Range(gte=gte, lte=lte)
        try:
            key = RangeField(field)
        except ValueError:
            raise InvalidInputError(
                f"{field!r} is not a numeric field; one of {', '.join(RangeField)}", field="query.range"
            ) from None
        return self._with(ranges={**self._spec.ranges, key: bounds})

    def tokens(self, *, gte: float | None = None, lte: float | None = None) -> Self:
        """Only completions whose total tokens lie in the range."""
        return self.range(RangeField.TOTAL_TOKENS, gte=gte, lte=lte)

    def latency(self, *, gte: float | None = None, lte: float | None = None) -> Self:
        """Only completions whose latency, in milliseconds, lies in the range."""
        return self.range(RangeField.LATENCY_MS, gte=gte, lte=lte)

    def cost(self, *, gte: float | None = None, lte: float | None = None) -> Self:
        """Only completions whose cost, in US dollars, lies in the range."""
        return self.range(RangeField.COST_USD, gte=gte, lte=lte)

    def score(self, *, gte: float | None = None, lte: float | None = None) -> Self:
        """Only feedback whose score lies in the range."""
        return self.range(RangeField.SCORE, gte=gte, lte=lte)

    # ------------------------------------------------------------ text and order

    def text(self, search: str) -> Self:
        """Only prompts, completions, documents and context whose text matches ``search``."""
        return self._with(text=search)

    def order(self, order: Order | str) -> Self:
        """Order results ``oldest`` first (the default), ``newest`` first, or by ``relevance``."""
        return self._with(order=order)

    def newest(self) -> Self:
        """Newest first."""
        return self.order(Order.NEWEST)

    def oldest(self) -> Self:
        """Oldest first (the default)."""
        return self.order(Order.OLDEST)

    def relevance(self) -> Self:
        """Best text matches first; needs ``.text(...)``."""
        return self.order(Order.RELEVANCE)


def _moment(when: When, field: str) -> datetime:
    if isinstance(when, timedelta):
        try:
            return utcnow() - when
        except OverflowError:
            raise InvalidInputError(
                f"{when} before now is out of range (years 1 to 9999)", field=field
            ) from None
    if isinstance(when, str):
        try:
            moment: datetime = parse_when(when, utcnow())
        except ValueError as exc:
            raise InvalidInputError(str(exc), field=field) from exc
        return moment
    return when


class Query(_Builder):
    """A query on a ``MemoryGraph``; see the module docstring. Safe to share between threads."""

    _runner: QueryRunner

    def page(self, cursor: str | None = None, limit: int = 100) -> Page:
        """Return one page, and the cursor of the next (``None`` on the last page)."""
        return self._runner.page(self._spec, cursor, limit)

    def stream(self, batch_size: int = 500) -> Iterator[Node]:
        """Yield every match, holding one batch in memory at a time."""
        return self._runner.stream(self._spec, batch_size)

    def count(self) -> int:
        """Return how many nodes match."""
        return self._runner.count(self._spec)

    def first(self) -> Node | None:
        """Return the first match, or ``None``."""
        items = self.page(limit=1).items
        return items[0] if items else None

    def report(self, by: Iterable[GroupBy | str] = ()) -> list[AggregateRow]:
        """Return totals (tokens, cost, latency percentiles, feedback) of the matching
        completions, one row per group: ``model``, ``provider``, ``agent``,
        ``conversation``, ``template_version``, ``minute``, ``hour`` or ``day``.
        """
        return self._runner.aggregate(self._spec, _group_by(by))


class AsyncQuery(_Builder):
    """A query on an ``AsyncMemoryGraph``; see the module docstring. Safe to share between tasks."""

    _runner: AsyncQueryRunner

    async def page(self, cursor: str | None = None, limit: int = 100) -> Page:
        """Return one page, and the cursor of the next (``None`` on the last page)."""
        return await self._runner.page(self._spec, cursor, limit)

    def astream(self, batch_size: int = 500) -> AsyncIterator[Node]:
        """Yield every match, holding one batch in memory at a time."""
        return self._runner.stream(self._spec, batch_size)

    async def count(self) -> int:
        """Return how many nodes match."""
        return await self._runner.count(self._spec)

    async def first(self) -> Node | None:
        """Return the first match, or ``None``."""
        items = (await self.page(limit=1)).items
        return items[0] if items else None

    async def report(self, by: Iterable[GroupBy | str] = ()) -> list[AggregateRow]:
        """See ``Query.report``."""
        return await self._runner.aggregate(self._spec, _group_by(by))


def _group_by(by: Iterable[GroupBy | str]) -> tuple[GroupBy, ...]:
    if isinstance(by, str):
        by = [by]
    try:
        return tuple(GroupBy(b) for b in by)
    except ValueError:
        raise InvalidInputError(
            f"cannot group by {list(by)!r}; choose from {', '.join(GroupBy)}", field="by"
        ) from None
