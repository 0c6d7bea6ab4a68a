"""Shared helpers for the agent tests: plan replies, a fake image generator, id-free story comparison."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from PIL import Image

from core.errors import InvalidStoryError, RenderCancelled
from core.settings import GenerationSettings

FOX_IDEA = (
    "A little red fox named Pip finds a glowing lantern in the snow. She follows its light to a frozen lake. "
    "There she meets an old owl who is lost. Together they walk home at dawn."
)


def plan_reply(title: str, character: str, identity: str, frames: list[tuple[str, str]]) -> str:
    """The JSON a planning LLM would answer."""
    return json.dumps({
        "title": title,
        "character": character,
        "identity_prompt": identity,
        "frames": [{"prompt": p, "caption": c} for p, c in frames],
    })


FOX_REPLY = plan_reply(
    "Pip and the Lantern",
    "fox",
    "a small red fox cub with a white-tipped tail, wearing a knitted green scarf",
    [
        ("finding a glowing lantern in deep snow at night, close-up, warm lantern light", "Pip finds a lantern."),
        ("following a beam of light across a frozen lake, wide shot, moonlit", "She follows its light."),
        ("meeting a lost old owl on a snowy branch, medium shot, soft moonlight", "She meets a lost owl."),
        ("walking home with the owl through pine trees at dawn, wide shot, pink sunrise light", "They walk home."),
    ],
)


def without_ids(story) -> dict:
    """A story dump without the random ids, for whole-object comparisons. A cast of one built from the identity
    prompt (what every story without a planned cast has) is left out too, like each frame's "everyone" cast."""
    data = story.model_dump(exclude={"id"})
    for frame in data["frames"]:
        frame.pop("id")
        if frame["cast"] is None:
            frame.pop("cast")
    if data["cast"] == [{"id": "main", "name": "", "handle": "", "description": story.identity_prompt}]:
        data.pop("cast")
    return data


class FakeGenerator:
    """A `core.generator.Generator` that records its calls and draws a flat colour from the seed and the prompt.

    `fail_at` raises RenderCancelled after that many frames (as a cancel mid-story would).
    """

    def __init__(self, name: str = "fake-sdxl", size: int = 32, fail_at: int | None = None):
        self.model_info = type("Info", (), {"name": name, "kind": "sdxl", "is_test_model": True,
                                            "default_size": (size, size), "recommended_guidance": 5.0,
                                            "label": f"{name} (test model)"})()
        self.model_name, self.label, self.last_notice = name, f"{name} (test model)", ""
        self.size = size
        self.fail_at = fail_at
        self.calls: list[dict] = []

    def render(self, identity_prompt, frame_prompts: list[str], settings: GenerationSettings,
               frames: list[int] | None = None, seeds: dict[int, int] | None = None,
               presence: list[list[str] | None] | None = None,
               on_step: Callable | None = None, on_frame: Callable | None = None,
               cancel: threading.Event | None = None) -> dict:
        if not isinstance(identity_prompt, str):  # a cast's prefix, piece by piece
            identity_prompt = " ".join(piece.text for piece in identity_prompt)
        if not identity_prompt or not frame_prompts or any(not p for p in frame_prompts):
            raise InvalidStoryError("empty prompt")
        frames = list(range(len(frame_prompts))) if frames is None else list(frames)
        self.calls.append({"identity": identity_prompt, "prompts": list(frame_prompts), "frames": frames,
                           "seeds": dict(seeds or {}), "presence": presence})
        done: dict[int, Image.Image] = {}
        for index in frames:
            if (self.fail_at is not None and len(done) >= self.fail_at) or (cancel is not None and cancel.is_set()):
                raise RenderCancelled(finished=done)
            for step in range(2):
                if on_step:
                    on_step([index], step + 1, 2)
            seed = (seeds or {}).get(index, settings.seed)
            shade = hash((identity_prompt, frame_prompts[index], seed)) % 200
            image = Image.new("RGB", (self.size, self.size), (shade, 255 - shade, (seed * 7) % 255))
            done[index] = image
            if on_frame:
                on_frame(index, image)
        return done
