"""Storyloom's chat app (Chainlit). Each handler turns one UI event into one `StorySession` call and shows the result.

Run with `make run` (http://127.0.0.1:8000, log in with the user and password from `.env`). The story logic lives
in agent/, the pictures in generator/; the Chainlit-side helpers (history on SQLite, the render queue, the story
view) in chatapp/. One `ChatState` per chat sits under one user-session key; it holds the chat's StorySession.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from pathlib import Path

import chainlit as cl
from chainlit.context import context
from chainlit.data import get_data_layer
from chainlit.server import app as http_app
from chainlit.server import sio

from chatapp import controls, persistence, routes, view  # noqa: F401 (controls: the buttons' handlers)
from chatapp.chat import ChatState, apply, chat_dir, chat_state, say, send_settings, studio
from chatapp.persistence import check_password, make_data_layer
from chatapp.render_queue import RENDER_QUEUE
from chatapp.rendering import render, show_story
from chatapp.worker import lower_thread_priority
from core.errors import StoryError

log = logging.getLogger("storyloom.app")

STARTERS = [  # (label, idea, icon in public/)
    ("A fox and a lost lantern",
     "A small red fox finds a glowing lantern in the forest and follows its light home.", "fox"),
    ("A robot learns to paint", "A rusty little robot in a seaside town teaches itself to paint the sunset.", "robot"),
    ("Grandma's kite", "A girl in a yellow raincoat flies her grandmother's old kite on a windy hill.", "kite"),
]


# --- persistence, login, HTTP routes ---------------------------------------------------------------


@cl.data_layer
def data_layer():
    return make_data_layer(chat_dir() / "history.sqlite", chat_dir() / "files")


@cl.password_auth_callback
def login(username: str, password: str) -> cl.User | None:
    config = studio().config
    if check_password(username, password, config.username, config.password):
        return cl.User(identifier=username, metadata={"provider": "credentials"})
    return None


def health_report() -> dict:
    """What /health answers besides "ok"; never blocks on a render."""
    return {**studio().health(), "render_queue": RENDER_QUEUE.length}


# HTTP handlers on Chainlit's server (routes and middleware must be in place before it starts serving).
routes.install(http_app, health_report, files_dir=lambda: chat_dir() / "files")
routes.install_local_page(http_app)
routes.install_socket_settings(sio)


def check_history_database(path: Path) -> str | None:
    """Why the chat-history database cannot be used (corrupt, unreadable, read-only), or None."""
    import sqlite3

    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=rw", uri=True) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as error:
        return f"The chat history database {path} cannot be used ({error}); move it aside and restart."
    if result != "ok":
        return f"The chat history database {path} is damaged ({result}); move it aside and restart."
    return None


def check_auth_secret() -> None:
    """Refuse to start without a login secret: every login would fail with an error 500 later."""
    if not os.environ.get("CHAINLIT_AUTH_SECRET", "").strip():
        raise SystemExit("CHAINLIT_AUTH_SECRET is empty, so no login can work. Run `make .env` (it writes a random "
                         "one into .env), or set it yourself, then start the app again.")


@cl.on_app_startup
async def startup() -> None:
    check_auth_secret()
    studio().stories_dir.mkdir(parents=True, exist_ok=True)
    if not studio().config.password:
        log.error("STORY_PASSWORD is not set: nobody can log in. Run `make .env` (it writes one into .env).")
    if problem := check_history_database(chat_dir() / "history.sqlite"):
        studio().problems.append(problem)  # /health says "degraded", and every chat is told
        log.error(problem)
    # Model checks run in the background so the server answers at once; chats started before they end
    # simply do not see their notices.
    threading.Thread(target=_warm_up, name="storyloom-startup-checks", daemon=True).start()


def _warm_up() -> None:
    lower_thread_priority()
    studio().warm_up()


# --- chat lifecycle --------------------------------------------------------------------------------


@cl.set_chat_profiles
async def profiles(user=None, language=None) -> list[cl.ChatProfile]:
    """One profile: Chainlit then shows its icon and description as the first screen's welcome, with the
    starters below and no profile picker."""
    return [cl.ChatProfile(name="Storyloom", markdown_description=view.welcome_text(studio().notices()),
                           icon="/public/storyloom.svg", default=True)]


@cl.set_starters
async def starters(user=None, language=None) -> list[cl.Starter]:
    return [cl.Starter(label=label, message=idea, icon=f"/public/starter-{icon}.svg") for label, idea, icon in STARTERS]


@cl.on_chat_start
async def start() -> None:
    """Nothing is said at the start, so Chainlit shows the starter ideas (it shows them only in an empty chat);
    what the chat must know about the models comes with the first plan."""
    chat_state()
    await send_settings(None)


@cl.on_chat_resume
async def resume(thread: dict) -> None:
    state = chat_state()
    story_id = await story_id_for(thread)
    # Chainlit replaces the screen with the stored messages right after this hook returns, so what we show
    # is sent a moment later, after that replacement.
    asyncio.get_running_loop().create_task(_show_resumed(state, story_id))


async def _show_resumed(state: ChatState, story_id: str | None) -> None:
    await asyncio.sleep(0.3)
    try:
        await _reopen(state, story_id)
    except Exception:
        log.exception("resuming story %s failed", story_id)
        await say("Something went wrong while reopening this chat's story; it is still saved on disk.")


async def _reopen(state: ChatState, story_id: str | None) -> None:
    if not story_id:
        await send_settings(None)
        await cl.Message(content="This chat has no story yet: send an idea to start one.").send()
        return
    try:
        state.session = await state.worker.call(studio().open_story, story_id)
    except (StoryError, OSError, ValueError) as error:
        await cl.Message(content=f"This chat's story could not be opened ({error}). Start a new chat to go on.").send()
        return
    await send_settings(state.session)
    await show_story(state, f"Welcome back to **{state.session.story.title}**.")


@cl.on_chat_end
async def end() -> None:
    # The tab closed or the connection dropped: a running render finishes and is saved (it shows on resume).
    chat_state().worker.close()


@cl.on_stop
async def stop() -> None:
    state = chat_state()
    if state.rendering and state.session is not None:
        state.session.cancel()  # the render says what was stopped and what was kept


# --- messages ---------------------------------------------------------------------------------------


@cl.on_message
async def on_message(message: cl.Message) -> None:
    files = [element.name for element in (message.elements or [])]
    if problem := view.check_message(message.content, len(files)):
        await cl.Message(content=problem).send()
        return
    if files:
        await say(f"I can't read attached files, so I ignored {', '.join(files)} and used your text.")
    state = chat_state()
    if state.session is None:
        await start_story(state, message.content.strip())
    else:
        await apply(state, state.session.revise, message.content.strip())


async def start_story(state: ChatState, idea: str) -> None:
    values = cl.user_session.get("chat_settings") or {}
    planning = await cl.Message(content="Planning your story…").send()
    try:
        state.session = await state.worker.call(studio().new_story)
        await remember_story(state.session.story.id)
        reply = await state.worker.call(
            state.session.plan, idea, frames=_int(values.get("frames")), style=values.get("style")
        )
    except (Exception, asyncio.CancelledError) as error:  # never leave "Planning your story…" on screen
        state.session = None  # the next message is an idea again, not a revision of an empty story
        stopped = isinstance(error, asyncio.CancelledError)
        planning.content = ("Stopped before the plan was ready. Send an idea to start again." if stopped
                            else f"I could not plan that story: {view.failure_text(error)}")
        await planning.update()
        if stopped:
            raise
        return
    found = studio().notices()
    planning.content = reply.text + ("\n\n" + "\n\n".join(f"_{notice}_" for notice in found) if found else "")
    planning.actions = view.story_actions()
    await planning.update()
    await apply_chosen_settings(state, values)
    await send_settings(state.session)
    await render(state, reply.to_render or None)


async def apply_chosen_settings(state: ChatState, values: dict) -> None:
    """Settings picked in the panel before the idea (steps, seed...) apply to the story just planned."""
    try:
        changes = view.settings_changes(values, view.current_settings(state.session))
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


def _int(value) -> int | None:
    return int(value) if value not in (None, "") else None
