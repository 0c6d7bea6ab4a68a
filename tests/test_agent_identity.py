"""The deterministic identity and title read from the idea, and the checks on LLM identities and titles."""


from language.identity import Look, identity_problem, read_look, title_problem


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





def test_title_that_is_the_idea_cut_after_its_verb_is_rejected():
    from language.identity import title_problem

    idea = "a small red fox finds a glowing lantern in the forest and follows its light home"
    assert title_problem("A small red fox finds", "fox", idea) == "the idea's first words, cut off after a verb"
    assert title_problem("A Small Red Fox Finds a Glowing Lantern", "fox", idea) is None
    assert title_problem("The Lantern in the Woods", "fox", idea) is None
