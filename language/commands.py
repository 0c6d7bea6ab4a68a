"""The short command syntax ("frame 3: on a boat", "swap 1 and 3", "lock 2", "撤销", "第3帧：…"), read first.

The commands are rows of the operation table (`operations.yaml`: `commands`): a regular expression over the
whole message with `{n}`/`{m}` for a frame number in any form and `{text}` for free text. A number that names
no frame ("frame -1", "frame NaN", "frame 1.5", "frame 1e3", "frame 9" of five) is answered with how many frames
there are, and nothing changes.
"""

from __future__ import annotations

import functools
import re

from core import edits
from language.frames import Frames
from language.lexicon import EN, TABLE, ZH, ordinals
from language.requests import Parsed, ask

_NOUN = r"(?:frame|picture|pic|panel|image|scene|shot|page|slide)s?"
_WORD = "|".join(sorted([*EN.numbers, *ordinals(), "last", "final"], key=len, reverse=True))
_ZH = "|".join(sorted(ZH.numbers, key=len, reverse=True))
NUMBER = (rf"(?:(?:{_NOUN})\s*#?\s*[-+−]?[\w.,]+|#\s*\d+|[-+]?\d+(?:[.,]\d+)?(?:e\d+)?|(?:the\s+)?(?:{_WORD})"
          rf"(?:\s+(?:{_NOUN}|one))?|第\s*(?:\d+|{_ZH})\s*(?:帧|张|幅|格|个画面|个|页|图)?|最后一(?:帧|张|幅|格|个画面|个))")


@functools.cache
def _rows() -> list[tuple[str, re.Pattern]]:
    rows = []
    for row in TABLE.commands:
        pattern = row["pattern"].replace("{n}", f"(?P<n>{NUMBER})").replace("{m}", f"(?P<m>{NUMBER})")
        pattern = pattern.replace("{text}", r"(?P<text>.+)")
        rows.append((row["op"], re.compile(pattern, re.IGNORECASE | re.DOTALL)))
    return rows


def frame_number(said: str, total: int) -> int | None:
    """The 1-based frame a number names ("frame 3", "third", "the last one", "第三张"); None when unreadable."""
    text = re.sub(rf"^(?:the\s+)?(?:{_NOUN})?\s*#?\s*|\s+(?:{_NOUN}|one)$", "", said.strip().lower()).strip()
    text = re.sub(r"^第\s*|\s*(?:帧|张|幅|格|个画面|个|页|图)$", "", text)
    if text.isdigit():
        return int(text)
    if text in ("last", "final", "最后一"):
        return total
    return EN.numbers.get(text) or ordinals().get(text) or ZH.numbers.get(text)


def read_command(message: str, story, english_text) -> Parsed | None:
    """Operations for a command, a question when its frame does not exist, or None (not a command).

    `english_text(text)` gives the English picture text of a Chinese frame text (None when it cannot)."""
    text = re.sub(r"^(?:please\s+|请)", "", " ".join(message.strip().split()), flags=re.IGNORECASE).rstrip(".!?。！？")
    total = len(story.frames)
    for op, pattern in _rows():
        match = pattern.fullmatch(text)
        if not match:
            continue
        groups = match.groupdict()
        numbers = {key: frame_number(groups[key], total) for key in ("n", "m") if groups.get(key)}
        if op == "set_text" and numbers.get("n") is None and not re.match(rf"(?:{_NOUN}|#|第|\d)", groups["n"], re.I):
            continue  # "the fox is happy: …" is no command
        wrong = [Frames(said=[v]) if v is not None else Frames(unreadable=groups[k]) for k, v in numbers.items()
                 if v is None or not 1 <= v <= total]
        if wrong:
            return ask(wrong[0].problem(total))
        return _build(op, {k: v - 1 for k, v in numbers.items()}, groups.get("text") or "", story, english_text)
    return None


def _build(op: str, index: dict[str, int], text: str, story, english_text) -> Parsed:
    """The operation of a command row."""
    from language.captions import caption_for

    simple = {
        "undo": lambda: edits.Undo(), "redo": lambda: edits.Redo(),
        "remove": lambda: edits.RemoveFrame(frame=index["n"]),
        "swap": lambda: edits.SwapFrames(first=index["n"], second=index["m"]),
        "move": lambda: edits.MoveFrame(frame=index["n"], to=index["m"]),
        "lock": lambda: edits.SetLock(frame=index["n"], locked=True),
        "unlock": lambda: edits.SetLock(frame=index["n"], locked=False),
        "reroll": lambda: edits.Reroll(frame=index["n"]),
        "rename": lambda: edits.Rename(title=text.strip(" \"“”《》")[:120] or "Untitled story"),
        "caption": lambda: edits.SetCaption(frame=index["n"], caption=text.strip(" \"“”")),
    }
    if op in simple:
        return Parsed([simple[op]()])
    if op == "style":
        from language.requests import style_of

        return Parsed([edits.SetStyle(style=style_of(text))])
    english = english_text(text)
    if not english:
        return ask("I could not turn that into an English picture description. Please write it in English.")
    caption = text.strip() if english != text.strip() else caption_for(english, story)
    if op == "character":
        return Parsed([edits.SetIdentity(text=english)])
    if op == "set_text":
        return Parsed([edits.SetText(frame=index["n"], text=english, caption=caption)])
    position = {"append": len(story.frames), "insert_before": index.get("n", 0),
                "insert_after": index.get("n", 0) + 1}[op]
    return Parsed([edits.InsertFrame(position=position, text=english, caption=caption)])
