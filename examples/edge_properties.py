"""Typed edge properties: write edges that carry data, then read them back from the store.

Shows REFERENCES with ``score`` and ``rank`` (and edge metadata), CONTAINS with the
``position`` the store keeps, TRANSFERS_TO with a ``reason``, DERIVED_FROM with a
``reason``, INSTANTIATES with the template ``variables``, and ``graph.link()`` for any
edge type; read back with ``get_edge`` and ``neighbors``.

Run it with a store as its one argument (else ``$LLM_MEMORY_GRAPH_URI``, else a
temporary SQLite file that is deleted afterwards)::

    python examples/edge_properties.py
    NEO4J_PASSWORD=secret python examples/edge_properties.py bolt://localhost:7687

On Neo4j, migrate the database first (``llm-memory-graph migrate``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from llm_memory_graph import Document, Edge, InvalidInputError, MemoryGraph

COMMON = {"id", "created_at", "metadata", "source_id", "target_id", "type"}


def properties(edge: Edge) -> str:
    """An edge's own typed fields (and its metadata, when it has some)."""
    fields = edge.model_dump(mode="json", exclude=COMMON)
    return f"{fields}" + (f" metadata={edge.metadata}" if edge.metadata else "")


def main() -> None:
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLM_MEMORY_GRAPH_URI")
    with (
        tempfile.TemporaryDirectory() as folder,
        MemoryGraph.open(target or Path(folder) / "edges.db") as graph,
    ):
        chat = graph.start_conversation("edge tour")
        router = graph.register_agent("router")
        researcher = graph.register_agent("researcher")
        policy = graph.add_document("Refunds within 30 days.", title="Refund policy")
        faq = graph.add_document("Refunds take 5 business days.", title="Billing FAQ")

        # REFERENCES: what retrieval brought in, with its score and rank.
        question = graph.add_prompt("Can I get a refund?", conversation=chat, agent=router)
        best = graph.reference(question, policy, score=0.91, rank=1, metadata={"retriever": "bm25"})
        graph.reference(question, faq, score=0.64, rank=2)

        # TRANSFERS_TO: a hand-off between agents, with why and in which conversation.
        hand_off = graph.hand_off(router, researcher, reason="needs policy facts", conversation=chat)

        # DERIVED_FROM: a prompt revised from another, and why.
        revised = graph.add_prompt("Can I get a refund after 45 days?", conversation=chat, agent=researcher)
        revision = graph.link_revision(revised, question, reason="added the date")

        # INSTANTIATES: a prompt rendered from a template version keeps the variables used.
        graph.publish_template("refund", "Answer about refunds for {{ plan }} plans.")
        rendered = graph.render_prompt("refund", {"plan": "annual"}, conversation=chat, agent=researcher)

        # link(): any edge type by name, its properties as keywords, checked against their types.
        linked = graph.link(
            revised, policy, "REFERENCES", score=0.88, rank=1, metadata={"retriever": "vector"}
        )
        try:
            graph.link(revised, faq, "REFERENCES", score=0.5, rank=0)
        except InvalidInputError as error:
            print(f"refused before any write: {error}")

        # Read each one back from the store by id: the properties came back typed.
        print("Read back with get_edge:")
        for edge in (best, linked, hand_off, revision):
            stored = graph.get_edge(edge.id)
            print(f"  {stored.type:<13} {properties(stored)}")

        # Or walk a node's edges, each with the node at its other end.
        print("Neighbors of the first prompt (REFERENCES):")
        for hit in graph.neighbors(question, edge_types=["REFERENCES"]):
            if isinstance(hit.node, Document):
                print(f"  {hit.node.title!r:<15} {properties(hit.edge)}")
        print("Neighbors of the rendered prompt (INSTANTIATES):")
        for hit in graph.neighbors(rendered, direction="out", edge_types=["INSTANTIATES"]):
            print(f"  {hit.edge.type:<13} -> {hit.node.type:<15} {properties(hit.edge)}")

        # CONTAINS is written by the store: each item's position in the conversation.
        print("The conversation's CONTAINS edges:")
        for hit in graph.neighbors(chat, direction="out", edge_types=["CONTAINS"]):
            print(f"  {properties(hit.edge)} -> {hit.node.type}")


if __name__ == "__main__":
    main()
