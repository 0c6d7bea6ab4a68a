"""The chat app's handlers in a real Chainlit context (real session, emitter, user session, elements) over the real
StorySession and Studio (the deterministic reader, storyboard cards), with every event the browser would receive
recorded. No server, no browser, no model."""

from __future__ import annotations

import asyncio
import json
import uuid

import chainlit as cl
import chainlit.data
import pytest
from app_fixtures import SlowCards, chainlit_context, frame_messages, say

import app
from agent.session import NO_LLM, ImageModel, StorySession, Studio
from chatapp import chat, controls, panel
from chatapp.render_queue import RENDER_QUEUE
from core.config import Config
from core.errors import OutOfMemoryError

IDEA = "A small red fox finds a glowing lantern in the forest and follows its light home."


class SeededCards(SlowCards):
    """Cards standing in for a model whose pictures change with the seed and the settings (cards do not)."""

    model_name = "seeded-cards"


def use_studio(monkeypatch, stories, generator=None) -> Studio:
    """The app over a studio in `stories`: storyboard cards (``generator`` None) or slow cards as its model."""
    model = ImageModel("slow-cards", loader=lambda name: generator) if generator else ImageModel("")
    studio = Studio(Config(data_dir=stories), image_model=model, llm=NO_LLM)
    monkeypatch.setattr(chat, "STUDIO", studio)
    return studio


@pytest.fixture(autouse=True)
def isolated_app(tmp_path, monkeypatch):
    """Stories in a temp folder, the real session without a language model, no data layer, storyboard cards."""
    stories = tmp_path / "stories"
    stories.mkdir()
    use_studio(monkeypatch, stories)
    monkeypatch.setattr(chainlit.data, "_data_layer", None)
    monkeypatch.setattr(chainlit.data, "_data_layer_initialized", True)
    yield stories


def versions(session) -> list[int]:
    """How many renders each frame has, in frame order."""
    return [len(session.story.renders.get(frame.id, [])) for frame in session.story.frames]


def run(scenario):
    return asyncio.run(asyncio.wait_for(scenario(), 30))


def state() -> app.ChatState:
    return app.chat_state()


def tasklists(recorder) -> list[dict]:
    """Every task-list state the browser was sent, in order (Chainlit ships its JSON as a session file)."""
    from chainlit.context import context

    files = context.session.files
    return [
        json.loads(files[e["chainlitKey"]]["path"].read_text())
        for e in recorder.of("element")
        if e["type"] == "tasklist"
    ]


def test_chat_start_sends_settings_and_nothing_else_so_the_starters_stay():
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.start()
            tabs = recorder.of("chat_settings")[0]
            assert [(t["label"], [w["id"] for w in t["inputs"]]) for t in tabs] == [
                ("Story", ["style", "frames", "size", "seed"]),
                ("Advanced", ["steps", "guidance", "window_length", "svr", "ipca", "negative_prompt"]),
            ]  # what a person sets first, then the method's knobs, each with its one line
            assert all(w["description"] for t in tabs for w in t["inputs"])
            assert recorder.of("new_message") == []  # Chainlit shows the starter ideas only in an empty chat

    run(scenario)


def test_the_welcome_says_what_to_type_and_what_is_wrong(monkeypatch, isolated_app):
    async def scenario():
        (profile,) = await app.profiles()
        assert profile.markdown_description.startswith("**Write a story idea**")
        assert "storyboard cards" in profile.markdown_description  # no image model configured
        use_studio(monkeypatch, isolated_app, SlowCards())
        (profile,) = await app.profiles()
        assert "storyboard cards" not in profile.markdown_description

    run(scenario)


def test_idea_shows_the_plan_then_every_frame_with_its_buttons_and_the_story_view(isolated_app):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.start()
            await say(IDEA)
            session = state().session
            assert session.story.idea == IDEA
            assert (len(session.story.frames), session.story.style) == (4, "storybook")  # the panel's defaults
            assert session.story_dir.parent == isolated_app
            plan = recorder.of("update_message")[0]
            assert plan["output"].startswith(f"## {session.story.title}")
            assert "storyboard cards" in plan["output"]  # the model notice comes with the first plan
            frames = frame_messages(recorder)
            assert [m["output"].split(" — ")[0] for m in frames] == [f"**Frame {i}**" for i in (1, 2, 3, 4)]
            buttons = [a["name"] for a in recorder.of("action") if a["forId"] == frames[0]["id"]]
            assert buttons == ["reroll", "edit_frame", "toggle_lock", "show_story"]
            images = [e for e in recorder.of("element") if e["type"] == "image" and e["display"] == "inline"]
            assert {e["forId"] for e in images} == {m["id"] for m in frames}
            final = tasklists(recorder)[-1]
            assert final["status"].startswith("Done")
            assert [t["status"] for t in final["tasks"]] == ["done"] * 4
            (story_view,) = recorder.of("set_sidebar_elements")[-1]["elements"]
            assert story_view["name"] == "StoryView" and story_view["type"] == "custom"
            props = story_view["props"]
            assert [f["number"] for f in props["frames"]] == [1, 2, 3, 4] and props["title"] == session.story.title
            assert all(f["image"].startswith("data:image/jpeg;base64,") and not f["due"] for f in props["frames"])
            assert "Rendered 4 frame(s) with storyboard cards." in recorder.texts()
            assert versions(session) == [1, 1, 1, 1]

    run(scenario)


def test_a_revision_re_renders_only_the_frame_it_changed():
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say("A fox")
            before = len(frame_messages(recorder))
            await say("make frame 2 at night")
            session = state().session
            assert versions(session) == [1, 2, 1, 1] and "night" in session.story.frames[1].prompt
            new_frames = frame_messages(recorder)[before:]
            assert [m["output"].split(" — ")[0] for m in new_frames] == ["**Frame 2**"]
            assert any(t.startswith("At night: frame 2 changed.") for t in recorder.texts())

    run(scenario)


def test_a_rename_retitles_the_side_panel():
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say("A fox")
            await say("call the story The Brave Little Fox")
            assert state().session.story.title == "The Brave Little Fox"
            assert recorder.of("set_sidebar_title")[-1] == "The Brave Little Fox"

    run(scenario)


def test_frame_99_gets_a_question_and_changes_nothing():
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say("A fox")
            before = state().session.story
            await say("make frame 99 blue")
            assert "There is no frame 99" in recorder.texts()[-1]
            assert state().session.story == before

    run(scenario)


@pytest.mark.parametrize(
    "text, files, expected",
    [
        ("", 0, "The message is empty"),
        ("   \n ", 0, "The message is empty"),
        ("x" * 20_000, 0, "That message is 20,000 characters long"),
        ("", 1, "I can't read attached files"),
    ],
)
def test_bad_input_gets_a_clear_message_and_never_reaches_the_session(text, files, expected, isolated_app):
    async def scenario():
        async with chainlit_context() as (recorder, _):
            elements = [cl.File(name="notes.txt", content=b"hello", mime="text/plain")] * files
            await say(text, elements)
            assert expected in recorder.text()
            assert state().session is None and not list(isolated_app.iterdir())  # no story was even created

    run(scenario)


def test_text_with_an_attached_file_is_used_and_the_file_is_said_to_be_ignored():
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say("A fox", [cl.File(name="notes.txt", content=b"hello", mime="text/plain")])
            assert "ignored notes.txt" in recorder.text()
            assert state().session.story.idea == "A fox"

    run(scenario)


def test_stop_cancels_the_render_and_keeps_finished_frames(monkeypatch, isolated_app):
    use_studio(monkeypatch, isolated_app, SlowCards(seconds=0.05))

    async def scenario():
        async with chainlit_context() as (recorder, context):
            handler = asyncio.get_running_loop().create_task(say("A fox"))
            while len(frame_messages(recorder)) < 1:  # frame 1 is done
                await asyncio.sleep(0.02)
            # What the stop socket event does: cancel the running handler, then call on_stop.
            handler.cancel()
            await app.stop()
            await asyncio.gather(handler, return_exceptions=True)
            session = state().session
            count = len(session.story.frames)
            done = [i for i in range(count) if session.frame_image(i)]
            assert 1 <= len(done) < count
            assert session.frames_needing_render() == [i for i in range(count) if i not in done]
            assert any(t.startswith("Stopped. Frame") and "kept" in t for t in recorder.texts())
            assert tasklists(recorder)[-1]["status"] == "Stopped"
            assert RENDER_QUEUE.length == 0  # the turn is given back once the thread has stopped

    run(scenario)


def test_two_chats_render_one_at_a_time_and_the_second_sees_its_place(monkeypatch, isolated_app):
    spans = []

    class TimedCards(SlowCards):
        def render(self, *args, **kwargs):
            import time

            start = time.monotonic()
            try:
                return super().render(*args, **kwargs)
            finally:
                spans.append((start, time.monotonic()))

    use_studio(monkeypatch, isolated_app, TimedCards(seconds=0.02))

    async def chat(name: str, delay: float):
        async with chainlit_context(thread_id=name) as (recorder, _):
            await asyncio.sleep(delay)
            await say("A fox")
            return recorder, [t["status"] for t in tasklists(recorder)]

    async def scenario():
        (first, _), (second, second_statuses) = await asyncio.gather(chat("a", 0), chat("b", 0.05))
        (a_start, a_end), (b_start, b_end) = sorted(spans)
        assert b_start >= a_end  # never two renders at once
        assert any(s.startswith("Waiting for 1 other render") for s in second_statuses)
        assert len(frame_messages(first)) == len(frame_messages(second)) == 4

    run(scenario)


def test_out_of_memory_is_reported_and_the_chat_goes_on(monkeypatch, isolated_app):
    use_studio(monkeypatch, isolated_app, SlowCards(fail_with=OutOfMemoryError()))

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say("A fox")
            assert any("ran out of memory" in t for t in recorder.texts())
            assert tasklists(recorder)[-1]["status"] == "Failed"
            assert RENDER_QUEUE.length == 0
            await app.render(state(), None)
            assert len(frame_messages(recorder)) == 4 and versions(state().session) == [1, 1, 1, 1]

    run(scenario)


async def click(name: str, payload: dict, recorder, for_id: str | None = None) -> None:
    """What Chainlit does for a button: call the action callback, here awaiting the work it starts."""
    from chainlit.context import context

    action = cl.Action(name=name, payload=payload, label=name, forId=for_id)
    await app_callbacks()[name](action)
    task = context.session.current_task
    await asyncio.wait_for(task, 10)


def app_callbacks():
    from chainlit.config import config

    return config.code.action_callbacks


def test_frame_buttons_reroll_lock_and_edit_change_that_frame(monkeypatch, isolated_app):
    use_studio(monkeypatch, isolated_app, SeededCards())  # a model whose pictures follow the seed

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say("A fox")
            session = state().session
            frame_id, seed = session.story.frames[2].id, session.story.frame_seed(2)
            await click("reroll", {"frame_id": frame_id}, recorder)
            assert session.story.frame_seed(2) != seed and versions(session) == [1, 1, 2, 1]
            await click("toggle_lock", {"frame_id": frame_id, "locked": True}, recorder, for_id="message-3")
            assert session.story.frames[2].locked
            assert recorder.of("remove_action")[-1]["name"] == "toggle_lock"
            new_button = recorder.of("action")[-1]
            assert (new_button["label"], new_button["forId"], new_button["payload"]["locked"]) == (
                "Unlock", "message-3", False,
            )
            recorder.ask_reply = {"id": str(uuid.uuid4()), "output": "the fox sleeps under a tree", "name": "User",
                                  "type": "user_message", "createdAt": "2026-01-01T00:00:00Z"}
            await click("edit_frame", {"frame_id": frame_id}, recorder)
            assert session.story.frames[2].prompt.startswith("the fox sleeps under a tree")
            assert versions(session) == [1, 1, 3, 1]  # a frame named by its button is drawn even when locked
            assert recorder.of("ask")[0]["msg"]["output"].startswith("Send the new text for frame 3")
            starts, ends = recorder.of("task_start"), recorder.of("task_end")
            assert len(starts) == len(ends) >= 3  # the stop button shows while a button's work runs

    run(scenario)


def test_a_button_of_a_removed_frame_says_so():
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say("A fox")
            await click("reroll", {"frame_id": "gone"}, recorder)
            assert "no longer in the story" in recorder.texts()[-1]

    run(scenario)


def test_story_buttons_undo_redo_render_all_and_export():
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await say("A fox")
            await say("make frame 1 at dawn")
            session = state().session
            edited = session.story.frames[0].prompt
            await click("undo", {}, recorder)
            assert "dawn" not in session.story.frames[0].prompt and recorder.texts()[-1].startswith("Undo: ")
            await click("redo", {}, recorder)
            assert session.story.frames[0].prompt == edited
            await click("render_all", {}, recorder)
            assert "Every frame is up to date; nothing to render." in recorder.texts()
            await click("export", {}, recorder)
            files = [e for e in recorder.of("element") if e["type"] == "file"]
            assert sorted(f["name"].rpartition(".")[2] for f in files) == ["gif", "json", "pdf", "png", "zip"]

    run(scenario)


def test_buttons_before_any_story_ask_for_an_idea():
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await click("render_all", {}, recorder)
            assert recorder.texts() == ["There is no story yet: send an idea first."]

    run(scenario)


def test_settings_changes_reach_the_session_and_bad_values_are_explained(monkeypatch, isolated_app):
    use_studio(monkeypatch, isolated_app, SeededCards())  # a model whose pictures follow the seed

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await controls.settings_update({"seed": "7"})
            assert "apply to the story you start next" in recorder.texts()[-1]
            await say("A fox")
            values = panel.current_settings(state().session)
            await controls.settings_update({**values, "seed": "7", "size": "512x512", "guidance": 0})
            session = state().session
            settings = session.story.settings
            assert (settings.seed, settings.width, settings.height) == (7, 512, 512)
            assert versions(session) == [2, 2, 2, 2]  # every frame is stale after a new seed, so it is drawn again
            assert any("affects frames 1, 2, 3 and 4" in t for t in recorder.texts())
            await controls.settings_update({**panel.current_settings(state().session), "seed": "seven"})
            assert recorder.texts()[-1] == "The seed must be a whole number, not “seven”."

    run(scenario)


def test_settings_chosen_before_the_idea_shape_the_plan_and_the_render():
    async def scenario():
        async with chainlit_context() as (recorder, context):
            await app.start()
            context.session.chat_settings.update({"frames": 3, "style": "comic", "steps": 2})
            await say("A fox")
            session = state().session
            assert (len(session.story.frames), session.story.style, session.story.settings.steps) == (3, "comic", 2)
            assert versions(session) == [1, 1, 1]
            assert all(r.context.settings.steps == 2 for f in session.story.frames for r in session.story.renders[f.id])

    run(scenario)


def test_resume_reopens_the_story_with_its_images_and_says_what_is_left(isolated_app):
    saved = StorySession.create(isolated_app, llm=NO_LLM, generator_provider=lambda: None)
    saved.plan("A fox", frames=4)
    saved.render([0, 1])  # the server died before frames 3 and 4

    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.resume({"id": "t", "metadata": json.dumps({"story_id": saved.story.id})})
            while not recorder.of("set_sidebar_elements"):  # the story view comes last
                await asyncio.sleep(0.05)
            (line,) = recorder.texts()  # one line, not the whole story again: the stored messages show it
            assert line.startswith(f"**{saved.story.title}** is open again: 4 frame(s).")
            assert "Frames 3 and 4 still need rendering" in line
            assert frame_messages(recorder) == []
            (story_view,) = recorder.of("set_sidebar_elements")[-1]["elements"]  # the story as it is now, once
            frames = story_view["props"]["frames"]
            assert [(f["number"], bool(f["image"]), f["due"]) for f in frames] == [
                (1, True, False), (2, True, False), (3, False, True), (4, False, True)]
            assert state().session.story == saved.story

    run(scenario)


def test_resume_of_a_missing_story_explains_and_offers_a_new_chat():
    async def scenario():
        async with chainlit_context() as (recorder, _):
            await app.resume({"id": "t", "metadata": {"story_id": "deleted"}})
            while not recorder.texts():
                await asyncio.sleep(0.05)
            assert recorder.texts()[0].startswith("This chat's story could not be opened")

    run(scenario)


def test_a_tab_closed_mid_render_lets_the_render_finish_and_save(monkeypatch, isolated_app):
    use_studio(monkeypatch, isolated_app, SlowCards(seconds=0.03))

    async def scenario():
        async with chainlit_context() as (recorder, _):
            handler = asyncio.get_running_loop().create_task(say("A fox"))
            while len(frame_messages(recorder)) < 1:
                await asyncio.sleep(0.02)
            await app.end()  # Chainlit calls on_chat_end when the socket goes; the handler task lives on
            await asyncio.wait_for(handler, 10)
            session = state().session
            assert session.frames_needing_render() == []
            saved = StorySession.open(session.story_dir, llm=NO_LLM)
            assert saved.story == session.story  # every frame is on disk for the next visit
            await say("make frame 1 at dawn")  # the chat's thread comes back if the tab does
            assert versions(session) == [2, 1, 1, 1]

    run(scenario)
