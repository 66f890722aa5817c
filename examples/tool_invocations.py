"""Tool calls: a completion asks for tools, their results prompt a follow-up, and lineage shows it all.

Shows ``add_completion`` with ``finish_reason="tool_calls"`` and the request snapshot
(the tools offered), ``add_tool_invocation`` (arguments, result, duration; a failed call
with ``error=``), ``add_prompt(triggered_by=...)`` for the tool results fed back to the
model, ``link(..., "TRIGGERS")`` for a second result, a tool-call query, and ``lineage``.

Run it with a store as its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a
temporary SQLite file that is deleted afterwards)::

    python examples/tool_invocations.py
    NEO4J_PASSWORD=secret python examples/tool_invocations.py bolt://localhost:7687

On Neo4j, migrate the database first (``llm-memory-graph migrate``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from llm_memory_graph import Completion, MemoryGraph, Node, Prompt, ToolInvocation

TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": {"city": "string"}}},
    {"type": "function", "function": {"name": "convert_units", "parameters": {"value": "number"}}},
]


def describe(node: Node) -> str:
    """One line about a node, whatever its type."""
    if isinstance(node, ToolInvocation):
        outcome = f"failed: {node.error}" if node.error else f"returned {node.result}"
        return f"{node.tool_name}({node.arguments}) {outcome}"
    if isinstance(node, Completion):
        return f"{node.response_model} said {node.content!r} (finish_reason={node.finish_reason})"
    if isinstance(node, Prompt):
        return f"{node.role}: {node.content!r}"
    return node.id


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    with (
        tempfile.TemporaryDirectory() as folder,
        MemoryGraph.open(target or Path(folder) / "tools.db") as graph,
    ):
        chat = graph.start_conversation("weather")
        question = graph.add_prompt("How warm is it in Paris, in Fahrenheit?", conversation=chat)

        # The model answers with tool calls, not text; the request snapshot keeps the tools offered.
        calls_tools = graph.add_completion(
            question,
            "",
            response_model="gpt-4o",
            finish_reason="tool_calls",
            input_tokens=95,
            output_tokens=31,
            request={"messages": [{"role": "user", "content": question.content}], "tools": TOOLS},
        )

        # Each tool call the completion asked for (a TRIGGERS edge from the completion).
        weather = graph.add_tool_invocation(
            calls_tools, "get_weather", arguments={"city": "Paris"}, result={"celsius": 21}, duration_ms=180.0
        )
        failed = graph.add_tool_invocation(
            calls_tools, "convert_units", arguments={"value": 21, "to": "F"}, error="unit service timed out"
        )
        retried = graph.add_tool_invocation(
            calls_tools, "convert_units", arguments={"value": 21, "to": "F"}, result={"fahrenheit": 69.8}
        )

        # The results go back to the model as a prompt: triggered by one call, linked to the other.
        results = graph.add_prompt(
            '{"celsius": 21} {"fahrenheit": 69.8}', conversation=chat, role="tool", triggered_by=weather
        )
        graph.link(retried, results, "TRIGGERS")
        answer = graph.add_completion(results, "It is 21 C (69.8 F) in Paris.", response_model="gpt-4o")

        # Which tool calls failed in this conversation?
        for call in graph.query().types("ToolInvocation").conversation(chat).status("error").stream():
            print("failed tool call:", describe(call))
        conversions = graph.query().name("convert_units").conversation(chat).count()
        print(f"tool calls of convert_units: {conversions}")

        # Everything the final answer came from: the tool results, the call that asked, the question.
        why = graph.lineage(answer)
        print(f"\nLineage of the answer {answer.content!r}:")
        for node in why.nodes[1:]:
            print(f"  depth {why.depths[node.id]}  {node.type:<14} {describe(node)}")
        assert failed.id not in why.depths  # the failed call fed nothing


if __name__ == "__main__":
    main()
