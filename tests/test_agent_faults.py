"""Nothing lost, nothing leaked, round two (issue 15), at the session: numbers that name no frame, pictures that went
missing or bad, a story removed mid-render, links in a story folder, what killed writers leave, a story changed
by another tab, and text a person gives (control and bidi characters, lone surrogates, wrong-typed settings).
Real files throughout: the pictures are storyboard cards written by the real frame saver."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
from agent_fixtures import FakeGenerator
from pypdf import PdfReader

from agent.session import NO_LLM, StorySession, Studio
from core.config import Config
from core.errors import InvalidStoryError, StoryGoneError, UnsafeStoryFolderError
from core.text import clean_text
from language.planner import plan_story

IDEA = "A young baker opens a tiny bakery, burns her first loaf, and wins a baking contest."


@pytest.fixture
def folder(tmp_path):
    story, _ = plan_story(IDEA, None, frames=4)
    StorySession(tmp_path / "story", story, llm=NO_LLM, generator_provider=lambda: None).save()
    return tmp_path / "story"


def open_session(folder, generator=None):
    return StorySession.open(folder, llm=NO_LLM, generator_provider=lambda: generator)


def one_sentence(text: str) -> bool:
    """A message a person can read: one line, none of pydantic's report."""
    return "\n" not in text and "validation error" not in text and "pydantic" not in text and "type=" not in text


# --- 2: a number that names no frame --------------------------------------------------------------------------


@pytest.mark.parametrize("message", ["frame -1: at night", "frame NaN: at night", "frame 1.5: at night",
                                     "make frame 1e3 at dusk", "frame #-1: on a boat", "第-1帧改成夜晚"])
def test_a_number_that_names_no_frame_changes_nothing(folder, message):
    live = open_session(folder)
    before = live.story.model_dump()
    reply = live.revise(message)
    assert reply.question and "There are only 4 frames" in reply.text and not reply.to_render
    assert live.story.model_dump() == before == open_session(folder).story.model_dump()


def test_whole_frame_numbers_still_work(folder):
    live = open_session(folder)
    assert live.revise("make frame 2 at dusk").changed == [1]
    assert "There is no frame 9" in live.revise("frame 9: at night").text


# --- 4, 5: a frame picture that is missing or cannot be read ---------------------------------------------------


@pytest.mark.parametrize("damage", ["delete", "random bytes", "truncate"])
def test_a_missing_or_damaged_picture_is_due_again_and_redrawn(folder, tmp_path, damage):
    live = open_session(folder)
    live.render()
    picture = live.frame_image(1)
    if damage == "delete":
        picture.unlink()
    elif damage == "random bytes":
        picture.write_bytes(os.urandom(5000))
    else:
        picture.write_bytes(picture.read_bytes()[:200])
    assert live.frames_needing_render() == [1] and live.missing_pictures() == [1]
    assert live.frame_image(1) is None and live.strip_image() is None  # nothing shows a broken picture
    assert live.frames_without_picture() == [1]
    exported = live.export("zip", tmp_path / "before")  # a card in its place, and the export works
    assert any(path.suffix == ".zip" for path in exported)
    reply = live.render()
    assert reply.changed == [1] and "The picture of frame 2 was missing or could not be read" in reply.text
    assert live.frames_needing_render() == [] and live.missing_pictures() == []
    assert live.strip_image().is_file() and live.frame_image(1) != picture
    assert open_session(folder).frames_needing_render() == []  # the new version is saved


def test_an_older_readable_version_is_shown_while_the_newest_is_due(folder):
    live = open_session(folder, FakeGenerator())  # a re-roll changes a picture (a storyboard card stays the same)
    live.render()
    first = live.frame_image(0)
    live.revise("reroll 1")
    live.render()
    live.frame_image(0).unlink()
    assert live.frame_image(0) == first and live.frames_needing_render() == [0]


# --- 13: the story folder removed mid-render --------------------------------------------------------------------


def test_a_story_removed_mid_render_says_so_stops_and_is_not_recreated(folder):
    live = open_session(folder)
    done = []

    def remove_after_the_first_frame(event):
        if event.kind == "frame_done":
            done.append(event.frame)
            shutil.rmtree(folder)

    with pytest.raises(StoryGoneError, match="This story was removed from disk"):
        live.render(on_event=remove_after_the_first_frame)
    assert done == [0] and not folder.exists()
    with pytest.raises(StoryGoneError):
        live.revise("frame 1 + at night")
    with pytest.raises(StoryGoneError):
        live.save()
    assert not folder.exists()


# --- 14: links inside a story folder ----------------------------------------------------------------------------


def test_a_linked_images_folder_is_never_written_through(folder, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / "images").symlink_to(outside, target_is_directory=True)
    live = open_session(folder)
    with pytest.raises(UnsafeStoryFolderError, match="is a link"):
        live.render()
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("kind", ["link", "folder"])
def test_a_lock_file_that_is_a_link_or_a_folder_is_refused(folder, tmp_path, kind):
    planted = tmp_path / "planted"
    (folder / ".lock").unlink(missing_ok=True)
    if kind == "link":
        (folder / ".lock").symlink_to(planted)
    else:
        (folder / ".lock").mkdir()
    live = open_session(folder)
    before = live.story.model_dump()
    with pytest.raises(UnsafeStoryFolderError, match="a link" if kind == "link" else "a folder"):
        live.revise("frame 1 + at night")
    assert not planted.exists() and live.story.model_dump() == before


def test_a_linked_exports_folder_and_story_file_are_refused(folder, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / "exports").symlink_to(outside, target_is_directory=True)
    live = open_session(folder)
    with pytest.raises(UnsafeStoryFolderError):
        live.export("md", folder / "exports")
    assert list(outside.iterdir()) == []
    target = tmp_path / "elsewhere.json"
    target.write_text((folder / "story.json").read_text())
    (folder / "story.json").unlink()
    (folder / "story.json").symlink_to(target)
    with pytest.raises(UnsafeStoryFolderError):
        live.revise("frame 1 + at night")
    assert "at night" not in target.read_text()


# --- 17: what killed writers leave ------------------------------------------------------------------------------


def test_temporary_files_of_killed_writers_are_removed_at_the_next_start(folder, tmp_path):
    (folder / "images").mkdir()
    old = [folder / ".story.json.k3j_x9aq.tmp", folder / "images" / ".01-ab12cd34-v1.png.0f9z_1ql.tmp"]
    fresh = folder / ".story.json.abcdefgh.tmp"  # a write in progress in another process
    mine = folder / ".notes.txt.abcdefgh.tmp"  # not ours: never touched
    for path in [*old, fresh, mine]:
        path.write_bytes(b"x" * 1000)
    hour_ago = time.time() - 3600
    for path in [*old, mine]:
        os.utime(path, (hour_ago, hour_ago))
    assert Studio(Config(data_dir=folder.parent), llm=NO_LLM).clean_up() == 2
    assert not any(path.exists() for path in old) and fresh.exists() and mine.exists()
    os.utime(fresh, (hour_ago, hour_ago))
    open_session(folder)  # the CLI opening the story cleans too
    assert not fresh.exists() and mine.exists()


# --- 18: a story changed by another tab or the CLI --------------------------------------------------------------


def test_render_all_sees_a_character_changed_elsewhere(folder):
    tab = open_session(folder, FakeGenerator())  # a model draws the character (a storyboard card shows the text)
    tab.render()
    assert tab.frames_needing_render() == []
    open_session(folder).revise("character: a tall green robot with a red scarf")  # the CLI
    assert tab.frames_needing_render() == [0, 1, 2, 3]
    assert tab.render().changed == [0, 1, 2, 3]
    assert "robot" in tab.story.identity_prompt and open_session(folder, FakeGenerator()).frames_needing_render() == []


# --- 10, 11: text a person gives ---------------------------------------------------------------------------------


def test_control_and_bidi_characters_never_reach_the_story_or_its_exports(folder, tmp_path):
    live = open_session(folder)
    live.revise("title: Evil\u202egnp\x00.exe\u2066")
    live.revise("frame 2: walking\u202e in the \x00rain\x1b[31m")
    story = open_session(folder).story
    assert story.title == "Evilgnp.exe"
    assert story.frames[1].prompt.startswith("walking in the rain[31m") and "\x1b" not in story.frames[1].caption
    out = live.export("all", tmp_path / "out")
    text = next(p for p in out if p.suffix == ".md").read_text()
    pdf = "".join(page.extract_text() for page in PdfReader(next(p for p in out if p.suffix == ".pdf")).pages)
    for bad in ("\x00", "\u202e", "\u2066", "\x1b"):
        assert bad not in text and bad not in pdf and bad not in (folder / "story.json").read_text()


def test_a_crafted_story_file_is_cleaned_on_load(folder):
    data = json.loads((folder / "story.json").read_text())
    data["title"] = "Bad\u202eTitle\x07"
    (folder / "story.json").write_text(json.dumps(data))
    assert open_session(folder).story.title == "BadTitle"


def test_clean_text_keeps_every_script_and_emoji_and_removes_the_invisible():
    assert clean_text("狐狸 找到 灯笼 🦊‍🔥 Zoë") == "狐狸 找到 灯笼 🦊‍🔥 Zoë"
    assert clean_text("a\x00b\u202ec\u2067d\ud800e\x85f") == "abcde f"
    assert clean_text("one\r\ntwo\u2028three\tfour", multiline=True) == "one\ntwo\nthree four"
    assert clean_text("one\ntwo") == "one two"


def test_a_lone_surrogate_in_a_frame_text_is_dropped_not_reported(folder):
    live = open_session(folder)
    reply = live.revise("frame 2: at night \ud800 by the sea")
    assert reply.changed == [1] and "\ud800" not in live.story.frames[1].prompt
    json.loads((folder / "story.json").read_text(encoding="utf-8"))


def test_an_idea_that_cannot_become_a_story_gets_one_sentence(tmp_path):
    session = StorySession.create(tmp_path, llm=NO_LLM, generator_provider=lambda: None)
    with pytest.raises(InvalidStoryError) as error:
        session.plan("x" * 4000)
    assert one_sentence(str(error.value)) and "sentence or two" in str(error.value)
    with pytest.raises(InvalidStoryError) as error:
        session.plan("A fox finds a lantern", frames=13)
    assert one_sentence(str(error.value))


@pytest.mark.parametrize("changes", [{"steps": None}, {"width": 5}, {"seed": "seven"}, {"guidance": "high"}])
def test_wrong_typed_settings_get_one_sentence_and_change_nothing(folder, changes):
    live = open_session(folder)
    before = live.story.model_dump()
    with pytest.raises(InvalidStoryError) as error:
        live.update_settings(**changes)
    assert one_sentence(str(error.value)) and "keeps its settings" in str(error.value)
    assert live.story.model_dump() == before


def test_a_revision_of_a_story_without_frames_asks_for_an_idea(tmp_path):
    session = StorySession.create(tmp_path, llm=NO_LLM, generator_provider=lambda: None)
    reply = session.revise("A fox finds a lantern")
    assert reply.question and "no frames yet" in reply.text
    session.discard()
    assert not session.story_dir.exists()
