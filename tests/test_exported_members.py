"""The public surface is exactly what ``__all__`` says, sorted."""

from __future__ import annotations

import importlib
import pkgutil

import llm_memory_graph


def test_all_is_sorted_and_matches_the_public_names() -> None:
    names = [n for n in dir(llm_memory_graph) if not n.startswith("_")]
    modules = {m.name for m in pkgutil.iter_modules(llm_memory_graph.__path__)}
    assert llm_memory_graph.__all__ == sorted(llm_memory_graph.__all__, key=str.casefold)
    assert set(llm_memory_graph.__all__) == set(names) - modules


def test_every_module_declares_all() -> None:
    for info in pkgutil.walk_packages(llm_memory_graph.__path__, "llm_memory_graph."):
        module = importlib.import_module(info.name)
        if info.ispkg and not hasattr(module, "__all__"):
            continue
        assert hasattr(module, "__all__"), info.name
