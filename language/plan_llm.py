"""What the planner asks a language model, and the checks its answer must pass before any of it is used.

A capable model (a few GB) is asked for the whole plan with the idea's own events as suggested beats; the
embedded 135M model only when the person opts in (`STORY_SMALL_LLM=1`), with a compact prompt. Every field is
checked against the idea's reading; a field that fails is taken from the reading.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated

from pydantic import BaseModel, Field, create_model

from core.story import MAX_FRAMES
from llm.chat import ChatModel, LLMError, is_small
from llm.prompts import render_prompt

log = logging.getLogger(__name__)
LLM_IDEA_CHARS = 800
PRONOUNS = re.compile(r"\b(?:he|she|it|they|him|her|his|its|their|them|you|your)\b", re.I)


class PlannedFrame(BaseModel):
    prompt: str = Field(max_length=140)
    caption: str = Field(max_length=120)


class PlanDraft(BaseModel):
    """The JSON the model is asked for (every field required, so the grammar cannot skip one)."""

    title: str = Field(max_length=60)
    character: str = Field(max_length=24)
    identity_prompt: str = Field(max_length=160)
    frames: list[PlannedFrame] = Field(min_length=1, max_length=MAX_FRAMES)


class CompactDraft(BaseModel):
    title: str = Field(max_length=40)
    identity_prompt: str = Field(max_length=100)
    frames: list[Annotated[str, Field(max_length=80)]] = Field(min_length=1, max_length=MAX_FRAMES)


def ask_for_plan(llm: ChatModel, idea: str, character: str, beats: list[str]) -> tuple[PlanDraft | None, str]:
    """(the model's draft, or None and why) for exactly `len(beats)` frames."""
    count, compact = len(beats), is_small(llm)
    listed = "\n".join(f"- {beat}" for beat in beats)
    if compact:
        messages = [{"role": "user", "content": render_prompt("plan_compact", idea=idea[:400], character=character,
                                                              frame_count=count, beats=listed)}]
        model = create_model(f"Compact{count}", __base__=CompactDraft, frames=(
            list[Annotated[str, Field(max_length=80)]], Field(min_length=count, max_length=count)))
    else:
        messages = [{"role": "system", "content": render_prompt("plan_system")},
                    {"role": "user", "content": render_prompt("plan_user", idea=idea[:LLM_IDEA_CHARS],
                                                              frame_count=count, beats=listed)}]
        model = create_model(f"Plan{count}", __base__=PlanDraft, frames=(
            list[PlannedFrame], Field(min_length=count, max_length=count)))
    try:
        value = llm.complete_json(messages, model, retries=0 if compact else 1,
                                  max_tokens=(60 + 30 * count) if compact else (120 + 80 * count)).value
    except LLMError as error:
        log.info("planning without the LLM: %s", error)
        return None, str(error)
    if compact:
        value = PlanDraft(title=value.title, character=character, identity_prompt=value.identity_prompt,
                          frames=[PlannedFrame(prompt=p, caption="") for p in value.frames])
    return value, ""


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


def frame_problem(text: str, beat: str, idea: str, earlier: list[str]) -> str | None:
    """Why a model's frame cannot be used, or None: it must be English, without pronouns, about this idea's
    moment (a word of the beat or the idea), and new."""
    if len(text.split()) < 3 or re.search(r"[^\x00-\x7f]", text):
        return "too short or not English"
    if PRONOUNS.search(text):
        return "a pronoun"
    if not words(text) & (words(beat) | words(idea)):
        return "not about the idea"
    if any(len(words(text) & words(e)) > 0.7 * max(len(words(text)), 1) for e in earlier):
        return "a repeat"
    return None
