"""The deterministic identity and title read from the idea, and the checks on LLM identities and titles."""

import pytest

from agent.events import analyse_idea, identity_from_analysis
from agent.identity import Look, identity_problem, read_look, title_problem


@pytest.mark.parametrize(("idea", "identity"), [
    ("a red fox loses its scarf in the snow, a crow helps",
     "a young red fox, wearing a red scarf, with bright round eyes"),
    ("an old sailor in a yellow raincoat and blue cap rescues a seagull",
     "an old sailor, with grey hair, wearing a yellow raincoat and a blue cap"),
    ("a knight in shining silver armour fights a dragon",
     "a knight in his twenties, with straight blond hair, wearing shining silver armour"),
    ("a little old woman with a white hat bakes bread for the village",
     "a little old woman, with grey hair, wearing a white hat"),
    ("a young astronaut in an orange spacesuit lands on mars",
     "a young astronaut, with short brown hair, wearing an orange spacesuit"),
    ("a fluffy white bunny wearing a blue bow tie hops to a party",
     "a young fluffy white bunny, wearing a blue bow tie, with bright round eyes"),
    ("a boy wearing glasses and red boots reads in the library",
     "a boy about eight years old, with curly black hair, wearing glasses and red boots"),
    ("a rusty robot with one wheel learns to paint sunsets",
     "a rusty robot, with one wheel, in purple and black tones, with a friendly expressive face"),
    ("a girl with a green umbrella walks to school in the rain",
     "a girl about eight years old, with long red hair, wearing a green jacket and orange boots, "
     "holding a green umbrella"),
    ("two brothers build a treehouse",
     "a brother about ten years old, with curly black hair, wearing a grey jacket and yellow boots"),
])
def test_identity_keeps_what_the_idea_says_about_the_character(idea, identity):
    analysis = analyse_idea(idea, 4)
    assert identity_from_analysis(analysis) == identity
    assert identity_problem(identity, analysis.look) is None  # our own identity passes the LLM check


@pytest.mark.parametrize(("idea", "title"), [
    ("a red fox loses its scarf in the snow, a crow helps", "A Red Fox Loses Its Scarf"),
    ("dragon", "The Dragon's Adventure"),
    ("🐧🎈🏔️🌈", "The Penguin and the Balloon"),
    ("an old sailor in a yellow raincoat and blue cap rescues a seagull", "An Old Sailor in a Yellow Raincoat"),
])
def test_deterministic_titles(idea, title):
    assert analyse_idea(idea, 4).title == title


def test_descriptions_that_are_not_about_the_character_are_left_out():
    look = read_look("a cat and a hat sit by the door", "cat", "")
    assert (look.clothing, look.held, look.features) == ([], [], [])


def test_identity_and_title_checks():
    look = Look(noun="fox", adjectives=["red"], clothing=["scarf"])
    assert identity_problem("A Fox's Cradle", look) == "too short"
    assert identity_problem("A Young Red Fox Wearing A Red Scarf", look) == "a title, not a description"
    assert identity_problem("a young red fox wearing a red scarf and boots", look) is None
    assert identity_problem("a fox with bright eyes and a bushy tail", Look(noun="fox")) == "no colour, age or clothing"
    assert identity_problem("a young fox with bright eyes and a bushy tail", Look(noun="fox")) is None
    assert title_problem("The Cat's Cradle", "fox", "a red fox loses its scarf") == "names a cat, not the fox"
    assert title_problem("Two Foxes in the Snow", "fox", "a red fox loses its scarf") is None
    assert title_problem("The Crow Helps", "fox", "a red fox loses its scarf, a crow helps") is None


def test_roles_wear_their_outfit_and_emoji_roles_are_read_whole():
    assert identity_from_analysis(analyse_idea("astronaut", 4)).endswith(
        "wearing a white spacesuit and a round glass helmet")
    analysis = analyse_idea("👩‍🚀🌕🐶", 4)
    assert (analysis.character, analysis.title) == ("astronaut", "The Astronaut and the Full Moon")


def test_beats_read_as_scenes():
    # a Chinese clause with only an action happens where the previous clause was
    assert analyse_idea("小熊猫在山上遇到一只老虎，它们一起唱歌。", 4).beats[1:3] == [
        "meeting a tiger on a mountain top", "singing on a mountain top"]
    # a leading "and" left by the removed subject goes; captions end with a full stop, not a semicolon
    analysis = analyse_idea("A boy named Leo and his cat Mimi explore an old castle. They find a secret door.", 4)
    assert analysis.beats[1] == "his cat Mimi explore an old castle"
    captions = analyse_idea("The knight rides out at dawn; the dragon waits in the cave", 4).captions
    assert captions[1:3] == ["The knight rides out at dawn.", "The dragon waits in the cave"]


def test_the_characters_own_verbs_become_gerunds():
    from agent.events import gerund
    assert [gerund(w) for w in "loses flies reaches hops rescues dances waits opens sees fixes".split()] == [
        "losing", "flying", "reaching", "hopping", "rescuing", "dancing", "waiting", "opening", "seeing", "fixing"]
    analysis = analyse_idea("A lonely lighthouse keeper named Ada finds a message. The message asks for help.", 2)
    assert analysis.beats == ["finding a message", "The message asks for help"]  # only the character's verbs
    assert analysis.actions == {"finds"}


def test_title_that_is_the_idea_cut_after_its_verb_is_rejected():
    from agent.identity import title_problem

    idea = "a small red fox finds a glowing lantern in the forest and follows its light home"
    assert title_problem("A small red fox finds", "fox", idea) == "the idea's first words, cut off after a verb"
    assert title_problem("A Small Red Fox Finds a Glowing Lantern", "fox", idea) is None
    assert title_problem("The Lantern in the Woods", "fox", idea) is None
