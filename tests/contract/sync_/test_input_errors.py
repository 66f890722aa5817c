# Generated from tests/contract/async_/test_input_errors.py by scripts/unasync.py; do not edit.
"""Contract: input no store can hold is refused with an error of the library's family,
before any I/O, and what both stores can hold round-trips exactly (issue 13).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from llm_memory_graph import (
    MemoryGraph,
    InvalidCursorError,
    InvalidInputError,
    Prompt,
)

INT64_MAX = 2**63 - 1


def test_a_lone_surrogate_in_content_is_refused_and_nothing_is_written(graph: MemoryGraph) -> None:
    chat = graph.start_conversation("chat")
    with pytest.raises(InvalidInputError, match=r"content: character 3 is a lone surrogate"):
        graph.add_prompt("abc\ud800", conversation=chat)
    assert graph.transcript(chat) == []


@pytest.mark.parametrize(
    ("metadata", "where"),
    [
        pytest.param({"k": "\udfff"}, r"metadata\.k: character 0", id="value"),
        pytest.param({"k": {"\ud800x": 1}}, r"metadata\.k key: character 0", id="nested key"),
        pytest.param({"k": ["ok", "x\udc80"]}, r"metadata\.k\.1: character 1", id="list item"),
    ],
)
def test_a_lone_surrogate_in_metadata_is_refused(
    graph: MemoryGraph, metadata: dict[str, Any], where: str
) -> None:
    with pytest.raises(InvalidInputError, match=where):
        graph.add_prompt("hello", metadata=metadata)
    assert (graph.stats()).total_nodes == 0


def test_a_lone_surrogate_in_a_filter_is_refused(graph: MemoryGraph) -> None:
    with pytest.raises(InvalidInputError, match="name: character 0 is a lone surrogate"):
        graph.find(name="\ud800")


def test_the_largest_64_bit_integers_round_trip(graph: MemoryGraph) -> None:
    prompt = graph.add_prompt(
        "big", token_count=INT64_MAX, metadata={"most": INT64_MAX, "least": -(2**63)}
    )
    stored = graph.get(prompt.id)
    assert isinstance(stored, Prompt)
    assert stored.token_count == INT64_MAX
    assert stored.metadata == {"most": INT64_MAX, "least": -(2**63)}
    assert [n.id for n in (graph.find(metadata={"most": INT64_MAX})).items] == [prompt.id]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda g: g.add_prompt("x", token_count=2**70), id="token_count"),
        pytest.param(lambda g: g.add_prompt("x", metadata={"n": 2**63}), id="metadata"),
        pytest.param(lambda g: g.add_prompt("x", metadata={"n": [1, -(2**63) - 1]}), id="nested metadata"),
        pytest.param(lambda g: g.find(metadata={"n": 2**70}), id="filter"),
    ],
)
def test_integers_beyond_64_bits_are_refused(graph: MemoryGraph, call: Any) -> None:
    with pytest.raises(InvalidInputError):
        call(graph)
    assert (graph.stats()).total_nodes == 0


@pytest.mark.parametrize("key", ["env\n", "env\r", "\nenv", "en v"])
def test_a_metadata_key_with_a_line_break_or_space_is_refused(
    graph: MemoryGraph, key: str
) -> None:
    with pytest.raises(InvalidInputError, match="must start with a letter"):
        graph.add_prompt("x", metadata={key: 1})


def test_a_time_past_the_year_9999_in_utc_is_an_input_error(graph: MemoryGraph) -> None:
    late = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14)))
    with pytest.raises(InvalidInputError, match="out of range"):
        graph.find(until=late)
    with pytest.raises(InvalidInputError, match="out of range"):
        graph.query().since("9999-12-31T23:59:59-14:00")
    with pytest.raises(InvalidInputError, match="out of range"):
        graph.query().since(timedelta(days=10**8))


def test_the_latest_time_in_range_is_accepted(graph: MemoryGraph) -> None:
    page = graph.find(until=datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC))
    assert page.items == []


def test_an_error_echoes_a_huge_cursor_cut_short(graph: MemoryGraph) -> None:
    with pytest.raises(InvalidCursorError) as caught:
        graph.find(cursor="A" * 1_000_000)
    assert len(str(caught.value)) < 300
    assert "1,000,000 characters" in str(caught.value)


def test_get_accepts_a_node_and_returns_it_as_stored(graph: MemoryGraph) -> None:
    chat = graph.start_conversation("chat")
    graph.add_prompt("hello", conversation=chat)
    stored = graph.get(chat)
    assert stored.id == chat.id
    assert stored.item_count == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("nodes", "field", "message"),
    [
        pytest.param([{"type": "Prompt", "content": "x"}], "nodes.0", "parse_node", id="a dict"),
        pytest.param(Prompt(content="x"), "nodes", "expected a list of nodes", id="one node"),
        pytest.param(["x"], "nodes.0", "expected a node model", id="a string"),
    ],
)
def test_add_refuses_what_is_not_a_list_of_node_models(
    graph: MemoryGraph, nodes: Any, field: str, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message) as caught:
        graph.add(nodes)
    assert caught.value.field == field
    assert (graph.stats()).total_nodes == 0
