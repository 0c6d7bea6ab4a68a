"""The scene a request writes in words, for a new frame or a changed one: after a colon; what a new frame shows
("one where she waves", "a picture of…", "a thunderstorm scene"); what a named frame should show ("frame 5
should show her waving goodbye", "change frame 1 to…", "give frame 4 a rainbow"); and the words after a naming
verb (a title, a caption). A clause about the main character becomes its predicate ("she waves goodbye" →
"waving goodbye"); anyone else keeps the subject."""

from __future__ import annotations

import re

from language.lexicon import EN, TABLE, entries
from language.parts import Parts
from language.phrases import clause_text, render
from language.tools import parse


def content(doc, parts: Parts, taken: set[int], character) -> str:
    """A scene in words: after a colon; what a new frame shows ("one where she waves", "a picture of…", "a
    thunderstorm scene", "add a sunrise over the river"); what a named frame should show ("frame 5 should show
    her waving goodbye", "change frame 1 to…", "give frame 4 a rainbow", "in frame 4 she holds a trophy")."""
    colon = re.search(r"[:：]\s*(.+)$", parts.text)
    if colon and (parts.actions.keys() & {"insert", "change"} or parts.frames.any):
        return colon.group(1).strip().rstrip(".!")
    nouns = set(entries("frame_nouns")) | {n + "s" for n in entries("frame_nouns")}
    skip = set(taken) | {t.i for t in doc if t.lower_ in EN.polite_words or t.is_punct}
    framed = {t.i for t in doc if t.lower_ in nouns and not (t.lower_ == "one" and t.nbor(1).lower_ == "of"
                                                              if t.i + 1 < len(doc) else False)}  # "steals one of"
    inner = []
    for token in doc:  # a new frame: the frame noun's own words ("one where she waves", "a thunderstorm scene")
        if token.lower_ in nouns and (token.i not in taken or "insert" in parts.actions and not any(
                c.lower_ in ("the", "that", "this") for c in token.children)):  # "start with the one where…": there
            inner += [c for c in token.children if c.dep_ in ("relcl", "acl") or (
                token.i not in taken and c.dep_ in ("prep", "compound", "amod")
                and c.lower_ not in ("new", "more", "extra", "another", "other", "before", "after"))]
            heads = [token.head] + [token.head.head] * (token.dep_ == "pobj")  # "stick in/prep a frame, showing…"
            inner += [c for head in heads for c in head.children if c.dep_ in ("advcl", "prep", "acl") and c.i > token.i
                      and c.pos_ in ("VERB", "ADP") and token.i not in taken
                      and not taken.intersection({t.i for t in c.subtree})]
    if inner:
        scene = _scene([w for c in inner for w in c.subtree], skip | framed,
                       character)
        return f"a {scene}" if len(scene.split()) == 1 and parse(scene)[0].pos_ == "NOUN" else scene
    head = content_head(doc, parts, taken)
    items = set(EN.clothing) | set(EN.carried) | set(EN.features) | nouns
    framing = head is not None and getattr(head, "lower_", "") in nouns and "insert" in parts.actions  # "a new
    if (head is None or framing) and parts.frames.place is not None and parts.frames.spans and (  # frame before…"
            not parts.frames.named or "insert" in parts.actions and not parts.frames.said):
        return _after_position(doc, parts, skip | framed, character)
    if head is None or getattr(head, "lemma_", "").lower() in items and not parts.frames.said:
        return ""  # "add a scarf" is how someone looks; "add a kite to frame 3" what frame 3 shows
    scene = _scene(list(head) if not hasattr(head, "subtree") or hasattr(head, "start") else list(head.subtree),
                   skip, character)
    return re.sub(r",?\s+(?:(?:instead of|rather than)\b.*|instead)$", "", scene)  # "… instead of by the fire"


def content_head(doc, parts: Parts, taken: set[int]):
    """The word whose subtree is the scene: the object of an adding verb, or of "show", "to", "give"."""
    for _, end in parts.frames.spans:  # "change frame 1 to the girl packing her rod" (however it parses)
        if end < len(doc) - 1 and doc[end].lower_ in ("to", "into") and "change" in parts.actions:
            return doc[end + 1:]
        if end < len(doc) - 1 and replaced_with(doc, end, taken):  # "replace frame 2 with Idris reading a book"
            return doc[end + 1:]
    for token in doc:
        if token.i in taken:
            continue
        if token.dep_ in ("dobj", "ccomp", "xcomp", "attr") and token.head.lemma_ in (
                "add", "insert", "include", "show", "have", "squeeze", "slip", "put", "be", "depict", "need", "get",
                "see", "watch") or _particle_object(token, parts):  # an item for a frame named is what it shows
            # ("add a kite to frame 3")
            item = parts.frames.said and token.lemma_.lower() in set(EN.carried) | set(EN.clothing)
            if token.pos_ in ("NOUN", "PROPN", "VERB", "PRON") and (item or not _is_value_only(token, parts)):
                follow = [c for c in token.head.children if c.i > token.i and c.i not in taken and (
                    c.dep_ in ("oprd", "acomp", "xcomp", "advcl", "prep") or c.tag_ == "VBG")]
                if token.pos_ == "PROPN" and any(c.tag_ == "VBG" or c.dep_ in ("oprd", "acomp") for c in follow):
                    end = max(t.i for c in follow for t in c.subtree if t.i not in taken)  # "add Marisol
                    return doc[token.i:end + 1]  # apologising", "add Hugo and Miso asleep under the stars"
                if token.pos_ != "PRON":
                    return token
                rest = doc[token.i + 1:]  # "show him asleep on a bench": all that follows the pronoun
                if token.head.lemma_ in ("show", "see", "watch") and len(rest) and not rest[0].is_punct:
                    return rest
                return next((c for c in token.head.children if c.dep_ in ("ccomp", "acl", "xcomp")), None)
        if token.dep_ == "pobj" and token.head.lower_ == "to" and token.head.head.lemma_ in ("change", "turn"):
            return token
        if token.dep_ == "advcl" and parts.frames.named and parts.frames.place is None and any(
                c.dep_ == "mark" and c.lower_ == "so" for c in token.children):
            return token  # "change the last picture so she dozes off in a hammock"
        if token.dep_ in ("attr", "nsubj") and any(c.dep_ == "expl" for c in token.head.children):
            return token  # "there were shooting stars in every picture"
        if token.dep_ == "dobj" and token.head.lemma_ == "give" and any(
                c.dep_ == "dative" and c.i in taken for c in token.head.children):
            return token
        if token.pos_ == "VERB" and token.dep_ in ("ROOT", "ccomp", "xcomp") and any(
                c.lower_ in EN.pronouns for c in token.children if c.dep_ == "nsubj") and parts.frames.named \
                and not _action_verb(token):
            return token
    return None


def _particle_object(token, parts: Parts) -> bool:
    """The object of an adding phrasal verb, parsed as its particle's ("slot in/prep a ticket inspector/pobj")."""
    said = parts.actions.get("insert", "").lower().split()
    return len(said) == 2 and token.dep_ == "pobj" and token.head.lower_ == said[1] and token.head.head.lower_ == \
        said[0] and token.head.i == token.head.head.i + 1


def _after_position(doc, parts: Parts, skip: set[int], character) -> str:
    """The scene said after where a new frame goes ("start the story with Hana waking up", "add one at the start
    of her eating breakfast"): the words after the position, without the little words that join them."""
    end = max([parts.frames.place_end or 0, *(end for _, end in parts.frames.spans)])  # "before the pond scene"
    rest = [t for t in doc[end:] if t.i not in skip]
    while rest and (rest[0].lower_ in EN.scene_joins or rest[0].pos_ in ("DET", "ADP", "PUNCT")):
        rest = rest[1:]
    if len(rest) < 2 or not any(t.pos_ in ("VERB", "NOUN", "PROPN") for t in rest):
        return ""
    det = doc[rest[0].i - 1] if rest[0].i else None  # its article: "with the dog asleep", "of a sleepy owl"
    start = det.i if det is not None and det.dep_ == "det" and rest[0].i <= det.head.i <= rest[-1].i else rest[0].i
    return _scene(list(doc[start:rest[-1].i + 1]), skip - {start}, character)


def _action_verb(token) -> bool:
    """A verb that names an operation other than a change ("remove", "swap"): it is no scene."""
    return any(token.lemma_.lower() in spec.get("verbs", []) for name, spec in TABLE.actions.items()
               if name != "change")


def _is_value_only(token, parts: Parts) -> bool:
    words = {t.lower_ for t in token.subtree if t.is_alpha} - {"a", "an", "the"}
    values = {w for vs in parts.values.values() for v in vs for w in v.word.split()}
    return bool(words) and words <= values | set(entries("frame_nouns"))


def _scene(tokens, skip: set[int], character) -> str:
    """Tokens as a frame text: a clause with the main character as subject becomes its predicate ("she waves
    goodbye" → "waving goodbye"), a clause of anyone else keeps its subject, a noun phrase stays as it is."""
    someone = {t.i for t in tokens if t.dep_ == "nsubj" and t.pos_ in ("PROPN", "NOUN") and not character.names_it(
        t.lemma_)}  # "can we see Ivy waving goodbye": Ivy stays, though the request names her
    tokens = sorted({t.i: t for t in tokens if t.i not in skip or t.i in someone}.values(), key=lambda t: t.i)
    tokens = [t for t in tokens if t.lower_ not in ("where", "which", "when", "showing", "of", "with", "that")
              or t.i != tokens[0].i]
    if not tokens:
        return ""
    doc = tokens[0].doc
    while len(tokens) > 1 and (tokens[0].lower_ in EN.pronouns or character.names_it(tokens[0].lemma_)
                               or tokens[0].lower_ in ("the", "a")) \
            and (tokens[1].tag_ == "VBG" or character.names_it(tokens[1].lemma_)):
        tokens = tokens[1:]  # "her waving goodbye", "the girl packing her rod": the character is the picture's own
    if tokens[0].tag_ == "VBG":
        return render(tokens, {t.i for t in doc if t not in tokens})
    lead = next((i for i, t in enumerate(tokens) if t.pos_ not in ("DET", "ADJ")), 0)  # "a gardener lending…"
    if len(tokens) > lead + 1 and tokens[lead].pos_ in ("PROPN", "NOUN") and tokens[lead + 1].tag_ == "VBG":
        return render(tokens, set())  # "add Marisol apologising to Idris": someone else's moment, as said
    verbs = [t for t in tokens if t.pos_ in ("VERB", "AUX") and (t.head == t or t.head not in tokens)]
    if verbs:
        verb = verbs[0]
        subject = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        mine = not subject or subject[0].lower_ in EN.pronouns or character.names_it(subject[0].lemma_)
        drop = {t.i for t in doc if t not in tokens} | ({t.i for s in subject for t in s.subtree} if mine else set())
        if not mine:  # "a gust of wind should blow the apples away" → "a gust of wind blowing the apples away"
            said = {t.i for s in subject for t in s.subtree}
            if subject and subject[0].i < verb.i and tokens[0].i in said:
                who = render([doc[i] for i in sorted(said)], set())
                return f"{who} {clause_text(verb, drop | said, form='VBG')}".strip()
            return render(tokens, drop - {t.i for t in tokens})
        return clause_text(verb, drop, form="VBG")
    return render(tokens, set())


def after(doc, parts: Parts, verbs: tuple[str, ...], caption: bool = False) -> str:
    """The words after a naming verb ("call it The Long Way Home", "should say goodbye, friend")."""
    if parts.quoted:
        return parts.quoted
    for token in doc:
        if token.lemma_.lower() in verbs or token.lower_ in verbs:
            named = next((c for c in token.children if c.dep_ == "dobj"), None)
            if not caption and named is not None and (named.tag_ in ("WP", "WDT") or named.pos_ == "NOUN" and
                                                      named.lemma_.lower() not in {*EN.story_words, "title"}):
                continue  # "arguing about what to name the bird": no title
            rest = doc[token.i + 1:]
            words = [t for t in rest if not (t.i == rest.start and t.lower_ in ("it", "the", "this", "to"))]
            if words and not caption and words[0].lower_ in ("story", "book", "comic", "thing"):
                words = words[1:]
            text = re.sub(r"^(?:(?:should|could|would|must|will|can|might|ought)\s+)?(?:to be|to|as|be|become)\s+", "",
                          "".join(t.text_with_ws for t in words)).strip(" ?!.:：\"“”'")  # "could the title be …",
            # "change the title to …", "the title should be …"
            text = re.sub(r"[\s,]+(?:please|pls|thanks|thank you|instead)$", "", text, flags=re.IGNORECASE)
            text = text.strip(" ,?!.")
            if text and (caption or text[:1].isupper() or len(text.split()) <= 6):
                return text
    return ""


def stated_mood(token) -> bool:
    """A mood said as how a frame is now ("frame 4 is a bit glum", "it looks gloomy"), not asked for ("make it
    glum", "it should feel more bittersweet")."""
    verb = token.head
    wished = token.tag_ in ("JJR", "RBR") or any(a.lemma_ in ("wish", "want", "like", "prefer", "rather", "hope")
                                                 for a in token.ancestors)  # "I wish it felt spookier"
    return not wished and token.dep_ == "acomp" and verb.lemma_ in ("be", "look", "feel", "seem") and not any(
        c.dep_ == "aux" or c.lower_ in ("more", "less") for c in [*verb.children, *token.children]) and not any(
        t.lower_ in ("more", "less", "bit more") for t in token.doc[max(0, token.i - 2):token.i])


def worn_items(doc, parts: Parts, characters) -> list[tuple[str, str]]:
    """Each item to wear, carry or have as the whole phrase said ("a straw hat", "white hair", "boots")."""
    from language.looks import _item_noun, animate

    found = []
    for kind in ("clothing", "carried", "hair_words", "features"):
        for value in parts.values.get(kind, []):
            chunk = next((c for c in doc.noun_chunks if c.start <= value.start < c.end), None)
            tokens = chunk if chunk is not None else doc[value.start:value.start + len(value.word.split())]
            after = doc[tokens.end] if tokens.end < len(doc) else None  # "a woolly hat with a pompom": its part
            part = next((c for c in after.children if c.dep_ == "pobj"), None) if after is not None else None
            if part is not None and after.lower_ == "with" and kind != "hair_words" and not animate(part.lemma_) \
                    and not any(c.names_it(t.lemma_) for t in after.subtree for c in characters):
                tokens = doc[tokens.start:part.i + 1]
            owner = {d.i for t in tokens if t.dep_ == "poss" and any(c.names_it(t.lemma_) for c in characters)
                     for d in t.subtree}  # "Juno's raincoat", "the otter's scarf" (but "a chef's hat")
            plain = {t.i for t in tokens if t.lower_ in EN.pronouns or t.lower_ in ("the", "that")}
            phrase = render(tokens, owner | plain)
            *said, last = phrase.split() or [""]
            if said and last.lower() in EN.colours:  # "make his t-shirt green" (read as a noun "green"): the colour
                article = "" if said[-1].endswith("s") else "an " if last[0] in "aeiou" else "a "  # goes before the
                phrase = f"{article}{last} {' '.join(said)}"  # thing
            if phrase:
                found.append((phrase, _item_noun(phrase) or value.word))
    given = [t for t in doc if t.dep_ == "dobj" and t.pos_ == "NOUN" and t.head.lemma_ == "give" and any(
        c.dep_ == "dative" and (c.lower_ in ("her", "him", "them") or any(ch.names_it(c.lemma_) for ch in characters))
        for c in t.head.children) and t.lemma_.lower() not in entries("frame_nouns") + entries("not_worn")]
    if given and not found:  # "give the donkey a woven rug": what is given is worn or carried, listed or not
        chunk = next((c for c in doc.noun_chunks if c.root == given[0]), doc[given[0].i:given[0].i + 1])
        found.append((render(chunk, {t.i for t in chunk if t.lower_ in ("the", "that")}), given[0].lemma_.lower()))
    return found


def free_style(text: str) -> str:
    """A style said in more words than the lexicon knows, by the kind of picture it names ("as an old-fashioned
    travel poster", "in the style of a vintage travel poster", "lino print style"): `en.yaml` `style_heads`."""
    heads = "|".join(map(re.escape, EN.style_heads))
    found = re.search(rf"\b(?:as|like|style of|into)\s+(?:an?\s+|the\s+)?((?:[\w'-]+\s+){{0,3}}(?:{heads})s?)\b"
                      rf"|\b((?:[\w'-]+\s+){{0,2}}[\w'-]+)\s+style\b", text.lower())
    from spacy.lang.en.stop_words import STOP_WORDS  # spaCy's own list (imported with the parser, never before)

    said = (found.group(1) or found.group(2)).strip() if found else ""
    era = re.search(r"\b(?:in|from|of|like) the ((?:1[5-9]|20)\d0s)\b", text.lower())  # "set it in the 1920s"
    if era and not said:
        return f"{era.group(1)} period illustration"
    return "" if any(w in STOP_WORDS or w.isdigit() or w in EN.polite_words for w in said.split()[-2:]) else said


def replaced_with(doc, end: int, taken: set[int]) -> bool:
    """A frame said as what a replacing verb replaces, with a scene (no other frame) after "with"."""
    return doc[end].lower_ == "with" and doc[end].head.lemma_.lower() in ("replace", "swap", "substitute") and not \
        taken.intersection(range(end, len(doc)))


def whole_frame(doc, parts: Parts, taken: set[int]) -> bool:
    """The frame itself is what changes ("frame 5 should show…", "change frame 1 to…", "change frame 5 so she
    dozes in a hammock", "replace frame 2 with Idris reading a book")."""
    nouns = set(entries("frame_nouns"))
    return any(t.lower_.rstrip("s") in nouns and t.dep_ in ("nsubj", "nsubjpass") for t in doc) or (
        "change" in parts.actions and any(t.lower_ in ("to", "into") or t.dep_ == "mark" and t.lower_ == "so"
                                          for t in doc)) or any(replaced_with(doc, end, taken) for _, end in
                                                                parts.frames.spans if end < len(doc) - 1)


def written_on(doc, found: list[tuple[str, int, int]]):
    """The thing in the picture that words are written on, when a writing verb is about one ("write 'Bon voyage' on
    a banner", "a sign that says 'Closed'"): those words are the picture's, not the caption."""
    nouns = set(entries("frame_nouns")) | {"caption", "subtitle", "text", "words", "line", "title", "bottom", "top"}
    for action, start, _ in found:
        verb = doc[start]
        if action != "caption" or verb.pos_ != "VERB":
            continue
        if verb.dep_ in ("relcl", "acl") and verb.head.pos_ == "NOUN" and verb.head.lemma_.lower() not in nouns:
            return verb.head
        return next((g for c in doc[verb.i:] if c.lower_ in ("on", "across", "onto")  # (after "…!", a new sentence)
                     for g in c.children if g.dep_ == "pobj" and g.lemma_.lower() not in nouns), None)
    return None
