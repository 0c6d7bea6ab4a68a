"""Test doubles for the chat app: a `FakeStorySession` with the documented `agent.session.StorySession` interface,
and a real Chainlit context whose emitter records every event sent to the browser.

The fake keeps real `core.story.Story` state (so undo/redo, frame ids and locks behave like the product's), writes
small PNGs instead of running a model, and records every call, so handler tests can assert both what the
session was asked and what the person saw.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
import time
import zipfile
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

from PIL import Image

from core.reply import RenderEvent, Reply
from core.story import Frame, Story
from core.errors import InvalidStoryError
from core.settings import GenerationSettings


class FakeStorySession:
    """Same methods as StorySession; renders 4-step fake frames (``step_seconds`` each) as flat-colour PNGs."""

    step_seconds = 0.0
    fail_with: Exception | None = None  # raised by the next render (then cleared), e.g. OutOfMemoryError()

    def __init__(self, story_dir: Path, story: Story, generator_provider=None):
        self.story_dir = Path(story_dir)
        self.story = story
        self.generator_provider = generator_provider
        self.calls: list[tuple] = []
        self._cancel = threading.Event()

    # --- lifecycle ------------------------------------------------------------------------------
    @classmethod
    def create(cls, stories_dir: Path, *, llm=None, generator_provider=None) -> FakeStorySession:
        story = Story()
        story_dir = Path(stories_dir) / story.id
        (story_dir / "images").mkdir(parents=True)
        session = cls(story_dir, story, generator_provider)
        session.save()
        return session

    @classmethod
    def open(cls, story_dir: Path, *, llm=None, generator_provider=None) -> FakeStorySession:
        path = Path(story_dir) / "story.json"
        if not path.is_file():
            raise InvalidStoryError(f"No story saved in {story_dir}.")
        return cls(story_dir, Story.from_json(path.read_text()), generator_provider)

    def save(self) -> None:
        (self.story_dir / "story.json").write_text(self.story.to_json())

    # --- planning and revising --------------------------------------------------------------------
    def plan(self, idea: str, *, frames: int | None = None, style: str | None = None) -> Reply:
        self.calls.append(("plan", idea, frames, style))
        count = frames or 4
        self.story = self.story.model_copy(
            update={
                "title": idea[:40],
                "idea": idea,
                "identity_prompt": "a small red fox",
                "style": style or self.story.style,
                "frames": [
                    Frame(prompt=f"scene {i + 1} of {idea[:20]}", caption=f"Part {i + 1}") for i in range(count)
                ],
            }
        )
        self.save()
        lines = "\n".join(f"{i + 1}. {f.prompt}" for i, f in enumerate(self.story.frames))
        return Reply(text=f"## {self.story.title}\n\n{lines}", changed=list(range(count)), to_render=list(range(count)))

    def revise(self, message: str) -> Reply:
        self.calls.append(("revise", message))
        match = re.search(r"frame (\d+)", message)
        if not match:
            return Reply(text="", question="Which frame do you mean?")
        index = int(match.group(1)) - 1
        if not 0 <= index < len(self.story.frames):
            count = len(self.story.frames)
            return Reply(text="", question=f"There is no frame {index + 1}: this story has {count} frames.")
        return self.set_frame_text(index, self.story.frames[index].prompt + ", " + message)

    def set_frame_text(self, index: int, text: str) -> Reply:
        self.calls.append(("set_frame_text", index, text))
        frames = [f.model_copy() for f in self.story.frames]
        frames[index] = frames[index].model_copy(update={"prompt": text[:600]})
        self.story = self.story.changed(f"frame {index + 1} text", frames=frames)
        self.save()
        return Reply(text=f"Changed frame {index + 1}.", changed=[index], to_render=[index])

    def reroll(self, index: int) -> Reply:
        self.calls.append(("reroll", index))
        frames = [f.model_copy() for f in self.story.frames]
        frames[index] = frames[index].model_copy(update={"seed": self.story.frame_seed(index) + 1})
        self.story = self.story.changed(f"re-roll frame {index + 1}", frames=frames)
        self.save()
        return Reply(text=f"New seed for frame {index + 1}.", changed=[index], to_render=[index])

    def set_lock(self, index: int, locked: bool) -> Reply:
        self.calls.append(("set_lock", index, locked))
        frames = [f.model_copy() for f in self.story.frames]
        frames[index] = frames[index].model_copy(update={"locked": locked})
        self.story = self.story.changed("lock", frames=frames)
        self.save()
        return Reply(text=f"Frame {index + 1} {'locked' if locked else 'unlocked'}.", changed=[index])

    def undo(self) -> Reply:
        self.calls.append(("undo",))
        story = self.story.undone()
        if story is None:
            return Reply(text="Nothing to undo.")
        self.story = story
        self.save()
        return Reply(text="Undone.", to_render=self.frames_needing_render())

    def redo(self) -> Reply:
        self.calls.append(("redo",))
        story = self.story.redone()
        if story is None:
            return Reply(text="Nothing to redo.")
        self.story = story
        self.save()
        return Reply(text="Redone.", to_render=self.frames_needing_render())

    def update_settings(self, **changes) -> Reply:
        self.calls.append(("update_settings", dict(changes)))
        style = changes.pop("style", self.story.style)
        unknown = set(changes) - set(GenerationSettings.model_fields)
        if unknown:  # like the real session: the frame count is not a setting of an existing story
            raise InvalidStoryError(f"Unknown setting(s): {', '.join(sorted(unknown))}.")
        settings = self.story.settings.model_copy(update=changes)
        self.story = self.story.changed("settings", settings=settings, style=style)
        self.save()
        pending = self.frames_needing_render()
        text = f"Settings changed: this affects {len(pending)} frame(s)."
        return Reply(text=text, changed=pending, to_render=pending)

    # --- rendering ------------------------------------------------------------------------------
    def cancel(self) -> None:
        self.calls.append(("cancel",))
        self._cancel.set()

    def frames_needing_render(self) -> list[int]:
        return self.story.due_frames("fake")

    def render(self, frames: list[int] | None = None, *, on_event: Callable | None = None) -> Reply:
        self.calls.append(("render", frames))
        self._cancel.clear()
        emit = on_event or (lambda event: None)
        todo = frames if frames is not None else self.frames_needing_render()
        if self.fail_with is not None:
            error, self.fail_with = self.fail_with, None
            raise error
        done = []
        for index in todo:
            emit(RenderEvent(kind="frame_started", frame=index))
            for step in range(1, 5):
                if self._cancel.is_set():
                    emit(RenderEvent(kind="cancelled", frame=index, message="stopped"))
                    return Reply(text=f"Stopped; {len(done)} frame(s) kept.", changed=done)
                time.sleep(self.step_seconds)
                emit(RenderEvent(kind="step", frame=index, step=step, total_steps=4))
            path = self._draw(index)
            emit(RenderEvent(kind="frame_done", frame=index, image_path=path))
            done.append(index)
        return Reply(text=f"Rendered {len(done)} frame(s).", changed=done)

    def _draw(self, index: int) -> Path:
        context = self.story.render_context(index, "fake")
        digest = hashlib.sha256(context.model_dump_json().encode()).digest()
        frame = self.story.frames[index]
        version = len(self.story.renders.get(frame.id, []))
        relative = Path("images") / f"{frame.id}-v{version}.png"
        Image.new("RGB", (64, 64), tuple(digest[:3])).save(self.story_dir / relative)
        from core.story import FrameRender

        self.story = self.story.with_render(frame.id, FrameRender(image=str(relative), context=context))
        self.save()
        return self.story_dir / relative

    def frame_image(self, index: int) -> Path | None:
        render = self.story.current_render(index) or self.story.latest_render(index)
        return self.story_dir / render.image if render else None

    def strip_image(self) -> Path | None:
        images = [self.frame_image(i) for i in range(len(self.story.frames))]
        images = [Image.open(p) for p in images if p]
        if not images:
            return None
        strip = Image.new("RGB", (64 * len(images), 64))
        for i, image in enumerate(images):
            strip.paste(image, (64 * i, 0))
        path = self.story_dir / "strip.png"
        strip.save(path)
        return path

    def export(self, fmt: str, out_dir: Path) -> list[Path]:
        self.calls.append(("export", fmt))
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        if fmt in ("pdf", "gif", "page"):
            path = out_dir / f"story.{'png' if fmt == 'page' else fmt}"
            path.write_bytes(b"fake " + fmt.encode())
            return [path]
        story_json = out_dir / "story.json"
        story_json.write_text(self.story.to_json())
        archive = out_dir / "story.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.write(story_json, "story.json")
            for i in range(len(self.story.frames)):
                if image := self.frame_image(i):
                    zf.write(image, f"frame-{i + 1:02d}.png")
        return [archive, story_json]


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
