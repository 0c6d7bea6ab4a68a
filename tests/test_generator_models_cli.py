"""Model loading errors and the ``python -m generator`` CLI (reference flags, --json_path, --manifest)."""

import json

import numpy as np
import pytest
from PIL import Image

from generator import ModelNotFoundError, StoryGenerator
from generator.cli import main
from generator.manifest import RenderManifest


@pytest.mark.parametrize(
    "model, message",
    [
        ("", "No image model is configured"),
        ("/definitely/not/here", "No model folder"),
        ("someone/not-cached-model", "not in the local Hugging Face cache"),
    ],
)
def test_missing_model_names_the_setting(model, message):
    with pytest.raises(ModelNotFoundError, match=message) as error:
        StoryGenerator.load(model)
    assert "STORY_IMAGE_MODEL" in str(error.value)


def test_folder_without_model_index_and_corrupt_folder(tmp_path):
    with pytest.raises(ModelNotFoundError, match="model_index.json"):
        StoryGenerator.load(str(tmp_path))
    (tmp_path / "model_index.json").write_text(
        json.dumps(
            {
                "_class_name": "StableDiffusionXLPipeline",
                "unet": ["diffusers", "UNet2DConditionModel"],
                "vae": ["diffusers", "AutoencoderKL"],
                "text_encoder": ["transformers", "CLIPTextModel"],
                "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
                "scheduler": ["diffusers", "EulerDiscreteScheduler"],
            }
        )
    )
    (tmp_path / "unet").mkdir()
    (tmp_path / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelNotFoundError, match="Could not load the image model"):
        StoryGenerator.load(str(tmp_path))


def test_not_sdxl_architecture(tmp_path):
    (tmp_path / "model_index.json").write_text(json.dumps({"unet": [], "vae": [], "text_encoder": []}))
    with pytest.raises(ModelNotFoundError, match="not an SDXL-architecture model"):
        StoryGenerator.load(str(tmp_path))


def test_cli_reference_flags_write_frames_strip_and_manifest(tmp_path):
    out = tmp_path / "run"
    code = main(
        [
            "--model",
            "tiny",
            "--id_prompt",
            "A photo of a red fox with coat",
            "--frame_prompt_list",
            "in the snow",
            "with a crow",
            "--steps",
            "2",
            "--seed",
            "5",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    frames = [Image.open(out / f"frame_{i:02d}.png") for i in (1, 2)]
    strip = Image.open(out / "story.png")
    assert strip.size == (frames[0].width * 2, frames[0].height)
    manifest = RenderManifest.read(out / "manifest.json")
    assert manifest.frame_prompts == ["in the snow", "with a crow"] and manifest.settings.seed == 5
    assert manifest.model.is_test_model and len(manifest.model.fingerprints) == 4
    assert manifest.versions["diffusers"] == "0.42.1"

    assert main(["--manifest", str(out / "manifest.json"), "--out", str(tmp_path / "again")]) == 0
    for i in (1, 2):
        first = np.asarray(Image.open(out / f"frame_{i:02d}.png"))
        second = np.asarray(Image.open(tmp_path / "again" / f"frame_{i:02d}.png"))
        assert np.array_equal(first, second)


def test_cli_json_path_renders_each_combination(tmp_path):
    stories = {
        "combinations": [
            {"id_prompt": "A photo of a dog", "frame_prompt_list": ["on a beach", "in a park"]},
            {"id_prompt": "A sketch of a cat", "frame_prompt_list": ["on a roof"]},
        ]
    }
    (tmp_path / "stories.json").write_text(json.dumps(stories))
    assert (
        main(
            [
                "--model",
                "tiny",
                "--json_path",
                str(tmp_path / "stories.json"),
                "--steps",
                "1",
                "--size",
                "64",
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in (tmp_path / "out" / "00").glob("*.png")) == [
        "frame_01.png",
        "frame_02.png",
        "story.png",
    ]
    assert Image.open(tmp_path / "out" / "01" / "frame_01.png").size == (64, 64)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--model", "tiny", "--seed", "-3"], "seed"),
        (["--model", "tiny", "--size", "big"], "--size"),
        (["--model", "tiny", "--id_prompt", ""], "identity prompt is empty"),
        (["--model", "nowhere/at-all"], "STORY_IMAGE_MODEL"),
    ],
)
def test_cli_bad_input_exits_2_with_message(argv, message, capsys, tmp_path):
    assert main(argv + ["--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_playground_style_folder_keeps_edm_scheduler_and_lower_guidance(tmp_path, tiny_generator):
    from diffusers import EDMDPMSolverMultistepScheduler, StableDiffusionXLPipeline

    from generator.tiny import tiny_components

    components = tiny_components()
    components["scheduler"] = EDMDPMSolverMultistepScheduler()
    StableDiffusionXLPipeline(**components).save_pretrained(tmp_path / "playground-like")
    loaded = StoryGenerator.load(str(tmp_path / "playground-like"), device="cpu")
    assert loaded.model_info.kind == "playground"
    assert loaded.model_info.scheduler == "EDMDPMSolverMultistepScheduler"
    assert loaded.model_info.recommended_guidance == 3.0
    from generator import GenerationSettings

    images = loaded.render("a red fox", ["in snow", "on grass"], GenerationSettings(steps=2))
    assert len(images) == 2 and images[0].size == (128, 128)


@pytest.mark.parametrize("content", ["SECRET_KEY=abc123\nother: line", '{"frames": 3}'])
def test_manifest_that_is_no_manifest_gets_a_clear_error(tmp_path, capsys, content):
    from generator.cli import main

    (tmp_path / "notes.json").write_text(content)
    assert main(["--manifest", str(tmp_path / "notes.json")]) == 2  # the CLI's error code
    err = capsys.readouterr().err
    assert "is not a Storyloom render manifest" in err and "SECRET_KEY" not in err and "Traceback" not in err
