"""Recording what LLM client libraries do, switched on by ``graph.instrument(client)``.

Each provider's optional extra installs its client (``pip install "llm-memory-graph[openai]"``).
"""
