"""Revision requests in ordinary words, read with a dependency parser into typed edit operations.

"make the seagull blue", "add a scene where she feeds the pigeons", "can you make frame 3 more dramatic?",
"delete the last two frames", "put frame 5 first", "call the story Flour and Fire", "never mind" — each
becomes operations from `core.edits`, a question (ambiguous or impossible, nothing changes), or None when the
parser cannot tell (then a capable LLM, if configured, gets the message).

English goes through spaCy (`language.nlp`); Chinese through jieba and CC-CEDICT (`language.chinese_requests`).
The words that matter live in the tables of `common`: which verbs mean which operation, how a setting word
attaches to a frame ("night" → "at night"), what a mood becomes in a prompt. The request's own words
("don't like", "should", "can you", "feels") never reach a prompt: only the parsed content does.

The readers, one module per kind of request: `structure` (undo, rename, style, remove, add a scene, move,
swap, re-roll, lock), `scenes` (mood, setting, a frame's content), `looks` (the main character, other
characters, recolouring, turning one thing into another); `common` has what they share.
"""

from __future__ import annotations

from language import nlp
from language.requests.common import ParsedEdit, _character, _missing_question, _Request, _verb_phrases, find_refs
from language.requests.looks import _identity, _other_character, _recolour, _replace_thing
from language.requests.scenes import _frame_content, _mood, _setting
from language.requests.structure import _add_scene, _move, _remove, _rename, _reroll_lock, _style, _swap, _undo_redo

__all__ = ["ParsedEdit", "understand"]


def understand(message: str, story) -> ParsedEdit | None:
    """Operations for an English request, a question, or None when the parser cannot tell what it asks."""
    text = " ".join(message.split()).strip()
    doc = nlp.parse(text)
    refs = find_refs(doc, len(story.frames))
    if refs.missing:
        return _missing_question(text, refs, len(story.frames))
    request = _Request(doc, story, refs, _verb_phrases(doc), _character(story))
    for reader in (_undo_redo, _rename, _style, _remove, _add_scene, _move, _swap, _reroll_lock, _mood,
                   _replace_thing, _other_character, _identity, _recolour, _setting, _frame_content):
        parsed = reader(request)
        if parsed is not None:
            return parsed
    return None
