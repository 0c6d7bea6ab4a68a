"""Loading an SDXL-architecture pipeline: the built-in tiny test model, a local diffusers folder, or a hub id
already in the local cache. Offline only (nothing is ever downloaded), safetensors only, fp16 on CUDA and
fp32 on CPU by default. The scheduler follows the reference (spec §1.2): Playground v2.5 keeps its EDM
DPM-Solver scheduler; every other model gets Euler discrete.
"""

import hashlib
import json
import logging
from pathlib import Path

import torch
from pydantic import BaseModel, ConfigDict

from core.errors import ModelNotFoundError

log = logging.getLogger(__name__)

TINY = "tiny"
SETTING_HINT = (
    "Set STORY_IMAGE_MODEL (or --model) to a local SDXL diffusers folder such as "
    "/models/stable-diffusion-xl-base-1.0, to a hub id already in your local cache such as "
    "stabilityai/stable-diffusion-xl-base-1.0, or to 'tiny' for the built-in test model."
)
GUIDANCE = {"sdxl": 5.0, "playground": 3.0, "tiny": 5.0}  # reference default 5.0; Playground's card suggests 3


class ModelInfo(BaseModel):
    """What was loaded; stored in manifests so a render names its model exactly."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: str  # "tiny" | "sdxl" | "playground"
    source: str  # folder the weights came from, or "built-in"
    is_test_model: bool = False
    default_size: tuple[int, int]
    recommended_guidance: float
    dtype: str
    device: str
    scheduler: str
    memory_mode: str = "full"  # generator.memory: full | balanced | low (auto resolved at load)
    vae: str = ""  # a separate VAE folder (STORY_VAE), e.g. the fp16-fix SDXL VAE

    @property
    def label(self) -> str:
        return f"{self.name} (test model, random weights)" if self.is_test_model else self.name


def pick_device(device: str | None = None) -> torch.device:
    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


def pick_dtype(device: torch.device, precision: str | None) -> torch.dtype:
    choices = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}
    if precision is None:
        return torch.float16 if device.type == "cuda" else torch.float32
    if precision not in choices:
        raise ModelNotFoundError(f"Unknown precision {precision!r}; use one of {', '.join(choices)}.")
    return choices[precision]


def resolve_model_folder(model: str) -> Path:
    """A local folder, or the snapshot folder of a hub id in the local HF cache; never downloads."""
    if not model or not model.strip():
        raise ModelNotFoundError(f"No image model is configured. {SETTING_HINT}")
    path = Path(model).expanduser()
    if path.exists():
        if not path.is_dir() or not (path / "model_index.json").is_file():
            raise ModelNotFoundError(
                f"{model} is not a diffusers model folder (no model_index.json). "
                f"Single-file checkpoints are not supported. {SETTING_HINT}"
            )
        return path
    if model.count("/") == 1 and not model.startswith((".", "/", "~")):
        from huggingface_hub import snapshot_download

        try:
            return Path(snapshot_download(model, local_files_only=True))
        except Exception as error:  # LocalEntryNotFoundError and friends: not in the cache
            raise ModelNotFoundError(
                f"{model} is not in the local Hugging Face cache and nothing is downloaded here. {SETTING_HINT}"
            ) from error
    raise ModelNotFoundError(f"No model folder at {model}. {SETTING_HINT}")


def _model_kind(folder: Path, name: str) -> str:
    index = json.loads((folder / "model_index.json").read_text())
    missing = [part for part in ("unet", "vae", "text_encoder", "text_encoder_2") if part not in index]
    if missing:
        raise ModelNotFoundError(f"{name} is not an SDXL-architecture model (missing {', '.join(missing)}).")
    scheduler = (index.get("scheduler") or [None, ""])[1]
    return "playground" if "EDM" in scheduler or "playground" in name.lower() else "sdxl"


def _has_fp16_variant(folder: Path) -> bool:
    return any((folder / "unet").glob("*.fp16.safetensors")) or any((folder / "unet").glob("*.fp16-*.safetensors"))


def _has_plain_weights(folder: Path) -> bool:
    unet = folder / "unet"
    return (unet / "diffusion_pytorch_model.safetensors").is_file() or \
        (unet / "diffusion_pytorch_model.safetensors.index.json").is_file()


def load_vae(folder: str, dtype: torch.dtype):
    """A separate VAE (a diffusers AutoencoderKL folder), e.g. madebyollin/sdxl-vae-fp16-fix, so the decode
    stays in fp16 instead of upcasting to fp32."""
    from diffusers import AutoencoderKL

    path = Path(folder).expanduser()
    if not (path / "config.json").is_file():
        raise ModelNotFoundError(f"STORY_VAE={folder} is not a diffusers VAE folder (no config.json).")
    try:
        return AutoencoderKL.from_pretrained(path, dtype=dtype, use_safetensors=True, local_files_only=True)
    except Exception as error:
        raise ModelNotFoundError(f"Could not load the VAE at {path}: {type(error).__name__}: {error}") from error


def load_pipeline(model: str, device: str | None = None, precision: str | None = None, *,
                  memory: str = "auto", vae: str | None = None):
    """Return ``(pipeline, ModelInfo)`` for ``model`` ("tiny", a folder, or a cached hub id).

    Args:
        memory: a `generator.memory` mode: auto | full | balanced | low.
        vae: a separate VAE folder to use instead of the model's own.

    Longer than 50 lines: the loader's cases (tiny, a folder, a hub id in the local cache; fp16 files on
    CPU; a separate VAE; the memory mode) each need the ones before them.
    """
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline

    from generator.memory import apply_mode, check_mode

    memory = check_mode(memory)
    target = pick_device(device)
    dtype = pick_dtype(target, precision)
    own_vae = load_vae(vae, dtype) if vae else None
    if model == TINY:
        from generator.tiny import tiny_components

        components = tiny_components()
        if own_vae is not None:
            components["vae"] = own_vae
        pipe = StableDiffusionXLPipeline(**components).to(target)
        if dtype != torch.float32:
            pipe.to(dtype=dtype)
        kind, source = "tiny", "built-in"
    else:
        folder = resolve_model_folder(model)
        kind, source = _model_kind(folder, model), str(folder)
        # fp16 files when they suit the dtype, or when they are all the folder has (upcast on load)
        fp16_only = _has_fp16_variant(folder) and not _has_plain_weights(folder)
        variant = "fp16" if _has_fp16_variant(folder) and (dtype == torch.float16 or fp16_only) else None
        try:
            extra = {"vae": own_vae} if own_vae is not None else {}
            pipe = StableDiffusionXLPipeline.from_pretrained(
                folder, dtype=dtype, use_safetensors=True, local_files_only=True, variant=variant, **extra
            )
        except Exception as error:
            raise ModelNotFoundError(
                f"Could not load the image model at {folder}: {type(error).__name__}: {error}. "
                "Check that the folder is complete (safetensors weights for unet, vae and both text encoders)."
            ) from error
        if kind != "playground":
            pipe.scheduler = EulerDiscreteScheduler.from_config(pipe.scheduler.config)
        pipe.to(target)
    pipe.set_progress_bar_config(disable=True)
    applied = apply_mode(pipe, memory, target)
    size = pipe.default_sample_size * pipe.vae_scale_factor
    info = ModelInfo(
        name=model,
        kind=kind,
        source=source,
        is_test_model=kind == "tiny",
        default_size=(size, size),
        recommended_guidance=GUIDANCE[kind],
        dtype=str(dtype).removeprefix("torch."),
        device=str(target),
        scheduler=type(pipe.scheduler).__name__,
        memory_mode=applied,
        vae=vae or "",
    )
    log.info("loaded image model %s (%s, %s on %s)", info.label, kind, info.dtype, target)
    return pipe, info


def weight_fingerprints(pipe, info: ModelInfo) -> dict[str, str]:
    """sha256 of each weight file (hub-cache blobs are already named by their sha256), or of the tensors
    of a built-in model. Slow for a real model on first call (reads every file), so called on demand."""
    if info.source == "built-in":
        fingerprints = {}
        for part in ("unet", "vae", "text_encoder", "text_encoder_2"):
            digest = hashlib.sha256()
            for key, tensor in sorted(getattr(pipe, part).state_dict().items()):
                digest.update(key.encode())
                digest.update(tensor.detach().to("cpu", torch.float32).contiguous().numpy().tobytes())
            fingerprints[part] = digest.hexdigest()
        return fingerprints
    folder = Path(info.source)
    fingerprints = {}
    for file in sorted(folder.glob("*/*.safetensors")):
        resolved = file.resolve()
        if resolved.parent.name == "blobs" and len(resolved.name) == 64:
            fingerprints[str(file.relative_to(folder))] = resolved.name
            continue
        digest = hashlib.sha256()
        with open(resolved, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 24), b""):
                digest.update(chunk)
        fingerprints[str(file.relative_to(folder))] = digest.hexdigest()
    return fingerprints
