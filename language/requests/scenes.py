"""Requests about a frame's scene: its mood ("cheer frame 3 up", "too sad"), its setting (place, weather,
time of day), or new content for it.
"""

from __future__ import annotations

from core import edits
from language import nlp
from language.reading import WEATHER_VERBS
from language.requests.common import MOOD_OF, MOODS, OPPOSITE, SETTING_PREPOSITIONS, TOO, ParsedEdit, _Request, _words
from language.requests.looks import _with_modifier
from language.requests.structure import _clause_event


def _mood(r: _Request) -> ParsedEdit | None:
    moods = []
    for token in r.doc:
        mood = MOOD_OF.get(token.lower_) or MOOD_OF.get(token.lemma_.lower())
        if mood is None or token.i in r.refs.tokens:
            continue
        if token.lower_ == "dark" and any(t.lower_ in ("night", "sky") for t in r.doc):
            continue
        wants_less = any(t.lower_ in TOO for t in token.lefts) or any(
            t.lower_ in ("less", "not") for t in token.lefts)
        if token.lemma_.lower() in ("cheer", "lighten", "brighten"):
            wants_less = False
        moods.append(OPPOSITE[mood] if wants_less else mood)
    if not moods:
        return None
    mood = moods[-1]
    targets = r.targets(default_all=True)
    phrase = MOODS[mood][1]
    prompts = {i: _with_modifier(r.story.frames[i].prompt, phrase, drop=[p for _, p in MOODS.values()])
               for i in targets}
    return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"a {mood} mood")])


def _setting_phrase(r: _Request) -> str | None:
    """A time, season or weather the request asks for: "at night", "in winter", "in the rain"."""
    for token in r.doc:
        lemma = token.lemma_.lower()
        if token.i in r.refs.tokens:
            continue
        if token.pos_ == "VERB" and lemma in WEATHER_VERBS:
            return WEATHER_VERBS[lemma]
        for preposition, words in SETTING_PREPOSITIONS.items():
            if lemma in words or token.lower_ in words:
                adjectives = [t.lower_ for t in token.lefts if t.dep_ == "amod"]
                return " ".join([preposition, *adjectives, token.lower_])
        if token.lower_ in ("rainy", "snowy", "stormy", "foggy", "sunny", "windy") and token.dep_ != "amod":
            return {"rainy": "in the rain", "snowy": "in the snow", "stormy": "in a storm", "foggy": "in the fog",
                    "sunny": "in the sunshine", "windy": "in strong wind"}[token.lower_]
    return None


def _setting(r: _Request) -> ParsedEdit | None:
    phrase = _setting_phrase(r)
    if phrase is None:
        return None
    if len(r.refs.frames) == 1 and _clause_event(_words(r.doc, set(r.refs.tokens)), r):
        return None  # "frame 5 should show him waving goodbye at sunset": a scene, its time included
    targets = r.targets(default_all=True)
    prompts = {i: _with_modifier(r.story.frames[i].prompt, phrase) for i in targets}
    return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=phrase)])


def _frame_content(r: _Request) -> ParsedEdit | None:
    """A named frame and what it should show: "in frame 4 she should be holding a trophy" (added),
    "change frame 1 to the girl packing her fishing rod" (a new scene), "give frame 4 a rainbow in the sky"."""
    if len(r.refs.frames) != 1:
        return None
    frame = r.refs.frames[0]
    text = _words(r.doc, set(r.refs.tokens))
    doc = nlp.parse(text)
    root = doc[:].root
    into = next((c for c in root.children if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "into", "with")),
                None)
    if root.lemma_ in ("change", "replace", "turn", "make", "set") and into is not None:
        target = doc[into.i + 1:]
        scene = _scene_of(target, r)
        if scene:
            return ParsedEdit([edits.SetText(frame=frame, text=scene.frame(),
                                             caption=scene.caption(f"the {r.character}"))])
        return ParsedEdit([edits.AddText(frame=frame, text=target.text)])
    event = _clause_event(text, r)
    if event:
        return ParsedEdit([edits.AddText(frame=frame, text=event.frame())])
    if root.lemma_ in ("give", "add", "put", "include", "show", "draw"):  # "give frame 4 a rainbow in the sky"
        rest = [t for t in doc if t.i > root.i and not (t.dep_ in ("dative", "dobj") and t.pos_ == "PRON")]
        if rest:
            return ParsedEdit([edits.AddText(frame=frame, text=doc[rest[0].i:].text)])
    return None


def _scene_of(span, r: _Request):
    """A scene named as a noun phrase or a clause: "the girl packing her fishing rod" → packing the fishing rod."""
    head = span.root
    acting = next((c for c in head.children if c.dep_ in ("acl", "relcl") and c.tag_ == "VBG"), None)
    if acting is not None and head.lemma_.lower() in (r.character, "character", "she", "he", "they"):
        return _clause_event(span.doc[acting.i:acting.right_edge.i + 1].text, r)
    return _clause_event(span.text, r)
