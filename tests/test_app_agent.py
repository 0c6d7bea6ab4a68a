"""The chat app over the real agent StorySession (storyboard cards, no language model): the handlers and the
agent agree on the interface. Fast: no image model, no LLM."""

from __future__ import annotations

import asyncio
import json

import chainlit as cl
import chainlit.data
import pytest
from app_fixtures import chainlit_context, frame_messages, say

import app
from agent.session import NO_LLM, ImageModel, Studio
from chatapp import chat
from core.config import Config


@pytest.fixture(autouse=True)
def real_session(tmp_path, monkeypatch):
    """The product's studio and session with the deterministic reader only (the LLM has its own tests)."""
    monkeypatch.setattr(chat, "STUDIO", Studio(Config(data_dir=tmp_path), image_model=ImageModel(""), llm=NO_LLM))
    monkeypatch.setattr(chainlit.data, "_data_layer", None)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
    return tmp_path


def frame_headings(recorder) -> list[str]:
    return [message["output"].split(" — ")[0] for message in frame_messages(recorder)]


def test_idea_revision_and_resume_with_storyboard_cards(real_session):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.start()
            await say("A small red fox finds a glowing lantern in the forest and follows its light home.")
            session = app.chat_state().session
            assert len(session.story.frames) == 4
            assert frame_headings(recorder) == [f"**Frame {i}**" for i in (1, 2, 3, 4)]
            assert all(session.frame_image(i).is_file() for i in range(4))
            versions = {f.id: len(session.story.renders[f.id]) for f in session.story.frames}

            await say("frame 2: the fox sleeps under the stars at night")
            assert frame_headings(recorder)[4:] == ["**Frame 2**"]
            after = {f.id: len(session.story.renders[f.id]) for f in session.story.frames}
            second = session.story.frames[1].id
            assert after == {**versions, second: versions[second] + 1}

            await say("make frame 99 blue")
            assert "99" in recorder.texts()[-1] and frame_headings(recorder)[5:] == []
            story_id = session.story.id

        async with chainlit_context(thread_id="later") as (recorder, _):
            await app.resume({"id": "t", "metadata": json.dumps({"story_id": story_id})})
            while not recorder.of("set_sidebar_elements"):
                await asyncio.sleep(0.05)
            assert frame_headings(recorder) == []  # the stored messages show them; the story view shows it now
            (story_view,) = recorder.of("set_sidebar_elements")[-1]["elements"]
            assert [f["number"] for f in story_view["props"]["frames"]] == [1, 2, 3, 4]
            assert app.chat_state().session.story.frames[1].prompt.startswith("the fox sleeps")

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_ordinary_words_and_a_question_answered_with_its_button(real_session):
    from chainlit.config import config
    from chainlit.context import context

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.start()
            await say("A young baker opens a tiny bakery, burns her first loaf, and wins a baking contest.")
            session = app.chat_state().session
            before = [f.prompt for f in session.story.frames]

            await say("can you make frame 2 more dramatic?")
            after = [f.prompt for f in session.story.frames]
            assert "dramatic" in after[1] and "can you" not in after[1] and after[2:] == before[2:]

            await say("change the ninth frame to winter")
            question = recorder.of("new_message")[-1]
            assert "no frame 9" in question["output"]
            buttons = [a for a in recorder.of("action") if a["forId"] == question["id"] and a["name"] == "choose"]
            assert [b["payload"]["message"] for b in buttons][:2] == ["change frame 1 to winter",
                                                                     "change frame 2 to winter"]
            assert [f.prompt for f in session.story.frames] == after  # nothing changed yet

            answer = buttons[0]
            await config.code.action_callbacks["choose"](cl.Action(name="choose", payload=answer["payload"],
                                                                   label=answer["label"]))
            await asyncio.wait_for(context.session.current_task, 20)
            assert "in winter" in session.story.frames[0].prompt

    asyncio.run(asyncio.wait_for(scenario(), 90))


def test_an_unexpected_failure_gets_a_clear_message_and_the_chat_goes_on(real_session, monkeypatch):
    import agent.session.story_session as story_session

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.start()
            await say("A small red fox finds a glowing lantern in the forest.")
            session = app.chat_state().session
            before = session.story.model_dump()

            def broken(*args, **kwargs):
                raise ValueError("the parser fell over")

            with monkeypatch.context() as patch:
                patch.setattr(story_session, "parse_message", broken)
                await say("make frame 2 at night")
            assert "That did not work (ValueError" in recorder.texts()[-1] and "saved" in recorder.texts()[-1]
            assert session.story.model_dump() == before
            await say("make frame 2 at night")  # the chat goes on
            assert "at night" in session.story.frames[1].prompt

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_an_idea_of_invisible_characters_leaves_the_chat_ready_for_a_real_idea(real_session):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.start()
            await say("\u200b\u200b\u200d")
            assert "could not plan" in recorder.texts()[-1] and app.chat_state().session is None
            await say("A small red fox finds a glowing lantern in the forest.")
            frames = app.chat_state().session.story.frames  # planned, not read as a revision
            assert frames and any("lantern" in f.prompt for f in frames)

    asyncio.run(asyncio.wait_for(scenario(), 60))


REAL_REPLACE = __import__("os").replace


def _failing_replace(number: int, only: str = ""):
    """os.replace as on a read-only folder (EROFS) or a full disk (ENOSPC): every save fails, or only those of
    files ending with ``only`` (root ignores file modes, so the error is injected rather than made with chmod)."""
    import errno
    import os

    def replace(src, dst, *args, **kwargs):
        if only and not str(dst).endswith(only):
            return REAL_REPLACE(src, dst, *args, **kwargs)
        os.unlink(src)
        raise OSError(number, os.strerror(number), str(dst))

    assert number in (errno.EROFS, errno.ENOSPC)
    return replace


@pytest.mark.parametrize("number", [30, 28])  # EROFS, ENOSPC
def test_a_new_chat_on_a_folder_that_cannot_be_written_says_so_and_stays_usable(real_session, monkeypatch, number):
    import storage.files

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.start()
            with monkeypatch.context() as patch:
                patch.setattr(storage.files.os, "replace", _failing_replace(number))
                await say("A small red fox finds a glowing lantern in the forest and follows its light home.")
            answer = recorder.texts()[-1]
            assert answer.startswith("I could not plan that story: Could not save the story"), answer
            assert "Planning your story" not in recorder.texts()[-1] and app.chat_state().session is None
            await say("A small red fox finds a glowing lantern in the forest and follows its light home.")  # fine again
            assert len(app.chat_state().session.story.frames) == 4

    asyncio.run(asyncio.wait_for(scenario(), 60))


@pytest.mark.parametrize("number", [30, 28])
def test_a_revision_and_a_render_on_a_full_disk_change_nothing_and_say_so(real_session, monkeypatch, number):
    import storage.files

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.start()
            await say("A small red fox finds a glowing lantern in the forest and follows its light home.")
            state = app.chat_state()
            session = state.session
            saved = (session.story_dir / "story.json").read_text()
            before = session.story.model_dump()
            with monkeypatch.context() as patch:
                patch.setattr(storage.files.os, "replace", _failing_replace(number))
                await say("make frame 2 at night")
                assert "nothing was changed" in recorder.texts()[-1]
                assert session.story.model_dump() == before
                assert (session.story_dir / "story.json").read_text() == saved
                await say("re-roll frame 1")  # the new seed cannot be saved either
                assert "nothing was changed" in recorder.texts()[-1]
                patch.setattr(storage.files.os, "replace", _failing_replace(number, only=".png"))
                await say("make frame 1 at dusk")  # the text is saved, the new card is not
            assert "Could not save the picture of frame 1" in recorder.texts()[-1], recorder.texts()[-3:]
            assert not state.rendering  # the next render can start: the UI is usable again
            assert json.loads((session.story_dir / "story.json").read_text())  # whole and valid
            await say("make frame 2 at night")  # the disk has room again
            assert "at night" in session.story.frames[1].prompt

    asyncio.run(asyncio.wait_for(scenario(), 60))
