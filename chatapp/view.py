"""How a story looks in the chat: frame messages and their buttons, the story buttons, the task list titles and
the settings panel. Pure functions from story state to Chainlit objects; no story logic, no session calls.

Frame buttons carry the frame's stable id, not its index, so a button on an old message still acts on the
right frame after frames were added, removed or moved (and says so when its frame is gone).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import chainlit as cl
from chainlit.input_widget import InputWidget, Select, Slider, TextInput

from core.errors import StoryError
from core.settings import IPCA_MODES, SVR_MODES, GenerationSettings
from core.story import MAX_IDEA_CHARS
from core.styles import DEFAULT_STYLE, STYLE_PRESETS

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = MAX_IDEA_CHARS  # an idea or a revision; longer pastes are refused with a clear message
# The message box keeps at most this many characters (public/storyloom.js): a pasted book would freeze the page
# while it draws the message, and the reply saying it is too long would never come.
BOX_MAX_CHARS = 40_000
DEFAULT_FRAMES = 4
SIZE_DEFAULT = "model default"
SIZE_CHOICES = [SIZE_DEFAULT, "512x512", "768x768", "1024x1024", "832x1216", "1216x832"]

EXPORT_FORMATS = ("zip", "pdf", "gif", "page", "json")  # offered as downloads; the ZIP holds every format
EXPORT_TEXT = (
    "Your story, ready to download: the **ZIP** has everything (frames, strip, comic page, PDF, GIF, "
    "Markdown and the story JSON); the PDF, the GIF, the comic page and the JSON are here on their own too."
)

# Action names: app.py registers one callback per name.
REROLL, EDIT, LOCK = "reroll", "edit_frame", "toggle_lock"
RENDER_ALL, UNDO, REDO, EXPORT = "render_all", "undo", "redo", "export"
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


def export_text(without_picture: list[int]) -> str:
    """The export's message, saying which frames are storyboard cards because they have no picture."""
    if not without_picture:
        return EXPORT_TEXT
    one = len(without_picture) == 1
    cards, place, them = ("a storyboard card", "its", "it") if one else ("storyboard cards", "their", "them")
    return (f"{EXPORT_TEXT}\n\n_{frames_phrase(without_picture).capitalize()} {'has' if one else 'have'} no picture "
            f"(not drawn yet, or missing), so the export shows {cards} in {place} place; press **Render all** first to "
            f"draw {them}._")


def frame_label(index: int, caption: str, locked: bool) -> str:
    """Markdown heading of one frame (1-based, as every user-facing text)."""
    lock = " 🔒" if locked else ""
    text = f" — {caption}" if caption else ""
    return f"**Frame {index + 1}**{lock}{text}"


def frame_actions(frame_id: str, locked: bool) -> list[cl.Action]:
    payload = {"frame_id": frame_id}
    return [
        cl.Action(name=REROLL, payload=payload, label="Re-roll", icon="dice-5", tooltip="New seed for this frame"),
        cl.Action(name=EDIT, payload=payload, label="Edit", icon="pencil", tooltip="Change this frame's text"),
        lock_action(frame_id, locked),
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
    """One button per answer to a question ("change frame 5 to winter")."""
    return [cl.Action(name=CHOOSE, payload={"message": choice}, label=choice, tooltip="Send this")
            for choice in choices]


def story_actions() -> list[cl.Action]:
    return [
        cl.Action(
            name=RENDER_ALL, payload={}, label="Render all", icon="play", tooltip="Render every frame that needs it"
        ),
        cl.Action(name=UNDO, payload={}, label="Undo", icon="undo-2", tooltip="Undo the last change"),
        cl.Action(name=REDO, payload={}, label="Redo", icon="redo-2", tooltip="Redo the change you undid"),
        cl.Action(name=EXPORT, payload={}, label="Export", icon="download", tooltip="ZIP, PDF, GIF, comic page, JSON"),
    ]


def frame_image(path: Path, index: int) -> cl.Image:
    return cl.Image(path=str(path), name=f"frame-{index + 1}.png", display="inline", size="medium")


def strip_image(path: Path) -> cl.Image:
    return cl.Image(path=str(path), name="story-strip.png", display="side", size="large")


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


# --- settings panel ---------------------------------------------------------------------------------


def settings_values(style: str, frames: int, settings: GenerationSettings) -> dict[str, Any]:
    """Widget values showing a story's current settings."""
    size = f"{settings.width}x{settings.height}" if settings.width and settings.height else SIZE_DEFAULT
    return {
        "style": style if style in STYLE_PRESETS else DEFAULT_STYLE,
        "frames": frames,
        "seed": str(settings.seed),
        "steps": settings.steps,
        "guidance": settings.guidance or 0,
        "size": size if size in SIZE_CHOICES else SIZE_DEFAULT,
        "window_length": settings.window_length,
        "svr": settings.svr,
        "ipca": settings.ipca,
        "negative_prompt": settings.negative_prompt,
    }


def settings_widgets(values: dict[str, Any]) -> list[InputWidget]:
    """The chat settings panel, initialised with ``values`` (see ``settings_values``)."""
    styles = list(STYLE_PRESETS)
    return [
        Select(id="style", label="Style preset", values=styles, initial_value=values["style"]),
        Slider(id="frames", label="Number of frames", initial=values["frames"], min=1, max=12, step=1),
        TextInput(id="seed", label="Seed", initial=values["seed"], description="Same seed, same pictures"),
        Slider(id="steps", label="Steps", initial=values["steps"], min=1, max=100, step=1),
        Slider(
            id="guidance", label="Guidance (0 = model default)", initial=values["guidance"], min=0, max=15, step=0.5
        ),
        Select(id="size", label="Image size", values=SIZE_CHOICES, initial_value=values["size"]),
        Slider(
            id="window_length",
            label="Window length (frames per consolidated prompt)",
            initial=values["window_length"],
            min=1,
            max=12,
            step=1,
        ),
        Select(id="svr", label="SVR mode", values=list(SVR_MODES), initial_value=values["svr"]),
        Select(id="ipca", label="IPCA mode", values=list(IPCA_MODES), initial_value=values["ipca"]),
        TextInput(id="negative_prompt", label="Negative prompt", initial=values["negative_prompt"], multiline=True),
    ]


def _whole(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str) or float(value) != int(float(value)):
        raise ValueError
    return int(float(value))


def _size(value) -> tuple[int | None, int | None]:
    if value not in SIZE_CHOICES:
        raise ValueError
    return (None, None) if value == SIZE_DEFAULT else tuple(int(v) for v in value.split("x"))


def _one_of(choices):
    def check(value):
        if value not in choices:
            raise ValueError
        return value

    return check


def _text(value) -> str:
    if not isinstance(value, str):
        raise ValueError
    return value


def _guidance(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError
    return float(value) if float(value) > 0 else None


# Each widget: how its value becomes the session's, and what to say when it cannot (a value the panel would never
# send can still arrive through the socket).
_SETTINGS = {
    "seed": (lambda value: int(str(value).strip()), "The seed must be a whole number, not “{value}”."),
    "guidance": (_guidance, "Guidance must be a number from 0 to 15 (0 = the model's default), not “{value}”."),
    "size": (_size, "The image size must be one of " + ", ".join(SIZE_CHOICES) + "."),
    "frames": (_whole, "The number of frames must be a whole number from 1 to 12, not “{value}”."),
    "steps": (_whole, "Steps must be a whole number from 1 to 100, not “{value}”."),
    "window_length": (_whole, "The window length must be a whole number from 1 to 12, not “{value}”."),
    "style": (_one_of(STYLE_PRESETS), "The style must be one of " + ", ".join(STYLE_PRESETS) + "."),
    "svr": (_one_of(SVR_MODES), "The SVR mode must be one of " + ", ".join(SVR_MODES) + "."),
    "ipca": (_one_of(IPCA_MODES), "The IPCA mode must be one of " + ", ".join(IPCA_MODES) + "."),
    "negative_prompt": (_text, "The negative prompt must be text."),
}


def settings_changes(new: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The ``StorySession.update_settings`` keyword arguments for the widgets whose value changed.

    Raises ValueError with one friendly sentence for a value that cannot be used (a seed that is not a number, a
    size the panel does not offer, a number sent as null).
    """
    # The browser sends null for an emptied text box.
    new = {key: ("" if value is None and isinstance(current.get(key), str) else value) for key, value in new.items()}
    changed = {key: value for key, value in new.items() if key in current and value != current[key]}
    changes: dict[str, Any] = {}
    for key, value in changed.items():
        convert, problem = _SETTINGS[key]
        try:
            converted = convert(value)
        except (TypeError, ValueError, AttributeError, OverflowError):
            raise ValueError(problem.format(value=str(value)[:40])) from None
        if key == "size":
            changes["width"], changes["height"] = converted
        else:
            changes[key] = converted
    return changes


def current_settings(session) -> dict[str, Any]:
    """The panel's values for a chat: its story's settings, or a new story's defaults before the first idea."""
    if session is None or not session.story.frames:
        from core.story import Story

        fresh = Story()  # what a new story starts with (the agent's defaults, e.g. its negative prompt)
        return settings_values(fresh.style, DEFAULT_FRAMES, fresh.settings)
    story = session.story
    return settings_values(story.style, len(story.frames), story.settings)
