"""A request in ordinary words becomes typed edit operations (`core.edits`) by the operation table.

The request's parts (`language.request_parts` for English, `language.chinese` for Chinese) are held against the
table's rows in order (`operations.yaml`: `needs`, `forbids`, `actions`); the first row that fits names the
operation, and its builder below makes it. A request that names a frame that does not exist is answered with
how many there are; a reading that is not clear (a description that fits two frames, nothing that fits a row)
is a question with the likely requests as buttons. Nothing changes silently.
"""

from __future__ import annotations

import re

from core import edits
from language.cast_requests import add_member, name_member, presence
from language.changes import (
    Parsed,
    ask,
    change_kind,
    change_looks,
    change_thing,
    member_of,
    removed_object,
    replace_shown,
    take_out,
    targets,
)
from language.lexicon import EN, TABLE, entries
from language.parts import Parts
from language.phrases import scene_phrase, set_scene


def derived(parts: Parts, story) -> set[str]:
    """The parts a row may need, by name (`operations.yaml`: needs, forbids)."""
    frames, total = parts.frames, len(story.frames)
    look_words = ("clothing", "carried", "hair_words", "features")
    ends = bool(frames.said) and set(frames.said) <= {1, total}  # "the last one first": the ends of a reversal
    about_look = parts.character or not parts.thing
    have = {
        "frames": frames.any, "frames_said": bool(frames.said), "two_frames": len(frames.indices(total)) == 2,
        "position": frames.place is not None,
        "content": bool(parts.content), "title": bool(parts.title), "caption_text": bool(parts.caption),
        "count": bool(frames.count or frames.more), "values": any(parts.values.values()),
        "style": parts.has("styles"),
        "kind_change": about_look and any(parts.has(k) for k in ("kinds", "ages", "gender_words"))
        and not any(parts.has(k) for k in look_words) and not parts.replacement[0],  # "instead of a balloon, …"
        "look_change": about_look and (any(parts.has(k) for k in look_words) or bool(parts.items) or bool(
            parts.old & set(EN.clothing)) or _look_colour(parts, story)),
        "thing_change": bool(parts.thing) and not about_look or bool(parts.thing) and not parts.character and any(
            parts.has(k) for k in ("colours", "sizes", "clothing", "carried", "kinds")),
        "scene_change": any(parts.has(k) for k in ("times", "weather", "seasons", "moods")),
        "replacement": bool(parts.replacement[0]),
        "member_named": bool(parts.members), "member_name": bool(parts.member_name),
        "newcomer": bool(parts.newcomer[0]),
        "new_frame": ("insert" in parts.actions or parts.actions.get("presence", "").startswith("add")) and bool(
            parts.content) and bool(re.search(  # "put in one where…", "add one to open the story: …"
                r"\b(?:one|pic|picture|scene|frame|panel|image)s?\s+(?:where|of|with|showing|in which)\b|"
                r"\b(?:one|pic|picture|scene|frame|panel|image)\b[^:：]*[:：]", parts.text.lower())),
        "replaced_frame": bool(frames.named) and frames.place is None and _replacing(parts),  # "…with a picture of"
        "placed_scene": frames.place is not None and not frames.named and not frames.everything and bool(
            parts.content),  # "right after the second picture, a gust of wind blows the apples away"
        "in_frame": bool(frames.said) and frames.place is None and bool(re.search(  # "add a cat in the third
            rf"\b(?:in|into|to|on)\s+(?:the\s+)?(?:\w+\s+)?(?:{'|'.join(entries('frame_nouns'))})s?\b",  # picture"
            parts.text.lower())),
        "reversal": (any(w in EN.reverse_words for w in parts.actions.values()) or "swap" in parts.actions and
                     re.search(r"\border\b|顺序", parts.text.lower())) and (
            not frames.said or frames.everything or ends)  # "…so the last one is first"
        and total > 2 and not frames.unclear and (len(frames.indices(total)) > 2 or frames.named in ([], [0]) or ends)
        and any(w in re.findall(r"[a-z]+", parts.text.lower()) or not w.isascii() and w in parts.text
                for w in EN.whole_story_words),  # not "the X and the Y
        # are backwards"
    }
    return {name for name, present in have.items() if present}


def _replacing(parts: Parts) -> bool:
    """"replace the pond picture with a picture of Kofi eating": a new text for that frame, no new frame."""
    return parts.actions.get("change") in ("replace", "swap", "switch")


def _look_colour(parts: Parts, story) -> bool:
    """A colour of something the character has, or a colour or size of the character itself ("make the dog
    brown", "Bo should be a big fluffy dog")."""
    member = member_of(parts, story)
    nouns = {v.noun for v in parts.values.get("colours", [])}
    itself = any(v.noun and member.names_it(v.noun) or not v.noun and not member.main  # "the otter…, make it white"
                 for k in ("colours", "sizes", "shapes") for v in parts.values.get(k, []))
    return itself or any(member.looks.text().lower().find(noun) >= 0 for noun in nouns if noun)


def read(parts: Parts, story) -> Parsed | None:
    """The operations of the first row of the table that fits; None when no row does."""
    have = derived(parts, story)
    problem = parts.frames.problem(len(story.frames))
    if problem:  # "change the ninth frame to winter" in a story of 4: the same request for frames 1, 2, 3
        wrong, total = parts.frames.wrong, len(story.frames)
        return ask(problem, [parts.text.replace(wrong, f"frame {n}", 1) for n in range(1, min(total, 3) + 1)]
                   if wrong and wrong in parts.text else [])
    if parts.frames.unmatched and not parts.frames.named:
        return _which(parts, story)
    if parts.absent:  # "give the kitten a red scarf" in a story without a kitten: not the hero's scarf
        return _absent(parts, story)
    locked = [i for i, f in enumerate(story.frames) if f.locked]
    if "unlock" in parts.actions and not parts.frames.any and len(locked) == 1:
        parts.frames.named = locked  # "unlock it": the one frame that is locked
        have = derived(parts, story)
    if parts.frames.unclear and not parts.frames.named:  # "the shell-hunting picture": 2 or 5? never all frames
        return _which(parts, story)
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


def _absent(parts: Parts, story) -> Parsed:
    """A question when the change is for someone the story does not have, with the likely one as a button."""
    from language.characters import cast_characters

    who = cast_characters(story)[0]
    name = story.cast[0].name if story.cast and story.cast[0].name else f"the {who.looks.kind.split()[-1]}"
    said = re.sub(rf"(?:the |a |an )?{re.escape(parts.absent)}\b", name, parts.text, count=1, flags=re.I)
    choices = [said] if said != parts.text and parts.language == "en" else []
    return ask(f"There is no {parts.absent} in this story. Who is this for? You can also add one: “add a "
               f"{parts.absent} to the story”.", choices)


def _which(parts: Parts, story) -> Parsed:
    if parts.frames.unmatched:
        return ask(f"I could not find a picture with “{parts.frames.unmatched}”. Which frame do you mean? "
                   f"(1 to {len(story.frames)})")
    options = [f"frame {i + 1}: {story.frames[i].prompt[:60]}" for i in parts.frames.unclear]
    return ask("Which picture do you mean? " + " or ".join(f"{i + 1}" for i in parts.frames.unclear) + "?", options)


# --- builders, one per row of the table ----------------------------------------------------------------------
def _caption(parts: Parts, story) -> Parsed:
    return Parsed([edits.SetCaption(frame=i, caption=parts.caption) for i in parts.frames.indices(len(story.frames))])


def _rename(parts: Parts, story) -> Parsed:
    return Parsed([edits.Rename(title=parts.title[:120])])


def _count(parts: Parts, story) -> Parsed:
    """Another number of frames: fewer asks which to drop; more adds moments of the idea and its frames."""
    from core.story import MAX_FRAMES
    from language.longer import more_frames

    total = len(story.frames)
    wanted = parts.frames.count or total + parts.frames.more
    if not 1 <= wanted <= MAX_FRAMES:
        return ask(f"A story has 1 to {MAX_FRAMES} frames; {wanted} was asked for. Nothing was changed.")
    if wanted == total:
        return ask(f"The story already has {total} frames.")
    if wanted < total:
        drop, gone = list(range(wanted, total)), total - wanted
        numbers = " and ".join(str(i + 1) for i in drop) if len(drop) <= 2 else f"{wanted + 1} to {total}"
        return ask(f"Which {gone} frame{'s' if gone > 1 else ''} should go?",
                   [f"remove frame{'s' if gone > 1 else ''} {numbers}",
                    f"remove frame{'s' if gone > 1 else ''} " + " and ".join(str(i + 1) for i in range(1, gone + 1))])
    ops = more_frames(story, wanted - total)
    if not ops:
        return ask("I have no more moments of this story to add. What should happen in the new frames? For "
                   "example: “add a scene where …”.")
    note = [] if len(ops) == wanted - total else [f"(only {len(ops)} more moments come from your story)"]
    return Parsed(ops, choices=note)


def _undo(parts: Parts, story) -> Parsed:
    """Undo; or redo when the words fit both ("put it back") and the last step was an undo."""
    if "redo" in parts.actions and story.redo_stack:
        return Parsed([edits.Redo()])
    return Parsed([edits.Undo()])


def _redo(parts: Parts, story) -> Parsed:
    """Redo; or undo when there is nothing to redo and the words fit both ("oops, bring it back" after a frame was
    removed: the frame back)."""
    back = story.undo_stack and re.search(r"\bback\b", parts.text.lower())
    if ("undo" in parts.actions or back) and not story.redo_stack:
        return Parsed([edits.Undo()])
    return Parsed([edits.Redo()])


def _swap(parts: Parts, story) -> Parsed:
    first, second = parts.frames.indices(len(story.frames))
    return Parsed([edits.SwapFrames(first=first, second=second)])


def _reverse(parts: Parts, story) -> Parsed:
    """Every frame (or the three or more named) in reverse order, as swaps from the outside in."""
    named = parts.frames.indices(len(story.frames))
    frames = named if len(named) > 2 else list(range(len(story.frames)))
    return Parsed([edits.SwapFrames(first=frames[i], second=frames[-1 - i]) for i in range(len(frames) // 2)])


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
    if removed_object(parts):  # "remove the cat from frame 2": the cat, not the frame
        return take_out(parts, story)
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
    entries = [EN.styles[word] for word in found]
    whole = next((e for e in entries if all(w in e.get("phrase", "") for w in found if EN.styles[w] is not e)), None)
    entry = whole or next((e for e in entries if e.get("preset")), entries[-1])  # "3d cartoon": the 3d preset,
    # "low-poly 3d": the low poly phrase, which says 3d
    return entry.get("preset") or entry["phrase"]


def _style(parts: Parts, story) -> Parsed:
    """A style by its words; one named in more words than the lexicon knows stays as said ("in the style of a
    vintage travel poster")."""
    values = parts.values["styles"]
    together = all(b.start - a.start <= len(re.findall(r"\w+|[^\w\s]", a.word))  # "3d cartoon", "low-poly 3d"
                   for a, b in zip(values, values[1:], strict=False))
    words = " ".join(v.word for v in (values if together else values[-1:]))  # "the storybook style is boring,
    # switch it to oil painting": the last one named
    named = re.search(r"\b(?:style of|looks? like|look like)\s+(?:an?\s+|the\s+)?([a-z0-9' -]+?)\s*(?:[?.!,]|$|please)",
                      parts.text.lower())
    said = named.group(1).strip() if named else _style_phrase(parts, values[-1])
    style = said if len(said.split()) > len(words.split()) and words in said else style_of(words)
    from language.cast_fit import fitted_cast

    shorter = [edits.DescribeCharacter(character=member, text=text)
               for member, text in fitted_cast(story, style).items()]
    return Parsed([*shorter, edits.SetStyle(style=style)])  # a longer style in a cast: shorter looks, said


def _style_phrase(parts: Parts, value) -> str:
    """A style word with the words that make it more exact, from its noun phrase ("a 1950s storybook vibe" →
    "1950s storybook", "a moody noir comic look" → "moody noir comic")."""
    from language.tools import parse

    doc = parse(parts.text)
    chunk = next((c for c in doc.noun_chunks if c.start <= value.start < c.end), None)
    if chunk is None:
        return ""
    words = [t.text for t in chunk if t.dep_ not in ("det", "poss") and not t.is_stop and t.is_alpha or t.like_num
             or t.text[:1].isdigit()]
    while words and words[-1].lower() in EN.style_words:
        words.pop()  # "vibe", "look", "style"
    return " ".join(words) if not set(map(str.lower, words)) & set(EN.polite_words) else ""


def _scene(parts: Parts, story) -> Parsed | None:
    frames = targets(parts, story)
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
    if not _replacing(parts) and (not parts.whole_frame or "insert" in parts.actions):
        return Parsed([edits.AddText(frame=i, text=parts.content) for i in named])
    return Parsed([edits.SetText(frame=i, text=parts.content, caption=caption_for(parts.content, story))
                   for i in named])


BUILDERS = {
    "caption": _caption, "rename": _rename, "count": _count, "undo": _undo, "redo": _redo, "swap": _swap,
    "reverse": _reverse, "move": _move, "insert": _insert, "remove": _remove, "unlock": lambda p, s: _lock(p, s, False),
    "reroll": _reroll, "lock": _lock, "style": _style, "kind": change_kind, "looks": change_looks,
    "thing": change_thing, "scene": _scene, "presence": presence, "name_member": name_member,
    "add_member": add_member, "set_text": _set_text, "replace": replace_shown, "take_out": take_out,
}
