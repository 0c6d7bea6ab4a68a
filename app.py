"""Storyloom's chat app (Chainlit). Each handler turns one UI event into one `StorySession` call and shows the result.

Run with `make run` (http://127.0.0.1:8000, log in with the user and password from `.env`). The story logic lives
in agent/, the pictures in generator/; the Chainlit-side helpers (history on SQLite, the render queue, the story
view) in chatapp/. One `ChatState` per chat sits under one user-session key; it holds the chat's StorySession.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading

import chainlit as cl
from chainlit.server import app as http_app
from chainlit.server import sio

from chatapp import controls, routes, view  # noqa: F401 (controls: the buttons' handlers)
from chatapp.chat import ChatState, apply, chat_dir, chat_state, say, send_settings, studio  # noqa: F401
from chatapp.login import SECRET_VARIABLE, FailedLogins, TokenKey, install_guard
from chatapp.persistence import check_history_database, check_password, make_data_layer
from chatapp.render_queue import RENDER_QUEUE
from chatapp.rendering import render  # noqa: F401 (tests render through the app)
from chatapp.stories import (  # noqa: F401 (tests read story ids through the app)
    has_story,
    no_story_yet,
    show_resumed,
    start_story,
    story_id_for,
    story_id_of,
)
from chatapp.worker import lower_thread_priority

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


@cl.on_logout
def logout(request, response) -> dict:
    """A logout ends every login so far (the old token no longer checks out, here or in another browser)."""
    token_key().renew()
    return {"success": True}


TOKEN_KEY: TokenKey | None = None  # built at start, from the secret in .env before the app replaces it
FAILED_LOGINS = FailedLogins()


def token_key() -> TokenKey:
    global TOKEN_KEY
    if TOKEN_KEY is None:
        config = studio().config
        TOKEN_KEY = TokenKey(os.environ.get(SECRET_VARIABLE, ""), config.username, config.password, chat_dir())
    return TOKEN_KEY


def history_problem() -> str | None:
    """What makes signing in impossible now: a history database that is not one (checked at each sign-in)."""
    return check_history_database(chat_dir() / "history.sqlite", thorough=False)


def health_report() -> dict:
    """What /health answers besides "ok"; never blocks on a render."""
    return {**studio().health(), "render_queue": RENDER_QUEUE.length}


# HTTP handlers on Chainlit's server (routes and middleware must be in place before it starts serving).
routes.install(http_app, health_report, files_dir=lambda: chat_dir() / "files")
routes.install_local_page(http_app)
routes.install_socket_settings(sio)
install_guard(http_app, FAILED_LOGINS, history_problem)


def check_auth_secret() -> None:
    """Refuse to start without a login secret: every login would fail with an error 500 later."""
    if not os.environ.get("CHAINLIT_AUTH_SECRET", "").strip():
        raise SystemExit("CHAINLIT_AUTH_SECRET is empty, so no login can work. Run `make .env` (it writes a random "
                         "one into .env), or set it yourself, then start the app again.")


@cl.on_app_startup
async def startup() -> None:
    check_auth_secret()
    token_key().install()  # tokens from now on are bound to the current user name and password
    studio().stories_dir.mkdir(parents=True, exist_ok=True)
    if removed := studio().clean_up():
        log.info("removed %d temporary file(s) left by interrupted writes", removed)
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
    asyncio.get_running_loop().create_task(show_resumed(state, story_id, thread))


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
    state, text = chat_state(), message.content.strip()
    if has_story(state):
        await apply(state, state.session.revise, text)
    elif await state.worker.call(studio().reads_as_revision, text):  # e.g. typed after a reload into a new chat
        await no_story_yet(state, text)
    else:
        await start_story(state, text)
