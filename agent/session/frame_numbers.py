"""Frame numbers that name no frame: "frame -1", "frame 1.5", "frame NaN", "frame 1e3", "第-1帧".

Checked on every revision before any reader sees the message, so a number that cannot be a frame is answered
("There are only 4 frames") and changes nothing, whichever reader (command syntax, the language room, an LLM)
would otherwise have read the rest of the sentence as a change to every frame. Whole numbers, in range or not,
are left to the readers: they already answer "There is no frame 9".
"""

from __future__ import annotations

import re

_NOUNS = r"(?:frame|picture|panel|image|scene|shot|page)s?"
# Something in a number's place that is not a whole number: a sign, a decimal or exponent, a fraction
# character, NaN or infinity, a hexadecimal literal.
_NOT_WHOLE = (r"[-+−]\d+(?:[.,]\d+)?(?:e[-+]?\d+)?|\d+\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+|0x[0-9a-f]+"
              r"|[¼½¾⅐-⅞]|\d+[¼½¾⅐-⅞]|nan|[-+]?inf(?:inity)?")
_UNREADABLE = re.compile(
    rf"(?:\b{_NOUNS}\s*(?:no\.?\s*|number\s+)?#?\s*|第\s*)(?P<number>{_NOT_WHOLE})(?=$|[\s:：,;.!?帧张幅格个页图])",
    re.IGNORECASE,
)


def unreadable_frame_number(message: str, count: int) -> str | None:
    """The answer to a message that names a frame by something that is not a whole number, or None.

    Args:
        message: the person's revision, cleaned.
        count: how many frames the story has.
    """
    match = _UNREADABLE.search(message)
    if match is None:
        return None
    there = "There is only 1 frame" if count == 1 else f"There are only {count} frames"
    choose = "frame 1" if count == 1 else f"a frame from 1 to {count}"
    return (f"“{match.group('number')}” is not a frame number. {there}: name {choose}, for example "
            f"“frame {count}: …”. Nothing was changed.")
