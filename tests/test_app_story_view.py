"""The chat app around the story view (issue 16), in a real Chainlit context with every event recorded: the story
as it is now after a move and an undo, older buttons folded away, a caption written by the person, the phone
width, the chat named after the story, a reopened chat shown once, a revision typed where there is no story, the
settings panel's frame count, and the test model's pictures labelled. Storyboard cards, no language model."""

from __future__ import annotations

import asyncio
import uuid

import chainlit as cl
import chainlit.data
import pytest
from app_fixtures import SlowCards, chainlit_context, frame_messages, say

import app
from agent.session import NO_LLM, ImageModel, StorySession, Studio
from chatapp import chat, controls, panel, view
from core.config import Config

IDEA = "A small red fox finds a glowing lantern in the forest and follows its light home."


@pytest.fixture(autouse=True)
def stories(tmp_path, monkeypatch):
    folder = tmp_path / "stories"
    folder.mkdir()
    monkeypatch.setattr(chat, "STUDIO", Studio(Config(data_dir=folder), image_model=ImageModel(""), llm=NO_LLM))
    monkeypatch.setattr(chainlit.data, "_data_layer", None)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
    return folder


def run(scenario):
    asyncio.run(asyncio.wait_for(scenario(), 60))


def state():
    return app.chat_state()


def story_view(recorder) -> dict:
    """The props of the newest story view sent to the side panel."""
    (element,) = recorder.of("set_sidebar_elements")[-1]["elements"]
    assert element["name"] == "StoryView"
    return element["props"]


def shown(recorder) -> list[tuple[int, str, str]]:
    """(number, caption, prompt) of every frame in the newest story view."""
    return [(f["number"], f["caption"], f["prompt"]) for f in story_view(recorder)["frames"]]


def current(session) -> list[tuple[int, str, str]]:
    return [(i + 1, f.caption, f.prompt) for i, f in enumerate(session.story.frames)]


async def click(name: str, payload: dict, for_id: str | None = None) -> None:
    from chainlit.config import config
    from chainlit.context import context

    await config.code.action_callbacks[name](cl.Action(name=name, payload=payload, label=name, forId=for_id))
    await asyncio.wait_for(context.session.current_task, 20)


def test_the_story_view_follows_a_move_and_an_undo_without_repeating_the_story(stories):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say(IDEA)
            session = state().session
            assert shown(recorder) == current(session)
            before, messages = current(session), len(frame_messages(recorder))
            await say("put the last frame first")
            assert shown(recorder) == current(session)
            assert [p for _, _, p in current(session)] == [before[3][2], *[p for _, _, p in before[:3]]]
            assert not any(f["due"] for f in story_view(recorder)["frames"])  # a card moves with its frame
            await say("undo")
            assert shown(recorder) == before
            assert len(frame_messages(recorder)) == messages  # no whole-story repeat in the chat

    run(scenario)


def test_only_the_newest_reply_keeps_the_story_buttons(stories):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say(IDEA)
            first_bar = {a.id for a in state().story_bar}
            frame_bars = {frame_id: {a.id for a in bar} for frame_id, bar in state().frame_bars.items()}
            await say("put the last frame first")
            folded = {a["id"] for a in recorder.of("remove_action")}
            assert first_bar <= folded and not folded & {a.id for a in state().story_bar}
            assert [a.name for a in state().story_bar] == ["show_story", "render_all", "undo", "redo", "export"]
            await say("make frame 2 at night")  # frame 2 is drawn again: its older picture's buttons fold away
            folded = {a["id"] for a in recorder.of("remove_action")}
            moved_second = state().session.story.frames[1].id
            assert frame_bars[moved_second] <= folded
            assert all(not bar & folded for frame_id, bar in frame_bars.items() if frame_id != moved_second)

    run(scenario)


def test_a_caption_from_the_caption_button_or_edit_is_the_person_s_and_stays(stories):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say(IDEA)
            session = state().session
            frame_id = session.story.frames[1].id
            recorder.ask_reply = {"id": str(uuid.uuid4()), "output": "The fox waves at the moon.", "name": "User",
                                  "type": "user_message", "createdAt": "2026-01-01T00:00:00Z"}
            await click(view.CAPTION, {"frame_id": frame_id})
            frame = session.story.frames[1]
            assert (frame.caption, frame.caption_by_person) == ("The fox waves at the moon.", True)
            assert story_view(recorder)["frames"][1]["caption"] == "The fox waves at the moon."
            recorder.ask_reply = {**recorder.ask_reply, "output": "caption: The fox naps."}
            await click(view.EDIT, {"frame_id": frame_id})
            assert session.story.frames[1].caption == "The fox naps."
            assert "caption:" in recorder.of("ask")[-1]["msg"]["output"]  # the Edit question says how
            await say("frame 2: sleeping under a big oak tree")
            assert session.story.frames[1].caption == "The fox naps."  # kept through a new picture text
            await say("frame 3: swimming across a cold river")
            assert "river" in session.story.frames[2].caption  # not the person's: written again

    run(scenario)


def test_on_a_phone_the_story_view_opens_only_when_asked(stories):
    async def scenario():
        async with chainlit_context() as (recorder, context):
            context.session.environ = {"HTTP_COOKIE": "other=1; storyloom_width=390"}
            await say(IDEA)
            await say("make frame 2 at night")
            assert recorder.of("set_sidebar_elements")[-1]["elements"] == []  # closed for the render, never opened
            assert not recorder.of("set_sidebar_title")
            await click(view.STORY, {})
            assert shown(recorder) == current(state().session)
            context.session.environ = {"HTTP_COOKIE": "storyloom_width=1280"}
            await say("undo")
            assert shown(recorder) == current(state().session)

    run(scenario)


def test_the_chat_is_named_after_the_story_and_follows_a_rename(stories):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say(IDEA)
            title = state().session.story.title
            assert recorder.of("first_interaction")[-1]["interaction"] == title
            await say("title: The Lantern Fox")
            assert recorder.of("first_interaction")[-1]["interaction"] == "The Lantern Fox"
            assert recorder.of("set_sidebar_title")[-1] == "The Lantern Fox"

    run(scenario)


def test_a_reopened_chat_shows_the_story_once(stories):
    saved = StorySession.create(stories, llm=NO_LLM, generator_provider=lambda: None)
    saved.plan(IDEA, frames=4)
    saved.render()

    async def scenario():
        async with chainlit_context() as (recorder, _):
            earlier = {"id": "old-line", "type": "assistant_message", "output": "… is open again …",
                       "metadata": '{"storyloom": "resumed"}'}
            thread = {"id": "t", "name": "old name", "metadata": {"story_id": saved.story.id},
                      "steps": [{"id": "idea", "type": "user_message", "output": IDEA, "metadata": "{}"}, earlier]}
            await app.resume(thread)
            while not recorder.of("set_sidebar_elements"):
                await asyncio.sleep(0.05)
            assert [d["id"] for d in recorder.of("delete_message")] == ["old-line"]  # the last reopening's line goes
            (line,) = recorder.texts()
            assert line.startswith(f"**{saved.story.title}** is open again")
            sent = next(d for d in recorder.of("new_message") if d["output"] == line)
            assert sent["metadata"] == {"storyloom": "resumed"}  # the next reopening replaces it
            assert frame_messages(recorder) == [] and shown(recorder) == current(saved)

    run(scenario)


def test_a_revision_in_a_chat_without_a_story_says_so_and_can_still_be_planned(stories):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say("make the ninth frame at night")
            assert state().session is None and not list(stories.iterdir())  # no story titled after the request
            assert recorder.texts()[-1] == view.NO_STORY_YET
            (plan,) = [a for a in recorder.of("action") if a["name"] == view.PLAN_THIS]
            await click(view.PLAN_THIS, plan["payload"])
            assert state().session.story.idea == "make the ninth frame at night"  # the person's call

    run(scenario)


def test_the_frame_count_is_remembered_and_a_new_count_reads_as_a_request(stories):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.start()
            await controls.settings_update({**panel.current_settings(None), "frames": 3})
            assert "apply to the story you start next" in recorder.texts()[-1]
        async with chainlit_context(thread_id="next") as (recorder, _):
            await app.start()
            tabs = recorder.of("chat_settings")[-1]
            assert {w["id"]: w["initial"] for w in tabs[0]["inputs"]}["frames"] == 3  # the next new chat
            await say(IDEA)
            session = state().session
            assert len(session.story.frames) == 3
            await controls.settings_update({**panel.current_settings(session), "frames": 2})
            question = recorder.of("new_message")[-1]
            assert question["output"].startswith("Which 1 frame should go?")
            buttons = [a for a in recorder.of("action") if a["forId"] == question["id"] and a["name"] == "choose"]
            assert buttons and all(b["payload"]["message"].startswith("remove frame") for b in buttons)
            assert len(session.story.frames) == 3  # nothing removed until the person says which
            await say("make it 5 frames")  # asked in words: new frames from the story's world, drawn and shown
            assert len(session.story.frames) == 5 and recorder.texts()[-1].startswith("Rendered 2 frame(s)")
            assert any(t.startswith("Added frame") for t in recorder.texts())
            assert shown(recorder) == current(session)

    run(scenario)


def test_the_test_model_s_pictures_say_so(stories, monkeypatch):
    class TinyCards(SlowCards):
        model_name = "tiny"  # what the built-in random-weight model calls itself

    monkeypatch.setattr(chat, "STUDIO", Studio(Config(data_dir=stories), llm=NO_LLM,
                                               image_model=ImageModel("tiny", loader=lambda name: TinyCards())))

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say(IDEA)
            assert all(view.TEST_IMAGE_NOTE in m["output"] for m in frame_messages(recorder))
            props = story_view(recorder)
            assert all(f["test_image"] for f in props["frames"]) and "random weights" in props["note"]
            await click(view.EXPORT, {})
            assert "come from the built-in test model" in recorder.texts()[-1]

    run(scenario)


def test_a_cast_is_shown_with_the_frames_each_member_is_in():
    """A story with two characters shows each with the frames it is in (None: everyone); a story of one, none."""
    from chatapp.storyview import view_props
    from core.cast import new_cast
    from core.story import Frame, Story

    cast = new_cast([{"handle": "the girl", "name": "Mia", "description": "a girl in a yellow raincoat"},
                     {"handle": "the dog", "name": "Bo", "description": "a small white dog"}])
    mia, bo = (m.id for m in cast)
    story = Story(title="Rain", identity_prompt="a girl in a yellow raincoat", cast=cast, frames=[
        Frame(prompt=f"scene {i}", caption=f"Caption {i}.", cast=who) for i, who in enumerate([None, [mia], [bo]])])
    pictures = [{"path": None, "due": True, "test_image": False}] * 3
    props = view_props(story, pictures)
    assert props["cast"] == [
        {"name": "Mia", "handle": "the girl", "description": "a girl in a yellow raincoat", "frames": [1, 2]},
        {"name": "Bo", "handle": "the dog", "description": "a small white dog", "frames": [1, 3]},
    ]
    alone = Story(title="Rain", identity_prompt="a girl", frames=[Frame(prompt="scene")])
    assert view_props(alone, pictures[:1])["cast"] == []
