"""The one caption builder: a frame text becomes the sentence a reader sees under the picture.

"waving goodbye from the boat" → "Juno waves goodbye from the boat." (the main character by name, else "The
girl"); "a heron chasing the girl" → "A heron chases the girl."; "a sunrise over the river" → "A sunrise over the
river.". Ideas build their captions from the clause itself (`language.phrases.caption`); this is for texts that
come without one (a new frame, a frame's new text).
"""

from __future__ import annotations

from language.characters import main_character
from language.phrases import render, sentence
from language.tools import inflect, lemma_of, parse


def subject_of(story) -> str:
    """How captions name the main character: its name, else "the <kind>"."""
    cast = getattr(story, "cast", None) or []
    if cast and cast[0].name:  # the name the person gave ("call him Leo")
        return cast[0].name
    character = main_character(story)
    named = sorted(n for n in character.names if n[:1].isalpha() and n not in character.looks.kind.lower().split())
    return named[0].title() if named else f"the {character.looks.kind}"


def caption_for(text: str, story) -> str:
    """A reader's sentence for a frame text (`story` says who the main character is)."""
    doc = parse(text.split(",")[0].strip())
    if not len(doc):
        return ""
    first = doc[0]
    if first.tag_ == "VBG" or first.lower_.endswith("ing") and first.pos_ in ("VERB", "NOUN") and lemma_of(
            first.lower_) != first.lower_:  # "drinking/NN coffee in her kitchen": a gerund all the same
        return sentence(f"{subject_of(story)} {render(doc, replace={first.i: inflect(lemma_of(first.lower_), 'VBZ')})}")
    verb = next((t for t in doc if t.tag_ == "VBG" and t.dep_ in ("acl", "ROOT", "amod") and t.i > 0), None)
    if verb is not None and doc[verb.i - 1].pos_ in ("NOUN", "PROPN"):
        return sentence(render(doc, replace={verb.i: inflect(verb.lemma_, "VBZ")}))
    return sentence(text)
