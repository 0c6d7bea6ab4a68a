"""StoryGenerator on the tiny SDXL pipeline: equivalence with stock diffusers and with the reference method."""

import threading

import numpy as np
import pytest
import torch

from generator import (
    GenerationSettings,
    InvalidStoryError,
    PromptTooLongError,
    RenderCancelled,
    StoryGenerator,
)
from generator.ipca import IdentityCrossAttnProcessor

IDENTITY = "A watercolor illustration of a red fox wearing a blue scarf"
FRAMES = ["running through deep snow", "talking with a black crow on a branch", "sleeping by a warm fire"]
FAST = GenerationSettings(steps=3, batch_size=2, seed=11)


def render(generator, settings=FAST, frames=FRAMES, **kwargs):
    return generator.render(IDENTITY, frames, settings, output_type="np", **kwargs)


def close(a, b, atol=1e-5):
    return all(np.allclose(a[k], b[k], atol=atol) for k in a) and a.keys() == b.keys()


def test_svr_and_ipca_off_equal_stock_pipeline(tiny_generator):
    settings = FAST.model_copy(update={"svr": "off", "ipca": "off", "batch_size": 1})
    ours = render(tiny_generator, settings)
    pipe = tiny_generator.pipe
    stock = pipe(
        prompt=f"{IDENTITY} {' '.join(FRAMES)}",
        num_inference_steps=3,
        guidance_scale=5.0,
        generator=torch.Generator().manual_seed(11),
        output_type="np",
    ).images[0]
    for index in range(len(FRAMES)):
        assert np.allclose(ours[index], stock, atol=1e-5)


def test_fast_ipca_equals_reference_ipca_with_svr(tiny_generator):
    fast = render(tiny_generator, FAST)
    reference = render(tiny_generator, FAST.model_copy(update={"ipca": "reference"}))
    assert close(fast, reference)
    baseline = render(tiny_generator, FAST.model_copy(update={"ipca": "off"}))
    assert not close(fast, baseline, atol=1e-4)  # IPCA does change the images


def test_fast_equals_reference_with_seeded_dropout(tiny_generator):
    settings = FAST.model_copy(update={"ipca_dropout": 0.5})
    fast = render(tiny_generator, settings)
    assert close(fast, render(tiny_generator, settings.model_copy(update={"ipca": "reference"})))
    assert close(fast, render(tiny_generator, settings), atol=0)  # reproducible


def test_svr_modes_differ_and_frames_differ(tiny_generator):
    svr = render(tiny_generator)
    assert not np.allclose(svr[0], svr[1], atol=1e-4)
    svr_eot = render(tiny_generator, FAST.model_copy(update={"svr": "svr-eot"}))
    assert not close(svr, svr_eot, atol=1e-4)


def test_single_frame_equals_whole_story_frame_and_same_seed_repeats(tiny_generator):
    whole = render(tiny_generator)
    for index in range(len(FRAMES)):
        alone = render(tiny_generator, frames=FRAMES, settings=FAST.model_copy(update={"batch_size": 1}))
        assert np.allclose(alone[index], whole[index], atol=1e-5)
    single = tiny_generator.render(IDENTITY, FRAMES, FAST, frames=[2], output_type="np")
    assert list(single) == [2] and np.allclose(single[2], whole[2], atol=1e-5)
    assert close(render(tiny_generator), whole, atol=0)


def test_per_frame_seed_override_changes_only_that_frame(tiny_generator):
    whole = render(tiny_generator)
    rerolled = render(tiny_generator, seeds={1: 999})
    assert np.allclose(rerolled[0], whole[0], atol=1e-5) and np.allclose(rerolled[2], whole[2], atol=1e-5)
    assert not np.allclose(rerolled[1], whole[1], atol=1e-3)


def test_batches_are_ceil_n_over_batch_size_pipeline_calls(tiny_generator, monkeypatch):
    calls = []
    original = type(tiny_generator.pipe).__call__

    def counting(pipe, *args, **kwargs):
        calls.append(kwargs["prompt_embeds"].shape[0])
        return original(pipe, *args, **kwargs)

    monkeypatch.setattr(type(tiny_generator.pipe), "__call__", counting)
    frames = FRAMES + ["climbing a hill at dawn", "eating berries"]
    render(tiny_generator, FAST.model_copy(update={"batch_size": 2}), frames=frames)
    assert calls == [2, 2, 1]


def test_negative_prompt_and_guidance_are_used(tiny_generator):
    base = render(tiny_generator)
    negative = render(tiny_generator, FAST.model_copy(update={"negative_prompt": "blurry, lowres"}))
    assert not close(base, negative, atol=1e-4)


def test_progress_and_frame_callbacks(tiny_generator):
    steps, done = [], []
    render(
        tiny_generator,
        on_step=lambda batch, step, total: steps.append((tuple(batch), step, total)),
        on_frame=lambda index, image: done.append(index),
    )
    assert steps[:3] == [((0, 1), 1, 3), ((0, 1), 2, 3), ((0, 1), 3, 3)] and steps[-1] == ((2,), 3, 3)
    assert done == [0, 1, 2]


def test_cancel_stops_within_a_step_and_keeps_finished_frames(tiny_generator, monkeypatch):
    cancel = threading.Event()
    steps = []
    vae = tiny_generator.pipe.vae
    decoded = []  # latent shapes the VAE decoded
    original_decode = vae.decode

    def decode(latents, **kwargs):
        decoded.append(tuple(latents.shape))
        return original_decode(latents, **kwargs)

    monkeypatch.setattr(vae, "decode", decode)

    def on_step(batch, step, total):
        steps.append((tuple(batch), step))
        if batch == [1]:
            cancel.set()

    settings = FAST.model_copy(update={"batch_size": 1, "width": 128, "height": 128})  # 16×16 latents
    with pytest.raises(RenderCancelled) as stopped:
        render(tiny_generator, settings, on_step=on_step, cancel=cancel)
    assert list(stopped.value.finished) == [0]
    assert steps[-1] == ((1,), 1)  # stopped right after the first step of frame 2 (diffusers' interrupt)
    assert decoded == [(1, 4, 16, 16), (1, 4, 8, 8)]  # frame 1, then a stub: the stopped frame is never decoded
    assert not any(isinstance(p, IdentityCrossAttnProcessor) for p in tiny_generator.pipe.unet.attn_processors.values())


def test_processors_restored_after_failure(tiny_generator):
    def explode(batch, step, total):
        raise RuntimeError("callback failed")

    before = dict(tiny_generator.pipe.unet.attn_processors)
    with pytest.raises(RuntimeError, match="callback failed"):
        render(tiny_generator, FAST.model_copy(update={"ipca": "reference"}), on_step=explode)
    after = tiny_generator.pipe.unet.attn_processors
    assert all(after[name] is before[name] for name in before)


@pytest.mark.parametrize(
    "identity, frames, kwargs, message",
    [
        ("  ", FRAMES, {}, "identity prompt is empty"),
        (IDENTITY, [], {}, "no frames"),
        (IDENTITY, ["ok", " "], {}, "Frame 2 has an empty prompt"),
        (IDENTITY, FRAMES, {"frames": [3]}, "no frame 4"),
        (IDENTITY, FRAMES, {"seeds": {0: -1}}, "outside"),
    ],
)
def test_bad_input_gets_clear_errors(tiny_generator, identity, frames, kwargs, message):
    with pytest.raises(InvalidStoryError, match=message):
        tiny_generator.render(identity, frames, FAST, **kwargs)


def test_frame_too_long_is_named(tiny_generator):
    long_frame = "walking " * 80
    with pytest.raises(PromptTooLongError, match="Frame 2"):
        tiny_generator.render(IDENTITY, ["sitting", long_frame], FAST)


def test_long_story_uses_shorter_windows(tiny_generator):
    frames = [f"scene {i} with a tall lighthouse on a rocky shore at sunset and seagulls" for i in range(8)]
    layouts, windows = tiny_generator.layouts(IDENTITY, frames, FAST)
    assert all(len(w) < len(frames) for w in windows) and [w[0] for w in windows] == list(range(8))
    assert all(layout.content_length <= 75 for layout in layouts)
    images = tiny_generator.render(IDENTITY, frames, FAST.model_copy(update={"steps": 1}), frames=[7])
    assert list(images) == [7]


def test_settings_reject_out_of_range_values():
    with pytest.raises(ValueError):
        GenerationSettings(seed=2**32)
    with pytest.raises(ValueError):
        GenerationSettings(width=100)  # not a multiple of 8


def test_saved_tiny_pipeline_loads_through_the_real_loader(tmp_path, tiny_generator):
    tiny_generator.pipe.save_pretrained(tmp_path / "tiny-sdxl")
    loaded = StoryGenerator.load(str(tmp_path / "tiny-sdxl"), device="cpu")
    assert loaded.model_info.kind == "sdxl" and loaded.model_info.scheduler == "EulerDiscreteScheduler"
    assert not loaded.model_info.is_test_model
    assert close(render(loaded, FAST.model_copy(update={"guidance": 5.0})), render(tiny_generator))
    fingerprints = loaded.fingerprints()
    assert any(name.startswith("unet/") for name in fingerprints)
    assert all(len(digest) == 64 for digest in fingerprints.values())


def test_the_engine_and_the_storyboard_cards_are_both_generators(tiny_generator):
    from core.generator import Generator
    from export.cards import StoryboardGenerator

    assert isinstance(tiny_generator, Generator) and isinstance(StoryboardGenerator(), Generator)
    assert tiny_generator.model_name == tiny_generator.model_info.name
    assert not isinstance(object(), Generator)
