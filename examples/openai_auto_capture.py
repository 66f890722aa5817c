"""Shows automatic capture of an OpenAI client: one ``graph.instrument(client)`` line, a
``track`` scope, and a tool-call round trip recorded as one lineage, priced.

The client talks to ``$OPENAI_BASE_URL`` (the real API when unset, with ``$OPENAI_API_KEY``);
the tests point it at a local server that answers as the API does. Run it with a store as
its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a temporary SQLite file)::

    OPENAI_API_KEY=sk-... python examples/openai_auto_capture.py
    NEO4J_PASSWORD=secret python examples/openai_auto_capture.py bolt://localhost:7687
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from openai import OpenAI

from llm_memory_graph import Completion, MemoryGraph, ToolInvocation

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    with (
        tempfile.TemporaryDirectory() as folder,
        MemoryGraph.open(target or Path(folder) / "auto.db") as graph,
    ):
        client = graph.instrument(OpenAI())  # every call of this client is recorded

        @graph.track(tool="get_weather")  # the run of the tool the model asks for
        def get_weather(city: str) -> str:
            return f"21C in {city}"

        messages: list[Any] = [{"role": "user", "content": "How warm is it in Paris?"}]
        with graph.track("weather chat", agent="assistant", user_id="u-42"):
            first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
            message = first.choices[0].message
            messages.append(message.model_dump(exclude_none=True))
            for call in message.tool_calls or []:
                city = json.loads(call.function.arguments)["city"]  # type: ignore[union-attr]
                messages.append({"role": "tool", "tool_call_id": call.id, "content": get_weather(city)})
            final = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        print(f"The model said: {final.choices[0].message.content}")

        # What was recorded: the final answer, its cost from the shipped price table, and
        # its lineage back through the tool run to the question.
        answers = [c for c in graph.find(types="Completion").items if isinstance(c, Completion) and c.content]
        answer = answers[-1]
        print(f"answer: {answer.response_model}, {answer.input_tokens} tokens in, ${answer.cost_usd:.6f}")
        for node in graph.lineage(answer).nodes:
            if isinstance(node, ToolInvocation):
                print(f"  via tool {node.tool_name}({node.arguments}) -> {node.result} [{node.status}]")
        print(f"recorded: {graph.stats().total_nodes} nodes")


if __name__ == "__main__":
    main()
