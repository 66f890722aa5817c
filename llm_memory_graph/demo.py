"""The demo scenario: a multi-agent RAG support session, recorded through the public API.

A customer asks for a refund. A router agent classifies the message and hands off to a
researcher, who retrieves three help-center documents, calls a calculator and writes
research notes; a writer drafts the reply. The customer rates it poorly (it left out when
the money arrives), so the writer's prompt is revised, re-run and rated again.

    with MemoryGraph.open("demo.db") as graph:
        result = record_demo(graph)
        print(graph.lineage(result.answer_id).nodes)

Agents are reused by name and documents by URI, so running the demo again adds one more
conversation to the same graph rather than duplicating the shared nodes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from ._sync.graph import MemoryGraph
from .errors import InvalidInputError, NodeNotFoundError
from .schema import Agent, Completion, Document, Prompt

__all__ = ["DemoResult", "record_demo"]

#: Namespace for the documents' ids, derived from their URIs so every run shares them.
_DOCUMENT_NAMESPACE = uuid.UUID("6b0f3c52-5d8e-4a5f-9a51-3f1c0d7e2b10")

_CUSTOMER = "cust-1042"

_QUESTION = (
    "Hi, I bought the annual Pro plan ($240) on March 3 and I'd like to cancel now, 45 days "
    "later. Can I still get a refund, and how much would it be?"
)

_ROUTER_SYSTEM = (
    "You are the triage router for Acme Notes support. Classify each customer message and "
    "route it to exactly one agent: `researcher` for questions that need policy or account "
    "facts, `writer` for simple replies. Answer with JSON: "
    '{"route": ..., "intent": ..., "confidence": ...}.'
)

_WRITER_SYSTEM = (
    "You are the Acme Notes support writer. Write in plain, warm English, at most 120 words. "
    "Never promise anything the research notes do not support. Sign off as 'Acme Notes Support'."
)


@dataclass(frozen=True)
class _Doc:
    title: str
    source: str
    uri: str
    content: str
    score: float
    chunk_index: int | None = None
    chunk_count: int | None = None


_DOCUMENTS = (
    _Doc(
        title="Refund policy: subscriptions (rev. 2024-06)",
        source="help-center",
        uri="https://help.acme-notes.example/policies/refunds#subscriptions",
        content=(
            "Annual plans can be cancelled at any time. Within 30 days of purchase we refund "
            "the full price. After 30 days we refund the unused full months of the plan, pro "
            "rata (annual price / 12 per month); the month in which you cancel counts as used. "
            "Refunds are not available after 11 months."
        ),
        score=0.91,
        chunk_index=1,
        chunk_count=5,
    ),
    _Doc(
        title="Billing FAQ: how long do refunds take?",
        source="help-center",
        uri="https://help.acme-notes.example/billing/refund-timing",
        content=(
            "Approved refunds go back to the original payment method. Card refunds appear "
            "within 5-10 business days; PayPal refunds within 3-5 business days. We email a "
            "receipt when the refund is issued."
        ),
        score=0.84,
    ),
    _Doc(
        title="Pro plan pricing (2024)",
        source="pricing-page",
        uri="https://acme-notes.example/pricing#pro",
        content=(
            "Pro: $24 per month billed monthly, or $240 per year billed annually (two months "
            "free). Prices exclude VAT where applicable."
        ),
        score=0.77,
    ),
)

_RESEARCH_NOTES = (
    "Research notes for the writer:\n"
    "- Rule: after the 30-day window, annual plans are refunded pro rata for unused full "
    "months; the month of cancellation counts as used (Refund policy, subscriptions).\n"
    "- Customer: annual Pro, $240, bought March 3, cancelling on day 45, so 2 months used "
    "and 10 unused.\n"
    "- Refund: $240 / 12 x 10 = $200.00 (calculator).\n"
    "- Timing: card refunds appear within 5-10 business days (Billing FAQ)."
)

_WRITER_TASK = (
    "Write a short, friendly reply to the customer's refund question using only the research "
    "notes. State the refund amount and how it was calculated."
)

_FIRST_ANSWER = (
    "Hi Dana,\n\nThanks for reaching out. You're 45 days into your annual Pro plan, so the "
    "30-day full-refund window has passed, but you're still eligible for a pro-rata refund of "
    "the months you haven't used. You've used 2 of 12 months, so we'll refund 10 x $20 = "
    "$200.00.\n\nAcme Notes Support"
)

_FINAL_ANSWER = (
    "Hi Dana,\n\nThanks for getting in touch. You bought the annual Pro plan 45 days ago, so "
    "the 30-day full-refund window has passed, but you can still get a pro-rata refund for the "
    "months you haven't used. The month you cancel in counts as used, which leaves 10 of 12 "
    "months: 10 x $20 = $200.00.\n\nThe refund goes back to the card you paid with and usually "
    "appears within 5-10 business days; we'll email you a receipt as soon as it's issued.\n\n"
    "Best,\nAcme Notes Support"
)

_CALCULATOR_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "calculator",
        "description": "Evaluate an arithmetic expression.",
        "parameters": {
            "type": "object",
            "properties": {"expression": {"type": "string"}},
            "required": ["expression"],
        },
    },
}


@dataclass(frozen=True)
class DemoResult:
    """The ids of what one demo run recorded, for printing and for tests."""

    #: The run's conversation.
    conversation_id: str
    #: The customer's question, the first prompt.
    question_id: str
    #: The writer's first answer, rated poorly.
    first_answer_id: str
    #: The writer's revised prompt, derived from the first one.
    revised_prompt_id: str
    #: The final answer: the re-run of the revised prompt.
    answer_id: str
    #: The calculator call.
    tool_invocation_id: str
    #: Agent ids by name: ``router``, ``researcher``, ``writer``.
    agent_ids: dict[str, str]
    #: The retrieved documents, best match first.
    document_ids: tuple[str, ...]


def record_demo(graph: MemoryGraph) -> DemoResult:
    """Record one refund-question session, from question to rated, revised final answer.

    :param graph: an open graph; each call adds a new conversation to it.
    :returns: the ids of the main nodes recorded.
    :raises MemoryGraphError: if the store fails.
    """
    chat = graph.start_conversation(
        "Refund for an annual Pro plan",
        user_id=_CUSTOMER,
        metadata={"channel": "web-chat", "product": "acme-notes"},
    )
    router, researcher, writer = _agents(graph)

    # The router reads the question and decides who should handle it.
    question = graph.add_prompt(
        _QUESTION, conversation=chat, agent=router, token_count=41, metadata={"channel": "web-chat"}
    )
    graph.attach_context(
        _ROUTER_SYSTEM, to=question, conversation=chat, agent=router, kind="system", token_count=64
    )
    routing = graph.add_completion(
        question,
        '{"route": "researcher", "intent": "refund_request", "plan": "annual_pro", "confidence": 0.94}',
        provider="openai",
        request_model="gpt-4o-mini",
        response_model="gpt-4o-mini-2024-07-18",
        response_id="chatcmpl-AZ3kq1Vd7x9LmQe2Rt5YbN0s",
        input_tokens=412,
        output_tokens=31,
        cost_usd=0.0000804,
        latency_ms=612.0,
        finish_reason="stop",
        request={
            "messages": [
                {"role": "system", "content": _ROUTER_SYSTEM},
                {"role": "user", "content": _QUESTION},
            ],
            "parameters": {"temperature": 0, "max_tokens": 100, "response_format": {"type": "json_object"}},
        },
    )
    graph.hand_off(
        router, researcher, reason="refund question needs the policy and a calculation", conversation=chat
    )

    # The researcher retrieves documents, asks the model, and runs the calculator it asks for.
    research_prompt, documents = _research_prompt(graph, chat.id, researcher, routing)
    research_call = graph.add_completion(
        research_prompt,
        "45 days have passed, so the 30-day full refund no longer applies and the pro-rata rule "
        "does. The cancellation falls in month 2, which counts as used: 10 unused months remain. "
        "Calling the calculator for 240 / 12 * 10.",
        provider="openai",
        request_model="gpt-4o-2024-08-06",
        response_model="gpt-4o-2024-08-06",
        response_id="chatcmpl-AZ3kr8Hn2cP0wUe6Kj1TfX4d",
        input_tokens=1846,
        output_tokens=58,
        cost_usd=0.005195,
        latency_ms=1930.0,
        finish_reason="tool_calls",
        request={
            "messages": [{"role": "user", "content": research_prompt.content}],
            "tools": [_CALCULATOR_TOOL],
            "parameters": {"temperature": 0.2, "tool_choice": "auto"},
        },
    )
    tool = graph.add_tool_invocation(
        research_call,
        "calculator",
        arguments={"expression": "240 / 12 * 10"},
        result={"value": 200.0},
        duration_ms=2.4,
        tool_call_id="call_Qm4f8ZP1xV0cT2aR9kLd",
    )
    tool_result = graph.add_prompt(
        '{"value": 200.0}', conversation=chat, agent=researcher, role="tool", triggered_by=tool, token_count=9
    )
    notes = graph.add_completion(
        tool_result,
        _RESEARCH_NOTES,
        provider="openai",
        request_model="gpt-4o-2024-08-06",
        response_model="gpt-4o-2024-08-06",
        response_id="chatcmpl-AZ3ku0Bq5sR7yIe3Gm8VcZ2h",
        input_tokens=1961,
        output_tokens=96,
        cached_input_tokens=1792,
        cost_usd=0.0036225,
        latency_ms=1410.0,
        finish_reason="stop",
        request={
            "messages": [
                {"role": "user", "content": research_prompt.content},
                {"role": "tool", "tool_call_id": "call_Qm4f8ZP1xV0cT2aR9kLd", "content": '{"value": 200.0}'},
            ],
            "tools": [_CALCULATOR_TOOL],
            "parameters": {"temperature": 0.2},
        },
    )
    graph.hand_off(
        researcher, writer, reason="research complete; draft the customer reply", conversation=chat
    )

    # The writer drafts a reply; the customer finds it incomplete.
    draft_prompt = graph.add_prompt(
        f"{_WRITER_TASK}\n\n{_RESEARCH_NOTES}",
        conversation=chat,
        agent=writer,
        depends_on=[notes],
        token_count=164,
        metadata={"attempt": 1},
    )
    system = graph.attach_context(
        _WRITER_SYSTEM, to=draft_prompt, conversation=chat, agent=writer, kind="system", token_count=52
    )
    first_answer = _write(
        graph,
        draft_prompt,
        _FIRST_ANSWER,
        input_tokens=688,
        output_tokens=142,
        reasoning_tokens=None,
        cached_input_tokens=None,
        cost_usd=0.004194,
        latency_ms=2870.0,
        attempt=1,
    )
    graph.add_feedback(
        first_answer,
        score=2,
        label="incomplete",
        comment="Fine, but it doesn't say when I'll actually get the money back.",
        rater=_CUSTOMER,
        metadata={"scale": "1-5"},
    )

    # The prompt is revised to ask for the timing, re-run, and rated again.
    revised = graph.add_prompt(
        f"{_WRITER_TASK} Also say how and when the money will arrive.\n\n{_RESEARCH_NOTES}",
        conversation=chat,
        agent=writer,
        depends_on=[notes],
        token_count=176,
        metadata={"attempt": 2},
    )
    graph.link_revision(
        revised, draft_prompt, reason="customer feedback: the reply left out when the refund arrives"
    )
    graph.reference(revised, system)
    graph.reference(revised, documents[1], score=0.88, rank=1)
    answer = _write(
        graph,
        revised,
        _FINAL_ANSWER,
        input_tokens=1164,
        output_tokens=402,
        reasoning_tokens=214,
        cached_input_tokens=618,
        cost_usd=0.0078534,
        latency_ms=4120.0,
        attempt=2,
    )
    graph.add_feedback(
        answer,
        score=5,
        label="resolved",
        comment="Perfect, clear amount and timing. Thanks!",
        rater=_CUSTOMER,
        metadata={"scale": "1-5"},
    )
    graph.close_conversation(chat)
    return DemoResult(
        conversation_id=chat.id,
        question_id=question.id,
        first_answer_id=first_answer.id,
        revised_prompt_id=revised.id,
        answer_id=answer.id,
        tool_invocation_id=tool.id,
        agent_ids={"router": router.id, "researcher": researcher.id, "writer": writer.id},
        document_ids=tuple(d.id for d in documents),
    )


def _agents(graph: MemoryGraph) -> tuple[Agent, Agent, Agent]:
    router = graph.register_agent(
        "router",
        role="router",
        description="Classifies customer messages and routes them to the right agent.",
        capabilities=["classify", "route"],
        model="gpt-4o-mini",
    )
    researcher = graph.register_agent(
        "researcher",
        role="researcher",
        description="Looks up help-center policy and does the arithmetic.",
        capabilities=["retrieve", "calculate"],
        model="gpt-4o-2024-08-06",
    )
    writer = graph.register_agent(
        "writer",
        role="writer",
        description="Drafts the customer-facing reply.",
        capabilities=["write"],
        model="claude-3-7-sonnet-20250219",
    )
    return router, researcher, writer


def _research_prompt(
    graph: MemoryGraph, conversation: str, researcher: Agent, routing: Completion
) -> tuple[Prompt, list[Document]]:
    """Retrieve the documents and record the researcher's prompt that cites them."""
    documents = [_document(graph, doc) for doc in _DOCUMENTS]
    excerpts = "\n\n".join(f"[{i}] {d.title}\n{d.content}" for i, d in enumerate(_DOCUMENTS, start=1))
    prompt = graph.add_prompt(
        "A customer on the annual Pro plan ($240, bought March 3) asks for a refund 45 days after "
        "purchase. Using the policy excerpts below, decide which refund rule applies and compute "
        f"the amount. Use the calculator for any arithmetic.\n\n{excerpts}",
        conversation=conversation,
        agent=researcher,
        depends_on=[routing],
        token_count=312,
    )
    for rank, (document, doc) in enumerate(zip(documents, _DOCUMENTS, strict=True), start=1):
        graph.reference(
            prompt, document, score=doc.score, rank=rank, metadata={"retriever": "hybrid-bm25-e5"}
        )
    return prompt, documents


def _document(graph: MemoryGraph, doc: _Doc) -> Document:
    """Return the knowledge-base document at ``doc.uri``, recording it on first use."""
    doc_id = str(uuid.uuid5(_DOCUMENT_NAMESPACE, doc.uri))
    try:
        found = graph.get(doc_id)
    except NodeNotFoundError:
        return graph.add_document(
            doc.content,
            title=doc.title,
            source=doc.source,
            uri=doc.uri,
            chunk_index=doc.chunk_index,
            chunk_count=doc.chunk_count,
            mime_type="text/markdown",
            id=doc_id,
        )
    if not isinstance(found, Document):
        raise InvalidInputError(f"{doc_id} is a {found.type}, not a Document", field="id")
    return found


def _write(
    graph: MemoryGraph,
    prompt: Prompt,
    content: str,
    *,
    input_tokens: int,
    output_tokens: int,
    reasoning_tokens: int | None,
    cached_input_tokens: int | None,
    cost_usd: float,
    latency_ms: float,
    attempt: int,
) -> Completion:
    """Record one of the writer's answers (Claude, with extended thinking)."""
    return graph.add_completion(
        prompt,
        content,
        provider="anthropic",
        request_model="claude-3-7-sonnet-latest",
        response_model="claude-3-7-sonnet-20250219",
        response_id=f"msg_01Hq7WcN3vT8yRb2Lk5{attempt}PzXe",
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_input_tokens=cached_input_tokens,
        reasoning_tokens=reasoning_tokens,
        cost_usd=cost_usd,
        latency_ms=latency_ms,
        finish_reason="end_turn",
        request={
            "messages": [
                {"role": "system", "content": _WRITER_SYSTEM},
                {"role": "user", "content": prompt.content},
            ],
            "parameters": {"max_tokens": 1024, "thinking": {"type": "enabled", "budget_tokens": 1024}},
        },
        metadata={"attempt": attempt},
    )
