"""A cast in the story state, its edit operations and what each makes due, the session's renders and the exports
(cast_design.md B1, B7; failure modes 9 and 11)."""

import json

import pytest
from agent_fixtures import FakeGenerator
from PIL import Image

from agent.session import NO_LLM, StorySession
from core import edits
from core.cast import MAIN_ID, Character, compose_prefix
from core.errors import InvalidStoryError
from core.story import Frame, FrameRender, Story
from core.styles import compose_identity
from export.cards import StoryboardGenerator, who_is_in
from export.story import export_story

GIRL = Character(id="girl", name="Mia", handle="the girl", description="a girl with red braids")
DOG = Character(id="dog", name="Bo", handle="the dog", description="a small black dog")
PROMPTS = ["the girl and the dog walk to school", "the dog sleeps by the fire", "the girl reads", "an empty beach"]


def cast_story(**changes) -> Story:
    frames = [Frame(id=f"f{i}", prompt=p, cast=c)
              for i, (p, c) in enumerate(zip(PROMPTS, [None, ["dog"], ["girl"], []], strict=True))]
    return Story(**{"title": "Mia and Bo", "style": "storybook", "cast": [GIRL, DOG], "frames": frames, **changes})


def rendered(story: Story, model="tiny") -> Story:
    """The story with a current render of every frame."""
    for index, frame in enumerate(story.frames):
        story = story.with_render(frame.id, FrameRender(image=f"images/{index}.png",
                                                        context=story.render_context(index, model)))
    return story


def test_a_story_file_without_a_cast_loads_as_a_cast_of_one():
    old = {"schema_version": 1, "title": "Fox", "identity_prompt": "a red fox in a blue scarf", "style": "comic",
           "frames": [{"id": "a", "prompt": "in the snow"}]}
    story = Story.from_json(json.dumps(old))
    assert story.cast == [Character(id=MAIN_ID, description="a red fox in a blue scarf")]
    assert story.identity_prompt == "a red fox in a blue scarf" and story.frames[0].cast is None
    assert story.render_identity() == compose_identity(story.identity_prompt, "comic")
    assert Story.from_json(story.to_json()) == story


def test_a_cast_story_round_trips_and_keeps_identity_prompt_as_the_main_description():
    story = cast_story()
    assert story.identity_prompt == GIRL.description and story.presence(0) == ["girl", "dog"]
    assert story.render_identity().startswith("children's storybook") and "and a small black dog," in \
        story.render_identity()
    assert story.identity_pieces() == compose_prefix([GIRL, DOG], "storybook")
    assert Story.from_json(story.to_json()) == story


@pytest.mark.parametrize("changes, message", [
    ({"cast": [GIRL, DOG.model_copy(update={"handle": "The Girl", "id": "x"})]}, "same handle"),
    ({"cast": [GIRL, DOG, DOG.model_copy(update={"id": "c", "handle": "c"}),
               DOG.model_copy(update={"id": "d", "handle": "d"})]}, "at most 3|1 to 3"),
    ({"frames": [Frame(prompt="a walk", cast=["cat"])]}, "names 'cat'"),
    ({"frames": [Frame(prompt="a walk", cast=["dog", "dog"])]}, "twice"),
    ({"cast": [GIRL, DOG.model_copy(update={"handle": ""})]}, "needs a short handle"),
])
def test_the_story_refuses_an_unusable_cast(changes, message):
    with pytest.raises(ValueError, match=message):
        cast_story(**changes)


def test_a_description_change_makes_due_exactly_the_frames_showing_that_character():
    story = rendered(cast_story())
    assert story.due_frames("tiny") == []
    result = edits.apply_edit(story, edits.DescribeCharacter(character="Bo", text="a brown dog"))
    assert result.changed == [0, 1] and result.story.due_frames("tiny") == [0, 1]
    result = edits.apply_edit(story, edits.DescribeCharacter(character="the girl", text="brown boots", append=True))
    assert result.story.identity_prompt == "a girl with red braids, brown boots"
    assert result.story.due_frames("tiny") == [0, 2]
    assert edits.apply_edit(story, edits.SetIdentity(text="a tall girl")).story.due_frames("tiny") == [0, 2]
    assert edits.apply_edit(story, edits.SetStyle(style="comic")).story.due_frames("tiny") == [0, 1, 2, 3]


def test_a_presence_change_makes_only_that_frame_due_and_names_it():
    story = rendered(cast_story()).changed("lock", frames=[f.model_copy(update={"locked": True})
                                                           for f in cast_story().frames])
    result = edits.apply_edit(story, edits.SetPresence(frames=[2], characters=["the dog"]))
    assert result.story.frames[2].cast is None and result.changed == result.named == [2]
    assert result.story.due_frames("tiny", result.named) == [2]
    taken = edits.apply_edit(story, edits.SetPresence(frames=[0], characters=["dog"], present=False))
    assert taken.story.frames[0].cast == ["girl"] and "still names the dog" in taken.summary
    assert edits.apply_edit(story, edits.NameCharacter(character="dog", name="Rex")).changed == []


def test_adding_and_removing_characters():
    one = rendered(Story(identity_prompt="a girl with red braids", style="storybook",
                         frames=[Frame(prompt=p) for p in PROMPTS[:3]]))
    with pytest.raises(InvalidStoryError, match="handle first"):
        edits.apply_edit(one, edits.AddCharacter(handle="the dog", description="a small black dog"))
    two = edits.apply_edit(one, edits.AddCharacter(handle="the dog", description="a small black dog", frames=[1],
                                                   main_handle="the girl"))
    assert two.changed == [0, 1, 2]  # one to two: the style moves first, every frame's prefix changes
    assert [f.cast for f in two.story.frames] == [[MAIN_ID], None, [MAIN_ID]]
    three = edits.apply_edit(rendered(two.story), edits.AddCharacter(handle="the cat", description="a grey cat",
                                                                     frames=[2]))
    assert three.changed == [2] and three.story.due_frames("tiny") == [2]
    with pytest.raises(InvalidStoryError, match="at most 3"):
        edits.apply_edit(three.story, edits.AddCharacter(handle="the owl", description="an owl"))
    with pytest.raises(InvalidStoryError, match="no character “the owl”.*the girl, the dog, the cat"):
        edits.apply_edit(three.story, edits.DescribeCharacter(character="the owl", text="x"))
    with pytest.raises(InvalidStoryError, match="main character stays"):
        edits.apply_edit(three.story, edits.RemoveCharacter(character="the girl"))
    gone = edits.apply_edit(rendered(three.story), edits.RemoveCharacter(character="the cat"))
    assert gone.changed == [2] and len(gone.story.cast) == 2 and gone.story.frames[2].cast == [MAIN_ID]


def test_renders_from_before_casts_still_match():
    story = Story(identity_prompt="a red fox", style="comic", frames=[Frame(prompt="in snow")])
    context = story.render_context(0, "tiny").model_copy(update={"identity_pieces": [], "cast": []})
    story = story.with_render(story.frames[0].id, FrameRender(image="images/0.png", context=context))
    assert story.due_frames("tiny") == []
    assert edits.apply_edit(story, edits.SetIdentity(text="a grey fox")).story.due_frames("tiny") == [0]


def test_undo_of_a_cast_edit_brings_the_images_back():
    story = rendered(cast_story())
    described = edits.apply_edit(story, edits.DescribeCharacter(character="dog", text="a brown dog")).story
    undone = edits.apply_edit(described, edits.Undo())
    assert undone.changed == [0, 1] and undone.story.due_frames("tiny") == []


def session_with(tmp_path, story, generator):
    session = StorySession(tmp_path / story.id, story, llm=NO_LLM, generator_provider=lambda: generator)
    session.save()
    return session


def test_the_session_renders_the_cast_and_a_cast_edit_rerenders_exactly_its_frames(tmp_path):
    generator = FakeGenerator()
    session = session_with(tmp_path, cast_story(), generator)
    session.render()
    call = generator.calls[-1]
    assert call["presence"] == [None, ["dog"], ["girl"], []] and call["identity"] == cast_story().render_identity()
    reply = session.edit(edits.DescribeCharacter(character="the dog", text="a brown dog with a red collar"))
    assert reply.to_render == [0, 1] and "The dog is now" in reply.text
    session.render()
    assert generator.calls[-1]["frames"] == [0, 1]
    assert session.edit(edits.SetPresence(frames=[3], characters=["Mia"])).to_render == [3]
    long = "a " + "very " * 40 + "small dog"
    refused = session.edit(edits.DescribeCharacter(character="dog", text=long))
    assert refused.question and "the dog" in refused.text and session.story.cast[1].description != long


def test_storyboard_cards_and_exports_show_the_cast(tmp_path):
    story = cast_story()
    assert who_is_in(story) == {0: "With: the girl, the dog", 1: "With: the dog", 2: "With: the girl",
                                3: "Nobody: a scene"}
    assert who_is_in(Story(identity_prompt="a fox", frames=[Frame(prompt="x")])) == {}
    cards = StoryboardGenerator(who=who_is_in(story)).render("", story.frame_prompts, story.settings)
    plain = StoryboardGenerator().render("", story.frame_prompts, story.settings)
    assert cards[0].tobytes() != plain[0].tobytes()
    written = export_story(story, [None] * 4, "all", tmp_path)
    markdown = next(p for p in written if p.suffix == ".md").read_text()
    assert "**Cast:**" in markdown and "Mia \\(the girl\\): a girl with red braids" in markdown
    assert "_With: the dog_" in markdown and "_Nobody: a scene_" in markdown
    saved = Story.from_json(next(p for p in written if p.suffix == ".json").read_text())
    assert saved.cast == story.cast and [f.cast for f in saved.frames] == [f.cast for f in story.frames]
    page = next(p for p in written if "-page-" in p.name)
    alone = Story(title=story.title, identity_prompt="a girl", frames=[f.model_copy(update={"cast": None})
                                                                       for f in story.frames])
    without = export_story(alone, [None] * 4, "page", tmp_path / "one")[0]
    assert Image.open(page).height > Image.open(without).height  # the cast line under the title


def test_the_plan_reply_lists_the_cast_and_who_is_in_each_frame():
    from agent.replies import plan_text

    text = plan_text(cast_story(), "en")
    assert "- Mia — the girl: a girl with red braids" in text and "2. the dog sleeps by the fire (the dog)" in text
    assert "4. an empty beach (nobody)" in text
    assert "\n1. in snow\n" in plan_text(Story(identity_prompt="a fox", frames=[Frame(prompt="in snow")]), "en")


def test_a_planner_builds_a_cast_story_from_plain_entries():
    from core.cast import new_cast

    cast = new_cast([{"handle": "the girl", "name": "Mia", "description": "a girl with red braids"},
                     {"handle": "The  Girl", "description": "a second girl in green"}])
    assert [m.id for m in cast] == ["the-girl", "the-girl-2"]
    with pytest.raises(ValueError, match="same handle"):
        Story(cast=cast, frames=[Frame(prompt="a walk", cast=["the-girl"])])
    cast[1] = cast[1].model_copy(update={"handle": "the other girl"})
    story = Story(cast=cast, frames=[Frame(prompt="the girl walks", cast=["the-girl"])])
    assert story.identity_prompt == "a girl with red braids" and story.presence(0) == ["the-girl"]


def planned_cast_session(tmp_path) -> StorySession:
    session = StorySession.create(tmp_path, llm=NO_LLM)
    session.plan("Mia walks to school with her dog Bo. Bo chases a ball in the park. Mia and Bo share a sandwich "
                 "under a tree. Bo sleeps at Mia's feet.")
    assert [(m.name, m.handle) for m in session.story.cast] == [("Mia", "the girl"), ("Bo", "the dog")]
    return session


def test_another_member_s_looks_leave_every_caption_as_it_was(tmp_path):
    session = planned_cast_session(tmp_path)
    captions = [f.caption for f in session.story.frames]
    assert captions[0].startswith("Mia ") and captions[1].startswith("Bo ")
    session.revise("give Bo a red collar")
    assert "red collar" in session.story.cast[1].description
    assert [f.caption for f in session.story.frames] == captions  # not "Bo walks to school with her dog Bo."


def test_another_member_s_new_look_is_said_in_its_frames_and_one_undo_takes_it_all_back(tmp_path):
    session = planned_cast_session(tmp_path)
    before = session.story
    session.revise("Bo should be white and wear a red collar")
    story = session.story
    assert "white" in story.cast[1].description and "red collar" in story.cast[1].description
    shown = [i for i, f in enumerate(story.frames) if story.cast[1].id in story.presence(i)]
    assert shown and all("red collar" in story.frames[i].prompt for i in shown)
    assert "collar" not in story.frames[[i for i in range(len(story.frames)) if i not in shown][0]].prompt \
        if len(shown) < len(story.frames) else True
    session.revise("take Bo out of the first picture")
    assert "collar" not in session.story.frames[0].prompt  # its look goes with it
    session.revise("undo")
    session.revise("take off Bo's collar")
    assert "collar" not in session.story.cast[1].description
    assert not any("collar" in f.prompt for f in session.story.frames)
    session.revise("undo")
    session.revise("undo")  # one step per request, though each changed the look and the frames' texts
    assert session.story.content() == before.content()


def test_a_member_whose_kind_changes_gets_the_new_kind_as_its_handle(tmp_path):
    session = planned_cast_session(tmp_path)
    session.revise("make Mia a boy")
    session.revise("Bo should be a cat")
    assert [(m.name, m.handle) for m in session.story.cast] == [("Mia", "the boy"), ("Bo", "the cat")]
    assert session.story.cast[0].description.startswith("a boy") and session.story.identity_prompt.startswith("a boy")
    session.revise("undo")
    assert session.story.cast[1].handle == "the dog"


def test_taking_a_member_out_of_a_frame_takes_its_words_out_of_the_frame_text(tmp_path):
    session = planned_cast_session(tmp_path)
    first = session.story.frames[0]
    assert "Bo" in first.prompt and session.story.cast[1].id in session.story.presence(0)
    session.revise("take Bo out of the first picture")
    story = session.story
    assert story.cast[1].id not in story.presence(0) and "Bo" not in story.frames[0].prompt
    assert story.frames[0].caption.startswith("Mia ")  # still the girl's frame
