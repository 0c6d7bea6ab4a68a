"""What exports draw on a frame's picture: its current number, and a label on pictures of the test model.

Frame pictures and storyboard cards are saved without a number (a number saved into a picture would be wrong after
the next move), so the strip, the comic page and the GIF draw each frame's number when they are written. Pictures
from the built-in random-weight test model carry a band saying so, in every export.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from export.pages import load_font, wrap_to_width

TEST_IMAGE_LABEL = "TEST IMAGE: random-weight test model, not a real image model"


def numbered(image: Image.Image, number: int) -> Image.Image:
    """A copy of `image` with `number` (1-based) in a badge in its top-left corner."""
    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    size = max(14, out.width // 14)
    font = load_font(size)
    text = str(number)
    pad = size // 3
    box = (pad, pad, pad + int(font.getlength(text)) + 2 * pad, pad + size + 2 * pad)
    draw.rounded_rectangle(box, radius=pad, fill=(255, 255, 255), outline=(30, 30, 30), width=2)
    draw.text((box[0] + pad, box[1] + pad // 2), text, fill=(20, 20, 20), font=font)
    return out


def with_test_label(image: Image.Image) -> Image.Image:
    """A copy of `image` with a band across its bottom saying it comes from the random-weight test model."""
    out = image.convert("RGB").copy()
    draw = ImageDraw.Draw(out)
    font = load_font(max(9, out.width // 40))
    lines = wrap_to_width(TEST_IMAGE_LABEL, font, out.width - 8)
    height = (font.size + 4) * len(lines) + 6 if hasattr(font, "size") else 14 * len(lines) + 6
    draw.rectangle([0, out.height - height, out.width, out.height], fill=(150, 20, 20))
    for number, line in enumerate(lines):
        draw.text((4, out.height - height + 3 + number * (height - 6) // len(lines)), line, fill="white", font=font)
    return out
