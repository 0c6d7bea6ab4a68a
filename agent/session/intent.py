"""Whether a message written into a chat without a story reads as a change to a story rather than a new idea.

A reloaded page starts an empty chat, and "make the ninth frame at night" sent there must not become a story
titled after the request. The message is read by the language room against a stand-in story of four frames; it
reads as a revision when it names frames ("frame 2", "the second picture", "第二帧") or asks for an operation that
only a story can take (undo, a caption, a move, a lock, a count of frames, a title...). A description of a
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
    if not PARTS.search(text):
        return False
    if parsed.ops and all(isinstance(op, ONLY_IN_A_STORY) for op in parsed.ops):
        return True
    if CJK.search(text):
        from language.chinese import read_chinese_request

        readings = [read_chinese_request(text, story)]
    else:
        from language.request_parts import read_clauses

        readings = read_clauses(text, story)
    return any(_names_frames(reading) for reading in readings)


def _names_frames(reading) -> bool:
    """Whether a reading names frames of a story: by number or place, or a new count of them that is all the
    message says ("make it 6 frames"; "tell it in six pictures: an ant..." is an idea with its count)."""
    frames = reading.frames
    if frames.named or frames.said or frames.rest:
        return True
    return bool(frames.count and "count" in reading.actions and not reading.content and not reading.character)
