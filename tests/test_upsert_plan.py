"""The write path's shortcuts build exactly what the slow, validated way builds (issue 6:
they were added to make batched ingest faster, and must not change what is stored).
"""

from __future__ import annotations

import os
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from llm_memory_graph._ids import new_id
from llm_memory_graph.schema import Contains, EdgeType, HandledBy, Precedes, Prompt, parse_edge
from llm_memory_graph.stores._sqlite_rows import kept_edge_json
from llm_memory_graph.stores._upsert import KeptEdge, _replace

_RANDOM = random.Random(6)


def _moments() -> list[datetime]:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(microseconds=_RANDOM.randrange(10**15)) for _ in range(200)]
    return moments + [m.replace(microsecond=0) for m in moments[:50]]


@pytest.mark.parametrize(
    ("cls", "fields"),
    [
        pytest.param(Contains, {"position": 7}, id="CONTAINS"),
        pytest.param(Precedes, {}, id="PRECEDES"),
        pytest.param(HandledBy, {}, id="HANDLED_BY"),
    ],
)
def test_store_kept_edges_equal_validated_ones_and_serialise_the_same(
    cls: type, fields: dict[str, int]
) -> None:
    for moment in _moments():
        kept = KeptEdge(
            EdgeType(cls.model_fields["type"].default), new_id(), new_id(), new_id(), moment, **fields
        )
        validated = cls(
            id=kept.id, source_id=kept.source_id, target_id=kept.target_id, created_at=moment, **fields
        )

        assert kept.model() == validated
        assert kept_edge_json(kept) == validated.model_dump_json()
        assert parse_edge(kept_edge_json(kept)) == validated


def test_replacing_fields_equals_model_copy() -> None:
    prompt = Prompt(content="hi", metadata={"a": 1})
    update = {"sequence": 3, "user_id": "u-1"}

    replaced = _replace(prompt, update)

    assert replaced == prompt.model_copy(update=update)
    assert replaced.model_dump_json() == prompt.model_copy(update=update).model_dump_json()
    assert prompt.sequence is None


def test_new_ids_are_uuid7_strictly_increasing_and_distinct() -> None:
    ids = [new_id() for _ in range(50_000)]

    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    parsed = [uuid.UUID(i) for i in ids[::997]]
    assert all(
        p.version == 7 and p.variant == uuid.RFC_4122 and str(p) == i
        for p, i in zip(parsed, ids[::997], strict=True)
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_does_not_repeat_its_parents_ids() -> None:
    new_id()  # fill the pool before forking
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.write(write, ",".join(new_id() for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        child = pipe.read().split(",")
    parent = [new_id() for _ in range(50)]

    assert {i[-12:] for i in child}.isdisjoint(i[-12:] for i in parent)
