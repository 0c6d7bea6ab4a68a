"""What takes the place of something shown in the frames: "replace X with Y", "X could be Y", "Y instead of X",
"swap X for Y", "turn X into Y", "make the goat a big llama", "instead of a village fair, … a busy market"."""

from __future__ import annotations

import re

from language.lexicon import EN
from language.phrases import render
from language.tools import parse


def replacement(doc, story, character) -> tuple[str, str]:
    """(a noun shown in the frames, the noun phrase that takes its place) for "replace X with Y", "X could be Y",
    "Y instead of X", "swap X for Y", "turn X into Y"; ("", "") when the request says no such thing."""
    shown = {t.lemma_.lower() for f in story.frames for t in parse(f.prompt) if t.pos_ in ("NOUN", "PROPN")}
    cast = {word.lower() for member in getattr(story, "cast", None) or [] for word in (member.name or "").split()}

    def phrase(token, old: set[int]) -> str:
        stop = next((t.i for t in doc[token.i + 1:] if t.lower_ in ("instead", "rather", "not", ",") or t.lower_
                     == "in" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "place"), len(doc))  # "a station
        # instead of…", "pears, not apples"
        return render([t for t in token.subtree if (t.dep_ not in ("relcl", "prep", "acl") or t == token)
                       and t.i < stop and t.i not in old], {t.i for t in token.subtree if t.dep_ == "det"})

    for token in doc:
        if token.pos_ != "NOUN" or token.lemma_.lower() in shown or character.names_it(token.lemma_) or \
                token.lemma_.lower() in EN.generic_nouns or token.lower_ in EN.colours:
            continue  # "orange is such an ugly colour", "make the cat ginger": no new thing
        old = None
        if token.dep_ in ("attr", "oprd") or token.dep_ == "pobj" and token.head.lower_ in ("into", "with", "for"):
            verb = token.head if token.dep_ != "pobj" else token.head.head
            verb = verb.head if verb.pos_ == "NOUN" and verb.dep_ == "dobj" else verb  # "swap the X for a Y"
            old = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj") and (c.pos_ == "NOUN" or
                        c.pos_ == "PROPN" and c.lower_ not in cast) and c.lemma_.lower() in shown), None)  # (a name
            # shown, not the cast's: "Biscuit should be a cat")
        if token.dep_ == "ccomp" and token.head.lemma_ in ("make", "turn"):  # "make the goat a big llama"
            old = next((c for c in token.children if c.dep_ == "nsubj" and c.lemma_.lower() in shown and
                        c.lower_ not in cast), None)
        later = doc[token.i + 1:token.i + 5].text.lower()
        if old is None and (said := re.match(r"^(?:instead of|rather than|in place of|, not|not) ", later)):
            skip = len(parse(said.group(0).strip()))  # "pears, not apples", "a hammock instead of the fire"
            old = next((t for t in doc[token.i + 1 + skip:] if t.pos_ == "NOUN" and t.lemma_.lower() in shown), None)
        lead = re.match(r"^(?:instead of|rather than|in place of) ", doc[:token.i].text.lower())
        if old is None and lead and token.dep_ in ("attr", "dobj", "oprd"):  # "instead of a village fair, the
            said = [t for t in doc[len(lead.group(0).split()):token.i]]  # last picture should be a busy market"
            said = said[:next((i for i, t in enumerate(said) if t.is_punct), len(said))]
            frames = " ".join(f.prompt.lower() for f in story.frames)
            old = said[-1] if said and re.search(rf"\b{re.escape(said[-1].lower_)}\b", frames) else None
        said = phrase(token, {t.i for t in old.subtree}) if old is not None and not character.names_it(
            old.lemma_) else ""  # "the girl should be a boy": her kind, not a thing
        if said:
            return old.text if old.pos_ == "PROPN" else old.lemma_.lower(), said
    return "", ""
