"""StorySession: plan → render → revise → re-render only what changed; cancel, resume, storyboard, tiny model."""

import json
import threading

import numpy as np
import pytest
from agent_fixtures import FOX_IDEA, FOX_REPLY, FakeGenerator
from PIL import Image

from agent.session import NO_LLM, StorySession
from core.errors import InvalidStoryError
from core.story import Story
from export.cards import CARD_LABEL
from llm.chat import FakeLLM


def new_session(tmp_path, generator=None, llm=NO_LLM):
    return StorySession.create(tmp_path, llm=llm, generator_provider=lambda: generator)


def versions(session):
    return [len(session.story.renders.get(f.id, [])) for f in session.story.frames]


def test_plan_render_revise_rerenders_only_the_changed_frame(tmp_path):
    gen = FakeGenerator()
    session = new_session(tmp_path, gen, FakeLLM([FOX_REPLY]))
    reply = session.plan(FOX_IDEA, frames=4)
    assert reply.to_render == [0, 1, 2, 3] and "## Pip and the Lantern" in reply.text
    events = []
    session.render(on_event=events.append)
    assert versions(session) == [1, 1, 1, 1]
    assert [e.kind for e in events if e.kind in ("queued", "frame_done")] == ["queued"] * 4 + ["frame_done"] * 4
    assert session.frames_needing_render() == []

    reply = session.revise("frame 3 + at night")
    assert (reply.changed, reply.to_render) == ([2], [2])
    session.render()
    assert versions(session) == [1, 1, 2, 1] and gen.calls[-1]["frames"] == [2]
    # the generator saw the whole story (1Prompt1Story consolidates every frame) but rendered only frame 3
    assert gen.calls[-1]["prompts"][2].endswith(" at night") and len(gen.calls[-1]["prompts"]) == 4

    # undo brings the earlier image back: nothing to render
    reply = session.undo()
    assert reply.to_render == [] and session.frame_image(2).name.endswith("-v1.png")


def test_locked_frames_keep_their_image(tmp_path):
    session = new_session(tmp_path, FakeGenerator())
    session.plan(FOX_IDEA, frames=3)
    session.render()
    session.set_lock(1, True)
    reply = session.revise("character: a grey wolf cub in a red cape")
    assert reply.to_render == [0, 2]
    session.render()
    assert versions(session) == [2, 1, 2]
    assert session.reroll(1).to_render == [1]  # naming a locked frame is asking for it
    session.render([1])
    assert versions(session) == [2, 2, 2]


def test_settings_change_says_what_it_affects(tmp_path):
    session = new_session(tmp_path, FakeGenerator())
    session.plan(FOX_IDEA, frames=3)
    session.render()
    session.set_lock(0, True)
    reply = session.update_settings(steps=12)
    assert reply.to_render == [1, 2] and "frames 2 and 3" in reply.text and "Locked frame 1" in reply.text
    session.render()
    batch = session.update_settings(batch_size=4)
    assert (batch.changed, batch.to_render) == ([], []) and "No frame needs re-rendering" in batch.text
    with pytest.raises(InvalidStoryError):
        session.update_settings(colour="red")
    with pytest.raises(InvalidStoryError):
        session.update_settings(steps=0)


def test_question_changes_nothing(tmp_path):
    session = new_session(tmp_path, FakeGenerator())
    session.plan(FOX_IDEA, frames=3)
    before = session.story
    reply = session.revise("frame 99: somewhere else")
    assert reply.question and session.story == before


def test_cancel_mid_render_keeps_and_saves_finished_frames(tmp_path):
    gen = FakeGenerator(fail_at=2)
    session = new_session(tmp_path, gen)
    session.plan(FOX_IDEA, frames=4)
    reply = session.render()
    assert "2 of 4" in reply.text and reply.to_render == [2, 3]
    on_disk = Story.from_json((session.story_dir / "story.json").read_text())
    assert [len(on_disk.renders.get(f.id, [])) for f in on_disk.frames] == [1, 1, 0, 0]
    gen.fail_at = None
    session.render()
    assert versions(session) == [1, 1, 1, 1]


def test_cancel_from_another_thread(tmp_path):
    gen = FakeGenerator()
    session = new_session(tmp_path, gen)
    session.plan(FOX_IDEA, frames=4)
    stopped = []

    def on_event(event):
        if event.kind == "frame_done" and event.frame == 0:
            threading.Thread(target=session.cancel).start()
            threading.Event().wait(0.05)
        if event.kind == "cancelled":
            stopped.append(event)

    session.render(on_event=on_event)
    assert stopped and 1 <= sum(versions(session)) < 4


def test_resume_from_disk_and_render_later_with_a_model(tmp_path):
    session = new_session(tmp_path, None)  # no image model: storyboard cards
    session.plan(FOX_IDEA, frames=3)
    session.render()
    card = Image.open(session.frame_image(0))
    assert card.size == (512, 512)
    resumed = StorySession.open(session.story_dir, llm=NO_LLM, generator_provider=lambda: FakeGenerator())
    assert resumed.story == session.story
    assert resumed.render().changed == [0, 1, 2]  # cards do not count as renders of a real model
    assert all(r.context.model == "fake-sdxl" for r in (resumed.story.current_render(i) for i in range(3)))
    assert resumed.strip_image().is_file()


def test_storyboard_cards_are_labelled(tmp_path):
    from export.cards import storyboard_card

    assert CARD_LABEL.startswith("storyboard") and "no image model configured" in CARD_LABEL
    card = np.asarray(storyboard_card("walking in the rain"))
    assert card.shape == (512, 512, 3) and card.std() > 0


def test_open_reports_missing_or_corrupt_files(tmp_path):
    with pytest.raises(InvalidStoryError, match="No story file"):
        StorySession.open(tmp_path / "nothing")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "story.json").write_text("{oops")
    with pytest.raises(InvalidStoryError, match="not valid JSON"):
        StorySession.open(tmp_path / "bad")


def test_missing_gguf_plans_without_the_llm_and_says_so(tmp_path, monkeypatch):
    import llm.chat
    from core.config import Config

    monkeypatch.setattr(llm.chat, "_default", None)
    config = Config(llm_gguf=str(tmp_path / "missing.gguf"))
    session = StorySession.create(tmp_path, generator_provider=lambda: None, config=config)
    reply = session.plan("dragon")
    assert "STORY_LLM_GGUF" in reply.text and len(session.story.frames) == 1  # a word alone tells no moment yet
    assert "It could also show" in reply.text  # and the reply offers what could follow


def test_tiny_model_renders_and_one_frame_rerender_matches(tmp_path, tiny_generator):
    session = new_session(tmp_path, tiny_generator)
    session.plan(FOX_IDEA, frames=3)
    session.update_settings(steps=2)
    session.render()
    first = [np.asarray(Image.open(session.frame_image(i))) for i in range(3)]
    assert first[0].shape == (128, 128, 3)
    assert all(r.context.model == "tiny" for r in (session.story.current_render(i) for i in range(3)))
    session.reroll(1)
    session.revise("undo")  # the old seed is back and its image with it
    assert session.frames_needing_render() == []
    session.render([1])  # asked explicitly: same inputs give the same pixels
    again = np.asarray(Image.open(session.frame_image(1)))
    assert np.abs(again.astype(int) - first[1]).max() <= 2  # batched vs alone: float rounding only
    data = json.loads((session.story_dir / "story.json").read_text())
    assert data["renders"][session.story.frames[1].id][-1]["context"]["frame_prompts"] == session.story.frame_prompts


def test_cards_are_due_again_once_a_model_is_configured(tmp_path):
    session = new_session(tmp_path, None)
    session.update_settings(steps=3)  # chosen before the idea: kept by the plan
    session.plan(FOX_IDEA, frames=2)
    assert session.story.settings.steps == 3
    session.render()
    assert session.frames_needing_render() == []
    resumed = StorySession.open(session.story_dir, llm=NO_LLM, generator_provider=lambda: FakeGenerator())
    assert resumed.frames_needing_render() == [0, 1]


def test_an_idea_of_no_moment_plans_one_frame_and_offers_the_rest_as_buttons(tmp_path):
    session = new_session(tmp_path)
    reply = session.plan("pirate parrot")
    assert len(session.story.frames) == 1 and "no moment yet" in reply.text
    assert len(reply.choices) == 3  # the adventure's other beats, offered, not drawn as filler
    for choice in reply.choices:  # each button is a message the agent reads as a new last frame
        session.revise(choice)
    prompts = [frame.prompt for frame in session.story.frames]
    assert len(prompts) == 4 and "coming home" in prompts[-1] and "middle" in prompts[1]
