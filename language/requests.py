"""A request in ordinary words becomes typed edit operations (`core.edits`) by the operation table.

The request's parts (`language.request_parts` for English, `language.chinese` for Chinese) are held against the
table's rows in order (`operations.yaml`: `needs`, `forbids`, `actions`); the first row that fits names the
operation, and its builder below makes it. A request that names a frame that does not exist is answered with
how many there are; a reading that is not clear (a description that fits two frames, nothing that fits a row)
is a question with the likely requests as buttons. Nothing changes silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core import edits
from language.lexicon import EN, TABLE
from language.looks import main_character, read_looks
from language.phrases import describe_thing, dress_thing, mentions, replace_thing, scene_phrase, set_scene
from language.request_parts import Parts


@dataclass
class Parsed:
    """Operations for a request, or a question (with answers as buttons) and nothing to do."""

    ops: list = field(default_factory=list)
    question: str | None = None
    choices: list[str] = field(default_factory=list)


def ask(question: str, choices: list[str] | None = None) -> Parsed:
    return Parsed(question=question, choices=choices or [])


def derived(parts: Parts, story) -> set[str]:
    """The parts a row may need, by name (`operations.yaml`: needs, forbids)."""
    frames, total = parts.frames, len(story.frames)
    look_words = ("clothing", "carried", "hair_words", "features")
    about_look = parts.character or not parts.thing
    have = {
        "frames": frames.any, "two_frames": len(frames.indices(total)) == 2, "position": frames.place is not None,
        "content": bool(parts.content), "title": bool(parts.title), "caption_text": bool(parts.caption),
        "count": bool(frames.count or frames.more), "values": any(parts.values.values()),
        "style": parts.has("styles"),
        "kind_change": about_look and any(parts.has(k) for k in ("kinds", "ages", "gender_words"))
        and not any(parts.has(k) for k in look_words),
        "look_change": about_look and (any(parts.has(k) for k in look_words) or bool(
            parts.old & set(EN.clothing)) or _look_colour(parts, story)),
        "thing_change": bool(parts.thing) and not about_look or bool(parts.thing) and not parts.character and any(
            parts.has(k) for k in ("colours", "sizes", "clothing", "carried", "kinds")),
        "scene_change": any(parts.has(k) for k in ("times", "weather", "seasons", "moods")),
        "replacement": bool(parts.replacement[0]),
    }
    return {name for name, present in have.items() if present}


def _look_colour(parts: Parts, story) -> bool:
    looks = main_character(story).looks
    nouns = {v.noun for v in parts.values.get("colours", [])}
    return any(looks.text().lower().find(noun) >= 0 for noun in nouns if noun)


def read(parts: Parts, story) -> Parsed | None:
    """The operations of the first row of the table that fits; None when no row does."""
    have = derived(parts, story)
    problem = parts.frames.problem(len(story.frames))
    if problem:
        return ask(problem)
    if parts.frames.unmatched and not parts.frames.named:
        return _which(parts, story)
    locked = [i for i, f in enumerate(story.frames) if f.locked]
    if "unlock" in parts.actions and not parts.frames.any and len(locked) == 1:
        parts.frames.named = locked  # "unlock it": the one frame that is locked
        have = derived(parts, story)
    for row in TABLE.rows:
        if not set(row.get("needs", [])) <= have or set(row.get("forbids", [])) & have:
            continue
        if row.get("actions") and not set(row["actions"]) & parts.actions.keys():
            continue
        if parts.frames.unclear and {"frames", "two_frames"} & set(row.get("needs", [])):
            return _which(parts, story)
        built = BUILDERS[row["op"]](parts, story)
        if built is not None:
            return built
    if parts.frames.unclear or parts.frames.unmatched:
        return _which(parts, story)
    return None


def _which(parts: Parts, story) -> Parsed:
    if parts.frames.unmatched:
        return ask(f"I could not find a picture with “{parts.frames.unmatched}”. Which frame do you mean? "
                   f"(1 to {len(story.frames)})")
    options = [f"frame {i + 1}: {story.frames[i].prompt[:60]}" for i in parts.frames.unclear]
    return ask("Which picture do you mean? " + " or ".join(f"{i + 1}" for i in parts.frames.unclear) + "?", options)


def _targets(parts: Parts, story, every_by_default: bool = True) -> list[int]:
    """The frames a change is for: those named, else every frame (locked ones keep their picture)."""
    total = len(story.frames)
    named = parts.frames.indices(total)
    if named and not (parts.frames.everything or parts.frames.rest):
        return named
    chosen = named if named else (list(range(total)) if every_by_default else [])
    return [i for i in chosen if not story.frames[i].locked]


# --- builders, one per row of the table ----------------------------------------------------------------------
def _caption(parts: Parts, story) -> Parsed:
    return Parsed([edits.SetCaption(frame=i, caption=parts.caption) for i in parts.frames.indices(len(story.frames))])


def _rename(parts: Parts, story) -> Parsed:
    return Parsed([edits.Rename(title=parts.title[:120])])


def _count(parts: Parts, story) -> Parsed | None:
    from language.beats import resize

    total = len(story.frames)
    wanted = parts.frames.count or total + parts.frames.more
    return resize(story, wanted)


def _undo(parts: Parts, story) -> Parsed:
    """Undo; or redo when the words fit both ("put it back") and the last step was an undo."""
    if "redo" in parts.actions and story.redo_stack:
        return Parsed([edits.Redo()])
    return Parsed([edits.Undo()])


def _redo(parts: Parts, story) -> Parsed:
    if "undo" in parts.actions and not story.redo_stack:
        return Parsed([edits.Undo()])
    return Parsed([edits.Redo()])


def _swap(parts: Parts, story) -> Parsed:
    first, second = parts.frames.indices(len(story.frames))
    return Parsed([edits.SwapFrames(first=first, second=second)])


def _move(parts: Parts, story) -> Parsed | None:
    total, named = len(story.frames), parts.frames.indices(len(story.frames))
    if len(named) != 1:
        return None
    place = parts.frames.place
    to = min(place - 1 if place > named[0] else place, total - 1)
    return Parsed([edits.MoveFrame(frame=named[0], to=max(to, 0))])


def _insert(parts: Parts, story) -> Parsed:
    from language.captions import caption_for

    place = parts.frames.place if parts.frames.place is not None else len(story.frames)
    text = parts.content
    return Parsed([edits.InsertFrame(position=min(place, len(story.frames)), text=text,
                                     caption=caption_for(text, story))])


def _remove(parts: Parts, story) -> Parsed:
    gone = parts.frames.indices(len(story.frames))
    if len(gone) == 1:
        return Parsed([edits.RemoveFrame(frame=gone[0])])
    return Parsed([edits.RemoveFrames(frames=gone)])


def _lock(parts: Parts, story, locked: bool = True) -> Parsed:
    return Parsed([edits.SetLock(frame=i, locked=locked) for i in parts.frames.indices(len(story.frames))])


def _reroll(parts: Parts, story) -> Parsed:
    return Parsed([edits.Reroll(frame=i) for i in parts.frames.indices(len(story.frames))])


def style_of(text: str) -> str:
    """The style a phrase names: a preset (`core.styles`) or the phrase that goes in the prompt ("comic book" →
    comic, "watercolour" → "watercolour painting, soft washes", "漫画" → comic); other words stay as said."""
    from language.lexicon import ZH, find
    from language.tools import parse

    lowered = text.strip().lower()
    for word, english in sorted(ZH.styles.items(), key=lambda pair: -len(pair[0])):
        lowered = lowered.replace(word, f" {english} ")
    found = [span.text.lower() for _, span in find(parse(lowered), "styles")]
    if not found:
        return text.strip()
    entry = EN.styles[found[-1]]
    return entry.get("preset") or entry["phrase"]


def _style(parts: Parts, story) -> Parsed:
    return Parsed([edits.SetStyle(style=style_of(" ".join(v.word for v in parts.values["styles"])))])


PERSON_NOUNS = {"girl", "boy", "woman", "man", "lady", "guy", "gentleman", "child", "kid"}


def _kind(parts: Parts, story) -> Parsed | None:
    """What the main character is: a new kind ("a raccoon", "a boy"), an age ("a teenager", "older") or a gender;
    its clothes and things stay, and frames that call it by its old kind ("the girl") follow."""
    looks = main_character(story).looks
    old = looks.kind.split()
    kinds = [v.word for v in parts.values.get("kinds", [])] + [v.word for v in parts.values.get("gender_words", [])
                                                                 if v.word in PERSON_NOUNS]
    age, gender = parts.first("ages"), parts.first("gender_words")
    if kinds:
        word = kinds[-1]
        adjectives = [v.word for k in ("sizes", "colours", "ages") for v in parts.values.get(k, [])]
        person_part = next((w for w in old if w in PERSON_NOUNS), None)
        if word in PERSON_NOUNS and person_part and len(old) > 1:  # "girl astronaut" → "boy astronaut"
            looks.kind = looks.kind.replace(person_part, word)
            looks.adjectives = [a for a in looks.adjectives if a.lower() not in EN.ages] + adjectives
        else:
            looks.become(word, adjectives)
    elif age:
        looks.age_to(age.word)
    elif gender:
        looks.gender_to(EN.gender_words[gender.word])
    looks.drop_grown_man_features()
    ops = [edits.SetIdentity(text=looks.text())]
    new_head = looks.kind.split()[-1]
    prompts = {i: re.sub(rf"\bthe {re.escape(old[-1])}\b", f"the {new_head}", f.prompt)
               for i, f in enumerate(story.frames) if old[-1] != new_head}
    prompts = {i: p for i, p in prompts.items() if p != story.frames[i].prompt}
    if prompts:
        ops.append(edits.RewriteFrames(prompts=prompts, what=f"the {old[-1]} is now the {new_head}"))
    return Parsed(ops)


def _looks(parts: Parts, story) -> Parsed | None:
    """The main character's clothes, hair, features and things: a new item replaces the one in its slot, a
    colour recolours the item it names, "instead of" and "lose" take away, "keep …" leaves things as they are."""
    looks = main_character(story).looks
    before = looks.text()
    removing = "remove" in parts.actions and not parts.content
    worn = looks.text().lower()
    kept = _kept(parts.text)
    for phrase, noun in parts.items:
        if noun in kept:
            continue
        if removing:
            looks.take_off(noun)
        elif phrase.lower().removeprefix("a ").removeprefix("an ") == noun and noun in worn:
            continue  # "make her raincoat yellow": the raincoat she has, named
        elif noun in EN.hair_words:
            looks.set_hair(phrase)
        else:
            looks.put_on(phrase)
    styles = [v.word for v in parts.values.get("hair_styles", [])]
    if styles:  # "make her hair straight"
        looks.set_hair(" ".join(styles) + " hair")
    named = [noun for _, noun in parts.items]
    for value in parts.values.get("colours", []):
        noun = value.noun or (named[0] if len(named) == 1 else "")
        if noun and not any(value.word in p for p, _ in parts.items):
            looks.recolour(noun, value.word)
    for word in list(parts.old) + [EN.removals[v.word] for v in parts.values.get("removals", [])]:
        if word in EN.clothing or word in EN.features or word in EN.hair_words or word == "curls":
            if not any(word == n for _, n in parts.items):
                looks.take_off(word)
    text = looks.text()
    return Parsed([edits.SetIdentity(text=text)]) if text != before else None


def _kept(text: str) -> set[str]:
    """What a request says to keep ("but keep the raincoat and cap")."""
    match = re.search(r"\bkeep(?:ing)?\s+(?:the|her|his|its|their)?\s*(.+)$", text.lower())
    return set(re.findall(r"[a-z]+", match.group(1))) if match else set()


def _thing(parts: Parts, story) -> Parsed | None:
    thing = parts.thing
    colour = next((v.word for v in parts.values.get("colours", []) if v.word not in parts.old and not any(
        _coloured(f.prompt, v.word, thing) for f in story.frames)), None)
    size = parts.first("sizes")
    items = [v for k in ("clothing", "carried") for v in parts.values.get(k, [])]
    kind = parts.first("kinds")
    frames = [i for i in _targets(parts, story) if mentions(story.frames[i].prompt, thing)]
    if not frames:
        return None
    prompts, what = {}, ""
    for i in frames:
        prompt = story.frames[i].prompt
        if kind and kind.word != thing:
            prompt, what = replace_thing(prompt, thing, kind.word), f"the {thing} is now a {kind.word}"
        if colour:
            prompt, what = describe_thing(prompt, thing, colour, "colours"), f"the {thing} is {colour}"
        if size:
            prompt, what = describe_thing(prompt, thing, EN.sizes[size.word], "sizes"), f"the {thing} is {size.word}"
        if items:
            from language.request_parts import item_phrases

            phrase = next(iter(item_phrases(parts)))[0]
            prompt, what = dress_thing(prompt, thing, phrase), f"the {thing} has {phrase}"
        prompts[i] = prompt
    changed = {i: p for i, p in prompts.items() if p != story.frames[i].prompt}
    return Parsed([edits.RewriteFrames(prompts=changed, what=what)]) if changed else None


def _replace(parts: Parts, story) -> Parsed | None:
    old, new = parts.replacement
    prompts = {i: replace_thing(f.prompt, old, new.removeprefix("a ").removeprefix("an ").removeprefix("the "))
               for i, f in enumerate(story.frames) if mentions(f.prompt, old)}
    changed = {i: p for i, p in prompts.items() if p != story.frames[i].prompt}
    return Parsed([edits.RewriteFrames(prompts=changed, what=f"the {old} is now {new}")]) if changed else None


def _coloured(prompt: str, colour: str, thing: str) -> bool:
    """Whether `prompt` already shows `thing` in `colour` ("grandfather's yellow boat")."""
    import re

    return re.search(rf"\b{re.escape(colour)}\b(?:\s+\w+){{0,2}}\s+\w*{re.escape(thing)}", prompt.lower()) is not None


def _scene(parts: Parts, story) -> Parsed | None:
    frames = _targets(parts, story)
    prompts, said = {}, []
    for kind in ("times", "weather", "seasons", "moods"):
        for value in parts.values.get(kind, [])[:1]:
            word = value.word
            if kind == "moods" and parts.too:
                word = EN.moods[word]["opposite"]
            phrase = scene_phrase(kind, word)
            said.append(phrase)
            for i in frames:
                prompts[i] = set_scene(prompts.get(i, story.frames[i].prompt), kind, phrase)
    changed = {i: p for i, p in prompts.items() if p != story.frames[i].prompt}
    return Parsed([edits.RewriteFrames(prompts=changed, what=" and ".join(said))]) if changed else None


def _set_text(parts: Parts, story) -> Parsed | None:
    from language.captions import caption_for

    named = parts.frames.indices(len(story.frames))
    if not named:
        return None
    if not parts.whole_frame or "insert" in parts.actions:
        return Parsed([edits.AddText(frame=i, text=parts.content) for i in named])
    return Parsed([edits.SetText(frame=i, text=parts.content, caption=caption_for(parts.content, story))
                   for i in named])


BUILDERS = {
    "caption": _caption, "rename": _rename, "count": _count, "undo": _undo, "redo": _redo, "swap": _swap,
    "move": _move, "insert": _insert, "remove": _remove, "unlock": lambda p, s: _lock(p, s, False),
    "reroll": _reroll, "lock": _lock, "style": _style, "kind": _kind, "looks": _looks, "thing": _thing,
    "scene": _scene, "set_text": _set_text, "replace": _replace,
}


def unread_story_looks(story) -> str:
    """The main character's description as the looks reader writes it (for tests and the reply)."""
    return read_looks(story.identity_prompt).text()
