"""Writing from the event loop a graph's store belongs to.

LangChain calls an async handler's tool callbacks on a worker thread's own event loop when
the tool is a plain function; a store bound to the caller's loop (the Neo4j driver's) cannot
be awaited there. ``AsyncHomeLoop`` runs such writes on the loop the handler was made on;
``HomeLoop``, its synchronous twin for ``scripts/unasync.py``, has nothing to move.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["AsyncHomeLoop", "HomeLoop"]

T = TypeVar("T")


class AsyncHomeLoop:
    """The event loop running when it was made (or first remembered), and a way back to it."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self.remember()

    def remember(self) -> None:
        """Take the running loop as home, if there is none yet."""
        if self._loop is None:
            with contextlib.suppress(RuntimeError):  # no loop runs here: keep looking
                self._loop = asyncio.get_running_loop()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Await ``work`` on the home loop, from whichever loop this runs on."""
        here = asyncio.get_running_loop()
        if self._loop is None or self._loop is here or self._loop.is_closed():
            return await work
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self._loop))


class HomeLoop:
    """Synchronous code has no loop to go back to: ``run`` returns what it is given."""

    def remember(self) -> None:
        """Nothing to remember."""

    def run(self, value: T) -> T:
        return value
