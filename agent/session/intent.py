"""Whether a message written into a chat without a story reads as a change to a story rather than a new idea.

A reloaded page starts an empty chat, and "make the ninth frame at night" sent there must not become a story
titled after the request. The message is read by the language room against a stand-in story of four frames; it
reads as a revision when it names frames ("frame 2", "the second picture", "第二帧") or asks for an operation that
only a story can take (undo, a caption, a move, a lock, a count of frames, a title...), named as such or as a
command ("swap the first and last", "rename it to The Lantern Fox"). A description of a
character or a scene is an idea (a wrong guess there would refuse a real idea, which is worse than planning a
request as an idea).
"""

from __future__ import annotations

import functools
import re

from core import edits
from core.story import Frame, Story

COMMANDS = (edits.Undo, edits.Redo)  # never an idea, whatever else the message says
# A story's parts named as such: a frame reference or a story operation counts only next to one of these words
# (an idea's "first day" or "she locks the door" does not).
PARTS = re.compile(r"\b(frames?|pictures?|pics?|panels?|images?|captions?|scenes?|titles?|illustrations?)\b"
                   r"|[帧张幅图]|画面", re.IGNORECASE)
ONLY_IN_A_STORY = (edits.Undo, edits.Redo, edits.SetCaption, edits.InsertFrame, edits.RemoveFrame, edits.RemoveFrames,
                   edits.MoveFrame, edits.SwapFrames, edits.SetLock, edits.Reroll, edits.Rename)


@functools.cache
def _stand_in() -> Story:
    texts = ("zq", "xv", "kj", "pw")  # words no idea uses, so no frame is found by what it shows
    return Story(title="Stand-in", identity_prompt="a young girl in a red coat",
                 frames=[Frame(prompt=text, caption=text) for text in texts])


def reads_as_revision(message: str) -> bool:
    """Whether `message` reads as a change to an existing story (see the module docstring)."""
    from language.revise import CJK, parse_message

    text = message.strip()
    if not text:
        return False
    story = _stand_in()
    parsed = parse_message(text, story)
    if parsed.ops and all(isinstance(op, COMMANDS) for op in parsed.ops):
        return True
    if parsed.ops and all(isinstance(op, ONLY_IN_A_STORY) for op in parsed.ops) and _told(text):
        return True  # "swap the first and last", "rename it to The Lantern Fox": said to a story
    if not PARTS.search(text):
        return False
    if CJK.search(text):
        from language.chinese import read_chinese_request

        readings = [read_chinese_request(text, story)]
    else:
        from language.request_parts import read_clauses

        readings = read_clauses(text, story)
    counted = all((r.frames.count or r.frames.more) and "insert" not in r.actions for r in readings)  # "six
    # pictures" of an
    if parsed.ops and all(isinstance(op, ONLY_IN_A_STORY) for op in parsed.ops) and not counted:  # idea: below
        return True
    alone = len(readings) == 1 and len(text.split()) <= 8  # a count is all a short message says
    return any(_names_frames(reading, alone) for reading in readings)


def _names_frames(reading, alone: bool) -> bool:
    """Whether a reading names frames of a story: by number or place, or a new count of them that is all the
    message says ("make it 6 frames"; "make it 6 frames please: a grandmother teaches…" and "tell it in six
    pictures: an ant..." are ideas with their count)."""
    frames = reading.frames
    if frames.named or frames.said or frames.rest:
        return True
    return bool(alone and frames.count and "count" in reading.actions and not reading.content
                and not reading.character)


def _told(text: str) -> bool:
    """Whether a message starts with a command to the story ("swap…", "rename…", "move…"), not with a story's
    own words ("a cat locks the door")."""
    from language.tools import parse

    doc = parse(text)
    first = next((t for t in doc if not t.is_punct and t.lower_ not in ("please", "pls", "now", "ok", "okay")), None)
    return first is not None and first.tag_ == "VB" and first.dep_ == "ROOT"
