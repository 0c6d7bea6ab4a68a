"""Comic pages: frames with their captions laid out on one image, in a few layouts.

Layouts: "grid" (two columns, reading order left→right, top→bottom), "row" (one strip with captions under
each frame), "column" (one frame per row, caption beside it). Pillow only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

LAYOUTS = ("grid", "row", "column")
# Fonts that also draw Chinese/Japanese come first (Debian: fonts-wqy-microhei, installed by `make test`).
CJK_FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
_FONT_PATHS = (*CJK_FONT_PATHS, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
               "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WIDE = re.compile(f"[{_CJK}]")  # CJK: a line may break between any two such characters
_TOKENS = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")  # one CJK character, or a word


def unicode_font_path() -> Path | None:
    """A TrueType font with the widest coverage the system has: a CJK font, else DejaVu or Liberation Sans."""
    return next((Path(p) for p in _FONT_PATHS if Path(p).is_file()), None)


def has_cjk_font() -> bool:
    path = unicode_font_path()
    return path is not None and str(path) in CJK_FONT_PATHS


def load_font(size: int) -> ImageFont.ImageFont:
    path = unicode_font_path()
    if path is not None:
        return ImageFont.truetype(str(path), size)
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):
        return ImageFont.load_default()


def drawable(text: str, fallback: str) -> str:
    """`text` when the system's fonts can draw it, else `fallback` (CJK text needs a CJK font)."""
    return text if has_cjk_font() or all(ord(ch) < 0x2E80 for ch in text) else fallback


def wrap_to_width(text: str, font, width: int) -> list[str]:
    """`text` in lines that fit `width` pixels in `font`: broken between words (between any two CJK characters),
    a word longer than a line broken between letters; nothing is left out."""
    tokens = _TOKENS.findall(text)
    lines: list[str] = []
    line = ""
    for token in tokens:
        joined = f"{line}{'' if not line or _WIDE.match(token) or _WIDE.match(line[-1]) else ' '}{token}"
        if not line or font.getlength(joined) <= width:
            line = joined if line else token
        else:
            lines.append(line)
            line = token
        while font.getlength(line) > width and len(line) > 1:  # one word wider than the line
            cut = next(i for i in range(len(line), 0, -1) if font.getlength(line[:i]) <= width or i == 1)
            lines.append(line[:cut])
            line = line[cut:]
    return lines + ([line] if line else [])


def _panel(image: Image.Image, caption: str, width: int, font) -> Image.Image:
    """One frame scaled to `width`, with its whole caption wrapped beneath it (the panel grows to fit it)."""
    scaled = image.convert("RGB").resize((width, round(image.height * width / image.width)))
    line_height = font.size + 4 if hasattr(font, "size") else 14
    lines = wrap_to_width(caption, font, width - 8)
    panel = Image.new("RGB", (width, scaled.height + line_height * max(1, len(lines)) + 12), "white")
    panel.paste(scaled, (0, 0))
    draw = ImageDraw.Draw(panel)
    draw.rectangle([0, 0, width - 1, scaled.height - 1], outline="black", width=2)
    for number, line in enumerate(lines):
        draw.text((4, scaled.height + 6 + number * line_height), line, fill="black", font=font)
    return panel


def comic_page(images: Sequence[Image.Image], captions: Sequence[str], title: str, layout: str = "grid",
               panel_width: int = 384, subtitle: str = "") -> Image.Image:
    """A captioned comic page.

    Args:
        images: one image per frame, in story order (numbered already, see `export.marks.numbered`).
        captions: one caption per frame (already drawable, see `drawable`); wrapped whole, never cut.
        title: drawn at the top.
        layout: one of LAYOUTS.
        panel_width: width of each panel in pixels ("column" uses it for the image beside the caption).
        subtitle: a line under the title (the cast), wrapped to the page; "" = none.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    font, title_font = load_font(max(12, panel_width // 24)), load_font(max(16, panel_width // 12))
    panels = [_panel(im, cap, panel_width, font) for im, cap in zip(images, captions, strict=False)]
    gap, header = 16, title_font.size + 24 if hasattr(title_font, "size") else 40
    columns = {"grid": 2 if len(panels) > 1 else 1, "row": len(panels), "column": 1}[layout]
    width = columns * (panel_width + gap) + gap
    line_height = font.size + 4 if hasattr(font, "size") else 14
    sub_lines = wrap_to_width(subtitle, font, width - 2 * gap) if subtitle else []
    header += len(sub_lines) * line_height
    rows = -(-len(panels) // columns)
    cell_h = max(p.height for p in panels)
    page = Image.new("RGB", (width, header + rows * (cell_h + gap) + gap), "white")
    draw = ImageDraw.Draw(page)
    draw.text((gap, 10), title, fill="black", font=title_font)
    for number, line in enumerate(sub_lines):
        draw.text((gap, header - (len(sub_lines) - number) * line_height - 6), line, fill=(60, 60, 60), font=font)
    for index, panel in enumerate(panels):
        row, col = divmod(index, columns)
        page.paste(panel, (gap + col * (panel_width + gap), header + row * (cell_h + gap)))
    return page
