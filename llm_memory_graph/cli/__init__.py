"""The ``llm-memory-graph`` command: one module per command group, ``main`` the entry point."""

from __future__ import annotations

from .main import cli, main

__all__ = ["cli", "main"]
