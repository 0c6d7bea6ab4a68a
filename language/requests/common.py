"""What every request reader shares: the words that name operations, settings and moods, the frames a
message names (`find_refs`), and the parsed request (`_Request`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core import edits
from core.styles import STYLE_PRESETS

FRAME_NOUNS = {"frame", "picture", "panel", "image", "scene", "shot", "page", "illustration", "one", "drawing"}


NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve"]


ORDINAL_WORDS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                 "tenth", "eleventh", "twelfth"]


ALL_WORDS = {"all", "every", "each", "whole"}


# Parts of a story that name a frame: "the ending" is the last one.
STORY_PARTS = {"ending": lambda n: n, "finale": lambda n: n, "climax": lambda n: n, "beginning": lambda n: 1,
               "opening": lambda n: 1, "middle": lambda n: (n + 1) // 2}


START_WORDS = {"start", "beginning", "front", "first", "top"}


END_WORDS = {"end", "last", "bottom", "finish"}


# Which verb (lemma) asks for which operation; the arguments are read from the parse.
UNDO_PHRASES = ("never mind", "nevermind", "go back", "take that back", "take it back", "scratch that",
                "revert", "undo", "cancel that", "put it back", "as it was", "change it back")


REDO_PHRASES = ("redo", "do that again", "bring it back", "bring that back", "put it back again")


REMOVE_VERBS = {"remove", "delete", "drop", "cut", "erase", "lose", "skip", "ditch", "trash", "get rid"}


ADD_VERBS = {"add", "insert", "include", "append", "put in", "create"}


MOVE_VERBS = {"move", "put", "place", "shift", "make"}


SWAP_VERBS = {"swap", "switch", "exchange", "trade", "flip"}


RENAME_VERBS = {"call", "name", "rename", "title"}


REROLL_VERBS = {"reroll", "re-roll", "redraw", "regenerate", "redo", "retry", "try", "render"}


LOCK_VERBS = {"lock", "keep", "freeze", "pin"}


UNLOCK_VERBS = {"unlock", "unfreeze", "unpin"}


WEAR_VERBS = {"wear", "put on", "dress", "have", "hold", "carry"}


# Styles by the words people use for them.
STYLE_WORDS = {**{name: name for name in STYLE_PRESETS if name != "none"},
               "watercolor": "storybook", "watercolour": "storybook", "storybook": "storybook",
               "comics": "comic", "cartoon": "comic", "manga": "anime", "photograph": "photo",
               "photographic": "photo", "realistic": "photo", "photorealistic": "photo", "oil": "painting",
               "pencil": "sketch", "drawing": "sketch", "8-bit": "pixel", "16-bit": "pixel", "pixar": "3d",
               "clay": "3d", "claymation": "3d"}


# A setting word and the preposition that attaches it to a frame: "night" → "at night".
SETTING_PREPOSITIONS = {
    "at": {"night", "dawn", "dusk", "sunset", "sunrise", "midnight", "noon", "twilight", "daybreak"},
    "in": {"winter", "summer", "spring", "autumn", "fall"},
    "in the": {"rain", "snow", "storm", "wind", "sun", "sunshine", "dark", "moonlight", "thunderstorm",
               "snowstorm", "blizzard", "rainstorm", "morning", "evening", "afternoon", "fog", "mist"},
}


# Moods: the words that ask for one, and what it becomes in a prompt.
MOODS = {
    "happy": ({"happy", "happier", "cheer", "cheerful", "joyful", "joy", "bright", "brighter", "fun", "upbeat",
               "lighter", "sunnier", "sunny", "glad", "smile", "smiling", "brighten", "lighten"},
              "happy and smiling, bright cheerful light"),
    "sad": ({"sad", "sadder", "gloomy", "melancholy", "somber", "sombre", "cry", "crying"},
            "sad and quiet, soft muted light"),
    "dramatic": ({"dramatic", "epic", "intense", "tense", "exciting", "action"},
                 "dramatic moment, dynamic pose, strong contrast lighting"),
    "scary": ({"scary", "scarier", "spooky", "creepy", "dark", "darker", "eerie", "frightening"},
              "eerie mood, deep shadows"),
    "calm": ({"calm", "calmer", "peaceful", "quiet", "quieter", "cozy", "cosy", "gentle", "relaxed"},
             "calm and peaceful, soft warm light"),
    "funny": ({"funny", "funnier", "silly", "playful", "comic"}, "funny and playful, expressive faces"),
}


SETTING_WORDS = {w for words in SETTING_PREPOSITIONS.values() for w in words}


MOOD_OF = {word: mood for mood, (words, _) in MOODS.items() for word in words}


TOO = {"too", "so", "very", "overly", "really"}  # "too sad": the opposite is wanted


OPPOSITE = {"sad": "happy", "happy": "calm", "scary": "calm", "calm": "dramatic", "dramatic": "calm",
            "funny": "calm"}


@dataclass
class ParsedEdit:
    """The outcome of reading a message: operations to apply, or a question (and then nothing changes)."""

    ops: list[edits.EditOp]
    question: str | None = None
    choices: list[str] = field(default_factory=list)  # short answers the app offers as buttons


@dataclass
class Refs:
    """The frames a message names (0-based), and the token indices that named them."""

    frames: list[int] = field(default_factory=list)
    every: bool = False
    tokens: set[int] = field(default_factory=set)
    missing: list[int] = field(default_factory=list)  # 1-based numbers beyond the story
    position: str = ""  # "start" / "end" / "after:N" / "before:N" for moves and insertions
    missing_span: tuple[int, int] = (0, 0)  # characters of the message naming the first missing frame


def _number(token) -> int | None:
    text = token.lower_.rstrip(".")
    if text.isdigit():
        return int(text)
    if text.startswith("#") and text[1:].isdigit():
        return int(text[1:])
    for suffix in ("st", "nd", "rd", "th"):
        if text.endswith(suffix) and text[:-2].isdigit():
            return int(text[:-2])
    if text in NUMBER_WORDS:
        return NUMBER_WORDS.index(text)
    if text in ORDINAL_WORDS:
        return ORDINAL_WORDS.index(text)
    return None


def find_refs(doc, count: int) -> Refs:
    """Frame references: "frame 3", "the third picture", "the last two frames", "frames 2 and 4",
    "all the frames", "every picture", and positions: "to the start", "after frame 2".

    Longer than 50 lines: every way a request names frames (numbers, ordinals, ranges, "the last two",
    "everything after", story parts) in one pass, so overlapping mentions resolve once.
    """
    refs = Refs()
    taken: set[int] = set()

    def add(number: int) -> None:
        if 1 <= number <= count:
            if number - 1 not in refs.frames:
                refs.frames.append(number - 1)
        elif number not in refs.missing:
            refs.missing.append(number)

    for token in doc:
        if token.lemma_.lower() not in FRAME_NOUNS or token.i in taken:
            continue
        if token.lower_ == "one" and not any(_number(t) or t.lower_ == "last" for t in token.lefts):
            continue
        mods = [t for t in token.lefts if t.dep_ in ("amod", "nummod", "det", "predet", "quantmod", "compound",
                                                      "advmod")]
        mods += [t for t in doc[max(0, token.i - 3):token.i] if t not in mods and (
            _number(t) is not None or t.lower_ in {"last", "final", "next", "previous"} | ALL_WORDS)]
        after = [t for t in doc[token.i + 1:token.i + 2]  # "frame 3", "picture #2"; not "the last picture first"
                 if _number(t) is not None and t.lower_ not in ORDINAL_WORDS]
        group: list[int] = []
        used = {token.i}
        ordinal = next((t for t in mods if t.lower_ in ORDINAL_WORDS or t.lower_ in ("last", "final")
                        or (t.lower_[-2:] in ("st", "nd", "rd", "th") and _number(t))), None)
        cardinal = next((t for t in mods if t is not ordinal and t.lower_ in NUMBER_WORDS[1:]
                         or (t is not ordinal and t.lower_.isdigit())), None)
        if after:
            group.append(_number(after[0]))
            used.add(after[0].i)
            for conj in after[0].conjuncts:
                if _number(conj) is not None:
                    group.append(_number(conj))
                    used.add(conj.i)
            nxt = doc[after[0].i + 1:after[0].i + 3]
            if len(nxt) == 2 and nxt[0].lower_ in ("and", "&", ",", "to", "-", "through") and _number(nxt[1]):
                last = _number(nxt[1])
                span = range(group[0] + 1, last + 1) if nxt[0].lower_ in ("to", "-", "through") else [last]
                group.extend(span)
                used |= {nxt[0].i, nxt[1].i}
        elif ordinal is not None:
            size = _number(cardinal) if cardinal is not None else 1
            used |= {ordinal.i} | ({cardinal.i} if cardinal is not None else set())
            if ordinal.lower_ in ("last", "final"):
                group.extend(range(count - size + 1, count + 1))
            elif ordinal.lower_ == "first" and cardinal is not None:
                group.extend(range(1, size + 1))
            else:
                group.append(_number(ordinal))
        elif any(t.lower_ in ALL_WORDS for t in mods) or token.tag_ == "NNS" and not mods:
            refs.every = True
            used |= {t.i for t in mods}
        elif cardinal is not None and token.lower_ != "one" and not any(
                t.lower_ in ("more", "extra", "new", "additional", "another") for t in doc[cardinal.i:token.i]):
            group.append(_number(cardinal))
            used.add(cardinal.i)
        else:
            continue
        for number in group:
            add(number)
        used |= {t.i for t in token.lefts if t.dep_ in ("det", "predet")}
        if refs.missing and refs.missing_span == (0, 0):  # where the message names it, to offer corrected messages
            first, last = doc[min(used)], doc[max(used)]
            refs.missing_span = (first.idx, last.idx + len(last.text))
        preposition = token.head if token.dep_ == "pobj" else None
        if preposition is not None and preposition.lower_ in ("after", "before", "in", "on", "to", "for", "of"):
            used.add(preposition.i)
            if preposition.lower_ in ("after", "before") and group:
                refs.position = f"{preposition.lower_}:{group[-1] - 1}"
                refs.frames = [f for f in refs.frames if f != group[-1] - 1]
        refs.tokens |= used
        taken |= used
    for token in doc:
        if token.lower_ == "between" and not refs.position:  # "a frame between 2 and 3": after 2
            numbers = [t for t in token.subtree if t is not token and _number(t) and t.lower_ not in ORDINAL_WORDS]
            if numbers:
                refs.position = f"after:{min(_number(t) for t in numbers) - 1}"
                refs.tokens |= {t.i for t in token.subtree}
                refs.frames = [f for f in refs.frames if f + 1 not in {_number(t) for t in numbers}]
    for token in doc:
        if token.i in refs.tokens:
            continue
        if token.lower_ in STORY_PARTS and token.dep_ != "pobj" and count:  # "make the ending more dramatic"
            add(STORY_PARTS[token.lower_](count))
            refs.tokens |= {token.i} | {t.i for t in token.lefts if t.dep_ == "det"}
            continue
        if token.lower_ in ALL_WORDS and token.head.lemma_.lower() in FRAME_NOUNS | {"everywhere"}:
            refs.every = True
        elif token.lower_ in ("everywhere", "throughout"):
            refs.every, refs.tokens = True, refs.tokens | {token.i}
        if token.dep_ == "pobj" and token.head.lower_ in ("to", "at") and (
                token.lower_ in START_WORDS | END_WORDS):
            refs.position = "start" if token.lower_ in START_WORDS else "end"
            refs.tokens |= {token.i, token.head.i} | {t.i for t in token.lefts}
    return refs


def _missing_question(message: str, refs: Refs, count: int) -> ParsedEdit:
    """"There is no frame 9", with the message corrected to each frame that exists as the choices."""
    number = refs.missing[0]
    text = (f"There is no frame {number}: this story has only {count} frame{'s' if count != 1 else ''}. "
            f"Which frame did you mean (1 to {count})?")
    start, end = refs.missing_span
    choices = [f"{message[:start]}frame {k}{message[end:]}" for k in range(1, min(count, 6) + 1)] if end else []
    return ParsedEdit([], question=text, choices=choices)


def _words(doc, skip: set[int]) -> str:
    return " ".join(t.text for t in doc if t.i not in skip).replace(" 's", "'s").replace(" ,", ",").strip(" ,.")


def _has_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    padded = f" {' '.join(text.lower().replace(',', ' ').split())} "
    return any(f" {p} " in padded for p in phrases)


def _verb_phrases(doc) -> set[str]:
    """Lemmas of the verbs of the request, with their particle ("get rid", "put in", "cheer up")."""
    found = set()
    for token in doc:
        if token.pos_ in ("VERB", "AUX") or token.dep_ == "ROOT" or token.i == 0:
            found.add(token.lemma_.lower())
            for child in token.children:
                if child.dep_ in ("prt", "acomp") or (child.dep_ == "prep" and child.i == token.i + 1):
                    found.add(f"{token.lemma_.lower()} {child.lower_}")
    if any(t.lower_ == "rid" for t in doc):
        found.add("get rid")
    return found


@dataclass
class _Request:
    doc: object
    story: object
    refs: Refs
    verbs: set[str]
    character: str

    @property
    def count(self) -> int:
        return len(self.story.frames)

    def targets(self, default_all: bool = False) -> list[int]:
        if self.refs.every or (default_all and not self.refs.frames):
            return list(range(self.count))
        return list(self.refs.frames)


def _character(story) -> str:
    from language.events import find_character

    return find_character(story.identity_prompt)[0]
