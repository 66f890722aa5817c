"""Shows automatic capture of an Anthropic client: ``graph.instrument(Anthropic())``, a
streamed answer recorded with its time to first token, and a tool-use round trip.

The client talks to ``$ANTHROPIC_BASE_URL`` (the real API when unset, with
``$ANTHROPIC_API_KEY``); the tests point it at a local server that answers as the API does.
Run it with a store as its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a temporary
SQLite file)::

    ANTHROPIC_API_KEY=sk-ant-... python examples/anthropic_auto_capture.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from anthropic import Anthropic

from llm_memory_graph import Completion, MemoryGraph, ToolInvocation

TOOLS: list[Any] = [
    {"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}
]


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    with (
        tempfile.TemporaryDirectory() as folder,
        MemoryGraph.open(target or Path(folder) / "claude.db") as graph,
    ):
        client = graph.instrument(Anthropic())
        with graph.track("weather chat", agent="assistant"):
            # A streamed answer: chunks pass through as they come, the call is recorded at the end.
            stream = client.messages.create(
                model="claude-sonnet-4-0",
                max_tokens=200,
                messages=[{"role": "user", "content": "Hi"}],
                stream=True,
            )
            text = "".join(
                e.delta.text
                for e in stream
                if e.type == "content_block_delta" and e.delta.type == "text_delta"
            )
            print(f"streamed: {text}")

            # A tool use, its result sent back, and the final answer.
            messages: list[Any] = [{"role": "user", "content": "How warm is it in Paris?"}]
            first = client.messages.create(
                model="claude-sonnet-4-0", max_tokens=200, messages=messages, tools=TOOLS
            )
            messages.append({"role": "assistant", "content": [b.model_dump() for b in first.content]})
            results = [
                {"type": "tool_result", "tool_use_id": b.id, "content": f"21C in {b.input['city']}"}
                for b in first.content
                if b.type == "tool_use"
            ]
            messages.append({"role": "user", "content": results})
            final = client.messages.create(
                model="claude-sonnet-4-0", max_tokens=200, messages=messages, tools=TOOLS
            )
        print(f"answer: {final.content[0].text}")  # type: ignore[union-attr]

        completions = [c for c in graph.find(types="Completion").items if isinstance(c, Completion)]
        streamed = completions[0]
        recorded = "recorded" if streamed.time_to_first_token_ms is not None else "missing"
        print(f"streamed call: {streamed.input_tokens} tokens in, time to first token {recorded}")
        tool = next(n for n in graph.find(types="ToolInvocation").items if isinstance(n, ToolInvocation))
        print(f"tool {tool.tool_name}({tool.arguments}) -> {tool.result} [{tool.status}]")
        print(f"cost of the three calls: ${sum(c.cost_usd or 0 for c in completions):.6f}")


if __name__ == "__main__":
    main()
