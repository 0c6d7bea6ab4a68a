"""GPU memory modes on the CPU: which diffusers switches each mode sets, the automatic choice from free memory,
the out-of-memory fallback (simulated), and a separate VAE (STORY_VAE)."""

import numpy as np
import pytest
import torch

from core.errors import ModelNotFoundError, StoryError
from generator import GenerationSettings, OutOfMemoryError, StoryGenerator
from generator.memory import GIB, apply_mode, auto_mode, check_mode, tile_for_size

IDENTITY = "A watercolor illustration of a red fox wearing a blue scarf"
FRAMES = ["running through deep snow", "talking with a black crow on a branch", "sleeping by a warm fire"]
SETTINGS = GenerationSettings(steps=2, batch_size=3, seed=5)


@pytest.fixture
def generator():
    return StoryGenerator.load("tiny", device="cpu", memory="full")


@pytest.mark.parametrize("free, mode", [(40, "full"), (18, "full"), (12, "balanced"), (8, "low"), (5, "low")])
def test_auto_mode_follows_the_free_memory_of_a_card(free, mode):
    assert auto_mode(torch.device("cuda"), free_bytes=int(free * GIB)) == mode


def test_auto_mode_on_a_cpu_is_full_and_bad_names_are_refused():
    assert auto_mode(torch.device("cpu")) == "full"
    assert check_mode(" Balanced ") == "balanced"
    with pytest.raises(StoryError, match="STORY_GPU_MEMORY"):
        check_mode("tiny-card")


def test_each_mode_sets_the_diffusers_switches(generator):
    vae = generator.pipe.vae
    assert generator.model_info.memory_mode == "full" and vae.use_slicing and not vae.use_tiling
    assert apply_mode(generator.pipe, "balanced", torch.device("cpu")) == "balanced" and vae.use_tiling
    tile_for_size(generator.pipe, "full", 2048, 2048)
    assert vae.use_tiling  # above 1024² the decode is tiled in every mode
    tile_for_size(generator.pipe, "full", 1024, 1024)
    assert not vae.use_tiling


def test_the_mode_comes_from_the_settings(monkeypatch):
    from agent.session import ImageModel
    from core.config import Config

    monkeypatch.setenv("STORY_GPU_MEMORY", "balanced")
    config = Config.from_env(env_file=None)
    assert config.gpu_memory == "balanced"
    model = ImageModel("tiny", options={"memory": config.gpu_memory, "vae": None, "speed": False})
    assert model.require().model_info.memory_mode == "balanced"
    with pytest.raises(StoryError):
        StoryGenerator.load("tiny", device="cpu", memory="huge")
    monkeypatch.setenv("STORY_GPU_MEMORY", "huge")
    with pytest.raises(StoryError, match="STORY_"):
        Config.from_env(env_file=None)


def _fail_first_batches(generator, monkeypatch, failures: int):
    """Make the first `failures` pipeline batches of more than one frame run out of memory."""
    original = generator._render
    calls = {"failed": 0}

    def render(request):
        if request.settings.batch_size > 1 and calls["failed"] < failures:
            calls["failed"] += 1
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return original(request)

    monkeypatch.setattr(generator, "_render", render)
    return calls


def test_out_of_memory_retries_once_lower_with_batch_one_and_loses_nothing(generator, monkeypatch):
    expected = generator.render(IDENTITY, FRAMES, SETTINGS, output_type="np")
    calls = _fail_first_batches(generator, monkeypatch, failures=1)
    done = []
    images = generator.render(IDENTITY, FRAMES, SETTINGS, output_type="np", on_frame=lambda i, _: done.append(i))
    assert calls["failed"] == 1 and sorted(images) == [0, 1, 2] and sorted(done) == [0, 1, 2]
    assert generator.model_info.memory_mode == "balanced"
    assert "ran out of memory" in generator.last_notice and "balanced" in generator.last_notice
    for index in expected:  # batch size changes no pixel; the tiny model's 128² decode is below a tile
        assert np.allclose(images[index], expected[index], atol=1e-5)


def test_out_of_memory_again_at_batch_one_steps_down_again_and_loses_nothing(monkeypatch):
    generator = StoryGenerator.load("tiny", device="cpu", memory="full")
    expected = generator.render(IDENTITY, FRAMES, SETTINGS, output_type="np")
    original, calls = generator._render, {"failed": 0}

    def render(request):  # the first batch fails, and so does the first retry at batch 1 (a tight GPU)
        if calls["failed"] < 2:
            calls["failed"] += 1
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return original(request)

    monkeypatch.setattr(generator, "_render", render)
    images = generator.render(IDENTITY, FRAMES, SETTINGS, output_type="np")
    assert calls["failed"] == 2 and generator.model_info.memory_mode == "low" and "“low”" in generator.last_notice
    for index in expected:
        assert np.allclose(images[index], expected[index], atol=1e-5)


def test_out_of_memory_in_the_lowest_mode_is_reported(monkeypatch):
    generator = StoryGenerator.load("tiny", device="cpu", memory="low")
    _fail_first_batches(generator, monkeypatch, failures=5)
    with pytest.raises(OutOfMemoryError):
        generator.render(IDENTITY, FRAMES, SETTINGS, output_type="np")


def test_the_session_says_what_the_fallback_did(tmp_path, generator, monkeypatch):
    from agent.session import NO_LLM, StorySession
    from core.story import Frame, Story

    story = Story(identity_prompt=IDENTITY, frames=[Frame(prompt=p) for p in FRAMES],
                  settings=SETTINGS.model_copy(update={"steps": 1}))
    (tmp_path / "s").mkdir()  # a session saves into its story's folder; a folder that is gone is not recreated
    session = StorySession(tmp_path / "s", story, llm=NO_LLM, generator_provider=lambda: generator)
    _fail_first_batches(generator, monkeypatch, failures=1)
    reply = session.render()
    assert sorted(reply.changed) == [0, 1, 2] and "ran out of memory" in reply.text
    assert all(session.frame_image(i).is_file() for i in range(3))


def test_a_separate_vae_folder_is_used(tmp_path):
    from diffusers import AutoencoderKL

    own = StoryGenerator.load("tiny", device="cpu").pipe.vae
    torch.manual_seed(1234)
    other = AutoencoderKL.from_config(own.config)
    other.save_pretrained(tmp_path / "vae")
    loaded = StoryGenerator.load("tiny", device="cpu", vae=str(tmp_path / "vae"))
    for name, tensor in other.state_dict().items():
        assert torch.equal(loaded.pipe.vae.state_dict()[name], tensor)
    assert loaded.model_info.vae == str(tmp_path / "vae")
    with pytest.raises(ModelNotFoundError, match="not a diffusers VAE folder"):
        StoryGenerator.load("tiny", device="cpu", vae=str(tmp_path / "nowhere"))


def test_a_folder_with_only_fp16_weights_loads_on_a_cpu(tmp_path):
    """The user's path: weights saved as fp16 safetensors (variant "fp16"), loaded in fp32 for a CPU."""
    from diffusers import StableDiffusionXLPipeline

    from generator.tiny import tiny_components

    StableDiffusionXLPipeline(**tiny_components()).to(dtype=torch.float16).save_pretrained(
        tmp_path / "model", variant="fp16", safe_serialization=True)
    generator = StoryGenerator.load(str(tmp_path / "model"), device="cpu")
    assert generator.pipe.unet.dtype == torch.float32 and generator.model_info.dtype == "float32"
    images = generator.render(IDENTITY, FRAMES[:1], SETTINGS.model_copy(update={"steps": 1}), output_type="np")
    assert images[0].shape[-1] == 3 and np.isfinite(images[0]).all()
