"""The data model: validation names the field at fault, and the edge rules match the design."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import AfterValidator, JsonValue, TypeAdapter, ValidationError

from llm_memory_graph import Completion, Document, Feedback, InvalidInputError, Prompt, ToolInvocation
from llm_memory_graph.schema import (
    EDGE_RULES,
    ITEM_TYPES,
    PLAIN_EDGES,
    Contains,
    EdgeType,
    Generates,
    Metadata,
    NodeType,
    References,
    check_metadata,
    edge_between,
    edge_class,
    input_error,
    parse_edge,
    parse_node,
    validating,
)


def test_unknown_fields_are_rejected_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_node({"type": "Prompt", "content": "x", "colour": "red"}, field="nodes.0")
    assert caught.value.field == "nodes.0.colour"
    assert "unknown field" in str(caught.value)


def test_wrong_types_are_rejected_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_node({"type": "Completion", "content": "x", "input_tokens": "many"})
    assert caught.value.field == "input_tokens"


def test_naive_timestamps_are_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        Prompt(content="x", created_at=datetime(2026, 1, 1))


def test_timestamps_are_stored_in_utc() -> None:
    prompt = Prompt(content="x", created_at=datetime.fromisoformat("2026-01-01T12:00:00+02:00"))
    assert prompt.created_at.isoformat() == "2026-01-01T10:00:00+00:00"


def test_total_tokens_default_to_input_plus_output() -> None:
    assert Completion(content="x", input_tokens=7, output_tokens=5).total_tokens == 12
    assert Completion(content="x", input_tokens=7, output_tokens=5, total_tokens=20).total_tokens == 20
    assert Completion(content="x", input_tokens=7).total_tokens is None


def test_documents_get_a_content_hash() -> None:
    doc = Document(content="abc")
    assert doc.content_hash == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_feedback_needs_a_score_or_a_label() -> None:
    with pytest.raises(ValidationError, match="score or a label"):
        Feedback()


def test_a_tool_error_needs_the_error_status() -> None:
    with pytest.raises(ValidationError, match="status must be 'error'"):
        ToolInvocation(tool_name="t", error="boom")


def test_ids_are_canonical_uuids() -> None:
    assert (
        Prompt(content="x", id="01A20FF6-BA0C-722C-81A4-9BB3AFB52CCB").id
        == "01a20ff6-ba0c-722c-81a4-9bb3afb52ccb"
    )
    with pytest.raises(ValidationError, match="must be a UUID"):
        Prompt(content="x", id="prompt-1")


@given(
    st.uuids().flatmap(
        lambda u: st.sampled_from([str(u), str(u).upper(), u.hex, f"{{{u}}}", f"urn:uuid:{u}"])
    )
)
def test_any_form_of_a_uuid_is_stored_canonical(text: str) -> None:
    # The canonical form is matched by pydantic-core alone; every other form is converted.
    assert Prompt(content="x", conversation_id=text).conversation_id == str(uuid.UUID(text))


def test_ids_are_uuid_strings_in_the_json_schema() -> None:
    assert Prompt.model_json_schema()["properties"]["id"]["format"] == "uuid"


@given(st.text(max_size=40) | st.integers())
def test_anything_else_is_refused_naming_the_field_and_the_value(value: object) -> None:
    try:
        uuid.UUID(str(value))
    except ValueError:
        pass
    else:
        return  # a UUID after all
    refused = pytest.raises(InvalidInputError, match=r"^prompt\.agent_id: must be a UUID string, got ")
    with refused, validating("prompt"):
        Prompt(content="x", agent_id=value)


def test_an_edge_cannot_join_a_node_to_itself() -> None:
    prompt = Prompt(content="x")
    with pytest.raises(InvalidInputError, match="to itself"):
        parse_edge({"type": "DEPENDS_ON", "source_id": prompt.id, "target_id": prompt.id})


#: Metadata validated the long way: every value as JSON, then the key and number rules.
_FULL_METADATA: TypeAdapter[dict[str, JsonValue]] = TypeAdapter(
    Annotated[dict[str, JsonValue], AfterValidator(check_metadata)]
)
_METADATA: TypeAdapter[dict[str, JsonValue]] = TypeAdapter(Metadata)
_numbers = st.integers() | st.floats() | st.sampled_from([float("nan"), float("-inf"), 0.5])
_scalars = st.none() | st.booleans() | _numbers | st.text(max_size=5)
_keys = st.sampled_from(["env", "turn", "_x", "a.b-c", "bad key", "9lives", ""]) | st.text(max_size=4)


@given(st.dictionaries(_keys, _scalars | st.lists(_scalars, max_size=2), max_size=4))
def test_metadata_validates_as_the_full_json_validation_does(value: dict[Any, Any]) -> None:
    try:
        expected: object = _FULL_METADATA.validate_python(value)
    except ValidationError as exc:
        expected = [(e["loc"], e["msg"]) for e in exc.errors()]
    try:
        got: object = _METADATA.validate_python(value)
    except ValidationError as exc:
        got = [(e["loc"], e["msg"]) for e in exc.errors()]
    assert got == expected


def test_metadata_is_copied_from_the_callers_dict() -> None:
    given_metadata = {"env": "prod"}
    prompt = Prompt(content="x", metadata=given_metadata)
    given_metadata["env"] = "staging"
    assert prompt.metadata == {"env": "prod"}


@pytest.mark.parametrize(
    "fields",
    [
        {"metadata": {"score": float("nan")}},
        {"metadata": {"scores": [1.0, float("nan")]}},
        {"metadata": {"nested": {"x": float("inf")}}},
    ],
)
def test_nan_and_infinity_are_refused_at_any_depth_of_metadata(fields: dict[str, Any]) -> None:
    refused = pytest.raises(
        InvalidInputError, match=r"^prompt\.metadata: key '\w+': NaN, infinity and integers beyond 64 bits"
    )
    with refused, validating("prompt"):
        Prompt(content="x", **fields)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("arguments", {"x": [float("nan")]}),
        ("result", {"rows": [{"x": float("-inf")}]}),
        ("result", float("inf")),
    ],
)
def test_nan_and_infinity_are_refused_in_json_fields(field: str, value: object) -> None:
    refused = pytest.raises(
        InvalidInputError,
        match=rf"^tool\.{field}: NaN, infinity and integers beyond 64 bits cannot be stored",
    )
    with refused, validating("tool"):
        ToolInvocation(tool_name="t", **{field: value})


_PLAIN = sorted(PLAIN_EDGES.values())


@pytest.mark.parametrize("edge_type", _PLAIN)
def test_an_assembled_edge_is_the_edge_validation_makes(edge_type: EdgeType) -> None:
    cls, source, target = edge_class(edge_type), Prompt(content="x"), Completion(content="y")
    assembled = edge_between(cls, source, target)
    validated = cls(source_id=source.id, target_id=target.id)
    again = cls(id=assembled.id, created_at=assembled.created_at, source_id=source.id, target_id=target.id)
    assert assembled == again
    assert list(assembled.__dict__) == list(again.__dict__)
    assert assembled.model_dump_json() == again.model_dump_json()
    assert assembled.__pydantic_fields_set__ == validated.__pydantic_fields_set__
    assert assembled.id == validated.id  # one edge per pair: its ends make its id


def test_only_edge_types_without_fields_of_their_own_are_assembled() -> None:
    assert all(edge_class(t) is cls for cls, t in PLAIN_EDGES.items())
    assert set(_PLAIN) == {
        EdgeType.PRECEDES,
        EdgeType.GENERATES,
        EdgeType.TRIGGERS,
        EdgeType.DEPENDS_ON,
        EdgeType.INHERITS,
        EdgeType.HANDLED_BY,
        EdgeType.RATES,
    }
    source, target = Prompt(content="x"), Document(content="d")
    assert edge_between(References, source, target).score is None
    with pytest.raises(ValidationError, match="position"):
        edge_between(Contains, source, target)


def test_an_assembled_edge_still_cannot_join_a_node_to_itself() -> None:
    prompt = Prompt(content="x")
    with pytest.raises(ValidationError, match="to itself"):
        edge_between(Generates, prompt, prompt)


def test_nodes_round_trip_through_json() -> None:
    answer = Completion(
        content="x", request={"messages": [{"role": "user", "content": "q"}]}, metadata={"a": [1]}
    )
    assert parse_node(answer.model_dump_json()) == answer


def test_input_error_leaves_out_the_union_tag_from_the_path() -> None:
    with pytest.raises(ValidationError) as caught:
        Generates.model_validate({"source_id": "x", "target_id": "y"})
    assert input_error(caught.value, "edges.2").field == "edges.2.source_id"


# Provenance directions from DESIGN.md: which end of each edge type is the input.
DESIGN_INPUT_END = {
    EdgeType.GENERATES: "source",
    EdgeType.TRIGGERS: "source",
    EdgeType.REFERENCES: "target",
    EdgeType.DEPENDS_ON: "target",
    EdgeType.DERIVED_FROM: "target",
    EdgeType.INSTANTIATES: "target",
    EdgeType.INHERITS: "target",
    EdgeType.HANDLED_BY: "target",
    EdgeType.TRANSFERS_TO: "source",
    EdgeType.PRECEDES: "source",
    EdgeType.RATES: "target",
    EdgeType.CONTAINS: "source",
    EdgeType.LABELS: "target",
}


def test_every_edge_type_declares_its_provenance_input_as_designed() -> None:
    assert {t: r.input_end for t, r in EDGE_RULES.items()} == DESIGN_INPUT_END


@pytest.mark.parametrize(
    ("edge_type", "source", "target", "allowed"),
    [
        pytest.param(EdgeType.GENERATES, NodeType.PROMPT, NodeType.COMPLETION, True, id="generates"),
        pytest.param(
            EdgeType.GENERATES, NodeType.COMPLETION, NodeType.PROMPT, False, id="generates-backwards"
        ),
        pytest.param(
            EdgeType.TRIGGERS, NodeType.COMPLETION, NodeType.TOOL_INVOCATION, True, id="triggers-tool"
        ),
        pytest.param(
            EdgeType.TRIGGERS, NodeType.TOOL_INVOCATION, NodeType.PROMPT, True, id="triggers-followup"
        ),
        pytest.param(EdgeType.REFERENCES, NodeType.PROMPT, NodeType.DOCUMENT, True, id="references-document"),
        pytest.param(
            EdgeType.REFERENCES, NodeType.DOCUMENT, NodeType.PROMPT, False, id="references-backwards"
        ),
        pytest.param(EdgeType.RATES, NodeType.FEEDBACK, NodeType.COMPLETION, True, id="rates"),
        pytest.param(EdgeType.TRANSFERS_TO, NodeType.AGENT, NodeType.AGENT, True, id="transfers"),
        pytest.param(
            EdgeType.INSTANTIATES, NodeType.PROMPT, NodeType.TEMPLATE_VERSION, True, id="instantiates"
        ),
        pytest.param(
            EdgeType.INHERITS, NodeType.TEMPLATE_VERSION, NodeType.PROMPT_TEMPLATE, True, id="inherits"
        ),
        pytest.param(EdgeType.HANDLED_BY, NodeType.AGENT, NodeType.PROMPT, False, id="handled-backwards"),
    ],
)
def test_edge_rules_allow_only_the_designed_endpoints(
    edge_type: EdgeType, source: NodeType, target: NodeType, allowed: bool
) -> None:
    assert EDGE_RULES[edge_type].allows(source, target) is allowed


def test_conversation_items_are_the_things_that_happen_in_a_session() -> None:
    assert {
        NodeType.PROMPT,
        NodeType.COMPLETION,
        NodeType.TOOL_INVOCATION,
        NodeType.CONTEXT,
        NodeType.FEEDBACK,
    } == ITEM_TYPES
