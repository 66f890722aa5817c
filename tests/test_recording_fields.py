"""Each recording call's keyword fields are declared once (``recording/fields.py``) and
match the node's model field for field, so a new model field cannot be left out of a verb."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from llm_memory_graph import AsyncMemoryGraph, MemoryGraph
from llm_memory_graph.recording import fields as f
from llm_memory_graph.recording.recorder import Recorder
from llm_memory_graph.schema import (
    Agent,
    Completion,
    Context,
    Conversation,
    Document,
    Feedback,
    NodeBase,
    Prompt,
    ToolInvocation,
)

#: Fields the store or the builder sets, never the caller: a verb has no key for them.
KEPT = {"type", "conversation_id", "agent_id", "sequence"}

#: (fields, node class, the model fields its verb leaves out on purpose, and why)
NODES: list[tuple[type[Any], type[NodeBase], set[str]]] = [
    # title is positional; closing is its own call; the store counts the items
    # and track() records the exception a session ended with
    (f.ConversationFields, Conversation, {"title", "status", "closed_at", "item_count", "error"}),
    (f.AgentFields, Agent, {"name", "status", "created_at"}),  # name positional; status is the store's
    (f.PromptFields, Prompt, {"content"}),
    # user_id comes from the conversation; price_version from the graph's price table
    (f.CompletionFields, Completion, {"content", "user_id", "price_version"}),
    (f.ToolInvocationFields, ToolInvocation, {"tool_name", "user_id"}),
    (f.DocumentFields, Document, {"content", "content_hash"}),  # the hash is computed
    (f.ContextFields, Context, {"content", "user_id"}),
    (f.FeedbackFields, Feedback, {"user_id"}),
]

#: Each verb and the fields it takes, on the graph and on batches and buffered writers.
VERBS = {
    "start_conversation": "ConversationFields",
    "hand_off": "HandOffFields",
    "add_prompt": "PromptFields",
    "add_completion": "CompletionFields",
    "add_tool_invocation": "ToolInvocationFields",
    "add_document": "DocumentFields",
    "reference": "ReferenceFields",
    "attach_context": "ContextFields",
    "add_feedback": "FeedbackFields",
}


def _keys(spec: type[Any]) -> set[str]:
    return set(spec.__optional_keys__ | spec.__required_keys__)


@pytest.mark.parametrize(("spec", "node", "left_out"), NODES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_key_that_is_not_a_relation_is_a_field_of_the_node(
    spec: type[Any], node: type[NodeBase], left_out: set[str]
) -> None:
    assert _keys(spec) - f.RELATIONS <= set(node.model_fields)


@pytest.mark.parametrize(("spec", "node", "left_out"), NODES, ids=lambda v: getattr(v, "__name__", ""))
def test_every_field_of_the_node_has_a_key_or_a_reason(
    spec: type[Any], node: type[NodeBase], left_out: set[str]
) -> None:
    assert set(node.model_fields) - KEPT - left_out - _keys(spec) == set()


@pytest.mark.parametrize("owner", [MemoryGraph, AsyncMemoryGraph, Recorder], ids=lambda c: c.__name__)
@pytest.mark.parametrize(("verb", "spec"), sorted(VERBS.items()))
def test_every_recording_call_takes_the_one_declaration(owner: type[Any], verb: str, spec: str) -> None:
    parameter = inspect.signature(getattr(owner, verb)).parameters["fields"]
    assert parameter.kind is inspect.Parameter.VAR_KEYWORD
    assert parameter.annotation == f"Unpack[{spec}]"


def test_a_field_is_spelled_out_in_one_place_only() -> None:
    package = Path(f.__file__).resolve().parents[1]
    holders = sorted(
        str(p.relative_to(package)) for p in package.rglob("*.py") if "cached_input_tokens" in p.read_text()
    )
    # the model, the verbs' declaration, the stores' column mappings (and the CLI's report)
    assert "recording/fields.py" in holders
    assert not {"_async/graph.py", "_sync/graph.py", "recording/recorder.py", "recording/builders.py"} & set(
        holders
    )


def test_an_unknown_keyword_is_refused_as_python_refuses_one_and_nothing_is_written(
    fresh_graph: MemoryGraph,
) -> None:
    prompt = fresh_graph.add_prompt("hi")
    before = fresh_graph.stats().nodes
    with pytest.raises(TypeError, match="add_completion\\(\\) got an unexpected keyword argument 'sequence'"):
        fresh_graph.add_completion(prompt, "hello", sequence=7)  # type: ignore[call-arg]
    assert fresh_graph.stats().nodes == before


def test_a_key_left_out_takes_the_models_default(fresh_graph: MemoryGraph) -> None:
    assert fresh_graph.add_prompt("hi").role == "user"
    assert fresh_graph.attach_context("be brief").kind == "text"


@pytest.mark.parametrize("owner", [MemoryGraph, AsyncMemoryGraph], ids=lambda c: c.__name__)
@pytest.mark.parametrize("verb", ["find", "stream"])
def test_the_filters_of_find_and_stream_are_declared_once(owner: type[Any], verb: str) -> None:
    parameter = inspect.signature(getattr(owner, verb)).parameters["filters"]
    assert parameter.annotation == "Unpack[FilterFields]"


def test_an_unknown_filter_is_refused_as_python_refuses_a_keyword(fresh_graph: MemoryGraph) -> None:
    with pytest.raises(TypeError, match="find\\(\\) got an unexpected keyword argument 'nme'"):
        fresh_graph.find(nme="x")  # type: ignore[call-arg]
