"""What a session call answers (`Reply`) and what a render reports while it runs (`RenderEvent`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class Reply(BaseModel):
    """What the app shows after a call: markdown text, changed frames, frames to render, or a question."""

    text: str
    changed: list[int] = Field(default_factory=list)
    to_render: list[int] = Field(default_factory=list)
    question: str | None = None
    choices: list[str] = Field(default_factory=list,
                               description="answers to the question, or what a plan could still add, as messages")


class RenderEvent(BaseModel):
    """Progress of a render, for task lists and progress bars."""

    kind: Literal["queued", "frame_started", "step", "frame_done", "cancelled", "error"]
    frame: int | None = None
    step: int = 0
    total_steps: int = 0
    image_path: Path | None = None
    message: str = ""
