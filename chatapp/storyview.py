"""The story view: one place that always shows the story as it is now, in the side panel.

Every frame in order with its current number, its picture (or card) as a thumbnail, its caption and lock, whether
it is still to be drawn, and its buttons; the title, the character, the style, and the cast when the story has
one. It is drawn by `public/elements/StoryView.jsx` from the props built here, sent again after every change, and
opened by the **Story** button under the newest reply and under each frame's newest picture.

On a phone (a page narrower than Chainlit's own breakpoint) the side panel covers the whole chat, so there it
opens only when the person asks (the Story button). The page tells its width in a cookie (`public/storyloom.js`),
which the chat's socket carries.
"""

from __future__ import annotations

import asyncio
import base64
import io
import time
from http.cookies import SimpleCookie

import chainlit as cl
from chainlit.context import context

from chatapp import view

ELEMENT = "StoryView"  # public/elements/StoryView.jsx
NARROW_PX = 768  # Chainlit's phone breakpoint: below it the side panel is a sheet over the chat
WIDTH_COOKIE = "storyloom_width"
THUMBNAIL_PX = 480


def thumbnail(path) -> str | None:
    """A frame picture as a small JPEG data URL (the props carry it; no file route needed), or None."""
    if path is None:
        return None
    from PIL import Image

    try:
        with Image.open(path) as image:
            small = image.convert("RGB")
            small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    except OSError:
        return None
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def cast_of(story) -> list[dict]:
    """The story's cast when it has two or more characters, each with the frames it appears in (1-based); []
    for a story of one character (the character line says it all)."""
    if len(story.cast) < 2:
        return []
    return [{"name": member.name, "handle": member.handle, "description": member.description,
             "frames": [i + 1 for i in range(len(story.frames)) if member.id in story.presence(i)]}
            for member in story.cast]


def view_props(story, pictures: list[dict]) -> dict:
    """What StoryView.jsx draws: the story as it is now (`pictures`: `StorySession.pictures()`)."""
    frames = []
    for index, (frame, picture) in enumerate(zip(story.frames, pictures, strict=False)):
        frames.append({
            "id": frame.id, "number": index + 1, "caption": frame.caption or frame.prompt, "prompt": frame.prompt,
            "locked": frame.locked, "caption_by_person": getattr(frame, "caption_by_person", False),
            "image": thumbnail(picture["path"]), "due": picture["due"], "test_image": picture["test_image"],
        })
    tests = any(frame["test_image"] for frame in frames)
    return {"title": story.title, "character": story.identity_prompt, "style": story.style, "frames": frames,
            "cast": cast_of(story), "note": view.TEST_IMAGE_NOTE.strip("_") if tests else ""}


def page_width() -> int | None:
    """The width of the person's page in CSS pixels, as its cookie said when the socket connected (None: unknown)."""
    environ = getattr(context.session, "environ", None) or {}
    cookie = SimpleCookie()
    try:
        cookie.load(environ.get("HTTP_COOKIE", ""))
        return int(cookie[WIDTH_COOKIE].value)
    except (KeyError, ValueError, TypeError, Exception):
        return None


def narrow() -> bool:
    width = page_width()
    return width is not None and width < NARROW_PX


async def show_story_view(state, *, asked: bool = False) -> None:
    """Send the story view (`state`: the chat's ChatState); on a phone only when `asked` (the Story button)."""
    session = state.session
    if session is None or not session.story.frames or (narrow() and not asked):
        return
    props = await asyncio.to_thread(lambda: view_props(session.story, session.pictures()))
    element = cl.CustomElement(name=ELEMENT, props=props, display="side")
    await cl.ElementSidebar.set_elements([element], key=f"story-{time.time_ns()}")
    await cl.ElementSidebar.set_title(props["title"])
