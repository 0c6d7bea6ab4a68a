"""Typed edit operations on the cast: describe, add, remove or name a character, and put one into a frame or take
it out. They join `core.edits.OPERATIONS` (the one command table) and `apply_edit` hands them to
`apply_cast_edit`.

What re-renders follows from what a frame shows (`core.cast.frame_look`): a character's new description makes
due exactly the frames that show it; a presence change only that frame; a cast that grows from one to two
restructures the shared prefix (the style moves first), so every frame is due then.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.cast import MAX_CAST, Character, absent_named, find_character, frame_look, label_of
from core.errors import InvalidStoryError
from core.operation import EditResult, Operation, copied_frames, frames_phrase
from core.story import Frame, Story


class DescribeCharacter(Operation):
    means = "one character's look (visual words only): all of it, or a part to add with append"
    example = "make the dog brown"
    kind: Literal["character_look"] = "character_look"
    character: str = Field(min_length=1, max_length=60, description="the character's handle, name or id")
    text: str = Field(min_length=1, max_length=600)
    append: bool = False
    handle: str | None = Field(None, max_length=60, description="its new handle when its kind changed ('the cat')")


class AddCharacter(Operation):
    means = "a new recurring character: a short visual handle, a visual description, the frames it is in"
    example = "add a cat called Miso who follows her"
    frame_fields = ("frames",)
    kind: Literal["character_add"] = "character_add"
    handle: str = Field(min_length=1, max_length=60, description="a short visual noun phrase: 'the small cat'")
    description: str = Field(min_length=1, max_length=600)
    name: str = Field("", max_length=60)
    frames: list[int] = Field(default_factory=list, max_length=12, description="the frames it is in; others stay")
    main_handle: str = Field("", max_length=60, description="the main character's handle, when it has none yet")


class RemoveCharacter(Operation):
    means = "take a recurring character out of the story (not the main character)"
    example = "the crow is not in this story"
    kind: Literal["character_remove"] = "character_remove"
    character: str = Field(min_length=1, max_length=60)


class SetPresence(Operation):
    means = "put characters into frames (present true) or take them out (present false)"
    example = "take the dog out of the last picture"
    frame_fields = ("frames",)
    kind: Literal["presence"] = "presence"
    frames: list[int] = Field(min_length=1, max_length=12)
    characters: list[str] = Field(min_length=1, max_length=3)
    present: bool = True


class NameCharacter(Operation):
    means = "a character's name for the reader, and its handle when given (the pictures do not change)"
    example = "the dog is called Bo"
    kind: Literal["character_name"] = "character_name"
    character: str = Field(min_length=1, max_length=60)
    name: str = Field(max_length=60)
    handle: str | None = Field(None, max_length=60)


CAST_OPERATIONS = (DescribeCharacter, AddCharacter, RemoveCharacter, SetPresence, NameCharacter)


def look_changed(old: Story, new: Story) -> list[int]:
    """Frames (by position, present in both) whose shared prefix or characters differ between the two stories."""
    old_pieces, new_pieces = old.identity_pieces(), new.identity_pieces()
    return [i for i in range(min(len(old.frames), len(new.frames)))
            if frame_look(old_pieces, old.presence(i)) != frame_look(new_pieces, new.presence(i))]


def member(story: Story, reference: str) -> Character:
    """The cast member `reference` names, or an error that lists the cast."""
    found = find_character(story.cast, reference)
    if found is None:
        names = ", ".join(label_of(m) for m in story.cast)
        raise InvalidStoryError(f"There is no character “{reference}” in this story; its characters are: {names}.")
    return found


def _with_presence(frame: Frame, present: list[str], cast: list[Character]) -> Frame:
    """`frame` showing `present` (stored in cast order; everyone is stored as None)."""
    ordered = [m.id for m in cast if m.id in present]
    return frame.model_copy(update={"cast": None if len(ordered) == len(cast) else ordered})


def _warnings(story: Story, indices: list[int]) -> str:
    """A note when a frame's text still names a character that is not in it (the planner's texts name handles)."""
    notes = [f" Frame {i + 1}'s text still names {', '.join(names)}." for i in indices
             if (names := absent_named(story.cast, story.frames[i].prompt, story.frames[i].cast))]
    return "".join(notes)


def _describe(story: Story, op: DescribeCharacter) -> tuple[Story, str]:
    target = member(story, op.character)
    description = f"{target.description.rstrip(', ')}, {op.text}" if op.append else op.text
    update = {"description": description, **({"handle": op.handle} if op.handle else {})}
    cast = [m.model_copy(update=update) if m.id == target.id else m for m in story.cast]
    new = story.changed(f"{label_of(target)}'s look", cast=cast)
    return new, f"{label_of(target)[:1].upper()}{label_of(target)[1:]} is now: {description}"


def _add(story: Story, op: AddCharacter) -> tuple[Story, str]:
    if len(story.cast) >= MAX_CAST:
        raise InvalidStoryError(f"A story has at most {MAX_CAST} recurring characters; remove one first.")
    for index in op.frames:
        story.check_index(index)
    main = story.cast[0]
    if not main.handle and not op.main_handle:
        raise InvalidStoryError("Give the main character a short handle first (for example “the girl”), so the "
                                "pictures' texts can tell the characters apart.")
    cast = [main.model_copy(update={"handle": main.handle or op.main_handle}), *story.cast[1:],
            Character(name=op.name, handle=op.handle, description=op.description)]
    newcomer = cast[-1].id
    frames = [_with_presence(frame, story.presence(i) + ([newcomer] if i in op.frames else []), cast)
              for i, frame in enumerate(story.frames)]
    new = story.changed(f"add {op.handle}", cast=cast, frames=frames)
    where = f"in {frames_phrase(sorted(set(op.frames)))}" if op.frames else "in no frame yet: say where it appears"
    return new, f"{op.handle[:1].upper()}{op.handle[1:]} joins the cast, {where}."


def _remove(story: Story, op: RemoveCharacter) -> tuple[Story, str]:
    target = member(story, op.character)
    if target.id == story.cast[0].id:
        raise InvalidStoryError("The main character stays in the story; describe them anew instead.")
    cast = [m for m in story.cast if m.id != target.id]
    frames = [frame if frame.cast is None else frame.model_copy(update={"cast": [c for c in frame.cast
                                                                                 if c != target.id]})
              for frame in story.frames]
    new = story.changed(f"remove {label_of(target)}", cast=cast, frames=frames)
    return new, f"{label_of(target)[:1].upper()}{label_of(target)[1:]} left the cast."


def _presence(story: Story, op: SetPresence) -> tuple[Story, str]:
    for index in op.frames:
        story.check_index(index)
    ids = [member(story, reference).id for reference in op.characters]
    frames = copied_frames(story)
    for index in set(op.frames):
        present = story.presence(index)
        present = present + ids if op.present else [c for c in present if c not in ids]
        frames[index] = _with_presence(frames[index], present, story.cast)
    who = ", ".join(label_of(m) for m in story.cast if m.id in ids)
    words = f"with {who}" if op.present else f"without {who}"
    new = story.changed(f"{frames_phrase(sorted(set(op.frames)))} {words}", frames=frames)
    summary = f"{frames_phrase(sorted(set(op.frames)))[:1].upper()}{frames_phrase(sorted(set(op.frames)))[1:]}"
    return new, f"{summary}: {words}.{_warnings(new, sorted(set(op.frames)))}"


def _name(story: Story, op: NameCharacter) -> tuple[Story, str]:
    target = member(story, op.character)
    update = {"name": op.name.strip(), **({"handle": op.handle.strip()} if op.handle is not None else {})}
    cast = [m.model_copy(update=update) if m.id == target.id else m for m in story.cast]
    new = story.changed(f"name {label_of(target)}", cast=cast)
    return new, f"{label_of(target)[:1].upper()}{label_of(target)[1:]} is now called {op.name.strip() or 'nothing'}."


_APPLY = {DescribeCharacter: _describe, AddCharacter: _add, RemoveCharacter: _remove, SetPresence: _presence,
          NameCharacter: _name}


def apply_cast_edit(story: Story, op: Operation) -> EditResult:
    """Apply one cast operation; raises InvalidStoryError (1-based message) for a frame or character that does
    not exist, a fourth character, or a cast the story refuses (repeated handles).

    The changed frames are those whose look changed; the named ones (a presence change names its frames) re-render
    even when locked."""
    new, summary = _APPLY[type(op)](story, op)
    changed = look_changed(story, new)
    named = [i for i in getattr(op, "frames", []) if i in changed] if isinstance(op, SetPresence) else []
    return EditResult(new, changed, named, summary)
