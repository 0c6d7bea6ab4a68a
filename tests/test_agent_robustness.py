"""Nothing lost, nothing leaked: two sessions of one story, crafted story files, failed saves."""

import errno
import json

import pytest

from agent.session import NO_LLM, StorySession
from agent.session import story_session as session_module
from core.errors import InvalidStoryError, StoryError, StorySaveError
from language.planner import plan_story

IDEA = "A young baker opens a tiny bakery, burns her first loaf, and wins a baking contest."


@pytest.fixture
def folder(tmp_path):
    story, _ = plan_story(IDEA, None, frames=4)
    first = StorySession(tmp_path / "story", story, llm=NO_LLM, generator_provider=lambda: None)
    first.save()
    return tmp_path / "story"


def open_session(folder):
    return StorySession.open(folder, llm=NO_LLM, generator_provider=lambda: None)


def test_two_sessions_of_one_story_keep_each_others_changes(folder):
    tab_a, tab_b = open_session(folder), open_session(folder)
    tab_a.revise("title: Changed In Tab A")
    tab_b.revise("frame 1 + in the rain")  # B had loaded the story before A's change
    saved = open_session(folder).story
    assert saved.title == "Changed In Tab A" and "in the rain" in saved.frames[0].prompt
    assert tab_b.story.title == "Changed In Tab A"
    tab_a.revise("frame 2 + at night")  # A now also sees B's edit
    saved = open_session(folder).story
    assert "in the rain" in saved.frames[0].prompt and "at night" in saved.frames[1].prompt
    assert saved.title == "Changed In Tab A"


def test_renders_of_one_session_and_edits_of_another_are_both_kept(folder):
    renderer, editor = open_session(folder), open_session(folder)
    editor.revise("frame 3 + at night")
    renderer.render([0])
    saved = open_session(folder).story
    assert "at night" in saved.frames[2].prompt and saved.renders.get(saved.frames[0].id)


def _crafted(folder, change):
    data = json.loads((folder / "story.json").read_text())
    change(data)
    (folder / "story.json").write_text(json.dumps(data))


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d["frames"][0].update(id="x/../../../escaped/y"), "frames.0.id"),
    (lambda d: d["settings"].update(steps=-5), "steps"),
    (lambda d: d.update(surprise=1), "surprise"),
])
def test_crafted_story_files_are_refused_with_a_clear_message(folder, change, fragment):
    _crafted(folder, change)
    with pytest.raises(InvalidStoryError, match="not valid") as error:
        open_session(folder)
    assert fragment in str(error.value) and "Traceback" not in str(error.value)


@pytest.mark.parametrize("image", ["/etc/passwd", "../.env", "images/../../x.png", "C:\\x.png"])
def test_a_story_file_naming_an_image_outside_its_folder_is_refused(folder, image):
    from core.story import Story

    story = Story.from_json((folder / "story.json").read_text())
    context = story.render_context(0, "storyboard").model_dump(mode="json")
    _crafted(folder, lambda d: d["renders"].update({d["frames"][0]["id"]: [{"image": image, "context": context}]}))
    with pytest.raises(InvalidStoryError, match="not a path inside the story folder"):
        open_session(folder)


def test_a_reference_story_with_a_string_frame_list_is_refused(tmp_path):
    from core.story import Story

    with pytest.raises(InvalidStoryError, match="list of texts"):
        Story.from_json(json.dumps({"id_prompt": "a fox", "frame_prompt_list": "running in the snow"}))


def test_a_failed_save_changes_nothing_and_says_why(folder, monkeypatch):
    live = open_session(folder)
    before = live.story.model_dump()

    def full_disk(path, data, **where):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(session_module, "atomic_write_bytes", full_disk)
    with pytest.raises(StorySaveError, match="No space left") as error:
        live.revise("frame 1 + in the rain")
    assert isinstance(error.value, StoryError)
    assert live.story.model_dump() == before  # memory was not changed before the save
    monkeypatch.undo()
    assert open_session(folder).story.model_dump() == before


def test_an_edit_too_long_for_clip_is_refused_at_edit_time_with_the_count(folder):
    live = open_session(folder)
    before = live.story.model_dump()
    long_scene = ", ".join(["walking through a very long winding street full of colourful market stalls"] * 6)
    reply = live.revise(f"frame 2: {long_scene}")
    assert reply.question and "CLIP tokens" in reply.text and "at most 75" in reply.text
    assert live.story.model_dump() == before
    reply = live.revise("frame 1: " + "x" * 700)  # longer than a frame may be at all
    assert reply.question and "nothing was changed" in reply.text.lower()
    assert live.story.model_dump() == before


def test_the_markdown_export_is_inert(folder, tmp_path):
    live = open_session(folder)
    live.revise("title: <script>alert(1)</script> [x](javascript:alert(2))")
    out = live.export("md", tmp_path / "out")
    text = next(path for path in out if path.suffix == ".md").read_text()
    assert "<script>" not in text and "javascript:" not in text and "](javascript" not in text
    assert "&lt;script&gt;" in text  # still readable
