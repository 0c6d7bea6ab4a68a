"""Export, checked by opening what was written; the CLI's outputs and exit codes; import costs nothing."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from agent.cli import EXIT_ERROR, EXIT_OK, EXIT_QUESTION, main
from core.errors import InvalidStoryError
from core.story import Story
from export.pages import LAYOUTS, comic_page
from export.story import export_story, safe_filename
from language.planner import plan_story


@pytest.fixture()
def story():
    planned, _ = plan_story("A robot learns to paint. It paints the sea. It paints the moon. It gives a child a "
                            "painting.", None, frames=4)
    return planned.model_copy(update={"title": "Robot / Painter: ../the “Sea”"})


def images(tmp_path, n=4):
    paths = []
    for i in range(n):
        path = tmp_path / f"in{i}.png"
        Image.new("RGB", (64, 64), (40 * i, 80, 120)).save(path)
        paths.append(path)
    return paths


def test_all_formats_open_back(story, tmp_path):
    written = export_story(story, images(tmp_path), "all", tmp_path / "out")
    names = sorted(p.name for p in written)
    stem = "robot-painter-the-sea"
    assert names == sorted([f"{stem}-frame-0{i}.png" for i in range(1, 5)] + [
        f"{stem}-strip.png", f"{stem}-page-grid.png", f"{stem}.pdf", f"{stem}.gif", f"{stem}.md", f"{stem}.json"])
    out = tmp_path / "out"
    assert len(PdfReader(out / f"{stem}.pdf").pages) == 1 + 4  # title page + one page per frame
    gif = Image.open(out / f"{stem}.gif")
    assert gif.n_frames == 4
    assert Image.open(out / f"{stem}-strip.png").size == (4 * 64 + 3 * 8, 64)
    assert Story.from_json((out / f"{stem}.json").read_text()) == story
    markdown = (out / f"{stem}.md").read_text()
    assert f"![Frame 4]({stem}-frame-04.png)" in markdown and story.frames[0].prompt in markdown


def test_zip_holds_everything(story, tmp_path):
    (archive,) = export_story(story, [None] * 4, "zip", tmp_path)  # no images: storyboard cards
    listing = zipfile.ZipFile(archive).namelist()
    assert len(listing) == 10 and all(name.startswith("robot-painter-the-sea/") for name in listing)
    assert list(tmp_path.iterdir()) == [archive]


def test_comic_page_layouts(story):
    frames = [Image.new("RGB", (64, 64), "red")] * 4
    sizes = {layout: comic_page(frames, ["a caption"] * 4, "T", layout, panel_width=100).size for layout in LAYOUTS}
    assert sizes["row"][0] > sizes["grid"][0] > sizes["column"][0]
    assert sizes["column"][1] > sizes["grid"][1] > sizes["row"][1]


def test_chinese_story_exports_pdf(tmp_path):
    zh, _ = plan_story("小猫在森林里找到一个月亮。晚上它回家了。", None, frames=2)
    written = export_story(zh, [None, None], "pdf", tmp_path)
    assert len(PdfReader(written[0]).pages) == 3


@pytest.mark.parametrize("title, expected", [
    ("../../etc/passwd", "etc-passwd"), ("CON", "story-con"), ("", "story"), ("  ...  ", "story"),
    ("小猫 的 月亮", "小猫-的-月亮"), ("A" * 100, "a" * 60),
])
def test_safe_filename(title, expected):
    assert safe_filename(title) == expected


def test_bad_format_and_empty_story(story, tmp_path):
    with pytest.raises(InvalidStoryError):
        export_story(story, [None] * 4, "docx", tmp_path)
    with pytest.raises(InvalidStoryError):
        export_story(Story(), [], "pdf", tmp_path)


def test_cli_plan_revise_render_export(tmp_path, capsys):
    path = tmp_path / "s" / "story.json"
    assert main(["plan", "--idea", "A fox finds a lantern. It walks home.", "--frames", "3", "--no-llm",
                 "--out", str(path)]) == EXIT_OK
    assert len(Story.from_json(path.read_text()).frames) == 3
    assert main(["revise", str(path), "--message", "swap 1 and 3", "--no-llm"]) == EXIT_OK
    assert "Swapped frames 1 and 3" in capsys.readouterr().out
    assert main(["revise", str(path), "--message", "frame 7: x", "--no-llm"]) == EXIT_QUESTION
    assert "There is no frame 7" in capsys.readouterr().out
    assert main(["render", str(path), "--model", "storyboard"]) == EXIT_OK
    rendered = capsys.readouterr().out.split()
    assert len(rendered) == 3 and all(Path(p).is_file() for p in rendered)
    assert main(["export", str(path), "--format", "gif", "--out", str(tmp_path / "x")]) == EXIT_OK
    assert Image.open(capsys.readouterr().out.strip()).n_frames == 3
    assert main(["render", str(tmp_path / "nope.json")]) == EXIT_ERROR
    assert "No story file" in capsys.readouterr().err
    assert main(["plan", "--idea", "x", "--frames", "40", "--no-llm"]) == EXIT_ERROR
    assert main(["plan", "--idea", "dragon", "--no-llm"]) == EXIT_OK  # a word alone: one frame, the rest offered
    assert len(json.loads(capsys.readouterr().out)["frames"]) == 1


def test_importing_the_agent_loads_no_model_and_no_ui():
    code = ("import sys, agent.session, agent.cli, language.planner, language.revise, export.story, llm.chat; "
            "heavy = {'chainlit', 'llama_cpp', 'torch', 'diffusers'} & set(sys.modules); "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


def test_chinese_captions_reach_the_pdf_when_a_cjk_font_exists(tmp_path):
    from export.pages import has_cjk_font

    planned, _ = plan_story("一只穿红色围巾的小狐狸在雪地里丢了围巾，一只乌鸦帮它找回来", None, frames=3)
    chinese = planned.frames[0].caption
    assert any(ord(ch) >= 0x4E00 for ch in chinese)
    (pdf,) = export_story(planned, images(tmp_path, 3), "pdf", tmp_path / "out")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    # `make test` installs Debian's fonts-wqy-microhei; without any CJK font the English prompt stands in.
    expected = chinese if has_cjk_font() else planned.frames[0].prompt
    assert expected.replace(" ", "")[:8] in text.replace(" ", "").replace("\n", "")
