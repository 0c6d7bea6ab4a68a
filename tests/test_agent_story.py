"""Story state: versioning, render matching and the JSON round-trip."""

import json

import pytest

from core.cast import MAIN_ID, Character, IdentityPiece
from core.errors import InvalidStoryError
from core.settings import GenerationSettings
from core.story import Frame, FrameRender, RenderContext, Story, migrate
from core.styles import DEFAULT_NEGATIVE_PROMPT


def make_story(n=3) -> Story:
    return Story(
        id="s1",
        title="Fox",
        identity_prompt="a young red fox in a blue scarf",
        style="none",
        frames=[Frame(id=f"f{i}", prompt=f"scene {i}", caption=f"Caption {i}") for i in range(n)],
    )


def render_of(story: Story, index: int, model="tiny") -> FrameRender:
    return FrameRender(image=f"images/{index}.png", context=story.render_context(index, model))


def test_changed_pushes_undo_and_clears_redo():
    story = make_story()
    edited = story.changed("rename", title="Fox and Moon")
    assert edited.title == "Fox and Moon" and story.title == "Fox"
    assert [r.label for r in edited.undo_stack] == ["rename"]
    back = edited.undone()
    assert back.content() == story.content()
    assert back.redo_stack[-1].content.title == "Fox and Moon"
    again = back.redone()
    assert again.content() == edited.content()
    # a new change after undo drops the redo branch
    branched = back.changed("style", style="comic")
    assert branched.redo_stack == [] and len(branched.undo_stack) == 1


def test_undo_redo_at_the_ends_return_none():
    story = make_story()
    assert story.undone() is None and story.redone() is None


def test_changed_validates_limits():
    story = make_story()
    with pytest.raises(ValueError):
        story.changed("too many", frames=[Frame(prompt=f"p{i}") for i in range(13)])
    with pytest.raises(ValueError):
        story.changed("bad", colour="red")


def test_render_matching_follows_the_frame_not_its_neighbours():
    story = make_story()
    story = story.with_render("f1", render_of(story, 1))
    assert story.current_render(1, "tiny") is not None
    assert story.needs_render(0, "tiny") and not story.needs_render(1, "tiny")
    assert story.needs_render(1, "storyboard")
    # a neighbour's text change does not make frame 2 stale
    frames = [f.model_copy() for f in story.frames]
    frames[0] = frames[0].model_copy(update={"prompt": "new scene"})
    assert not story.changed("edit 1", frames=frames).needs_render(1, "tiny")
    # its own text, the identity, the style, the seed and pixel settings do
    frames = [f.model_copy() for f in story.frames]
    frames[1] = frames[1].model_copy(update={"prompt": "at night"})
    edited = story.changed("edit 2", frames=frames)
    assert edited.needs_render(1, "tiny")
    assert edited.latest_render(1).image == "images/1.png"
    assert story.changed("id", identity_prompt="an old fox").needs_render(1, "tiny")
    assert story.changed("style", style="comic").needs_render(1, "tiny")
    settings = story.settings
    assert story.changed("seed", settings=settings.model_copy(update={"seed": 1})).needs_render(1, "tiny")
    # batch size does not change pixels
    batch = settings.model_copy(update={"batch_size": 4})
    assert not story.changed("batch", settings=batch).needs_render(1, "tiny")
    # undoing the edit brings the old image back without a render
    assert not edited.undone().needs_render(1, "tiny")


def test_json_round_trip_is_lossless():
    story = make_story()
    story = story.with_render("f0", render_of(story, 0))
    story = story.changed("rename", title="Über 狐狸 🦊")
    loaded = Story.from_json(story.to_json())
    assert loaded == story
    assert json.loads(loaded.to_json()) == json.loads(story.to_json())


def test_reference_format_migrates():
    data = {"id_prompt": "A photo of a dog", "frame_prompt_list": ["in a park", "on a beach"]}
    story = Story.model_validate(migrate(data))
    assert story.identity_prompt == "A photo of a dog"
    assert story.frame_prompts == ["in a park", "on a beach"]
    assert story.schema_version == 1


def test_bad_files_give_story_errors():
    with pytest.raises(InvalidStoryError):
        Story.from_json("{not json")
    with pytest.raises(InvalidStoryError):
        Story.from_json(json.dumps({"schema_version": 99}))
    with pytest.raises(InvalidStoryError):
        make_story().check_index(3)


def test_render_context_records_the_whole_story():
    story = make_story()
    context = story.render_context(2, "tiny")
    assert context == RenderContext(
        identity_prompt="a young red fox in a blue scarf",
        frame_prompts=["scene 0", "scene 1", "scene 2"],
        identity_pieces=[IdentityPiece(text="a young red fox in a blue scarf", character=MAIN_ID,
                                      label="the main character")],
        presence=None,
        cast=[Character(id=MAIN_ID, description="a young red fox in a blue scarf")],
        frame_index=2,
        seed=42,
        settings=GenerationSettings(negative_prompt=DEFAULT_NEGATIVE_PROMPT),
        model="tiny",
    )
