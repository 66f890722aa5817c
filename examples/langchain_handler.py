"""Shows the LangChain callback handler: a ``ChatOpenAI`` model and a ``@tool`` run by
LangChain, recorded through ``graph.langchain_handler()`` as one lineage.

The model talks to ``$OPENAI_BASE_URL`` (the real API when unset, with ``$OPENAI_API_KEY``);
the tests point it at a local server that answers as the API does. Run it with a store as
its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a temporary SQLite file)::

    OPENAI_API_KEY=sk-... python examples/langchain_handler.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

from llm_memory_graph import Completion, MemoryGraph


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"21C in {city}"


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    with (
        tempfile.TemporaryDirectory() as folder,
        MemoryGraph.open(target or Path(folder) / "chain.db") as graph,
    ):
        config: Any = {"callbacks": [graph.langchain_handler()]}  # everything LangChain runs is recorded
        model = ChatOpenAI(model="gpt-4o-mini").bind_tools([get_weather])
        with graph.track("weather chat", agent="assistant"):
            messages: list[Any] = [HumanMessage("How warm is it in Paris?")]
            first = model.invoke(messages, config=config)
            results = [get_weather.invoke(call, config=config) for call in first.tool_calls]
            final = model.invoke([*messages, first, *results], config=config)
        print(f"The model said: {final.content}")

        answer = next(
            c for c in graph.find(types="Completion").items if isinstance(c, Completion) and c.content
        )
        print("lineage of the answer:", ", ".join(sorted({str(n.type) for n in graph.lineage(answer).nodes})))


if __name__ == "__main__":
    main()
