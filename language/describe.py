"""Frames named by what they show ("the picnic picture", "the rocket launch", "the goodbye at the harbour"):
the frame whose text or caption means the description, by lemma overlap first and the sentence encoder second.
Used by the frame-reference reader (`language.refs`) and the Chinese reader. Also a thing the frames show under
another word ("the bike" for the bicycle: `shown_as`)."""

from __future__ import annotations

import functools

from language.lexicon import EN, word_set


def loose_descriptions(doc, story, taken: set[int], things: frozenset, frames=None) -> list[tuple]:
    """Noun phrases that clearly name one frame by what it shows ("the rocket launch", "the walk to school",
    "the goodbye at the harbour"); anything less clear is left alone, and so is a thing the request changes
    ("make the sailboat yellow": `things`) or a lone noun several frames show."""
    from language.lexicon import find
    from language.tools import parse

    values = {i for _, span in find(doc, "colours", "clothing", "styles", "times", "weather", "seasons", "moods")
              for i in range(span.start, span.end)}
    found = []
    for token in doc:
        if token.pos_ not in ("NOUN", "PROPN") or token.i in taken or token.i in values or not _named_place(token) \
                or _indefinite(token) and (created(token) or token.dep_ in ("attr", "appos", "conj", "dobj")) \
                or token.lemma_.lower() in _operation_verbs() or (
                token.dep_ == "pobj" and token.head.lower_ in ("on", "in", "at", "inside", "under", "near", "by")
                and token.head.head.dep_ != "ROOT" and not _weather_over(token)) or any(
                created(a) and _indefinite(a) for a in token.ancestors) and not (
                token.dep_ == "pobj" and token.head.lower_ in ("after", "before", "between")):
            continue  # "add a picture of them by a stream": what the new frame shows; "tack/NOUN on…": the verb;
            # "add them drinking cocoa on the workshop steps", "a scene where a gull steals one of Oskar's shells"
        listed = {t.i for c in token.children if c.dep_ in ("conj", "cc") for t in c.subtree}  # "the picnic and
        own = [w for w in token.subtree if w.i not in listed]  # the rain scene": the picnic alone
        words = [w for w in own if w.dep_ not in ("det", "relcl", "punct") and w.i not in taken]
        if not words or any(w.i in taken for w in own) or token.lemma_.lower() in things:
            continue
        shown = sum(token.lemma_.lower() in {t.lemma_.lower() for t in parse(f.prompt)} for f in story.frames)
        if len([w for w in words if w.is_alpha]) == 1 and shown >= 2:
            continue
        matched = describe(" ".join(w.text for w in words), story)
        start = words[0].i
        while start > token.left_edge.i and doc[start - 1].dep_ == "det" and start - 1 not in taken:
            start -= 1  # "the" goes with "picnic"
        if len(matched) == 1:
            found.append((start, words[-1].i + 1, "description", "description", [matched[0] + 1]))
        elif matched and frames is not None and token.dep_ == "pobj" and token.head.lower_ in ("after", "before"):
            frames.unclear = matched  # "just after the shell hunt": 2 or 5?
    return found


def _indefinite(token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in ("a", "an", "another", "one") for c in token.children)


@functools.cache
def _operation_verbs() -> frozenset[str]:
    from language.lexicon import TABLE

    particles = ("on", "in", "out", "off", "away", "up")  # "tack on", "cut out": the verb of a phrasal verb
    return frozenset(verb for name, spec in TABLE.actions.items() if name != "change" for verb in spec.get("verbs", [])
                     + [p.split()[0] for p in spec.get("phrases", []) if p.split()[1:] in ([w] for w in particles)])


def _named_place(token) -> bool:
    """Where a noun phrase can stand for a frame: after "before", "after", "between", "with" ("open with"), as
    the object or subject of the request's main verb ("cut the empty park", "the goodbye … should be first")."""
    positional = token.dep_ == "pobj" and token.head.lower_ in ("before", "after", "between", "following", "during",
                                                                "except", "besides") or _weather_over(token)
    if not positional and any(a.dep_ in ("relcl", "acl") and created(a.head) for a in token.ancestors):
        return False  # "add one where she waves goodbye from the boat": what the new frame shows
    while token.dep_ in ("conj", "appos"):
        token = token.head
    head = token.head
    if token.dep_ == "pobj":
        if head.lower_ == "from" or head.lower_ == "of" and head.head.lower_ == "out":  # "leave Bo out of the chase"
            return True
        return _weather_over(token) or head.lower_ in ("before", "after", "between", "with", "on", "following",
                                                       "behind", "at", "during", "except", "besides") and \
            head.head.pos_ in ("VERB", "AUX", "NOUN", "NUM")  # "pouring with rain at the tea plantation"
    return token.dep_ in ("dobj", "nsubj", "nsubjpass", "ROOT", "attr") and (head.dep_ == "ROOT" or head == token or (
        head.dep_ in ("xcomp", "ccomp") and head.head.dep_ == "ROOT"))  # "I want the reunion at the lake to feel…"


def _weather_over(token) -> bool:
    """Where weather is asked for names the frame that shows it ("make it rain over the village")."""
    return token.dep_ == "pobj" and token.head.lower_ in ("over", "above", "at", "on", "in") and \
        token.head.head.lemma_.lower() in EN.weather_verbs


def created(token) -> bool:
    """A frame noun that is what a person asks to add ("add one where…", "slip in a picture of…")."""
    from language.lexicon import TABLE

    phrasal = [p.split()[0] for p in TABLE.actions["insert"]["phrases"] if len(p.split()) == 2 and p.split()[1] in (
        "in", "on")]  # "slip in", "tack on": adding only with their particle ("put the bridge scene first" moves)
    head = token.head if token.dep_ != "pobj" else token.head.head
    if token.dep_ == "pobj" and token.head.lower_ not in ("in", "on", "into", "onto"):
        return False  # "put every picture except the market one in autumn": no new one
    particle = token.dep_ == "pobj" or any(c.lower_ in ("in", "on") for c in head.children)
    return token.dep_ in ("dobj", "pobj", "attr", "nsubjpass") and (
        head.lemma_.lower() in TABLE.actions["insert"]["verbs"] or head.lemma_.lower() in phrasal and particle)


def describe(description: str, story) -> list[int]:
    """The frames that `description` fits best: one index when it is clear, several when they tie, none when
    nothing fits. Words first (lemmas of the frame text and caption), the sentence encoder for the rest."""
    from language.tools import parse, similarity

    texts = [f"{frame.prompt}. {frame.caption}" for frame in story.frames]
    stop = word_set("description_stop")
    wanted = {t.lemma_.lower() for t in parse(description) if t.is_alpha and t.lower_ not in stop}
    wanted |= {verb for word in wanted for verb in _verb_of(word)}  # "the argument": arguing
    scores = [len(wanted & _lemmas(text)) for text in texts]
    best = max(scores, default=0)
    if best:
        tied = [i for i, s in enumerate(scores) if s == best]
        if len(tied) > 1:  # "the park one": the park bench, not "parking at the depot" (the same word as said)
            said = {t.lower_ for t in parse(description) if t.is_alpha and t.lower_ not in stop}
            same = [len(said & {t.lower_ for t in parse(texts[i])}) for i in tied]
            tied = [i for i, n in zip(tied, same, strict=True) if n == max(same)]
        if len(tied) == 1:
            return tied
        meaning = similarity(description, [texts[i] for i in tied])
        ranked = sorted(zip(meaning, tied, strict=True), reverse=True)
        if ranked[0][0] - ranked[1][0] >= 0.04:
            return [ranked[0][1]]
        return _by_verb(description, tied, texts) or tied
    meaning = similarity(description, texts)
    ranked = sorted(zip(meaning, range(len(texts)), strict=True), reverse=True)
    stop = word_set("description_stop")
    things = [t for t in parse(description) if t.pos_ in ("NOUN", "PROPN") and t.lower_ not in stop]
    floor = 0.35 if things else 0.2  # a thing the texts never name must be close in meaning, not just related
    if ranked and ranked[0][0] >= floor and (len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= 0.07):
        return [ranked[0][1]]
    close = [i for score, i in ranked[:2] if score >= floor and ranked[0][0] - score < 0.07]
    return (_by_verb(description, close, texts) or close) if len(close) > 1 else close  # "quarrelling": arguing


def _verb_of(noun: str) -> set[str]:
    """The verb a noun is made from ("argument" → argue, "arrival" → arrive, "celebration" → celebrate)."""
    from lemminflect import getAllLemmas

    stems = {noun[:-len(end)] for end in ("ment", "ation", "ion", "al", "ure") if noun.endswith(end) and
             len(noun) - len(end) > 2}
    return {verb for stem in stems for verb in (stem, stem + "e") if "VERB" in getAllLemmas(verb)}


def _lemmas(text: str) -> set[str]:
    """The lemmas of a frame text, and a verb joined to its particle as one word ("splashing down": splashdown,
    "blasting off": blastoff, "setting out": outset is not, "sun sets": sunset)."""
    from lemminflect import getAllLemmas

    from language.tools import parse

    words = [t for t in parse(text) if t.is_alpha]
    pairs = zip(words, words[1:], strict=False)
    return {t.lemma_.lower() for t in words} | {a.lemma_.lower() + b.lower_ for a, b in pairs
                                                if b.dep_ in ("prt", "advmod") or a.pos_ == "NOUN"} | {
        t.lower_[1:] for t in words if t.lower_[:1] == "a" and t.pos_ == "ADJ" and "VERB" in getAllLemmas(
            t.lower_[1:])}  # "asleep", "awake", "afloat": sleep, wake, float


def _by_verb(description: str, tied: list[int], texts: list[str]) -> list[int]:
    """Frames that show the same things told apart by what happens: "discovering the purple flower" is the frame
    of "finding a glowing purple flower", not of "planting the purple flower" (the verbs, by the encoder)."""
    from language.tools import parse, similarity

    def verb(text: str) -> str:
        return next((t.lemma_ for t in parse(text) if t.pos_ == "VERB" or t.tag_ == "VBG"), "")

    said = verb(description)
    verbs = [verb(texts[i]) for i in tied]
    if not said or not all(verbs):
        return []
    ranked = sorted(zip(similarity(said, verbs), tied, strict=True), reverse=True)
    return [ranked[0][1]] if ranked[0][0] - ranked[1][0] >= 0.1 else []


def shown_as(doc, taken: set[int], words: set[str], character) -> str:
    """A thing the frames show under another word ("paint the bike mint green": the bicycle): the frames' noun
    nearest one of the request's nouns (`nearest_shown`)."""
    from language.lexicon import EN, entries

    shown = sorted(words - set(entries("frame_nouns")))
    for token in doc:
        if token.pos_ != "NOUN" or token.i in taken or token.lower_ in entries("frame_nouns") or \
                character.names_it(token.lemma_) or token.lower_ in EN.colours:
            continue
        found = nearest_shown(token.lemma_.lower(), shown)
        if found:
            return found
    return ""


def nearest_shown(noun: str, shown: list[str]) -> str:
    """The noun of `shown` the sentence encoder puts nearest `noun`, when it is near enough (0.75; "bike"–"bicycle"
    0.92, "boat"–"river" 0.53); '' otherwise."""
    from language.tools import similarity

    if not noun or not shown:
        return ""
    scores = similarity(noun, shown)
    best = max(range(len(shown)), key=scores.__getitem__)
    return shown[best] if scores[best] >= 0.75 else ""


def of_things(span, frame_nouns) -> bool:
    """A bare "all" that quantifies something else: "with all the lights on" is no "all the frames"."""
    after = span.doc[span.end:span.end + 3]
    return span.text.lower() == "all" and len(after) > 0 and after[0].pos_ in ("DET", "PRON") and not any(
        t.lower_.rstrip("s") in frame_nouns for t in after)


def frame_descriptions(doc, story, frames, taken: set[int], nouns: list[str]) -> list[tuple]:
    """Frames named by what they show: a frame noun with describing words ("the picnic picture", "the one where
    they eat", "the picture with the badger", "the oven and market scenes"). A new frame ("a picture of …") is
    content, not a reference; a style ("looked like crayon drawings") is no frame either."""
    from language.lexicon import find

    nouns, found = set(nouns), []
    styles = {span.root.i for _, span in find(doc, "styles")}
    for token in doc:
        led = _led_by_the(token)  # "the bells picture/VERB": the tagger's slip, still a frame noun
        if token.i in taken or token.lower_ not in nouns or token.pos_ in ("VERB", "AUX") and not led or \
                token.head.lower_ in ("like", "as", "into", "than") \
                or token.lower_ == "one" and any(t.lower_ == "instead" for t in doc[max(0, token.i - 4):token.i]):
            continue  # "a green raincoat instead of the yellow one": the thing, not a frame
        determiner = next((c.lower_ for c in token.children if c.dep_ in ("det", "predet")), "")
        described = any(c.dep_ in ("compound", "amod", "relcl", "acl") for c in token.children)
        if determiner in ("a", "an", "another", "some", "any", "every", "each", "all") or created(token) or (
                token.dep_ == "nummod" and not described) or not determiner and token.lower_ == "one" and any(
                c.lower_ == "of" for c in token.children):  # "steals one of Oskar's shells": no frame
            continue
        children = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod", "relcl", "acl", "prep",
                                                             "poss", "npadvmod") and not (
            c.dep_ == "prep" and _scene_words(c))]  # "the market one in autumn": the market one
        if not [c for c in children if c.dep_ != "prep"] and led:  # "the sunset/dobj one/dobj", "the stairs/X
            children = list(doc[led:token.i])  # picture": the words before it
        children += [c for c in token.head.children if c.dep_ == "prep" and c.i == token.right_edge.i + 1 and (
                     c.lower_ in ("with", "of", "showing", "featuring", "from") or c.lower_ in (
                         "at", "in", "on", "by", "near", "inside", "under") and not _scene_words(c))]
        # "lose the picture with the kite", "the bit at the market" (but "the badger scene on a rainy evening")
        words = [w for child in children for w in child.subtree
                 if not w.is_punct and w.lower_ not in nouns and w.i not in taken]
        words = [w for w in words if w.lower_ not in word_set("description_stop") | {"this", "that", "other", "new"}]
        definite = determiner or any(t.lower_ in ("the", "this", "that") for t in doc[max(min(
            w.i for w in words or [token]) - 1, 0):token.i])  # "the sunset/dobj one/dobj": a frame
        if not words or all(w.i in styles or w.lower_ in ("drawing", "painting") for w in words) or any(
                w.i in styles for w in words) and token.lemma_.lower() in EN.style_heads or not \
                definite and token.dep_ in ("dobj", "oprd", "attr", "pobj") and all(_scene_words(w) for w in words):
            continue  # "make all the rest night scenes", "turn them into snowy pictures": how they look
        span = (min(w.i for w in words + [token]), max(w.i for w in words + [token]) + 1)
        parts = [c for c in children if c.dep_ in ("compound", "amod", "nmod") and any(g.dep_ == "conj"
                                                                                  for g in c.children)]
        groups = [[c] + [g for g in c.subtree if g.dep_ == "conj"] for c in parts] if token.lower_.endswith("s") \
            else []
        for said in ([[g] for g in groups[0]] if groups else [[w for child in children for w in child.subtree]]):
            matched = describe(" ".join(w.text for w in sorted(said, key=lambda w: w.i)), story)
            if len(matched) == 1:
                found.append((*span, "description", "description", [matched[0] + 1]))
            elif matched:
                frames.unclear = matched
            else:
                frames.unmatched = " ".join(w.text for w in words)
                frames.spans.append(span)
    return found


def _led_by_the(token) -> int:
    """Where the words before a frame noun start when "the", "that" or "this" leads them ("the bells picture"):
    their first index, else 0."""
    doc = token.doc
    start = next((i for i in range(token.i - 1, max(token.i - 4, -1), -1) if doc[i].lower_ in ("the", "that", "this")),
                 None)
    words = doc[start + 1:token.i] if start is not None else []
    return start + 1 if len(words) and all(t.pos_ in ("NOUN", "ADJ", "VERB", "X", "PROPN") for t in words) else 0


def clause_anchors(doc, story, stream: list[tuple]) -> list[tuple]:
    """A position said with a clause ("right before they cross the bridge", "after she wins the prize"): the frame
    whose text means the clause."""
    found = []
    for _, end, kind, label, _payload in stream:
        verb = doc[end].head if kind == "position" and end < len(doc) and doc[end].dep_ in ("nsubj", "nsubjpass") \
            else None
        if verb is None or verb.pos_ not in ("VERB", "AUX") or label not in ("before", "after"):
            continue
        words = [t for t in verb.subtree if t.i >= end and t.dep_ not in ("nsubj", "nsubjpass", "mark", "punct")]
        matched = describe(" ".join(t.text for t in words), story) if words else []
        if len(matched) == 1:
            found.append((end, words[-1].i + 1, "description", "description", [matched[0] + 1]))
    return found


def _scene_words(prep) -> bool:
    """Whether a phrase says when or in what weather ("on a rainy evening", "at night"), not what is shown."""
    from language.lexicon import entries

    scene = {w.lower() for k in ("times", "weather", "seasons", "moods", "time_units") for w in entries(k)}
    return any(t.lower_ in scene or t.lemma_.lower() in scene for t in prep.subtree)
