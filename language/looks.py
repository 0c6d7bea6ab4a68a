"""A character's looks as a record, not a string: kind, age, gender, hair, what it wears (one item per slot),
what it carries, its features. Read from an idea's words or a description ("a little girl with curly brown hair,
wearing a green raincoat"), changed field by field by requests ("white hair" replaces the hair; "a blue scarf
instead of the red one" replaces the scarf), and written back as one description for the image model.

What the idea does not say is invented from the character's kind and age (`en.yaml`: `invent`), so no grandpa
gets blond hair, and the plan reply names what was invented.
"""

from __future__ import annotations

import functools
import re
import zlib
from dataclasses import dataclass, field

from language.lexicon import EN, entries
from language.tools import lemma_of


@dataclass
class Looks:
    """One character's looks. `kind` is the noun it is ("girl", "baby otter"); `adjectives` come before it."""

    kind: str
    adjectives: list[str] = field(default_factory=list)
    hair: str = ""
    wears: dict[str, str] = field(default_factory=dict)  # slot ("head", "coat", "feet"...) → "a green raincoat"
    carries: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)  # what `invent` added, for the reply

    @property
    def info(self) -> dict:
        """The lexicon's facts about the kind: type (person, animal…), age, gender."""
        head = self.kind.split()[-1].lower()
        info = dict(EN.kinds.get(self.kind.lower()) or EN.kinds.get(head) or {}) or {"type": kind_type(self.kind)}
        info.update({"age": "adult"} if info == {"type": "person"} else {})  # a person of unknown age: grown up
        for word in [*self.adjectives, *self.kind.split()[:-1]]:  # "old man": an elderly one
            if word.lower() in EN.ages:
                info["age"] = EN.ages[word.lower()]["age"]
            if word.lower() in EN.gender_words and info.get("type") == "person":  # "woman potter"
                info["gender"] = EN.gender_words[word.lower()]
        return info

    @property
    def gender(self) -> str | None:
        return self.info.get("gender")

    def text(self, compact: bool = False) -> str:
        """The description the image model sees; `compact`: its words only, for a cast that must share the
        prefix's token budget ("big black crow, red scarf, shiny orange beak")."""
        noun = " ".join([*self.adjectives, self.kind])
        if compact:
            items = [self.hair, *self.wears.values(), *self.carries, *self.features]
            return ", ".join([noun, *(re.sub(r"^(?:a|an|the|his|her|its|their) ", "", i) for i in items if i)])
        last = self.kind.split()[-1].lower() if self.kind.split() else ""
        plural = last.endswith("s") and not last.endswith(("ss", "us", "ops")) or not last.endswith("s") and \
            lemma_of(last, "NOUN") != last or any(  # "cats", "geese", but not "walrus" or "triceratops"
            a.lower() in EN.numbers and EN.numbers[a.lower()] > 1 for a in self.adjectives)
        hair = self.hair
        if hair and "hair" not in hair and not hair.endswith("s") and not hair.startswith(("a ", "an ")):
            hair = f"{_article(hair)} {hair}"  # "with a short black bob", but "with curly hair", "with braids"
        parts = [(noun if plural else f"{_article(noun)} {noun}") + (f" with {hair}" if hair else "")]
        if self.wears:
            parts.append("wearing " + _and(list(self.wears.values())))
        if self.carries:
            parts.append("holding " + _and(self.carries))
        if self.features:
            parts.append("with " + _and(self.features))
        return ", ".join(parts)

    # --- changes ------------------------------------------------------------------------------------
    def put_on(self, item: str, worn: bool = False) -> None:
        """Wear or carry `item` ("a blue raincoat"): it replaces the item in its slot; an item said to be `worn`
        that the lexicon does not know has a slot of its own."""
        noun = _item_noun(item)
        slot = EN.clothing.get(noun) or (worn and noun not in EN.carried and noun not in EN.features and noun)
        if slot:
            same = next((s for s, v in self.wears.items() if _item_noun(v) == noun and s != slot), None)
            for covered in [same, *EN.slot_covers.get(slot, [])]:  # a dress: no jumper under it
                self.wears.pop(covered, None)
            self.wears[slot] = item  # a new item takes its slot's place in the description
        elif noun in entries("hair_words"):
            self.set_hair(item)
        elif noun in EN.features:
            self.features = [f for f in self.features if _item_noun(f) != noun] + [item]
        else:
            self.carries = [c for c in self.carries if _item_noun(c) != noun] + [item]

    def take_off(self, noun: str) -> bool:
        """Remove what `noun` names (an item, a feature, the hair); whether anything went."""
        before = self.text()
        self.wears = {s: v for s, v in self.wears.items() if _item_noun(v) != noun and s != EN.clothing.get(noun)}
        self.carries = [c for c in self.carries if _item_noun(c) != noun]
        self.features = [f for f in self.features if _item_noun(f) != noun]
        if noun in entries("hair_words"):
            self.hair = ""
        return self.text() != before

    def set_hair(self, hair: str) -> None:
        """New hair words replace the old ones of the same kind (colour or style): "white" → "curly white hair"."""
        hair = hair.removeprefix("with ").strip()
        new = hair.split()
        if any(w in entries("hair_words") and w not in ("hair", "locks") for w in new):  # braids, a bun: a new style
            self.hair = " ".join(w for w in self.hair.split() if w in set(entries("colours")))
        colours, styles = set(entries("colours")) | set(EN.colour_modifiers), set(EN.hair_styles)
        old = [w for w in self.hair.split() if w not in entries("hair_words")]
        if not any(w in colours for w in new):
            new = [w for w in old if w in colours] + new
        if not any(w in styles for w in new):
            new = [w for w in old if w in styles] + new
        if not any(w in entries("hair_words") for w in new):
            new.append("hair")
        self.hair = " ".join(dict.fromkeys(new))

    def recolour(self, noun: str, colour: str) -> bool:
        """The item `noun` ("shirt" of a "t-shirt", "dungaree") or the hair or the kind in `colour`; whether it was."""
        colours = set(entries("colours")) | set(EN.colour_modifiers)
        for slot, value in self.wears.items():
            if noun in (_item_noun(value), _item_noun(value).split("-")[-1], _item_noun(value).removesuffix("s")):
                self.wears[slot] = _with_colour(value, colour, colours)
                return True
        for items in (self.carries, self.features):
            for i, value in enumerate(items):
                if _item_noun(value) == noun:
                    items[i] = _with_colour(value, colour, colours)
                    return True
        if noun in entries("hair_words"):
            self.set_hair(f"{colour} hair")
            return True
        if noun == self.kind.split()[-1] or noun in ("fur", "coat", "body"):
            self.adjectives = [a for a in self.adjectives if a not in colours] + [colour]
            return True
        return False

    def become(self, kind: str, adjectives: list[str]) -> None:
        """A new kind ("raccoon", "old man"): clothes and items stay; hair goes when it is no longer a person."""
        was_person = self.info.get("type") == "person"
        self.kind, self.adjectives = kind, adjectives
        if was_person and self.info.get("type") != "person":
            self.hair = ""

    def age_to(self, age_word: str) -> None:
        """Another age ("teenager", "grown-up", "older"): a plain person word changes with it ("girl" → "teenage
        girl"), a role, an animal or a thing gets an age adjective ("baker" → "old baker", "fox" → "old fox")."""
        step = EN.ages[age_word].get("step")
        now = {"adult": "young"}.get(self.info.get("age"), self.info.get("age"))  # a grown-up is still young
        if step and self.info.get("type") == "person" and now in EN.age_ladder:
            ladder = EN.age_ladder  # "older" is a step up from where one is: a little girl becomes a teenager
            at = min(max(ladder.index(now) + step, 0), len(ladder) - 1)
            age_word = next(w for w, row in EN.ages.items() if row["age"] == ladder[at] and not row.get("step"))
        table = EN.ages[age_word]
        person = next((w for w in self.kind.split() if w.lower() in person_words()), None)
        gender = self.gender or EN.gender_words.get((person or "").lower()) or "any"
        words = (table.get(gender) or table["any"]).split()
        if self.kind.lower() in person_words():
            self.kind, self.adjectives = words[-1], words[:-1]
        elif person is not None:  # "girl astronaut" → "woman astronaut"
            self.kind = self.kind.replace(person, words[-1])
            self.adjectives = [a for a in self.adjectives if a.lower() not in EN.ages] + words[:-1]
        else:
            adjective = {"elderly": "old", "child": "young", "adult": "grown-up"}.get(table["age"], age_word)
            self.adjectives = [a for a in self.adjectives if a.lower() not in EN.ages] + [adjective]

    def gender_to(self, gender: str) -> None:
        """Another gender: the person word for this age ("girl" → "boy"), or the paired word ("grandma" →
        "grandpa")."""
        pairs = {**EN.gender_pairs, **{v: k for k, v in EN.gender_pairs.items()}}
        if self.kind.lower() in pairs and self.gender != gender:
            self.kind = pairs[self.kind.lower()]
            return
        age = self.info.get("age", "adult")
        words = EN.genders[gender].get(age, EN.genders[gender]["adult"]).split()
        role = [w for w in self.kind.split() if w.lower() not in person_words() | set(EN.gender_words)]
        if self.info.get("type") == "person" and role:  # "old lighthouse keeper" → "old woman lighthouse keeper"
            aged = [a for a in self.adjectives if a.lower() in EN.ages]
            others = [a for a in self.adjectives if a.lower() not in EN.ages and a.lower() not in EN.gender_words]
            self.kind, self.adjectives = " ".join(role), [*aged, words[-1], *others]
            return
        self.kind = words[-1]
        self.adjectives = [a for a in self.adjectives if a.lower() not in EN.ages] + words[:-1]

    def drop_grown_man_features(self) -> None:
        """A beard goes when the character is no longer a grown man."""
        info = self.info
        if info.get("gender") == "female" or info.get("age") in ("child", "baby", "toddler", "teen") or \
                info.get("type") != "person":
            self.features = [f for f in self.features if _item_noun(f) not in EN.grown_man_features]

    def invent(self, seed: str = "", avoid: str = "") -> None:
        """Fill hair and one item of clothing from the kind (`en.yaml`: `invent`), when the words gave none; an
        item whose noun or colour is in `avoid` (another character's description) is passed over."""
        info = self.info
        table = EN.invent.get(info.get("type", "thing"), {})
        table = table.get(info.get("age", "adult"), table.get("adult", {})) if info.get("type") == "person" else table
        pick = zlib.crc32((seed or self.kind).encode())
        if info.get("type") == "person" and not self.hair and table.get("hair"):
            self.hair = table["hair"][pick % len(table["hair"])]
            self.invented.append(self.hair)
        if not (self.wears or self.carries) and table.get("clothes"):
            clothes = [c for c in table["clothes"] if not set(c.split()[-2:]) & set(avoid.lower().replace(
                ",", " ").split())] or table["clothes"]
            item = clothes[pick // 7 % len(clothes)]
            if info.get("type") == "machine":
                self.features.append(item)
            else:
                self.put_on(item)
            self.invented.append(item)


@functools.cache
def person_words() -> frozenset[str]:
    """Words that name a person of a gender or an age ("grandma", "teenager")."""
    return frozenset({word for table in EN.genders.values() for word in table.values()} | set(EN.ages)
                     | set(EN.person_extra))


def regendered(text: str, gender: str) -> str:
    """A caption's pronouns of the other gender turned to `gender` ("mending his cup" → "mending her cup"): the
    form (subject, object, possessive, reflexive) from the tagger, the word from `en.yaml`: `pronoun_forms`."""
    from language.tools import parse

    forms = EN.pronoun_forms
    other = next(g for g in forms if g != gender)
    out = []
    for token in parse(text):
        word = token.text
        if token.lower_ in forms[other].values() and token.pos_ == "PRON":
            form = "reflexive" if token.lower_.endswith("self") else "possessive" if token.tag_ == "PRP$" else \
                "subject" if "Nom" in token.morph.get("Case") else "object"
            word = forms[gender][form]
        out.append(word + token.whitespace_)
    return "".join(out)


def kind_type(kind: str) -> str:
    """person, animal or thing for a kind the lexicon does not list: "-man"/"-woman" words are people, the rest
    goes to the nearest of three descriptions by the sentence encoder, with a clear margin (else a thing).
    Measured on 54 nouns of story ideas: the lexicon's kinds plus this give no person or animal for a thing."""
    from language.tools import similarity

    if _person_word(kind):
        return "person"
    prototypes = EN.kind_prototypes
    scores = sorted(zip(similarity(kind, list(prototypes.values())), prototypes, strict=True), reverse=True)
    return scores[0][1] if scores[0][0] - scores[1][0] >= 0.06 else "thing"


def know_kinds(nouns) -> None:
    """Ready `kind_type` for these nouns at once: the ones the lexicon does not list are embedded in one batch."""
    from language.tools import embed

    embed([n for n in {n.lower() for n in nouns} if n not in EN.kinds and not _person_word(n)])


def _person_word(noun: str) -> bool:
    """"-man", "-woman", "-person" words are people ("postman", "chairperson") without asking the encoder."""
    return bool(re.search(r"(man|woman|person)$", noun.lower()))


def kind_of(noun: str) -> str:
    """What an English noun is (person, animal, creature, thing…): `en.yaml`'s kinds, else `kind_type`."""
    return (EN.kinds.get(noun.lower()) or {}).get("type") or kind_type(noun.lower())


def animate(noun: str) -> bool:
    """Whether an English noun is a person or an animal."""
    return kind_of(noun) in ("person", "animal", "creature")


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" and not noun.lower().startswith(("uni", "one", "eu")) else "a"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _item_noun(phrase: str) -> str:
    """The noun an item phrase is about: "a bright green backpack" → "backpack", "round glasses" → "glasses"."""
    words = phrase.lower().removeprefix("with ").split()
    for size in (3, 2):
        for i in range(len(words) - size + 1):
            if " ".join(words[i:i + size]) in EN.clothing:
                return " ".join(words[i:i + size])
    known = set(EN.clothing) | set(EN.carried) | set(EN.features) | set(entries("hair_words"))
    found = [w for w in words if w in known or w.rstrip("s") in known]
    return found[-1] if found else (words[-1] if words else "")


def _with_colour(phrase: str, colour: str, colours: set[str]) -> str:
    words = [w for w in phrase.split() if w.lower() not in colours]
    at = 1 if words and words[0].lower() in ("a", "an", "the", "his", "her", "its", "their") else 0
    words.insert(at, colour)
    text = " ".join(words)
    return re.sub(r"^an? ", _article(text.split(" ", 1)[-1]) + " ", text) if at else text
