"""The event mix every benchmark records: a multi-agent RAG assistant's turns.

One *event* is one turn: a prompt (in a conversation, handled by an agent, depending on the
previous turn's answer) that references two retrieved documents, the completion it
generated (provider, models, tokens, cost, latency), a tool call on every fourth turn and a
rating on every tenth. Every eighth event starts a new conversation. The texts are drawn
from pools built before timing starts, so the benchmarks time the library, not ``random``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from llm_memory_graph import Agent, Completion, Conversation, Document, MemoryGraph

__all__ = ["TURNS", "Seed", "Turns", "pools", "read_seed", "seed_graph", "texts"]

#: Turns per conversation.
TURNS = 8

MODELS = [
    ("openai", "gpt-4o", "gpt-4o-2024-08-06"),
    ("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
    ("anthropic", "claude-sonnet", "claude-3-5-sonnet-20241022"),
]
TOOLS = ["search_orders", "calculator", "lookup_policy"]
WORDS = [
    "refund",
    "order",
    "shipping",
    "days",
    "policy",
    "customer",
    "account",
    "invoice",
    "return",
    "window",
    "exchange",
    "size",
    "delivery",
    "courier",
    "tracking",
    "warehouse",
    "delay",
    "charge",
    "card",
    "bank",
    "statement",
    "discount",
    "coupon",
    "premium",
    "plan",
    "annual",
    "monthly",
    "cancel",
    "renew",
    "support",
    "ticket",
    "agent",
    "escalate",
    "receipt",
]


def _sentence(rnd: random.Random, words: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(words)).capitalize() + "."


def texts(rnd: random.Random, count: int, words: int) -> list[str]:
    """A pool of ``count`` texts of about ``words`` words each."""
    return [" ".join(_sentence(rnd, 12) for _ in range(max(1, words // 12))) for _ in range(count)]


@dataclass
class Seed:
    """What every event refers to: agents and retrieved documents, written beforehand."""

    agents: list[Agent]
    documents: list[Document]
    prompts: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)


def pools() -> tuple[list[str], list[str]]:
    """The prompt texts (about 36 words) and answer texts (about 72 words) events draw from."""
    rnd = random.Random(5)
    return texts(rnd, 500, 36), texts(rnd, 500, 72)


def seed_graph(graph: MemoryGraph, rnd: random.Random, documents: int = 200) -> Seed:
    """Write the agents and documents, and build the text pools."""
    agents = [graph.register_agent(name, role=name) for name in ("router", "researcher", "writer")]
    with graph.batch() as batch:
        docs = [
            batch.add_document(" ".join(texts(rnd, 1, 60)), title=f"Policy {i}", source="kb", chunk_index=i)
            for i in range(documents)
        ]
    return Seed(agents, docs, *pools())


def read_seed(graph: MemoryGraph) -> Seed:
    """The agents and documents ``seed_graph`` wrote, read back, with the text pools."""
    agents = graph.find(types="Agent", limit=10).items
    documents = list(graph.stream(types="Document"))
    return Seed(agents, documents, *pools())  # type: ignore[arg-type]


@dataclass
class Turns:
    """Records events into any recorder (a batch, a buffered writer), turn after turn."""

    seed: Seed
    rnd: random.Random
    count: int = 0
    #: Nodes recorded so far.
    nodes: int = 0
    chat: Conversation | None = None
    previous: Completion | None = None
    #: Ids of completions that ended a conversation: the deepest lineage starts.
    last_completions: list[str] = field(default_factory=list)
    conversations: list[str] = field(default_factory=list)

    def record(self, recorder: Any) -> None:
        """Record one event."""
        rnd, seed, i = self.rnd, self.seed, self.count
        self.count += 1
        if i % TURNS == 0:
            if self.previous is not None:
                self.last_completions.append(self.previous.id)
            env = "prod" if rnd.random() < 0.8 else "staging"
            self.chat = recorder.start_conversation(
                f"session {i // TURNS}", user_id=f"user-{rnd.randrange(5000)}", metadata={"env": env}
            )
            self.conversations.append(self.chat.id)  # type: ignore[union-attr]
            self.previous = None
            self.nodes += 1
        provider, requested, responded = MODELS[i % len(MODELS)]
        agent = seed.agents[i % len(seed.agents)]
        prompt = recorder.add_prompt(
            seed.prompts[i % len(seed.prompts)],
            conversation=self.chat,
            agent=agent,
            depends_on=[self.previous] if self.previous is not None else (),
            token_count=48,
            metadata={"env": "prod", "turn": i % TURNS},
        )
        # Two different documents, as a retriever returns them: a prompt holds one
        # REFERENCES edge per document, so the same one twice would rewrite the first.
        for rank, index in enumerate(rnd.sample(range(len(seed.documents)), 2), 1):
            recorder.reference(prompt, seed.documents[index], score=round(rnd.random(), 3), rank=rank)
        completion = recorder.add_completion(
            prompt,
            seed.answers[i % len(seed.answers)],
            provider=provider,
            request_model=requested,
            response_model=responded,
            input_tokens=600 + i % 400,
            output_tokens=80 + i % 120,
            cost_usd=0.0004 + (i % 50) / 10_000,
            latency_ms=300.0 + i % 900,
            finish_reason="stop",
            metadata={"env": "prod"},
        )
        self.nodes += 2
        if i % 4 == 0:
            self.nodes += 1
            recorder.add_tool_invocation(
                completion, TOOLS[i % len(TOOLS)], arguments={"query": f"order {i}"}, result={"ok": True}
            )
        if i % 10 == 0:
            self.nodes += 1
            recorder.add_feedback(completion, score=float(1 + i % 5), source="automatic")
        self.previous = completion
