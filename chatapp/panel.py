"""The settings panel: what a person sets first (style, number of frames, size, seed) on one tab, the method's
knobs on an "Advanced" tab, each with one line saying what it does; the values a story's settings show, and the
session's keyword arguments for what changed.

The number of frames chosen last is remembered for the next new chat (`PanelMemory`, a small JSON file beside the
chat history).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from chainlit.input_widget import Select, Slider, Tab, TextInput

from core.settings import IPCA_MODES, SVR_MODES, GenerationSettings
from core.story import MAX_FRAMES
from core.styles import DEFAULT_STYLE, STYLE_PRESETS

log = logging.getLogger(__name__)

DEFAULT_FRAMES = 4
SIZE_DEFAULT = "model default"
SIZE_CHOICES = [SIZE_DEFAULT, "512x512", "768x768", "1024x1024", "832x1216", "1216x832"]


class PanelMemory:
    """The number of frames chosen last in the panel, kept in `<chat folder>/panel.json` for the next new chat."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / "panel.json"

    def frames(self) -> int:
        try:
            value = json.loads(self.path.read_text(encoding="utf-8")).get("frames")
        except (OSError, ValueError, AttributeError):
            return DEFAULT_FRAMES
        return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_FRAMES \
            else DEFAULT_FRAMES

    def remember_frames(self, frames: int) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".panel.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"frames": frames}), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as error:  # a read-only chat folder: the choice holds for this chat only
            log.warning("could not remember the frame count in %s: %s", self.path, error)


def settings_values(style: str, frames: int, settings: GenerationSettings) -> dict[str, Any]:
    """Widget values showing a story's current settings."""
    size = f"{settings.width}x{settings.height}" if settings.width and settings.height else SIZE_DEFAULT
    return {
        "style": style if style in STYLE_PRESETS else DEFAULT_STYLE,
        "frames": frames,
        "size": size if size in SIZE_CHOICES else SIZE_DEFAULT,
        "seed": str(settings.seed),
        "steps": settings.steps,
        "guidance": settings.guidance or 0,
        "window_length": settings.window_length,
        "svr": settings.svr,
        "ipca": settings.ipca,
        "negative_prompt": settings.negative_prompt,
    }


def settings_widgets(values: dict[str, Any]) -> list[Tab]:
    """The chat settings panel, initialised with ``values`` (see ``settings_values``): the story's tab first."""
    story = [
        Select(id="style", label="Style", values=list(STYLE_PRESETS), initial_value=values["style"],
               description="How every picture is drawn: storybook, comic, anime, photo, pixel art..."),
        Slider(id="frames", label="Number of frames", initial=values["frames"], min=1, max=MAX_FRAMES, step=1,
               description="Pictures in a new story; for this one, it adds frames or asks which to drop."),
        Select(id="size", label="Picture size", values=SIZE_CHOICES, initial_value=values["size"],
               description="Width x height in pixels; the model's default suits it best."),
        TextInput(id="seed", label="Seed", initial=values["seed"],
                  description="Same seed, same pictures; another number gives other pictures."),
    ]
    advanced = [
        Slider(id="steps", label="Steps", initial=values["steps"], min=1, max=100, step=1,
               description="Denoising steps per picture: more is slower and finer (the paper uses 50)."),
        Slider(id="guidance", label="Guidance", initial=values["guidance"], min=0, max=15, step=0.5,
               description="How closely pictures follow the text; 0 = the model's own default."),
        Slider(id="window_length", label="Window length", initial=values["window_length"], min=1, max=12, step=1,
               description="Frames read together in one prompt, which keeps the character the same (paper: 10)."),
        Select(id="svr", label="SVR mode", values=list(SVR_MODES), initial_value=values["svr"],
               description="Singular-value reweighting: stresses each frame's own words, damps the others'."),
        Select(id="ipca", label="IPCA mode", values=list(IPCA_MODES), initial_value=values["ipca"],
               description="Identity-preserving attention: every frame also looks at the character's words."),
        TextInput(id="negative_prompt", label="Negative prompt", initial=values["negative_prompt"], multiline=True,
                  description="What no picture should show."),
    ]
    return [Tab(id="story", label="Story", inputs=story), Tab(id="advanced", label="Advanced", inputs=advanced)]


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
    "frames": (_whole, f"The number of frames must be a whole number from 1 to {MAX_FRAMES}, not “{{value}}”."),
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


def current_settings(session, frames: int = DEFAULT_FRAMES) -> dict[str, Any]:
    """The panel's values for a chat: its story's settings, or a new story's defaults before the first idea
    (`frames`: the number of frames chosen last)."""
    if session is None or not session.story.frames:
        from core.story import Story

        fresh = Story()  # what a new story starts with (the agent's defaults, e.g. its negative prompt)
        return settings_values(fresh.style, frames, fresh.settings)
    story = session.story
    return settings_values(story.style, len(story.frames), story.settings)
