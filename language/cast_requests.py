"""Requests about a story's cast, in either language: which members a request names ("the dog", "Bo", "乌鸦"),
a name given to one ("the crow is called Pip", "call the dog Biscuit", "乌鸦叫小黑"), a new member ("add a cat
called Miso who follows Mia"), and the operations of the cast rows of the table (`operations.yaml`: presence,
name_member, add_member). A change of a member's looks or kind is the looks and kind rows, on that member
(`language.changes`)."""

from __future__ import annotations

import re

from core import edits
from core.cast import MAX_CAST
from language.changes import OUT_WORDS, Parsed, ask
from language.characters import Character, cast_characters
from language.lexicon import EN, entries
from language.parts import Parts
from language.phrases import render


def addressed(words: list[tuple[str, str]], characters: list[Character]) -> tuple[Character, list[str]]:
    """The character a request is about and the members it names: a member other than the main one when it
    names one (the first it names), else the main character. `words`: (word, lemma) of its nouns and names."""
    named = [c for word, lemma in words for c in characters if c.names_it(word) or c.names_it(lemma)]
    ids = list(dict.fromkeys(c.id for c in named))
    others = [c for c in named if not c.main]
    return (others[0] if others else characters[0]), ids if len(characters) > 1 else []


def given_name(after: str, member: Character) -> str:
    """The name in the words after a naming verb, the member's own words taken off ("the dog Biscuit" →
    "Biscuit"); "" unless it reads as a name (capitalised, or not in Latin letters)."""
    words = after.split()
    while words and (words[0].lower() in ("the", "a", "an", "it", "him", "her", "them", "to", "as")
                     or member.names_it(words[0].lower())):
        words = words[1:]
    while words and words[-1].lower().strip(" .!?,") in ("instead", "please", "now", "too", "then", "again", ""):
        words = words[:-1]  # "a boy called Ravi instead?"
    name = " ".join(words).strip(" .!?,\"'“”")
    return name if name and (name[:1].isupper() or not name[:1].isascii()) and len(name) <= 40 else ""


def member_name(doc, parts: Parts, characters) -> str:
    """A name the request gives a member: after a naming verb ("the crow is called Pip"), or beside the new kind
    it is given ("replace Marisol with his big sister Noor"), which then names it too."""
    from language.content import after

    called = next((t for t in doc if t.lemma_ in ("call", "name") and t.dep_ == "acl"), None)  # "a woman called Hilda"
    naming = "name" in parts.actions or called is not None
    titled = parts.quoted and any(t.lower_ in ("it", "story", "book", "comic", "title") for t in doc)
    if parts.newcomer[0] or titled or not (parts.members or naming and _names_main(doc, characters)):
        return ""  # (but 'rename it "Ravi's Early Round"' is a title, not a name for Ravi)
    parts.members = parts.members or [characters[0].id]  # "call him Hilda" in a story of one character
    named = next(c for c in characters if c.id == parts.members[-1])
    if naming:
        parts.actions.setdefault("name", called.text if called is not None else "name")
        return given_name(after(doc, parts, ("call", "name", "dub", "christen", "rename"), caption=True), named)
    kinds = {v.start for v in parts.values.get("kinds", [])}
    apposed = next((t for t in doc if t.dep_ == "appos" and t.pos_ == "PROPN" and t.head.i in kinds
                    and not any(c.names_it(t.lower_) for c in characters)), None)
    if apposed is not None:
        parts.actions["name"] = apposed.text
    return given_name(doc[apposed.left_edge.i if apposed.left_edge.pos_ == "PROPN" else apposed.i:apposed.i + 1].text,
                      named) if apposed is not None else ""


def _main_name(story, member: str) -> str:
    """The name the captions call the main character by ("Hugo shapes a jug"), when the cast does not hold it."""
    if member != story.cast[0].id:
        return ""
    names = cast_characters(story)[0].names
    said = (w for f in story.frames for w in re.findall(r"\b[A-Z][a-z]+\b", f.caption) if w.lower() in names)
    return next(said, "")


def _names_main(doc, characters) -> bool:
    """Whether a naming request is about the one character of a story ("call Hugo Hilda", "name him Leo"), not
    about the story ("call the story Hugo's Jug", "call it Night Rain"); in a cast, "him" or "her" is the main
    character when the gender is its own."""
    if any(t.lemma_.lower() in {*EN.story_words, "title"} for t in doc):
        return False
    main = characters[0]
    quoted = re.sub(r"([\"“'‘«《「]).*?[\"”'’»》」]", "", doc.text)  # a title in quotes names no one

    def names(token) -> bool:
        gender = EN.pronouns.get(token.lower_)
        return token.text in quoted and main.names_it(token.lower_) or gender in ("male", "female") and (
            main.looks.gender == gender or len(characters) == 1 and main.looks.gender is None)

    return any(names(t) for t in doc)


def name_member(parts: Parts, story) -> Parsed:
    """A name for a member, and its new kind when the request gives one too ("could she be a boy called Ravi?")."""
    from language.changes import change_kind

    member = parts.members[-1] if parts.members else parts.member
    name = set(parts.member_name.lower().split())
    named = next((c for c in cast_characters(story) if c.id == member), None)
    told = [v for k in ("kinds", "gender_words") for v in parts.values.get(k, []) if v.word.lower() not in name
            and not (named and named.names_it(v.word))]  # "乌鸦叫小黑": the crow, named
    kind = change_kind(parts, story) if told else None
    ops = [*(kind.ops if kind else []), edits.NameCharacter(character=member, name=parts.member_name)]
    old = next((m.name for m in story.cast if m.id == member and m.name), "") or _main_name(story, member)
    texts = {i: re.sub(rf"\b{re.escape(old)}\b", parts.member_name, f.prompt) for i, f in enumerate(story.frames)
             if old and old != parts.member_name}
    for op in [op for op in ops if isinstance(op, edits.RewriteFrames)]:  # the new kind's texts, renamed too
        texts |= {i: re.sub(rf"\b{re.escape(old)}\b", parts.member_name, p) if old else p
                  for i, p in op.prompts.items()}
    texts = {i: p for i, p in texts.items() if p != story.frames[i].prompt}
    ops = [op for op in ops if not isinstance(op, edits.RewriteFrames)]
    renamed = [edits.RewriteFrames(prompts=texts, what=f"{old or 'the character'} is now {parts.member_name}")] \
        if texts else []
    title = re.sub(rf"\b{re.escape(old)}\b", parts.member_name, story.title) if old else story.title
    return Parsed(ops + renamed + ([edits.Rename(title=title)] if title != story.title else []))


def presence(parts: Parts, story) -> Parsed | None:
    """Members put into the frames named, or taken out of them ("leave Bo out of the chase"); the frames' texts
    follow (an absent member's words go, a new one is named: "…, with the crow watching from a tree")."""
    total = len(story.frames)
    frames = parts.frames.indices(total) or ([min(parts.frames.place, total - 1)] if parts.frames.place is not None
                                             else [])  # "in the last picture" read as a place
    main = story.cast[0].id
    members = [m for m in parts.members if m != main] or parts.members
    if not frames or not members:
        return None
    present = not OUT_WORDS.search(parts.text)
    ops: list = [edits.SetPresence(frames=frames, characters=members, present=present)]
    from language.described import look_clause, read_looks

    people = [m for m in story.cast if m.id in members and (m.handle or m.name)]
    said = {m.id: look_clause(read_looks(m.description)) if not present else "" for m in people}
    prompts = {}
    for i in frames:
        prompt = story.frames[i].prompt
        for member in people:
            handle, mention = member.handle or member.name, _mention(member)
            if said[member.id]:  # its look, said at the end of the frame text, goes with it
                prompt = prompt.replace(said[member.id], "")
            named = re.search(rf"\b{mention}\b", prompt, re.I)
            if not present and named:
                prompt = re.sub(rf"(?:,?\s+(?:and|with)\s+{mention}\b|\b{mention}\s+and\s+)", "", prompt, flags=re.I)
            elif present and not named:
                prompt = f"{prompt}, with {handle}" + (f" {parts.content}" if parts.content and
                                                       parts.content.split()[0].endswith("ing") else "")
        if prompt != story.frames[i].prompt:
            prompts[i] = prompt
    if prompts:
        ops.append(edits.RewriteFrames(prompts=prompts, what="who is in the frame"))
    return Parsed(ops)


def _mention(member) -> str:
    """A pattern for the words a frame names a member with: "her dog Bo", "Bo", "the dog"."""
    kind = member.handle.split()[-1] if member.handle else ""
    words = [re.escape(w) for w in (member.name, member.handle) if w]
    if member.name and kind:
        words.insert(0, rf"(?:his|her|their|its|the|a)\s+(?:\w+\s+)?{re.escape(kind)}\s+{re.escape(member.name)}")
    return "(?:" + "|".join(words) + ")"


def add_member(parts: Parts, story) -> Parsed:
    handle, description, name = parts.newcomer
    if len(story.cast) >= MAX_CAST:
        names = ", ".join(m.name or m.handle or "the main character" for m in story.cast)
        return ask(f"A story holds at most {MAX_CAST} recurring characters, and this one has {names}. Should "
                   f"{handle} take one's place, or be a figure of one frame? Nothing was changed.",
                   [f"remove {story.cast[-1].handle or story.cast[-1].name} from the story",
                    f"add a scene where {description} appears"])
    main = cast_characters(story)[0]
    return Parsed([edits.AddCharacter(handle=handle, description=description, name=name,
                                      main_handle="" if story.cast[0].handle else f"the {main.looks.kind}")])


def newcomer(doc, parts: Parts, characters) -> tuple[str, str, str]:
    """A new recurring character ("add a cat called Miso who follows Mia"): an animal or person the cast does not
    have, as the object of an adding verb, with no frame noun (that is a new frame)."""
    if "insert" not in parts.actions or any(t.lower_.rstrip("s") in entries("frame_nouns") for t in doc):
        return "", "", ""
    for token in doc:
        kind = EN.kinds.get(token.lemma_.lower())
        if token.dep_ == "dobj" and kind and kind.get("type") in ("person", "animal", "creature") and not any(
                c.names_it(token.lemma_.lower()) for c in characters):
            words = [t for t in token.subtree if t.i <= token.i and t.dep_ in ("det", "amod", "compound")] + [token]
            named = next((c for c in token.children if c.dep_ == "acl" and c.lemma_ in ("call", "name")), None)
            name = " ".join(t.text for t in named.subtree if t.pos_ == "PROPN") if named is not None else ""
            return f"the {token.lemma_.lower()}", render(words), name
    return "", "", ""
