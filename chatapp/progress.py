"""Render progress in the chat: one task per frame in a task list, each frame's image as soon as it is done,
and the story view in the side panel once the render ends (the task list and the side panel share the right-hand
column, so the panel closes while a render runs and reopens with the story as it is then).

`RenderProgress` consumes the session's `RenderEvent`s on the event loop (the render thread only puts them on
a queue), so every UI update happens in the chat's Chainlit context.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import chainlit as cl

from chatapp import view
from chatapp.bars import send_frame

log = logging.getLogger(__name__)


class RenderProgress:
    """The task list of one render and the messages it sends; ``feed`` it RenderEvents, then ``finish``."""

    def __init__(self, state, frames: list[int], on_finish: Callable[[], Awaitable[None]],
                 step_interval: float = 1.0, test_images: bool = False):
        self.state = state  # the chat's ChatState; its session is read, never called (the render thread owns it)
        self.session = state.session
        self.frames = frames
        self.on_finish = on_finish  # shows the story view
        self.test_images = test_images  # the pictures come from the random-weight test model
        self.step_interval = step_interval
        self.task_list = cl.TaskList(status=f"Queued: {view.frames_phrase(frames)}")
        self.tasks = {i: cl.Task(title=self._title(i)) for i in frames}
        for task in self.tasks.values():
            self.task_list.tasks.append(task)
        self.done: list[int] = []
        self.failed: dict[int, str] = {}
        self._last_step_update = 0.0
        self.events: asyncio.Queue = asyncio.Queue()

    @property
    def story(self):
        return self.session.story  # the newest Story object (each saved change replaces it)

    def _title(self, index: int, detail: str = "") -> str:
        frames = self.story.frames
        return view.task_title(index, frames[index].prompt if index < len(frames) else "", detail)

    def callback(self, loop: asyncio.AbstractEventLoop):
        """The ``on_event`` for StorySession.render: safe to call from the render thread."""
        return lambda event: loop.call_soon_threadsafe(self.events.put_nowait, event)

    async def begin(self) -> None:
        """Show the task list; the side panel closes meanwhile (it shares the place) and reopens in ``finish``."""
        await cl.ElementSidebar.set_elements([])
        await self.show()

    async def show(self, status: str | None = None) -> None:
        if status is not None:
            self.task_list.status = status
        await self.task_list.send()

    async def waiting(self, jobs_ahead: int) -> None:
        await self.show(f"Waiting for {jobs_ahead} other render(s) to finish; yours is next after them")

    async def consume(self) -> None:
        """Apply events until a None sentinel arrives."""
        while (event := await self.events.get()) is not None:
            try:
                await self.apply(event)
            except Exception:  # a failed UI update must not stop the progress display
                log.exception("could not show render event %r", event)

    async def apply(self, event) -> None:
        index = event.frame
        task = self.tasks.get(index) if index is not None else None
        if event.kind == "frame_started" and task:
            task.status = cl.TaskStatus.RUNNING
            await self.show(f"Rendering frame {index + 1}")
        elif event.kind == "step" and task:
            if time.monotonic() - self._last_step_update >= self.step_interval:
                self._last_step_update = time.monotonic()
                task.status = cl.TaskStatus.RUNNING
                task.title = self._title(index, f"step {event.step}/{event.total_steps}")
                await self.show()
        elif event.kind == "frame_done" and index is not None:
            await self.frame_done(index, event.image_path)
        elif event.kind == "error":
            if task:
                task.status = cl.TaskStatus.FAILED
                self.failed[index] = event.message
            await self.show()

    async def frame_done(self, index: int, image_path) -> None:
        if task := self.tasks.get(index):
            task.status = cl.TaskStatus.DONE
            task.title = self._title(index)
        self.done.append(index)
        await self.show(f"{len(self.done)} of {len(self.frames)} done")
        if image_path:
            await send_frame(self.state, self.story, index, image_path, self.test_images)

    async def finish(self, status: str, unfinished: str = "stopped") -> None:
        """Mark frames that never finished (FAILED with ``unfinished`` in their title) and show ``status``."""
        for index, task in self.tasks.items():
            if index not in self.done:
                task.status = cl.TaskStatus.FAILED
                task.title = self._title(index, unfinished)
        await self.show(status)
        await self.on_finish()
