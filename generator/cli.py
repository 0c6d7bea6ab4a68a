"""``python -m generator``: render stories from the command line.

Accepts the reference ``main.py`` flags (``--id_prompt``, ``--frame_prompt_list``, ``--window_length``,
``--seed``, ``--save_padding``, ``--json_path``, ``--precision``, ``--model_path``) plus Storyloom's own, among
them a cast instead of the identity prompt (``--character``, ``--frame_cast``, ``--style``: `generator.cast_args`).
Writes one PNG per frame, the story strip and a ``manifest.json`` that ``--manifest`` re-renders exactly.
"""

import argparse
import json
import logging
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from core.errors import StoryError, error_line
from core.settings import ABSENT_MODES, IPCA_MODES, MAX_SEED, SVR_MODES, GenerationSettings
from generator.cast_args import CastSpec, cast_spec, parse_character
from generator.manifest import ModelRecord, RenderManifest
from generator.strip import story_strip

log = logging.getLogger("generator")
DEFAULT_ID_PROMPT = "A photo of a red fox with coat"
DEFAULT_FRAMES = ["wearing a scarf in a meadow", "playing in the snow", "at the edge of a village with river"]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__.splitlines()[0])
    parser.add_argument("--id_prompt", help=f"identity prompt (main character; default {DEFAULT_ID_PROMPT!r})")
    parser.add_argument("--character", action="append", type=_character, default=[],
                        help='a cast member "handle=description"; repeat for each, main character first (≤ 3)')
    parser.add_argument("--frame_cast", nargs="+", default=[],
                        help='who is in each frame: "the girl,the dog", "all" or "none"; one per frame')
    parser.add_argument("--style", default="", help="a style preset (storybook, comic, ...) or phrase, put first")
    parser.add_argument("--absent", choices=ABSENT_MODES, default=GenerationSettings.model_fields["absent"].default,
                        help="absent characters: hidden from IPCA (mask) or also weakened by SVR (suppress)")
    parser.add_argument("--frame_prompt_list", nargs="+", default=DEFAULT_FRAMES, help="frame prompts")
    parser.add_argument("--json_path", help='stories file: {"combinations": [{"id_prompt", "frame_prompt_list"}]}; '
                                            'a combination may give "cast", "frame_cast" and "style" instead')
    parser.add_argument("--manifest", help="re-render exactly what a manifest.json describes")
    parser.add_argument(
        "--model",
        "--model_path",
        dest="model",
        default=None,
        help="'tiny', an SDXL diffusers folder, or a cached hub id (default: STORY_IMAGE_MODEL)",
    )
    parser.add_argument("--precision", choices=["fp16", "bf16", "fp32"], help="default: fp16 on CUDA, fp32 on CPU")
    parser.add_argument("--device", help="e.g. cuda, cuda:1, cpu (default: cuda when available)")
    parser.add_argument("--memory", choices=["auto", "full", "balanced", "low"],
                        help="GPU memory mode (default: STORY_GPU_MEMORY or auto)")
    parser.add_argument("--vae", help="a separate VAE folder, e.g. the fp16-fix SDXL VAE (default: STORY_VAE)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--random_seed", action="store_true", help="draw a random seed")
    parser.add_argument("--window_length", type=int, default=10)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--guidance", type=float, help="CFG scale (default: the model's recommended value)")
    parser.add_argument("--size", help="WIDTHxHEIGHT or one number (default: the model's native size)")
    parser.add_argument("--negative_prompt", default="")
    parser.add_argument("--batch_size", type=int, default=2)
    parser.add_argument("--ipca", choices=IPCA_MODES, default=GenerationSettings.model_fields["ipca"].default)
    parser.add_argument("--svr", choices=SVR_MODES, default=GenerationSettings.model_fields["svr"].default)
    parser.add_argument("--ipca_dropout", type=float, default=0.0)
    parser.add_argument("--save_padding", default="test", help="name tag of the output folder (reference flag)")
    parser.add_argument("--out", help="output folder (default: result/<save_padding>_seed<seed>)")
    return parser.parse_args(argv)


def _character(text: str) -> dict:
    try:
        return parse_character(text)
    except StoryError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _size(text):
    if not text:
        return None, None
    match = re.fullmatch(r"(\d+)(?:[x×](\d+))?", text.strip())
    if not match:
        raise StoryError(f"--size must look like 1024 or 1024x768, not {text!r}")
    width = int(match.group(1))
    return width, int(match.group(2) or width)


def _settings(args) -> GenerationSettings:
    from pydantic import ValidationError

    seed = random.randint(0, MAX_SEED) if args.random_seed else args.seed
    width, height = _size(args.size)
    try:
        return GenerationSettings(
            seed=seed,
            steps=args.steps,
            guidance=args.guidance,
            width=width,
            height=height,
            negative_prompt=args.negative_prompt,
            batch_size=args.batch_size,
            window_length=args.window_length,
            svr=args.svr,
            ipca=args.ipca,
            ipca_dropout=args.ipca_dropout,
            absent=args.absent,
        )
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise StoryError(f"Invalid setting: {problems}") from None


@dataclass
class Job:
    """One story to render and where its files go."""

    spec: CastSpec
    frames: list[str]
    settings: GenerationSettings
    seeds: dict[int, int]
    out: Path


def _jobs(args):
    """The stories to render, and the manifest when re-rendering one."""
    if args.manifest:
        manifest = RenderManifest.read(Path(args.manifest))
        out = Path(args.out) if args.out else Path(args.manifest).parent / "rerender"
        spec = CastSpec(manifest.identity(), manifest.presence, manifest.cast, manifest.style)
        return [Job(spec, manifest.frame_prompts, manifest.settings, manifest.seeds, out)], manifest
    settings = _settings(args)
    base = Path(args.out) if args.out else Path("result") / f"{args.save_padding}_seed{settings.seed}"
    if not args.json_path:
        id_prompt = args.id_prompt if args.id_prompt is not None or args.character else DEFAULT_ID_PROMPT
        frames = args.frame_prompt_list
        spec = cast_spec(id_prompt, args.character, args.frame_cast, args.style, len(frames))
        return [Job(spec, frames, settings, {}, base)], None
    try:
        combinations = json.loads(Path(args.json_path).read_text(encoding="utf-8"))["combinations"]
        jobs = []
        for i, c in enumerate(combinations):
            spec = cast_spec(c.get("id_prompt"), c.get("cast") or [], c.get("frame_cast") or [],
                             c.get("style", args.style), len(c["frame_prompt_list"]))
            jobs.append(Job(spec, c["frame_prompt_list"], settings, {}, base / f"{i:02d}"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise StoryError(f"Cannot read stories from {args.json_path} ({type(error).__name__}: {str(error)[:100]}); it "
                         'must hold {"combinations": [{"id_prompt": ..., "frame_prompt_list": [...]}]}.') from None
    return jobs, None


def render_job(generator, job: Job) -> RenderManifest:
    """Render one story into ``job.out``: the frames, the strip and the manifest that re-renders them."""
    out, frames, spec = job.out, job.frames, job.spec
    out.mkdir(parents=True, exist_ok=True)
    _, windows = generator.layouts(spec.identity, frames, job.settings)
    images = generator.render(spec.identity, frames, job.settings, seeds=job.seeds, presence=spec.presence,
                              on_frame=lambda i, _: log.info("frame %d/%d done", i + 1, len(frames)))
    names = []
    for index in range(len(frames)):
        names.append(f"frame_{index + 1:02d}.png")
        images[index].save(out / names[-1])
    story_strip([images[i] for i in range(len(frames))]).save(out / "story.png")
    info = generator.model_info
    pieces = [] if isinstance(spec.identity, str) else spec.identity
    manifest = RenderManifest(
        identity_prompt=spec.identity if isinstance(spec.identity, str) else " ".join(p.text for p in pieces),
        frame_prompts=list(frames),
        identity_pieces=pieces,
        presence=spec.presence,
        cast=spec.cast,
        style=spec.style,
        settings=job.settings,
        seeds=job.seeds,
        windows=windows,
        model=ModelRecord(
            name=info.name,
            kind=info.kind,
            is_test_model=info.is_test_model,
            scheduler=info.scheduler,
            dtype=info.dtype,
            fingerprints=generator.fingerprints(),
        ),
        images=names,
        strip="story.png",
    )
    manifest.write(out / "manifest.json")
    return manifest


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    try:
        jobs, manifest = _jobs(args)
        from core.config import Config
        from generator.engine import StoryGenerator

        config = Config.from_env()  # the defaults a person set in .env: STORY_IMAGE_MODEL, _GPU_MEMORY, _VAE, _SPEED
        model = args.model or (manifest.model.name if manifest and manifest.model else None) or config.image_model
        generator = StoryGenerator.load(model, device=args.device, precision=args.precision,
                                        memory=args.memory or config.gpu_memory, vae=args.vae or config.vae or None,
                                        speed=config.speed)
        if generator.model_info.is_test_model:
            log.warning("Using the built-in tiny TEST model (random weights): images are noise, not art.")
        for job in jobs:
            render_job(generator, job)
            log.info("wrote %s", job.out)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # one line a person can act on (a Storyloom error, a file error, else what it was)
        print(error_line(error, log, logging.DEBUG), file=sys.stderr)
        return 2
    return 0
