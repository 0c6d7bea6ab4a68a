"""One worker thread per chat: every blocking StorySession call of a chat runs there, in the order it was asked.

The event loop never blocks (the LLM and the image model run here), and a chat's story is never touched by
two threads at once: when Stop cancels a handler, its call still finishes on this thread before the next call
of the same chat starts, so a revision can never interleave with the plan or render it follows.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class ChatWorker:
    """Runs blocking calls for one chat on its own thread; created lazily, closed when the chat ends."""

    def __init__(self, name: str = "chat"):
        self.name = name
        self._executor: ThreadPoolExecutor | None = None

    @property
    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"storyloom-{self.name}", initializer=lower_thread_priority
            )
        return self._executor

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> asyncio.Future[T]:
        """Queue ``fn(*args, **kwargs)`` on this chat's thread; the asyncio future of its result."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))
        future.add_done_callback(_retrieve)
        return future

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on this chat's thread and wait for it (cancelling the caller does not stop the thread)."""
        return await asyncio.shield(self.submit(fn, *args, **kwargs))

    def close(self) -> None:
        """Let queued calls finish, then end the thread (a later call starts a new one)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None


BACKGROUND_NICENESS = 10


def lower_thread_priority() -> None:
    """Make the calling thread (and the threads it starts: llama.cpp's, torch's) yield the CPU to the event loop.

    On a small machine the model threads would otherwise take every core and the server would answer late; on
    Linux a thread has its own nice value, elsewhere this does nothing.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
    except (AttributeError, OSError):
        pass


def _retrieve(future: asyncio.Future) -> None:
    # A caller cancelled by Stop never awaits its future; retrieving the exception here keeps asyncio quiet.
    if not future.cancelled():
        future.exception()
