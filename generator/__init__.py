"""1Prompt1Story (ICLR 2025) on stock diffusers SDXL pipelines.

Public surface (importing this package loads no model):

    from generator import StoryGenerator, GenerationSettings
    gen = StoryGenerator.load("tiny")            # or an SDXL folder / a hub id in the local cache
    images = gen.render(identity_prompt, frame_prompts, GenerationSettings(seed=7))
"""

from core.errors import (
    InvalidStoryError,
    ModelNotFoundError,
    OutOfMemoryError,
    PromptTooLongError,
    RenderCancelled,
    StoryError,
)
from core.settings import GenerationSettings

__all__ = [
    "GenerationSettings",
    "InvalidStoryError",
    "ModelNotFoundError",
    "OutOfMemoryError",
    "PromptTooLongError",
    "RenderCancelled",
    "StoryError",
    "StoryGenerator",
]


def __getattr__(name):
    # Lazy so that `import generator` stays cheap (no torch/diffusers import until needed).
    if name == "StoryGenerator":
        from generator.engine import StoryGenerator

        return StoryGenerator
    raise AttributeError(name)
