"""Round two of faults, in the chat (issue 15): a first plan that fails leaves nothing behind and the chat plans the
next idea; a reopened chat whose story was never planned does too; a frame picture deleted or overwritten is named,
drawn again and never breaks reopening or the export; a story removed mid-render says so; Render all sees a change
made elsewhere; settings of the wrong type get one sentence. Real Chainlit context, real session, real files."""

from __future__ import annotations

import asyncio
import json
import os
import shutil

import chainlit.data
import pytest
from app_fixtures import SlowCards, chainlit_context, frame_messages, say

import app
from agent.session import NO_LLM, ImageModel, StorySession, Studio
from chatapp import chat, controls, panel

STORY_IDEA = "A small red fox finds a glowing lantern in the forest and follows its light home."


@pytest.fixture(autouse=True)
def stories(tmp_path, monkeypatch):
    use_studio(monkeypatch, tmp_path)
    monkeypatch.setattr(chainlit.data, "_data_layer", None)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
    return tmp_path


def use_studio(monkeypatch, folder, generator=None) -> None:
    from core.config import Config

    model = ImageModel("slow-cards", loader=lambda name: generator) if generator else ImageModel("")
    monkeypatch.setattr(chat, "STUDIO", Studio(Config(data_dir=folder), image_model=model, llm=NO_LLM))


def run(scenario):
    asyncio.run(asyncio.wait_for(scenario(), 60))


def headings(recorder) -> list[str]:
    return [message["output"].split(" — ")[0] for message in frame_messages(recorder)]


async def reopen(story_id: str | None, thread: str = "later"):
    """What Chainlit does when a chat is reopened from the history; returns once our messages are out."""
    recorder_context = chainlit_context(thread_id=thread)
    recorder, context = await recorder_context.__aenter__()
    await app.resume({"id": thread, "metadata": json.dumps({"story_id": story_id} if story_id else {})})
    for _ in range(200):
        if any(t.startswith(("**", "This chat")) for t in recorder.texts()):
            break
        await asyncio.sleep(0.05)
    return recorder, recorder_context


@pytest.mark.parametrize("frames, idea", [(13, STORY_IDEA), (None, "x" * 4000)])
def test_a_failed_first_plan_leaves_nothing_behind_and_the_next_idea_is_planned(stories, frames, idea):
    async def scenario():
        async with chainlit_context() as (recorder, context):
            await app.start()
            if frames:
                context.session.chat_settings.update({"frames": frames})  # through the socket: the panel stops at 12
            await say(idea)
            answer = recorder.texts()[-1]
            assert answer.startswith("I could not plan that story:") and "validation error" not in answer, answer
            await asyncio.sleep(0.2)  # the empty story's folder goes on the chat's thread
            assert app.chat_state().session is None and list(stories.iterdir()) == []
            context.session.chat_settings.update({"frames": 4})
            await say(STORY_IDEA)
            assert len(app.chat_state().session.story.frames) == 4 and len(list(stories.iterdir())) == 1

    run(scenario)


def test_a_reopened_chat_whose_story_was_never_planned_plans_the_next_idea(stories):
    empty = StorySession.create(stories, llm=NO_LLM, generator_provider=lambda: None)  # what a failed plan left

    async def scenario():
        recorder, opened = await reopen(empty.story.id)
        try:
            assert "This chat has no story yet: send an idea to start one." in recorder.texts()
            await say(STORY_IDEA)
            session = app.chat_state().session
            assert len(session.story.frames) == 4 and session.story.id == empty.story.id
            assert "ValidationError" not in recorder.text() and headings(recorder)[:1] == ["**Frame 1**"]
        finally:
            await opened.__aexit__(None, None, None)

    run(scenario)


@pytest.mark.parametrize("damage", ["delete", "random bytes"])
def test_a_damaged_frame_picture_is_named_redrawn_and_exported_around(stories, damage):
    saved = StorySession.create(stories, llm=NO_LLM, generator_provider=lambda: None)
    saved.plan(STORY_IDEA, frames=4)
    saved.render()
    picture = saved.frame_image(1)
    picture.unlink() if damage == "delete" else picture.write_bytes(os.urandom(4000))

    async def scenario():
        recorder, opened = await reopen(saved.story.id)
        try:
            for _ in range(100):
                if recorder.of("set_sidebar_elements"):
                    break
                await asyncio.sleep(0.05)
            (story_view,) = recorder.of("set_sidebar_elements")[-1]["elements"]  # every frame shown, with buttons
            assert [(f["number"], bool(f["image"]), f["due"]) for f in story_view["props"]["frames"]] == [
                (1, True, False), (2, False, True), (3, True, False), (4, True, False)]
            summary = next(t for t in recorder.texts() if "frame(s)." in t)
            assert "The picture of frame 2 is missing or cannot be read" in summary
            assert "Frame 2 still needs rendering" in summary
            await controls_click("export")
            assert "Frame 2 has no picture" in recorder.texts()[-1]
            await controls_click("render_all")
            assert "The picture of frame 2 was missing or could not be read, so it was drawn again." in recorder.text()
            assert headings(recorder)[-1] == "**Frame 2**" and app.chat_state().session.frames_needing_render() == []
        finally:
            await opened.__aexit__(None, None, None)

    run(scenario)


async def controls_click(name: str) -> None:
    import chainlit as cl
    from chainlit.config import config
    from chainlit.context import context

    await config.code.action_callbacks[name](cl.Action(name=name, payload={}, label=name))
    await asyncio.wait_for(context.session.current_task, 20)


def test_a_story_removed_mid_render_says_so_and_stays_removed(stories, monkeypatch):
    class RemovedAfterTheFirstFrame(SlowCards):
        def render(self, *args, on_frame=None, **kwargs):
            def remove(index, image):
                on_frame(index, image)
                for folder in stories.iterdir():  # someone deletes the story's folder by hand
                    shutil.rmtree(folder)

            return super().render(*args, on_frame=remove, **kwargs)

    use_studio(monkeypatch, stories, RemovedAfterTheFirstFrame())

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say(STORY_IDEA)
            assert any(t.startswith("This story was removed from disk") for t in recorder.texts()), recorder.texts()
            assert not any(t.startswith("Rendered") for t in recorder.texts())
            await say("make frame 2 at night")
            assert recorder.texts()[-1].startswith("This story was removed from disk")
            assert list(stories.iterdir()) == []

    run(scenario)


def test_render_all_renders_what_the_cli_changed(stories):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say(STORY_IDEA)
            session = app.chat_state().session
            StorySession.open(session.story_dir, llm=NO_LLM).revise("frame 2: swimming across a wide river")
            before = len(frame_messages(recorder))
            await controls_click("render_all")
            assert "Every frame is up to date" not in recorder.text()
            assert headings(recorder)[before:] == ["**Frame 2**"]  # a card shows the frame's text: only frame 2
            assert "river" in session.story.frames[1].prompt

    run(scenario)


@pytest.mark.parametrize("values, expected", [
    ({"size": 5}, "The image size must be one of"),
    ({"steps": None}, "Steps must be a whole number"),
    ({"guidance": "high"}, "Guidance must be a number"),
    ({"style": 7}, "The style must be one of"),
    ({"steps": 500}, "That setting cannot be used (steps: Input should be less than or equal to 200)"),
])
def test_settings_of_the_wrong_type_get_one_sentence(values, expected):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say(STORY_IDEA)

            current = panel.current_settings(app.chat_state().session)
            await controls.settings_update({**current, **values})
            answer = recorder.texts()[-1]
            assert answer.startswith(expected) and "\n" not in answer and "pydantic" not in answer, answer

    run(scenario)


def test_the_app_roots_of_killed_servers_go_at_the_next_start(tmp_path, monkeypatch):
    """Real processes, really killed: a root whose server died is removed when the next server starts; the root of
    a server still running, and one without a lock file (an older Storyloom's), stay."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from chatapp.serve import REPO, instance_root

    roots = tmp_path / "roots"
    roots.mkdir()
    monkeypatch.setenv("STORYLOOM_SERVER_ROOTS", str(roots))
    server = ("from chatapp.serve import instance_root; import time; root, lock = instance_root(); "
              "print(root, flush=True); time.sleep(120)")

    def start() -> tuple[subprocess.Popen, Path]:
        process = subprocess.Popen([sys.executable, "-c", server], cwd=REPO, stdout=subprocess.PIPE, text=True)
        return process, Path(process.stdout.readline().strip())

    killed, killed_root = start()
    running, running_root = start()
    older = roots / "storyloom-server-older"
    older.mkdir()
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        assert killed_root.is_dir()  # a killed server cannot clean up after itself
        root, lock = instance_root()
        os.close(lock)
        assert not killed_root.exists() and running_root.is_dir() and older.is_dir() and root.is_dir()
    finally:
        running.kill()
        running.wait(10)
