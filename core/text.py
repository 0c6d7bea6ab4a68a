"""Text a person gives, made safe to store and show: one cleaning function for every idea, request, frame
text, title, setting and chat name, and one way to clip what is too long.

What goes: control characters (NUL, escape sequences, C1 controls), the bidirectional embedding, override and
isolate controls (U+202A–U+202E, U+2066–U+2069, and the invisible direction marks) that can make "exe.png" read
as "gnp.exe", and lone surrogates (half of a UTF-16 pair, which no file or database can store). What stays:
every letter of every script, emoji (with their zero-width joiners), and line breaks where a text may have them.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import BeforeValidator

# Invisible characters that reorder the text around them (Unicode UAX #9): LRM, RLM, ALM, the embeddings and
# overrides LRE..RLO with their PDF, and the isolates LRI..PDI.
BIDI_CONTROLS = frozenset({0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"}


def clean_text(text: str, *, multiline: bool = False) -> str:
    """`text` without control, bidi-control and lone-surrogate characters.

    Args:
        text: what the person gave (any script).
        multiline: keep line breaks (as "\\n"); otherwise a line break or a tab becomes a space.
    Returns:
        The cleaned text; surrounding whitespace is kept (callers strip where they mean to).
    """
    for old, new in _LINE_BREAKS.items():
        text = text.replace(old, new)
    kept = []
    for char in text:
        if char == "\n":
            kept.append("\n" if multiline else " ")
        elif char == "\t":
            kept.append(" ")
        elif ord(char) in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    return "".join(kept)


def clip_text(text: str, limit: int, what: str = "text") -> str:
    """`text` when it has at most `limit` characters, else its first `limit` and a note saying it was clipped."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [clipped: the {what} had {len(text):,} characters; {limit:,} are kept]"


def _clean_field(value):
    return clean_text(value) if isinstance(value, str) else value


def _clean_multiline_field(value):
    return clean_text(value, multiline=True) if isinstance(value, str) else value


# Model fields of text a person may have written: cleaned whenever a model is built or validated (an edit, a
# plan, a settings change, a story file on load), so nothing reaches the chat, Markdown or PDF uncleaned.
CleanLine = Annotated[str, BeforeValidator(_clean_field)]
CleanText = Annotated[str, BeforeValidator(_clean_multiline_field)]
