"""What a request changes in the picture, built into operations: the main character's kind, age or gender
(`kind`), its clothes, hair, features and things (`looks`), a thing the frames show (`thing`) and a thing
replaced by another (`replace`). Each builder is named by a row of the operation table (`operations.yaml`)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from core import edits
from language.characters import Character, cast_characters
from language.described import look_clause
from language.lexicon import EN, word_set
from language.looks import regendered
from language.parts import Parts, Value
from language.phrases import describe_thing, dress_thing, mentions, replace_thing, without_thing

OUT_WORDS = re.compile(r"\b(?:out|without|not|no|never|leave|remove|drop|exclude|minus)\b|n't|"
                       r"不要|去掉|拿掉|删掉|不出现|没有|别")  # taken out of a frame, not put in

@dataclass
class Parsed:
    """Operations for a request, or a question (with answers as buttons) and nothing to do."""

    ops: list = field(default_factory=list)
    question: str | None = None
    choices: list[str] = field(default_factory=list)


def ask(question: str, choices: list[str] | None = None) -> Parsed:
    return Parsed(question=question, choices=choices or [])


def member_of(parts: Parts, story) -> Character:
    """The character a change is about: the cast member the request names, else the main character."""
    characters = cast_characters(story)
    return next((c for c in characters if c.id == parts.member), characters[0])


def _described(parts: Parts, story, looks) -> Parsed:
    """A character's new description (the main one's is the story's identity, as before casts); in a cast whose
    prefix would pass its token budget, the description's words only (`Looks.text(compact=True)`)."""
    from generator.tokens import CAST_TOKEN_BUDGET, count_clip_tokens
    from language.cast_fit import make_room

    member = parts.member if parts.member and parts.member != story.cast[0].id else story.cast[0].id
    text = looks.text()
    if len(story.cast) > 1:
        others = sum(count_clip_tokens(p.text) for p in story.identity_pieces() if p.character != member)
        text = text if others + count_clip_tokens(f"{text},") <= CAST_TOKEN_BUDGET else looks.text(compact=True)
        asked = {noun for _, noun in parts.items}
        while others + count_clip_tokens(f"{text},") > CAST_TOKEN_BUDGET and make_room(looks, asked):
            text = looks.text(compact=True)  # "ava should wear a red sun hat": her coat goes, the hat stays
    handle = _handle(next(m for m in story.cast if m.id == member), looks) if len(story.cast) > 1 else None
    if member != story.cast[0].id:
        return Parsed([edits.DescribeCharacter(character=member, text=text, handle=handle)])
    return Parsed([edits.SetIdentity(text=text, handle=handle)])


def _handle(member, looks) -> str | None:
    """A cast member's new handle when its kind changed ("the girl" made a boy is "the boy"), else None."""
    from language.described import read_looks

    old, new, words = read_looks(member.description).kind.split()[-1:], looks.kind.split()[-1:], member.handle.split()
    if not old or not new or old == new or not words or words[-1].lower() != old[0].lower():
        return None
    return " ".join([*words[:-1], new[0]])


def targets(parts: Parts, story, every_by_default: bool = True) -> list[int]:
    """The frames a change is for: those named, else every frame (locked ones keep their picture)."""
    named = parts.frames.indices(len(story.frames))
    if named and not (parts.frames.everything or parts.frames.rest):
        return named
    chosen = named or (list(range(len(story.frames))) if every_by_default else [])
    return [i for i in chosen if not story.frames[i].locked]


def change_kind(parts: Parts, story) -> Parsed | None:
    """What the main character is: a new kind ("a raccoon", "a boy"), an age ("a teenager", "older") or a gender;
    its clothes and things stay, and frames that call it by its old kind ("the girl") follow."""
    looks = member_of(parts, story).looks
    before, old = copy.deepcopy(looks), looks.kind.split()
    said = sorted([v for v in parts.values.get("kinds", [])] + [v for v in parts.values.get("gender_words", [])
                                                                if v.word in word_set("person_nouns")],
                  key=lambda v: v.start)
    kinds = [v.word for v in said if v.word.lower() not in {w.lower() for w in old}]  # "turn the girl into…": not
    # the word it is called by
    ages, gender = parts.values.get("ages", []), parts.first("gender_words")
    age = next((v for v in ages if not EN.ages.get(v.word, {}).get("step")), ages[0] if ages else None)  # "older,
    # a teenager": the age said, not the step
    person_nouns = word_set("person_nouns")
    if kinds and kinds[-1] in EN.ages and any(w.lower() in person_nouns for w in old):  # a girl, not a baker
        kinds, age = [], Value("ages", kinds[-1])  # "a teenager": an age
    if kinds:
        word = kinds[-1]
        aged = any(w in EN.ages for w in word.split())  # "长大一点，变成十几岁的少女": the age is in the kind
        adjectives = [v.word for k in ("sizes", "colours", "ages") for v in parts.values.get(k, []) if not (
            aged and k == "ages")]  # a teenage girl says her age: no "grown-up" on top
        person_part = next((w for w in old if w in person_nouns), None)
        if word in person_nouns and person_part and len(old) > 1:  # "girl astronaut" → "boy astronaut"
            looks.kind = looks.kind.replace(person_part, word)
            looks.adjectives = [a for a in looks.adjectives if a.lower() not in EN.ages] + adjectives
        elif word in EN.gender_words and looks.info.get("type") == "person" and not person_part and not ages and \
                looks.gender != EN.gender_words[word] and EN.kinds.get(word, {}).get("age") == "adult":  # "make the
            # potter a woman": still a potter
            looks.gender_to(EN.gender_words[word])
        else:
            looks.become(word, adjectives)
    elif age:
        looks.age_to(age.word)
    elif gender and looks.info.get("type") != "person":  # "make Tembo a female elephant": still an elephant
        sex = EN.gender_words[gender.word]
        looks.adjectives = [a for a in looks.adjectives if a not in ("male", "female")] + [sex]
    elif gender:
        looks.gender_to(EN.gender_words[gender.word])
    looks.drop_grown_man_features()
    ops = _described(parts, story, looks).ops
    if parts.member and parts.member != story.cast[0].id:
        return _mirrored(Parsed(ops), story, parts.member, before, looks)
    new_head, gender = looks.kind.split()[-1], looks.gender if looks.gender != before.gender else None
    prompts = {i: re.sub(rf"\bthe {re.escape(old[-1])}\b", f"the {new_head}", f.prompt)
               for i, f in enumerate(story.frames)}
    prompts = {i: regendered(p, gender) if gender else p for i, p in prompts.items()}  # "his wheel" → "her wheel"
    if prompts := {i: p for i, p in prompts.items() if p != story.frames[i].prompt}:
        what = f"the {old[-1]} is now the {new_head}" if old[-1] != new_head else \
            f"the captions now say “{EN.pronoun_forms[gender]['possessive']}”"
        ops.append(edits.RewriteFrames(prompts=prompts, what=what))
    return Parsed(ops)


def change_looks(parts: Parts, story) -> Parsed | None:
    """The main character's clothes, hair, features and things: a new item replaces the one in its slot, a
    colour recolours the item it names, "instead of" and "lose" take away, "keep …" leaves things as they are."""
    looks = member_of(parts, story).looks
    before, old = looks.text(), copy.deepcopy(looks)
    removing = "remove" in parts.actions and not parts.content
    worn = looks.text().lower()
    kept = _kept(parts.text)
    for word in list(parts.old) + [EN.removals[v.word] for v in parts.values.get("removals", [])]:
        if (word in EN.clothing or word in EN.features or word in EN.hair_words or word == "curls") and not any(
                word == n for _, n in parts.items):  # "a yellow raincoat than that cardigan": the cardigan first
            looks.take_off(word)
    for phrase, noun in parts.items:
        if noun in kept:
            continue
        if removing:
            looks.take_off(noun)
        elif noun in worn and set(phrase.lower().split()) - {"a", "an", "her", "his", "its", "their"} <= set(
                re.findall(r"[\w-]+", worn)):
            continue  # "make her raincoat yellow", "swap her yellow scarf for…": the one she has, named
        elif noun in EN.hair_words:
            looks.set_hair(phrase)
        else:
            looks.put_on(phrase)
    styles = [v.word for v in parts.values.get("hair_styles", [])]
    if styles and set(re.findall(r"[a-z]+", parts.text.lower())) & set(EN.hair_words):  # "make her hair straight"
        looks.set_hair(" ".join(styles) + " hair")
    named, member = [noun for _, noun in parts.items], member_of(parts, story)
    for value in parts.values.get("colours", []):
        noun = (value.noun if value.noun not in EN.generic_nouns else "") or (named[0] if len(named) == 1 else "") or (
            looks.kind.split()[-1] if parts.member else "")  # "the otter shouldn't be brown, make it white"
        noun = looks.kind.split()[-1] if member.names_it(noun) else noun  # "Bo should be brown": the dog
        if noun and not any(value.word in p for p, _ in parts.items):
            looks.recolour(noun, value.word)
    for kind in ("sizes", "hair_styles", "shapes"):  # "a big fluffy dog": the character itself, one word of a kind
        for value in parts.values.get(kind, []):  # at a time
            if (value.noun and member.names_it(value.noun) or not value.noun and parts.member) and \
                    "hair" not in value.noun:
                same = set(getattr(EN, kind))
                gone = [a for a in looks.adjectives if a.lower() in same]
                looks.adjectives = [a for a in looks.adjectives if a.lower() not in same] + [value.word]
                if kind == "shapes":  # "with a round silver body" follows "round" → "square"
                    looks.features = [re.sub(rf"\b(?:{'|'.join(gone)})\b", value.word, f) if gone else f
                                      for f in looks.features]
    if looks.text() == before:
        return None
    return _mirrored(_described(parts, story, looks), story, parts.member, old, looks)


def _mirrored(parsed: Parsed, story, member: str | None, old, new) -> Parsed:
    """A cast member's changed look said in its frames too, as one clause at the end ("rowing the otter
    downstream, the white otter wearing a red bow tie"; the clause its old look wrote goes first), next to the
    member it is for; the caption keeps to the action. A new kind is named in the frames ("the otter" → "the
    beaver"). The main character's look is the identity alone."""
    from generator.tokens import CLIP_TOKEN_BUDGET, count_clip_tokens

    if not member or member == story.cast[0].id:
        return parsed
    noun, new_noun = old.kind.split()[-1], new.kind.split()[-1]
    before, after = look_clause(old), look_clause(new, [f for f in new.features if f not in old.features])
    described = next(m.description for m in story.cast if m.id == member)
    identity = story.render_identity().replace(described, parsed.ops[0].text)  # the prefix with the new look
    prompts = {}
    for i, frame in enumerate(story.frames):
        if frame.cast is not None and member not in frame.cast:
            continue
        prompt = _recoloured(frame.prompt.replace(before, ""), noun, _colours(old), _colours(new))
        if new_noun != noun:  # "his best friend Marisol" → "his sister Marisol"; "her little white cat", said once
            prompt = re.sub(rf"\b(?:{re.escape(old.kind)}|{re.escape(noun)})\b", lambda m, p=prompt: " ".join(
                [w for w in new.kind.split()[:-1] if w not in p[:m.start()].split()[-3:]] + [new_noun]), prompt)
        if after and after != before or before in frame.prompt:
            prompt += after
        fits = count_clip_tokens(f"{identity} {prompt}") <= CLIP_TOKEN_BUDGET
        if prompt != frame.prompt and fits:
            prompts[i] = prompt
    if prompts:
        parsed.ops.append(edits.RewriteFrames(prompts=prompts, what=f"the frames that show the {new_noun}"))
    return parsed


def _colour_words() -> set[str]:
    return set(EN.colours) | set(EN.colour_modifiers)


def _colours(looks) -> list[str]:
    return [a for a in looks.adjectives if a.lower() in _colour_words()]


def _recoloured(prompt: str, noun: str, old: list[str], new: list[str]) -> str:
    """`prompt` whose words for a member ("her shaggy grey donkey") say its new colour ("her shaggy white donkey")."""
    mention = re.search(rf"\b((?:[\w'-]+\s+){{1,3}}){re.escape(noun)}\b", prompt, re.I)
    if old == new or not mention or not new:
        return prompt
    colours = _colour_words()
    words = mention.group(1).split()
    at = next((i for i, w in enumerate(words) if w.lower() in colours), None)
    if at is None:
        return prompt
    plain = [[w for w in part if w.lower() not in colours] for part in (words[:at], words[at:])]
    words = plain[0] + new + plain[1]
    return prompt[:mention.start()] + " ".join(words) + " " + prompt[mention.end(1):]


def _kept(text: str) -> set[str]:
    """What a request says to keep ("but keep the raincoat and cap")."""
    match = re.search(r"\bkeep(?:ing)?\s+(?:the|her|his|its|their)?\s*(.+)$", text.lower())
    return set(re.findall(r"[a-z]+", match.group(1))) if match else set()


def change_thing(parts: Parts, story) -> Parsed | None:
    thing = parts.thing
    given = {noun for _, noun in parts.items} - {thing}  # "give the goat a red scarf": the scarf is red
    colour = next((v.word for v in parts.values.get("colours", []) if v.word not in parts.old and v.noun not in given
                   and not any(_coloured(f.prompt, v.word, thing) for f in story.frames)), None)
    size = parts.first("sizes")
    material = "" if colour else next((EN.material_forms.get(w, w) for w in re.findall(  # "plain wood?"
        r"[a-z]+", parts.text.lower()) if w in EN.materials and w not in parts.old), "")
    items = [v for k in ("clothing", "carried", "features") for v in parts.values.get(k, []) if v.word != thing]
    kind = parts.first("kinds")
    frames = [i for i in targets(parts, story) if mentions(story.frames[i].prompt, thing)]
    if not frames:
        return None
    prompts, what = {}, ""
    for i in frames:
        prompt = story.frames[i].prompt
        if kind and kind.word != thing:
            prompt, what = replace_thing(prompt, thing, kind.word), f"the {thing} is now a {kind.word}"
        if colour:
            prompt, what = describe_thing(prompt, thing, colour, "colours"), f"the {thing} is {colour}"
        if material:  # "plain wood" for a purple barrow: the material instead of the colour
            prompt, what = describe_thing(prompt, thing, material, "colours"), f"the {thing} is {material}"
        if size:
            prompt, what = describe_thing(prompt, thing, EN.sizes[size.word], "sizes"), f"the {thing} is {size.word}"
        if items:
            phrase = next(p for p, noun in parts.items if noun != thing)
            prompt, what = dress_thing(prompt, thing, phrase), f"the {thing} has {phrase}"
        prompts[i] = prompt
    changed = {i: p for i, p in prompts.items() if p != story.frames[i].prompt}
    return Parsed([edits.RewriteFrames(prompts=changed, what=what)]) if changed else None


def replace_shown(parts: Parts, story) -> Parsed | None:
    old, new = parts.replacement
    named = parts.frames.indices(len(story.frames)) if parts.frames.any else range(len(story.frames))
    prompts = {i: replace_thing(story.frames[i].prompt, old, new.removeprefix("a ").removeprefix("an ")
                                .removeprefix("the ")) for i in named if mentions(story.frames[i].prompt, old)}
    changed = {i: p for i, p in prompts.items() if p != story.frames[i].prompt}
    bare = new.split()[0] not in ("a", "an", "the") and not new.endswith("s")  # "is now a train station"
    said = f"{'the ' * old.islower()}{old} is now " + (f"{'an' if new[0] in 'aeiou' else 'a'} {new}" if bare else new)
    return Parsed([edits.RewriteFrames(prompts=changed, what=said)]) if changed else None


def _coloured(prompt: str, colour: str, thing: str) -> bool:
    """Whether `prompt` already shows `thing` in `colour` ("grandfather's yellow boat")."""
    import re

    return re.search(rf"\b{re.escape(colour)}\b(?:\s+\w+){{0,2}}\s+\w*{re.escape(thing)}", prompt.lower()) is not None


def take_out(parts: Parts, story) -> Parsed | None:
    """A thing or a figure taken out of the frames named ("remove the sailor from frame 5"): the frames stay,
    without its words; a frame that does not show it, or shows nothing else, is asked about."""
    thing = removed_object(parts)
    if not thing or "remove" not in parts.actions and not OUT_WORDS.search(parts.text):
        return None  # "put the sailor in frame 3" puts in; "cut the goodbye at the harbour" cuts a frame
    frames = parts.frames.indices(len(story.frames))
    numbers = ", ".join(str(i + 1) for i in frames)
    showing = [i for i in frames if mentions(story.frames[i].prompt, thing)]
    if not showing:
        return ask(f"Frame {numbers} does not show a {thing}, so nothing was changed. Should the whole frame go?",
                   [f"remove frame {i + 1}" for i in frames][:3])
    prompts = {i: without_thing(story.frames[i].prompt, thing) for i in showing}
    changed = {i: p for i, p in prompts.items() if p != story.frames[i].prompt}
    if not changed:
        first = showing[0] + 1
        return ask(f"The {thing} is what frame {first} shows, so taking it out leaves no picture. Should the whole "
                   "frame go, or should it show something else? Nothing was changed.",
                   [f"remove frame {first}", f"frame {first} should show "])
    return Parsed([edits.RewriteFrames(prompts=changed, what=f"without the {thing}")])


def removed_object(parts: Parts) -> str:
    """What a removing verb takes when it is no frame and no frame's description: "remove the cat from frame 2",
    "take the sailor out of…", "get rid of the stove in…"; "" for "remove frame 2", "cut the goodbye at the
    harbour", "drop the last two"."""
    from language.lexicon import entries
    from language.tools import parse

    doc = parse(parts.text)
    refs = {i for start, end in parts.frames.spans for i in range(start, end)}
    return next((t.lemma_.lower() for t in doc if t.pos_ in ("NOUN", "PROPN") and t.i not in refs and (
        t.dep_ == "dobj" or t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lower_ == "rid")
        and t.lower_ not in entries("frame_nouns") and t.lower_ not in EN.all_words and t.lower_ not in
        EN.polite_words), "")  # "take out the first one pls": no "pls" to take out
