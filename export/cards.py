"""Storyboard cards: what a frame looks like when no image model is configured.

Each card is clearly labelled (the frame's text, who is in the frame when the story has a cast, and
"storyboard — no image model configured"), so the whole flow (plan, revise, export) works on any laptop and the
story can be rendered later with a real model from its JSON.
"""

from __future__ import annotations

import textwrap
import zlib

from PIL import Image, ImageDraw, ImageFont

from core.cast import label_of
from core.story import STORYBOARD_MODEL, Story

CARD_LABEL = "storyboard - no image model configured"  # ASCII: the fallback font has no dashes
CARD_SIZE = (512, 512)
_PALETTE = [(238, 228, 210), (214, 230, 238), (226, 238, 214), (240, 220, 226), (230, 224, 244), (244, 236, 206)]


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def who_is_in(story: Story) -> dict[int, str]:
    """Per frame, who is in it ("With: the girl, the dog", "Nobody: a scene"), for a story with a cast of two or
    more, or with a frame that shows nobody; empty for a story of one character present everywhere."""
    if len(story.cast) == 1 and all(frame.cast is None or frame.cast for frame in story.frames):
        return {}
    names = {member.id: label_of(member) for member in story.cast}
    who = {}
    for index in range(len(story.frames)):
        present = [names[i] for i in story.presence(index)]
        who[index] = f"With: {', '.join(present)}" if present else "Nobody: a scene"
    return who


def storyboard_card(prompt: str, size: tuple[int, int] = CARD_SIZE, who: str = "") -> Image.Image:
    """A labelled card showing a frame's text (and who is in it, for a cast).

    No frame number and no caption: a card is saved like a picture and reused while its text and its characters
    stay the same, so a number would go stale after a move and a caption after a caption change. The story view,
    the chat and every export show the frame's current number and caption beside it.

    Args:
        prompt: the frame's prompt (drawn wrapped in the middle; it also picks the card's colour).
        size: (width, height) in pixels.
        who: "With: the girl, the dog" (`who_is_in`); drawn above the text when given.
    """
    width, height = size
    colour = _PALETTE[zlib.crc32(prompt.encode("utf-8")) % len(_PALETTE)]
    card = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(card)
    margin = max(8, width // 24)
    draw.rectangle([margin // 2, margin // 2, width - margin // 2, height - margin // 2], outline=(60, 60, 60), width=3)
    body_font, small_font = _font(max(10, width // 22)), _font(max(8, width // 34))
    chars_per_line = max(12, int((width - 2 * margin) / max(5, width // 40)))
    y = margin + height // 7  # the top is left free for the number every export draws there (export.marks)
    if who and all(ord(ch) < 0x2000 for ch in who):
        draw.text((margin, y), textwrap.shorten(who, chars_per_line), fill=(30, 70, 120), font=body_font)
        y += int(width / 14)
    for line in textwrap.wrap(prompt, chars_per_line)[:12]:
        draw.text((margin, y), line, fill=(40, 40, 40), font=body_font)
        y += int(width / 18)
    draw.text((margin, height - margin - width // 24), CARD_LABEL, fill=(120, 30, 30), font=small_font)
    return card


class StoryboardGenerator:
    """A `core.generator.Generator` that draws cards (the frame's text) instead of pictures."""

    model_name = STORYBOARD_MODEL
    label = "storyboard cards"
    last_notice = ""

    def __init__(self, size: tuple[int, int] = CARD_SIZE, who: dict[int, str] | None = None):
        self.size = size
        self.who: dict[int, str] = dict(who or {})  # frame -> who is in it (`who_is_in`)

    def render(self, identity_prompt, frame_prompts, settings, frames=None, *, seeds=None, presence=None,
               on_step=None, on_frame=None, cancel=None):
        from core.errors import RenderCancelled

        done = {}
        for index in (range(len(frame_prompts)) if frames is None else frames):
            if cancel is not None and cancel.is_set():
                raise RenderCancelled(finished=done)
            done[index] = storyboard_card(frame_prompts[index], self.size, self.who.get(index, ""))
            if on_step:
                on_step([index], 1, 1)
            if on_frame:
                on_frame(index, done[index])
        return done
