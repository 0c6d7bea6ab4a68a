"""What every typed edit operation shares: the base class (with its help-text and LLM descriptions), the result
of applying one, and how frame numbers are written for the person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from core.story import Frame, Story


class Operation(BaseModel):
    """One operation. The class says, for the help text and the LLM's instructions, what it does (`means`),
    how a person might ask for it (`example`), and which fields hold frame numbers (`frame_fields`)."""

    # `kind` is required in the JSON schema (serialization mode), so a grammar-constrained model writes it first.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)
    means: ClassVar[str] = ""
    example: ClassVar[str] = ""
    frame_fields: ClassVar[tuple[str, ...]] = ()


@dataclass
class EditResult:
    """A new story, the frames whose content changed, the frames the operation names, and a 1-based summary.
    What re-renders is `story.due_frames(model, named)`."""

    story: Story
    changed: list[int]
    named: list[int]  # frames the operation names itself: they re-render even when locked
    summary: str


def copied_frames(story: Story) -> list[Frame]:
    return [frame.model_copy() for frame in story.frames]


def numbers(indices: list[int]) -> str:
    """0-based indices as the person reads them: "1, 2 and 4"."""
    words = [str(i + 1) for i in sorted(indices)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def frames_phrase(indices: list[int]) -> str:
    """ "frame 2", "frames 1, 2 and 4" """
    return f"frame{'s' if len(indices) > 1 else ''} {numbers(indices)}"
