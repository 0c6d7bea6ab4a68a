"""Deterministic reading of an idea: its language, main character, events, and one English beat per frame.

This is the planner's floor: with no LLM, or with one too small to follow instructions, a story is still
built from the idea's own sentences (English), a small glossary (Chinese), emoji names (Unicode), and
generic story beats when the idea is too short to fill the frames.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from language.old_chinese import (  # noqa: F401 (language.editor imports chinese_clause_beat here)
    added_beat_caption,
    character_word,
    chinese_clause_beat,
    chinese_title,
    chinese_to_english,
    main_character,
    read_clause,
    worn_items,
)
from language.glossary import (
    AGE_WORDS,
    CHARACTER_NOUNS,
    COLOURS,
)
from language.identity import Look, identity_from_look, read_look, stable_choice
from language.prompt_repair import is_english

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


def world_beats(read: list, pairs: list[tuple[str, str]], character: str, who: str,
                frame_count: int) -> tuple[list[str], list[str]]:
    """Exactly `frame_count` (beat, caption) pairs for a Chinese idea: its clauses' beats, grouped when there are
    too many, and beats from its own world when there are too few (`language.reading.expand_events`), with
    Chinese captions for those (`language.chinese.added_beat_caption`)."""
    from language.reading import PLACE_PREPOSITIONS, IdeaReading, event_from_frame, expand_events

    chinese_of: dict[str, str] = {}
    places: list[tuple[str, str]] = []
    things: list[str] = []
    for clause in read:
        prep, _, place = clause.place.partition(" ")
        if prep in PLACE_PREPOSITIONS and place and (prep, place) not in places:
            places.append((prep, place))
            chinese_of[place] = clause.zh_place
        for thing, word in zip(clause.objects, clause.zh_objects, strict=False):
            chinese_of[thing] = chinese_of[thing.split(" ", 1)[-1]] = word
            things.append("the " + thing.split(" ", 1)[-1] if thing.startswith(("a ", "an ")) else thing)
    new_objects = [next((o for o in c.objects if o.startswith(("a ", "an "))), "") for c in read]
    events = [event_from_frame(beat, new_objects[i] if i < len(new_objects) else "")
              for i, (beat, _) in enumerate(pairs)]
    caption_of = {id(event): caption for event, (_, caption) in zip(events, pairs, strict=True)}
    reading = IdeaReading(character=character, events=events, places=places, things=list(dict.fromkeys(things)))
    chosen = expand_events(reading, frame_count)
    if len(events) >= frame_count:  # grouped: the grouped clauses' captions, joined
        bounds = [round(i * len(events) / frame_count) for i in range(frame_count + 1)]
        joined = ["，".join(c for _, c in pairs[bounds[i]:bounds[i + 1]]) for i in range(frame_count)]
        return [e.frame() for e in chosen], joined
    return ([e.frame() for e in chosen],
            [caption_of.get(id(e)) or added_beat_caption(e.kind, e.about, who, chinese_of) for e in chosen])


def parsed_analysis(idea: str, english: str, frame_count: int) -> IdeaAnalysis:
    """An English idea read with the dependency parser (`language.reading`): character, events in order with
    pronouns resolved, beats from the idea's own world when it has fewer events than frames."""
    from language.glossary import ANIMALS, OTHER_CHARACTERS, PEOPLE
    from language.reading import character_kind, expand_events, read_idea, title_for

    reading = read_idea(english)
    events = expand_events(reading, frame_count)
    kind = character_kind(reading, reading.gender, set(PEOPLE), ANIMALS, OTHER_CHARACTERS)
    colour_words = [w for w in reading.adjectives + " ".join(reading.clothing).split() if w in COLOURS]
    colour = colour_words[0] if colour_words else stable_choice(idea, COLOURS)
    worn = read_look(english, reading.character.split()[-1], " ".join(reading.adjectives))  # "loses its scarf"
    age = next((a for a in reading.adjectives if a in AGE_WORDS), "")
    look = Look(noun=reading.plural or reading.character, age=age,
                adjectives=reading.adjectives, clothing=worn.clothing, held=worn.held, features=worn.features)
    if not (worn.clothing or worn.held or worn.features):  # items the clothing table does not know
        look.clothing, look.features = reading.clothing, reading.features
    return IdeaAnalysis(
        "en", english, reading.character, " ".join(reading.adjectives), (reading.name,) if reading.name else (),
        colour, title_for(reading), beats=[e.frame() for e in events],
        captions=[e.caption(reading.subject, bool(reading.plural)) for e in events], look=look,
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
    if language == "zh" and main_character(idea)[0]:  # the first character named, of any kind ("渔夫")
        character, descriptors = main_character(idea)
    names: tuple[str, ...] = ()
    colour = next((c for c in COLOURS if re.search(rf"\b{c}\b", english.lower())), None)
    if colour is None or colour in descriptors.split():
        colour = stable_choice(idea, [c for c in COLOURS if c not in descriptors.split()])
    sentences = split_sentences(idea if language == "zh" else with_words)
    look = read_look(english, character, "" if character == "traveler" else descriptors)
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
        beats, captions = world_beats(read, pairs, character, character_word(idea, character), frame_count)
        title = chinese_title(idea, character, [w for w in descriptors.split() if w not in COLOURS])
    else:  # another language: nothing to read the events with; the character at moments of a day
        from language.reading import IdeaReading, expand_events, title_for

        reading = IdeaReading(character=character, adjectives=descriptors.split())
        added = expand_events(reading, frame_count)
        beats, captions = [e.frame() for e in added], [e.caption(reading.subject) for e in added]
        title = title_for(reading)
    idea_colour = next((c for c in COLOURS if re.search(rf"\b{c}\b", english.lower())), "")
    from language.glossary import ANIMALS, OTHER_CHARACTERS, PEOPLE
    from language.reading import IdeaReading, character_kind

    gender = "she" if "她" in idea else "he" if "他" in idea else "it"
    kind = character_kind(IdeaReading(character=character), gender, set(PEOPLE), ANIMALS, OTHER_CHARACTERS)
    return IdeaAnalysis(language, english, character, descriptors, names, colour, title or "A Story", beats=beats,
                        captions=captions, look=look, idea_colour=idea_colour, kind=kind)


def identity_from_analysis(analysis: IdeaAnalysis) -> str:
    """A concrete identity prompt: kind, age, clothing, colours (no action, no place), from the idea's own words
    where it gives them ("a young red fox, wearing a red scarf, ...")."""
    look = analysis.look
    if look is None or look.noun != analysis.character and not analysis.parsed:
        look = read_look(analysis.english, analysis.character, analysis.descriptors)
    return identity_from_look(look, analysis.english, analysis.idea_colour or analysis.colour, analysis.kind)
