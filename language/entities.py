"""What an idea is made of: its entities (everyone and everything it mentions), its events, and the reading
that holds them. Shared by the English reader (`language.idea`, `language.clauses`), the Chinese reader and the
planner."""

from __future__ import annotations

from dataclasses import dataclass, field

from language.looks import Looks
from language.phrases import is_name


@dataclass
class Entity:
    """Someone or something the idea mentions (all mentions of it share one entity)."""

    head: str  # lemma of the head noun: "cat"
    phrase: str  # how a frame names it: "the stray kitten"
    name: str = ""
    gender: str = ""  # male, female, thing, plural, or "" (unknown person)
    plural: bool = False
    mentions: int = 0
    subjects: int = 0
    first: int = 0
    animate: bool = True  # a person or an animal (pronouns he/she/they point to these)
    last: int = 0  # where it was last mentioned
    core: int = -1  # where it was last a subject or an object (not "with a towel", "inside it")

    person: bool = False
    anchors: int = 0  # others are introduced through it ("his neighbour", "Leo's cat"): a sign of the main one
    owner: Entity | None = None  # the one it was introduced through ("his best friend Ava": the boy)
    acted: bool = False  # it was a subject in the idea's words (not only through a pronoun)
    said_as_owner: bool = False  # first said as the owner of something ("his grandmother's cottage")
    short: str = ""  # how a later frame names it: "the baby otter"
    description: str = ""  # the words that describe it where it is introduced ("a little girl with red hair")

    @property
    def label(self) -> str:
        """How a caption names it: "Juno", "the old fisherman"."""
        return self.name or self.phrase


@dataclass
class Event:
    agent: Entity | None  # who acts
    frame: str  # the picture text (main character's own actions as a gerund phrase, without the character)
    caption: str
    verb: str  # lemma
    things: list[str] = field(default_factory=list)  # nouns of the clause ("a scarf", "the fair")
    place: str = ""  # "in a junkyard"
    parts: list[tuple[str, str]] = field(default_factory=list)  # one (frame, caption) per thing of a list it names


@dataclass
class Idea:
    text: str  # the idea as read (meta removed)
    language: str = "en"
    hero: Entity | None = None
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    setting: str = ""  # the idea's own place phrase, carried into frames that have none
    count: int | None = None  # frames asked in the idea ("in four pictures")
    style: str | None = None  # a style its framing names ("a comic about")
    looks: Looks | None = None
    notes: list[str] = field(default_factory=list)
    refers: dict = field(default_factory=dict)  # token index of a pronoun → the entity it means

    @property
    def subject(self) -> str:
        """How a caption starts with the main character: "Juno", "The old fisherman"."""
        return self.hero.name or (self.hero.phrase[:1].upper() + self.hero.phrase[1:])


def group_member(token):
    """The members a group noun stands for ("a team of four ants": the ants), or None."""
    from language.lexicon import EN

    if token.lemma_.lower() not in EN.group_nouns:
        return None
    return next((g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                 if g.dep_ == "pobj" and g.tag_ in ("NNS", "NNPS")), None)


def entity_of(token, reading: Idea) -> Entity | None:
    """The entity a noun token is (a name, an apposition and a repeated noun are the same one; a group is its
    members)."""
    token = group_member(token) or token
    if token.dep_ == "appos" and token.head.pos_ in ("NOUN", "PROPN"):
        found = entity_of(token.head, reading)
        if found is not None:  # else the head is no one ("after school, Priya, a tall girl")
            return found
    if token.dep_ == "appos" and token.pos_ == "PROPN" and token.i and token.nbor(-1).pos_ == "NOUN":
        found = entity_of(token.nbor(-1), reading)  # "she and her grandfather Tomás/appos of she": the grandfather
        if found is not None and found.animate:
            found.name = found.name or token.text
            return found
    if token.i >= 2 and token.nbor(-1).lower_ == "the" and token.nbor(-2).pos_ == "PROPN" and token.pos_ == "NOUN":
        named = entity_of(token.nbor(-2), reading)  # "Pip the mole": the mole is Pip
        if named is not None:
            if named.head == named.name.lower():
                named.head, named.phrase, named.short = token.lemma_.lower(), named.name, f"the {token.lower_}"
            return named
    if token.dep_ == "attr" and token.head.lemma_ == "be":  # "Hana is an eleven-year-old girl": Hana
        subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
        found = entity_of(subject, reading) if subject is not None and subject.pos_ in ("NOUN", "PROPN") else None
        if found is not None and not found.name and token.pos_ == "NOUN" and token.lemma_.lower() != found.head \
                and any(c.lower_ in ("a", "an") for c in token.children):  # not "the thief is his own sister"
            said = [c.lower_ for c in token.children if c.dep_ in ("amod", "compound") and c.i < token.i]
            found.short = found.phrase = " ".join(["the", *said, token.lower_])  # "her first customer is a
        if found is not None:  # nervous groom": the groom
            return found
    head = token.lemma_.lower()
    name = token.text if is_name(token) else ""
    for entity in reading.entities:
        if head == entity.head or (name and name == entity.name) or (  # "the fox" is the fox cub, but "the
                head in entity.phrase.lower().split() and (entity.animate or token.dep_ == "compound")):  # dragon"
            return entity  # is no dragon egg
    return None
