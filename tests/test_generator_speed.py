"""The speed mode (fused QKV, channels-last UNet, regional torch.compile) on the tiny pipeline: IPCA still
applies, images stay within float noise of the uncompiled run, and the processors are restored afterwards."""

import numpy as np
import pytest

from generator import GenerationSettings, StoryGenerator
from generator.ipca import IdentityCrossAttnProcessor

pytestmark = pytest.mark.slow  # compiling takes a while on two CPU cores

IDENTITY = "A watercolor illustration of a red fox wearing a blue scarf"
FRAMES = ["running through deep snow", "talking with a black crow on a branch"]
SETTINGS = GenerationSettings(steps=2, batch_size=2, seed=7)


def test_speed_mode_keeps_ipca_and_the_images():
    plain = StoryGenerator.load("tiny", device="cpu", speed=False)
    fast = StoryGenerator.load("tiny", device="cpu", speed=True)
    expected = plain.render(IDENTITY, FRAMES, SETTINGS, output_type="np")
    without_ipca = plain.render(IDENTITY, FRAMES, SETTINGS.model_copy(update={"ipca": "off"}), output_type="np")
    first = fast.render(IDENTITY, FRAMES, SETTINGS, output_type="np")
    again = fast.render(IDENTITY, FRAMES, SETTINGS, output_type="np")
    for index in expected:
        assert not np.allclose(expected[index], without_ipca[index], atol=1e-4)  # IPCA changes the picture...
        assert np.allclose(first[index], expected[index], atol=1e-4)  # ...and still does when compiled
        assert np.array_equal(first[index], again[index])
    assert not any(isinstance(p, IdentityCrossAttnProcessor) for p in fast.pipe.unet.attn_processors.values())
