"""A contact sheet for judging a cast's image quality with real SDXL weights, by eye.

For each story of ``bench/data/cast_stories.json`` (girl and dog, two brothers, cat and fox, boy and dragon, three
characters; every cast has frames with everyone, with each character alone, and with nobody) it renders one row
per variant and labels each picture with who should be in it:

  mask       Storyloom's default: absent characters' columns hidden from IPCA
  suppress   also weakens absent characters' rows with SVR− (``absent: suppress``)
  everyone   the paper's multi-subject mode: every character boosted in every frame (the baseline)

    python -m bench.cast_sheet --model /models/stable-diffusion-xl-base-1.0 --out cast-sheet.png
    python -m bench.cast_sheet --model tiny --steps 2 --size 128 --out /tmp/sheet.png    # a smoke run
    python -m bench.cast_sheet --model ... --stories "two brothers" --variants mask everyone --seed 7

What to look for (cast_design.md (d)): an absent character that appears anyway; a present one missing;
merged or swapped attributes when two are together; a character that drifts between frames.
"""

from __future__ import annotations

import argparse
import json
import logging
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core.settings import GenerationSettings
from generator.cast_args import cast_spec

STORIES = Path(__file__).parent / "data" / "cast_stories.json"
VARIANTS = ("mask", "suppress", "everyone")
log = logging.getLogger("cast_sheet")


def render_row(generator, story: dict, variant: str, settings: GenerationSettings) -> list[Image.Image]:
    """The story's frames in one variant (see the module docstring)."""
    frames = story["frame_prompt_list"]
    spec = cast_spec(None, story["cast"], story.get("frame_cast") or [], story.get("style", ""), len(frames))
    presence = None if variant == "everyone" else spec.presence
    absent = "suppress" if variant == "suppress" else "mask"
    images = generator.render(spec.identity, frames, settings.model_copy(update={"absent": absent}),
                              presence=presence)
    return [images[i] for i in range(len(frames))]


def who(story: dict, index: int) -> str:
    frame_cast = (story.get("frame_cast") or [None] * len(story["frame_prompt_list"]))[index]
    if frame_cast is None:
        return "with: " + ", ".join(member["handle"] for member in story["cast"])
    return "with: " + ", ".join(frame_cast) if frame_cast else "nobody"


def contact_sheet(rows: list[tuple[str, list[str], list[Image.Image]]], tile: int = 256) -> Image.Image:
    """Rows of (row label, one label per picture, pictures) as one labelled sheet."""
    font = ImageFont.load_default()
    label_width, caption = 220, 28
    columns = max(len(images) for _, _, images in rows)
    sheet = Image.new("RGB", (label_width + columns * (tile + 4), len(rows) * (tile + caption + 8)), "white")
    draw = ImageDraw.Draw(sheet)
    for number, (label, captions, images) in enumerate(rows):
        y = number * (tile + caption + 8)
        draw.text((6, y + tile // 2), label, fill="black", font=font)
        for column, (image, text) in enumerate(zip(images, captions, strict=True)):
            x = label_width + column * (tile + 4)
            sheet.paste(image.convert("RGB").resize((tile, tile)), (x, y))
            for line, words in enumerate(textwrap.wrap(text, max(8, tile // 6))[:2]):
                draw.text((x + 2, y + tile + 2 + 12 * line), words, fill=(30, 60, 120), font=font)
    return sheet


def main(argv=None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="an SDXL diffusers folder, a cached hub id, or 'tiny'")
    parser.add_argument("--out", default="cast-sheet.png")
    parser.add_argument("--stories", nargs="+", help="story names (default: all); see bench/data/cast_stories.json")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--size", type=int, help="image side (default: the model's)")
    parser.add_argument("--tile", type=int, default=256, help="side of each picture on the sheet")
    args = parser.parse_args(argv)
    from generator import StoryGenerator

    stories = json.loads(STORIES.read_text(encoding="utf-8"))["combinations"]
    stories = [s for s in stories if not args.stories or s["name"] in args.stories or s["name"].split(" (")[0]
               in args.stories]
    generator = StoryGenerator.load(args.model)
    settings = GenerationSettings(seed=args.seed, steps=args.steps, width=args.size, height=args.size, batch_size=2)
    rows = []
    for story in stories:
        captions = [who(story, i) for i in range(len(story["frame_prompt_list"]))]
        for variant in args.variants:
            log.info("%s: %s", story["name"], variant)
            rows.append((f"{story['name'][:30]}\n{variant}", captions, render_row(generator, story, variant, settings)))
    contact_sheet(rows, args.tile).save(args.out)
    log.info("wrote %s (%d rows)", args.out, len(rows))


if __name__ == "__main__":
    main()
