"""A story with two recurring characters in a real browser (issue 17), read back from the screen and the files.

An idea with a girl and her dog plans a cast of two; the story view's cast card names both, with their looks and
the frames each is in, as story.json has them. A change to one member's looks in words ("give Bo a red collar")
changes that member only (its description and the texts of its frames, not the captions); taking the dog out of
a frame changes who is in that frame and its text, and the card follows. The exported story file carries the
cast. Storyboard cards keep it fast on two cores; screenshots go to test-artifacts/e2e/ (40-... to 43-...).
"""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from browser_fixtures import AppServer
from test_app_browser import ARTIFACTS, WAIT_MS, browser, export_zip, log_in, send, shot, wait_idle  # noqa: F401 (browser)
from test_story_view_browser import story_json, view_matches_story

pytestmark = pytest.mark.browser

IDEA = ("Mia walks to school with her dog Bo. Bo chases a ball in the park. Mia and Bo share a sandwich under a "
        "tree. Bo sleeps at Mia's feet.")


@pytest.fixture()
def cards_server(tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "server-cast.log"
    log.write_text("")
    server = AppServer("app.py", tmp_path, log, STORY_IMAGE_MODEL="")
    server.start()
    yield server
    server.stop()


def cast_card(page) -> list[str]:
    """The cast card's lines, as the person reads them."""
    return [" ".join(line.split()) for line in page.locator("#story-view .story-cast > div").all_inner_texts()][1:]


def expected_card(story: dict) -> list[str]:
    """The card's lines from story.json: each member's name (handle), looks and the frames it is in."""
    everyone = [member["id"] for member in story["cast"]]
    lines = []
    for member in story["cast"]:
        frames = [str(i + 1) for i, frame in enumerate(story["frames"])
                  if member["id"] in (everyone if frame["cast"] is None else frame["cast"])]
        who = f"{member['name']} ({member['handle']})" if member["name"] and member["handle"] else (
            member["name"] or member["handle"])
        lines.append(f"{who}: {member['description']} — frames {', '.join(frames)}")
    return lines


def card_matches_story(page, server: AppServer) -> list[str]:
    for _ in range(100):
        if cast_card(page) == expected_card(story_json(server)):
            break
        page.wait_for_timeout(200)
    assert cast_card(page) == expected_card(story_json(server))
    return cast_card(page)


def test_a_cast_of_two_in_the_browser(cards_server, browser):  # noqa: F811 (the imported fixture)
    server = cards_server
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.set_default_timeout(WAIT_MS)
    try:
        a_cast_of_two(page, server)
    except BaseException:
        shot(page, "failure-cast")
        raise


def a_cast_of_two(page, server: AppServer) -> None:
    log_in(page, server)
    send(page, IDEA)
    page.locator("#story-view .story-cast").wait_for()
    wait_idle(page)
    view_matches_story(page, server)
    planned = story_json(server)
    assert [(m["name"], m["handle"]) for m in planned["cast"]] == [("Mia", "the girl"), ("Bo", "the dog")]
    card = card_matches_story(page, server)
    assert card[0].startswith("Mia (the girl): ") and card[1].startswith("Bo (the dog): ")
    shot(page, "40-cast-plan")

    send(page, "give Bo a red collar")
    page.get_by_text(re.compile(r"The dog is now: .*red collar")).last.wait_for()
    wait_idle(page)
    changed = story_json(server)
    assert "red collar" in changed["cast"][1]["description"]
    assert changed["cast"][0] == planned["cast"][0]  # the girl is as she was
    members = [m["id"] for m in changed["cast"]]
    with_bo = [changed["cast"][1]["id"] in (f["cast"] or members) for f in changed["frames"]]
    assert [f["prompt"] for f in changed["frames"]] == [  # its frames say the new look too, at the end
        f["prompt"] + (", the dog wearing a red collar" if shown else "")
        for f, shown in zip(planned["frames"], with_bo, strict=True)]
    assert [f["caption"] for f in changed["frames"]] == [f["caption"] for f in planned["frames"]]
    assert "red collar" in card_matches_story(page, server)[1]
    shot(page, "41-cast-looks")

    dog = changed["cast"][1]["id"]
    in_first = dog in (changed["frames"][0]["cast"] or [m["id"] for m in changed["cast"]])
    assert in_first  # the plan has Bo walking to school with Mia
    send(page, "take Bo out of the first picture")
    page.get_by_text("Frame 1: without the dog").last.wait_for()
    wait_idle(page)
    after = story_json(server)
    assert after["frames"][0]["cast"] == [changed["cast"][0]["id"]]
    assert "Bo" not in after["frames"][0]["prompt"] and "dog" not in after["frames"][0]["prompt"]
    assert [f["prompt"] for f in after["frames"][1:]] == [f["prompt"] for f in changed["frames"][1:]]
    assert card_matches_story(page, server)[1].endswith("— frames 2, 3, 4")
    view_matches_story(page, server)
    shot(page, "42-cast-presence")

    with zipfile.ZipFile(export_zip(page, "cast-story.zip")) as bundle:
        saved = json.loads(bundle.read(next(n for n in bundle.namelist() if n.endswith(".json"))))
    assert saved["cast"] == after["cast"]
    assert [f["cast"] for f in saved["frames"]] == [f["cast"] for f in after["frames"]]
    shot(page, "43-cast-export")
