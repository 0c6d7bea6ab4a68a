"""How a story looks in the chat: frame messages and their buttons, the story buttons, the task list titles and
the messages' words. Pure functions from story state to Chainlit objects; no story logic, no session calls (the
settings panel is `chatapp.panel`, the story view `chatapp.storyview`).

Frame buttons carry the frame's stable id, not its index, so a button on an old message still acts on the
right frame after frames were added, removed or moved (and says so when its frame is gone).
"""

from __future__ import annotations

import logging
from pathlib import Path

import chainlit as cl

from core.errors import StoryError
from core.story import MAX_IDEA_CHARS

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = MAX_IDEA_CHARS  # an idea or a revision; longer pastes are refused with a clear message
# The message box keeps at most this many characters (public/storyloom.js): a pasted book would freeze the page
# while it draws the message, and the reply saying it is too long would never come.
BOX_MAX_CHARS = 40_000
TEST_IMAGE_NOTE = "_Test image: random weights, not a real image model._"
NO_STORY_YET = ("There is no story in this chat yet: open one from the history on the left, or describe an idea "
                "(who it is about, what happens).")

EXPORT_FORMATS = ("zip", "pdf", "gif", "page", "json")  # offered as downloads; the ZIP holds every format
EXPORT_TEXT = (
    "Your story, ready to download: the **ZIP** has everything (frames, strip, comic page, PDF, GIF, "
    "Markdown and the story JSON); the PDF, the GIF, the comic page and the JSON are here on their own too."
)

# Action names: app.py registers one callback per name.
REROLL, EDIT, CAPTION, LOCK = "reroll", "edit_frame", "edit_caption", "toggle_lock"
STORY, RENDER_ALL, UNDO, REDO, EXPORT = "show_story", "render_all", "undo", "redo", "export"
PLAN_THIS = "plan_this"  # a message that read as a revision in a chat without a story, planned as an idea after all
CHOOSE = "choose"  # an answer to the agent's question, sent as the person's next message


WELCOME = (
    "**Write a story idea** in your own words (who it is about, what happens), or pick one below.  \n"
    "I plan the frames, draw them one by one, and then change any of them when you ask: "
    "*make frame 2 at night*, *add a scene where she finds the key*."
)


def welcome_text(notices: list[str]) -> str:
    """The first screen's two lines, and what the person must know about the models (in smaller type)."""
    return WELCOME + "".join(f"\n\n_{notice}_" for notice in notices)


def failure_text(error: Exception) -> str:
    """What a person reads when something failed: a story error's own words, else what happened and that
    the story is safe (it is saved before every change is shown)."""
    if isinstance(error, StoryError):
        return str(error)
    log.exception("unexpected failure", exc_info=error)
    return (f"That did not work ({type(error).__name__}: {str(error)[:200]}). Your story is saved as it was "
            "before this step; try again, or undo.")


def check_message(text: str, attachments: int) -> str | None:
    """Why a chat message cannot be used as an idea or a revision, or None when it can."""
    stripped = text.strip()
    if attachments and not stripped:
        return (
            "I can't read attached files. Paste your idea or your change as text in the message box, "
            f"up to {MAX_MESSAGE_CHARS:,} characters."
        )
    if not stripped:
        return "The message is empty. Describe a story idea, or a change such as “make frame 2 at night”."
    if len(stripped) > MAX_MESSAGE_CHARS:
        size = (f"over {BOX_MAX_CHARS:,} characters long (the message box stops there)" if len(text) >= BOX_MAX_CHARS
                else f"{len(stripped):,} characters long")
        return (
            f"That message is {size}; I take at most {MAX_MESSAGE_CHARS:,}. "
            "Send a short idea (a sentence or two about the character and what happens) or one change at a time."
        )
    return None


def export_text(without_picture: list[int], test_images: list[int] = ()) -> str:
    """The export's message, saying which frames are storyboard cards because they have no picture, and which
    pictures come from the random-weight test model (labelled as such in every file)."""
    text = EXPORT_TEXT
    if test_images:
        text += (f"\n\n_The pictures of {frames_phrase(list(test_images))} come from the built-in test model: random "
                 "weights, not a real image model. Every file says so on them._")
    if not without_picture:
        return text
    one = len(without_picture) == 1
    cards, place, them = ("a storyboard card", "its", "it") if one else ("storyboard cards", "their", "them")
    return (f"{text}\n\n_{frames_phrase(without_picture).capitalize()} {'has' if one else 'have'} no picture "
            f"(not drawn yet, or missing), so the export shows {cards} in {place} place; press **Render all** first to "
            f"draw {them}._")


def frame_label(index: int, caption: str, locked: bool, test_image: bool = False) -> str:
    """Markdown heading of one frame (1-based, as every user-facing text)."""
    lock = " 🔒" if locked else ""
    text = f" — {caption}" if caption else ""
    return f"**Frame {index + 1}**{lock}{text}" + (f"  \n{TEST_IMAGE_NOTE}" if test_image else "")


def story_action() -> cl.Action:
    return cl.Action(name=STORY, payload={}, label="Story", icon="book-open",
                     tooltip="The whole story as it is now: every frame, its caption and lock")


def frame_actions(frame_id: str, locked: bool) -> list[cl.Action]:
    payload = {"frame_id": frame_id}
    return [
        cl.Action(name=REROLL, payload=payload, label="Re-roll", icon="dice-5", tooltip="New seed for this frame"),
        cl.Action(name=EDIT, payload=payload, label="Edit", icon="pencil",
                  tooltip="Change this frame's text, or (starting with caption:) the words under it"),
        lock_action(frame_id, locked),
        story_action(),
    ]


def lock_action(frame_id: str, locked: bool) -> cl.Action:
    """The button that flips a frame's lock: "Unlock" on a locked frame, "Lock" otherwise."""
    return cl.Action(
        name=LOCK,
        payload={"frame_id": frame_id, "locked": not locked},
        label="Unlock" if locked else "Lock",
        icon="lock-open" if locked else "lock",
        tooltip="Locked frames are never re-rendered unless you ask for them",
    )


def choice_actions(choices: list[str]) -> list[cl.Action]:
    """One button per answer to a question ("change frame 5 to winter"), or per beat a plan could still add."""
    return [cl.Action(name=CHOOSE, payload={"message": choice}, label=choice, tooltip="Send this")
            for choice in choices]


def story_actions() -> list[cl.Action]:
    return [
        story_action(),
        cl.Action(
            name=RENDER_ALL, payload={}, label="Render all", icon="play", tooltip="Render every frame that needs it"
        ),
        cl.Action(name=UNDO, payload={}, label="Undo", icon="undo-2", tooltip="Undo the last change"),
        cl.Action(name=REDO, payload={}, label="Redo", icon="redo-2", tooltip="Redo the change you undid"),
        cl.Action(name=EXPORT, payload={}, label="Export", icon="download", tooltip="ZIP, PDF, GIF, comic page, JSON"),
    ]


def frame_image(path: Path, index: int) -> cl.Image:
    return cl.Image(path=str(path), name=f"frame-{index + 1}.png", display="inline", size="medium")


def task_title(index: int, prompt: str, detail: str = "") -> str:
    short = prompt if len(prompt) <= 48 else prompt[:47] + "…"
    return f"Frame {index + 1}: {short}" + (f" ({detail})" if detail else "")


def frames_phrase(indices: list[int]) -> str:
    """'frame 2' / 'frames 1, 3 and 4' (1-based)."""
    numbers = [str(i + 1) for i in indices]
    if not numbers:
        return "no frame"
    if len(numbers) == 1:
        return f"frame {numbers[0]}"
    return f"frames {', '.join(numbers[:-1])} and {numbers[-1]}"
