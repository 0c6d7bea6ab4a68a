"""The horizontal story strip: frames side by side, as the reference saves its "story image"."""

from collections.abc import Sequence

from PIL import Image


def story_strip(images: Sequence[Image.Image], gap: int = 0, background=(255, 255, 255)) -> Image.Image:
    """Concatenate ``images`` left to right (heights matched to the first image)."""
    if not images:
        raise ValueError("a story strip needs at least one image")
    height = images[0].height
    scaled = [im if im.height == height else im.resize((round(im.width * height / im.height), height)) for im in images]
    strip = Image.new("RGB", (sum(im.width for im in scaled) + gap * (len(scaled) - 1), height), background)
    x = 0
    for im in scaled:
        strip.paste(im.convert("RGB"), (x, 0))
        x += im.width + gap
    return strip
