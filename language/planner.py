"""Planning: an idea (English or Chinese, up to MAX_IDEA_CHARS) becomes a `Story`: title, the main character's
looks, frames with captions, in the idea's order, its last event last.

The idea is read once (`language.idea` or `language.chinese`); the frames are its events and the beats its words
support (`language.beats`); the character's looks come from its own words, with anything invented named in the
reply. A capable language model may rewrite the plan; each field it writes is checked against the reading and
replaced by the reading's when it fails (`language.plan_llm`). Text in the idea is story material: instructions
inside it never reach the plan as instructions.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import InvalidStoryError
from core.settings import GenerationSettings
from core.story import MAX_FRAMES, MAX_IDEA_CHARS, Frame, Story
from core.styles import DEFAULT_NEGATIVE_PROMPT, DEFAULT_STYLE, compose_identity
from language.beats import arrange
from language.described import read_looks
from language.idea import read_any
from language.lexicon import EN, ZH
from language.looks import Looks
from language.tools import inflect

IDENTITY_TOKEN_BUDGET = 45  # identity + style phrase: leaves ≥ 30 CLIP tokens for every frame
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class IdeaError(InvalidStoryError):
    """The idea cannot be planned (empty or too long)."""


@dataclass
class PlanReport:
    """How a plan was made (for the reply and the benchmark)."""

    language: str
    frames_from_llm: int = 0
    identity_from_llm: bool = False
    title_from_llm: bool = False
    llm_attempts: int = 0
    llm_error: str = ""
    seconds: float = 0.0
    asked: int = 0
    notes: list[str] = field(default_factory=list)  # what to tell the person (invented looks, fewer frames)
    suggestions: list[str] = field(default_factory=list)  # beats that could still be added, as requests


def check_idea(idea: str) -> str:
    """The idea without control characters and extra spaces; IdeaError when empty or too long."""
    text = " ".join(INVISIBLE.sub("", idea or "").split())
    if not any(ch.isalnum() for ch in text):
        text = _emoji_words(text)  # "🐧🎈🏔️🌈": a penguin with a balloon, a snow capped mountain and a rainbow
    if not any(ch.isalnum() for ch in text):
        raise IdeaError("Write an idea for the story first, for example: 'a fox finds a lantern in the snow'.")
    if len(text) > MAX_IDEA_CHARS:
        raise IdeaError(f"The idea is {len(text):,} characters long; at most {MAX_IDEA_CHARS:,} fit. Shorten it to "
                        "the main events, one sentence per picture.")
    if max((len(w) for w in text.split()), default=0) > 60 and not CJK.search(text):
        raise IdeaError("The idea has a word over 60 letters long; please write it as a sentence or two in "
                        "ordinary words.")
    return text


def _emoji_words(text: str) -> str:
    """Pictures as words: the first animal or person leads, the other pictures are what it meets or holds."""
    import unicodedata

    names = [unicodedata.name(ch, "").lower() for ch in text if ord(ch) > 0x2000 and unicodedata.category(ch) == "So"]
    names = [re.sub(r"\b(?:face|symbol|sign|emoji)\b", "", n).strip() for n in names if n]
    if not names:
        return text
    a = [("an " if name[0] in "aeiou" else "a ") + name for name in names]
    lead = a[0][:1].upper() + a[0][1:] + (f" with {a[1]}" if len(a) > 1 else "")
    seen = [f"The {names[0]} sees {thing}." for thing in a[2:]]
    return " ".join([lead + (f" sees {a[2]}." if seen else ""), *seen[1:]]) if seen else lead


def plan_story(idea: str, llm=None, *, frames: int | None = None, style: str | None = None,
               settings: GenerationSettings | None = None, count_tokens: Callable[[str], int] | None = None,
               small_llm: bool = False) -> tuple[Story, PlanReport]:
    """Plan a story.

    Args:
        idea: the person's words, any language, at most MAX_IDEA_CHARS characters.
        llm: a language model, or None for the reading alone (the embedded small one only with `small_llm`).
        frames: number of frames (1-12); None = what the idea asks, else 4-6 by its events.
        style: a preset from core.styles or a free style phrase; None = what the idea names, else the default.
        settings: generation settings to keep (seed, steps...).
        count_tokens: CLIP token counter; default generator.tokens.count_clip_tokens.
    """
    started = time.perf_counter()
    text = check_idea(idea)
    if frames is not None and not 1 <= frames <= MAX_FRAMES:
        raise InvalidStoryError(f"A story has 1 to {MAX_FRAMES} frames; {frames} was asked for.")
    if count_tokens is None:
        from generator.tokens import count_clip_tokens as count_tokens
    reading = read_any(text)
    report = PlanReport(language=reading.language)
    told_none = reading.hero is None or not reading.events or len(text.split()) <= 2 and not CJK.search(text)
    if told_none:
        reading = _fallback(reading, text)
    count = frames or reading.count or min(max(len(reading.events), 4), 6)
    report.asked = count
    subject = reading.subject
    planned, spare = arrange(reading, count, subject, fill=bool(frames or reading.count))
    if told_none and not (frames or reading.count):  # "pirate parrot": one picture of it, and what could follow
        planned, spare = planned[:1], [frame for frame, _ in planned[1:]]  # offered, not drawn as filler
        report.notes.append(f"Your idea names {reading.hero.label} but no moment yet, so the story has 1 frame. "
                            "It could also show: " + "; ".join(spare) + ". Or say “add a scene where …”.")
        report.suggestions = [f"add a picture at the end: {beat}" for beat in spare]  # one after another
    elif len(planned) < count:
        asked = f"You asked for {count} frames; y" if frames or reading.count else "Y"
        told = f"{len(planned)} moment{'s' * (len(planned) != 1)}, so the story has {len(planned)} frame" + \
            "s" * (len(planned) != 1)
        report.notes.append(f"{asked}our idea tells {told}."
                            + (" It could also show: " + "; ".join(spare) + "." if spare else
                               " Say “add a scene where …” for more."))
        report.suggestions = [f"add a scene of {beat}" for beat in spare]
    looks = reading.looks or read_looks(reading.hero.head)
    told = _told(looks)
    looks.invent(seed=text)
    if looks.invented:
        report.notes.append(f"So that {reading.hero.label} looks the same in every frame, I chose "
                            + " and ".join(looks.invented) + "; say if it should look different.")
    style = style or reading.style or DEFAULT_STYLE
    identity = _fit(looks.text(), style, count_tokens)
    prompts = [_with_setting(frame, reading.setting, i) for i, (frame, _) in enumerate(planned)]
    captions = [caption for _, caption in planned]
    title = _title(reading)
    if llm is not None and (small_llm or not _is_small(llm)):
        title, identity, prompts, captions = _with_model(llm, text, reading, prompts, captions, title, identity,
                                                         report, told)
    story = _story(reading, title, identity, style, prompts, captions, settings, count_tokens, text)
    report.seconds = time.perf_counter() - started
    return story, report


def _story(reading, title, identity, style, prompts, captions, settings, count_tokens, idea) -> Story:
    """The planned story, with its cast when other characters recur (`language.cast_plan`)."""
    from core.cast import compose_prefix, new_cast, prefix_text
    from core.styles import style_phrase
    from language.cast_plan import plan_cast

    members, presence = plan_cast(reading, prompts, identity, style_phrase(style), count_tokens)
    cast = new_cast(members) if members else []
    ids = {m.handle: m.id for m in cast}
    prefix = prefix_text(compose_prefix(cast, style)) if cast else compose_identity(identity, style)
    frames = [Frame(prompt=_fit_frame(p, prefix, count_tokens), caption=c[:1000],
                    cast=[ids[h] for h in presence[i]] if cast else None)
              for i, (p, c) in enumerate(zip(prompts, captions, strict=True))]
    return Story(title=title[:120], identity_prompt=identity, style=style, cast=cast, frames=frames, idea=idea,
                 settings=settings or GenerationSettings(negative_prompt=DEFAULT_NEGATIVE_PROMPT))


def _is_small(llm) -> bool:
    from llm.chat import is_small

    return is_small(llm)


def _fallback(reading, text: str):
    """An idea with no clause to read ("pirate parrot", "小龙"): the last noun is the character, the rest its
    world, and four frames of an adventure."""
    from lemminflect import getAllLemmas

    from language.entities import Entity, Event
    from language.looks import kind_of

    chinese = bool(CJK.search(text))
    words = [w for w in re.findall(r"[A-Za-z'-]+", reading.text or text) if w.lower() not in ("a", "an", "the")]
    role = len(words) == 2 and kind_of(words[1]) == "person" and kind_of(words[0]) not in ("person", "thing")
    if role:  # "jellyfish ballerina", "penguin plumber": a jellyfish who dances, not a dancer with jellyfish looks
        words = words[::-1]
    if reading.hero is None or len(words) <= 2 and not chinese:  # "pirate parrot": the parrot
        words = words or ["traveller"]
        reading.hero = Entity(head=words[-1].lower(), phrase=f"the {' '.join(words[-2:][::-1 if role else 1]).lower()}")
    if reading.events and (chinese or len(words) > 2):
        return reading
    world = words[0].lower() if len(words) == 2 and words[1].lower() == reading.hero.head else "big"  # "pirate"
    job = next((w.lower() for w in words[:2] if kind_of(w) == "person"), words[-1].lower() if words else "")  # "baker
    work = next((inflect(job[:-n], "VBG") for n in (1, 2) if len(words) == 2 and job.endswith("er")
                 and "VERB" in getAllLemmas(job[:-n])), "")  # bear": baking; "penguin plumber": plumbing
    who = reading.text if chinese else reading.subject
    beats = [(frame, caption) for (frame, _), caption in zip(EN.adventure, ZH.adventure, strict=True)] if chinese \
        else EN.adventure
    home = EN.homes.get(reading.hero.head, "")  # "a lonely snowman": its adventure starts and ends in the snow
    ends = {0: f" from {home}", len(beats) - 1: f" to {home}"} if home else {}
    reading.events = [Event(agent=reading.hero, frame=frame.format(world=work or world) + ends.get(index, ""),
                            caption=caption.format(who=who, world=work or world), verb="go")
                      for index, (frame, caption) in enumerate(beats)]
    if not chinese:
        reading.looks = read_looks(f"a {world} {reading.hero.head}" if world != "big" else reading.text)
    return reading


def _with_setting(frame: str, setting: str, index: int) -> str:
    """The idea's own place in a frame that names none ("In a noisy market, …")."""
    if not setting:
        return frame
    head = re.split(r"\s+(?:in|on|at|of|by|near)\s+|,", setting)[0].split()[-1]  # "a crowded night market in …"
    if {setting.split()[-1], head} & set(re.findall(r"[\w'-]+", frame)) or index > 0 and re.search(
            r"\b(?:in|on|at|inside|into|through|across|to|under|by)\b", frame):
        return frame
    return f"{frame} {setting}"


def _title(reading) -> str:
    """"Juno and the Baby Otter", "The Mouse and the Librarian": the main character and the one most mentioned."""
    hero = reading.hero
    others = sorted((e for e in reading.entities if e is not hero and e.mentions and e.short and e.head != hero.head
                     and (e.mentions > 1 or not e.name)),  # a name said once is no one's ("HACKED", "Welcome")
                    key=lambda e: (-e.animate, -e.mentions, e.first))
    main = hero.name or hero.short or hero.phrase
    words = f"{main} and {others[0].name or others[0].short}" if others else main  # "Mia and Bo"
    return " ".join(w if w.lower() in ("and", "the", "of", "a") and i else w[:1].upper() + w[1:]
                    for i, w in enumerate(words.split()))


def _fit(identity: str, style: str, count_tokens) -> str:
    """The identity within the token budget, shortened by whole phrases from the end (never cut silently)."""
    room = IDENTITY_TOKEN_BUDGET - (count_tokens(compose_identity("x", style)) - 1)
    while count_tokens(identity) > room and ", " in identity:
        identity = identity.rsplit(", ", 1)[0]
    return identity


def _fit_frame(frame: str, full: str, count_tokens) -> str:
    """A frame that fits CLIP's budget with the prefix `full` (characters and style): trailing phrases go first."""
    from generator.tokens import CLIP_TOKEN_BUDGET

    while count_tokens(f"{full} {frame}") > CLIP_TOKEN_BUDGET and len(frame.split()) > 4:
        frame = re.sub(r"(?:,|\s+(?:in|on|at|with|from|for|through|beneath|over|under|and))\s+[^,]*$", "", frame) \
            if re.search(r"(?:,|\s(?:in|on|at|with|from|for|through|beneath|over|under|and))\s", frame[4:]) else \
            frame.rsplit(" ", 1)[0]
    return frame


def _told(looks: Looks) -> set[str]:
    """The words of the idea's looks a model's character must keep: its colours, the things it wears or carries,
    what it has ("one wheel") and its other adjectives ("rusty"), not its size ("little" may become "small")."""
    from language.lexicon import EN

    def words(*phrases: str) -> set[str]:
        return {w for phrase in phrases for w in re.findall(r"[a-z]+", phrase.lower())}

    stop = {"a", "an", "the", "with", "and", "of", "wearing"} | set(EN.numbers)
    sizes = set(EN.sizes) | set(EN.sizes.values())
    items = words(*looks.wears.values(), *looks.carries) & (set(EN.clothing) | set(EN.carried) | set(EN.features))
    return ({w for w in words(looks.text()) if w in EN.colours} | items | (words(*looks.features) - stop)
            | (words(*looks.adjectives) - sizes - stop))


def _with_model(llm, text, reading, prompts, captions, title, identity, report, told: set[str]):
    """The model's plan where each field passes its check (its character keeps every word the idea told of the
    looks); the reading's elsewhere."""
    from language.plan_llm import ask_for_plan, frame_problem

    draft, report.llm_error = ask_for_plan(llm, text, reading.hero.head, prompts)
    report.llm_attempts = 1
    if draft is None:
        return title, identity, prompts, captions
    kept = []
    for index, planned in enumerate(draft.frames):
        candidate = planned.prompt.strip().rstrip(".")
        if frame_problem(candidate, prompts[index], reading.text, kept) is None:
            prompts[index], report.frames_from_llm = candidate, report.frames_from_llm + 1
            captions[index] = planned.caption.strip() or captions[index]
        kept.append(prompts[index])
    said = set(re.findall(r"[a-z]+", draft.identity_prompt.lower()))
    if reading.hero.head in said and told <= said and not CJK.search(draft.identity_prompt):
        identity, report.identity_from_llm = draft.identity_prompt.strip().rstrip("."), True
    if draft.title.strip() and set(draft.title.lower().split()) & set(text.lower().split()):
        title, report.title_from_llm = draft.title.strip(), True
    return title, identity, prompts, captions


def looks_of(story: Story) -> Looks:
    return read_looks(story.identity_prompt)
