"""The cast: up to three recurring characters, and the shared prefix that starts every frame's prompt.

1Prompt1Story keeps what all frames share in one prefix, so the prefix's token rows are the same in every frame.
A cast puts every member into that prefix once, in a fixed order (the style phrase first, then the main
character, then the others), and each frame says who is in it (`Frame.cast`: None = everyone, [] = nobody).
The engine hides an absent member's columns instead of dropping its text: with causal text encoders, dropping
one member would change every later member's rows, and a character would stop looking the same across frames.

A cast of one composes exactly the text of `compose_identity` (the character, then the style), split into the
character with its comma and the style phrase, which tokenize to the same ids; so legacy stories render as
before. Only the planner and the person name characters: `name` is for the reader, `handle` a short visual noun
phrase unique in the cast ("the girl", "the small dog") that frame texts use, `description` what CLIP sees.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.styles import compose_identity, style_phrase
from core.text import CleanLine

MAX_CAST = 3  # recurring characters; each costs ~12 CLIP tokens of the shared prefix (cast_design.md B6)
MAIN_ID = "main"  # the main character of a story written before casts (built from its identity prompt)
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"  # ids are also written into file names and manifests


class Character(BaseModel):
    """One recurring character of the story."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=lambda: secrets.token_hex(4), pattern=ID_PATTERN,
                    description="stable across edits; frames name their characters by it")
    name: CleanLine = Field("", max_length=60, description="for the reader (captions, cast card); SDXL never sees it")
    handle: CleanLine = Field("", max_length=60, description="a short visual noun phrase, unique in the cast")
    description: CleanLine = Field("", max_length=600, description="visual only: kind, colours, clothes, one feature")

    @field_validator("name", "handle", mode="before")
    @classmethod
    def _none_is_empty(cls, value):
        """A member without a name or handle may be written as null (a hand-written or model-written file)."""
        return "" if value is None else value


class IdentityPiece(BaseModel):
    """One piece of the shared prefix as the engine receives it: its text and whose it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    character: str | None = None  # the cast member's id; None = shared by every frame (the style phrase)
    label: str = ""  # the member's handle or name, for messages


def character_id(handle: str, taken: Iterable[str] = ()) -> str:
    """A readable id from a handle ("the girl" -> "the-girl"), not among `taken`."""
    taken = set(taken)
    base = re.sub(r"[^A-Za-z0-9]+", "-", handle).strip("-").lower()[:48] or "character"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}-{number}", number + 1
    return name


def new_cast(entries: Sequence[Mapping[str, str]]) -> list[Character]:
    """Characters from ``{"handle", "description", "name"}`` entries (main first), with readable ids from their
    handles: how a planner or a stories file builds a cast (`StoryContent(cast=..., frames=[Frame(cast=[ids])])`).
    Raises pydantic's ValidationError for a field out of bounds; `cast_problems` says what else is wrong."""
    cast: list[Character] = []
    for entry in entries:
        member_id = entry.get("id") or character_id(entry.get("handle", ""), (m.id for m in cast))
        cast.append(Character(id=member_id, name=entry.get("name", ""), handle=entry.get("handle", ""),
                              description=entry.get("description", "")))
    return cast


def label_of(character: Character) -> str:
    """How messages name a character: its handle, else its name, else "the main character"."""
    if character.handle or character.name:
        return character.handle or character.name
    return "the main character" if character.id == MAIN_ID else character.id


def compose_prefix(cast: Sequence[Character], style: str) -> list[IdentityPiece]:
    """The shared prefix, piece by piece; the pieces joined with spaces are the text the encoders read.

    A cast of one: `compose_identity(description, style)`, as "description," and the style phrase.
    Two or more: "style," then "desc₁," then "and desc₂," ... (style first: under a causal encoder, style rows
    after the cast would have read every member, absent ones included, and would still be boosted).
    """
    phrase = style_phrase(style)
    if len(cast) == 1:
        main = cast[0]
        text = compose_identity(main.description, style)
        if not phrase:
            return [IdentityPiece(text=text, character=main.id, label=label_of(main))]
        own = text[: -len(phrase) - 1]  # "description," of "description, phrase"
        return [IdentityPiece(text=own, character=main.id, label=label_of(main)), IdentityPiece(text=phrase)]
    pieces = [IdentityPiece(text=f"{phrase},")] if phrase else []
    for position, member in enumerate(cast):
        description = member.description.strip().rstrip(",")
        text = f"{'and ' if position else ''}{description},"
        pieces.append(IdentityPiece(text=text, character=member.id, label=label_of(member)))
    return pieces


def prefix_text(pieces: Iterable[IdentityPiece]) -> str:
    """The prefix as one text (what `Story.render_identity` returns and the language room counts)."""
    return " ".join(piece.text for piece in pieces)


def present_ids(cast: Sequence[Character], frame_cast: Sequence[str] | None) -> list[str]:
    """The ids of the members in a frame, in cast order (`frame_cast` None = everyone)."""
    return [member.id for member in cast if frame_cast is None or member.id in frame_cast]


def frame_look(pieces: Sequence[IdentityPiece], presence: Sequence[str] | None) -> tuple:
    """What of the prefix a frame shows: the shared pieces and the present members' pieces, in order.

    Two renders of a frame with the same look (and the same frame text, seed, settings) count as the same picture,
    so a change to an absent member's description leaves the frame as it is (`Story.render_matches`)."""
    return tuple((piece.character, piece.text) for piece in pieces
                 if piece.character is None or presence is None or piece.character in presence)


def find_character(cast: Sequence[Character], reference: str) -> Character | None:
    """The member `reference` names: its id, handle or name (any case, with or without "the"), or None."""
    def plain(text: str) -> str:
        words = text.strip().lower().split()
        return " ".join(words[1:] if words[:1] == ["the"] else words)

    wanted = plain(reference)
    for member in cast:
        if reference == member.id or (wanted and wanted in {plain(member.handle), plain(member.name)}):
            return member
    return None


def cast_problems(cast: Sequence[Character]) -> list[str]:
    """What makes a cast unusable: size, repeated ids, missing or repeated handles (a cast of one needs none)."""
    problems = []
    if not 1 <= len(cast) <= MAX_CAST:
        problems.append(f"a story has 1 to {MAX_CAST} recurring characters, not {len(cast)}")
    ids = [member.id for member in cast]
    if len(set(ids)) != len(ids):
        problems.append("two characters share an id")
    if len(cast) > 1:
        handles = [" ".join(member.handle.lower().split()) for member in cast]
        if not all(handles):
            missing = [label_of(m) for m, h in zip(cast, handles, strict=True) if not h]
            problems.append(f"every character of a cast needs a short handle ({', '.join(missing)} has none)")
        elif len(set(handles)) != len(handles):
            problems.append("two characters have the same handle; give each a distinct one ('the older brother')")
    return problems


def presence_problems(cast: Sequence[Character], frame_casts: Sequence[Sequence[str] | None]) -> list[str]:
    """Frames that name a character not in the cast, or one twice (frame numbers 1-based)."""
    known = {member.id for member in cast}
    problems = []
    for number, frame_cast in enumerate(frame_casts, start=1):
        if frame_cast is None:
            continue
        unknown = [ref for ref in frame_cast if ref not in known]
        if unknown:
            problems.append(f"frame {number} names {', '.join(map(repr, unknown))}, not a character of the story")
        if len(set(frame_cast)) != len(frame_cast):
            problems.append(f"frame {number} names a character twice")
    return problems


def absent_named(cast: Sequence[Character], prompt: str, frame_cast: Sequence[str] | None) -> list[str]:
    """Handles of absent members that the frame's text names anyway (a warning for the planner, not an error)."""
    text = f" {' '.join(prompt.lower().split())} "
    present = set(present_ids(cast, frame_cast))
    return [member.handle for member in cast if member.id not in present and len(cast) > 1
            and member.handle and f" {' '.join(member.handle.lower().split())} " in text]
