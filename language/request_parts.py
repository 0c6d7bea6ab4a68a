"""An English request read into its parts: the actions its words name, the frames and place (language.refs),
lexicon values by kind with the noun each one describes, the words said to go ("instead of red", "not a child"),
what it is about (the main character or a thing shown in the frames) and, for a new or changed frame, the scene
in words. `language.requests` turns the parts into operations with the operation table.
"""

from __future__ import annotations

import functools
import re

from language.cast_requests import addressed, member_name, newcomer
from language.content import after, content, free_style, stated_mood, whole_frame, worn_items, written_on
from language.describe import nearest_shown, shown_as
from language.lexicon import EN, TABLE, action_matcher, entries, find, weather_word
from language.parts import Parts, Value, answered
from language.phrases import render
from language.refs import read_english
from language.replacement import replacement
from language.spelling import fix_ordinals
from language.tools import parse

VALUE_KINDS = ("colours", "times", "weather", "seasons", "moods", "styles", "clothing", "carried", "hair_words",
               "hair_styles", "features", "ages", "gender_words", "sizes", "shapes", "removals")


def read_parts(message: str, story, characters) -> Parts:
    """An English request's parts; `characters`: the cast, main first (the request is about the one it names)."""
    known = {w.lower() for text in [story.identity_prompt, story.title, *(f.prompt + " " + f.caption
                                                                        for f in story.frames)]
             for w in re.findall(r"[A-Za-z]+", text)} | {n for c in characters for n in c.names}
    text = fix_ordinals(_spelled(" ".join(message.split()), known, story.frames))
    doc = parse(text)
    parts = Parts(text=text, frames=read_english(doc, story))
    names = {word.lower() for c in characters for name in c.names for word in name.split()}  # "give ava pigtails"
    character, parts.members = addressed([(t.lower_, t.lemma_.lower()) for t in doc if t.pos_ in (
        "NOUN", "PROPN") or t.text[:1].isupper() or t.lower_ in names], characters)
    parts.member = "" if character.main else character.id
    found = _read_actions(doc, parts)
    structural = parts.actions.keys() & {"remove", "move", "swap", "lock", "unlock", "reroll", "caption", "insert",
                                         "presence"}
    scene = find(doc, "times", "weather", "seasons", "moods")
    named = parts.frames.indices(len(story.frames))
    bare = [a for a, b in parts.frames.spans if b - a == 1 and doc[a].dep_ == "advmod"]  # "put the argument last"
    if (structural or scene or parts.frames.place is not None) and (not named or "swap" in parts.actions and len(
            named) < 2 or parts.frames.anchorless or "move" in parts.actions and len(bare) == 1 == len(named)):
        changed = {_described(span) for kind, span in find(doc, "colours", "sizes", "clothing", "carried")
                   if _described(span)} if not structural - {"insert", "caption"} else set()  # "swap the flowers…"
        things = frozenset(changed | {n for c in characters for n in c.names} | _described_subjects(doc))
        parts.frames = read_english(doc, story, loose=True, things=things)
    if "swap" in parts.actions:  # "trade places between the oven scene and the market picture"
        parts.frames.anchors_as_frames()
    quoted = re.search(r"(?:^|(?<=[\s:：]))[\"“'‘«《「](.+?)[\"”'’»》」](?=[\s.,!?。！？]|$)", text)
    parts.quoted = quoted.group(1).strip() if quoted and len(quoted.group(1)) > 1 else ""
    surface = written_on(doc, found) if parts.quoted else None
    parts.actions = {("insert" if a == "caption" and surface is not None else a): w for a, w in parts.actions.items()}
    taken = {i for start, end in parts.frames.spans for i in range(start, end)} | {
        i for action, start, end in found if action in ("undo", "redo") for i in range(start, end)}  # "how she was"
    _read_values(doc, parts, taken, story, character)
    parts.character = _about_character(doc, character)
    _new_kind(doc, parts, character)
    parts.thing = "" if parts.thing and character.names_it(parts.thing) else parts.thing
    parts.items = worn_items(doc, parts, characters)
    parts.replacement = replacement(doc, story, character)
    parts.whole_frame = whole_frame(doc, parts, taken)
    parts.content = content(doc, parts, taken, characters[0])  # a scene's own subject is the main character's
    for name in [word for member in getattr(story, "cast", None) or [] for word in (member.name or "").split()]:
        parts.content = re.sub(rf"\b{re.escape(name.lower())}\b", name, parts.content)  # "ava buries theo": Ava
    if parts.content and parts.frames.place is not None and not parts.frames.named and not parts.actions.keys() & {
            "insert", "move", "swap", "remove"} and min(start for start, _ in parts.frames.spans) <= 1:
        parts.actions["insert"] = "start with"  # "start the story with Hana waking up": a new first frame
    if surface is not None:  # "write 'Bon voyage' on a banner", "a banner that says 'Bon voyage'"
        said = render(t for t in surface.subtree if t.i <= surface.i and t.dep_ != "det")
        parts.content = f"{'an' if said[:1] in 'aeiou' else 'a'} {said} reading “{parts.quoted}”"
    parts.title = after(doc, parts, ("call", "name", "rename", "retitle", "title", "entitle", "dub"))
    parts.newcomer = newcomer(doc, parts, characters)
    parts.title = "" if parts.newcomer[0] else parts.title  # "add a cat called Miso": a name, not a title
    parts.member_name = member_name(doc, parts, characters)
    if "caption" in parts.actions:
        colon = re.search(r"[:：]\s*(.+)$", text)
        parts.caption = parts.quoted or (colon.group(1).strip(" \"“”'") if colon else "")
    if not parts.content and any(parts.values.values()) and not parts.actions.keys() & {
            "insert", "move", "swap", "remove", "count"}:  # "let it snow in the opening picture": that frame
        parts.frames.place_as_frame(len(story.frames))
    parts.absent = _absent(doc, story, characters, parts)
    return parts


def _absent(doc, story, characters, parts: Parts) -> str:
    """A being the change is for ("give the kitten a red scarf", "make the puppy black", "the kitten's hat") that
    is no character of the story and no figure its frames show: a question, never a change to someone else."""
    if parts.newcomer[0] or parts.actions.keys() & {"insert", "add_member"}:
        return ""
    shown = {t.lemma_.lower() for f in story.frames for t in parse(f"{f.prompt}. {f.caption}")}
    for token in doc:
        target = token.dep_ == "dative" or token.dep_ == "poss" and token.head.lemma_.lower() not in worn_nouns() \
            or token.dep_ in ("nsubj", "dobj") and token.head.lemma_ in ("make", "paint", "dress", "colour", "color")
        word = token.lemma_.lower()  # a being the lexicon knows ("a chef's hat" is a hat)
        being = (EN.kinds.get(word) or {}).get("type") in ("person", "animal", "creature")
        if token.pos_ == "NOUN" and target and being and word not in shown and not nearest_shown(word, sorted(
                w for w in shown if (EN.kinds.get(w) or {}).get("type"))) and not any(
                c.names_it(word) for c in characters) and word not in EN.character_words:
            return word
    return ""


def _described_subjects(doc) -> set[str]:
    """Nouns a request says something about ("the rescued sailor should be a young woman"): no frame names."""
    nouns = set(entries("frame_nouns"))  # (but "the hailstorm should be scarier": the hailstorm's frame)
    return {t.lemma_.lower() for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.head.lemma_ == "be" and any(
        c.dep_ in ("attr", "acomp") and c.lemma_.lower() not in nouns for c in t.head.children)
        and not weather_word(t.lower_)}


def _spelled(text: str, known: set[str] = frozenset(), frames=()) -> str:
    """Typos put right outside quotes ("swith", "the bot": the boat, "sceen": scene); `known` words stay; " - " is
    a pause."""
    from language.tools import fix_spelling

    keep = set(entries("frame_nouns")) | set(EN.ordinals) | set(EN.styles) | {
        w for spec in TABLE.actions.values() for p in spec.get("verbs", []) + spec.get("phrases", [])
        for w in p.split()} | set(known) | worn_nouns() | set(EN.kinds) | set(EN.colours) | set(EN.moods)  # "hoodie"
    pieces = re.split(r"((?:^|(?<=[\s:：]))[\"“'‘«《「].+?[\"”'’»》」](?=[\s.,!?。！？]|$))",
                      re.sub(r"(?<=[A-Za-z])\s+[-–—]+\s+(?=[A-Za-z])", ", ", text))
    shown = {w.lower() for f in frames for w in re.findall(r"[A-Za-z]+", f.prompt)} | set(entries("frame_nouns"))
    return "".join(p if i % 2 else fix_spelling(p, keep, near=shown) for i, p in enumerate(pieces))


@functools.cache
def worn_nouns() -> frozenset[str]:  # what a character can wear, carry or have
    return frozenset(set(EN.clothing) | set(EN.carried) | set(EN.features) | set(entries("hair_words")))


def _read_actions(doc, parts: Parts) -> list[tuple[str, int, int]]:
    """The actions the request's words name (the operation table's verbs and phrases), and where each was said."""
    found = [(doc.vocab.strings[key], start, end) for key, start, end in action_matcher()(doc)]
    found = [(a, s, e) for a, s, e in found if not (doc[s].dep_ in ("relcl", "acl") and doc[s].head.pos_ in (
        "NOUN", "PROPN") and doc[s].head.i < s)]  # "the scene where he drops it", "a woman called Hilda": no order
    for action, start, end in found:  # a phrase inside a longer one of another action does not count
        if not any(a != action and s <= start and end <= e and (e - s) > (end - start) for a, s, e in found):
            parts.actions.setdefault(action, doc[start:end].text.lower())
    if not parts.actions and doc[:].root.lemma_.lower() in entries("frame_nouns") and any(
            c.lower_ in ("a", "an", "another") for c in doc[:].root.children):  # "a closing picture where they…"
        parts.actions["insert"] = doc[:].root.text
    return found


def _read_values(doc, parts: Parts, taken: set[int], story, character) -> None:
    """Lexicon words by kind, with the noun each describes and whether it is said to go."""
    words = {t.lemma_.lower() for f in story.frames for t in parse(f.prompt) if t.pos_ in ("NOUN", "PROPN")}
    parts.thing = next((t.lemma_.lower() for t in doc if t.dep_ == "pobj" and t.head.lower_ in (
        "on", "onto", "round", "around") and _shown(t.lemma_.lower(), words)), "")
    # "put a collar with a little bell on the cat": the cat has it
    for kind, span in find(doc, *VALUE_KINDS):
        if taken.intersection(range(span.start, span.end)):
            continue
        if kind in ("ages", "sizes", "gender_words", "kinds") and doc[span.end - 1].whitespace_ == "" and \
                span.end < len(doc) and doc[span.end].text == "-":  # "an old-fashioned travel poster": no age
            continue
        shade = doc[span.start - 1].lower_ if kind == "colours" and span.start else ""
        word = f"{shade} {span.text.lower()}" if shade in EN.colour_modifiers else span.text.lower()  # "deep teal"
        value = Value(kind, word, _described(span), span.start)
        if kind == "styles" and span.root.dep_ == "amod" and span.root.head.lemma_.lower() in worn_nouns() or \
                kind == "weather" and span.root.dep_ == "compound" and span.root.head.pos_ == "NOUN" and \
                span.root.head.lower_.rstrip("s") not in entries("frame_nouns"):
            continue  # "a knitted scarf": the scarf's, no knitted style; "a snow leopard" (but "a rain scene")
        if kind in ("styles", "shapes") and span.root.dep_ == "acomp" and span.text.lower() in EN.style_moods:
            value = Value("moods", EN.style_moods[span.text.lower()], value.noun, span.start)
            kind = "moods"  # "the bottle picture feels a bit flat": how it feels, no flat style
        if kind in ("clothing", "carried", "features") and span.root.pos_ == "VERB" or kind == "styles" and \
                span.root.tag_ == "VBG":
            continue  # "painting the boat red" is no painting style, "stick antennas on it" no stick
        if kind == "moods" and value.noun and value.noun not in entries("frame_nouns") and not weather_word(
                value.noun) and _shown(value.noun, words) and value.noun not in {doc[i].lower_ for i in taken}:
            continue  # "the sailboat looks boring": the sailboat's, but "the picnic looks gloomy": the frame's
        if _said_to_go(span):
            parts.old.add(value.word)
            continue
        parts.values.setdefault(kind, []).append(value)
        if value.noun and value.noun != value.word and not parts.thing and _shown(value.noun, words) and \
                value.noun not in EN.colours:  # "orange is such an ugly colour for the bicycle": not the orange
            parts.thing = value.noun
    colours = parts.values.get("colours", [])
    shown = " ".join([f.prompt.lower() for f in story.frames] + [c.description.lower() for c in story.cast])
    old = [v for v in colours if re.search(rf"\b{re.escape(v.word)}\b", shown)]
    if old and len(old) < len(colours):  # "orange is so ugly for the bicycle, go with silver": orange is the old one
        parts.values["colours"] = [v for v in colours if v not in old]
        parts.old |= {v.word for v in old}
    if not parts.values.get("styles") and (said := free_style(parts.text)):  # "as an old-fashioned poster"
        parts.values["styles"] = [Value("styles", said, "", 0)]
    parts.too = any(t.lower_ in EN.too_words and t.head.lower_ in EN.moods for t in doc)
    moods = parts.values.get("moods", [])
    stated = [v for v in moods if stated_mood(doc[v.start])]  # "frame 4 is a bit glum": how it is, not how it should be
    if stated and len(stated) < len(moods):
        parts.values["moods"], parts.too = [v for v in moods if v not in stated], False
    elif stated:
        parts.too = True
    if not parts.thing:  # "the otter needs a tiny red bow tie", "paint grandpa's boat bright red"
        nouns = [t for t in doc if t.pos_ in ("NOUN", "ADJ", "PROPN") and t.i not in taken
                 and (t.dep_ != "poss" or not _shown(t.head.lemma_.lower(), words))  # "round the goat's neck"
                 and _shown(t.lemma_.lower(), words) and t.lower_ not in entries("frame_nouns")
                 and not character.names_it(t.lemma_) and t.lower_ not in EN.colours]
        nouns.sort(key=lambda t: t.lemma_.lower() in worn_nouns())  # "put a collar with a bell on the cat": the cat
        parts.thing = nouns[0].lemma_.lower() if nouns else shown_as(doc, taken, words, character)
    described = [t for t in doc if t.i in taken and t.pos_ == "NOUN" and _shown(t.lemma_.lower(), words)]
    if not parts.thing and colours and described and not parts.frames.said:  # "orange is such an ugly colour for
        parts.thing, parts.frames.named = described[-1].lemma_.lower(), []  # the bicycle": every frame's bicycle


def item_phrases(parts: Parts) -> list[tuple[str, str]]:
    return parts.items


def _new_kind(doc, parts: Parts, character) -> None:
    """What the main character should become, also beyond the lexicon: "what if Juno were a raccoon", "make her
    a teenager", "turn the boy into a wolf", "swap the boy for a small grey wolf", "I'd prefer the hero to be a man"."""
    known = {v.start for kind, vs in parts.values.items() for v in vs if kind not in ("gender_words", "ages")} | {
        v.start + i for v in parts.values.get("ages", []) for i in range(1, len(re.findall(r"\w+|[^\w\s]", v.word)))}
    # "grown-up": its "up" is no kind
    named = next((t for t in doc if t.lower_ in EN.pronouns or character.names_it(t.lemma_)), None)
    for token in doc:
        if token.pos_ not in ("NOUN", "PROPN") or token.i in known or token.lower_ in entries("frame_nouns") or \
                _said_to_go(doc[token.i:token.i + 1]):
            continue
        head, subject = token.head, None
        as_the = next((g for c in token.children if c.dep_ == "prep" and c.lower_ == "as" for g in c.children
                       if g.dep_ == "pobj"), None)
        if as_the is not None and character.names_it(as_the.lemma_):  # "a little girl as the keeper"
            subject = as_the
        if subject is not None:
            pass
        elif token.dep_ in ("attr", "oprd", "xcomp", "ccomp") or (token.dep_ == "dobj" and head.lemma_ in ("make",
                                                                                                      "turn")):
            subject = next((c for c in [*token.children, *head.children] if c.dep_ in ("nsubj", "nsubjpass")
                            or (c.dep_ in ("dobj", "ccomp") and c != token)), None)  # "make ava/ccomp a dog"
        elif token.dep_ == "pobj" and head.lower_ in ("into", "for", "with") and (
                head.head.dep_ == "dobj" and head.head.head or head.head).lemma_ in (
                "turn", "change", "swap", "replace", "transform", "switch", "trade", "exchange", "go"):
            subject = head.head if head.head.dep_ == "dobj" else next(  # "swap the badger/dobj for a bear"
                (c for c in head.head.children if c.dep_ == "dobj"), None) or named
        extra = [c for c in token.children if c.dep_ == "compound" and c.i < token.i]  # "into a penguin astronaut"
        if subject is not None and (subject.lower_ in EN.pronouns or character.names_it(subject.lemma_)) \
                and (token.lemma_.lower() not in character.names or extra):
            word = " ".join([c.lower_ for c in extra] + [token.lemma_.lower()])
            parts.values.setdefault("kinds", []).append(Value("kinds", word, "", token.i))
            parts.character = True


def _shown(noun: str, words: set[str]) -> bool:
    return noun in words or any(len(noun) > 3 and w.endswith(noun) for w in words)


def _described(span) -> str:
    """The noun a value word describes: its head for "red boat", the subject for "the boat should be red", the
    object for "make the boat red", "paint grandpa's boat bright red"."""
    root = span.root
    if root.dep_ in ("amod", "compound", "nmod") and root.head.pos_ in ("NOUN", "PROPN"):
        return root.head.lemma_.lower()
    own = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "NOUN"), None)
    if own is not None:  # "make her raincoat yellow": the raincoat is the subject of "yellow"
        return own.lemma_.lower()
    verb = root.head if root.dep_ in ("acomp", "attr", "oprd", "ccomp", "xcomp", "advmod", "dobj", "npadvmod",
                                      "conj", "pobj") else root
    while verb.dep_ in ("xcomp", "ccomp", "conj", "prep") and verb.head != verb:
        verb = verb.head
    for dep in ("nsubj", "nsubjpass", "dobj"):
        noun = next((c for c in verb.children if c.dep_ == dep and c.pos_ in ("NOUN", "PROPN") and c != root), None)
        if noun is not None:
            return noun.lemma_.lower()
    ccomp = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), None)
    subject = next((c for c in ccomp.children if c.dep_ == "nsubj"), None) if ccomp is not None else None
    return subject.lemma_.lower() if subject is not None and subject.pos_ == "NOUN" else ""


def _said_to_go(span) -> bool:
    """"instead of red", "rather than a green one", "not a child", "shouldn't be brown", "than a green one"."""
    before = span.doc[max(span.start - 4, 0):span.start].text.lower()
    if re.search(r"\b(instead of|rather than|than|not|no longer|anymore|no more|isn't|aren't|shouldn't)\b"
                 r"(?:\s+(?:a|an|the|so|too|that|this|be|being|her|his|its))*(?:\s+[a-z-]+)?\s*$", before):
        return True
    root = span.root
    if root.dep_ == "dobj" and root.lemma_.lower() in {*EN.kinds, *worn_nouns()} and root.head.lemma_ in (
            "swap", "replace", "trade", "exchange") and any(
            c.dep_ == "prep" and c.lower_ in ("for", "with") and not any(
                o.lemma_ in (root.lemma_, "one") for o in c.children) for c in [*root.head.children, *root.children]):
        return True  # "swap the girl for a snow leopard", "swap her spacesuit for a hoodie": the girl, the suit go
    negated = any(c.dep_ == "neg" for c in span.root.head.children) and span.root.dep_ in ("acomp", "attr")
    later = span.doc[span.end:span.end + 6].text.lower()
    return negated and bool(re.search(r"\b(make|but|instead)\b", later))


def _about_character(doc, character) -> bool:
    """Whether the request speaks of the main character: a pronoun, its name, its kind or a word for it."""
    for token in doc:
        word = token.lower_
        if token.dep_ == "poss" and token.head.pos_ == "NOUN" and token.head.lemma_.lower() not in worn_nouns():
            continue  # "paint Mira's wheelbarrow green", "her cart": the thing she has, not how she looks
        if word in EN.pronouns and token.dep_ not in ("expl",) and not (word == "it" and token.dep_ in ("dobj",
                                                                                                   "nsubj")):
            return True
        if character.names_it(word) or (token.pos_ in ("NOUN", "PROPN") and character.names_it(token.lemma_)):
            return True
    return False


def read_clauses(message: str, story) -> list[Parts]:
    """The parts of each clause that asks for its own change ("keep the second picture as it is and make all
    the others snowy" is two); "the others" in a later clause are the frames an earlier one did not name."""
    from language.characters import cast_characters

    characters = cast_characters(story)
    text = " ".join(message.split())
    doc = parse(fix_ordinals(text))
    cuts = [t.i for t in doc if t.dep_ == "cc" and t.head.dep_ == "ROOT" and any(
        c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and c.i > t.i for c in t.head.children)
        or t.text == ";" and 0 < t.i < len(doc) - 1]  # "don't touch the first picture; everything else at night"
    pieces = [doc[a:b].text for a, b in zip([0, *[c + 1 for c in cuts]], [*cuts, len(doc)], strict=True)]
    readings = [read_parts(piece, story, characters) for piece in pieces]
    if len(readings) > 1 and not all(r.actions.keys() - {"change"} or any(r.values.values()) for r in readings):
        return [read_parts(text, story, characters)]
    for cut, reading, before in zip(cuts, readings[1:], readings, strict=False):
        verb = next((c for c in doc[cut].head.children if c.dep_ == "conj" and c.i > cut), None)
        if verb is not None and not reading.members and not any(c.dep_.startswith("nsubj") for c in verb.children):
            reading.member, reading.members = before.member, before.members  # "Bo should be white and wear…"
    named: set[int] = set()
    for reading in readings:
        if reading.frames.rest and not reading.frames.named:
            reading.frames.excluded |= named
        named |= set(reading.frames.named)
    return answered(readings)
