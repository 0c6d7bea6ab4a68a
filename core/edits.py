"""Typed edit operations on a `Story` and what each one makes stale.

Every operation is a small pydantic model; `apply_edit` returns a new story (one undo step) and the frames
that must re-render. Frame numbers in these models are 0-based; every message to the person is 1-based.
Locked frames keep their image through indirect changes (identity, style, settings); an operation that
names a locked frame explicitly (set its text, re-roll it) is the person asking, so it does re-render.

Longer than 300 lines: one small model per operation, the union the LLM's grammar is built from, and the one
`apply_edit` that reads them; split, the union and the function that must cover it would drift apart.
The cast's operations (describe, add, remove or name a character; who is in a frame) live in `core.cast_edits`
and are rows of the same table.
"""

from __future__ import annotations

import random
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from core.cast_edits import (
    CAST_OPERATIONS,
    AddCharacter,
    DescribeCharacter,
    NameCharacter,
    RemoveCharacter,
    SetPresence,
    apply_cast_edit,
    look_changed,
)
from core.errors import InvalidStoryError
from core.operation import EditResult, copied_frames, frames_phrase
from core.operation import Operation as _Op
from core.settings import MAX_SEED
from core.story import MAX_FRAMES, Frame, Story
from core.styles import STYLE_PRESETS


class SetText(_Op):
    means = "replace one frame's picture text"
    example = "frame 3: reading under a tree"
    frame_fields = ("frame",)
    kind: Literal["set_text"] = "set_text"
    frame: int
    text: str = Field(min_length=1)
    caption: str | None = None


class AddText(_Op):
    means = "add a detail to one frame's text"
    example = "in frame 4 she should be holding a trophy"
    frame_fields = ("frame",)
    kind: Literal["add_text"] = "add_text"
    frame: int
    text: str = Field(min_length=1)


class SetCaption(_Op):
    means = "the reader's caption under one frame (the picture stays)"
    example = "caption 3: The storm rolls in."
    frame_fields = ("frame",)
    kind: Literal["caption"] = "caption"
    frame: int
    caption: str = Field(min_length=1, max_length=1000)


class InsertFrame(_Op):
    means = "a new frame at `position` (1 = first) showing `text`"
    example = "add a scene where she feeds the pigeons"
    frame_fields = ("position",)
    kind: Literal["insert"] = "insert"
    position: int  # 0..len(frames); len(frames) appends
    text: str = Field(min_length=1)
    caption: str | None = None


class RemoveFrame(_Op):
    means = "remove one frame"
    example = "remove frame 2"
    frame_fields = ("frame",)
    kind: Literal["remove"] = "remove"
    frame: int


class RemoveFrames(_Op):
    """Remove several frames in one step ("delete the last two frames")."""

    means = "remove several frames"
    example = "delete the last two frames"
    frame_fields = ("frames",)
    kind: Literal["remove_many"] = "remove_many"
    frames: list[int] = Field(min_length=1)


class RewriteFrames(_Op):
    """New prompts for several frames in one step ("make it rain in all the frames", "make the seagull blue")."""

    means = "new picture texts for several frames (all of each text, keyed by frame number)"
    example = "make it rain in all the frames"
    frame_fields = ("prompts",)
    kind: Literal["rewrite"] = "rewrite"
    prompts: dict[int, str] = Field(min_length=1)
    what: str = Field(min_length=1, description="what changed, for the reply: 'rain', 'the seagull is blue'")


class MoveFrame(_Op):
    means = "move a frame to another position"
    example = "put frame 5 first"
    frame_fields = ("frame", "to")
    kind: Literal["move"] = "move"
    frame: int
    to: int


class SwapFrames(_Op):
    means = "swap two frames"
    example = "swap the first and last frames"
    frame_fields = ("first", "second")
    kind: Literal["swap"] = "swap"
    first: int
    second: int


class SetIdentity(_Op):
    means = "the main character's description: all of it, or a part to add with append"
    example = "the baker should be an old man"
    kind: Literal["identity"] = "identity"
    text: str = Field(min_length=1)
    append: bool = False  # True: add to the identity ("wearing a green hat")
    handle: str | None = Field(None, max_length=60, description="in a cast, the main character's new handle when "
                                                                 "its kind changed ('the boy')")


class SetStyle(_Op):
    means = "the picture style: storybook, comic, anime, photo, painting, pixel, 3d, sketch or a free phrase"
    example = "switch to pixel art"
    kind: Literal["style"] = "style"
    style: str = Field(min_length=1)


class SetLock(_Op):
    means = "keep a frame's picture (locked) or let it change again"
    example = "keep frame 1 as it is"
    frame_fields = ("frame",)
    kind: Literal["lock"] = "lock"
    frame: int
    locked: bool = True


class Reroll(_Op):
    means = "a new random version of a frame"
    example = "try frame 2 again"
    frame_fields = ("frame",)
    kind: Literal["reroll"] = "reroll"
    frame: int
    seed: int | None = None  # None = a fresh random seed


class Undo(_Op):
    means = "undo the last change"
    example = "never mind"
    kind: Literal["undo"] = "undo"


class Redo(_Op):
    means = "redo what was undone"
    example = "redo"
    kind: Literal["redo"] = "redo"


class Rename(_Op):
    means = "the story's title"
    example = "call the story Flour and Fire"
    kind: Literal["rename"] = "rename"
    title: str = Field(min_length=1, max_length=120)


EditOp = (SetText | AddText | SetCaption | InsertFrame | RemoveFrame | RemoveFrames | RewriteFrames | MoveFrame
          | SwapFrames | SetIdentity | SetStyle | SetLock | Reroll | Undo | Redo | Rename
          | DescribeCharacter | AddCharacter | RemoveCharacter | SetPresence | NameCharacter)
OPERATIONS: tuple[type[_Op], ...] = get_args(EditOp)  # the one command table: help text and LLM schema


def help_text() -> str:
    """What a person can ask, one example per operation."""
    return "You can say, for example: " + "; ".join(f"“{op.example}”" for op in OPERATIONS) + "."


class EditPlan(BaseModel):
    """A capable LLM's reading of a request: the same operations, with frame numbers counted from 1 as the
    person counts them (`to_indices` converts), or a short question."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)
    ops: list[Annotated[EditOp, Field(discriminator="kind")]] = Field(max_length=4)
    question: str = Field(max_length=200)

    @classmethod
    def schema_for_llm(cls) -> dict:
        return cls.model_json_schema(mode="serialization")


def to_indices(op: EditOp) -> EditOp:
    """`op` with its frame numbers counted from 0 (the LLM counts from 1, like the person)."""
    update = {}
    for name in type(op).frame_fields:
        value = getattr(op, name)
        if isinstance(value, int):
            update[name] = value - 1
        elif isinstance(value, list):
            update[name] = [v - 1 for v in value]
        elif isinstance(value, dict):
            update[name] = {k - 1: v for k, v in value.items()}
    return op.model_copy(update=update)


def apply_edit(story: Story, op: EditOp) -> EditResult:
    """Apply `op`; raises InvalidStoryError (1-based message) when it names a frame that does not exist.

    Args:
        story: the current story.
        op: one edit operation (0-based frame numbers).

    Longer than 50 lines: one short branch per operation type, so every operation's effect on the story is
    read in one place (the union of operations is closed; `OPERATIONS` documents them).
    """
    if isinstance(op, CAST_OPERATIONS):
        return apply_cast_edit(story, op)
    n = len(story.frames)
    frames = copied_frames(story)
    explicit: list[int] = []
    if isinstance(op, SetText | AddText | SetCaption | RemoveFrame | SetLock | Reroll):
        story.check_index(op.frame)
    if isinstance(op, SetText):
        kept = frames[op.frame].caption_by_person or op.caption is None  # a person's own caption stays
        caption = frames[op.frame].caption if kept else op.caption
        frames[op.frame] = frames[op.frame].model_copy(update={"prompt": op.text, "caption": caption})
        new, changed, explicit = story.changed(f"frame {op.frame + 1} text", frames=frames), [op.frame], [op.frame]
        summary = f"Frame {op.frame + 1} is now: {op.text}"
    elif isinstance(op, AddText):
        text = f"{frames[op.frame].prompt.rstrip(', ')}, {op.text}"
        frames[op.frame] = frames[op.frame].model_copy(update={"prompt": text})
        new, changed, explicit = story.changed(f"frame {op.frame + 1} text", frames=frames), [op.frame], [op.frame]
        summary = f"Frame {op.frame + 1}: added “{op.text}”."
    elif isinstance(op, SetCaption):
        frames[op.frame] = frames[op.frame].model_copy(update={"caption": op.caption, "caption_by_person": True})
        new, changed = story.changed(f"frame {op.frame + 1} caption", frames=frames), []
        summary = f"Frame {op.frame + 1}'s caption is now: {op.caption}"
    elif isinstance(op, InsertFrame):
        if not 0 <= op.position <= n:
            raise InvalidStoryError(f"A new frame can go at positions 1 to {n + 1}.")
        if n >= MAX_FRAMES:
            raise InvalidStoryError(f"A story has at most {MAX_FRAMES} frames; remove one first.")
        frames.insert(op.position, Frame(prompt=op.text, caption=op.caption or op.text))
        new, changed = story.changed(f"insert frame {op.position + 1}", frames=frames), [op.position]
        summary = f"Added frame {op.position + 1}: {op.text}"
    elif isinstance(op, RemoveFrame):
        if n <= 1:
            raise InvalidStoryError("A story needs at least one frame; this is the last one.")
        removed = frames.pop(op.frame)
        new, changed = story.changed(f"remove frame {op.frame + 1}", frames=frames), []
        summary = f"Removed frame {op.frame + 1} ({removed.prompt})."
    elif isinstance(op, RemoveFrames):
        gone = sorted(set(op.frames))
        for index in gone:
            story.check_index(index)
        if len(gone) >= n:
            raise InvalidStoryError("A story needs at least one frame; that would remove them all.")
        frames = [f for i, f in enumerate(frames) if i not in gone]
        new, changed = story.changed(f"remove {frames_phrase(gone)}", frames=frames), []
        summary = f"Removed {frames_phrase(gone)}; the story now has {len(frames)} frames."
    elif isinstance(op, RewriteFrames):
        for index in op.prompts:
            story.check_index(index)
        for index, prompt in op.prompts.items():
            frames[index] = frames[index].model_copy(update={"prompt": prompt})
        changed = sorted(op.prompts)
        explicit = changed
        new = story.changed(f"{op.what} in {frames_phrase(changed)}", frames=frames)
        summary = f"{op.what[:1].upper()}{op.what[1:]}: {frames_phrase(changed)} changed."
    elif isinstance(op, MoveFrame):
        story.check_index(op.frame)
        story.check_index(op.to)
        frames.insert(op.to, frames.pop(op.frame))
        new, changed = story.changed(f"move frame {op.frame + 1}", frames=frames), []
        summary = f"Moved frame {op.frame + 1} to position {op.to + 1}."
    elif isinstance(op, SwapFrames):
        story.check_index(op.first)
        story.check_index(op.second)
        frames[op.first], frames[op.second] = frames[op.second], frames[op.first]
        new, changed = story.changed(f"swap {op.first + 1} and {op.second + 1}", frames=frames), []
        summary = f"Swapped frames {op.first + 1} and {op.second + 1}."
    elif isinstance(op, SetIdentity):
        identity = f"{story.identity_prompt.rstrip(', ')}, {op.text}" if op.append else op.text
        if op.handle and len(story.cast) > 1:
            cast = [story.cast[0].model_copy(update={"handle": op.handle, "description": identity}), *story.cast[1:]]
            new = story.changed("character", identity_prompt=identity, cast=cast)
        else:
            new = story.changed("character", identity_prompt=identity)
        changed = [i for i in range(n) if story.cast[0].id in story.presence(i)]  # frames showing the main character
        summary = f"The character is now: {identity}"
    elif isinstance(op, SetStyle):
        new, changed = story.changed("style", style=op.style), list(range(n))
        name = op.style if op.style in STYLE_PRESETS else f"“{op.style}”"
        summary = f"Style set to {name}."
    elif isinstance(op, SetLock):
        frames[op.frame] = frames[op.frame].model_copy(update={"locked": op.locked})
        new, changed = story.changed(f"{'lock' if op.locked else 'unlock'} frame {op.frame + 1}", frames=frames), []
        summary = f"Frame {op.frame + 1} {'locked: it keeps its image' if op.locked else 'unlocked'}."
    elif isinstance(op, Reroll):
        seed = op.seed if op.seed is not None else random.SystemRandom().randint(0, MAX_SEED)
        frames[op.frame] = frames[op.frame].model_copy(update={"seed": seed})
        new, changed, explicit = story.changed(f"re-roll frame {op.frame + 1}", frames=frames), [op.frame], [op.frame]
        summary = f"Frame {op.frame + 1} gets a new seed ({seed})."
    elif isinstance(op, Undo | Redo):
        moved = story.undone() if isinstance(op, Undo) else story.redone()
        word = "undo" if isinstance(op, Undo) else "redo"
        if moved is None:
            return EditResult(story, [], [], f"Nothing to {word}.")
        label = (story.undo_stack if isinstance(op, Undo) else story.redo_stack)[-1].label
        texts = {i for i in range(len(moved.frames)) if i >= n or moved.frames[i] != story.frames[i]}
        new, changed = moved, sorted(texts | set(look_changed(story, moved)))
        summary = f"{word.capitalize()}: {label}."
    elif isinstance(op, Rename):
        new, changed = story.changed("rename", title=op.title), []
        summary = f"The story is now called “{op.title}”."
    else:  # pragma: no cover - the union is exhaustive
        raise TypeError(op)
    return EditResult(new, changed, explicit, summary)
