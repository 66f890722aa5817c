"""Bad input, generated: every invalid value gets an error naming its field, and nothing is written."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_memory_graph import InvalidInputError, MemoryGraph

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

not_a_count = st.one_of(
    st.integers(max_value=-1),
    st.text(min_size=1),
    st.floats(allow_nan=True).filter(lambda f: not f.is_integer() if math.isfinite(f) else True),
)
not_a_string = st.one_of(
    st.integers(), st.lists(st.integers(), min_size=1), st.dictionaries(st.text(), st.integers(), min_size=1)
)
bad_meta_key = st.text(min_size=1, max_size=20).filter(
    lambda k: not (k[0].isascii() and (k[0].isalpha() or k[0] == "_")) or " " in k
)


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryGraph]:
    """One graph for every example; each example checks it stays as it was."""
    path: Path = tmp_path_factory.mktemp("bad") / "graph.db"
    with MemoryGraph.open(path) as graph:
        chat = graph.start_conversation()
        graph.add_completion(graph.add_prompt("q", conversation=chat), "a")
        yield graph


def _assert_rejected(graph: MemoryGraph, field: str, call: Any) -> None:
    before = graph.stats()
    with pytest.raises(InvalidInputError) as caught:
        call()
    assert caught.value.field is not None and caught.value.field.endswith(field), caught.value
    assert field in str(caught.value)
    assert graph.stats() == before


@SETTINGS
@given(value=not_a_count)
def test_token_counts_must_be_whole_and_not_negative(graph: MemoryGraph, value: Any) -> None:
    prompt = graph.find(types="Prompt").items[0]
    _assert_rejected(graph, "input_tokens", lambda: graph.add_completion(prompt, "a", input_tokens=value))


@SETTINGS
@given(value=not_a_string)
def test_prompt_content_must_be_text(graph: MemoryGraph, value: Any) -> None:
    _assert_rejected(graph, "content", lambda: graph.add_prompt(value))


@SETTINGS
@given(key=bad_meta_key)
def test_metadata_keys_must_be_identifiers(graph: MemoryGraph, key: str) -> None:
    _assert_rejected(graph, "metadata", lambda: graph.add_document("d", metadata={key: 1}))


@SETTINGS
@given(moment=st.datetimes(timezones=st.none()))
def test_timestamps_must_carry_a_timezone(graph: MemoryGraph, moment: datetime) -> None:
    _assert_rejected(graph, "created_at", lambda: graph.add_prompt("q", created_at=moment))


@SETTINGS
@given(cost=st.one_of(st.floats(max_value=-0.0001), st.just(math.inf), st.just(math.nan)))
def test_costs_must_be_finite_and_not_negative(graph: MemoryGraph, cost: float) -> None:
    prompt = graph.find(types="Prompt").items[0]
    _assert_rejected(graph, "cost_usd", lambda: graph.add_completion(prompt, "a", cost_usd=cost))


@SETTINGS
@given(node_id=st.text(min_size=1, max_size=40).filter(lambda s: "-" not in s))
def test_ids_must_be_uuids(graph: MemoryGraph, node_id: str) -> None:
    _assert_rejected(graph, "id", lambda: graph.add_prompt("q", id=node_id))


@SETTINGS
@given(fields=st.dictionaries(st.sampled_from(["colour", "tokens", "prompt_id"]), st.integers(), min_size=1))
def test_unknown_fields_in_a_batch_are_rejected(graph: MemoryGraph, fields: dict[str, int]) -> None:
    from llm_memory_graph.schema import parse_node

    def call() -> None:
        graph.add([parse_node({"type": "Prompt", "content": "x", **fields}, field="nodes.0")])

    _assert_rejected(graph, next(iter(fields)), call)
