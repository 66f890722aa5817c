"""Ids, cursors and metadata keys: the encodings both stores share."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llm_memory_graph.errors import InvalidCursorError
from llm_memory_graph.schema.ids import is_uuid7, new_id, uuid7_time
from llm_memory_graph.stores.codec import decode_cursor, encode_cursor, from_micros, meta_value, to_micros

aware = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC))


def test_new_ids_are_uuid7_and_strictly_increasing() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert all(is_uuid7(i) and uuid.UUID(i).version == 7 for i in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_ids_made_faster_than_the_counter_allows_borrow_the_next_millisecond(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A stopped clock: 5,000 ids overflow the 12-bit counter of one millisecond.
    stopped = time.time_ns()
    monkeypatch.setattr(time, "time_ns", lambda: stopped)
    ids = [new_id() for _ in range(5_000)]

    assert all(is_uuid7(i) and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {uuid7_time(i) - uuid7_time(ids[0]) for i in ids} <= {
        timedelta(0),
        timedelta(milliseconds=1),
        timedelta(milliseconds=2),
    }


def test_new_ids_carry_the_current_time() -> None:
    assert abs(uuid7_time(new_id()) - datetime.now(UTC)) < timedelta(seconds=5)


@given(aware, st.uuids().map(str))
def test_cursors_round_trip(moment: datetime, node_id: str) -> None:
    assert decode_cursor(encode_cursor(moment, node_id)) == (moment, node_id)


@given(aware)
def test_micros_round_trip_exactly(moment: datetime) -> None:
    assert from_micros(to_micros(moment)) == moment


@given(st.text(max_size=40))
def test_arbitrary_text_is_never_taken_for_a_cursor_silently(text: str) -> None:
    try:
        moment, node_id = decode_cursor(text)
    except InvalidCursorError:
        return
    assert encode_cursor(moment, node_id).rstrip("=") == text.rstrip("=")


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        pytest.param(3, 3.0, True, id="int-float"),
        pytest.param(True, 1, False, id="bool-int"),
        pytest.param("3", 3, False, id="string-int"),
        pytest.param("é", "é", True, id="unicode"),
        pytest.param(0.1, 0.1, True, id="float"),
    ],
)
def test_metadata_values_compare_like_cypher(left: object, right: object, equal: bool) -> None:
    assert (meta_value(left) == meta_value(right)) is equal


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans()))
def test_metadata_values_are_their_canonical_json(value: object) -> None:
    canonical = int(value) if isinstance(value, float) and value.is_integer() else value

    assert meta_value(value) == json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
