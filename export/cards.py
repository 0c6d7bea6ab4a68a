"""Storyboard cards: what a frame looks like when no image model is configured.

Each card is clearly labelled (frame number, the prompt, who is in the frame when the story has a cast, and
"storyboard — no image model configured"), so the whole flow (plan, revise, export) works on any laptop and the
story can be rendered later with a real model from its JSON.
"""

from __future__ import annotations

import textwrap

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


def storyboard_card(index: int, prompt: str, caption: str = "", size: tuple[int, int] = CARD_SIZE,
                    who: str = "") -> Image.Image:
    """A labelled card for frame `index` (0-based; drawn 1-based).

    Args:
        index: frame index in the story.
        prompt: the frame's prompt (drawn wrapped in the middle).
        caption: the reader's caption (drawn under the prompt when given).
        size: (width, height) in pixels.
        who: who is in the frame (`who_is_in`), drawn under the frame number when given.
    """
    width, height = size
    card = Image.new("RGB", size, _PALETTE[index % len(_PALETTE)])
    draw = ImageDraw.Draw(card)
    margin = max(8, width // 24)
    draw.rectangle([margin // 2, margin // 2, width - margin // 2, height - margin // 2], outline=(60, 60, 60), width=3)
    title_font, body_font = _font(max(12, width // 12)), _font(max(10, width // 26))
    small_font = _font(max(8, width // 34))
    draw.text((margin, margin), f"Frame {index + 1}", fill=(30, 30, 30), font=title_font)
    chars_per_line = max(12, int((width - 2 * margin) / max(5, width // 48)))
    y = margin + width // 8
    if who and all(ord(ch) < 0x2000 for ch in who):
        draw.text((margin, y), textwrap.shorten(who, chars_per_line), fill=(30, 70, 120), font=body_font)
        y += int(width / 16)
    for line in textwrap.wrap(prompt, chars_per_line)[:10]:
        draw.text((margin, y), line, fill=(40, 40, 40), font=body_font)
        y += int(width / 22)
    if caption and caption != prompt and all(ord(ch) < 0x2000 for ch in caption):  # the font is Latin-only
        y += width // 40
        for line in textwrap.wrap(caption, chars_per_line)[:4]:
            draw.text((margin, y), line, fill=(90, 90, 90), font=body_font)
            y += int(width / 22)
    draw.text((margin, height - margin - width // 24), CARD_LABEL, fill=(120, 30, 30), font=small_font)
    return card


class StoryboardGenerator:
    """A `core.generator.Generator` that draws cards (the frame's prompt and caption) instead of pictures."""

    model_name = STORYBOARD_MODEL
    label = "storyboard cards"
    last_notice = ""

    def __init__(self, size: tuple[int, int] = CARD_SIZE, captions: dict[int, str] | None = None,
                 who: dict[int, str] | None = None):
        self.size = size
        self.captions: dict[int, str] = dict(captions or {})
        self.who: dict[int, str] = dict(who or {})  # frame -> who is in it (`who_is_in`)

    def render(self, identity_prompt, frame_prompts, settings, frames=None, *, seeds=None, presence=None,
               on_step=None, on_frame=None, cancel=None):
        from core.errors import RenderCancelled

        done = {}
        for index in (range(len(frame_prompts)) if frames is None else frames):
            if cancel is not None and cancel.is_set():
                raise RenderCancelled(finished=done)
            done[index] = storyboard_card(index, frame_prompts[index], self.captions.get(index, ""), self.size,
                                          self.who.get(index, ""))
            if on_step:
                on_step([index], 1, 1)
            if on_frame:
                on_frame(index, done[index])
        return done
