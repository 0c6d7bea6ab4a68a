"""Shared fixtures: the tiny SDXL pipeline (random weights, real CLIP tokenizer) and the weights marker."""

import os
import warnings

import pytest

warnings.filterwarnings("ignore", message=".*requires torchvision.*")

REAL_WEIGHTS = os.environ.get("STORYLOOM_TEST_WEIGHTS") == "1"


def pytest_collection_modifyitems(config, items):
    import torch

    skip_weights = pytest.mark.skip(reason="needs real SDXL/GGUF weights on disk; set STORYLOOM_TEST_WEIGHTS=1")
    skip_gpu = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "weights" in item.keywords and not REAL_WEIGHTS:
            item.add_marker(skip_weights)
        if "gpu" in item.keywords and not torch.cuda.is_available():
            item.add_marker(skip_gpu)


@pytest.fixture(scope="session")
def tiny_generator():
    """One StoryGenerator on the built-in tiny model, shared by the session (tests must not mutate it)."""
    from generator import StoryGenerator

    return StoryGenerator.load("tiny", device="cpu")  # exactness tests hold CPU-fp32 tolerances, GPU or not


@pytest.fixture()
def tiny_pipe():
    """A fresh tiny StableDiffusionXLPipeline (for tests that change processors or compare with stock)."""
    from diffusers import StableDiffusionXLPipeline

    from generator.tiny import tiny_components

    pipe = StableDiffusionXLPipeline(**tiny_components())
    pipe.set_progress_bar_config(disable=True)
    return pipe


@pytest.fixture(scope="session")
def clip_tokenizer():
    from generator.tokens import load_clip_tokenizer

    return load_clip_tokenizer()
