"""What the planner asks the language model: the prompt, the JSON schema and the token budget.

Two shapes of request:

* full (models of a few GB): system rules + the idea + suggested beats; the model writes title, character,
  identity, and a prompt and a caption per frame.
* compact (small models, e.g. the embedded SmolLM2-135M): one short user message and a smaller schema (title,
  identity, one short string per frame; captions come from the idea). A 135M model cannot follow the long rules
  anyway, and on a shared 2-core CPU every prompt token and generated token costs wall time: the compact request
  is about 170 prompt tokens and at most 60 + 30 per frame generated tokens, against about 420 and 120 + 80 per
  frame, with no retry.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, create_model

from core.story import MAX_FRAMES
from language.events import IdeaAnalysis
from language.prompt_repair import similarity
from llm.chat import ChatModel, LLMError
from llm.prompts import render_prompt

log = logging.getLogger(__name__)

LLM_IDEA_CHARS = 800  # the LLM sees at most this much of the idea (the beats cover all of it)
COMPACT_IDEA_CHARS = 400
COMPACT_MODEL_BYTES = 1_500_000_000  # GGUF files smaller than this (about 1.7B parameters at 4 bits) get compact


class PlannedFrame(BaseModel):
    """One frame as the LLM writes it. Lengths bound the grammar, so a looping small model still stops."""

    prompt: str = Field(max_length=140)
    caption: str = Field(max_length=120)


class PlanDraft(BaseModel):
    """The JSON the LLM is asked for (every field required, so the grammar cannot skip one)."""

    title: str = Field(max_length=60)
    character: str = Field(max_length=24)
    identity_prompt: str = Field(max_length=160)
    frames: list[PlannedFrame] = Field(min_length=1, max_length=MAX_FRAMES)


class CompactDraft(BaseModel):
    """The smaller JSON asked of small models: short strings, no captions, no character field."""

    title: str = Field(max_length=40)
    identity_prompt: str = Field(max_length=100)
    frames: list[Annotated[str, Field(max_length=80)]] = Field(min_length=1, max_length=MAX_FRAMES)


def draft_model(count: int, compact: bool = False) -> type[BaseModel]:
    """The draft model whose schema demands exactly `count` frames (the grammar then enforces the count)."""
    if compact:
        return create_model(f"CompactDraft{count}", __base__=CompactDraft,
                            frames=(list[Annotated[str, Field(max_length=80)]],
                                    Field(min_length=count, max_length=count)))
    return create_model(
        f"PlanDraft{count}", __base__=PlanDraft,
        frames=(list[PlannedFrame], Field(min_length=count, max_length=count)),
    )


def wants_compact_request(llm: ChatModel) -> bool:
    """Compact for small GGUF files; a model may say so itself with a `compact_prompts` attribute."""
    explicit = getattr(llm, "compact_prompts", None)
    if explicit is not None:
        return bool(explicit)
    path = getattr(llm, "path", None)
    try:
        return path is not None and Path(path).stat().st_size < COMPACT_MODEL_BYTES
    except OSError:
        return False


def plan_messages(idea: str, count: int, analysis: IdeaAnalysis, compact: bool) -> list[dict[str, str]]:
    beats = "\n".join(f"- {beat}" for beat in analysis.beats)
    if compact:  # the English rendering: a small model reads "penguin, balloon" better than the emoji
        text = analysis.english
        return [{"role": "user", "content": render_prompt(
            "plan_compact", idea=text[:COMPACT_IDEA_CHARS], character=analysis.character, frame_count=count,
            beats=beats)}]
    return [
        {"role": "system", "content": render_prompt("plan_system")},
        {"role": "user", "content": render_prompt("plan_user", idea=idea[:LLM_IDEA_CHARS], frame_count=count,
                                                  beats=beats)},
    ]


def ask_for_plan(llm: ChatModel, idea: str, count: int, analysis: IdeaAnalysis) -> tuple[PlanDraft | None, int, str]:
    """(draft or None, attempts, error): the model's plan as a PlanDraft, whichever request shape was used."""
    compact = wants_compact_request(llm)
    messages = plan_messages(idea, count, analysis, compact)
    try:
        if compact:  # no retry: a small model that broke the JSON once rarely fixes it, and the beats are there
            result = llm.complete_json(messages, draft_model(count, compact=True), retries=0,
                                       max_tokens=60 + 30 * count)
        else:
            result = llm.complete_json(messages, draft_model(count), retries=1, max_tokens=120 + 80 * count)
    except LLMError as error:
        log.info("planning without the LLM: %s", error)
        return None, 1 if compact else 2, str(error)
    value = result.value
    if compact:
        value = PlanDraft(title=value.title, character=analysis.character, identity_prompt=value.identity_prompt,
                          frames=[PlannedFrame(prompt=p, caption="") for p in value.frames])
    return value, result.attempts, ""


def rephrase_problem(frame: str, beats: list[str], index: int, earlier: list[str] = ()) -> str | None:
    """Why a small model's frame is not a rephrasing of beat `index`, or None.

    Only for compact requests: a large model may restructure the story, while a small one that writes an
    unrelated scene ("feeling the warmth of the night sky" for "finding a bird in a deep forest") loses an
    event of the idea, and one that copies the list out of order repeats a later frame.
    """
    own = similarity(frame, beats[index])
    if own == 0:
        return "drops the idea's event"
    if any(similarity(frame, beat) > max(0.6, own) for beat in beats):
        return "another frame's beat"
    if any(similarity(frame, done) >= 0.5 for done in earlier):  # "lost the scarf" after "losing the scarf"
        return "near duplicate"
    return None
