"""LangChain's callback handler bases under the names ``scripts/unasync.py`` pairs:
``AsyncCallbackHandler`` for the asyncio handler, ``CallbackHandler`` for its twin."""

from __future__ import annotations

from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.callbacks import BaseCallbackHandler as CallbackHandler

__all__ = ["AsyncCallbackHandler", "CallbackHandler"]
