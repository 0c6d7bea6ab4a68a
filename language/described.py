"""Looks read from a description's words ("a young tightrope walker with long silver braids, wearing a sparkly
purple leotard"): the kind with its words, the adjectives, the hair, what it wears and carries, its features."""

from __future__ import annotations

import re

from language.lexicon import EN, entries
from language.looks import Looks, _item_noun
from language.phrases import render
from language.tools import lemma_of, parse


def read_looks(text: str) -> Looks:
    """The looks a description or an idea's words give: "a little girl with curly brown hair, wearing a green
    raincoat and black boots, holding a lantern, with freckles"."""
    doc = parse(text)
    chunks = list(doc.noun_chunks)  # "diver/VERB with a green wetsuit", "little girl with red hair and yellow
    if len(doc) > 1 and (doc[-1].tag_ == "VBZ" or not chunks):  # "a baby triceratops/VBZ",
        doc = parse(f"{text} is here")[:len(doc)]  # "a little hedgehog/JJ": said as a subject, a noun
    elif len(doc) > 1 and (doc[0].pos_ == "VERB" and doc[0].tag_ != "VBG" or doc[0].pos_ in (  # dungarees/ROOT":
            "ADJ", "NOUN") and chunks[0].root.dep_ != "ROOT" and doc[0].tag_ != "NNS"):  # said with "a"
        doc = parse(f"a {text}")
    chunks = list(doc.noun_chunks)
    if not chunks:
        return Looks(kind=text.strip() or "character")
    head = chunks[0]
    if head.root.dep_ == "nsubj" and head.root.head.pos_ == "NOUN" and head.root.head.i == head.end:
        head = doc[head.start:head.end + 1]  # "a young tightrope/nsubj walker/ROOT": one noun phrase
    adjectives = [t.text for t in head if t.i < head.root.i and (t.dep_ in (
        "amod", "compound", "nmod", "nummod", "npadvmod") or t.dep_ == "nsubj" and t.head == head.root)]
    kind = " ".join(t.text for t in head if t.i >= head.root.i) or head.root.text
    adjectives = [a.lower() if a.lower() in EN.numbers or a[:1].isupper() and head.root.pos_ != "PROPN" else a
                  for a in adjectives]
    years = re.search(r"\b(\w+)[- ]years?[- ]old\b", text)
    if years:  # "a nine-year-old boy": the age, not the word "old"
        number = int(years.group(1)) if years.group(1).isdigit() else EN.numbers.get(years.group(1).lower(), 8)
        age = "little" if number < 8 else "" if number < 13 else "teenage" if number < 20 else \
            "young" if number < 35 else "old" if \
            number > 60 else ""
        adjectives = [a for a in adjectives if not re.search(r"year|old|^\w+-$", a) and a.lower() not in EN.numbers]
        adjectives = ([age] if age else []) + adjectives
    adjectives = [_plain(a) for a in adjectives]
    looks = Looks(kind=_kind_words(adjectives, kind), adjectives=[a for a in adjectives if a.lower() not in
                                                                  _kind_words(adjectives, kind).split()])
    taken: set[int] = set()
    for chunk in chunks[1:]:
        if chunk.root.i in taken:
            continue
        phrase = render(chunk, {t.i for t in chunk if t.lower_ in ("his", "her", "its", "their")})
        if chunk[0].pos_ not in ("DET", "NUM", "PRON") and chunk.root.tag_ == "NN":  # "… and blue cap"
            phrase = f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"
        noun = _item_noun(chunk.text)
        if noun in entries("hair_words"):
            looks.hair = render(chunk, {t.i for t in chunk if t.pos_ in ("DET", "PRON")})
        elif noun in EN.clothing or noun in EN.carried or _worn(chunk.root):
            looks.put_on(phrase, worn=True)
        elif chunk.root.dep_ in ("pobj", "conj") and any(t.lower_ == "with" for t in doc[head.end:chunk.start]) and (
                chunk.root.dep_ == "conj" or chunk.root.head.head == head.root):  # "… and a sparkly leotard"
            listed = {t.i for c in chunk.root.children if c.dep_ in ("conj", "cc", "punct") for t in c.subtree}
            whole = [t for t in chunk.root.subtree if t.i not in listed]  # "with one wheel", "with a gap in her
            # teeth": what it has ("with a white beard, a navy peacoat and a red hat": each its own)
            looks.features.append(render(whole))
            taken |= {t.i for t in whole}
        elif noun in EN.features:
            looks.put_on(phrase)
    for token in (t for t in doc if t.i > head.root.i and t.pos_ == "NOUN" and not any(t in c for c in chunks)):
        if token.lemma_ in EN.clothing or token.lemma_ in EN.carried:  # "…, wearing round glasses and a purple
            looks.put_on(render([t for c in token.children if c.i < token.i and c.dep_ in (  # cardigan/ROOT"
                "det", "amod", "compound", "nummod") for t in c.subtree] + [token]))
    return looks


def _plain(adjective: str) -> str:
    """"oldest" → "old", "bravest" → "brave": a description, not a comparison."""
    from lemminflect import getAllLemmas

    known = getAllLemmas(adjective.lower())  # "firefighter", "baker" are nouns, no comparison
    return lemma_of(adjective, "ADJ") if "ADJ" in known and "NOUN" not in known and len(adjective) > 4 and \
        adjective.lower().endswith(("est", "er")) else adjective


def _kind_words(adjectives: list[str], kind: str) -> str:
    """The kind with the words that belong to it ("teddy bear", "baby otter", "lighthouse keeper")."""
    words = [a for a in adjectives if a.lower() in ("baby", "teddy") or (a[:1].islower() and a.lower() in EN.kinds
                                                                          and a.lower() not in EN.ages)]
    return " ".join(words + [kind])


def _worn(noun) -> bool:
    """Whether a noun is what a "wearing" says is worn ("wearing a purple tutu and a tiara"), known or not."""
    while noun.dep_ == "conj":
        noun = noun.head
    return noun.dep_ == "dobj" and noun.head.lemma_ == "wear"


def look_clause(looks, features: list[str] = ()) -> str:
    """", the white otter wearing a red bow tie": a member's colour, hair and what it wears, said in its frames,
    and the `features` just given to it ("with antennas")."""
    colour = [a for a in looks.adjectives if a.lower() in set(EN.colours) | set(EN.colour_modifiers) | set(EN.shapes)]
    worn = [*looks.wears.values(), *looks.carries]
    has = [looks.hair] * bool(looks.hair) + list(features)
    if not colour and not worn and not has:
        return ""
    clause = ", " + " ".join(["the", *colour, looks.kind.split()[-1]]) + (f" with {' and '.join(has)}" if has else "")
    return clause + (f" wearing {' and '.join(worn)}" if worn else "")
