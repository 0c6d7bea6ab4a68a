"""A cast on the command line and in stories files: characters, who is in each frame, and the style.

    --character "the girl=a girl with red braids and a yellow raincoat"   (repeat, main character first)
    --frame_cast "the girl,the dog" "the dog" none                        (one per frame: handles, all, none)
    --style storybook                                                      (a preset name or a phrase)

In a ``--json_path`` file each combination may carry the same: ``"cast": [{"handle", "description", "name"}]``,
``"frame_cast": [["the girl", "the dog"], ["the dog"], [], null]`` (null = everyone) and ``"style"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from core.cast import Character, IdentityPiece, cast_problems, compose_prefix, find_character, new_cast
from core.errors import StoryError

EVERYONE, NOBODY = ("all", "*", "everyone"), ("none", "-", "nobody")


@dataclass
class CastSpec:
    """What the engine receives for a story: the identity (one text or a cast's pieces) and each frame's cast."""

    identity: str | list[IdentityPiece]
    presence: list[list[str] | None] | None = None  # None = everyone everywhere
    cast: list[Character] = field(default_factory=list)  # [] = a plain identity prompt
    style: str = ""


def parse_character(text: str) -> dict:
    """ "handle=description" -> {"handle", "description"}."""
    handle, sep, description = text.partition("=")
    if not sep or not handle.strip() or not description.strip():
        raise StoryError(f'--character must look like "the girl=a girl with red braids", not {text!r}')
    return {"handle": handle.strip(), "description": description.strip()}


def build_cast(entries: Sequence[dict]) -> list[Character]:
    """Characters from ``{"handle", "description", "name"}`` entries, main first; ids from the handles."""
    try:
        cast = new_cast(entries)
    except (ValidationError, AttributeError) as error:
        raise StoryError(f"A character of the cast is not valid: {error}") from None
    problems = cast_problems(cast)
    if problems:
        raise StoryError(f"The cast is not usable: {'; '.join(problems)}.")
    return cast


def parse_presence(cast: Sequence[Character], entries: Sequence, frames: int) -> list[list[str] | None] | None:
    """Per frame, the ids of its characters, from handles, names or ids (a comma-separated text or a list;
    "all"/None = everyone, "none"/[] = nobody). No entries: everyone everywhere."""
    if not entries:
        return None
    if len(entries) != frames:
        raise StoryError(f"Give one frame cast per frame: {len(entries)} for {frames} frame(s).")
    presence = []
    for number, entry in enumerate(entries, start=1):
        if entry is None or (isinstance(entry, str) and entry.strip().lower() in EVERYONE):
            presence.append(None)
            continue
        if isinstance(entry, str):
            entry = [] if entry.strip().lower() in NOBODY else [ref for ref in entry.split(",") if ref.strip()]
        found = [(ref, find_character(cast, ref.strip())) for ref in entry]
        unknown = [ref for ref, member in found if member is None]
        if unknown:
            raise StoryError(f"Frame {number} names {', '.join(map(repr, unknown))}, not a character of the cast.")
        ids = {member.id for _, member in found}
        presence.append([member.id for member in cast if member.id in ids])
    return presence


def cast_spec(id_prompt: str | None, characters: Sequence[dict], frame_cast: Sequence, style: str,
              frames: int) -> CastSpec:
    """The identity and presence of one story from the CLI's flags or one stories-file combination."""
    if characters and id_prompt:
        raise StoryError("Give either an identity prompt or a cast (--character), not both.")
    if not characters:
        if frame_cast:
            raise StoryError("A frame cast needs a cast: add --character \"handle=description\" for each character.")
        if not style:
            return CastSpec(identity=id_prompt or "")
        characters = [{"id": "main", "description": id_prompt or ""}]  # a cast of one: compose_identity's text
    cast = build_cast(characters)
    return CastSpec(identity=compose_prefix(cast, style), presence=parse_presence(cast, frame_cast, frames),
                    cast=cast, style=style)
