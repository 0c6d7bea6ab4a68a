"""The language layer on the real parser (spaCy en_core_web_sm, lemminflect, jieba, CC-CEDICT), through the
real session: ideas keep their subject, events and referents; requests in ordinary words become the edit a
person means, and nothing of the request's own wording reaches a prompt."""

import re

import pytest

from agent.session import NO_LLM, StorySession
from language.planner import plan_story
from language.reading import expand_events, read_idea

BAKER = ("A young baker who opens a tiny bakery on a busy street, burns her first loaf, and wins a baking contest "
         "at the end of summer.")


@pytest.mark.parametrize("idea, subject", [
    ("The journey of a yellow umbrella that is forgotten on a train", "umbrella"),
    ("A day in the life of a busy beekeeper", "beekeeper"),
    ("The adventures of a paper boat that sails down a rainy street", "boat"),
    ("A story about a sleepy owl who wants to see the sunrise just once", "owl"),
    ("My cat Biscuit chases a butterfly across the garden", "cat"),
    ("a red fox loses its scarf in the snow, a crow helps", "fox"),
])
def test_the_main_character_is_found_past_framing_nouns_and_names(idea, subject):
    reading = read_idea(idea)
    assert reading.character.split()[-1] == subject
    story, _ = plan_story(idea, None, frames=4)
    assert subject in story.identity_prompt


def test_pronouns_are_resolved_to_what_they_refer_to():
    reading = read_idea("A girl finds a stray kitten in the rain, dries it with a towel, and lets it sleep on her "
                        "pillow.")
    frames = [event.frame() for event in reading.events]
    assert len(frames) == 3
    assert "kitten" in frames[1] and "kitten" in frames[2] and "towel" not in frames[2]
    seagull = read_idea("An old lighthouse keeper adopts a seagull with a broken wing, nurses it through winter, "
                        "and watches it fly away in spring.")
    assert all("seagull" in event.frame() for event in seagull.events)
    fisherman = read_idea("An old fisherman rescues a dolphin tangled in a net and it guides him home")
    assert fisherman.events[-1].frame().startswith("the dolphin guiding the old fisherman")


def test_extra_beats_come_from_the_ideas_own_world():
    reading = read_idea("A little robot finds a seed in a ruined city and grows a garden")
    frames = [event.frame() for event in expand_events(reading, 4)]
    assert len(frames) == 4 and len(set(frames)) == 4
    for frame in frames:
        assert {"city", "seed", "garden"} & set(re.findall(r"[a-z]+", frame))
    owl = [e.frame() for e in expand_events(read_idea("A sleepy owl wants to see the sunrise"), 2)]
    assert owl[1].startswith("seeing the sunrise")  # the wish comes true next


def test_plans_are_grammatical_and_captions_are_sentences():
    story, _ = plan_story(BAKER, None, frames=5)
    for frame in story.frames:
        assert not re.match(r"^(of|that|which|who|and|to|but)\b", frame.prompt)
        assert not {"she", "her", "he", "his", "it", "its", "they"} & set(re.findall(r"[a-z]+", frame.prompt))
        assert frame.caption[:1].isupper() and frame.caption.endswith(".")
    assert not BAKER.lower().startswith(story.title.lower()) and len(story.title.split()) <= 8


def planned_session(folder, idea: str, frames: int) -> StorySession:
    """A saved session on the parser's plan of `idea`, storyboard cards, no LLM."""
    story, _ = plan_story(idea, None, frames=frames)
    session = StorySession(folder, story, llm=NO_LLM, generator_provider=lambda: None)
    session.save()
    return session


@pytest.fixture
def baker(tmp_path):
    return planned_session(tmp_path / "s", BAKER, 5)


def _prompts(session):
    return [f.prompt for f in session.story.frames]


@pytest.mark.parametrize("message, check", [
    ("make the bakery green", lambda before, s: any("green bakery" in p for p in _prompts(s))),
    ("set every picture at night", lambda before, s: all("at night" in p for p in _prompts(s))),
    ("can you make frame 3 more dramatic?", lambda before, s: "dramatic" in _prompts(s)[2]
     and _prompts(s)[:2] == before[:2] and "can you" not in _prompts(s)[2]),
    ("I don't like frame 4, make it happier", lambda before, s: "happy" in _prompts(s)[3]
     and "like" not in _prompts(s)[3]),
    ("put frame 5 first", lambda before, s: _prompts(s)[0] == before[4]),
    ("delete the last two frames", lambda before, s: _prompts(s) == before[:3]),
    ("add a picture after frame 2 where she kneads dough", lambda before, s: _prompts(s)[2].startswith("kneading")),
    ("switch to pixel art", lambda before, s: s.story.style == "pixel"),
    ("call the story Flour and Fire", lambda before, s: s.story.title == "Flour and Fire"),
    ("give her round glasses", lambda before, s: "round glasses" in s.story.identity_prompt),
    ("the baker should be an old man", lambda before, s: s.story.identity_prompt.startswith("an old man")),
    ("把第二帧改成夜晚", lambda before, s: "night" in _prompts(s)[1] and _prompts(s)[0] == before[0]),
    ("make the ending more dramatic", lambda before, s: "dramatic" in _prompts(s)[4] and _prompts(s)[:4] == before[:4]),
    ("put the last picture first", lambda before, s: _prompts(s)[0] == before[4]),
    ("frame 5 should show her waving goodbye", lambda before, s: "waving goodbye" in _prompts(s)[4]),
    ("make her hold a lantern in frame 1", lambda before, s: "holding a lantern" in _prompts(s)[0]),
    ("make the baker older", lambda before, s: s.story.identity_prompt.startswith("an old baker")),
    ("keep frame 2, I love it", lambda before, s: s.story.frames[1].locked),
])
def test_requests_in_ordinary_words(baker, message, check):
    before = _prompts(baker)
    reply = baker.revise(message)
    assert reply.question is None, reply.text
    assert check(before, baker)
    reopened = StorySession.open(baker.story_dir, llm=NO_LLM)  # saved after the change
    assert reopened.story.frames == baker.story.frames


def test_only_the_named_frame_re_renders(baker):
    baker.render()
    reply = baker.revise("frame 3 feels too sad, cheer it up")
    assert reply.to_render == [2] and reply.changed == [2]


def test_impossible_and_ambiguous_requests_change_nothing(baker):
    before = baker.story.model_dump()
    reply = baker.revise("change the ninth frame to winter")
    assert reply.question and "no frame 9" in reply.text and "5 frames" in reply.text
    reply = baker.revise("make it blue")
    assert reply.question
    assert baker.story.model_dump() == before


def test_undo_in_words_goes_back(baker):
    before = _prompts(baker)
    baker.revise("frame 2: at night")
    assert _prompts(baker) != before
    assert baker.revise("never mind, go back").question is None
    assert _prompts(baker) == before


@pytest.mark.parametrize("idea, subject, things", [
    ("一个小男孩在山顶放风筝，风筝断了线，他追着风筝跑到了村子里。", "boy", {"kite", "hilltop", "village"}),
    ("一位老渔夫救了一只被渔网缠住的海豚，海豚带他穿过风暴回家。", "fisherman", {"dolphin", "net", "storm"}),
    ("一只小猫在花园里种了一朵向日葵。", "cat", {"sunflower", "garden"}),
])
def test_chinese_ideas_keep_their_world_and_captions(idea, subject, things):
    story, _ = plan_story(idea, None, frames=5)
    assert subject in story.identity_prompt  # words outside the glossary come from CC-CEDICT ("渔夫")
    assert len(story.frames) == 5
    text = " ".join(f.prompt for f in story.frames)
    assert things & set(re.findall(r"[a-z]+", text))
    for frame in story.frames:
        assert re.search(r"[\u4e00-\u9fff]", frame.caption), frame.caption  # every caption in the idea's language
    assert len({f.prompt for f in story.frames}) == 5


def _capable_session(tmp_path, *replies):
    import json

    from llm.chat import FakeLLM

    story, _ = plan_story(BAKER, None, frames=5)
    llm = FakeLLM([json.dumps(r) for r in replies])
    llm.compact_prompts = False  # a capable GGUF: asked for what the parser cannot read
    session = StorySession(tmp_path / "c", story, llm=llm, generator_provider=lambda: None)
    session.save()
    return session, llm


def test_a_capable_model_reads_what_the_parser_cannot_in_the_same_operations(tmp_path):
    session, llm = _capable_session(tmp_path, {"ops": [
        {"kind": "rewrite", "prompts": {"1": "spotting a tiny bakery on a busy street in Paris",
                                        "2": "opening a tiny bakery on a busy street in Paris"},
         "what": "the story moves to Paris"}], "question": ""})
    before = _prompts(session)
    reply = session.revise("let the whole thing happen somewhere in France, Paris maybe")
    assert reply.question is None
    assert _prompts(session)[:2] != before[:2] and _prompts(session)[2:] == before[2:]
    assert all("Paris" in p for p in _prompts(session)[:2])  # 1-based numbers from the model, 0-based ops
    messages, schema = llm.calls[0]
    assert set(schema["$defs"]) >= {"RewriteFrames", "InsertFrame", "Undo"}  # the union, grammar-constrained
    assert "kind" in schema["$defs"]["AddText"]["required"]
    assert all(f'"{kind}"' in messages[0]["content"] for kind in ("rewrite", "insert", "undo"))  # from the table


def test_the_parser_answers_first_and_the_model_is_not_asked(tmp_path):
    session, llm = _capable_session(tmp_path)
    session.revise("make it rain in all the frames")
    assert llm.calls == [] and all("rain" in p for p in _prompts(session))


@pytest.mark.parametrize("reply", [
    {"ops": [{"kind": "remove", "frame": 2}], "question": ""},  # removes without being asked to
    {"ops": [{"kind": "add_text", "frame": 9, "text": "at night"}], "question": ""},  # no frame 9
    {"ops": [{"kind": "add_text", "frame": 1, "text": "frame 2 should be darker"}], "question": ""},  # wording
])
def test_a_model_answer_that_cannot_be_trusted_changes_nothing(tmp_path, reply):
    session, _ = _capable_session(tmp_path, reply)
    before = session.story.model_dump()
    answer = session.revise("let the whole thing happen somewhere in France, Paris maybe")
    assert answer.question and session.story.model_dump() == before


def test_a_model_question_is_passed_on(tmp_path):
    session, _ = _capable_session(tmp_path, {"ops": [], "question": "Which part of France: Paris or Nice?"})
    assert session.revise("let the whole thing happen somewhere in France").question == \
        "Which part of France: Paris or Nice?"


@pytest.mark.parametrize("idea, expected", [
    # number agreement: "them" is the cookies, not the house
    ("A detective dog searches the whole house for the missing cookies and finds them under the sofa",
     ["searching the whole house for the missing cookies", "finding the missing cookies under the sofa"]),
    # "they" is the character and the other one; "until" starts its own moment
    ("A shy dragon lives in a cave. One day a knight comes and they become friends.",
     ["living in a cave", "a knight coming", "becoming friends with the knight"]),
    ("An old woman plants a tiny seed and waters it every day until it grows into a giant beanstalk",
     ["planting a tiny seed", "watering the tiny seed every day", "the tiny seed growing into a giant beanstalk"]),
])
def test_clauses_and_referents_of_a_story(idea, expected):
    assert [event.frame() for event in read_idea(idea).events] == expected


def test_only_a_wish_comes_true_by_itself():
    taught = expand_events(read_idea("A boy builds a robot and teaches it to dance"), 4)
    assert not any(e.frame() == "dancing" for e in taught)  # the robot dances, not the boy
    refused = expand_events(read_idea("A cat refuses to come down from the tree"), 3)
    assert not any(e.frame().startswith("coming down") for e in refused)


@pytest.mark.parametrize("idea, subject, frames", [
    ("Once upon a time there was a princess who hated dresses and wanted to become a knight", "the princess",
     ["hating dresses", "wanting to become a knight"]),  # no "being a princess", no "Once upon a time"
    ("In a small village lived a baker named Rosa. Every morning she baked bread for her neighbours.", "Rosa",
     ["living in a small village", "baking bread for the neighbours every morning"]),  # inverted subject
    ("Two brothers build a treehouse in their garden", "the two brothers",
     ["building a treehouse in the garden"]),  # a plural character: "their" is theirs
    ("It was snowing when the old postman delivered the last letter", "the old postman",
     ["delivering the last letter, in the snow"]),  # weather sets the scene
    ("A girl and her dog explore an abandoned castle", "the girl",
     ["exploring an abandoned castle with the dog"]),  # a companion comes along
    ("A tiny turtle races a rabbit across the meadow", "the tiny turtle",
     ["racing a rabbit across the meadow"]),  # a verb the tagger read as a plural noun
    ("My grandmother's cat Mochi climbs the tallest tree", "Mochi", ["climbing the tallest tree"]),
])
def test_story_sentences_as_people_write_them(idea, subject, frames):
    reading = read_idea(idea)
    assert reading.subject == subject
    assert [event.frame() for event in reading.events] == frames


FISHING = "A little girl and her grandfather go fishing on a quiet lake, catch a golden fish, and let it go."


@pytest.fixture
def fishing(tmp_path):
    return planned_session(tmp_path / "f", FISHING, 4)


@pytest.mark.parametrize("message, check", [
    ("make the fish purple", lambda before, s: "purple fish" in _prompts(s)[1] and "fishing" in _prompts(s)[0]
     and "purple" not in _prompts(s)[0]),  # the fish, not "fishing"
    ("turn the lake into a river", lambda before, s: "river" in _prompts(s)[0] and "lake" not in _prompts(s)[0]),
    ("replace the golden fish with a turtle", lambda before, s: all("fish " not in p for p in _prompts(s)[1:])),
    ("make the grandfather wear a straw hat", lambda before, s: "grandfather wearing a straw hat" in _prompts(s)[0]),
    ("add one more picture at the end where they eat dinner together",
     lambda before, s: len(_prompts(s)) == 5 and _prompts(s)[4].startswith("eating dinner")),
    ("add a scene where they have lunch on the boat",  # "have" is the scene here, not "have him do …"
     lambda before, s: len(_prompts(s)) == 5 and _prompts(s)[4].startswith("having lunch on the boat")),
    ("add a frame between 2 and 3 showing a storm coming",
     lambda before, s: len(_prompts(s)) == 5 and "storm" in _prompts(s)[2]),
    ("remove everything after frame 2", lambda before, s: _prompts(s) == before[:2]),
    ("give frame 4 a rainbow in the sky", lambda before, s: _prompts(s)[3].endswith("a rainbow in the sky")),
    ("change frame 1 to the girl packing her fishing rod",
     lambda before, s: _prompts(s)[0].startswith("packing the fishing rod")),
    ("把最后一帧改成晚上", lambda before, s: "in the evening" in _prompts(s)[3]),
    ("把主角改成小男孩", lambda before, s: s.story.identity_prompt.startswith("a boy")),
    ("风格改成动漫", lambda before, s: s.story.style == "anime"),
])
def test_more_requests_in_ordinary_words(fishing, message, check):
    before = _prompts(fishing)
    reply = fishing.revise(message)
    assert reply.question is None, reply.text
    assert check(before, fishing), _prompts(fishing)


@pytest.mark.parametrize("idea, inner", [
    ("The lonely scarecrow makes friends with the crows he is supposed to scare away", "crows he is supposed"),
    ("An old fisherman remembers the storm he survived as a boy", "storm he survived"),
])
def test_the_subject_of_an_inner_clause_stays_a_subject(idea, inner):
    """The main character as subject inside a relative clause is "he"/"she", never "himself"/"herself"."""
    story, _ = plan_story(idea, None, frames=4)
    text = " ".join(f.prompt + " " + f.caption for f in story.frames)
    assert inner in text and not any(word in text.split() for word in ("himself", "herself", "itself"))
