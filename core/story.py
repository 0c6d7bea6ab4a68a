"""Story state: pydantic models that are the save format, the resume format and the export manifest.

Two kinds of history live in a `Story`:

* **Content** (title, cast, style, settings, frames and who is in each) is versioned as a whole: every change
  pushes the previous content onto an undo stack, so undo/redo works across the whole story.
* **Renders** are not content. Each frame has a stable id and an append-only list of rendered versions, each
  with the exact context it was rendered with. A frame's current image is the newest render whose context
  matches the frame as it is now, so undoing a text change brings its earlier image back without a re-render.

Older files load through `migrate` (keyed by `schema_version`); a file written before casts loads as a cast of
one built from its identity prompt (`core.cast`).

Longer than 300 lines: the content, its undo history and the question of which render matches it are one
model; their methods stay with the fields they read.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.cast import (
    MAIN_ID,
    MAX_CAST,
    Character,
    IdentityPiece,
    cast_problems,
    compose_prefix,
    frame_look,
    prefix_text,
    presence_problems,
    present_ids,
)
from core.errors import InvalidStoryError
from core.renders import FrameRender, RenderContext
from core.settings import GenerationSettings
from core.styles import DEFAULT_NEGATIVE_PROMPT, DEFAULT_STYLE
from core.text import CleanLine, CleanText

SCHEMA_VERSION = 1
MAX_FRAMES = 12  # planning and editing never go beyond this many frames
MAX_IDEA_CHARS = 4000  # longer ideas (and messages) are refused with a message; in the README and chainlit.md
MAX_HISTORY = 200  # undo steps kept; older ones are dropped first
STORYBOARD_MODEL = "storyboard"  # the "model" name of storyboard cards (no image model configured)
TEST_MODEL = "tiny"  # the built-in random-weight test model: its pictures are noise, and say so wherever shown

# Settings that do not change the pixels of a frame, so changing them makes nothing stale.
_NON_PIXEL_SETTINGS = {"batch_size"}


def new_id(length: int = 8) -> str:
    """A short random hex id (frames and stories)."""
    return secrets.token_hex(length // 2)


class Frame(BaseModel):
    """One picture of the story: what the image model sees (`prompt`) and what the reader sees (`caption`)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                    description="stable across edits, moves and undo; also a file name, so letters and digits only")
    prompt: CleanLine = Field(min_length=1, max_length=600, description="English action and setting, no character")
    caption: CleanLine = Field("", max_length=1000, description="text for the reader, any language")
    caption_by_person: bool = Field(False, description="the person wrote the caption: kept until they change it")
    locked: bool = False
    seed: int | None = Field(None, ge=0, description="re-roll seed; None = the story seed")
    cast: list[str] | None = Field(None, description="ids of the characters in the picture; None = everyone")


class StoryContent(BaseModel):
    """The undoable part of a story."""

    model_config = ConfigDict(extra="forbid")

    title: CleanLine = Field("Untitled story", max_length=120)
    identity_prompt: CleanLine = Field("", max_length=600, description="the main character, once, concretely")
    cast: list[Character] = Field(default_factory=list, max_length=MAX_CAST,
                                  description="recurring characters, main first; [] = built from identity_prompt")
    style: CleanLine = Field(DEFAULT_STYLE, max_length=200)
    settings: GenerationSettings = Field(
        default_factory=lambda: GenerationSettings(negative_prompt=DEFAULT_NEGATIVE_PROMPT)
    )
    frames: list[Frame] = Field(default_factory=list, max_length=MAX_FRAMES)

    @model_validator(mode="after")
    def _cast_holds(self) -> StoryContent:
        """A story without a cast (every file before casts) has a cast of one built from `identity_prompt`, which
        stays the main character's description (the identity prompt wins when the two disagree: it is what the
        older edits write; `changed` passes a new cast's description on to it)."""
        if not self.cast:
            self.cast = [Character(id=MAIN_ID, description=self.identity_prompt)]
        elif not self.identity_prompt:
            self.identity_prompt = self.cast[0].description
        elif self.cast[0].description != self.identity_prompt:
            self.cast = [self.cast[0].model_copy(update={"description": self.identity_prompt}), *self.cast[1:]]
        problems = cast_problems(self.cast) + presence_problems(self.cast, [frame.cast for frame in self.frames])
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def identity_pieces(self) -> list[IdentityPiece]:
        """The shared prefix piece by piece, as the engine receives it (`core.cast.compose_prefix`)."""
        return compose_prefix(self.cast, self.style)

    def presence(self, index: int) -> list[str]:
        """The ids of the characters in frame `index`, in cast order."""
        return present_ids(self.cast, self.frames[index].cast)


class Revision(BaseModel):
    """A content snapshot on the undo or redo stack, with what the change after it did."""

    model_config = ConfigDict(extra="forbid")

    label: str
    content: StoryContent


RenderCheck = Callable[[FrameRender], bool]  # whether a render's picture can be used (its file is there, readable)


class Story(StoryContent):
    """A whole story: current content, its undo/redo history, and every frame's renders."""

    schema_version: int = SCHEMA_VERSION
    id: str = Field(default_factory=lambda: new_id(12))
    version: int = Field(0, ge=0, description="bumped by every save; two sessions of one story read it to merge")
    idea: CleanText = Field("", description="what the person asked for, kept for the record")
    renders: dict[str, list[FrameRender]] = Field(default_factory=dict, description="frame id -> versions")
    undo_stack: list[Revision] = Field(default_factory=list)
    redo_stack: list[Revision] = Field(default_factory=list)

    # --- convenience views -------------------------------------------------------------------------
    @property
    def frame_prompts(self) -> list[str]:
        return [frame.prompt for frame in self.frames]

    def render_identity(self) -> str:
        """The shared prefix as one text: for a cast of one, the identity prompt with the style phrase appended."""
        return prefix_text(self.identity_pieces())

    def frame_seed(self, index: int) -> int:
        frame = self.frames[index]
        return self.settings.seed if frame.seed is None else frame.seed

    def content(self) -> StoryContent:
        return StoryContent.model_validate(self.model_dump(include=set(StoryContent.model_fields)))

    def check_index(self, index: int) -> None:
        """Raise InvalidStoryError with a 1-based message when `index` is not a frame of this story."""
        if not 0 <= index < len(self.frames):
            raise InvalidStoryError(
                f"There is no frame {index + 1}: this story has {len(self.frames)} frame(s)."
            )

    # --- versioning --------------------------------------------------------------------------------
    def changed(self, label: str, **updates: Any) -> Story:
        """A new Story with `updates` applied to the content and the old content pushed on the undo stack.

        Args:
            label: what the change did, in words ("frame 3 text", "swap 1 and 3").
            updates: new values for StoryContent fields (`frames` as a list of Frame).
        """
        unknown = set(updates) - set(StoryContent.model_fields)
        if unknown:
            raise ValueError(f"not story content: {sorted(unknown)}")
        if "cast" in updates and "identity_prompt" not in updates and updates["cast"]:
            main = updates["cast"][0]  # a new cast's main description becomes the identity prompt
            updates["identity_prompt"] = main.description if isinstance(main, Character) else main["description"]
        new_content = self.content().model_copy(update=updates, deep=True)
        # Validate through the model so the limits (max frames, lengths) hold after every change.
        try:
            new_content = StoryContent.model_validate(new_content.model_dump())
        except ValidationError as error:  # "frame 1: <700 characters>": a clear refusal, not a traceback
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the story"
            message = first["msg"].removeprefix("Value error, ")
            raise InvalidStoryError(f"That change does not fit the story ({where}: {message}); nothing was "
                                    "changed.") from None
        undo = [*self.undo_stack, Revision(label=label, content=self.content())][-MAX_HISTORY:]
        return self.model_copy(update={**dict(new_content), "undo_stack": undo, "redo_stack": []}, deep=True)

    def as_one_change(self, before: Story) -> Story:
        """This story, reached from `before` by several edits of one request ("make the dog a cat": its look, then
        its frames' texts), with one undo step back to `before` instead of one per edit."""
        last, labels = (before.undo_stack[-1] if before.undo_stack else None), []
        for revision in reversed(self.undo_stack):
            if revision == last:
                break
            labels.insert(0, revision.label)
        if len(labels) < 2:
            return self
        undo = [*before.undo_stack, Revision(label=", ".join(dict.fromkeys(labels)), content=before.content())]
        return self.model_copy(update={"undo_stack": undo[-MAX_HISTORY:], "redo_stack": []})

    def undone(self) -> Story | None:
        """The story one change back, or None when there is nothing to undo."""
        if not self.undo_stack:
            return None
        last = self.undo_stack[-1]
        redo = [*self.redo_stack, Revision(label=last.label, content=self.content())]
        return self.model_copy(
            update={**dict(last.content), "undo_stack": self.undo_stack[:-1], "redo_stack": redo}, deep=True
        )

    def redone(self) -> Story | None:
        """The story one change forward again, or None when there is nothing to redo."""
        if not self.redo_stack:
            return None
        nxt = self.redo_stack[-1]
        undo = [*self.undo_stack, Revision(label=nxt.label, content=self.content())]
        return self.model_copy(
            update={**dict(nxt.content), "undo_stack": undo, "redo_stack": self.redo_stack[:-1]}, deep=True
        )

    # --- renders -----------------------------------------------------------------------------------
    def render_context(self, index: int, model: str) -> RenderContext:
        """The context frame `index` would be rendered with now."""
        return RenderContext(
            identity_prompt=self.render_identity(),
            frame_prompts=self.frame_prompts,
            identity_pieces=self.identity_pieces(),
            presence=self.frames[index].cast,
            cast=self.cast,
            frame_index=index,
            seed=self.frame_seed(index),
            settings=self.settings,
            model=model,
        )

    def render_matches(self, index: int, context: RenderContext, model: str | None = None) -> bool:
        """Whether a render with `context` still shows frame `index` as it is now.

        Only the frame's own inputs count (the style and the characters in it, its prompt, its seed, the pixel
        settings, the model when given): the product re-renders a frame when *its* text or cast changes, not when a
        neighbour's text or an absent character's description does. A storyboard card draws the frame's text and
        who is in it, so only those count for it.
        """
        frame = self.frames[index]
        own_prompt = context.frame_prompts[context.frame_index] if context.frame_prompts else ""
        if context.model == STORYBOARD_MODEL:  # a card shows the frame's text only: seed and settings change nothing
            return own_prompt == frame.prompt and context.presence == frame.cast and (
                model is None or model == STORYBOARD_MODEL)
        look = frame_look(self.identity_pieces(), self.presence(index))
        if context.identity_pieces:
            same_look = frame_look(context.identity_pieces, context.presence) == look
        else:  # rendered before casts: one identity text, everyone present
            same_look = context.identity_prompt == self.render_identity() and len(look) == len(self.identity_pieces())
        return (
            same_look
            and own_prompt == frame.prompt
            and context.seed == self.frame_seed(index)
            and context.settings.model_dump(exclude=_NON_PIXEL_SETTINGS)
            == self.settings.model_dump(exclude=_NON_PIXEL_SETTINGS)
            and (model is None or context.model == model)
        )

    def current_render(self, index: int, model: str | None = None, usable: RenderCheck | None = None
                       ) -> FrameRender | None:
        """The newest render of frame `index` that matches it now (for `model` when given), or None.

        `usable` checks a render's picture (the session asks whether its file is on disk and readable); None:
        every recorded render counts.
        """
        for render in reversed(self.renders.get(self.frames[index].id, [])):
            if self.render_matches(index, render.context, model) and (usable is None or usable(render)):
                return render
        return None

    def latest_render(self, index: int) -> FrameRender | None:
        """The newest render of frame `index` whatever it was rendered from (shown while a new one is due)."""
        versions = self.renders.get(self.frames[index].id, [])
        return versions[-1] if versions else None

    def needs_render(self, index: int, model: str | None, usable: RenderCheck | None = None) -> bool:
        """Whether frame `index` has no (usable) image for its inputs as they are now."""
        return self.current_render(index, model, usable) is None

    def due_frames(self, model: str | None, named: Iterable[int] = (), usable: RenderCheck | None = None
                   ) -> list[int]:
        """The frames to render: no image for their inputs as they are now (for `model`; None = any model; only
        renders `usable` accepts count), and not locked unless `named` (a person asking for a frame by number
        overrides its lock).

        The one place that decides what re-renders: edits, revisions, settings and the render button use it."""
        named = set(named)
        return [i for i, frame in enumerate(self.frames)
                if (not frame.locked or i in named) and self.needs_render(i, model, usable)]

    def with_render(self, frame_id: str, render: FrameRender) -> Story:
        """A new Story with `render` appended to the frame's versions (not an undoable change)."""
        renders = {key: list(value) for key, value in self.renders.items()}
        renders.setdefault(frame_id, []).append(render)
        return self.model_copy(update={"renders": renders})

    # --- JSON --------------------------------------------------------------------------------------
    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str) -> Story:
        """Load a story file of any known schema version."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidStoryError(
                f"The story file is not valid JSON ({error.msg}, line {error.lineno})."
            ) from error
        except RecursionError:  # brackets nested thousands deep: no story looks like that
            raise InvalidStoryError("The story file is not a story: its JSON is nested far too deeply.") from None
        if not isinstance(data, dict):
            raise InvalidStoryError("The story file must hold a JSON object.")
        try:
            return cls.model_validate(migrate(data))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the story"
            raise InvalidStoryError(
                f"The story file is not valid ({error.error_count()} problem(s); first: {where}: {first['msg']}). "
                "Nothing was changed; fix the file or plan a new story."
            ) from None


def migrate(data: dict) -> dict:
    """Bring a story dict of an older schema to the current one.

    Version 0 is the reference 1Prompt1Story format (`id_prompt`, `frame_prompt_list`), which is how the
    benchmark files and generator manifests describe a story; it becomes a story with no renders.
    """
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise InvalidStoryError(f"The story file's schema_version must be a whole number like {SCHEMA_VERSION}, not "
                                f"{json.dumps(version)[:40]}. Nothing was changed; fix the file or plan a new story.")
    if version > SCHEMA_VERSION:
        raise InvalidStoryError(
            f"This story file was written by a newer Storyloom (schema {version}); update Storyloom to open it."
        )
    if version == 0:
        frames = data.get("frame_prompt_list") or data.get("frame_prompts") or []
        identity = data.get("id_prompt") or data.get("identity_prompt") or ""
        if not isinstance(frames, list) or not all(isinstance(p, str) for p in frames) or not isinstance(identity, str):
            raise InvalidStoryError("The story file's frame_prompt_list must be a list of texts and id_prompt a text.")
        data = {
            "schema_version": 1,
            "title": data.get("title", "Imported story"),
            "identity_prompt": identity,
            "style": "none",
            "frames": [{"prompt": prompt, "caption": prompt} for prompt in frames],
        }
    return data
