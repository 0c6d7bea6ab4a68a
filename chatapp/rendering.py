"""Rendering a chat's story: through the process-wide queue, on the chat's own thread, with live progress, a clean
stop, and the story view brought up to date at the end.

``state`` is the chat's ``ChatState`` (chatapp.chat): its ``session`` (StorySession), ``worker`` (ChatWorker), the
``rendering`` flag that Chainlit's on_stop reads, and the buttons `chatapp.bars` folds.
"""

from __future__ import annotations

import asyncio
import time

from chatapp import view
from chatapp.bars import send_reply
from chatapp.progress import RenderProgress
from chatapp.render_queue import RENDER_QUEUE
from chatapp.storyview import show_story_view


async def render(state, frames: list[int] | None) -> None:
    """Render ``frames`` (None: every frame that needs it) through the process-wide queue, showing progress."""
    session = state.session
    todo = frames if frames is not None else await state.worker.call(session.frames_needing_render)
    if not todo:
        await send_reply(state, "Every frame is up to date; nothing to render.")
        await show_story_view(state)
        return
    progress = RenderProgress(state, todo, on_finish=lambda: show_story_view(state), test_images=state.test_images)
    await progress.begin()
    loop = asyncio.get_running_loop()
    on_event = progress.callback(loop)
    consumer = loop.create_task(progress.consume())
    job = None
    started = time.monotonic()
    try:
        job = await RENDER_QUEUE.start(
            lambda: _render_in_thread(state, frames, on_event),
            on_position=progress.waiting,
            executor=state.worker.executor,
        )
        reply = await asyncio.shield(job)
    except asyncio.CancelledError:
        # Stop (or a closed tab): the thread stops within one denoising step; finished frames are saved.
        if job is not None:
            session.cancel()
            await asyncio.wait([job])
        await _drain(progress, consumer)
        await progress.finish("Stopped", "stopped")
        kept = view.frames_phrase(progress.done) if progress.done else "no frame"
        await send_reply(state, f"Stopped. {kept.capitalize()} finished and kept; press **Render all** to render the "
                                "rest.")
        raise
    except Exception as error:  # a story error says what to do; anything else must not leave a spinning task list
        await _drain(progress, consumer)
        await progress.finish("Failed", "not rendered")
        await send_reply(state, view.failure_text(error))
        return
    await _drain(progress, consumer)
    unfinished = [i for i in todo if i not in progress.done]
    await progress.finish(f"Done in {time.monotonic() - started:.0f} s" if not unfinished else "Stopped")
    await send_reply(state, reply.text)


def _render_in_thread(state, frames, on_event):
    state.rendering = True
    try:
        return state.session.render(frames, on_event=on_event)
    finally:
        state.rendering = False


async def _drain(progress: RenderProgress, consumer: asyncio.Task) -> None:
    """Let the UI catch up with every event the thread sent, then stop the consumer."""
    progress.events.put_nowait(None)
    await asyncio.shield(consumer)
