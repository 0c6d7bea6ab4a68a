"""A chat's story: started from the first idea (planned, then remembered for the chat; a failed plan leaves nothing
behind), reopened from the history (shown once: the reopened chat's stored messages, one line saying where the
story stands, and the story view; a chat whose story was never planned simply plans the next idea), and what a
chat without a story says to a message that reads as a change to one.
"""

from __future__ import annotations

import asyncio
import json
import logging

import chainlit as cl
from chainlit.context import context
from chainlit.data import get_data_layer

from chatapp import panel, persistence, view
from chatapp.bars import send_reply
from chatapp.chat import ChatState, panel_memory, say, send_settings, studio, sync_chat_name
from chatapp.rendering import render
from chatapp.storyview import show_story_view
from core.errors import StoryError

RESUMED = "resumed"  # the metadata mark of the line a reopened chat gets (the next reopen replaces it)

log = logging.getLogger("storyloom.app")


def has_story(state: ChatState) -> bool:
    """Whether the chat's next message revises a story (else it is an idea to plan)."""
    return state.session is not None and bool(state.session.story.frames)


async def start_story(state: ChatState, idea: str) -> None:
    """Plan `idea` into the chat's story (a new one, or the chat's never-planned one), show it and render it."""
    values = cl.user_session.get("chat_settings") or {}
    frames = _int(values.get("frames")) or panel_memory().frames()
    planning = await cl.Message(content="Planning your story…").send()
    try:
        if state.session is None:
            state.session = await state.worker.call(studio().new_story)
        reply = await state.worker.call(state.session.plan, idea, frames=frames, style=values.get("style"))
    except (Exception, asyncio.CancelledError) as error:  # never leave "Planning your story…" on screen
        await _forget(state)
        stopped = isinstance(error, asyncio.CancelledError)
        planning.content = ("Stopped before the plan was ready. Send an idea to start again." if stopped
                            else f"I could not plan that story: {view.failure_text(error)}")
        await planning.update()
        if stopped:
            raise
        return
    await remember_story(state.session.story.id)
    found = studio().notices()
    planning.content = reply.text + ("\n\n" + "\n\n".join(f"_{notice}_" for notice in found) if found else "")
    planning.actions = view.story_actions()
    state.story_bar = planning.actions
    await planning.update()
    await apply_chosen_settings(state, values)
    await send_settings(state.session)
    await sync_chat_name(state)
    await render(state, reply.to_render or None)
    await sync_chat_name(state, force=True)  # again, after Chainlit's own naming of a new chat by its first words


async def _forget(state: ChatState) -> None:
    """After a failed first plan: the next message is an idea again, the empty story folder goes (after the plan
    call, on the chat's thread), and the chat no longer names it."""
    session, state.session = state.session, None
    if session is None or session.story.frames:
        return
    state.worker.submit(session.discard)
    if layer := get_data_layer():
        try:
            await persistence.forget_story(layer, context.session.thread_id, session.story.id)
        except Exception:  # the history is optional here: reopening tolerates a story that is gone
            log.exception("could not forget story %s", session.story.id)
    cl.user_session.set("story_id", None)


async def apply_chosen_settings(state: ChatState, values: dict) -> None:
    """Settings picked in the panel before the idea (steps, seed...) apply to the story just planned."""
    try:
        changes = panel.settings_changes(values, panel.current_settings(state.session))
    except ValueError:
        return  # already explained when the value was entered
    changes = {key: value for key, value in changes.items() if key not in ("frames", "style")}
    if changes:
        try:
            await state.worker.call(state.session.update_settings, **changes)
        except StoryError as error:
            await cl.Message(content=f"{error} The story keeps its default settings.").send()


async def remember_story(story_id: str) -> None:
    """Record the chat's story at once, so the chat can be resumed even after a crash."""
    if layer := get_data_layer():
        await persistence.remember_story(layer, context.session.thread_id, story_id)
    cl.user_session.set("story_id", story_id)  # also lands in the thread's metadata on a clean disconnect


async def story_id_for(thread: dict) -> str | None:
    """The story a stored chat shows: our table first, the thread's metadata as a fallback."""
    if layer := get_data_layer():
        if story_id := await persistence.story_of_thread(layer, thread.get("id", "")):
            return story_id
    return story_id_of(thread.get("metadata"))


def story_id_of(metadata) -> str | None:
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except json.JSONDecodeError:
            return None
    return (metadata or {}).get("story_id") if isinstance(metadata, dict) else None


async def show_resumed(state: ChatState, story_id: str | None, thread: dict) -> None:
    """Show a reopened chat's story (sent a moment after Chainlit replaces the screen with the stored messages)."""
    await asyncio.sleep(0.3)
    try:
        await _reopen(state, story_id, thread)
    except Exception:
        log.exception("resuming story %s failed", story_id)
        await say("Something went wrong while reopening this chat's story; it is still saved on disk.")


async def _reopen(state: ChatState, story_id: str | None, thread: dict) -> None:
    session = None
    if story_id:
        try:
            session = await state.worker.call(studio().open_story, story_id)
        except (StoryError, OSError, ValueError) as error:
            await say(f"This chat's story could not be opened ({error}). Start a new chat to go on.")
            return
    if session is None or not session.story.frames:  # never planned (its first plan failed): plan the next idea
        state.session = session
        await send_settings(None)
        await say("This chat has no story yet: send an idea to start one.")
        return
    state.session = session
    state.chat_name = thread.get("name")
    await send_settings(session)
    await _forget_resumed_lines(thread)
    await send_reply(state, await state.worker.call(_where_it_stands, session), metadata={"storyloom": RESUMED})
    await sync_chat_name(state)
    await show_story_view(state)


def _where_it_stands(session) -> str:
    """The one line a reopened chat gets: the story, what is left to draw, where the whole story is."""
    story = session.story
    pending = session.frames_needing_render()
    text = f"**{story.title}** is open again: {len(story.frames)} frame(s)."
    if note := session.missing_pictures_note():
        text += f" {note}"
    if pending:
        verb = "needs" if len(pending) == 1 else "need"
        text += f" {view.frames_phrase(pending).capitalize()} still {verb} rendering; press **Render all**."
    return text + " Press **Story** to see every frame as it is now."


async def _forget_resumed_lines(thread: dict) -> None:
    """Remove the line an earlier reopening added, so the chat shows where the story stands once."""
    for step in thread.get("steps") or []:
        metadata = step.get("metadata")
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except json.JSONDecodeError:
                continue
        if isinstance(metadata, dict) and metadata.get("storyloom") == RESUMED and step.get("id"):
            try:
                await cl.Message(content="", id=step["id"]).remove()
            except Exception:  # the history is optional: one line too many is no harm
                log.exception("could not remove an earlier reopening line")


async def no_story_yet(state: ChatState, message: str) -> None:
    """A message that reads as a change, in a chat without a story (a reloaded page starts a new one): say so,
    offer the person's last story (a button to its chat), and planning the message as an idea after all."""
    elements = []
    if (last := await last_story()) is not None:
        thread_id, title = last
        elements.append(cl.CustomElement(name="OpenChat", display="inline",
                                         props={"href": f"/thread/{thread_id}", "label": f"Open “{title}”"}))
    plan = cl.Action(name=view.PLAN_THIS, payload={"idea": message}, label="Start a new story from this message",
                     icon="sparkles", tooltip="Plan a new story from what you wrote")
    await cl.Message(content=view.NO_STORY_YET, elements=elements, actions=[plan]).send()


async def last_story() -> tuple[str, str] | None:
    """The chat of the person's most recent story other than this chat, and that story's title (None: none)."""
    layer, user = get_data_layer(), context.session.user
    if layer is None or user is None:
        return None
    try:
        found = await persistence.last_story(layer, user.identifier, context.session.thread_id)
        if found is None:
            return None
        session = await asyncio.to_thread(studio().open_story, found[1])
    except Exception:  # a story folder gone or broken: no button, the sentence still says what to do
        log.info("no last story to offer", exc_info=True)
        return None
    return (found[0], session.story.title) if session.story.frames else None


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None  # a frame count that is no number: the planner's own choice
