"""Prompt templates in the graph: publish versions, inherit, label, render, record, compare.

Shows ``publish_template`` (typed variables, a label, a child version that extends its
parent), ``move_label`` and ``get_template_version(as_of=...)``, ``render_template``,
``render_prompt`` (a prompt that INSTANTIATES its version), ``template_history``,
``diff_versions`` and ``compare_versions`` (an A/B table of what each version led to).

Run it with a store as its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a
temporary SQLite file that is deleted afterwards)::

    python examples/prompt_templates.py
    NEO4J_PASSWORD=secret python examples/prompt_templates.py bolt://localhost:7687

On Neo4j, migrate the database first (``llm-memory-graph migrate``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from llm_memory_graph import MemoryGraph

BASE = "{% block greeting %}Hello{% endblock %} {{ name }}. {% block body %}{% endblock %}"
CHILD = '{% extends "parent" %}{% block body %}About {{ topic }}: happy to help!{% endblock %}'
VARIABLES = {"name": "Dana", "topic": "refunds"}


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    with (
        tempfile.TemporaryDirectory() as folder,
        MemoryGraph.open(target or Path(folder) / "tpl.db") as graph,
    ):
        # Version 1, labelled production; version 2 extends it and overrides one block.
        v1 = graph.publish_template(
            "support",
            BASE,
            variables=[{"name": "name", "type": "string"}],
            message="first version",
            author="ana",
            label="production",
        )
        v2 = graph.publish_template("support", CHILD, parent=v1.version, message="warmer", author="bo")
        added = [spec.name for spec in v2.variables]
        print(f"published v{v1.version} and v{v2.version}, which extends v{v1.version} and adds {added}")

        # Publishing the same text again returns the existing version.
        assert graph.publish_template("support", CHILD, parent=v1.version).id == v2.id

        # Move the label; every move is kept, so "what was production then?" has an answer.
        before = datetime.now(UTC)
        graph.move_label("support", "production", "v2", actor="bo", reason="A/B winner")
        then = graph.get_template_version("support", label="production", as_of=before)
        now = graph.get_template_version("support", label="production")
        print(f"production was v{then.version}, is v{now.version}")

        # Render without recording anything: v2 inherits the greeting from v1.
        print("v1 renders:", repr(graph.render_template("support", {"name": "Dana"}, version=1)))
        print("v2 renders:", repr(graph.render_template("support", VARIABLES, label="production")))

        # Record a prompt rendered from each version, its answer and a rating (an A/B test).
        chat = graph.start_conversation("template A/B")
        for version, variables, latency, score in ((1, {"name": "Dana"}, 900.0, 3), (2, VARIABLES, 420.0, 5)):
            prompt = graph.render_prompt("support", variables, version=version, conversation=chat)
            answer = graph.add_completion(
                prompt, "...", latency_ms=latency, input_tokens=30, output_tokens=60
            )
            graph.add_feedback(answer, score=score)

        # The prompt INSTANTIATES its version, and the edge keeps the variables it used.
        for hit in graph.neighbors(prompt, direction="out", edge_types=["INSTANTIATES"]):
            print(
                f"the last prompt INSTANTIATES {hit.node.type} {hit.edge.model_dump(include={'variables'})}"
            )

        print("history:")
        for entry in graph.template_history("support"):
            v = entry.version
            print(f"  v{v.version} by {v.author}: {v.message} {entry.labels}")
        print("diff v1 v2:")
        print(graph.diff_versions("support", 1, 2).rstrip())
        print("compare v1 v2 (last hour):")
        for stats in graph.compare_versions("support", "v1", "v2", since="1h"):
            p50, feedback = stats.latency_p50_ms, stats.feedback_avg
            print(f"  v{stats.version}: uses={stats.uses} latency_p50={p50} ms feedback_avg={feedback}")


if __name__ == "__main__":
    main()
