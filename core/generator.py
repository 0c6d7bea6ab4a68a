"""The `Generator` protocol: what renders a story's frames.

Two things implement it: the 1Prompt1Story engine (`generator.StoryGenerator`, on an SDXL pipeline) and the
storyboard cards drawn when no image model is configured (`export.cards.StoryboardGenerator`). The session
renders through this protocol only, so it works the same way with or without an image model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from core.cast import IdentityPiece
from core.settings import GenerationSettings

StepCallback = Callable[[list[int], int, int], None]  # (frames in the batch, step, total steps)
FrameCallback = Callable[[int, Any], None]  # (frame index, PIL image), as soon as the frame is decoded


@runtime_checkable
class Generator(Protocol):
    model_name: str  # recorded with every render, so a render from another model counts as stale
    label: str  # for the person: "storyboard cards", "sdxl-base (float16 on cuda)"
    last_notice: str  # what the last render had to change to finish (e.g. a lower memory mode), or ""

    def render(self, identity_prompt: str | Sequence[IdentityPiece], frame_prompts: Sequence[str],
               settings: GenerationSettings, frames: Sequence[int] | None = None, *,
               seeds: dict[int, int] | None = None, presence: Sequence[Sequence[str] | None] | None = None,
               on_step: StepCallback | None = None, on_frame: FrameCallback | None = None,
               cancel: threading.Event | None = None) -> dict[int, Any]:
        """Render `frames` (0-based; all when None); raises core.errors.RenderCancelled once `cancel` is set,
        keeping the finished frames in the error. Returns {frame index: PIL image}.

        `identity_prompt` is one text or a cast's shared prefix piece by piece (`Story.identity_pieces()`);
        `presence` gives, per frame, the ids of the characters in it (None = everyone, [] = nobody)."""
        ...
