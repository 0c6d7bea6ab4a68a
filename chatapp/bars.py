"""The buttons under messages, kept few: only the newest reply carries the story buttons (Story, Render all, Undo,
Redo, Export), and only the newest picture of each frame its frame buttons. Older ones are folded away as newer
ones arrive (a button that is still shown always acts on the right frame: it carries the frame's id).

`state` is the chat's ChatState: `story_bar` (the newest reply's buttons) and `frame_bars` (frame id -> the
buttons under that frame's newest picture).
"""

from __future__ import annotations

import logging

import chainlit as cl

from chatapp import view

log = logging.getLogger(__name__)


async def _fold(actions: list[cl.Action]) -> None:
    for action in actions:
        try:
            await action.remove()
        except Exception:  # the message may be gone (another tab, a reopened chat): nothing to fold
            log.debug("could not fold action %s", action.name, exc_info=True)


async def send_reply(state, content: str, actions: list[cl.Action] | None = None, **message) -> cl.Message:
    """Send a reply with the story buttons (or `actions`), folding the previous reply's story buttons away."""
    actions = view.story_actions() if actions is None else actions
    if any(action.name == view.STORY for action in actions):
        await _fold(state.story_bar)
        state.story_bar = actions
    return await cl.Message(content=content, actions=actions, **message).send()


async def send_frame(state, story, index: int, image_path, test_image: bool = False) -> None:
    """One frame as a chat message: heading, picture and its buttons (the frame's older buttons fold away)."""
    frame = story.frames[index]
    actions = view.frame_actions(frame.id, frame.locked)
    await _fold(state.frame_bars.get(frame.id, []))
    state.frame_bars[frame.id] = actions
    await cl.Message(
        content=view.frame_label(index, frame.caption, frame.locked, test_image),
        elements=[view.frame_image(image_path, index)],
        actions=actions,
    ).send()
