"""What a rendered picture depended on (`RenderContext`) and one rendered version of a frame (`FrameRender`).

Renders are not story content: each frame keeps an append-only list of them, and `Story.render_matches` decides
which one still shows the frame as it is now.
"""

from __future__ import annotations

from datetime import datetime, timezone

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.cast import Character, IdentityPiece
from core.settings import GenerationSettings


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class RenderContext(BaseModel):
    """Everything one rendered image depended on: enough to reproduce it exactly."""

    model_config = ConfigDict(extra="forbid")

    identity_prompt: str  # as sent to the generator, style phrase included (the whole cast's prefix)
    frame_prompts: list[str]  # the whole story at render time: 1Prompt1Story consolidates all frames
    identity_pieces: list[IdentityPiece] = Field(default_factory=list)  # the prefix by piece; [] = before casts
    presence: list[str] | None = None  # the frame's characters (None = everyone)
    cast: list[Character] = Field(default_factory=list)  # the cast at render time, names included
    frame_index: int
    seed: int
    settings: GenerationSettings
    model: str


class FrameRender(BaseModel):
    """One rendered version of a frame."""

    model_config = ConfigDict(extra="forbid")

    image: str = Field(description="path relative to the story folder")
    context: RenderContext
    created_at: str = Field(default_factory=utc_now)

    @field_validator("image")
    @classmethod
    def _inside_the_story_folder(cls, image: str) -> str:
        """A story file may name only images inside its own folder: never an absolute path or a way out."""
        from pathlib import PurePosixPath, PureWindowsPath

        posix, windows = PurePosixPath(image), PureWindowsPath(image)
        if posix.is_absolute() or windows.is_absolute() or windows.drive or ".." in posix.parts \
                or ".." in windows.parts or not image.strip():
            raise ValueError(f"image {image!r} is not a path inside the story folder")
        return image
