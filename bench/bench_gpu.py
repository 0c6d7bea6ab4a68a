"""The engine on the user's path, per memory mode: an SDXL-architecture folder (every component at SDXL base
1.0's real configuration, random weights) saved as a diffusers folder with fp16 safetensors, loaded through
`StoryGenerator.load(folder, memory=...)` like a person's model, and rendered side by side with the stock
pipeline in the same run.

Prints per mode: per-frame time of a 4-frame story ÷ the stock pipeline's one frame (IPCA fast at batch 1 and
at the default batch 2), peak allocated and reserved GiB (CUDA; process RSS above idle on CPU), load seconds;
and under it a two-character story's row (girl and dog, each frame with its own cast, batch 2): per frame ÷
stock and ÷ the same frames as a cast of one, and its peak memory above the cast of one's.

    python -m bench.bench_gpu                  # CUDA: 1024x1024, 30 steps; CPU: 256x256, 2 steps
    python -m bench.bench_gpu --config tiny    # the tiny architecture (seconds, for a smoke run)
    python -m bench.bench_gpu --modes full low --size 768 --steps 20

Targets (issue #9, measured on a GPU): default mode ≤ 10 GiB allocated at 1024², low ≤ 7 GiB, fast batch 1
≤ 1.03× stock, default batch ≤ 0.7× stock per frame with the speed work.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from pathlib import Path

import torch

from bench.bench_generator import cast_runs, story_runs, timed
from generator import GenerationSettings, StoryGenerator

GIB = 1024**3


def sdxl_components(seed: int = 0) -> dict:
    """SDXL base 1.0's real configuration for every component (random weights, the real CLIP tokenizer)."""
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from generator.tiny import full_size_unet_config
    from generator.tokens import load_clip_tokenizer

    tokenizer = load_clip_tokenizer()
    torch.manual_seed(seed)
    common = dict(vocab_size=len(tokenizer), max_position_embeddings=77, bos_token_id=tokenizer.bos_token_id,
                  eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    text_encoder = CLIPTextModel(CLIPTextConfig(hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                                num_attention_heads=12, projection_dim=768,
                                                hidden_act="quick_gelu", **common))
    text_encoder_2 = CLIPTextModelWithProjection(CLIPTextConfig(
        hidden_size=1280, intermediate_size=5120, num_hidden_layers=32, num_attention_heads=20, projection_dim=1280,
        hidden_act="gelu", **common))
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, sample_size=1024,
        block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4, scaling_factor=0.13025, force_upcast=True)
    unet = UNet2DConditionModel(**full_size_unet_config())
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       num_train_timesteps=1000, steps_offset=1, timestep_spacing="leading")
    return dict(unet=unet, vae=vae, text_encoder=text_encoder, text_encoder_2=text_encoder_2,
                tokenizer=tokenizer, tokenizer_2=load_clip_tokenizer(), scheduler=scheduler)


def save_folder(config: str, folder: Path) -> Path:
    """The model as a person has it: a diffusers folder with fp16 safetensors."""
    from diffusers import StableDiffusionXLPipeline

    from generator.tiny import tiny_components

    components = sdxl_components() if config == "sdxl" else tiny_components()
    pipe = StableDiffusionXLPipeline(**components).to(dtype=torch.float16)
    pipe.save_pretrained(folder, variant="fp16", safe_serialization=True)
    del pipe, components
    gc.collect()
    return folder


def bench_mode(folder: Path, mode: str, settings: GenerationSettings, frames: int) -> dict:
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    speed = mode.endswith("+speed")
    started = time.perf_counter()
    generator = StoryGenerator.load(str(folder), memory=mode.removesuffix("+speed"), speed=speed)
    load = time.perf_counter() - started
    every = story_runs(generator, settings, frames)
    cast = cast_runs(generator, settings, min(frames, 4))
    runs = {"stock": every["stock, 1 frame"], "fast b1": every["fast, batch 1"],
            f"fast b{settings.batch_size}": every[f"fast, batch {settings.batch_size}"],
            "cast of one": cast["cast of one"], "two characters": cast["two characters"]}
    runs["stock"]()  # warm-up
    started = time.perf_counter()
    runs[f"fast b{settings.batch_size}"]()  # the first story render (compiles in speed mode)
    first = time.perf_counter() - started
    best = {name: (float("inf"), 0) for name in runs}
    reserved = 0
    for _ in range(2):
        for name, work in runs.items():
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats()
            elapsed, peak = timed(device, work)
            if device.type == "cuda":
                peak = torch.cuda.max_memory_allocated()
                reserved = max(reserved, torch.cuda.max_memory_reserved())
            best[name] = (min(best[name][0], elapsed), max(best[name][1], peak))
    steady = best[f"fast b{settings.batch_size}"][0]
    label = generator.model_info.memory_mode + ("+speed" if speed else "")
    return {"mode": label, "load": load, "best": best, "reserved": reserved, "compile": max(0.0, first - steady)}


def cast_row(best: dict, frames: int, stock: float) -> str:
    """The two-character story under its mode's row: per frame ÷ stock, ÷ a cast of one, and extra peak memory."""
    (one, one_peak), (two, two_peak) = best["cast of one"], best["two characters"]
    return (f"{'  2 chars':<12}{'':>18}{two / (frames * stock):>33.3f}x stock, {two / one:.3f}x a cast of one, "
            f"peak {(two_peak - one_peak) / GIB:+.2f} GiB")


def main(argv=None) -> None:
    cuda = torch.cuda.is_available()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", choices=["sdxl", "tiny"], default="sdxl")
    parser.add_argument("--modes", nargs="+", default=["full", "balanced", "low", "full+speed"],
                        help="memory modes; '+speed' adds the speed mode (fused QKV, channels-last, torch.compile)")
    parser.add_argument("--size", type=int, default=1024 if cuda else 256)
    parser.add_argument("--steps", type=int, default=30 if cuda else 2)
    parser.add_argument("--frames", type=int, default=4)
    args = parser.parse_args(argv)
    settings = GenerationSettings(steps=args.steps, batch_size=2, seed=1, width=args.size, height=args.size)
    device = f"cuda {torch.cuda.get_device_name()}" if cuda else "cpu (process CPU seconds, RSS)"
    print(f"torch {torch.__version__}, device: {device}; {args.config} config, {args.size}x{args.size}, "
          f"{args.steps} steps, {args.frames} frames", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        folder = save_folder(args.config, Path(scratch) / "model")
        print(f"saved the fp16 folder in {time.perf_counter() - started:.0f} s", flush=True)
        print(f"{'mode':<12}{'load s':>8}{'compile s':>10}{'fast b1 / stock':>17}{'fast b2 / stock':>17}"
              f"{'peak alloc GiB':>16}{'reserved GiB':>14}")
        for mode in args.modes:
            row = bench_mode(folder, mode, settings, args.frames)
            gc.collect()  # the previous mode's pipeline goes before the next one loads
            if cuda:
                torch.cuda.empty_cache()
            stock = row["best"]["stock"][0]
            ratios = [row["best"][name][0] / (args.frames * stock) for name in ("fast b1", "fast b2")]
            peak = max(p for _, p in row["best"].values()) / GIB
            print(f"{row['mode']:<12}{row['load']:>8.1f}{row['compile']:>10.1f}{ratios[0]:>16.3f}x"
                  f"{ratios[1]:>16.3f}x{peak:>16.2f}{row['reserved'] / GIB:>14.2f}", flush=True)
            print(cast_row(row["best"], min(args.frames, 4), stock), flush=True)


if __name__ == "__main__":
    main()
