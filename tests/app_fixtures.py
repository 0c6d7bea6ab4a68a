"""For the chat app's tests: a real Chainlit context whose emitter records every event sent to the browser, a
message as the browser sends it, and storyboard cards that render slowly (for Stop and the render queue). The
handlers run on the real StorySession.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager

import chainlit as cl

import app
from export.cards import StoryboardGenerator


async def say(text: str, elements=None) -> None:
    """What Chainlit does for a message from the browser: build a cl.Message and call on_message."""
    message = cl.Message(content=text, author="User", type="user_message", elements=elements or [])
    await app.on_message(message)


def frame_messages(recorder) -> list[dict]:
    """The frame messages the browser was sent ("**Frame 2** — …"), in order."""
    return [d for d in recorder.of("new_message") if d.get("output", "").startswith("**Frame ")]


class SlowCards(StoryboardGenerator):
    """Storyboard cards that take ``seconds`` per frame, so the real session, the render queue and Stop see a
    render in progress; ``fail_with`` is raised by the next render (then cleared), e.g. OutOfMemoryError()."""

    def __init__(self, seconds: float = 0.0, fail_with: Exception | None = None):
        super().__init__()
        self.seconds, self.fail_with = seconds, fail_with

    def render(self, *args, on_step=None, **kwargs):
        if self.fail_with is not None:
            error, self.fail_with = self.fail_with, None
            raise error

        def slow_step(frames, step, total):
            time.sleep(self.seconds)
            if on_step:
                on_step(frames, step, total)

        return super().render(*args, on_step=slow_step, **kwargs)


# --- a real Chainlit context with a recording emitter ----------------------------------------------------


class Recorder:
    """Collects (event, data) pairs the app emits to the browser, with helpers to read them back."""

    def __init__(self):
        self.events: list[tuple[str, object]] = []

    async def emit(self, event: str, data) -> None:
        self.events.append((event, data))

    async def emit_call(self, event: str, data, timeout):
        self.events.append((event, data))
        return self.ask_reply

    ask_reply: dict | None = None

    def of(self, kind: str) -> list:
        return [data for event, data in self.events if event == kind]

    def texts(self) -> list[str]:
        """Contents of every message sent or updated, in order."""
        return [d["output"] for e, d in self.events if e in ("new_message", "update_message") and d.get("output")]

    def text(self) -> str:
        return "\n".join(self.texts())


@asynccontextmanager
async def chainlit_context(thread_id: str = "thread-1", user=None):
    """A real WebsocketSession + ChainlitEmitter whose socket writes go to a Recorder (no browser, no server)."""
    from chainlit.config import FILES_DIRECTORY
    from chainlit.context import ChainlitContext, context_var
    from chainlit.session import WebsocketSession
    from chainlit.user_session import user_sessions

    # A Chainlit server stopping in this folder (the browser test's) deletes .files on shutdown.
    FILES_DIRECTORY.mkdir(parents=True, exist_ok=True)
    recorder = Recorder()
    session = WebsocketSession(
        id=f"session-{thread_id}",
        socket_id=f"socket-{thread_id}",
        emit=recorder.emit,
        emit_call=recorder.emit_call,
        user_env={},
        client_type="webapp",
        user=user,
        thread_id=thread_id,
    )
    session.has_first_interaction = True
    context = ChainlitContext(session)
    token = context_var.set(context)
    try:
        yield recorder, context
    finally:
        context_var.reset(token)
        user_sessions.pop(session.id, None)
        await session.delete()


def wait_until(predicate, timeout: float = 5.0) -> None:
    """Poll ``predicate`` (sync) until true; for background threads in tests."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


async def settle(task_or_none=None, timeout: float = 10.0) -> None:
    """Await a background task (an action's work) if given, then let pending callbacks run."""
    if task_or_none is not None:
        await asyncio.wait_for(asyncio.shield(task_or_none), timeout)
    for _ in range(5):
        await asyncio.sleep(0)
