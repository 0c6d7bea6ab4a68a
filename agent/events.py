"""Deterministic reading of an idea: its language, main character, events, and one English beat per frame.

This is the planner's floor: with no LLM, or with one too small to follow instructions, a story is still
built from the idea's own sentences (English), a small glossary (Chinese), emoji names (Unicode), and
generic story beats when the idea is too short to fill the frames.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from agent.chinese import (  # noqa: F401 (agent.editor imports chinese_clause_beat here)
    chinese_clause_beat,
    chinese_title,
    chinese_to_english,
    read_clause,
    worn_items,
)
from agent.glossary import (
    AGE_WORDS,
    CHARACTER_NOUNS,
    CLOTHING,
    COLOURS,
    ENDING_BEATS,
    FEATURES,
    HELD_ITEMS,
    MIDDLE_BEATS,
    OPENING_BEATS,
    PROP_BEATS,
)
from agent.identity import Look, deterministic_title, identity_from_look, read_look
from agent.prompt_repair import is_english, strip_junk, strip_subject

MAX_IDEA_CHARS = 4000  # longer ideas are refused with a message; documented in the README and chainlit.md
MIN_FRAMES, MAX_DEFAULT_FRAMES = 4, 6  # frame count when the person does not ask for one
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*|\n+")
_STOP_AFTER_ARTICLE = {"who", "that", "which", "and", "with", "in", "on", "at", "from", "to", "is", "was", "of",
                       "named", "called", "lives", "finds", "has"}
_DETERMINERS = {"a", "an", "the", "my", "our", "one", "two", "three", "some", "many"}
_FUNCTION_WORDS = {"a", "an", "the", "in", "on", "at", "to", "of", "and", "with", "is", "was", "from", "into"}
_VERBISH = re.compile(r"^[a-z]+(?:s|ed|ing)$")


@dataclass
class IdeaAnalysis:
    """What the deterministic reading found; `beats`/`captions` have one entry per requested frame."""

    language: str  # "en", "zh" or "other"
    english: str  # the idea in English as far as it can be rendered without a model
    character: str  # main character noun, e.g. "fox"
    descriptors: str  # adjectives found before it, e.g. "little red"
    names: tuple[str, ...]  # proper names of the character in the idea
    colour: str
    title: str
    beats: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    look: Look | None = None  # what the idea says about the character (colours, clothing, age)
    idea_colour: str = ""  # the first colour the idea names, '' when none
    actions: set[str] = field(default_factory=set)  # the character's verbs in the idea ("loses")
    parsed: bool = False  # beats and captions come from the dependency parse (final, no clean-up needed)
    kind: str = ""  # "person", "animal" or "" when the parse tells what the character is


def normalize_idea(idea: str) -> str:
    """NFC, no control characters, collapsed spaces (newlines kept as sentence breaks)."""
    idea = unicodedata.normalize("NFC", idea)
    idea = "".join(ch for ch in idea if ch in "\n" or unicodedata.category(ch)[0] != "C")
    return "\n".join(" ".join(line.split()) for line in idea.splitlines() if line.strip())


_ZWJ_ROLES = {"rocket": "astronaut", "cooking": "chef", "artist palette": "painter", "fire engine": "firefighter",
              "microscope": "scientist", "school": "teacher", "ear of rice": "farmer", "graduation cap": "student",
              "staff of aesculapius": "doctor", "airplane": "pilot", "musical keyboard": "musician"}


def emoji_to_words(text: str) -> str:
    """Replace each emoji by its Unicode name in words ("🦊" → "fox"); variation selectors and joiners go.

    A person joined to a tool ("👩‍🚀": woman + rocket) is the role it stands for ("astronaut").
    """
    for person in ("\U0001F469", "\U0001F468", "\U0001F9D1"):
        for tool, role in zip(["\U0001F680", "\U0001F373", "\U0001F3A8", "\U0001F692", "\U0001F52C",
                               "\U0001F3EB", "\U0001F33E", "\U0001F393", "\u2695", "\u2708", "\U0001F3B9"],
                              _ZWJ_ROLES.values(), strict=True):
            text = re.sub(f"{person}[\U0001F3FB-\U0001F3FF]?\u200d{tool}\ufe0f?", f" {role} ", text)
    out: list[str] = []
    previous_was_emoji = False
    for ch in text:
        if unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF:
            name = unicodedata.name(ch, "").lower()
            name = " ".join(re.sub(r"\b(face|with|symbol|sign|emoji)\b", " ", name).split())
            if name:
                out.append((", " if previous_was_emoji else " ") + name + " ")
                previous_was_emoji = True
            continue
        if ch in "\u200d\ufe0f\ufe0e" or 0x1F3FB <= ord(ch) <= 0x1F3FF:
            continue
        previous_was_emoji = previous_was_emoji and ch.isspace()
        out.append(ch)
    text = re.sub(r"\s+,", ",", " ".join("".join(out).split()))
    return re.sub(r"\b(\w+)(?: \1\b)+", r"\1", text, flags=re.IGNORECASE)  # "a robot 🤖" → "a robot"


def detect_language(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "en"
    cjk = sum(1 for ch in letters if _CJK.match(ch))
    if cjk >= len(letters) * 0.3:
        return "zh"
    return "en" if all(ch.isascii() for ch in letters) or is_english(text) else "other"


def split_sentences(text: str) -> list[str]:
    """Sentences with their punctuation (captions keep it; beats strip it)."""
    parts = [" ".join(p.split()) for p in _SENTENCE_END.split(text)]
    seen: set[str] = set()  # an idea pasted twice tells its story once
    unique = []
    for part in parts:
        if any(ch.isalnum() for ch in part) and part.lower() not in seen:
            seen.add(part.lower())
            unique.append(part)
    return unique


def default_frame_count(idea: str) -> int:
    """4-6 frames: as many as the idea has sentences, within that range."""
    return max(MIN_FRAMES, min(MAX_DEFAULT_FRAMES, len(split_sentences(idea))))


def _stable_choice(seed_text: str, options: list[str], offset: int = 0) -> str:
    digest = int(hashlib.sha1(seed_text.encode("utf-8")).hexdigest(), 16)
    return options[(digest + offset) % len(options)]


def find_character(english: str) -> tuple[str, str]:
    """(noun, descriptors) of the main character: a known character noun, else the first 'a/the X' phrase."""
    lower = english.lower()
    best = None
    for match in re.finditer(r"[a-z]+", lower):
        word = match.group(0)
        singular = word[:-1] if word.endswith("s") and word[:-1] in CHARACTER_NOUNS else word
        if singular in CHARACTER_NOUNS:
            best = (singular, match.start())
            break
    if best:
        noun, start = best
        before = re.findall(r"[a-z-]+", lower[max(0, start - 40):start])[-3:]
        keep = []
        for word in reversed(before):
            if word in _DETERMINERS or word in _STOP_AFTER_ARTICLE or word.endswith("ing"):
                break
            keep.insert(0, word)
        return noun, " ".join(keep)
    match = re.search(r"\b(?:a|an|the)\s+((?:[a-z-]+\s+){0,2}[a-z-]+)", lower)
    if match:
        words = []
        for word in match.group(1).split():
            if word in _STOP_AFTER_ARTICLE or (words and _VERBISH.match(word)):
                break
            words.append(word)
        if words:
            return words[-1], " ".join(words[:-1])
    return "traveler", "curious young"


def find_names(idea: str) -> tuple[str, ...]:
    """Capitalised words that are not sentence-initial ("Mia" in "a cat named Mia")."""
    names = re.findall(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b", idea)
    return tuple(dict.fromkeys(n for n in names if n.lower() not in CHARACTER_NOUNS))


def arrange_beats(
    events: list[str], captions: list[str], count: int, props: list[str], seed_text: str, character: str
) -> tuple[list[str], list[str]]:
    """Exactly `count` (beat, caption) pairs: the idea's events in order, padded with generic beats."""
    if len(events) >= count:
        # Group consecutive events so that every one of them lands in some frame.
        bounds = [round(i * len(events) / count) for i in range(count + 1)]
        beats = [", ".join(events[bounds[i]:bounds[i + 1]]) for i in range(count)]
        return beats, [" ".join(captions[bounds[i]:bounds[i + 1]]) for i in range(count)]
    missing = count - len(events)
    opening = [_stable_choice(seed_text, OPENING_BEATS)] if missing >= 1 else []
    ending = [_stable_choice(seed_text, ENDING_BEATS)] if missing >= 2 else []
    middles: list[str] = []
    prop_beats = [b.format(prop=p) for p, b in zip(props, PROP_BEATS, strict=False)]
    pool = prop_beats + [_stable_choice(seed_text, MIDDLE_BEATS, k) for k in range(len(MIDDLE_BEATS))]
    for beat in pool:
        if len(middles) >= missing - len(opening) - len(ending):
            break
        if beat not in middles and beat not in events:
            middles.append(beat)
    generic = lambda beat: f"The {character} is {beat}."  # noqa: E731
    beats = opening + events + middles + ending
    captions = [generic(b) for b in opening] + captions + [generic(b) for b in middles + ending]
    return beats, captions


def parsed_analysis(idea: str, english: str, frame_count: int) -> IdeaAnalysis:
    """An English idea read with the dependency parser (`agent.reading`): character, events in order with
    pronouns resolved, beats from the idea's own world when it has fewer events than frames."""
    from agent.glossary import ANIMALS, OTHER_CHARACTERS, PEOPLE
    from agent.reading import character_kind, expand_events, read_idea, title_for

    reading = read_idea(english)
    events = expand_events(reading, frame_count)
    kind = character_kind(reading, reading.gender, set(PEOPLE), ANIMALS, OTHER_CHARACTERS)
    colour_words = [w for w in reading.adjectives + " ".join(reading.clothing).split() if w in COLOURS]
    colour = colour_words[0] if colour_words else _stable_choice(idea, COLOURS)
    worn = read_look(english, reading.character.split()[-1], " ".join(reading.adjectives))  # "loses its scarf"
    look = Look(noun=reading.character, age=next((a for a in reading.adjectives if a in AGE_WORDS), ""),
                adjectives=reading.adjectives, clothing=worn.clothing, held=worn.held, features=worn.features)
    if not (worn.clothing or worn.held or worn.features):  # items the clothing table does not know
        look.clothing, look.features = reading.clothing, reading.features
    return IdeaAnalysis(
        "en", english, reading.character, " ".join(reading.adjectives), (reading.name,) if reading.name else (),
        colour, title_for(reading), beats=[e.frame() for e in events],
        captions=[e.caption(reading.subject) for e in events], look=look,
        idea_colour=colour_words[0] if colour_words else "", actions={e.verb for e in reading.events},
        parsed=True, kind=kind)


def analyse_idea(idea: str, frame_count: int) -> IdeaAnalysis:
    """Read `idea` (already normalized) into a character and `frame_count` English beats with captions."""
    language = detect_language(idea)
    with_words = emoji_to_words(idea)
    if language == "en":
        return parsed_analysis(idea, with_words, frame_count)
    english = chinese_to_english(with_words) if language == "zh" else with_words
    character, descriptors = find_character(english)
    names = find_names(idea) if language == "en" else ()
    colour = next((c for c in COLOURS if re.search(rf"\b{c}\b", english.lower())), None)
    if colour is None or colour in descriptors.split():
        colour = _stable_choice(idea, [c for c in COLOURS if c not in descriptors.split()])
    sentences = split_sentences(idea if language == "zh" else with_words)
    look = read_look(english, character, "" if character == "traveler" else descriptors)
    actions: set[str] = set()
    if language == "zh":
        clauses = [c for s in sentences for c in re.split(r"[，,、]", s) if c.strip()]
        worn, read, previous = worn_items(idea), [], None
        for clause in clauses:
            beat = read_clause(clause, character, worn, previous)
            if beat.beat:
                read.append(beat)
                previous = beat
        pairs_of = [[(r.beat, r.caption)] for r in read]
        for i in reversed(range(len(read))):  # a short idea: "找回来" is searching, then getting it back
            if sum(len(p) for p in pairs_of) >= frame_count:
                break
            if read[i].expanded:
                pairs_of[i] = list(read[i].expanded)
        pairs = [p for group in pairs_of for p in group]
        events, captions = [b for b, _ in pairs], [c for _, c in pairs]
    elif language == "en":
        chosen = [s for s in sentences if _is_event(s, character)]
        if len(chosen) < frame_count:  # "loses its scarf in the snow, a crow helps": two events, not one
            clauses = [c.strip() for s in chosen for c in re.split(r",\s*(?:and\s+|then\s+)?|\s+and then\s+", s)]
            if all(_is_event(c, character) for c in clauses) and len(clauses) <= frame_count:
                chosen = clauses
        acted = [_event_beat(strip_junk(s), character, names) for s in chosen]
        events, actions = [b for b, _ in acted], {v for _, v in acted if v}
        captions = [re.sub(r"[;,:]$", ".", c[:1].upper() + c[1:]) for c in chosen]
    else:
        events, captions = [], []
    props = _props(english, character, events)
    beats, captions = arrange_beats(events, captions, frame_count, props, idea, character)
    if language == "zh":
        title = chinese_title(idea, character, [w for w in descriptors.split() if w not in COLOURS])
    else:
        listy = not events or not is_english(with_words)
        title = deterministic_title(strip_junk(sentences[0]) if sentences else english, look, props, listy)
    idea_colour = next((c for c in COLOURS if re.search(rf"\b{c}\b", english.lower())), "")
    return IdeaAnalysis(language, english, character, descriptors, names, colour, title or "A Story", beats=beats,
                        captions=captions, look=look, idea_colour=idea_colour, actions=actions)


_ITEMS = "|".join(re.escape(i) for i in sorted(CLOTHING + HELD_ITEMS + FEATURES, key=len, reverse=True))
_LEADING_LOOK = re.compile(
    rf"^(?:who\s+(?:is\s+|are\s+|has\s+)?)?(?:(?:in|wearing|with|dressed in|holding)\s+(?:a\s+|an\s+|one\s+)?"
    rf"(?:[a-z-]+\s+){{0,3}}?(?:{_ITEMS})(?:\s+and\s+(?:a\s+|an\s+)?(?:[a-z-]+\s+){{0,2}}?(?:{_ITEMS}))*"
    rf"\s*,?\s*)?",
    re.IGNORECASE,
)


_NO_DOUBLING = {"open", "visit", "enter", "listen", "happen", "wonder", "travel", "gather", "answer"}


def gerund(verb: str) -> str:
    """'loses' → 'losing', 'flies' → 'flying', 'reaches' → 'reaching', 'hops' → 'hopping' (third person -s)."""
    if verb.endswith("ies") and len(verb) > 4:
        base = verb[:-3] + "y"
    elif re.search(r"(?:ch|sh|ss|x|z|o)es$", verb):
        base = verb[:-2]
    else:
        base = verb[:-1]
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    if len(base) <= 4 and re.search(r"[^aeiou][aeiou][^aeiouwxy]$", base) and base not in _NO_DOUBLING:
        return base + base[-1] + "ing"
    return base + "ing"


def _event_beat(sentence: str, character: str, names: tuple[str, ...]) -> tuple[str, str]:
    """An event sentence as a 1Prompt1Story frame, and the character's verb ('' when none): no subject, no look,
    a gerund when the character acted ("A red fox loses its scarf in the snow" → "losing its scarf in the snow")."""
    beat = strip_look(strip_subject(sentence, character, names))
    first = beat.split()[0] if beat.split() else ""
    acted = beat != sentence and beat.lower() != sentence.lower()
    if acted and re.fullmatch(r"[a-z]{3,}s", first) and not first.endswith("ss") and first not in ("is", "has", "was"):
        return gerund(first) + beat[len(first):], first.lower()
    return beat, ""


def strip_look(beat: str) -> str:
    """Drop a leading description ("in a yellow raincoat rescues..." → "rescues..."): the identity holds it."""
    rest = re.sub(r"^(?:and|then)\s+", "", _LEADING_LOOK.sub("", beat, count=1), flags=re.IGNORECASE)
    return rest if len(rest.split()) >= 2 else beat


def _is_event(sentence: str, character: str) -> bool:
    """An event has three words or more, in English, and is not a bare list of nouns ("cat, rocket, moon")."""
    words = re.findall(r"[a-z']+", sentence.lower())
    list_like = all(len(part.split()) <= 3 for part in sentence.split(",")) and not set(words) & _FUNCTION_WORDS
    return len(words) >= 3 and is_english(sentence) and not list_like


def _props(english: str, character: str, events: list[str]) -> list[str]:
    """Nouns of a list-like idea ("cat rocket crescent moon") that no event mentions yet."""
    if events:
        return []
    phrases = [" ".join(re.findall(r"[a-z]+", p)) for p in re.split(r"[,;]|\band\b", english.lower())]
    phrases = [" ".join(w for w in p.split() if w != character and w not in _FUNCTION_WORDS) for p in phrases]
    return list(dict.fromkeys(p for p in phrases if p and len(p.split()) <= 3))[:3]


def identity_from_analysis(analysis: IdeaAnalysis) -> str:
    """A concrete identity prompt: kind, age, clothing, colours (no action, no place), from the idea's own words
    where it gives them ("a young red fox, wearing a red scarf, ...")."""
    look = analysis.look
    if look is None or look.noun != analysis.character:
        look = read_look(analysis.english, analysis.character, analysis.descriptors)
    return identity_from_look(look, analysis.english, analysis.idea_colour or analysis.colour, analysis.kind)
