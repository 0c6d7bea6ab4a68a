"""The main character's look: what the idea attaches to it, the deterministic identity, and the checks
that decide whether an LLM-written identity or title may replace the deterministic one.

A small model happily answers "A Fox's Cradle" for an identity or "The Cat's Cradle" for a fox story. An
identity is kept only when it is a concrete description that holds everything the idea says about the
character ("red" and "scarf" for "a red fox loses its scarf"); a title only when it names no other creature.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from language.glossary import (
    AGE_WORDS,
    ANIMALS,
    CHARACTER_NOUNS,
    CLOTHING,
    COLOUR_WORDS,
    COLOURS,
    FEATURES,
    HELD_ITEMS,
    PEOPLE,
    ROLE_OUTFITS,
    UNCOUNTABLE_CLOTHING,
)

_OWNERS = r"(?:in|wearing|wears|wore|with|its|his|her|their|dressed in|puts on|loses|lost|and)"
_DETERMINERS = {"a", "an", "the", "his", "her", "its", "their", "my", "our", "one", "two", "some"}
_NOT_ADJECTIVES = {"and", "with", "in", "on", "of", "to", "at", "is", "was", "who", "that", "new", "same", "wearing",
                   "holding", "carrying", "dressed", "finding", "losing", "having"}
_SIZES = {"little", "tiny", "small", "baby", "big", "giant", "huge"}
_SMALL = {"a", "an", "the", "of", "and", "in", "on", "at", "to", "for", "with", "by", "from", "into"}
_STORY_WORDS = re.compile(r"\b(?:story|stories|tale|tales|legend|adventures?) of\b", re.IGNORECASE)
# "in a snowy field": a place belongs in the frames, not in the character's description
_PLACE = re.compile(r"\b(?:in|on|at|by|near|inside)\s+(?:a|an|the)\s+(?:[a-z-]+\s+){0,2}?(?:field|forest|woods|sea|"
                    r"beach|mountains?|city|village|garden|space|moon|school|home|house|river|lake|desert|castle|"
                    r"cave|sky|park|library|kitchen|market|meadow|town|jungle|island|ocean|snow|street|room)\b",
                    re.IGNORECASE)
_TITLE_SHAPE = re.compile(r"^(?:the\s+)?(?:adventures?|tales?|story|stories|legend|journey|quest|secret|book)\s+of\b",
                          re.IGNORECASE)


@dataclass
class Look:
    """What the idea says about its main character (all lower-case English)."""

    noun: str
    age: str = ""  # "young", "old", ...
    adjectives: list[str] = field(default_factory=list)  # before the noun, as written: ["little", "old"]
    clothing: list[str] = field(default_factory=list)  # "yellow raincoat", "scarf"
    held: list[str] = field(default_factory=list)  # "green umbrella"
    features: list[str] = field(default_factory=list)  # "one wheel"

    def required_words(self) -> set[str]:
        """Words any identity for this character must contain: age, colours, clothing and held items."""
        words = {self.age} if self.age else set()
        words |= {w for w in self.adjectives if w in COLOUR_WORDS}
        for phrase in self.clothing + self.held:
            words |= {w for w in phrase.split() if w in COLOUR_WORDS}
            words.add(phrase.split()[-1])
        return words


def stable_choice(seed_text: str, options: list[str]) -> str:
    """One of `options`, the same for the same text (invented details stay put when a plan is redone)."""
    return options[int(hashlib.sha1(seed_text.encode("utf-8")).hexdigest(), 16) % len(options)]


def _is_adjective(word: str) -> bool:
    if word in COLOUR_WORDS:
        return True
    verb_like = word.endswith("s") or word.endswith("ed")  # "loses", "wanted": not part of the item's phrase
    return len(word) > 1 and not verb_like and word not in _DETERMINERS | _NOT_ADJECTIVES | CHARACTER_NOUNS


def _owned_items(words: list[str], items: list[str], owners: str) -> list[str]:
    """Phrases "ADJ* ITEM" whose item is introduced by an owner word ("in a yellow raincoat", "its scarf"),
    or continue a list of them ("a yellow raincoat and blue cap")."""
    found: list[str] = []
    ends: set[int] = set()
    text = " ".join(words)
    matches = sorted((len(text[:m.start()].split()), -len(item), item) for item in items
                     for m in re.finditer(rf"\b{re.escape(item)}\b", text))
    for end, _, item in matches:  # in reading order, so that "and" can continue a list
        start = end
        while start > 0 and end - start < 3 and _is_adjective(words[start - 1]):
            start -= 1
        owner = start - 1 - (start > 0 and words[start - 1] in _DETERMINERS - {"its", "his", "her", "their"})
        owned = owner >= 0 and (re.fullmatch(owners, words[owner]) is not None
                                or " ".join(words[max(0, owner - 1):owner + 1]) == "dressed in")
        if owned and words[owner] == "and":  # only a list of clothing continues with "and"
            owned = owner - 1 in ends
        phrase = " ".join([*words[start:end], item])
        if owned and not any(phrase in f or f in phrase for f in found):
            found.append(phrase)
            ends.add(end + len(item.split()) - 1)
    return found[:3]


def read_look(english: str, noun: str, descriptors: str) -> Look:
    """The character's look from the idea's English text (`descriptors` are the words before the noun)."""
    words = re.findall(r"[a-z-]+", english.lower())
    described = descriptors.split()
    look = Look(noun=noun, age=next((w for w in described if w in AGE_WORDS), ""), adjectives=described)
    look.clothing = _owned_items(words, CLOTHING, _OWNERS)
    look.held = [h for h in _owned_items(words, HELD_ITEMS, r"(?:with|holding|carrying|carries|holds)")
                 if not any(h in c for c in look.clothing)][:1]
    if noun in words:
        after = words[words.index(noun) + 1:words.index(noun) + 6]
        if after[:1] == ["with"]:
            tail = after[1:]
            feature = next((i for i, w in enumerate(tail) if w in FEATURES), None)
            if feature is not None and feature <= 3:
                look.features = [" ".join(w for w in tail[:feature + 1])]
    return look


def with_article(phrase: str) -> str:
    """"an orange jacket", "a scarf", "silver armour" (no article for uncountable items)."""
    last = phrase.split()[-1]
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is"))  # "boots", not "princess", "walrus"
    if last in UNCOUNTABLE_CLOTHING or phrase in UNCOUNTABLE_CLOTHING or plural:
        return phrase
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


def join_and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def identity_from_look(look: Look, seed_text: str, colour: str, kind: str = "") -> str:
    """A concrete identity: kind, age, colours and clothing, from the idea where it says them, else invented.

    `colour` is the idea's first colour (or a stable invented one): uncoloured clothing the idea names gets it.
    `kind` ("person", "animal") says what the character is when the tables do not know its noun.
    """
    from lemminflect import getLemma

    noun = look.noun
    head_noun = (getLemma(noun.split()[-1], upos="NOUN") or (noun.split()[-1],))[0]  # "two brothers": brother
    is_person = head_noun in PEOPLE or kind == "person"
    is_animal = not is_person and (head_noun in ANIMALS or kind == "animal")
    second = stable_choice(seed_text + "2", [c for c in COLOURS if c != colour])
    young = is_animal and not look.age and not set(look.adjectives) & _SIZES
    head = with_article(" ".join(p for p in ("young" if young else "", *look.adjectives, noun) if p))
    parts = [head]
    if is_person:
        if not look.age and head_noun in PEOPLE and not set(look.adjectives) & _SIZES:  # "a little sailor"
            parts[0] += f" {PEOPLE[head_noun]}"
        hair = "grey" if look.age in ("old", "elderly", "ancient") else \
            stable_choice(seed_text, ["short brown", "curly black", "long red", "straight blond"])
        parts.append(f"with {hair} hair")
    clothing = [c if any(w in COLOUR_WORDS for w in c.split()) or c in UNCOUNTABLE_CLOTHING else f"{colour} {c}"
                for c in look.clothing]
    if not clothing:
        if head_noun in ROLE_OUTFITS:
            clothing = list(ROLE_OUTFITS[head_noun])
        elif is_person:
            clothing = [f"{colour} jacket", f"{second} boots"]
        elif is_animal:
            clothing = [f"small {colour} scarf", f"{second} satchel"]
    if clothing:
        parts.append("wearing " + join_and([with_article(c) for c in clothing]))
    parts += [f"holding {with_article(h)}" for h in look.held]
    parts += [f"with {f}" for f in look.features]
    if is_animal and not look.features:
        parts.append("with bright round eyes")
    elif not is_person and not is_animal and not look.clothing:
        parts.append(f"in {colour} and {second} tones, with a friendly expressive face")
    return ", ".join(parts)


def _mentions(text: str, noun: str) -> bool:
    return re.search(rf"\b{re.escape(noun)}(?:s|es)?\b", text.lower()) is not None


def identity_problem(text: str, look: Look, actions: set[str] = frozenset()) -> str | None:
    """Why an LLM identity is not a concrete description of the character, or None when it is.

    `actions`: the idea's verbs ("dances"); an identity holding one copied the idea, not described the look.
    """
    words = text.split()
    if len(words) < 5 or len(text) < 25:
        return "too short"
    if not _mentions(text, look.noun):
        return f"does not name the {look.noun}"
    if re.search(r"\b\w+'s\b", text) or _TITLE_SHAPE.search(text) or _STORY_WORDS.search(text):
        return "a title, not a description"
    significant = [w for w in words if w.lower() not in _SMALL]
    if significant and sum(w[:1].isupper() for w in significant) > len(significant) / 2:
        return "a title, not a description"
    if actions & {w.lower().strip(",.") for w in words}:
        return "an action, not a description"
    if _PLACE.search(text):
        return "a place, not a description"
    missing = sorted(w for w in look.required_words() if not re.search(rf"\b{re.escape(w)}\b", text.lower()))
    if missing:
        return "leaves out " + ", ".join(missing)
    if not look.required_words() and not re.search(
            r"\b(?:" + "|".join(sorted(COLOUR_WORDS | AGE_WORDS) + [c.split()[-1] for c in CLOTHING]) + r")\b",
            text.lower()):
        return "no colour, age or clothing"
    return None


def title_problem(title: str, character: str, idea_english: str) -> str | None:
    """Why an LLM title does not fit the story, or None: another creature than the story's, or empty."""
    if not title.strip():
        return "empty"
    if len(title.split()) < 2 and not re.search(r"[\u3040-\u30ff\u3400-\u9fff]", title):
        return "one word"
    if re.search(r"\b(?:story idea|idea|title|character|json)\b", title, re.IGNORECASE):
        return "an echo of the request"
    title_words = re.findall(r"[a-z']+", title.lower())
    idea_words = re.findall(r"[a-z']+", idea_english.lower())
    if (3 <= len(title_words) < len(idea_words) and idea_words[: len(title_words)] == title_words
            and re.fullmatch(r"[a-z]{3,}s", title_words[-1])):
        return "the idea's first words, cut off after a verb"
    for word in re.findall(r"[a-z]+", title.lower()):
        singular = word[:-1] if word.endswith("s") and word[:-1] in CHARACTER_NOUNS else word
        if singular in CHARACTER_NOUNS and singular != character and not _mentions(idea_english, singular):
            return f"names a {singular}, not the {character}"
    return None


