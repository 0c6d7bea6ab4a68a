"""Rendering a chat's story: through the process-wide queue, on the chat's own thread, with live progress, a clean
stop, and the whole story shown again on resume.

``state`` is the chat's ``ChatState`` (app.py): its ``session`` (StorySession), ``worker`` (ChatWorker) and the
``rendering`` flag that Chainlit's on_stop reads.
"""

from __future__ import annotations

import asyncio
import time

import chainlit as cl

from chatapp import view
from chatapp.progress import RenderProgress, send_frame, show_strip
from chatapp.render_queue import RENDER_QUEUE


async def render(state, frames: list[int] | None) -> None:
    """Render ``frames`` (None: every frame that needs it) through the process-wide queue, showing progress."""
    session = state.session
    todo = frames if frames is not None else await state.worker.call(session.frames_needing_render)
    if not todo:
        await cl.Message(content="Every frame is up to date; nothing to render.").send()
        return
    progress = RenderProgress(session, todo, strip=lambda: state.worker.call(session.strip_image))
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
        await cl.Message(
            content=f"Stopped. {kept.capitalize()} finished and kept; press **Render all** to render the rest.",
            actions=view.story_actions(),
        ).send()
        raise
    except Exception as error:  # a story error says what to do; anything else must not leave a spinning task list
        await _drain(progress, consumer)
        await progress.finish("Failed", "not rendered")
        await cl.Message(content=view.failure_text(error), actions=view.story_actions()).send()
        return
    await _drain(progress, consumer)
    unfinished = [i for i in todo if i not in progress.done]
    await progress.finish(f"Done in {time.monotonic() - started:.0f} s" if not unfinished else "Stopped")
    await cl.Message(content=reply.text, actions=view.story_actions()).send()


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


async def show_story(state, heading: str) -> None:
    """The story as it is now: every frame with its current image and buttons, the strip, what is left to do."""
    session = state.session
    story = session.story
    await cl.Message(content=heading).send()
    for index in range(len(story.frames)):
        image = await state.worker.call(session.frame_image, index)
        if image is not None:
            await send_frame(story, index, image)
    pending = await state.worker.call(session.frames_needing_render)
    text = f"**{story.title}**: {len(story.frames)} frame(s)."
    if note := await state.worker.call(session.missing_pictures_note):
        text += f" {note}"
    if pending:
        verb = "needs" if len(pending) == 1 else "need"
        text += f" {view.frames_phrase(pending).capitalize()} still {verb} rendering; press **Render all**."
    await cl.Message(content=text, actions=view.story_actions()).send()
    await show_strip(story.title, await state.worker.call(session.strip_image))
