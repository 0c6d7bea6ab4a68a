"""One render at a time across every chat of the process, in arrival order, with each waiter's place shown.

The image model is loaded once and uses the whole machine, so two renders never run together. A render runs
in a worker thread (the event loop stays free for every other chat and for /health); the queue's turn is
held until that thread ends, not until the awaiting handler ends, so pressing Stop (which cancels the
handler) cannot let a second render start while the first is still finishing its step.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
PositionCallback = Callable[[int], Awaitable[None]]


class RenderQueue:
    """A FIFO turn-taker for blocking work: ``await queue.run(work, on_position=...)``.

    ``on_position(n)`` is awaited while waiting whenever the number of jobs ahead changes (n >= 1).
    """

    def __init__(self) -> None:
        self._tickets = itertools.count()
        self._waiting: list[int] = []  # tickets in arrival order, the running one first
        self._changed: asyncio.Condition | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def length(self) -> int:
        """Jobs running or waiting."""
        return len(self._waiting)

    def jobs_ahead(self, ticket: int) -> int:
        return self._waiting.index(ticket)

    def _condition(self) -> asyncio.Condition:
        # Bound to the running loop on first use (not the import-time one); a new loop (tests) gets a new one.
        loop = asyncio.get_running_loop()
        if self._changed is None or self._loop is not loop:
            self._changed, self._loop = asyncio.Condition(), loop
        return self._changed

    async def _acquire(self, on_position: PositionCallback | None) -> int:
        ticket = next(self._tickets)
        self._waiting.append(ticket)
        changed = self._condition()
        shown = None
        try:
            async with changed:
                while (ahead := self.jobs_ahead(ticket)) > 0:
                    if on_position is not None and ahead != shown:
                        shown = ahead
                        await on_position(ahead)
                    await changed.wait()
        except BaseException:
            # A waiter that is cancelled (Stop while queued, tab closed) leaves the line.
            self._release(ticket)
            raise
        return ticket

    def _release(self, ticket: int) -> None:
        if ticket in self._waiting:
            self._waiting.remove(ticket)
        changed = self._condition()

        async def notify() -> None:
            async with changed:
                changed.notify_all()

        asyncio.get_running_loop().create_task(notify())

    async def start(
        self,
        work: Callable[[], T],
        *,
        on_position: PositionCallback | None = None,
        executor: Executor | None = None,
    ) -> asyncio.Future[T]:
        """Wait for this job's turn, then start ``work()`` in a worker thread; return the thread's future.

        Cancelling the caller while it waits takes it out of the line. Once started, the thread keeps the
        turn until it returns; await the future through ``asyncio.shield`` so that cancelling the caller
        does not hide the thread's end, and ask the work itself to stop (StorySession.cancel).
        ``executor`` is the chat's own worker thread (None: the loop's default pool).
        """
        ticket = await self._acquire(on_position)
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(executor, work)
        except BaseException:
            self._release(ticket)
            raise

        def finished(done: asyncio.Future) -> None:
            self._release(ticket)
            if not done.cancelled():
                done.exception()  # marks it retrieved: a caller cancelled meanwhile may never await it

        future.add_done_callback(finished)
        return future

    async def run(
        self,
        work: Callable[[], T],
        *,
        on_position: PositionCallback | None = None,
        executor: Executor | None = None,
    ) -> T:
        """``start`` and wait for the result (a cancelled caller stops waiting; the thread runs on)."""
        future = await self.start(work, on_position=on_position, executor=executor)
        return await asyncio.shield(future)


RENDER_QUEUE = RenderQueue()  # process-wide: every chat shares the one image model
