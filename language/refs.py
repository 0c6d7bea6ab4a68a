"""The one frame-reference reader, for both languages: which frames a request names, where something goes,
and how long the story should be.

References come in every form people use: digits ("frame 3"), ordinals in words with one-letter typos ("the
secnd one"), "the last two", "all the others", "everything after frame 2", ranges, parts of the story ("the
ending"), positions ("before the last one", "as the opening", "between 3 and 4", "在第三张和第四张之间") and
descriptions ("the picnic picture", "the one where they eat": the frame whose text or caption means that, by
lemma overlap first and the sentence encoder second). The patterns are data (`en.yaml`: `ref_patterns`,
`position_patterns`, `count_patterns`); each label has one resolver below.

Indices are 0-based; numbers as people said them are kept for the answer ("There are only 5 frames").
"""

from __future__ import annotations

import functools
import re

from language.describe import clause_anchors, frame_descriptions, loose_descriptions, of_things
from language.frames import Frames
from language.lexicon import EN, entries, ordinals

# --- English ----------------------------------------------------------------------------------------------


@functools.cache
def _vocabulary() -> dict[str, list[str]]:
    """The "$name" lists the patterns use."""
    numbers = list(EN.numbers) + [str(n) for n in range(1, 100)]
    nouns, _plural = entries("frame_nouns"), lambda noun: noun + ("es" if noun.endswith(("sh", "ch", "s")) else "s")
    return {"cardinals": numbers, "frame_nouns": nouns + [_plural(n) for n in nouns],
            "frame_plurals": [_plural(n) for n in nouns if n != "one"] + ["ones"],
            "ordinals": list(ordinals()), "from_end": [w for w in EN.from_end if " " not in w],
            "start_words": EN.start_words, "end_words": EN.end_words}


def _expand(pattern):
    """A YAML pattern with "$name" lists filled in."""
    if isinstance(pattern, list):
        return [_expand(p) for p in pattern]
    if isinstance(pattern, dict):
        return {k: _expand(v) for k, v in pattern.items()}
    if isinstance(pattern, str) and pattern.startswith("$"):
        return _vocabulary()[pattern[1:]]
    return pattern


@functools.cache
def _matcher(section: str):
    from spacy.matcher import Matcher

    from language.tools import english

    matcher = Matcher(english().vocab)
    for label, patterns in getattr(EN, section).items():
        matcher.add(label, [_expand(p) for p in patterns])
    return matcher


def _matches(doc, section: str) -> list[tuple[str, object]]:
    """(label, span) of one pattern section, longest first where they overlap, in text order."""
    from spacy.util import filter_spans

    found = {(s, e): doc.vocab.strings[k] for k, s, e in _matcher(section)(doc)}
    spans = filter_spans([doc[s:e] for s, e in found])
    return sorted(((found[(s.start, s.end)], s) for s in spans), key=lambda pair: pair[1].start)


def _number(word: str) -> int | None:
    word = word.lower().strip("#")
    return int(word) if word.isdigit() else EN.numbers.get(word) or ordinals().get(word)


def _value(span, total: int) -> list[int]:
    """1-based numbers an ordinal-like span names ("the second" → [2], "the last" → [total])."""
    if re.search(r"(?:second|next) ?-? ?to ?-? ?(?:last|final)|before (?:the )?(?:last|final)|last but one",
                 span.text.lower()):
        return [total - 1]  # "the one before last"
    for word in (token.lower_ for token in span):
        if word in ordinals() or word in EN.from_end:
            return [ordinals()[word]] if word in ordinals() else [total - EN.from_end[word]]
    return []


def read_english(doc, story, loose: bool = False, things: frozenset = frozenset()) -> Frames:
    """Frames, place and length a parsed English request names (`story` gives the count and the texts).
    `loose`: a noun phrase without a frame noun may name a frame too ("open with the rocket launch")."""
    total = len(story.frames)
    frames = Frames()
    stream = _stream(doc, story, frames, loose, things)
    pending, previous, pending_span = None, None, None
    for start, end, kind, label, payload in sorted(stream, key=lambda item: item[0]):
        frames.spans.append((start, end))
        if frames.place is not None and frames.place_end is None:
            frames.place_end = frames.spans[-2][1]  # the words before this one set it
        if kind == "position":
            waiting = _place(label, payload, total, frames)
            pending, pending_span = (waiting, (start, end)) if waiting else (pending, pending_span)
            continue
        said = payload if kind == "description" else _resolve(label, payload, total, frames, previous)
        previous = label
        if label == "all" and not frames.everything:
            frames.spans.pop()  # "all over the road": not read as frames, still the scene's words
        if said is None:
            pending = label if label in ("except", "after_all", "before_all") else pending
            continue
        indices = [n - 1 for n in said]
        if pending in ("before", "after", "between"):
            frames.place, frames.anchors = indices[0] + (0 if pending == "before" else 1), indices[:1]
            pending = "second anchor" if pending == "between" else None
        elif pending == "second anchor":
            pending, frames.anchors = None, frames.anchors + indices[:1]
        elif kind == "ref" and _adverb_ordinal(label, payload, frames):  # "put frame 1 third": the slot after the
            frames.place = total if payload[0].lower_ in EN.from_end else indices[0] + (indices[0] > frames.named[0])
            # third frame when it moves down, before it when it moves up
        elif pending == "except":
            frames.excluded.update(indices)
        elif pending in ("after_all", "before_all"):
            frames.named += list(range(indices[-1] + 1, total) if pending == "after_all" else range(indices[0]))
            pending = None
        else:
            frames.named += indices
        frames.said += [n for n in said if kind == "ref"]
        if kind == "ref" and not frames.wrong and any(not 1 <= n <= total for n in said):
            frames.wrong = payload.text  # "the ninth frame": answered with the frames there are
    frames.anchorless = pending in ("before", "after", "between")
    if frames.anchorless and frames.place is not None:
        frames.spans.remove(pending_span)  # "start with her waking up before sunrise": a time, not a place
    if frames.place is not None and frames.place_end is None:
        frames.place_end = frames.spans[-1][1]
    return frames


def _stream(doc, story, frames: Frames, loose: bool, things: frozenset) -> list[tuple]:
    """(start, end, kind, label, payload) in text order: positions, references, descriptions."""
    taken = _read_count(doc, frames) | {i for label, span in _matches(doc, "ref_patterns") if label == "amount"
                                        for i in range(span.start, span.end)}  # "a young man, about 20"
    stream = []
    markers = [(label, span) for label, span in _matches(doc, "ref_patterns")
               if label in ("except", "after_all", "before_all")]  # "everything after frame 2" is no position
    taken |= {i for _, span in markers for i in range(span.start, span.end)}
    stream += [(span.start, span.end, "ref", label, span) for label, span in markers]
    ordinal = {i for label, span in _matches(doc, "ref_patterns") if label == "last"
               for i in range(span.start, span.end)}  # "the one before last" is a frame, not a place
    for label, span in _matches(doc, "position_patterns"):
        blocked = taken | (ordinal if label not in ("new_end", "new_start", "as_before_last") else set())  # but "a
        # final picture", "as the new second to last"
        if not blocked.intersection(range(span.start, span.end)) and not _of_a_place(span):  # is a new one
            stream.append((span.start, span.end, "position", label, span))
    covered = {i for item in stream for i in range(item[0], item[1])} | taken
    for label, span in _matches(doc, "ref_patterns"):
        if not covered.intersection(range(span.start, span.end)) and label not in (
                "except", "after_all", "before_all", "amount") and not of_things(span, _vocabulary()["frame_nouns"]):
            stream.append((span.start, span.end, "ref", label, span))
    covered |= {i for item in stream for i in range(item[0], item[1])}
    stream += frame_descriptions(doc, story, frames, covered, _vocabulary()["frame_nouns"]) + \
        clause_anchors(doc, story, stream)
    if loose:
        covered |= {i for item in stream for i in range(item[0], item[1])}
        stream += loose_descriptions(doc, story, covered, things, frames)
    return [_before_new(item, doc) for item in stream if item[2] != "description" or doc[item[0]].lower_ not in (
        "a", "an")]  # "begin with a picture of Kofi folding the lantern": a new picture, no reference


def _before_new(item: tuple, doc) -> tuple:
    """A description ends where a new picture begins ("the cocoa picture | with a picture of Ezra reading")."""
    start, end, *rest = item
    nouns, described = _vocabulary()["frame_nouns"], rest[0] == "description"
    noun = next((t.i + 1 for t in doc[start + 1:end - 1] if t.lower_ in nouns and doc[t.i - 1].dep_ in (
        "compound", "amod") or t.lower_ in ("where", "showing") and doc[t.i - 1].lower_ not in nouns), None) \
        if described else None  # "a new frame
    if noun is not None and any(t.lower_ in ("a", "an") and t.head.lower_ in nouns for t in doc[:start]):
        return (start, noun - (doc[noun - 1].lower_ in ("where", "showing")), *rest)  # before the pond scene |
        # showing a gardener…", "a frame before the monkeys | where Kofi slips"
    new = next((t.i for t in doc[start + 1:end] if t.lower_ in ("a", "an") and t.head.lower_ in nouns
                and t.head.i > t.i), None) if described else None
    if new is None:
        return item
    return (start, new - (doc[new - 1].pos_ == "ADP"), *rest)


def _of_a_place(span) -> bool:
    """"at the top of the hill", "at the end of the road": a place in the picture, not where a frame goes (but "at
    the end of the story")."""
    doc = span.doc
    story = set(EN.whole_story_words) | set(EN.framing_nouns) | set(_vocabulary()["frame_nouns"])
    if any(t.lower_ in _vocabulary()["frame_nouns"] for t in span):
        return False  # "a final picture of the two asleep", "a picture second to last of an owl": what it shows
    return span.end + 1 < len(doc) and doc[span.end].lower_ == "of" and not any(
        t.lower_ in story or t.lower_.rstrip("s") in story for t in doc[span.end + 1:span.end + 4])


def _read_count(doc, frames: Frames) -> set[int]:
    """The story's new length; the tokens it took."""
    taken = set()
    for label, span in _matches(doc, "count_patterns"):
        before = doc[span.start - 1].lower_ if span.start > 0 else ""
        if before in ("the", "last", "first", "final", "frame", "picture", "middle", "centre", "center"):
            continue  # "the last two pictures" is a reference, not a length
        numbers = [n for n in (_number(t.text) for t in span if t.lower_ not in ordinals()) if n]
        number = numbers[0] if numbers else 1
        if label in ("total", "to"):
            frames.count = number
        else:
            frames.more = number if label == "more" else -number
        taken.update(range(span.start, span.end))
    return taken


def _place(label: str, span, total: int, frames: Frames) -> str | None:
    """A position: sets the place now (start, end, "position 3"), or returns the label that waits for its
    reference (before, after, between). The first place said stands ("at the end where the dog rides up front")."""
    if frames.place is not None and label not in ("before", "after", "between"):
        return None
    if label in ("start", "open_with", "new_start", "as_start"):
        frames.place = 0
    elif label in ("end", "close_with", "new_end", "as_end"):
        frames.place = total
    elif label == "as_before_last":
        frames.place = max(total - 1, 0)
    elif label == "as_ordinal":
        frames.place = _value(span, total)[0] - 1
    elif label == "place":
        numbers = [n for n in (_number(t.text) for t in span) if n]
        frames.place = numbers[0] - 1 if numbers else frames.place
    else:
        return label
    return None


def _adverb_ordinal(label: str, span, frames: Frames) -> bool:
    """"put frame 4 first / second / last": a bare ordinal after a reference says where it goes."""
    return (label in ("ordinal", "last") and bool(frames.named) and len(span) == 1
            and (span[0].lower_ in ordinals() or span[0].lower_ in EN.from_end))


def _resolve(label: str, span, total: int, frames: Frames, previous: str | None) -> list[int] | None:
    """1-based numbers a reference names; None for markers. Every label of `ref_patterns` is read here."""
    numbers = [n for n in (_number(t.text) for t in span if t.text[0].isdigit() or t.lower_ in EN.numbers) if n]
    if label == "bad_number":
        frames.unreadable = span[-1].text
        return None
    if label == "bare":
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if after is not None and (after.text in ("-", "–") and not span[-1].whitespace_ or after.lower_ in (
                "year", "years", "yr", "yrs")):
            return None  # "8-bit pixel art", "a 3-year-old", "my 3 year old": a word, not a frame
        return numbers[-1:]
    if label in ("number", "also_number"):
        if label == "also_number" and previous not in ("number", "also_number", "bare"):
            return None
        return numbers[-1:]
    if label == "range":
        return list(range(numbers[0], numbers[-1] + 1)) if len(numbers) == 2 else None
    if label in ("ordinal", "also_ordinal", "last"):
        if label == "also_ordinal" and previous not in ("ordinal", "also_ordinal", "last") and not (
                span[0].text == "," and span[1].lower_ == "the"):  # "ugh, the fourth one…": no list, still a frame
            return None
        if span.end < len(span.doc) and span.doc[span.end].lower_ in ("thought", "thoughts", "glance", "sight"):
            return None  # "on second thought", "at first glance": no frame
        return _value(span, total)
    if label == "middle":  # the middle one of an odd count, the middle two of an even one, "the middle three"
        count = numbers[-1] if numbers else 2 - total % 2
        return list(range((total - count) // 2 + 1, (total - count) // 2 + count + 1)) \
            if count < total and (total - count) % 2 == 0 else None
    if label == "first_n":
        return list(range(1, min(numbers[-1], total) + 1))
    if label == "last_n":
        return list(range(max(total - numbers[-1] + 1, 1), total + 1))
    if label in ("all", "rest"):
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if len(span) == 1 and after is not None and after.lower_ in EN.all_as_amount:
            return None  # "all over the road", "all day", "all the apples": how much, not which frames
        setattr(frames, "everything" if label == "all" else "rest", True)
        return None
    if label == "opening":
        return [1]
    if label == "ending":
        return [total]
    return None  # except, after_all, before_all: markers for the next reference
