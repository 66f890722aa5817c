"""A short chatbot conversation, recorded turn by turn; then its transcript and the last answer's lineage.

Shows ``start_conversation``, ``register_agent``, ``attach_context``, ``add_prompt`` and
``add_completion`` (model, tokens, latency, cost), then ``transcript`` and ``lineage``.
The answers are canned, so no model or API key is needed.

Run it with a store as its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a
temporary SQLite file that is deleted afterwards)::

    python examples/simple_chatbot.py                        # a throwaway SQLite file
    python examples/simple_chatbot.py chat.db                # a SQLite file you keep
    NEO4J_PASSWORD=secret python examples/simple_chatbot.py bolt://localhost:7687

On Neo4j, migrate the database first (``llm-memory-graph migrate``, or
``examples/migration_guide.py``); ``NEO4J_USER`` defaults to ``neo4j``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from llm_memory_graph import Agent, Completion, Context, MemoryGraph, Node, Prompt

# (what the user says, what the model answers, input tokens, output tokens, latency ms, cost $)
TURNS = [
    ("Hi! Do you ship to Canada?", "Yes: Canada takes 5 to 7 business days.", 48, 12, 612.0, 0.00011),
    ("How much is shipping?", "Shipping to Canada is $9, free above $75.", 81, 14, 540.0, 0.00014),
    ("And can I return things?", "Yes, within 30 days, and returns are free.", 117, 13, 498.0, 0.00017),
]


def describe(node: Node) -> str:
    """One line about a node, whatever its type."""
    if isinstance(node, Completion):
        usage = f"{node.total_tokens} tokens, {node.latency_ms:.0f} ms, ${node.cost_usd:.5f}"
        return f"[{node.response_model}, {usage}] {node.content}"
    if isinstance(node, Prompt | Context):
        return node.content
    if isinstance(node, Agent):
        return f"{node.name} ({node.role})"
    return node.id


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    with (
        tempfile.TemporaryDirectory() as folder,
        MemoryGraph.open(target or Path(folder) / "chat.db") as graph,
    ):
        chat = graph.start_conversation("shipping questions", user_id="shopper-7")
        bot = graph.register_agent("shop-bot", role="answers shoppers", model="gpt-4o-mini")
        system = graph.attach_context("You are a friendly shop assistant.", kind="system", conversation=chat)

        # Each turn is a prompt and its completion. A prompt uses the system text and
        # depends on the previous answer (the chat history the model was sent).
        answer: Completion | None = None
        for question, reply, tokens_in, tokens_out, latency, cost in TURNS:
            prompt = graph.add_prompt(
                question, conversation=chat, agent=bot, depends_on=[answer] if answer else []
            )
            graph.reference(prompt, system)
            answer = graph.add_completion(
                prompt,
                reply,
                provider="openai",
                request_model="gpt-4o-mini",
                response_model="gpt-4o-mini-2024-07-18",
                input_tokens=tokens_in,
                output_tokens=tokens_out,
                latency_ms=latency,
                cost_usd=cost,
                finish_reason="stop",
            )
        assert answer is not None

        # The transcript: every item of the conversation, in the order it was appended.
        print(f"Transcript of {chat.title!r}:")
        for position, item in enumerate(graph.transcript(chat), start=1):
            print(f"  {position:>2}. {item.type:<10} {describe(item)}")

        # The lineage of the last answer: everything that fed it, nearest first.
        why = graph.lineage(answer)
        print(f"\nLineage of the last answer ({len(why.nodes)} nodes, {len(why.edges)} edges):")
        for node in why.nodes:
            print(f"  depth {why.depths[node.id]}  {node.type:<10} {describe(node)}")

        # What the whole conversation cost, from the same records.
        (total,) = graph.query().conversation(chat).report()
        print(f"\n{total.completions} completions, {total.total_tokens} tokens, ${total.cost_usd:.5f}")


if __name__ == "__main__":
    main()
