"""The buttons under frames and replies, and the settings panel: each click becomes one session call.

A button's work runs as the chat's current task, so Chainlit's Stop can cancel it and the UI shows the stop
button meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import chainlit as cl
from chainlit.context import context

from chatapp import panel, view
from chatapp.chat import ChatState, apply, chat_state, panel_memory, say
from chatapp.rendering import render
from chatapp.storyview import show_story_view
from core.errors import StoryError

log = logging.getLogger("storyloom.app")


def in_background(handler):
    """Run an action's work as the chat's current task: the HTTP call returns at once, Stop can cancel it,
    and the UI shows the stop button meanwhile."""

    async def callback(action: cl.Action):
        async def work():
            await context.emitter.task_start()
            try:
                await handler(chat_state(), action)
            except asyncio.CancelledError:
                pass
            except StoryError as error:
                await cl.Message(content=str(error)).send()
            except Exception as error:  # a bug must not leave the person waiting in silence
                log.exception("action %s failed", action.name)
                await say(f"That did not work ({type(error).__name__}: {error}). Your story is saved.")
            finally:
                await context.emitter.task_end()

        context.session.current_task = asyncio.get_running_loop().create_task(work())

    callback.__name__ = handler.__name__
    return callback


def frame_index(state: ChatState, action: cl.Action) -> int | None:
    """The current index of the button's frame, or None when the frame is gone."""
    frame_id = action.payload.get("frame_id")
    for index, frame in enumerate(state.session.story.frames):
        if frame.id == frame_id:
            return index
    return None


async def _need_story(state: ChatState) -> bool:
    if state.session is None or not state.session.story.frames:
        await cl.Message(content="There is no story yet: send an idea first.").send()
        return False
    return True


async def _frame_or_say(state: ChatState, action: cl.Action) -> int | None:
    if not await _need_story(state):
        return None
    index = frame_index(state, action)
    if index is None:
        await cl.Message(content="That frame is no longer in the story (it was removed or undone).").send()
    return index


@cl.action_callback(view.REROLL)
@in_background
async def reroll(state: ChatState, action: cl.Action) -> None:
    if (index := await _frame_or_say(state, action)) is not None:
        await apply(state, state.session.reroll, index)


@cl.action_callback(view.LOCK)
@in_background
async def toggle_lock(state: ChatState, action: cl.Action) -> None:
    if (index := await _frame_or_say(state, action)) is None:
        return
    locked = bool(action.payload.get("locked"))
    await apply(state, state.session.set_lock, index, locked)
    if action.forId and state.session.story.frames[index].locked == locked:
        # The pressed button now says the opposite (Lock <-> Unlock).
        frame_id = action.payload["frame_id"]
        await action.remove()
        flipped = view.lock_action(frame_id, locked)
        await flipped.send(for_id=action.forId)
        bar = state.frame_bars.get(frame_id, [])
        state.frame_bars[frame_id] = [flipped if old.id == action.id else old for old in bar]


CAPTION_PREFIX = "caption:"


@cl.action_callback(view.EDIT)
@in_background
async def edit_frame(state: ChatState, action: cl.Action) -> None:
    """A frame's new text, or (an answer starting with "caption:") the words under its picture."""
    if (index := await _frame_or_say(state, action)) is None:
        return
    frame = state.session.story.frames[index]
    text = await _ask(f"Send the new text for frame {index + 1}. Now it is: “{frame.prompt}”.  \nTo change the words "
                      f"under the picture instead, start with `caption:`. Now they are: “{frame.caption}”.")
    if text.lower().startswith(CAPTION_PREFIX):
        await _set_caption(state, index, text[len(CAPTION_PREFIX):])
    elif problem := view.check_message(text, 0):
        await cl.Message(content=f"Frame {index + 1} is unchanged. {problem}").send()
    else:
        await apply(state, state.session.set_frame_text, index, text)


@cl.action_callback(view.CAPTION)
@in_background
async def edit_caption(state: ChatState, action: cl.Action) -> None:
    """The words under a frame's picture, as the person writes them (kept until they change them)."""
    if (index := await _frame_or_say(state, action)) is None:
        return
    caption = state.session.story.frames[index].caption
    await _set_caption(state, index, await _ask(f"Send the words to show under frame {index + 1}. Now they are: "
                                                f"“{caption}”."))


async def _ask(question: str) -> str:
    answer = await cl.AskUserMessage(content=question, timeout=600).send()
    return (answer or {}).get("output", "").strip()


async def _set_caption(state: ChatState, index: int, text: str) -> None:
    if problem := view.check_message(text, 0):
        await cl.Message(content=f"Frame {index + 1}'s caption is unchanged. {problem}").send()
        return
    await apply(state, state.session.set_caption, index, text.strip())


@cl.action_callback(view.STORY)
@in_background
async def show_story(state: ChatState, action: cl.Action) -> None:
    """The Story button: the story view in the side panel (on a phone too: the person asked)."""
    if await _need_story(state):
        await show_story_view(state, asked=True)


@cl.action_callback(view.PLAN_THIS)
@in_background
async def plan_this(state: ChatState, action: cl.Action) -> None:
    """A message that read as a change in a chat without a story, planned as an idea after all."""
    from chatapp.stories import has_story, start_story

    idea = str(action.payload.get("idea", "")).strip()
    if has_story(state):
        await say("This chat has a story now; send your idea in a new chat to plan another one.")
    elif not view.check_message(idea, 0):
        await action.remove()
        await start_story(state, idea)


@cl.action_callback(view.RENDER_ALL)
@in_background
async def render_all(state: ChatState, action: cl.Action) -> None:
    if await _need_story(state):
        await render(state, None)


@cl.action_callback(view.UNDO)
@in_background
async def undo(state: ChatState, action: cl.Action) -> None:
    if await _need_story(state):
        await apply(state, state.session.undo)


@cl.action_callback(view.REDO)
@in_background
async def redo(state: ChatState, action: cl.Action) -> None:
    if await _need_story(state):
        await apply(state, state.session.redo)


@cl.action_callback(view.CHOOSE)
@in_background
async def choose(state: ChatState, action: cl.Action) -> None:
    """A question's answer button, or a beat the plan offered: the request, as if the person had typed it."""
    message = str(action.payload.get("message", ""))
    if state.session is not None and message:
        await cl.Message(content=message, author="You", type="user_message").send()
        await apply(state, state.session.revise, message)


@cl.action_callback(view.EXPORT)
@in_background
async def export(state: ChatState, action: cl.Action) -> None:
    if not await _need_story(state):
        return
    out_dir = state.session.story_dir / "exports"
    paths = []
    for fmt in view.EXPORT_FORMATS:
        paths += await state.worker.call(state.session.export, fmt, out_dir)
    files = [cl.File(path=str(path), name=Path(path).name, display="inline") for path in dict.fromkeys(paths)]
    without_picture = await state.worker.call(state.session.frames_without_picture)
    test_images = await state.worker.call(state.session.test_image_frames)
    await cl.Message(content=view.export_text(without_picture, test_images), elements=files).send()


@cl.on_settings_update
async def settings_update(values: dict) -> None:
    # Chainlit's Stop cancels the session's current task, which it only sets for messages.
    context.session.current_task = asyncio.current_task()
    state = chat_state()
    try:
        changes = panel.settings_changes(values, panel.current_settings(state.session, panel_memory().frames()))
    except ValueError as error:
        await cl.Message(content=str(error)).send()
        return
    log.info("settings changed: %s", changes)
    if not changes:
        return
    frames = changes.pop("frames", None)
    if frames is not None:
        panel_memory().remember_frames(frames)  # the next new chat starts with it too
    if state.session is None or not state.session.story.frames:
        await cl.Message(content="Settings saved; they apply to the story you start next.").send()
        return
    if changes:
        await apply(state, state.session.update_settings, **changes)
    if frames is not None and frames != len(state.session.story.frames):
        # The language room reads a new count: frames added from the story's world, or a question which to drop.
        await apply(state, state.session.revise, f"make it {frames} frames")
