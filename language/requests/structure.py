"""Requests about the story's structure: undo and redo, rename, style, remove, add a scene, move, swap,
re-roll and lock.
"""

from __future__ import annotations

from core import edits
from language.requests.common import (
    ADD_VERBS,
    FRAME_NOUNS,
    LOCK_VERBS,
    MOVE_VERBS,
    REDO_PHRASES,
    REMOVE_VERBS,
    RENAME_VERBS,
    REROLL_VERBS,
    STYLE_WORDS,
    SWAP_VERBS,
    UNDO_PHRASES,
    UNLOCK_VERBS,
    ParsedEdit,
    _has_phrase,
    _Request,
    _words,
)


def _undo_redo(r: _Request) -> ParsedEdit | None:
    text = r.doc.text.lower()
    if r.refs.frames:
        return None
    if _has_phrase(text, REDO_PHRASES):
        return ParsedEdit([edits.Redo()])
    if _has_phrase(text, UNDO_PHRASES):
        return ParsedEdit([edits.Undo()])
    return None


def _rename(r: _Request) -> ParsedEdit | None:
    doc = r.doc
    for token in doc:
        lemma = token.lemma_.lower()
        is_title_noun = lemma in ("title", "name") and token.pos_ == "NOUN"
        if not (lemma in RENAME_VERBS and (token.pos_ == "VERB" or token.i == 0) or is_title_noun):
            continue
        story_words = {"story", "it", "book", "title", "this", "comic", "name"}
        anchor = next((t for t in doc[token.i + 1:] if t.lower_ in story_words), None)
        if not is_title_noun and anchor is None:
            continue
        start = (anchor or token).i + 1
        while start < len(doc) and doc[start].lower_ in ("to", "as", "should", "be", "is", ":", "now", "instead"):
            start += 1
        if start >= len(doc):
            continue
        title = doc.text[doc[start].idx:].strip().strip("\"'“”‘’«»").rstrip(".!")
        if title:
            return ParsedEdit([edits.Rename(title=title[:120])])
    return None


def _style_name(words: list[str]) -> str | None:
    for word in words:
        if word.lower() in STYLE_WORDS:
            return STYLE_WORDS[word.lower()]
    return None


def _style(r: _Request) -> ParsedEdit | None:
    lower = [t.lower_ for t in r.doc]
    mentions_style = {"style", "look", "art", "drawn", "like"} & set(lower) or r.verbs & {"switch", "turn", "make",
                                                                                         "change", "use", "go"}
    name = _style_name(lower)
    if name is None and "style" in lower:
        index = lower.index("style")
        tail = [t for t in r.doc[index + 1:] if t.pos_ in ("NOUN", "ADJ", "PROPN") and t.lower_ != "style"]
        head = [t for t in r.doc[max(0, index - 3):index] if t.pos_ in ("NOUN", "ADJ", "PROPN")]
        phrase = " ".join(t.lower_ for t in (tail or head))
        if phrase and phrase not in ("story", "frame"):
            return ParsedEdit([edits.SetStyle(style=f"{phrase} style")])
        return None
    if name is None or not mentions_style or r.refs.frames:
        return None
    return ParsedEdit([edits.SetStyle(style=name)])


def _remove(r: _Request) -> ParsedEdit | None:
    if not r.verbs & REMOVE_VERBS:
        return None
    rest_of = {t.lower_ for t in r.doc} & {"everything", "all", "rest", "every"}
    if r.refs.position[:6] in ("after:", "before") and rest_of and not r.refs.frames:  # "everything after frame 2"
        anchor = int(r.refs.position.split(":")[1])
        span = range(anchor + 1, r.count) if r.refs.position.startswith("after") else range(0, anchor)
        return ParsedEdit([edits.RemoveFrames(frames=list(span))]) if span else None
    if not (r.refs.frames or r.refs.every):
        return None
    if r.refs.every:
        return ParsedEdit([], question="Remove every frame? A story needs at least one. Which frames should go?")
    if len(r.refs.frames) == 1:
        return ParsedEdit([edits.RemoveFrame(frame=r.refs.frames[0])])
    return ParsedEdit([edits.RemoveFrames(frames=sorted(r.refs.frames))])


def _clause_event(text: str, r: _Request):
    """A described scene as an event: "she feeds the pigeons" → frame "feeding the pigeons"."""
    from language.reading import clause_event

    return clause_event(text, r.character)


def _add_scene(r: _Request) -> ParsedEdit | None:
    if not r.verbs & ADD_VERBS:
        return None
    doc = r.doc
    noun = next((t for t in doc if t.lemma_.lower() in FRAME_NOUNS - {"one"} and t.i not in r.refs.tokens), None)
    if noun is None:
        return None
    skip = set(r.refs.tokens) | {t.i for t in doc if t.i <= noun.i}
    rest = [t for t in doc if t.i not in skip]
    while rest and (rest[0].lower_ in ("where", "in", "which", "that", "of", "showing", "with", "when", ":", "-",
                                       "to", "show", "shows", "at") and rest[0].dep_ != "pobj" or rest[0].is_punct):
        rest = rest[1:]
    if not rest:
        return ParsedEdit([], question="What should the new frame show? For example: “add a frame where she "
                                       "feeds the pigeons”.")
    content = _words(doc, {t.i for t in doc} - {t.i for t in rest})
    event = _clause_event(content, r)
    frame = event.frame() if event else content
    caption = event.caption(f"the {r.character}") if event else content[:1].upper() + content[1:] + "."
    position = r.count
    if r.refs.position.startswith("after:"):
        position = int(r.refs.position.split(":")[1]) + 1
    elif r.refs.position.startswith("before:"):
        position = int(r.refs.position.split(":")[1])
    elif r.refs.position == "start":
        position = 0
    return ParsedEdit([edits.InsertFrame(position=position, text=frame, caption=caption)])


def _move(r: _Request) -> ParsedEdit | None:
    if not r.verbs & MOVE_VERBS or len(r.refs.frames) != 1:
        return None
    frame = r.refs.frames[0]
    words = {t.lower_ for t in r.doc if t.i not in r.refs.tokens}
    position = r.refs.position
    if not position:
        if words & {"first", "start", "beginning", "front"}:
            position = "start"
        elif words & {"last", "end"}:
            position = "end"
    if not position:
        return None
    if position == "start":
        to = 0
    elif position == "end":
        to = r.count - 1
    else:
        where, anchor = position.split(":")
        anchor = int(anchor)
        to = anchor + (1 if where == "after" else 0) - (1 if anchor > frame else 0)
        to = max(0, min(r.count - 1, to))
    return ParsedEdit([edits.MoveFrame(frame=frame, to=to)])


def _swap(r: _Request) -> ParsedEdit | None:
    if not r.verbs & SWAP_VERBS or len(r.refs.frames) != 2:
        return None
    return ParsedEdit([edits.SwapFrames(first=r.refs.frames[0], second=r.refs.frames[1])])


def _reroll_lock(r: _Request) -> ParsedEdit | None:
    if not r.refs.frames:
        return None
    lower = {t.lower_ for t in r.doc}
    if r.verbs & UNLOCK_VERBS:
        return ParsedEdit([edits.SetLock(frame=f, locked=False) for f in r.refs.frames])
    negated = any(t.dep_ == "neg" for t in r.doc) and r.verbs & {"change", "touch", "redraw", "render"}
    kept = any(t.lemma_ in LOCK_VERBS and any(c.i in r.refs.tokens for c in t.children) for t in r.doc)
    if r.verbs & LOCK_VERBS and (lower & {"is", "as", "same", "locked", "lock"} or "lock" in r.verbs) or negated \
            or kept:
        return ParsedEdit([edits.SetLock(frame=f, locked=True) for f in r.refs.frames])
    if r.verbs & REROLL_VERBS and (lower & {"again", "another", "new", "different"} or r.verbs & {
            "reroll", "re-roll", "redraw", "regenerate"}) or lower & {"version", "variation", "seed"}:
        return ParsedEdit([edits.Reroll(frame=f) for f in r.refs.frames])
    return None
