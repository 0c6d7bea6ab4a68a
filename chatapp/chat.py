"""What every chat handler shares: the process's `Studio`, one `ChatState` per chat, and `apply` (one session
call, its reply shown, what it changed rendered, the story view and the chat's name brought up to date)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import chainlit as cl
from chainlit.context import context
from chainlit.data import get_data_layer

from agent.session import StorySession, Studio
from chatapp import panel, view
from chatapp.bars import send_reply
from chatapp.rendering import render
from chatapp.storyview import show_story_view
from chatapp.worker import ChatWorker

log = logging.getLogger("storyloom.app")

STUDIO: Studio | None = None  # built on first use (tests put their own here)
STATE_KEY = "storyloom"


def studio() -> Studio:
    """The process's models, checks and stories (configuration read from .env on first use)."""
    global STUDIO
    if STUDIO is None:
        STUDIO = Studio()
    return STUDIO


def chat_dir() -> Path:
    """Where the chat history (SQLite) and its element files live."""
    return studio().config.chat_folder


def panel_memory() -> panel.PanelMemory:
    return panel.PanelMemory(chat_dir())


@dataclass
class ChatState:
    """Everything one chat holds: its story session (None until the first idea), its worker thread, whether a
    render is running (Stop reads it), the buttons shown (`chatapp.bars` folds older ones), the chat's name as
    last written to the history, and whether pictures come from the random-weight test model."""

    session: StorySession | None = None
    worker: ChatWorker = field(default_factory=ChatWorker)
    rendering: bool = False
    story_bar: list = field(default_factory=list)
    frame_bars: dict = field(default_factory=dict)
    chat_name: str | None = None
    test_images: bool = False


async def say(text: str) -> None:
    await cl.Message(content=text).send()


def chat_state() -> ChatState:
    state = cl.user_session.get(STATE_KEY)
    if state is None:
        state = ChatState(test_images=studio().image_model.is_test_model)
        cl.user_session.set(STATE_KEY, state)
    return state


async def apply(state: ChatState, call, *args, **kwargs) -> None:
    """Run one session call that returns a Reply, show it, and render what it says needs rendering."""
    try:
        reply = await state.worker.call(call, *args, **kwargs)
    except Exception as error:  # a failed save, a bug: a clear message, and the chat goes on
        await cl.Message(content=view.failure_text(error)).send()
        return
    if reply.choices:  # a question's likely answers, or the beats a plan could still add
        await send_reply(state, reply.question or reply.text, view.choice_actions(reply.choices))
    else:
        await send_reply(state, reply.question or reply.text)
    await sync_chat_name(state)
    if reply.to_render:
        await render(state, reply.to_render)  # the story view follows when the render ends
    else:
        await show_story_view(state)


async def sync_chat_name(state: ChatState, *, force: bool = False) -> None:
    """Name the chat in the history after its story's title (after the plan, and after every rename or undo of
    one), and have the page's history list show the new name."""
    if state.session is None or not state.session.story.frames:
        return
    title = state.session.story.title
    if title == state.chat_name and not force:
        return
    state.chat_name = title
    thread_id = context.session.thread_id
    if layer := get_data_layer():
        try:
            await layer.update_thread(thread_id, name=title)
        except Exception:  # the history is optional: the chat goes on under its old name
            log.exception("could not rename chat %s", thread_id)
            return
    # The page reloads its history list when told of a chat's first interaction; a new name is one more.
    await context.emitter.emit("first_interaction", {"interaction": title, "thread_id": thread_id})


async def send_settings(session) -> None:
    values = panel.current_settings(session, frames=panel_memory().frames())
    await cl.ChatSettings(panel.settings_widgets(values)).send()
