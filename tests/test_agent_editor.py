"""Revising: explicit commands (English and Chinese) without the LLM, free-form through a fake LLM, questions."""


import pytest

from core import edits
from core.story import Frame, FrameRender, Story
from language.editor import parse_message
from llm.chat import FakeLLM


def story(n=4, locked=()):
    return Story(id="s", title="Fox", identity_prompt="a small red cat", style="none",
                 frames=[Frame(id=f"f{i}", prompt=f"scene {i}", caption=f"c{i}", locked=i in locked)
                         for i in range(n)])


def rendered(s: Story) -> Story:
    for i, frame in enumerate(s.frames):
        s = s.with_render(frame.id, FrameRender(image=f"{i}.png", context=s.render_context(i, "m")))
    return s


@pytest.mark.parametrize("message, expected", [
    # a new English text brings a caption that says the same (the old caption would describe another picture)
    ("frame 3: reading under a tree", edits.SetText(frame=2, text="reading under a tree",
                                                    caption="The cat reads under a tree.")),
    ("第3帧：小猫在森林里睡觉", edits.SetText(frame=2, text="sleeping in a deep forest", caption="小猫在森林里睡觉")),
    ("remove frame 2", edits.RemoveFrame(frame=1)),
    ("删除第二帧", edits.RemoveFrame(frame=1)),
    ("remove the last frame", edits.RemoveFrame(frame=3)),
    ("swap 1 and 3", edits.SwapFrames(first=0, second=2)),
    ("交换1和3", edits.SwapFrames(first=0, second=2)),
    ("swap the first and the second picture", edits.SwapFrames(first=0, second=1)),
    ("move 4 to 1", edits.MoveFrame(frame=3, to=0)),
    ("move frame 2 to the end", edits.MoveFrame(frame=1, to=3)),
    ("lock 2", edits.SetLock(frame=1, locked=True)),
    ("unlock frame 2", edits.SetLock(frame=1, locked=False)),
    ("锁定第2帧", edits.SetLock(frame=1, locked=True)),
    ("re-roll 3", edits.Reroll(frame=2)),
    ("undo", edits.Undo()), ("撤销", edits.Undo()), ("Redo.", edits.Redo()), ("重做", edits.Redo()),
    ("style: comic", edits.SetStyle(style="comic")),
    ("use anime style", edits.SetStyle(style="anime")),
    ("风格：漫画", edits.SetStyle(style="comic")),
    ("character: a girl in a yellow raincoat", edits.SetIdentity(text="a girl in a yellow raincoat")),
    ("title: The Long Night", edits.Rename(title="The Long Night")),
    ("add frame: flying over the sea", edits.InsertFrame(position=4, text="flying over the sea",
                                                         caption="The cat flies over the sea.")),
    ("添加一帧：在海边玩球",
     edits.InsertFrame(position=4, text="playing with a ball on a sunny beach", caption="在海边玩球")),
    ("add a frame after frame 2: eating soup", edits.InsertFrame(position=2, text="eating soup",
                                                                 caption="The cat eats soup.")),
    ("frame 2 + at night", edits.AddText(frame=1, text="at night")),
    ("add fog to frame 1", edits.AddText(frame=0, text="fog")),
])
def test_explicit_commands_need_no_llm(message, expected):
    llm = FakeLLM()  # any call would raise: explicit commands never reach it
    parsed = parse_message(message, story(), llm)
    assert parsed.ops == [expected] and parsed.question is None and llm.calls == []


@pytest.mark.parametrize("message, fragment", [
    ("frame 99: x", "There is no frame 99"), ("remove frame 9", "There is no frame 9"),
    ("swap 1 and 7", "There is no frame 7"), ("remove the cat", "Which frame"), ("", "What should change"),
    ("make the 9th picture darker", "There is no frame 9"),
])
def test_out_of_range_and_ambiguous_requests_ask(message, fragment):
    parsed = parse_message(message, story(), None)
    assert parsed.ops == [] and fragment in parsed.question


def test_character_sentence_extends_the_identity():
    parsed = parse_message("she wears a green hat", story(), None)
    assert parsed.ops == [edits.SetIdentity(text="wearing a green hat", append=True)]


def due(result: edits.EditResult) -> list[int]:
    """What re-renders after an edit, for the model "m" the test story was rendered with."""
    return result.story.due_frames("m", result.named)


def test_apply_text_edit_rerenders_only_that_frame():
    s = rendered(story())
    result = edits.apply_edit(s, edits.AddText(frame=2, text="at night"))
    assert result.story.frames[2].prompt == "scene 2, at night"
    assert (result.changed, due(result)) == ([2], [2])
    assert result.story.undo_stack[-1].label == "frame 3 text"


def test_identity_change_skips_locked_frames_unless_named():
    s = rendered(story(locked=(1,)))
    result = edits.apply_edit(s, edits.SetIdentity(text="a blue fox"))
    assert due(result) == [0, 2, 3] and result.changed == [0, 1, 2, 3]
    reroll = edits.apply_edit(s, edits.Reroll(frame=1, seed=5))
    assert due(reroll) == [1] and reroll.story.frames[1].seed == 5


def test_structure_edits_keep_images_and_undo_restores():
    s = rendered(story())
    swapped = edits.apply_edit(s, edits.SwapFrames(first=0, second=2))
    assert [f.id for f in swapped.story.frames] == ["f2", "f1", "f0", "f3"] and due(swapped) == []
    removed = edits.apply_edit(swapped.story, edits.RemoveFrame(frame=0))
    assert [f.id for f in removed.story.frames] == ["f1", "f0", "f3"] and due(removed) == []
    inserted = edits.apply_edit(removed.story, edits.InsertFrame(position=1, text="new"))
    assert due(inserted) == [1]
    back = edits.apply_edit(inserted.story, edits.Undo())
    assert back.story.frames == removed.story.frames and back.summary == "Undo: insert frame 2."
    again = edits.apply_edit(back.story, edits.Redo())
    assert again.story.content() == inserted.story.content()
    assert edits.apply_edit(story(), edits.Undo()).summary == "Nothing to undo."


def test_limits():
    with pytest.raises(ValueError, match="last one"):
        edits.apply_edit(story(1), edits.RemoveFrame(frame=0))
    with pytest.raises(ValueError, match="at most 12"):
        edits.apply_edit(story(12), edits.InsertFrame(position=12, text="x"))
