"""Requests about how things look: the main character (replaced, added to, or changed by an adjective), the
other characters, a thing recoloured wherever it shows, one thing turned into another.
"""

from __future__ import annotations

from core import edits
from language import nlp
from language.glossary import COLOUR_WORDS
from language.requests.common import FRAME_NOUNS, MOOD_OF, SETTING_WORDS, WEAR_VERBS, ParsedEdit, _Request


def _with_modifier(prompt: str, phrase: str, drop: list[str] = ()) -> str:
    """`prompt` with `phrase` added as a comma part, replacing any earlier part listed in `drop`."""
    parts = [p.strip() for p in prompt.split(",") if p.strip()]
    drop_parts = {q.strip() for d in drop for q in d.split(",")}
    parts = [p for p in parts if p not in drop_parts and p != phrase]
    return ", ".join([*parts, phrase])


def _identity(r: _Request) -> ParsedEdit | None:
    """The main character: "the baker should be an old man", "make her a knight", "give her round glasses"."""
    doc, identity = r.doc, r.story.identity_prompt
    character_words = {r.character, "character", "hero", "heroine", "protagonist", "she", "he", "her", "him",
                       "they", "them"}
    pronoun_only = {"she", "he", "her", "him", "they", "them"}
    for token in doc:
        lemma = token.lemma_.lower()
        if lemma == "give" or (lemma in WEAR_VERBS and any(
                c.dep_ == "nsubj" and c.lower_ in character_words for c in token.children)):
            receiver = [c for c in token.children if c.dep_ in ("dative", "iobj", "nsubj") or (
                c.dep_ == "poss" and c.lower_ in pronoun_only)]
            obj = next((c for c in token.children if c.dep_ in ("dobj", "attr")), None)
            if obj is None:
                continue
            if obj.lower_ in pronoun_only and len(list(obj.children)) == 0:
                continue
            if r.refs.frames and lemma != "give":
                return None
            owner_pron = [c for c in obj.lefts if c.dep_ == "poss" and c.lower_ in pronoun_only]
            if not receiver and not owner_pron and lemma == "give":
                continue
            item = " ".join(t.text for t in obj.subtree if not (t.dep_ == "poss" and t.lower_ in pronoun_only))
            item = item.replace(" 's", "'s")
            if obj.lower_ in COLOUR_WORDS:
                continue
            verb = "wearing" if lemma in ("wear", "put on", "dress") else "with"
            if r.refs.frames:
                return None
            return ParsedEdit([edits.SetIdentity(text=f"{verb} {item}", append=True)])
    root = doc[:].root
    described = _described_character(r, root, character_words)
    if described is not None:
        return described
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    attr = next((c for c in root.children if c.dep_ in ("attr", "oprd") and c.pos_ in ("NOUN", "PROPN")), None)
    if root.lemma_ == "make" and attr is None:  # "make her a knight": "her" may hang off "knight"
        attr = next((c for c in root.children if c.dep_ in ("dobj", "oprd", "ccomp", "xcomp") and c.pos_ == "NOUN"
                     and c.lower_ not in pronoun_only), None)
        owners = [c for c in (*root.children, *(attr.children if attr is not None else ()))
                  if c.dep_ in ("dobj", "nsubj", "dative") and c.lower_ in pronoun_only]
        subject = owners[0] if owners else None
    if root.lemma_ == "turn" and attr is None:
        into = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "into"), None)
        attr = next((c for c in into.children if c.dep_ == "pobj"), None) if into is not None else None
        subject = next((c for c in root.children if c.dep_ == "dobj"), None)
    if root.lemma_ not in ("be", "make", "turn", "become") or attr is None or subject is None:
        return None
    if subject.lemma_.lower() not in character_words or r.refs.frames:
        return None
    new_head = " ".join(t.text for t in attr.subtree if t.dep_ != "prep" and t.head.dep_ != "prep"
                        and t.head.dep_ != "pobj" and t.lower_ not in pronoun_only)
    new_head = new_head.replace(" 's", "'s").strip()
    if not new_head.lower().startswith(("a ", "an ", "the ")) and attr.pos_ != "PROPN":
        new_head = ("an " if new_head[:1].lower() in "aeiou" else "a ") + new_head
    parts = [p.strip() for p in identity.split(",")]
    tail = [p for p in parts[1:] if not (p.startswith("with") and "hair" in p and "old" in new_head)]
    return ParsedEdit([edits.SetIdentity(text=", ".join([new_head, *tail]))])


AGE_ADJECTIVES = {"young", "old", "little", "older", "younger", "elderly", "teenage", "baby", "tiny", "big", "tall",
                  "short", "small"}


def _described_character(r: _Request, root, character_words: set[str]) -> ParsedEdit | None:
    """"make the keeper younger", "she should be taller": an adjective for the character's description; an age
    or size word replaces the one it has."""
    if root.lemma_ not in ("make", "be", "look", "become", "turn", "seem"):
        return None
    adjective = next((c for c in root.children if c.dep_ in ("ccomp", "acomp", "oprd", "xcomp")
                      and c.tag_ in ("JJ", "JJR") and c.lower_ not in COLOUR_WORDS), None)
    who = next((c for c in (*root.children, *(adjective.children if adjective is not None else ()))
                if c.dep_ in ("nsubj", "dobj") and c.lemma_.lower() in character_words), None)
    if adjective is None or who is None or r.refs.frames or MOOD_OF.get(adjective.lower_):
        return None
    from lemminflect import getLemma

    word = (getLemma(adjective.lower_, upos="ADJ") or (adjective.lower_,))[0]
    head, *tail = [p.strip() for p in r.story.identity_prompt.split(",")]
    words = head.split()
    article, rest = (words[0], words[1:]) if words and words[0].lower() in ("a", "an", "the") else ("a", words)
    if word in AGE_ADJECTIVES:
        rest = [w for w in rest if w.lower() not in AGE_ADJECTIVES]
    rest = [word, *rest]
    article = "an" if rest[0][:1] in "aeiou" else "a"
    if word == "young":
        tail = [p for p in tail if "grey hair" not in p]
    return ParsedEdit([edits.SetIdentity(text=", ".join([" ".join([article, *rest]), *tail]))])


def _recolour(r: _Request) -> ParsedEdit | None:
    """"make the seagull blue", "the bakery should be green": a thing's colour wherever it is shown."""
    colour = next((t for t in r.doc if t.lower_ in COLOUR_WORDS and t.i not in r.refs.tokens
                   and t.dep_ not in ("dobj", "pobj", "nsubj")), None)  # "a rainbow in the sky" is a thing
    if colour is None:
        return None
    thing = None
    for token in r.doc:  # by its role, as the tagger may call "seagull" an adjective
        nounish = token.pos_ in ("NOUN", "PROPN") or token.dep_ in ("nsubj", "dobj", "pobj", "attr", "nsubjpass")
        if nounish and token.pos_ not in ("PRON", "DET") and token.lower_ not in COLOUR_WORDS \
                and token.i not in r.refs.tokens \
                and token.lemma_.lower() not in FRAME_NOUNS | {"colour", "color", "everything", "it"}:
            thing = token
            break
    if thing is None:
        shown = _shown_things(r.story)
        return ParsedEdit([], question=f"What should be {colour.lower_}? Name it, for example "
                                       f"“make the {r.character} {colour.lower_}”.",
                          choices=[f"make the {name} {colour.lower_}" for name in [r.character, *shown][:4]])
    lemma = thing.lemma_.lower()
    if lemma == r.character or lemma in ("character", "hero", "she", "he"):
        return ParsedEdit([edits.SetIdentity(text=f"{colour.lower_} colours", append=True)])
    worn = ", ".join(r.story.identity_prompt.lower().split(", ")[1:])  # not the head: "lighthouse keeper"
    if lemma in worn and not any(lemma in f.prompt.lower() for f in r.story.frames):
        return ParsedEdit([edits.SetIdentity(text=_recolour_text(r.story.identity_prompt, lemma, colour.lower_))])
    targets = [i for i in r.targets() or range(r.count) if _mentions(r.story.frames[i].prompt, lemma)]
    if not targets:
        targets = r.targets()
        if not targets:
            message = r.doc.text.rstrip(".!?")
            choices = [f"{message} in frame {i + 1}" for i in range(min(r.count, 6))]
            return ParsedEdit([], question=f"No frame shows a {lemma} yet. Which frame should have a "
                                           f"{colour.lower_} {lemma}?", choices=choices)
        prompts = {i: _with_modifier(r.story.frames[i].prompt, f"a {colour.lower_} {lemma}") for i in targets}
        return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"a {colour.lower_} {lemma} added")])
    prompts = {i: _recolour_text(r.story.frames[i].prompt, lemma, colour.lower_) for i in targets}
    return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"the {lemma} is now {colour.lower_}")])


def _shown_things(story) -> list[str]:
    """Nouns the frames show, most frequent first ("bakery", "loaf")."""
    counts: dict[str, int] = {}
    for frame in story.frames:
        for token in nlp.parse(frame.prompt):
            if token.pos_ == "NOUN" and token.dep_ in ("dobj", "pobj") and token.lemma_ not in FRAME_NOUNS:
                counts[token.lemma_.lower()] = counts.get(token.lemma_.lower(), 0) + 1
    return sorted(counts, key=lambda noun: -counts[noun])


def _mentions(text: str, lemma: str) -> bool:
    """Whether `text` shows the thing `lemma` names (as a noun: "fishing" is no fish)."""
    return any(_is_thing(t, lemma) for t in nlp.parse(text))


def _is_thing(token, lemma: str) -> bool:
    return token.lemma_.lower() == lemma and token.pos_ in ("NOUN", "PROPN", "ADJ") and token.tag_ != "VBG"


def _recolour_text(text: str, lemma: str, colour: str) -> str:
    """Put `colour` before every mention of `lemma`, replacing a colour already there."""
    doc = nlp.parse(text)
    out = []
    for token in doc:
        if token.lower_ in COLOUR_WORDS and token.head.lemma_.lower() == lemma:
            continue
        if _is_thing(token, lemma):
            compounds = [t for t in token.lefts if t.dep_ == "compound"]
            if compounds:  # "tiny bread bakery": the colour goes before the compound
                index = len(out) - len(compounds)
                out.insert(index, colour + " ")
            else:
                out.append(colour + " ")
        out.append(token.text_with_ws)
    return "".join(out).strip()


def _replace_thing(r: _Request) -> ParsedEdit | None:
    """"turn the lake into a river", "replace the fish with a turtle": a thing becomes another wherever shown."""
    for token in r.doc:
        if token.lemma_ not in ("turn", "change", "replace", "swap", "make"):
            continue
        old = next((c for c in token.children if c.dep_ == "dobj" and c.pos_ == "NOUN"
                    and c.lemma_.lower() not in FRAME_NOUNS | {r.character}), None)
        into = next((c for c in token.children if c.dep_ == "prep" and c.lower_ in ("into", "to", "with", "for")),
                    None)
        new = next((c for c in into.children if c.dep_ == "pobj"), None) if into is not None else None
        if old is None or new is None or new.lemma_.lower() in SETTING_WORDS:
            continue
        lemma = old.lemma_.lower()
        targets = [i for i in r.targets() or range(r.count) if _mentions(r.story.frames[i].prompt, lemma)]
        if not targets:
            return None
        replacement = r.doc[new.left_edge.i:new.i + 1].text
        prompts = {i: _replace_phrase(r.story.frames[i].prompt, lemma, replacement) for i in targets}
        return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"the {lemma} is now {replacement}")])
    return None


def _replace_phrase(text: str, lemma: str, replacement: str) -> str:
    """`text` with each noun phrase headed by `lemma` replaced ("a quiet lake" → "a river")."""
    doc = nlp.parse(text)
    out, skip_until = [], -1
    for token in doc:
        if token.i <= skip_until:
            continue
        head = next((t for t in doc[token.i:] if _is_thing(t, lemma)), None)
        if head is not None and token.i == head.left_edge.i:
            out.append(replacement + head.whitespace_)
            skip_until = head.i
            continue
        out.append(token.text_with_ws)
    return "".join(out).strip()


def _other_character(r: _Request) -> ParsedEdit | None:
    """"make the grandfather wear a straw hat", "give the grandfather a beard": another character's look, in the
    frames that show them."""
    for token in r.doc:
        lemma = token.lemma_.lower()
        if lemma not in WEAR_VERBS | {"give"}:
            continue
        who = next((c for c in token.children if c.dep_ in ("nsubj", "dative", "iobj") and c.pos_ == "NOUN"), None)
        item = next((c for c in token.children if c.dep_ == "dobj" and c is not who), None)
        if who is None or item is None or who.lemma_.lower() in (r.character, "character", "hero"):
            continue
        name = who.lemma_.lower()
        targets = [i for i in r.targets() or range(r.count) if _mentions(r.story.frames[i].prompt, name)]
        if not targets:
            return None
        detail = ("wearing " if lemma in ("wear", "put on", "dress") else "with ") + \
            r.doc[item.left_edge.i:item.right_edge.i + 1].text
        prompts = {i: _after_noun(r.story.frames[i].prompt, name, detail) for i in targets}
        return ParsedEdit([edits.RewriteFrames(prompts=prompts, what=f"the {name} {detail}")])
    return None


def _after_noun(text: str, lemma: str, detail: str) -> str:
    """`detail` right after each mention of `lemma` ("the grandfather" → "the grandfather wearing a straw hat")."""
    doc = nlp.parse(text)
    return "".join(t.text + (f" {detail}" if _is_thing(t, lemma) else "") + t.whitespace_ for t in doc).strip()
