"""Export a story: one PNG per frame, the strip, a comic page, a PDF picture book, a GIF, Markdown, JSON.

Pillow writes the images and the GIF, fpdf2 the PDF, `zipfile` the archive. File names come from the title
through `safe_filename`. Frames without an image are exported as storyboard cards, so an export always
works. The JSON is the story file itself: `python -m agent render` re-renders it exactly.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from core.cast import label_of
from core.errors import InvalidStoryError
from core.story import Story
from export.cards import storyboard_card, who_is_in
from export.marks import TEST_IMAGE_LABEL, numbered, with_test_label
from export.pages import comic_page, drawable, unicode_font_path
from storage.files import atomic_write_bytes, save_png

FORMATS = ("png", "strip", "page", "pdf", "gif", "md", "json", "zip", "all")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_filename(title: str, fallback: str = "story", max_length: int = 60) -> str:
    """A file-name stem from a title: letters/digits (any script), '-' between words, no dots or slashes."""
    text = unicodedata.normalize("NFKC", title)
    text = "".join(ch if ch.isalnum() else "-" for ch in text)
    text = re.sub(r"-{2,}", "-", text).strip("-")[:max_length].strip("-").lower()
    if not text or text in _RESERVED:
        return fallback if not text else f"{fallback}-{text}"
    return text


def cast_lines(story: Story) -> list[str]:
    """One line per character of a cast of two or more ("Mia (the girl): a girl with red braids"); [] for one."""
    if len(story.cast) < 2:
        return []
    return [f"{m.name} ({label_of(m)}): {m.description}" if m.name and m.name != label_of(m)
            else f"{label_of(m)}: {m.description}" for m in story.cast]


def _frame_images(story: Story, images: Sequence[Path | None], test_images: Sequence[int] = ()) -> list[Image.Image]:
    """One picture per frame (a storyboard card where there is none), one size; the test model's labelled."""
    out = []
    who = who_is_in(story)
    for index, path in enumerate(images):
        if path is not None and Path(path).is_file():
            with Image.open(path) as image:
                out.append(image.convert("RGB"))
        else:
            out.append(storyboard_card(story.frames[index].prompt, who=who.get(index, "")))
    if out:  # the strip, page and GIF need one size
        size = out[0].size
        out = [im if im.size == size else im.resize(size) for im in out]
    return [with_test_label(im) if index in test_images else im for index, im in enumerate(out)]


def _captions(story: Story) -> list[str]:
    return [drawable(f.caption or f.prompt, f.prompt) for f in story.frames]


def write_pdf(story: Story, images: list[Image.Image], path: Path) -> None:
    """A picture book: a title page, then one frame and its caption per page (A5 landscape)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format=(148, 210))  # A5
    pdf.set_auto_page_break(False)
    font_path = unicode_font_path()
    if font_path is not None:
        pdf.add_font("Body", fname=str(font_path))
        family = "Body"
    else:
        family = "Helvetica"

    def text(value: str) -> str:
        value = drawable(value, "")
        return value if font_path is not None else value.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, size=26)
    pdf.set_y(60)
    pdf.multi_cell(0, 12, text(story.title) or "Story", align="C")
    if cast_lines(story):
        pdf.set_font(family, size=12)
        pdf.ln(6)
        for line in cast_lines(story):
            pdf.multi_cell(0, 7, text(line), align="C", new_x="LMARGIN", new_y="NEXT")
    for index, (image, caption) in enumerate(zip(images, _captions(story), strict=False)):
        pdf.add_page()
        height = 110
        width = height * image.width / image.height
        pdf.image(image, x=(pdf.w - width) / 2, y=10, h=height)
        pdf.set_font(family, size=13)
        pdf.set_xy(15, 126)
        pdf.multi_cell(pdf.w - 30, 7, f"{index + 1}. {text(caption)}", align="C")
    atomic_write_bytes(path, bytes(pdf.output()))


def _md(text: str) -> str:
    """Story text as inert Markdown: HTML escaped, link and image syntax and script URLs defused."""
    import html
    import re

    text = html.escape(" ".join(text.split()), quote=False)
    text = re.sub(r"(?i)\b(javascript|vbscript|data):", r"\1 :", text)  # no longer a URL scheme
    return re.sub(r"([\[\]()!`*_#<>|])", r"\\\1", text)


def write_markdown(story: Story, png_names: list[str], path: Path, test_images: Sequence[int] = ()) -> None:
    lines = [f"# {_md(story.title)}", ""]
    if story.idea:
        lines += [f"> {_md(story.idea)}", ""]
    if test_images:
        lines += [f"_{_md(TEST_IMAGE_LABEL)}: {_md(', '.join(f'frame {i + 1}' for i in test_images))}._", ""]
    if cast_lines(story):
        members = [f"- {_md(line)}" for line in cast_lines(story)]
        lines += ["**Cast:**", "", *members, "", f"**Style:** {_md(story.style)}", ""]
    else:
        lines += [f"**Character:** {_md(story.identity_prompt)}  ", f"**Style:** {_md(story.style)}", ""]
    who = who_is_in(story)
    for index, (frame, name) in enumerate(zip(story.frames, png_names, strict=False)):
        lines += [f"## {index + 1}. {_md(frame.caption or frame.prompt)}", "", f"![Frame {index + 1}]({name})", "",
                  f"_Prompt:_ {_md(frame.prompt)}", ""]
        if index in who:
            lines += [f"_{_md(who[index])}_", ""]
    atomic_write_bytes(path, "\n".join(lines).encode("utf-8"))


def export_story(story: Story, images: Sequence[Path | None], fmt: str, out_dir: Path,
                 layout: str = "grid", test_images: Sequence[int] = ()) -> list[Path]:
    """Write `fmt` (see FORMATS) into `out_dir`; returns the paths written.

    Args:
        story: the story to export.
        images: the image shown for each frame (None → a storyboard card).
        fmt: png (one per frame), strip, page, pdf, gif, md, json, zip (all of them zipped) or all.
        out_dir: target folder (created).
        layout: comic page layout (export.pages.LAYOUTS).
        test_images: frames whose picture comes from the random-weight test model (labelled as such).

    The strip, the page and the GIF draw each frame's current number on it (`export.marks`); the PDF and the
    Markdown write it beside the caption.
    """
    if fmt not in FORMATS:
        raise InvalidStoryError(f"Unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    if not story.frames:
        raise InvalidStoryError("The story has no frames yet; plan it first.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = safe_filename(story.title)
    frames = _frame_images(story, images, test_images)
    shown = [numbered(image, index + 1) for index, image in enumerate(frames)]  # strip, page and GIF
    wanted = {"png", "strip", "page", "pdf", "gif", "md", "json"} if fmt in ("all", "zip") else {fmt}
    written: list[Path] = []
    png_names = [f"{stem}-frame-{i + 1:02d}.png" for i in range(len(frames))]
    if "png" in wanted or "md" in wanted:
        for image, name in zip(frames, png_names, strict=False):
            save_png(image, out_dir / name)
            written.append(out_dir / name)
    if "strip" in wanted:
        from generator.strip import story_strip

        save_png(story_strip(shown, gap=8), out_dir / f"{stem}-strip.png")
        written.append(out_dir / f"{stem}-strip.png")
    if "page" in wanted:
        subtitle = drawable("Cast: " + "; ".join(cast_lines(story)), "") if cast_lines(story) else ""
        page = comic_page(shown, _captions(story), drawable(story.title, "Story"), layout, subtitle=subtitle)
        save_png(page, out_dir / f"{stem}-page-{layout}.png")
        written.append(out_dir / f"{stem}-page-{layout}.png")
    if "pdf" in wanted:
        write_pdf(story, frames, out_dir / f"{stem}.pdf")
        written.append(out_dir / f"{stem}.pdf")
    if "gif" in wanted:
        shown[0].save(out_dir / f"{stem}.gif", save_all=True, append_images=shown[1:], duration=1200, loop=0)
        written.append(out_dir / f"{stem}.gif")
    written += _texts(story, wanted, out_dir, stem, png_names, test_images)
    return [_zipped(written, out_dir / f"{stem}.zip", stem)] if fmt == "zip" else written


def _texts(story: Story, wanted: set[str], out_dir: Path, stem: str, png_names: list[str],
           test_images: Sequence[int]) -> list[Path]:
    """The Markdown and the JSON, when `wanted`."""
    written = []
    if "md" in wanted:
        write_markdown(story, png_names, out_dir / f"{stem}.md", test_images)
        written.append(out_dir / f"{stem}.md")
    if "json" in wanted:
        atomic_write_bytes(out_dir / f"{stem}.json", story.to_json().encode("utf-8"))
        written.append(out_dir / f"{stem}.json")
    return written


def _zipped(paths: list[Path], archive: Path, folder: str) -> Path:
    """`paths` moved into the ZIP `archive`, under `folder/`."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in paths:
            bundle.write(path, arcname=f"{folder}/{path.name}")
    for path in paths:
        path.unlink()
    return archive
