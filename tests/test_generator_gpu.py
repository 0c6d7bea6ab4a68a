"""The engine on a CUDA GPU in fp16 (skipped without one; CI has none): the exactness properties within fp16
noise, the memory modes' effect, and the out-of-memory fallback under a capped memory fraction."""

import numpy as np
import pytest
import torch

from generator import GenerationSettings, StoryGenerator

pytestmark = pytest.mark.gpu

IDENTITY = "A watercolor illustration of a red fox wearing a blue scarf"
FRAMES = ["running through deep snow", "talking with a black crow on a branch", "sleeping by a warm fire",
          "crossing a frozen river at dawn"]
SETTINGS = GenerationSettings(steps=4, batch_size=4, seed=3)
TOLERANCE = 2 / 255


@pytest.fixture(scope="module")
def gpu_generator():
    return StoryGenerator.load("tiny", device="cuda", precision="fp16", memory="full")


def render(generator, settings=SETTINGS, **kwargs):
    return generator.render(IDENTITY, FRAMES, settings, output_type="np", **kwargs)


def test_fast_equals_reference_in_fp16(gpu_generator):
    fast = render(gpu_generator)
    reference = render(gpu_generator, SETTINGS.model_copy(update={"ipca": "reference"}))
    assert all(np.abs(fast[i] - reference[i]).max() <= TOLERANCE for i in fast)


def test_a_frame_alone_equals_the_frame_in_a_batch_and_repeats_exactly(gpu_generator):
    whole = render(gpu_generator)
    alone = render(gpu_generator, frames=[2])
    assert np.abs(alone[2] - whole[2]).max() <= TOLERANCE
    again = render(gpu_generator)
    assert all(np.array_equal(again[i], whole[i]) for i in whole)


def test_each_mode_renders_and_low_mode_offloads():
    for mode in ("full", "balanced", "low"):
        generator = StoryGenerator.load("tiny", device="cuda", precision="fp16", memory=mode)
        assert generator.model_info.memory_mode == mode
        images = render(generator, SETTINGS.model_copy(update={"steps": 2}))
        assert sorted(images) == [0, 1, 2, 3]
        if mode == "low":
            assert next(generator.pipe.unet.parameters()).device.type == "cpu"  # in only while it runs


def test_out_of_memory_falls_back_under_a_capped_memory_fraction():
    generator = StoryGenerator.load("tiny", device="cuda", precision="fp16", memory="full")
    free, total = torch.cuda.mem_get_info()
    used = torch.cuda.memory_allocated()
    torch.cuda.set_per_process_memory_fraction(min(1.0, (used + 64 * 2**20) / total))
    try:
        images = render(generator, SETTINGS.model_copy(update={"width": 1024, "height": 1024, "steps": 1}))
    finally:
        torch.cuda.set_per_process_memory_fraction(1.0)
    assert sorted(images) == [0, 1, 2, 3] and generator.model_info.memory_mode in ("balanced", "low")
    assert "ran out of memory" in generator.last_notice


def test_a_cast_in_fp16_fast_equals_reference_and_a_cast_of_one_equals_the_identity(gpu_generator):
    from core.cast import Character, compose_prefix
    from core.styles import compose_identity

    girl = Character(id="girl", handle="the girl", description="a girl with red braids and a yellow raincoat")
    dog = Character(id="dog", handle="the dog", description="a small black dog with a white patch")
    pieces, presence = compose_prefix([girl, dog], "storybook"), [None, ["dog"], ["girl"], []]
    fast = gpu_generator.render(pieces, FRAMES, SETTINGS, presence=presence, output_type="np")
    reference = gpu_generator.render(pieces, FRAMES, SETTINGS.model_copy(update={"ipca": "reference"}),
                                     presence=presence, output_type="np")
    assert all(np.abs(fast[i] - reference[i]).max() <= TOLERANCE for i in fast)
    one = gpu_generator.render(compose_prefix([girl], "storybook"), FRAMES, SETTINGS, output_type="np")
    legacy = gpu_generator.render(compose_identity(girl.description, "storybook"), FRAMES, SETTINGS,
                                  output_type="np")
    assert all(np.array_equal(one[i], legacy[i]) for i in one)
