"""``python -m llm_memory_graph.cli``: the same as the ``llm-memory-graph`` command."""

from __future__ import annotations

from .main import main

__all__: list[str] = []

if __name__ == "__main__":
    main()
