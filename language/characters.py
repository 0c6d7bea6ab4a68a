"""The story's characters as requests speak of them: each one's looks (read from its description) and the words
that name it (its name, its kind, its handle; the main character's also "the hero", "the main character" and the
name its captions start with)."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

from language.described import read_looks
from language.lexicon import EN
from language.looks import Looks


@dataclass
class Character:
    """A character of the story: its looks, and the words that name it in requests (its name, its kind, its
    handle). `id` is its cast id; the main character's words also include "hero", "main character"…"""

    looks: Looks
    names: set[str]
    id: str = "main"
    main: bool = True

    def names_it(self, word: str) -> bool:
        word = word.lower().removesuffix("'s").removesuffix("’s")
        kind = EN.kinds.get(word) or {}
        same = kind.get("type") == "person" == self.looks.info.get("type") and kind.get("gender") and kind.get(
            "gender") == self.looks.gender and word in EN.person_nouns  # "the girl" of a young shepherdess
        female = f"{word}ess" in self.names  # "the shepherd" of a shepherdess, "the lion" of a lioness
        return word in self.names or self.main and (word in EN.character_words or bool(same) or female)


def cast_characters(story) -> list[Character]:
    """Every character of the story's cast, main first, each with fresh looks and the words that name it ("Bo",
    "dog", "the small dog" → "small", "dog"); a story of one character has only the main one."""
    cast = getattr(story, "cast", None) or []
    if len(cast) < 2:
        return [main_character(story)]
    found = []
    for index, member in enumerate(cast):
        looks = read_looks(member.description or member.handle or "character")
        handle = member.handle.lower().removeprefix("the ").split()
        names = {*_kind_names(looks.kind), *handle[-1:], member.name.lower()} - {""}
        if index == 0:
            names |= main_character(story).names
        found.append(Character(looks, names, id=member.id, main=index == 0))
    return found


def main_character(story) -> Character:
    """The main character of `story`: looks from its description, names from the captions ("Juno finds…").
    The looks are a fresh copy: a request may change them."""
    cast = getattr(story, "cast", None) or []
    if len(cast) > 1:  # captions start with other members too ("Bo chases a ball"): the cast names the main one
        found = _character(story.identity_prompt, ())
        return Character(copy.deepcopy(found.looks), found.names | ({cast[0].name.lower()} - {""}))
    found = _character(story.identity_prompt, tuple(f.caption for f in story.frames))
    return Character(copy.deepcopy(found.looks), found.names | ({cast[0].name.lower()} - {""} if cast else set()))


@functools.lru_cache(maxsize=256)
def _character(identity: str, captions: tuple[str, ...]) -> Character:
    looks = read_looks(identity)
    names = _kind_names(looks.kind)  # "girl astronaut": the girl, the astronaut
    firsts = [c.split()[0].strip(",.'’s") for c in captions if c.split() and c.split()[0][:1].isupper()]
    names |= {w.lower() for w in firsts if firsts.count(w) * 2 >= len(captions) and w.lower() not in ("the", "a")}
    return Character(looks, names)


def _kind_names(kind: str) -> set[str]:
    """The words a kind goes by: its own, each of its words, and the kind it is one of (a poodle is a dog)."""
    words = {kind.lower(), *kind.lower().split()}
    return words | {parent for word in words if (parent := (EN.kinds.get(word) or {}).get("is"))}
