"""What a person reads stays true after a change (issue 16): captions re-derived unless the person wrote them,
storyboard cards that depend on their text only, the frame numbers and captions every export draws, the comic
page that never cuts a caption, a combined settings change said whole, and the test model's pictures labelled."""

from __future__ import annotations

import zipfile

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from agent.session import NO_LLM, StorySession, Studio
from agent.session.captions import true_captions
from core import edits
from core.config import Config
from core.settings import GenerationSettings
from core.story import STORYBOARD_MODEL, Frame, FrameRender, Story
from export.cards import storyboard_card
from export.marks import TEST_IMAGE_LABEL, numbered, with_test_label
from export.pages import comic_page, load_font, wrap_to_width
from export.story import export_story

TEXTS = ["fixing his old red tractor in the barn", "driving the red tractor to the field",
         "the cat watching Joe", "waving from the red tractor at sunset"]


def tractor_story() -> Story:
    frames = [Frame(id=f"f{i}", prompt=text, caption=f"Caption {i + 1}.") for i, text in enumerate(TEXTS)]
    return Story(id="s1", title="Joe's Tractor", identity_prompt="an old farmer with a grey beard, wearing overalls",
                 frames=frames)


def session_of(tmp_path, story: Story | None = None, generator=None) -> StorySession:
    session = StorySession(tmp_path / "story", story or tractor_story(), llm=NO_LLM,
                           generator_provider=lambda: generator)
    session.save()
    return session


# --- captions ---------------------------------------------------------------------------------------------------


def test_a_new_frame_text_gets_a_new_caption_and_the_others_keep_theirs():
    before = tractor_story()
    after = edits.apply_edit(before, edits.RewriteFrames(prompts={0: "fixing his old blue tractor in the barn",
                                                                  3: "waving from the blue tractor at sunset"},
                                                         what="the tractor is blue")).story
    true = true_captions(before, after)
    assert [c.caption for c in true.frames][1:3] == ["Caption 2.", "Caption 3."]
    assert "blue tractor" in true.frames[0].caption and "blue tractor" in true.frames[3].caption
    assert "red" not in true.frames[0].caption  # "red tractor" after it became blue was the bug
    assert len(true.undo_stack) == len(after.undo_stack)  # the captions belong to the change: no extra undo step


def test_a_person_s_caption_is_kept_through_text_and_character_changes_until_they_change_it():
    story = tractor_story()
    captioned = edits.apply_edit(story, edits.SetCaption(frame=1, caption="Off to the field!")).story
    assert captioned.frames[1].caption_by_person
    texted = edits.apply_edit(captioned, edits.SetText(frame=1, text="driving the tractor through the rain",
                                                       caption="Joe drives the tractor through the rain.")).story
    assert texted.frames[1].caption == "Off to the field!"  # the edit's own caption does not replace the person's
    character = edits.apply_edit(texted, edits.SetIdentity(text="a young farmer with red hair")).story
    true = true_captions(texted, character)
    assert true.frames[1].caption == "Off to the field!" and true.frames[1].caption_by_person
    assert all(frame.caption != f"Caption {i + 1}." for i, frame in enumerate(true.frames) if i != 1)
    undone = edits.apply_edit(captioned, edits.Undo()).story
    assert undone.frames[1].caption == "Caption 2." and not undone.frames[1].caption_by_person


def test_a_chinese_caption_is_kept_rather_than_replaced_by_english():
    story = tractor_story()
    frames = [story.frames[0].model_copy(update={"caption": "乔在谷仓里修他的旧拖拉机。"}), *story.frames[1:]]
    story = story.model_copy(update={"frames": frames})
    after = edits.apply_edit(story, edits.AddText(frame=0, text="at night")).story
    assert true_captions(story, after).frames[0].caption == "乔在谷仓里修他的旧拖拉机。"


def test_the_session_re_derives_captions_and_keeps_them_through_undo(tmp_path):
    session = session_of(tmp_path)
    session.render()
    session.revise("frame 1: fixing his old blue tractor in the barn")
    session.render()
    assert "blue tractor" in session.story.frames[0].caption
    reply = session.set_caption(2, "  The cat never blinks.  ")
    assert "caption" in reply.text and reply.to_render == []  # a caption redraws nothing
    assert (session.story.frames[2].caption, session.story.frames[2].caption_by_person) == ("The cat never blinks.",
                                                                                            True)
    session.undo()
    assert session.story.frames[2].caption == "Caption 3."
    assert session.set_caption(0, "x" * 1001).question  # too long: a question, nothing changed
    assert StorySession.open(tmp_path / "story", llm=NO_LLM).story == session.story  # kept on disk


# --- storyboard cards, settings ----------------------------------------------------------------------------------


def test_a_card_depends_on_its_text_only():
    story = tractor_story()
    context = story.render_context(0, STORYBOARD_MODEL)
    story = story.with_render("f0", FrameRender(image="images/0.png", context=context))
    settings = GenerationSettings(seed=7, steps=3, width=512, height=512)
    other = story.model_copy(update={"settings": settings, "identity_prompt": "a robot", "style": "comic"})
    assert other.current_render(0, STORYBOARD_MODEL) is not None  # seed, steps, size, character: the card stays
    moved = other.model_copy(update={"frames": [other.frames[1], other.frames[0], *other.frames[2:]]})
    assert moved.current_render(1, STORYBOARD_MODEL) is not None  # and it follows its frame to a new place
    reworded = other.model_copy(update={"frames": [other.frames[0].model_copy(update={"prompt": "asleep"}),
                                                   *other.frames[1:]]})
    assert reworded.current_render(0, STORYBOARD_MODEL) is None


def test_steps_redraw_no_card_and_a_style_with_steps_change_says_both(tmp_path):
    session = session_of(tmp_path)
    session.render()
    reply = session.update_settings(steps=3)
    assert reply.to_render == [] and "No frame needs re-rendering" in reply.text
    reply = session.update_settings(style="comic", steps=5)
    assert "Style set to comic" in reply.text and "steps = 5" in reply.text
    assert (session.story.style, session.story.settings.steps) == ("comic", 5)


def test_summaries_end_as_sentences(tmp_path):
    session = session_of(tmp_path)
    text = session.revise("caption 2: Joe smiles").text
    assert "Joe smiles. " in text or "Joe smiles." in text.split(" No frame")[0]


def test_a_revision_is_told_from_an_idea():
    read = Studio.reads_as_revision
    for message in ("make the ninth frame at night", "make frame 2 at night", "undo", "never mind", "caption 3: Hi",
                    "make it 6 frames", "only 3 pictures", "swap frames 1 and 2", "把第二帧改成夜晚",
                    "swap the first and last", "rename it to The Lantern Fox", "please lock the third one"):
        assert read(message), message
    for idea in ("A small red fox finds a glowing lantern in the forest and follows its light home.",
                 "A girl in a yellow raincoat flies her grandmother's old kite on a windy hill.",
                 "My grandpa Joe fixes his old red tractor in the barn, and a cat watches him.",
                 "for my 4 year old who starts kindergarten next week: a shy little turtle makes a friend",
                 "tell it in six pictures: an ant carries a crumb of cake all the way home",
                 "a cat locks the door and keeps the key", "一只小猫在雨中找妈妈",
                 "move to the seaside with grandma and learn to swim", "remove the snow from the path, says the mole"):
        assert not read(idea), idea


# --- exports: numbers and captions as they are now ---------------------------------------------------------------


def test_export_draws_current_numbers_and_whole_captions_after_a_move(tmp_path):
    session = session_of(tmp_path)
    session.render()
    session.revise("put the last frame first")
    session.set_caption(1, "A very long caption that goes on and on about the tractor, the barn, the cat and the "
                           "sunset, far longer than one line of a comic page panel could ever hold in one go.")
    story = session.story
    (archive,) = session.export("zip", tmp_path / "out")
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        page_name = next(n for n in names if "-page-" in n)
        bundle.extract(page_name, tmp_path / "x")
        pdf_name = next(n for n in names if n.endswith(".pdf"))
        bundle.extract(pdf_name, tmp_path / "x")
        frame_names = sorted(n for n in names if "-frame-" in n)
        for name in frame_names:
            bundle.extract(name, tmp_path / "x")
    cards = [storyboard_card(frame.prompt) for frame in story.frames]
    for card, name in zip(cards, frame_names, strict=True):  # the frame pictures, in their current order
        assert not ImageChops.difference(card, Image.open(tmp_path / "x" / name).convert("RGB")).getbbox()
    expected = comic_page([numbered(card, i + 1) for i, card in enumerate(cards)], [f.caption for f in story.frames],
                          story.title)
    page = Image.open(tmp_path / "x" / page_name).convert("RGB")
    assert not ImageChops.difference(expected, page).getbbox()  # numbers as they are now, captions whole
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "x" / pdf_name).pages)
    text = " ".join(text.split())
    for number, frame in enumerate(story.frames, start=1):
        assert f"{number}. {frame.caption}" in text


def test_a_long_caption_is_wrapped_whole_never_cut():
    font = load_font(16)
    caption = "Joe drives his supercalifragilisticexpialidocious tractor past the barn, 然后回家了，猫在看。"
    lines = wrap_to_width(caption, font, 120)
    assert all(font.getlength(line) <= 120 for line in lines) and len(lines) > 3
    assert "".join(lines).replace(" ", "") == caption.replace(" ", "")
    short = comic_page([storyboard_card("a")], ["short"], "T")
    long = comic_page([storyboard_card("a")], [caption * 3], "T")
    assert long.height > short.height  # the panel grows to hold the caption


def test_numbers_are_drawn_on_the_picture_they_belong_to():
    card = storyboard_card("walking in the rain")
    assert ImageChops.difference(numbered(card, 1), numbered(card, 2)).getbbox()
    assert not ImageChops.difference(numbered(card, 3), numbered(card, 3)).getbbox()
    labelled = with_test_label(card)
    assert labelled.size == card.size and ImageChops.difference(labelled, card).getbbox()


def test_test_model_pictures_are_labelled_in_every_export(tmp_path):
    story = tractor_story()
    picture = tmp_path / "noise.png"
    Image.new("RGB", (64, 64), (10, 200, 10)).save(picture)
    written = export_story(story, [picture] * 4, "all", tmp_path / "out", test_images=[0, 1, 2, 3])
    png = Image.open(next(p for p in written if p.name.endswith("-frame-01.png"))).convert("RGB")
    assert png.getpixel((32, 63)) != (10, 200, 10)  # the band across the bottom
    markdown = next(p for p in written if p.suffix == ".md").read_text()
    assert TEST_IMAGE_LABEL.split(":")[0] in markdown


@pytest.mark.parametrize("model, notice", [("tiny", True), ("", False)])
def test_the_test_model_is_named_on_the_first_screen(tmp_path, model, notice):
    from agent.session import TEST_MODEL_NOTICE, ImageModel

    studio = Studio(Config(data_dir=tmp_path), image_model=ImageModel(model, loader=lambda name: object()),
                    llm=NO_LLM)
    assert (TEST_MODEL_NOTICE in studio.notices()) is notice
