"""A newcomer's first run in a real browser (issue 16), read back from the screen and from the files.

`scripts/init_env.py` writes a fresh settings file and prints the login; the server (`python -m chatapp.serve`)
reads that file and says where the login is; a wrong password is answered in words, the printed one lets the
person in. Then, with storyboard cards (fast on two cores): the story view after an idea, a move and an undo
(numbers and captions as in story.json), a caption written through the story view's Caption button, an export
whose comic page, PDF and frame pictures show the current numbers and captions, a reopened chat that shows the
story once (also after a reload), a revision typed into a new empty chat, and a phone-width page where the chat
stays in view after a revision and the story view opens only from the Story button. Screenshots of each step go to
test-artifacts/e2e/ (20-... to 32-...).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile

import pytest
from browser_fixtures import ROOT, AppServer
from PIL import Image, ImageChops
from pypdf import PdfReader
from test_app_browser import ARTIFACTS, WAIT_MS, browser, export_zip, send, shot, wait_idle  # noqa: F401 (browser: a fixture)

pytestmark = pytest.mark.browser

IDEA = "A small red fox finds a glowing lantern in the forest and follows its light home."


@pytest.fixture()
def first_run(tmp_path):
    """A settings file made the way `make run` makes it the first time, the login it printed, and a server that
    reads that file (nothing of the login comes from the test's own environment)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env_file = tmp_path / ".env"
    printed = subprocess.run([sys.executable, "scripts/init_env.py", "--env", str(env_file), "--example",
                              str(ROOT / ".env.example")], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    login = re.search(r"user name: (\S+)\s+password: (\S+)", printed)
    assert login, printed
    log = ARTIFACTS / "server-first-run.log"
    log.write_text("")
    server = AppServer("app.py", tmp_path, log, STORY_IMAGE_MODEL="", CHAINLIT_ENV_FILE=str(env_file))
    for key in ("STORY_USERNAME", "STORY_PASSWORD", "CHAINLIT_AUTH_SECRET"):
        server.env.pop(key, None)
    server.start()
    yield server, login.group(1), login.group(2), env_file
    server.stop()


def story_json(server: AppServer) -> dict:
    (story_dir,) = server.story_dirs()
    return json.loads((story_dir / "story.json").read_text())


def view_frames(page) -> list[tuple[str, str]]:
    """(number, caption) of every frame in the story view, as the person reads them."""
    frames = page.locator("#story-view .story-frame")
    return [(frames.nth(i).locator(".frame-number").inner_text(),
             frames.nth(i).locator(".frame-caption").inner_text().rstrip(" ✎")) for i in range(frames.count())]


def saved_frames(server: AppServer) -> list[tuple[str, str]]:
    return [(f"Frame {i + 1}", f["caption"]) for i, f in enumerate(story_json(server)["frames"])]


def view_matches_story(page, server: AppServer) -> None:
    """Wait until the story view shows every frame with its current number and caption (it is sent after each
    change), and check it against story.json."""
    for _ in range(100):
        if view_frames(page) == saved_frames(server):
            return
        page.wait_for_timeout(200)
    assert view_frames(page) == saved_frames(server)


def test_a_newcomer_s_first_run(first_run, browser):  # noqa: F811 (the imported fixture)
    server, user, password, env_file = first_run
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        log_in_with_what_was_printed(page, server, user, password, env_file)
        the_story_view_after_a_move_an_undo_and_a_caption(page, server)
        an_export_with_current_numbers_and_captions(page, server)
        a_reopened_chat_and_a_revision_in_an_empty_chat(page, server)
        a_phone(page, server)
    except BaseException:
        shot(page, "failure-first-run")
        raise


def log_in_with_what_was_printed(page, server, user, password, env_file) -> None:
    banner = server.log_path.read_text()
    assert f"open {server.url} in your browser and log in with user name: {user}" in banner
    assert str(env_file) in banner  # where the password is, on every start
    page.goto(server.url + "/login")
    page.get_by_text("User name").wait_for()
    assert page.get_by_text("Email").count() == 0
    page.locator("#email").fill(user)
    page.locator("#password").fill(password + "-typo")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("Wrong user name or password").first.wait_for()
    assert page.get_by_text("credentialssignin").count() == 0
    shot(page, "20-wrong-login")
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.locator("#chat-input").wait_for()
    assert page.locator("#upload-button, input[type=file]").filter(visible=True).count() == 0  # no paperclip
    shot(page, "21-first-screen")


def the_story_view_after_a_move_an_undo_and_a_caption(page, server) -> None:
    send(page, IDEA)
    page.locator("#story-view .story-frame").nth(3).wait_for()
    wait_idle(page)
    view_matches_story(page, server)
    planned = saved_frames(server)
    thread = page.locator("a[href^='/thread/']").first
    assert thread.inner_text().strip() == story_json(server)["title"]  # the chat is named after the story
    shot(page, "22-story-view")

    send(page, "put the last frame first")
    page.get_by_text("Moved frame 4 to position 1").wait_for()
    wait_idle(page)
    view_matches_story(page, server)
    assert [caption for _, caption in view_frames(page)] == [planned[3][1]] + [c for _, c in planned[:3]]
    shot(page, "23-after-a-move")

    send(page, "undo")
    page.get_by_text(re.compile(r"^Undo: ")).last.wait_for()
    wait_idle(page)
    view_matches_story(page, server)
    assert view_frames(page) == planned
    shot(page, "24-after-undo")

    send(page, "swap frames 1 and 3")
    page.get_by_text("Swapped frames 1 and 3").wait_for()
    wait_idle(page)
    page.locator("#story-view .story-frame").nth(1).get_by_role("button", name="Caption").click()
    page.get_by_text("Send the words to show under frame 2").wait_for()
    send(page, "The fox waves at the moon.")
    wait_idle(page)
    view_matches_story(page, server)
    second = story_json(server)["frames"][1]
    assert (second["caption"], second["caption_by_person"]) == ("The fox waves at the moon.", True)
    shot(page, "25-caption")


def an_export_with_current_numbers_and_captions(page, server) -> None:
    from export.cards import storyboard_card
    from export.marks import numbered
    from export.pages import comic_page

    story = story_json(server)
    with zipfile.ZipFile(export_zip(page, "first-run-story.zip")) as bundle:
        names = bundle.namelist()
        page_png = ARTIFACTS / "26-export-page.png"
        page_png.write_bytes(bundle.read(next(n for n in names if "-page-" in n)))
        pdf = ARTIFACTS / "first-run-story.pdf"
        pdf.write_bytes(bundle.read(next(n for n in names if n.endswith(".pdf"))))
        frame_names = sorted(n for n in names if "-frame-" in n)
        cards = [storyboard_card(frame["prompt"]) for frame in story["frames"]]
        for card, name in zip(cards, frame_names, strict=True):  # each picture in its current place
            with bundle.open(name) as handle:
                assert not ImageChops.difference(card, Image.open(handle).convert("RGB")).getbbox(), name
    captions = [frame["caption"] for frame in story["frames"]]
    expected = comic_page([numbered(card, i + 1) for i, card in enumerate(cards)], captions, story["title"])
    assert not ImageChops.difference(expected, Image.open(page_png).convert("RGB")).getbbox()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    for number, caption in enumerate(captions, start=1):
        assert f"{number}. {caption}" in text
    assert "2. The fox waves at the moon." in text
    shot(page, "27-export")


def a_reopened_chat_and_a_revision_in_an_empty_chat(page, server) -> None:
    title = story_json(server)["title"]
    page.goto(server.url + "/")
    page.locator("#chat-input").wait_for()
    page.locator("a[href^='/thread/']").first.click()
    page.get_by_text("is open again").wait_for()
    page.locator("#story-view .story-frame").nth(3).wait_for()
    page.reload()  # a second reopening replaces the first one's line
    page.get_by_text("is open again").wait_for()
    page.locator("#story-view .story-frame").nth(3).wait_for()
    page.wait_for_timeout(1000)
    assert page.get_by_text("is open again").count() == 1
    assert page.locator("#story-view .story-frame").count() == 4  # the story once
    view_matches_story(page, server)
    shot(page, "28-reopened")

    page.locator("#new-chat-button").click()
    page.get_by_text("stays in the history").wait_for()  # the New chat warning says what really happens
    page.wait_for_timeout(600)  # the dialog's fade-in
    shot(page, "29-new-chat")
    page.locator("#confirm").click()
    page.locator("#chat-input").wait_for()
    page.wait_for_timeout(500)
    send(page, "make the ninth frame at night")
    page.get_by_text("There is no story in this chat yet").wait_for()
    button = page.locator("#open-last-story")
    button.wait_for()
    assert title in button.inner_text() and len(server.story_dirs()) == 1  # no story made from the request
    shot(page, "30-no-story-yet")
    button.click()
    page.get_by_text("is open again").wait_for()
    page.locator("#story-view .story-frame").nth(3).wait_for()


def a_phone(page, server) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.locator("#chat-input").wait_for()
    page.get_by_text("is open again").wait_for()
    page.wait_for_timeout(1000)
    assert page.locator("#story-view").count() == 0  # the reopened chat does not cover itself with the view
    send(page, "make frame 2 at night")
    page.get_by_text(re.compile("frame 2 changed")).last.wait_for()
    wait_idle(page)
    page.wait_for_timeout(1000)
    assert page.locator("#story-view").count() == 0 and page.locator("#chat-input").is_visible()
    shot(page, "31-phone-after-a-revision")
    page.get_by_role("button", name="Story").last.click()
    page.locator("#story-view .story-frame").nth(3).wait_for()
    view_matches_story(page, server)
    page.wait_for_timeout(600)  # the sheet's slide-in
    shot(page, "32-phone-story-view")
