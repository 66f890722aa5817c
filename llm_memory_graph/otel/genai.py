"""OpenTelemetry GenAI spans as graph nodes and edges, and back; no I/O, no import of
``opentelemetry``.

Targets the GenAI semantic conventions as the official instrumentations emit them with
``OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`` (semantic conventions 1.37):
``gen_ai.operation.name``, ``gen_ai.provider.name`` (or the older ``gen_ai.system``),
``gen_ai.request.model``, ``gen_ai.response.*``, ``gen_ai.usage.*``, the JSON message lists
``gen_ai.input.messages`` / ``gen_ai.output.messages``, ``gen_ai.tool.*``,
``gen_ai.agent.*`` and ``gen_ai.conversation.id`` (or ``session.id``).

Every id is derived from the span (or, for a tool invocation, from the tool call's id), so
reading the same spans again writes the same nodes and edges: nothing is added twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import JsonValue

from ..integrations.calls import arguments_of
from ..recording.tools import as_json
from ..schema import (
    Agent,
    Completion,
    Conversation,
    Document,
    Edge,
    Generates,
    Node,
    Prompt,
    References,
    ToolInvocation,
    ToolStatus,
    TransfersTo,
    Triggers,
    validating,
)
from ..schema.ids import pair_id

__all__ = [
    "CHAT_OPERATIONS",
    "MAX_RETRIEVED",
    "GenAISpan",
    "GraphItems",
    "chat_attributes",
    "graph_items",
    "is_retrieval",
    "retrieval_key",
    "retrieved",
    "tool_attributes",
    "tool_invocation_id",
    "wanted_ids",
    "wanted_retrievals",
]

#: The operations read as one model call.
CHAT_OPERATIONS = frozenset({"chat", "text_completion", "generate_content"})
_AGENT_OPERATIONS = frozenset({"invoke_agent", "create_agent"})

#: Most documents read from one retrieval span.
MAX_RETRIEVED = 1_000


def is_retrieval(span: GenAISpan) -> bool:
    """A retrieval span: the GenAI ``retrieval`` operation, or OpenInference's RETRIEVER."""
    return span.operation == "retrieval" or span.attributes.get("openinference.span.kind") == "RETRIEVER"


def retrieved(span: GenAISpan) -> list[dict[str, Any]]:
    """The documents a retrieval span found, best first: from ``gen_ai.retrieval.documents``
    (JSON: id, content, score) or OpenInference's ``retrieval.documents.N.document.*``."""
    raw = span.attributes.get("gen_ai.retrieval.documents")
    if raw:
        try:
            found = json.loads(raw) if isinstance(raw, str) else list(raw)
        except ValueError:
            found = []
        return [d for d in found if isinstance(d, dict)][:MAX_RETRIEVED]
    documents: dict[int, dict[str, Any]] = {}
    for key, value in span.attributes.items():
        if key.startswith("retrieval.documents."):
            index, _, rest = key.removeprefix("retrieval.documents.").partition(".document.")
            if index.isdigit() and int(index) < MAX_RETRIEVED:
                documents.setdefault(int(index), {})[rest] = value
    return [documents[i] for i in sorted(documents)]


@dataclass(frozen=True)
class GenAISpan:
    """One finished span, as the SDK or OTLP gives it: ids in lower-case hex."""

    trace_id: str
    span_id: str
    parent_id: str | None
    name: str
    start_ns: int
    end_ns: int
    attributes: Mapping[str, Any]
    #: The status description of a span that ended in error, else ``None``.
    error: str | None = None

    @property
    def operation(self) -> str | None:
        """``gen_ai.operation.name``, else OpenLLMetry's ``llm.request.type``."""
        value = self.attributes.get("gen_ai.operation.name")
        if value is None:
            value = _LEGACY_OPERATIONS.get(str(self.attributes.get("llm.request.type")))
        return None if value is None else str(value)


@dataclass
class GraphItems:
    """What spans become: nodes (conversations and agents first) and edges."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[str, Edge] = field(default_factory=dict)

    def node(self, node: Node) -> None:
        self.nodes[node.id] = node

    def edge(self, edge: Edge) -> None:
        self.edges[edge.id] = edge


def _id(kind: str, *parts: str) -> str:
    return pair_id(f"otel-{kind}", parts[0], ":".join(parts[1:]))


def tool_invocation_id(tool_call_id: str) -> str:
    """The id of the invocation of a tool call, the same from every span that names it."""
    return _id("tool", tool_call_id)


def _when(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / 1e9, UTC)


#: OpenLLMetry's ``llm.request.type`` values, as GenAI operations.
_LEGACY_OPERATIONS = {"chat": "chat", "completion": "text_completion"}


def _indexed(attributes: Mapping[str, Any], prefix: str) -> list[dict[str, Any]]:
    """``prefix.N.key`` attributes as a list of dicts, by N (OpenLLMetry's message style)."""
    found: dict[int, dict[str, Any]] = {}
    for key, value in attributes.items():
        if key.startswith(prefix):
            index, _, rest = key.removeprefix(prefix).partition(".")
            if index.isdigit() and rest:
                found.setdefault(int(index), {})[rest] = value
    return [found[i] for i in sorted(found)]


def _legacy(span: GenAISpan, key: str) -> list[dict[str, Any]]:
    """OpenLLMetry's ``gen_ai.prompt.N.*`` / ``gen_ai.completion.N.*`` attributes as the
    current conventions' message lists."""
    prefix = "gen_ai.prompt." if key == "gen_ai.input.messages" else "gen_ai.completion."
    messages = []
    for entry in _indexed(span.attributes, prefix):
        parts: list[dict[str, Any]] = []
        if entry.get("tool_call_id"):
            parts.append(
                {"type": "tool_call_response", "id": entry["tool_call_id"], "response": entry.get("content")}
            )
        elif entry.get("content") is not None:
            parts.append({"type": "text", "content": entry["content"]})
        calls = _indexed(entry, "tool_calls.")
        parts += [
            {"type": "tool_call", "id": c.get("id"), "name": c.get("name"), "arguments": c.get("arguments")}
            for c in calls
        ]
        messages.append(
            {"role": entry.get("role"), "parts": parts, "finish_reason": entry.get("finish_reason")}
        )
    return messages


def _messages(span: GenAISpan, key: str) -> list[dict[str, Any]]:
    raw = span.attributes.get(key)
    if not raw:
        return _legacy(span, key)
    try:
        found = json.loads(raw) if isinstance(raw, str) else list(raw)
    except ValueError:
        return []
    return [m for m in found if isinstance(m, dict)]


def _first(attributes: Mapping[str, Any], *keys: str) -> Any:
    """The value of the first of ``keys`` present: the current name, then older ones."""
    return next((attributes[k] for k in keys if attributes.get(k) is not None), None)


def _parts(message: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    return [p for p in message.get("parts") or () if isinstance(p, dict) and p.get("type") == kind]


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _json_or_text(value: object) -> JsonValue:
    """An attribute that holds JSON text as its value, other text as it is."""
    if isinstance(value, str):
        try:
            return as_json(json.loads(value))
        except ValueError:
            return value
    return as_json(value)


def retrieval_key(trace_id: str, parent_id: str | None) -> str:
    """What the documents of a retrieval and the model calls that follow it share."""
    return f"{trace_id}:{parent_id or ''}"


def wanted_retrievals(spans: Iterable[GenAISpan]) -> set[str]:
    """The retrievals whose documents these spans' model calls may reference: read those
    documents from the graph first (``metadata={"otel.retrieval": key}``)."""
    return {
        retrieval_key(s.trace_id, s.parent_id)
        for s in spans
        if s.operation in CHAT_OPERATIONS and s.parent_id
    }


def wanted_ids(spans: Iterable[GenAISpan]) -> set[str]:
    """The tool invocations these spans' prompts answer: read them from the graph first,
    so a prompt can be linked to an invocation recorded by earlier spans."""
    wanted = set()
    for span in spans:
        for message in _messages(span, "gen_ai.input.messages")[-1:]:
            for part in _parts(message, "tool_call_response"):
                if part.get("id"):
                    wanted.add(tool_invocation_id(str(part["id"])))
    return wanted


class _Reader:
    def __init__(self, spans: Sequence[GenAISpan], existing: Mapping[str, Node]) -> None:
        self.by_id = {s.span_id: s for s in spans}
        self.existing = existing
        self.items = GraphItems()

    def ancestors(self, span: GenAISpan) -> Iterable[GenAISpan]:
        seen = set()
        parent = self.by_id.get(span.parent_id or "")
        while parent is not None and parent.span_id not in seen:
            seen.add(parent.span_id)
            yield parent
            parent = self.by_id.get(parent.parent_id or "")

    def conversation(self, span: GenAISpan) -> str | None:
        for candidate in (span, *self.ancestors(span)):
            found = candidate.attributes.get("gen_ai.conversation.id") or candidate.attributes.get(
                "session.id"
            )
            if found:
                conversation_id = _id("conversation", str(found))
                if conversation_id not in self.items.nodes:
                    with validating("span"):
                        self.items.node(
                            Conversation(
                                id=conversation_id, title=str(found), created_at=_when(candidate.start_ns)
                            )
                        )
                return conversation_id
        return None

    def agent(self, span: GenAISpan) -> str | None:
        for candidate in (span, *self.ancestors(span)):
            if candidate.operation in _AGENT_OPERATIONS:
                return self.agent_of(candidate)
        return None

    def agent_of(self, span: GenAISpan) -> str | None:
        name = span.attributes.get("gen_ai.agent.name")
        key = span.attributes.get("gen_ai.agent.id") or name
        if not key:
            return None
        agent_id = _id("agent", str(key))
        if agent_id not in self.items.nodes:
            with validating("span"):
                self.items.node(
                    Agent(
                        id=agent_id,
                        name=str(name or key),
                        description=span.attributes.get("gen_ai.agent.description"),
                        created_at=_when(span.start_ns),
                    )
                )
        return agent_id

    def read(self, span: GenAISpan) -> None:
        if span.operation in CHAT_OPERATIONS:
            self.chat(span)
        elif span.operation == "execute_tool":
            self.tool(span)
        elif span.operation in _AGENT_OPERATIONS:
            self.hand_off(span)
        elif is_retrieval(span):
            self.retrieval(span)

    def retrieval(self, span: GenAISpan) -> None:
        """Documents, marked with the retrieval they came from (``otel.retrieval``: the trace
        and the parent span), so the model calls that follow it under the same parent, in
        this export or a later one, reference them."""
        for rank, found in enumerate(retrieved(span), start=1):
            key = str(found.get("id") or f"{span.trace_id}:{span.span_id}:{rank}")
            score = found.get("score")
            mark: dict[str, Any] = {
                "otel.retrieval": retrieval_key(span.trace_id, span.parent_id),
                "otel.rank": rank,
            }
            if isinstance(score, int | float) and not isinstance(score, bool):
                mark["otel.score"] = float(score)
            with validating("span"):
                self.items.node(
                    Document(
                        id=_id("document", key),
                        content=_text(found.get("content", "")),
                        source=span.attributes.get("gen_ai.data_source.id"),
                        metadata=mark,
                        created_at=_when(span.end_ns),
                    )
                )

    def references(self, span: GenAISpan, prompt_id: str) -> None:
        """REFERENCES from a model call's prompt to what a retrieval before it, under the
        same parent span, found."""
        key = retrieval_key(span.trace_id, span.parent_id)
        started = _when(span.start_ns)
        seen = {**self.existing, **self.items.nodes}.values()
        for document in seen:
            if not isinstance(document, Document) or document.metadata.get("otel.retrieval") != key:
                continue
            if document.created_at <= started:
                rank, score = document.metadata.get("otel.rank"), document.metadata.get("otel.score")
                with validating("span"):
                    self.items.edge(
                        References(
                            id=_id("reference", prompt_id, document.id),
                            source_id=prompt_id,
                            target_id=document.id,
                            rank=rank if isinstance(rank, int) else None,
                            score=score if isinstance(score, float) else None,
                        )
                    )

    def chat(self, span: GenAISpan) -> None:
        attributes = span.attributes
        conversation_id, agent_id = self.conversation(span), self.agent(span)
        inputs, outputs = _messages(span, "gen_ai.input.messages"), _messages(span, "gen_ai.output.messages")
        last = inputs[-1] if inputs else {}
        responses = _parts(last, "tool_call_response")
        content = "\n".join(_text(p.get("response")) for p in responses) or "\n".join(
            _text(p.get("content", "")) for p in _parts(last, "text")
        )
        answer = outputs[0] if outputs else {}
        finish = answer.get("finish_reason") or next(
            iter(attributes.get("gen_ai.response.finish_reasons") or ()), None
        )
        with validating("span"):
            prompt = Prompt(
                id=_id("prompt", span.trace_id, span.span_id),
                content=content,
                role=str(last.get("role") or "user"),
                conversation_id=conversation_id,
                agent_id=agent_id,
                created_at=_when(span.start_ns),
            )
            completion = Completion(
                id=_id("completion", span.trace_id, span.span_id),
                content="".join(_text(p.get("content", "")) for p in _parts(answer, "text")),
                provider=attributes.get("gen_ai.provider.name") or attributes.get("gen_ai.system"),
                request_model=attributes.get("gen_ai.request.model"),
                response_model=attributes.get("gen_ai.response.model"),
                response_id=attributes.get("gen_ai.response.id"),
                input_tokens=_first(attributes, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
                output_tokens=_first(
                    attributes, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"
                ),
                cached_input_tokens=_first(
                    attributes, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"
                ),
                finish_reason=None if finish is None else str(finish),
                error=span.error,
                latency_ms=round((span.end_ns - span.start_ns) / 1e6, 3),
                conversation_id=conversation_id,
                agent_id=agent_id,
                created_at=_when(span.end_ns),
            )
        self.items.node(prompt)
        self.items.node(completion)
        if span.parent_id is not None:
            self.references(span, prompt.id)
        self.items.edge(
            Generates(id=_id("generates", completion.id), source_id=prompt.id, target_id=completion.id)
        )
        for part in responses:
            answered = self.items.nodes.get(tool_invocation_id(str(part.get("id")))) or self.existing.get(
                tool_invocation_id(str(part.get("id")))
            )
            if isinstance(answered, ToolInvocation):
                if answered.status == ToolStatus.PENDING:
                    self.items.node(
                        answered.model_copy(
                            update={
                                "status": ToolStatus.SUCCESS,
                                "result": _json_or_text(part.get("response")),
                            }
                        )
                    )
                self.items.edge(
                    Triggers(id=_id("answers", prompt.id), source_id=answered.id, target_id=prompt.id)
                )
                break
        else:
            tool_span = next((a for a in self.ancestors(span) if a.operation == "execute_tool"), None)
            if tool_span is not None:
                tool_id = self.tool_id(tool_span)
                self.items.edge(
                    Triggers(id=_id("answers", prompt.id), source_id=tool_id, target_id=prompt.id)
                )
        for part in _parts(answer, "tool_call"):
            call_id = str(part.get("id") or "")
            invocation_id = (
                tool_invocation_id(call_id) if call_id else _id("tool", span.span_id, str(part.get("name")))
            )
            if invocation_id not in self.items.nodes and invocation_id not in self.existing:
                with validating("span"):
                    self.items.node(
                        ToolInvocation(
                            id=invocation_id,
                            tool_name=str(part.get("name") or "tool"),
                            tool_call_id=call_id or None,
                            arguments=arguments_of(part.get("arguments")),
                            status=ToolStatus.PENDING,
                            conversation_id=conversation_id,
                            agent_id=agent_id,
                            created_at=_when(span.end_ns),
                        )
                    )
            self.items.edge(
                Triggers(id=_id("asks", invocation_id), source_id=completion.id, target_id=invocation_id)
            )

    def tool_id(self, span: GenAISpan) -> str:
        call_id = span.attributes.get("gen_ai.tool.call.id")
        return tool_invocation_id(str(call_id)) if call_id else _id("tool", span.trace_id, span.span_id)

    def tool(self, span: GenAISpan) -> None:
        attributes = span.attributes
        invocation_id = self.tool_id(span)
        earlier = self.items.nodes.get(invocation_id) or self.existing.get(invocation_id)
        conversation_id, agent_id = self.conversation(span), self.agent(span)
        result = attributes.get("gen_ai.tool.call.result")
        with validating("span"):
            invocation = ToolInvocation(
                id=invocation_id,
                tool_name=str(attributes.get("gen_ai.tool.name") or span.name),
                tool_call_id=attributes.get("gen_ai.tool.call.id"),
                arguments=arguments_of(attributes.get("gen_ai.tool.call.arguments") or {}),
                result=None if result is None else _json_or_text(result),
                status=ToolStatus.ERROR if span.error else ToolStatus.SUCCESS,
                error=span.error,
                duration_ms=round((span.end_ns - span.start_ns) / 1e6, 3),
                conversation_id=conversation_id or getattr(earlier, "conversation_id", None),
                agent_id=agent_id or getattr(earlier, "agent_id", None),
                created_at=getattr(earlier, "created_at", None) or _when(span.start_ns),
            )
        self.items.node(invocation)

    def hand_off(self, span: GenAISpan) -> None:
        agent_id = self.agent_of(span)
        outer = next((a for a in self.ancestors(span) if a.operation in _AGENT_OPERATIONS), None)
        outer_id = None if outer is None else self.agent_of(outer)
        if agent_id is not None and outer_id is not None and outer_id != agent_id:
            with validating("span"):
                self.items.edge(
                    TransfersTo(
                        id=_id("handoff", span.trace_id, span.span_id),
                        source_id=outer_id,
                        target_id=agent_id,
                        reason=span.name,
                        conversation_id=self.conversation(span),
                    )
                )


def graph_items(spans: Sequence[GenAISpan], existing: Mapping[str, Node] | None = None) -> GraphItems:
    """The nodes and edges the GenAI spans among ``spans`` stand for; other spans are read
    only as the parents of GenAI spans.

    :param existing: nodes the graph already holds among ``wanted_ids(spans)``.
    """
    reader = _Reader(spans, existing or {})
    for span in sorted(spans, key=lambda s: (not is_retrieval(s), s.operation != "execute_tool", s.start_ns)):
        reader.read(span)
    return reader.items


def chat_attributes(
    prompt: Prompt,
    completion: Completion,
    asked: Sequence[ToolInvocation],
    answered: Sequence[ToolInvocation],
) -> dict[str, Any]:
    """The ``gen_ai.*`` attributes of the span of one recorded model call: ``asked`` are the
    tool calls the completion asked for, ``answered`` those whose results the prompt sent."""
    if answered:
        parts: list[dict[str, Any]] = [
            {"type": "tool_call_response", "id": t.tool_call_id or t.id, "response": t.result}
            for t in answered
        ]
    else:
        parts = [{"type": "text", "content": prompt.content}]
    output: list[dict[str, Any]] = (
        [{"type": "text", "content": completion.content}] if completion.content else []
    )
    output += [
        {"type": "tool_call", "id": t.tool_call_id or t.id, "name": t.tool_name, "arguments": t.arguments}
        for t in asked
    ]
    found: dict[str, Any] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": completion.provider,
        "gen_ai.request.model": completion.request_model,
        "gen_ai.response.model": completion.response_model,
        "gen_ai.response.id": completion.response_id,
        "gen_ai.usage.input_tokens": completion.input_tokens,
        "gen_ai.usage.output_tokens": completion.output_tokens,
        "gen_ai.usage.cache_read.input_tokens": completion.cached_input_tokens,
        "gen_ai.response.finish_reasons": [completion.finish_reason] if completion.finish_reason else None,
        "gen_ai.conversation.id": completion.conversation_id,
        "gen_ai.input.messages": json.dumps([{"role": prompt.role, "parts": parts}]),
        "gen_ai.output.messages": json.dumps(
            [{"role": "assistant", "parts": output, "finish_reason": completion.finish_reason}]
        ),
    }
    return {k: v for k, v in found.items() if v is not None}


def tool_attributes(tool: ToolInvocation) -> dict[str, Any]:
    """The ``gen_ai.*`` attributes of the span of one tool run."""
    found: dict[str, Any] = {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": tool.tool_name,
        "gen_ai.tool.call.id": tool.tool_call_id,
        "gen_ai.tool.call.arguments": json.dumps(tool.arguments),
        "gen_ai.tool.call.result": None if tool.result is None else json.dumps(tool.result),
        "gen_ai.conversation.id": tool.conversation_id,
    }
    return {k: v for k, v in found.items() if v is not None}
