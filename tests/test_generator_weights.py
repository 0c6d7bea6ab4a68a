"""With real SDXL weights (STORYLOOM_TEST_WEIGHTS=1 and STORY_IMAGE_MODEL pointing at them): one short story
renders through the real session, every frame a real picture, the same frame twice the same pixels."""

from __future__ import annotations

import os

import numpy as np
import pytest

pytestmark = pytest.mark.weights


@pytest.fixture(scope="module")
def real_generator():
    model = os.environ.get("STORY_IMAGE_MODEL", "").strip()
    if not model or model == "tiny":
        pytest.fail("STORYLOOM_TEST_WEIGHTS=1 needs STORY_IMAGE_MODEL set to an SDXL folder or a cached hub id")
    from generator import StoryGenerator

    return StoryGenerator.load(model)


def test_a_short_story_renders_real_pictures_and_repeats_exactly(real_generator, tmp_path):
    from agent.session import NO_LLM, StorySession

    session = StorySession.create(tmp_path, llm=NO_LLM, generator_provider=lambda: real_generator)
    session.plan("A small red fox finds a glowing lantern in the forest.", frames=2)
    session.update_settings(steps=8, width=512, height=512)
    reply = session.render()
    assert reply.changed == [0, 1] and real_generator.label in reply.text
    first = [np.asarray(real_generator_image(session, i), dtype=np.float32) for i in range(2)]
    assert all(image.shape == (512, 512, 3) and image.std() > 10 for image in first)  # not blank, not noise-free
    assert np.abs(first[0] - first[1]).mean() > 5  # two different frames
    again = real_generator.render(session.story.render_identity(), session.story.frame_prompts,
                                  session.story.settings, frames=[1], output_type="np")[1]
    assert np.abs(again * 255 - first[1]).max() < 2  # the same frame, the same pixels (rounding aside)


def real_generator_image(session, index):
    from PIL import Image

    return Image.open(session.frame_image(index)).convert("RGB")
