"""Revision requests in ordinary words, read with a dependency parser into typed edit operations.

"make the seagull blue", "add a scene where she feeds the pigeons", "can you make frame 3 more dramatic?",
"delete the last two frames", "put frame 5 first", "call the story Flour and Fire", "never mind" — each
becomes operations from `core.edits`, a question (ambiguous or impossible, nothing changes), or None when the
parser cannot tell (then a capable LLM, if configured, gets the message).

English goes through spaCy (`agent.nlp`); Chinese through jieba and CC-CEDICT (`agent.chinese_requests`).
The words that matter live in the tables below: which verbs mean which operation, how a setting word
attaches to a frame ("night" → "at night"), what a mood becomes in a prompt. The request's own words
("don't like", "should", "can you", "feels") never reach a prompt: only the parsed content does.

Longer than 300 lines: one reader per kind of request (recolour, replace, scene insert, style, character,
mood, story part, setting, order), listed in `understand`; they share the frame-reference and noun-phrase helpers
at the top. Splitting it by kind is the next step when a new kind is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent import nlp
from agent.glossary import COLOUR_WORDS
from agent.reading import WEATHER_VERBS
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
    from agent.events import find_character

    return find_character(story.identity_prompt)[0]


def understand(message: str, story) -> ParsedEdit | None:
    """Operations for an English request, a question, or None when the parser cannot tell what it asks."""
    text = " ".join(message.split()).strip()
    doc = nlp.parse(text)
    refs = find_refs(doc, len(story.frames))
    if refs.missing:
        return _missing_question(text, refs, len(story.frames))
    request = _Request(doc, story, refs, _verb_phrases(doc), _character(story))
    for reader in (_undo_redo, _rename, _style, _remove, _add_scene, _move, _swap, _reroll_lock, _mood,
                   _replace_thing, _other_character, _identity, _recolour, _setting, _frame_content):
        parsed = reader(request)
        if parsed is not None:
            return parsed
    return None


def _undo_redo(r: _Request) -> ParsedEdit | None:
    text = r.doc.text.lower()
    if r.refs.frames:
        return None
    if _has_phrase(text, REDO_PHRASES):
        return ParsedEdit([edits.Redo()])
    if _has_phrase(text, UNDO_PHRASES):
        return ParsedEdit([edits.Undo()])
    return None


def _rename(r: _Request) -> ParsedEdit | None:
    doc = r.doc
    for token in doc:
        lemma = token.lemma_.lower()
        is_title_noun = lemma in ("title", "name") and token.pos_ == "NOUN"
        if not (lemma in RENAME_VERBS and (token.pos_ == "VERB" or token.i == 0) or is_title_noun):
            continue
        story_words = {"story", "it", "book", "title", "this", "comic", "name"}
        anchor = next((t for t in doc[token.i + 1:] if t.lower_ in story_words), None)
        if not is_title_noun and anchor is None:
            continue
        start = (anchor or token).i + 1
        while start < len(doc) and doc[start].lower_ in ("to", "as", "should", "be", "is", ":", "now", "instead"):
            start += 1
        if start >= len(doc):
            continue
        title = doc.text[doc[start].idx:].strip().strip("\"'“”‘’«»").rstrip(".!")
        if title:
            return ParsedEdit([edits.Rename(title=title[:120])])
    return None


def _style_name(words: list[str]) -> str | None:
    for word in words:
        if word.lower() in STYLE_WORDS:
            return STYLE_WORDS[word.lower()]
    return None


def _style(r: _Request) -> ParsedEdit | None:
    lower = [t.lower_ for t in r.doc]
    mentions_style = {"style", "look", "art", "drawn", "like"} & set(lower) or r.verbs & {"switch", "turn", "make",
                                                                                         "change", "use", "go"}
    name = _style_name(lower)
    if name is None and "style" in lower:
        index = lower.index("style")
        tail = [t for t in r.doc[index + 1:] if t.pos_ in ("NOUN", "ADJ", "PROPN") and t.lower_ != "style"]
        head = [t for t in r.doc[max(0, index - 3):index] if t.pos_ in ("NOUN", "ADJ", "PROPN")]
        phrase = " ".join(t.lower_ for t in (tail or head))
        if phrase and phrase not in ("story", "frame"):
            return ParsedEdit([edits.SetStyle(style=f"{phrase} style")])
        return None
    if name is None or not mentions_style or r.refs.frames:
        return None
    return ParsedEdit([edits.SetStyle(style=name)])


def _remove(r: _Request) -> ParsedEdit | None:
    if not r.verbs & REMOVE_VERBS:
        return None
    rest_of = {t.lower_ for t in r.doc} & {"everything", "all", "rest", "every"}
    if r.refs.position[:6] in ("after:", "before") and rest_of and not r.refs.frames:  # "everything after frame 2"
        anchor = int(r.refs.position.split(":")[1])
        span = range(anchor + 1, r.count) if r.refs.position.startswith("after") else range(0, anchor)
        return ParsedEdit([edits.RemoveFrames(frames=list(span))]) if span else None
    if not (r.refs.frames or r.refs.every):
        return None
    if r.refs.every:
        return ParsedEdit([], question="Remove every frame? A story needs at least one. Which frames should go?")
    if len(r.refs.frames) == 1:
        return ParsedEdit([edits.RemoveFrame(frame=r.refs.frames[0])])
    return ParsedEdit([edits.RemoveFrames(frames=sorted(r.refs.frames))])


def _clause_event(text: str, r: _Request):
    """A described scene as an event: "she feeds the pigeons" → frame "feeding the pigeons"."""
    from agent.reading import clause_event

    return clause_event(text, r.character)


def _add_scene(r: _Request) -> ParsedEdit | None:
    if not r.verbs & ADD_VERBS:
        return None
    doc = r.doc
    noun = next((t for t in doc if t.lemma_.lower() in FRAME_NOUNS - {"one"} and t.i not in r.refs.tokens), None)
    if noun is None:
        return None
    skip = set(r.refs.tokens) | {t.i for t in doc if t.i <= noun.i}
    rest = [t for t in doc if t.i not in skip]
    while rest and (rest[0].lower_ in ("where", "in", "which", "that", "of", "showing", "with", "when", ":", "-",
                                       "to", "show", "shows", "at") and rest[0].dep_ != "pobj" or rest[0].is_punct):
        rest = rest[1:]
    if not rest:
        return ParsedEdit([], question="What should the new frame show? For example: “add a frame where she "
                                       "feeds the pigeons”.")
    content = _words(doc, {t.i for t in doc} - {t.i for t in rest})
    event = _clause_event(content, r)
    frame = event.frame() if event else content
    caption = event.caption(f"the {r.character}") if event else content[:1].upper() + content[1:] + "."
    position = r.count
    if r.refs.position.startswith("after:"):
        position = int(r.refs.position.split(":")[1]) + 1
    elif r.refs.position.startswith("before:"):
        position = int(r.refs.position.split(":")[1])
    elif r.refs.position == "start":
        position = 0
    return ParsedEdit([edits.InsertFrame(position=position, text=frame, caption=caption)])


def _move(r: _Request) -> ParsedEdit | None:
    if not r.verbs & MOVE_VERBS or len(r.refs.frames) != 1:
        return None
    frame = r.refs.frames[0]
    words = {t.lower_ for t in r.doc if t.i not in r.refs.tokens}
    position = r.refs.position
    if not position:
        if words & {"first", "start", "beginning", "front"}:
            position = "start"
        elif words & {"last", "end"}:
            position = "end"
    if not position:
        return None
    if position == "start":
        to = 0
    elif position == "end":
        to = r.count - 1
    else:
        where, anchor = position.split(":")
        anchor = int(anchor)
        to = anchor + (1 if where == "after" else 0) - (1 if anchor > frame else 0)
        to = max(0, min(r.count - 1, to))
    return ParsedEdit([edits.MoveFrame(frame=frame, to=to)])


def _swap(r: _Request) -> ParsedEdit | None:
    if not r.verbs & SWAP_VERBS or len(r.refs.frames) != 2:
        return None
    return ParsedEdit([edits.SwapFrames(first=r.refs.frames[0], second=r.refs.frames[1])])


def _reroll_lock(r: _Request) -> ParsedEdit | None:
    if not r.refs.frames:
        return None
    lower = {t.lower_ for t in r.doc}
    if r.verbs & UNLOCK_VERBS:
        return ParsedEdit([edits.SetLock(frame=f, locked=False) for f in r.refs.frames])
    negated = any(t.dep_ == "neg" for t in r.doc) and r.verbs & {"change", "touch", "redraw", "render"}
    kept = any(t.lemma_ in LOCK_VERBS and any(c.i in r.refs.tokens for c in t.children) for t in r.doc)
    if r.verbs & LOCK_VERBS and (lower & {"is", "as", "same", "locked", "lock"} or "lock" in r.verbs) or negated \
            or kept:
        return ParsedEdit([edits.SetLock(frame=f, locked=True) for f in r.refs.frames])
    if r.verbs & REROLL_VERBS and (lower & {"again", "another", "new", "different"} or r.verbs & {
            "reroll", "re-roll", "redraw", "regenerate"}) or lower & {"version", "variation", "seed"}:
        return ParsedEdit([edits.Reroll(frame=f) for f in r.refs.frames])
    return None


def _mood(r: _Request) -> ParsedEdit | None:
    moods = []
    for token in r.doc:
        mood = MOOD_OF.get(token.lower_) or MOOD_OF.get(token.lemma_.lower())
        if mood is None or token.i in r.refs.tokens:
            continue
        if token.lower_ == "dark" and any(t.lower_ in ("night", "sky") for t in r.doc):
            continue
        wants_less = any(t.lower_ in TOO for t in token.lefts) or any(
            t.lower_ in ("less", "not") for t in token.lefts)
        if token.lemma_.lower() in ("cheer", "lighten", "brighten"):
            wants_less = False
        moods.append(OPPOSITE[mood] if wants_less else mood)
    if not moods:
        return None
    mood = moods[-1]
    targets = r.targets(default_all=True)
    phrase = MOODS[mood][1]
    prompts = {i: _with_modifier(r.story.frames[i].prompt, phrase, drop=[p for _, p in MOODS.values()])
               for i in targets}
    return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"a {mood} mood")])


def _with_modifier(prompt: str, phrase: str, drop: list[str] = ()) -> str:
    """`prompt` with `phrase` added as a comma part, replacing any earlier part listed in `drop`."""
    parts = [p.strip() for p in prompt.split(",") if p.strip()]
    drop_parts = {q.strip() for d in drop for q in d.split(",")}
    parts = [p for p in parts if p not in drop_parts and p != phrase]
    return ", ".join([*parts, phrase])


def _identity(r: _Request) -> ParsedEdit | None:
    """The main character: "the baker should be an old man", "make her a knight", "give her round glasses"."""
    doc, identity = r.doc, r.story.identity_prompt
    character_words = {r.character, "character", "hero", "heroine", "protagonist", "she", "he", "her", "him",
                       "they", "them"}
    pronoun_only = {"she", "he", "her", "him", "they", "them"}
    for token in doc:
        lemma = token.lemma_.lower()
        if lemma == "give" or (lemma in WEAR_VERBS and any(
                c.dep_ == "nsubj" and c.lower_ in character_words for c in token.children)):
            receiver = [c for c in token.children if c.dep_ in ("dative", "iobj", "nsubj") or (
                c.dep_ == "poss" and c.lower_ in pronoun_only)]
            obj = next((c for c in token.children if c.dep_ in ("dobj", "attr")), None)
            if obj is None:
                continue
            if obj.lower_ in pronoun_only and len(list(obj.children)) == 0:
                continue
            if r.refs.frames and lemma != "give":
                return None
            owner_pron = [c for c in obj.lefts if c.dep_ == "poss" and c.lower_ in pronoun_only]
            if not receiver and not owner_pron and lemma == "give":
                continue
            item = " ".join(t.text for t in obj.subtree if not (t.dep_ == "poss" and t.lower_ in pronoun_only))
            item = item.replace(" 's", "'s")
            if obj.lower_ in COLOUR_WORDS:
                continue
            verb = "wearing" if lemma in ("wear", "put on", "dress") else "with"
            if r.refs.frames:
                return None
            return ParsedEdit([edits.SetIdentity(text=f"{verb} {item}", append=True)])
    root = doc[:].root
    described = _described_character(r, root, character_words)
    if described is not None:
        return described
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    attr = next((c for c in root.children if c.dep_ in ("attr", "oprd") and c.pos_ in ("NOUN", "PROPN")), None)
    if root.lemma_ == "make" and attr is None:  # "make her a knight": "her" may hang off "knight"
        attr = next((c for c in root.children if c.dep_ in ("dobj", "oprd", "ccomp", "xcomp") and c.pos_ == "NOUN"
                     and c.lower_ not in pronoun_only), None)
        owners = [c for c in (*root.children, *(attr.children if attr is not None else ()))
                  if c.dep_ in ("dobj", "nsubj", "dative") and c.lower_ in pronoun_only]
        subject = owners[0] if owners else None
    if root.lemma_ == "turn" and attr is None:
        into = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "into"), None)
        attr = next((c for c in into.children if c.dep_ == "pobj"), None) if into is not None else None
        subject = next((c for c in root.children if c.dep_ == "dobj"), None)
    if root.lemma_ not in ("be", "make", "turn", "become") or attr is None or subject is None:
        return None
    if subject.lemma_.lower() not in character_words or r.refs.frames:
        return None
    new_head = " ".join(t.text for t in attr.subtree if t.dep_ != "prep" and t.head.dep_ != "prep"
                        and t.head.dep_ != "pobj" and t.lower_ not in pronoun_only)
    new_head = new_head.replace(" 's", "'s").strip()
    if not new_head.lower().startswith(("a ", "an ", "the ")) and attr.pos_ != "PROPN":
        new_head = ("an " if new_head[:1].lower() in "aeiou" else "a ") + new_head
    parts = [p.strip() for p in identity.split(",")]
    tail = [p for p in parts[1:] if not (p.startswith("with") and "hair" in p and "old" in new_head)]
    return ParsedEdit([edits.SetIdentity(text=", ".join([new_head, *tail]))])


AGE_ADJECTIVES = {"young", "old", "little", "older", "younger", "elderly", "teenage", "baby", "tiny", "big", "tall",
                  "short", "small"}


def _described_character(r: _Request, root, character_words: set[str]) -> ParsedEdit | None:
    """"make the keeper younger", "she should be taller": an adjective for the character's description; an age
    or size word replaces the one it has."""
    if root.lemma_ not in ("make", "be", "look", "become", "turn", "seem"):
        return None
    adjective = next((c for c in root.children if c.dep_ in ("ccomp", "acomp", "oprd", "xcomp")
                      and c.tag_ in ("JJ", "JJR") and c.lower_ not in COLOUR_WORDS), None)
    who = next((c for c in (*root.children, *(adjective.children if adjective is not None else ()))
                if c.dep_ in ("nsubj", "dobj") and c.lemma_.lower() in character_words), None)
    if adjective is None or who is None or r.refs.frames or MOOD_OF.get(adjective.lower_):
        return None
    from lemminflect import getLemma

    word = (getLemma(adjective.lower_, upos="ADJ") or (adjective.lower_,))[0]
    head, *tail = [p.strip() for p in r.story.identity_prompt.split(",")]
    words = head.split()
    article, rest = (words[0], words[1:]) if words and words[0].lower() in ("a", "an", "the") else ("a", words)
    if word in AGE_ADJECTIVES:
        rest = [w for w in rest if w.lower() not in AGE_ADJECTIVES]
    rest = [word, *rest]
    article = "an" if rest[0][:1] in "aeiou" else "a"
    if word == "young":
        tail = [p for p in tail if "grey hair" not in p]
    return ParsedEdit([edits.SetIdentity(text=", ".join([" ".join([article, *rest]), *tail]))])


def _recolour(r: _Request) -> ParsedEdit | None:
    """"make the seagull blue", "the bakery should be green": a thing's colour wherever it is shown."""
    colour = next((t for t in r.doc if t.lower_ in COLOUR_WORDS and t.i not in r.refs.tokens
                   and t.dep_ not in ("dobj", "pobj", "nsubj")), None)  # "a rainbow in the sky" is a thing
    if colour is None:
        return None
    thing = None
    for token in r.doc:  # by its role, as the tagger may call "seagull" an adjective
        nounish = token.pos_ in ("NOUN", "PROPN") or token.dep_ in ("nsubj", "dobj", "pobj", "attr", "nsubjpass")
        if nounish and token.pos_ not in ("PRON", "DET") and token.lower_ not in COLOUR_WORDS \
                and token.i not in r.refs.tokens \
                and token.lemma_.lower() not in FRAME_NOUNS | {"colour", "color", "everything", "it"}:
            thing = token
            break
    if thing is None:
        shown = _shown_things(r.story)
        return ParsedEdit([], question=f"What should be {colour.lower_}? Name it, for example "
                                       f"“make the {r.character} {colour.lower_}”.",
                          choices=[f"make the {name} {colour.lower_}" for name in [r.character, *shown][:4]])
    lemma = thing.lemma_.lower()
    if lemma == r.character or lemma in ("character", "hero", "she", "he"):
        return ParsedEdit([edits.SetIdentity(text=f"{colour.lower_} colours", append=True)])
    worn = ", ".join(r.story.identity_prompt.lower().split(", ")[1:])  # not the head: "lighthouse keeper"
    if lemma in worn and not any(lemma in f.prompt.lower() for f in r.story.frames):
        return ParsedEdit([edits.SetIdentity(text=_recolour_text(r.story.identity_prompt, lemma, colour.lower_))])
    targets = [i for i in r.targets() or range(r.count) if _mentions(r.story.frames[i].prompt, lemma)]
    if not targets:
        targets = r.targets()
        if not targets:
            message = r.doc.text.rstrip(".!?")
            choices = [f"{message} in frame {i + 1}" for i in range(min(r.count, 6))]
            return ParsedEdit([], question=f"No frame shows a {lemma} yet. Which frame should have a "
                                           f"{colour.lower_} {lemma}?", choices=choices)
        prompts = {i: _with_modifier(r.story.frames[i].prompt, f"a {colour.lower_} {lemma}") for i in targets}
        return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"a {colour.lower_} {lemma} added")])
    prompts = {i: _recolour_text(r.story.frames[i].prompt, lemma, colour.lower_) for i in targets}
    return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"the {lemma} is now {colour.lower_}")])


def _shown_things(story) -> list[str]:
    """Nouns the frames show, most frequent first ("bakery", "loaf")."""
    counts: dict[str, int] = {}
    for frame in story.frames:
        for token in nlp.parse(frame.prompt):
            if token.pos_ == "NOUN" and token.dep_ in ("dobj", "pobj") and token.lemma_ not in FRAME_NOUNS:
                counts[token.lemma_.lower()] = counts.get(token.lemma_.lower(), 0) + 1
    return sorted(counts, key=lambda noun: -counts[noun])


def _mentions(text: str, lemma: str) -> bool:
    """Whether `text` shows the thing `lemma` names (as a noun: "fishing" is no fish)."""
    return any(_is_thing(t, lemma) for t in nlp.parse(text))


def _is_thing(token, lemma: str) -> bool:
    return token.lemma_.lower() == lemma and token.pos_ in ("NOUN", "PROPN", "ADJ") and token.tag_ != "VBG"


def _recolour_text(text: str, lemma: str, colour: str) -> str:
    """Put `colour` before every mention of `lemma`, replacing a colour already there."""
    doc = nlp.parse(text)
    out = []
    for token in doc:
        if token.lower_ in COLOUR_WORDS and token.head.lemma_.lower() == lemma:
            continue
        if _is_thing(token, lemma):
            compounds = [t for t in token.lefts if t.dep_ == "compound"]
            if compounds:  # "tiny bread bakery": the colour goes before the compound
                index = len(out) - len(compounds)
                out.insert(index, colour + " ")
            else:
                out.append(colour + " ")
        out.append(token.text_with_ws)
    return "".join(out).strip()


def _setting_phrase(r: _Request) -> str | None:
    """A time, season or weather the request asks for: "at night", "in winter", "in the rain"."""
    for token in r.doc:
        lemma = token.lemma_.lower()
        if token.i in r.refs.tokens:
            continue
        if token.pos_ == "VERB" and lemma in WEATHER_VERBS:
            return WEATHER_VERBS[lemma]
        for preposition, words in SETTING_PREPOSITIONS.items():
            if lemma in words or token.lower_ in words:
                adjectives = [t.lower_ for t in token.lefts if t.dep_ == "amod"]
                return " ".join([preposition, *adjectives, token.lower_])
        if token.lower_ in ("rainy", "snowy", "stormy", "foggy", "sunny", "windy") and token.dep_ != "amod":
            return {"rainy": "in the rain", "snowy": "in the snow", "stormy": "in a storm", "foggy": "in the fog",
                    "sunny": "in the sunshine", "windy": "in strong wind"}[token.lower_]
    return None


def _setting(r: _Request) -> ParsedEdit | None:
    phrase = _setting_phrase(r)
    if phrase is None:
        return None
    if len(r.refs.frames) == 1 and _clause_event(_words(r.doc, set(r.refs.tokens)), r):
        return None  # "frame 5 should show him waving goodbye at sunset": a scene, its time included
    targets = r.targets(default_all=True)
    prompts = {i: _with_modifier(r.story.frames[i].prompt, phrase) for i in targets}
    return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=phrase)])


def _frame_content(r: _Request) -> ParsedEdit | None:
    """A named frame and what it should show: "in frame 4 she should be holding a trophy" (added),
    "change frame 1 to the girl packing her fishing rod" (a new scene), "give frame 4 a rainbow in the sky"."""
    if len(r.refs.frames) != 1:
        return None
    frame = r.refs.frames[0]
    text = _words(r.doc, set(r.refs.tokens))
    doc = nlp.parse(text)
    root = doc[:].root
    into = next((c for c in root.children if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "into", "with")),
                None)
    if root.lemma_ in ("change", "replace", "turn", "make", "set") and into is not None:
        target = doc[into.i + 1:]
        scene = _scene_of(target, r)
        if scene:
            return ParsedEdit([edits.SetText(frame=frame, text=scene.frame(),
                                             caption=scene.caption(f"the {r.character}"))])
        return ParsedEdit([edits.AddText(frame=frame, text=target.text)])
    event = _clause_event(text, r)
    if event:
        return ParsedEdit([edits.AddText(frame=frame, text=event.frame())])
    if root.lemma_ in ("give", "add", "put", "include", "show", "draw"):  # "give frame 4 a rainbow in the sky"
        rest = [t for t in doc if t.i > root.i and not (t.dep_ in ("dative", "dobj") and t.pos_ == "PRON")]
        if rest:
            return ParsedEdit([edits.AddText(frame=frame, text=doc[rest[0].i:].text)])
    return None


def _scene_of(span, r: _Request):
    """A scene named as a noun phrase or a clause: "the girl packing her fishing rod" → packing the fishing rod."""
    head = span.root
    acting = next((c for c in head.children if c.dep_ in ("acl", "relcl") and c.tag_ == "VBG"), None)
    if acting is not None and head.lemma_.lower() in (r.character, "character", "she", "he", "they"):
        return _clause_event(span.doc[acting.i:acting.right_edge.i + 1].text, r)
    return _clause_event(span.text, r)


def _replace_thing(r: _Request) -> ParsedEdit | None:
    """"turn the lake into a river", "replace the fish with a turtle": a thing becomes another wherever shown."""
    for token in r.doc:
        if token.lemma_ not in ("turn", "change", "replace", "swap", "make"):
            continue
        old = next((c for c in token.children if c.dep_ == "dobj" and c.pos_ == "NOUN"
                    and c.lemma_.lower() not in FRAME_NOUNS | {r.character}), None)
        into = next((c for c in token.children if c.dep_ == "prep" and c.lower_ in ("into", "to", "with", "for")),
                    None)
        new = next((c for c in into.children if c.dep_ == "pobj"), None) if into is not None else None
        if old is None or new is None or new.lemma_.lower() in SETTING_WORDS:
            continue
        lemma = old.lemma_.lower()
        targets = [i for i in r.targets() or range(r.count) if _mentions(r.story.frames[i].prompt, lemma)]
        if not targets:
            return None
        replacement = r.doc[new.left_edge.i:new.i + 1].text
        prompts = {i: _replace_phrase(r.story.frames[i].prompt, lemma, replacement) for i in targets}
        return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"the {lemma} is now {replacement}")])
    return None


def _replace_phrase(text: str, lemma: str, replacement: str) -> str:
    """`text` with each noun phrase headed by `lemma` replaced ("a quiet lake" → "a river")."""
    doc = nlp.parse(text)
    out, skip_until = [], -1
    for token in doc:
        if token.i <= skip_until:
            continue
        head = next((t for t in doc[token.i:] if _is_thing(t, lemma)), None)
        if head is not None and token.i == head.left_edge.i:
            out.append(replacement + head.whitespace_)
            skip_until = head.i
            continue
        out.append(token.text_with_ws)
    return "".join(out).strip()


def _other_character(r: _Request) -> ParsedEdit | None:
    """"make the grandfather wear a straw hat", "give the grandfather a beard": another character's look, in the
    frames that show them."""
    for token in r.doc:
        lemma = token.lemma_.lower()
        if lemma not in WEAR_VERBS | {"give"}:
            continue
        who = next((c for c in token.children if c.dep_ in ("nsubj", "dative", "iobj") and c.pos_ == "NOUN"), None)
        item = next((c for c in token.children if c.dep_ == "dobj" and c is not who), None)
        if who is None or item is None or who.lemma_.lower() in (r.character, "character", "hero"):
            continue
        name = who.lemma_.lower()
        targets = [i for i in r.targets() or range(r.count) if _mentions(r.story.frames[i].prompt, name)]
        if not targets:
            return None
        detail = ("wearing " if lemma in ("wear", "put on", "dress") else "with ") + \
            r.doc[item.left_edge.i:item.right_edge.i + 1].text
        prompts = {i: _after_noun(r.story.frames[i].prompt, name, detail) for i in targets}
        return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"the {name} {detail}")])
    return None


def _after_noun(text: str, lemma: str, detail: str) -> str:
    """`detail` right after each mention of `lemma` ("the grandfather" → "the grandfather wearing a straw hat")."""
    doc = nlp.parse(text)
    return "".join(t.text + (f" {detail}" if _is_thing(t, lemma) else "") + t.whitespace_ for t in doc).strip()
