"""Captions that stay true after a change.

A caption is what the reader sees under a picture (the chat, the story view, the PDF, the comic page, the
Markdown). After every change, each caption whose frame text changed, or every caption when the main character
changed (its looks, or how captions name it: "the girl" → "the boy"), is written again from the frame's text by the
language room's one caption builder (`language.captions`), unless

* the person wrote it (`Frame.caption_by_person`, set by "caption 3: ..." or the Caption button), or
* the change itself brought a new caption (a new frame's, or the one an edit built for its new text), or
* it is Chinese (the caption builder writes English; a Chinese caption is kept rather than replaced by English).

Undo and redo restore whole versions of the story, captions included, so they are never re-derived.
"""

from __future__ import annotations

import logging
import re

from core.story import Frame, Story

log = logging.getLogger(__name__)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _named(story: Story) -> str:
    """How captions name the main character ("Mia", "the girl"): captions are written again when it or the main
    character's looks change, not when another member of the cast does ("Bo chases a ball" stays)."""
    from language.captions import subject_of

    return subject_of(story)


def _stale(frame: Frame, before: Frame | None, character_changed: bool) -> bool:
    """Whether `frame`'s caption must be written again (`before`: the same frame before the change)."""
    if frame.caption_by_person or CJK.search(frame.caption):
        return False
    if before is None:  # a new frame: keep the caption it came with
        return not frame.caption
    if frame.caption != before.caption:  # the change wrote this caption itself
        return False
    return _action(frame.prompt) != _action(before.prompt) or character_changed


def _action(prompt: str) -> str:
    """The part of a frame text a caption tells: up to its first comma (what follows is the look or the scene:
    ", the white dog wearing a red collar", ", at night")."""
    return prompt.split(",")[0].strip()


def true_captions(before: Story, after: Story) -> Story:
    """`after` with the captions it made stale written again from their frames' texts (no extra undo step: the
    captions belong to the change that made them stale)."""
    character_changed = before.identity_prompt != after.identity_prompt or _named(before) != _named(after)
    old = {frame.id: frame for frame in before.frames}
    stale = [i for i, frame in enumerate(after.frames) if _stale(frame, old.get(frame.id), character_changed)]
    if not stale:
        return after
    from language.captions import caption_for

    frames = list(after.frames)
    for index in stale:
        try:
            caption = caption_for(frames[index].prompt, after)
        except Exception:  # a caption is never worth failing a change for: the frame text reads as one
            log.exception("no caption for %r", frames[index].prompt)
            caption = ""
        frames[index] = frames[index].model_copy(update={"caption": caption or frames[index].prompt})
    return after.model_copy(update={"frames": frames})
