"""What every chat handler shares: the process's `Studio`, one `ChatState` per chat, and `apply` (one session
call, its reply shown, what it changed rendered)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import chainlit as cl

from agent.session import StorySession, Studio
from chatapp import view
from chatapp.rendering import render
from chatapp.worker import ChatWorker

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


@dataclass
class ChatState:
    """Everything one chat holds: its story session (None until the first idea), its worker thread, and whether
    a render is running (Stop reads it)."""

    session: StorySession | None = None
    worker: ChatWorker = field(default_factory=ChatWorker)
    rendering: bool = False


async def say(text: str) -> None:
    await cl.Message(content=text).send()


def chat_state() -> ChatState:
    state = cl.user_session.get(STATE_KEY)
    if state is None:
        state = ChatState()
        cl.user_session.set(STATE_KEY, state)
    return state


async def apply(state: ChatState, call, *args, **kwargs) -> None:
    """Run one session call that returns a Reply, show it, and render what it says needs rendering."""
    title = state.session.story.title if state.session else None
    try:
        reply = await state.worker.call(call, *args, **kwargs)
    except Exception as error:  # a failed save, a bug: a clear message, and the chat goes on
        await cl.Message(content=view.failure_text(error)).send()
        return
    actions = view.choice_actions(reply.choices) if reply.choices else view.story_actions()
    await cl.Message(content=reply.question or reply.text, actions=actions).send()
    if state.session and state.session.story.title != title:  # renamed (or undone): the side panel follows
        await cl.ElementSidebar.set_title(state.session.story.title)
    if reply.to_render:
        await render(state, reply.to_render)


async def send_settings(session) -> None:
    await cl.ChatSettings(view.settings_widgets(view.current_settings(session))).send()
