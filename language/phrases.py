"""Words into prompts: a clause becomes a frame text ("she waves goodbye from the boat" → "waving goodbye from
the boat") and a caption ("Juno waves goodbye from the boat."), and a frame text takes a change: a time, weather,
season or mood replaces its own kind ("at night" replaces "at dusk"), a thing gets a colour, a size or something
to wear. One builder for ideas and requests alike.
"""

from __future__ import annotations

import itertools
import re

from language.lexicon import EN, entries
from language.tools import inflect, lemma_of, parse

# A scene's kinds: the lexicon category of words, and of the phrases the prompts carry.
SCENE_KINDS = {"times": "time_phrases", "weather": "weather_phrases", "seasons": "season_phrases",
               "moods": "mood_phrases"}


def clause_text(verb, skip: set[int] = frozenset(), names: dict[int, str] | None = None, form: str = "VBG") -> str:
    """The predicate of `verb` as a frame text: the verb in `form` (gerund by default) and its words, without
    the tokens in `skip` (the subject, other clauses), with pronouns replaced by `names` (token index → words).

    "doesn't remember anything" → "not remembering anything"; "tries to sail it" → "trying to sail the raft".
    """
    names = names or {}
    drop, replace, negated = set(skip), dict(names), False
    for token in verb.subtree:
        leading = token.i < verb.i and token.dep_ in ("aux", "auxpass", "nsubj", "mark", "advmod", "cc",
                                                       "nsubjpass", "punct", "expl")
        if token.dep_ == "neg" and (token.head == verb or leading):
            negated, leading = negated or token.i not in skip, True
        if leading:
            drop.add(token.i)
    lemma = lemma_of(verb.text) if verb.tag_ != "VBG" or form != "VBG" else verb.lemma_
    negation = {"VBG": "not ", "VBZ": "does not ", "VBP": "do not "}.get(form, "not ") if negated else ""
    passive = next((c for c in verb.children if c.dep_ == "auxpass"), None)
    if passive is not None:  # "being chased by a heron", "is chased by a heron"; "getting lost", "gets lost"
        helper = "get" if passive.lemma_ == "get" else "be"
        between = [t for t in verb.doc[passive.i + 1:verb.i] if t.i not in drop and t.i not in skip]
        drop |= {t.i for t in between}  # "is all grown up" → "being all grown up", the helper first
        replace[verb.i] = " ".join([negation + inflect(helper, form if not negated else "VB")]
                                   + [t.text for t in between] + [verb.text])
    else:
        replace[verb.i] = negation + inflect(lemma, "VB" if negated and form in ("VBZ", "VBP") else form)
    then = next((c for c in verb.children if c.dep_ == "xcomp" and c.tag_ == "VBG" and c.i == verb.i + 1), None)
    if form == "VBG" and then is not None and lemma in EN.gerund_heads:  # "starting to build", not "starting building"
        replace[verb.i] = negation + EN.gerund_heads[lemma]
        replace[then.i] = then.lemma_ if EN.gerund_heads[lemma].endswith(" to") else then.text
    return render(verb.subtree, drop, replace)


def render(tokens, drop=frozenset(), replace=None, before=None, after=None) -> str:
    """Text of `tokens` with the document's own spacing ("red-and-white", "grandfather's"), leaving out `drop`
    (and a preposition whose object is left out: "in [frame 4]"), with words replaced (`replace`: index → words)
    or added before or after a token (index → words)."""
    replace, before, after = replace or {}, before or {}, after or {}
    tokens = list(tokens)
    drop = set(drop) | {t.i for t in tokens if t.dep_ == "prep" and any(c.dep_ == "pobj" for c in t.children)
                        and all(c.i in drop for c in t.children if c.dep_ == "pobj")}
    out, previous = [], None
    for token in tokens:
        if token.i in drop:
            if out and not token.whitespace_:
                out[-1] = out[-1].rstrip()
            continue
        if out and previous is not None and token.i != previous + 1 and not out[-1].endswith(" "):
            out[-1] += " "  # words that were not next to each other in the text
        previous = token.i
        word = replace.get(token.i, token.text)
        if token.i in before:
            word = f"{before[token.i]} {word}"
        if token.i in after:
            word = f"{word} {after[token.i]}"
        out.append(word + (token.whitespace_ or ""))
    return tidy("".join(out))


def tidy(text: str) -> str:
    """Spaces before punctuation and possessives removed, runs of spaces and dangling commas trimmed."""
    for mark in (" ,", " .", " 's", " ’s", " n't", " ;", " :", " !", " ?"):
        text = text.replace(mark, mark.strip())
    text = " ".join(text.split()).strip(" ,;:").replace("\u2011", "-")
    return text.replace("( ", "(").replace(" )", ")")


def caption(subject: str, verb, skip: set[int] = frozenset(), names: dict[int, str] | None = None,
            plural: bool = False) -> str:
    """A reader's sentence for a clause: "Juno finds a lost baby otter on the riverbank."."""
    body = clause_text(verb, skip, names, form="VBP" if plural else "VBZ")
    return sentence(f"{subject} {body}")


def sentence(text: str) -> str:
    text = tidy(text)
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


def scene_phrase(category: str, word: str) -> str:
    """The prompt phrase of a scene word: ("times", "night") → "at night"; a mood gives its phrase."""
    value = getattr(EN, category)[word]
    return value["phrase"] if isinstance(value, dict) else value


def set_scene(prompt: str, category: str, phrase: str) -> str:
    """`prompt` with `phrase` in place of any phrase of the same kind ("at dusk" → "at night")."""
    doc = parse(prompt)
    words = set(entries(category))
    drop = set()
    for token in doc:  # "at dusk", "on a sunny morning", "in the rain": the whole prepositional phrase
        if token.lemma_.lower() in words and token.head.dep_ == "prep" and token.dep_ == "pobj":
            drop |= {t.i for t in token.head.subtree}
    text = render(doc, drop)
    for old in sorted(getattr(EN, SCENE_KINDS[category]), key=len, reverse=True):
        text = tidy(text.replace(f", {old}", "").replace(f" {old}", ""))
    joiner = ", " if category == "moods" else " "
    return tidy(f"{text}{joiner}{phrase}")


def _mentions(doc, noun: str) -> list:
    """Tokens of `doc` that name `noun` (by lemma, or as the end of a compound word: "rowboat" for "boat"), but
    not as a word of another noun ("the bus stop" shows no bus)."""
    noun = noun.lower()
    modifier = {t.i for t in doc if t.dep_ == "compound" and t.head.pos_ == "NOUN" and t.head.i == t.i + 1}
    return [t for t in doc if t.pos_ in ("NOUN", "PROPN") and (t.lemma_.lower() == noun or t.lower_ == noun or (
        len(noun) > 3 and t.lower_.endswith(noun))) and t.i not in modifier or _misread_noun(t) and t.lower_ == noun]


def _misread_noun(token) -> bool:
    """A noun the tagger read as an adjective heading nothing ("at the village fair/ADJ")."""
    return token.pos_ == "ADJ" and token.dep_ != "amod" and token.i > 0 and token.nbor(-1).pos_ in ("NOUN", "DET")


def mentions(prompt: str, noun: str) -> bool:
    return bool(_mentions(parse(prompt), noun))


def describe_thing(prompt: str, noun: str, adjective: str, replaces: str) -> str:
    """`prompt` with `noun` given `adjective`, which replaces the words of the lexicon category `replaces`
    (colours for a colour, sizes for a size): "the yellow boat" → "the red boat"."""
    doc = parse(prompt)
    targets = _mentions(doc, noun)
    if not targets:
        return prompt
    old = set(entries(replaces)) | (set(EN.colour_modifiers) if replaces == "colours" else set())
    drop, before = set(), {}
    for target in targets:
        adjectives = [c for c in target.subtree if c.dep_ in ("amod", "compound", "nmod") and c.i < target.i]  # "blue
        # wooden rowing boat": the colour may hang on another word before the noun
        drop |= {c.i for c in adjectives if c.lower_ in old or c.text.lower() in old}
        material = next((c for c in adjectives if c.lower_ in EN.materials and c.i not in drop), None)
        first = target  # "watering can", "rowing boat": the colour goes before the noun's compound
        while first.i and doc[first.i - 1].dep_ == "compound" and doc[first.i - 1].head == target and \
                first.i - 1 not in drop:
            first = doc[first.i - 1]
        before[(material or first).i] = adjective
    said = render(doc, drop, before=before)  # "a silver rocket" → "an emerald green rocket"
    return re.sub(rf"\b([Aa])n?\s+(?={re.escape(adjective)}\b)",
                  lambda m: m.group(1) + ("n " if adjective[:1].lower() in "aeiou" else " "), said)


def dress_thing(prompt: str, noun: str, item: str) -> str:
    """`prompt` with `noun` wearing or holding `item`: "the rescued sailor" → "the rescued sailor in a green hat"."""
    doc = parse(prompt)
    targets = _mentions(doc, noun)
    if not targets:
        return prompt
    return render(doc, after={targets[0].i: f"wearing {item}"})


def replace_thing(prompt: str, noun: str, new: str) -> str:
    """`prompt` with `noun` (and the words describing it) replaced by `new`: "the golden fish" → "a turtle"."""
    doc = parse(prompt)
    targets = _mentions(doc, noun)
    if not targets:
        return prompt
    before = {t: [w for c in t.children if c.dep_ in ("amod", "compound", "det", "nummod", "poss") and c.i < t.i
                  for w in c.subtree] for t in targets}  # "her yellow hot-air balloon": her little airship
    owners = {t: [w for w in words if w.dep_ == "poss"] for t, words in before.items()}
    skip = {w.i for t, words in before.items() for w in words if w not in owners[t]}
    modifiers = [t for t in targets if t.dep_ == "compound"]  # "the golden fish pond": the fish is a modifier
    skip |= {t.i - 1 for t in modifiers if t.i and doc[t.i - 1].dep_ == "amod" and doc[t.i - 1].head == t.head}
    replace = {t.i: new if t in modifiers else f"{'' if owners[t] else 'the '}{new}" + f" {t.text}" * (
        t.pos_ == "PROPN") for t in targets}  # "her scruffy grey terrier Biscuit": her ginger cat Biscuit
    for target in [t for t in targets if _misread_noun(t)]:  # "the village fair": the words before it are its own
        words = list(itertools.takewhile(lambda t: t.pos_ in ("NOUN", "ADJ", "DET"), reversed(doc[:target.i])))
        words = words[:next((n for n, t in enumerate(words) if t.pos_ == "DET"), len(words) - 1) + 1]
        carrier = next((t for t in reversed(words) if t.pos_ != "DET"), None)
        skip |= {t.i for t in words if t != carrier}
        if carrier is not None:  # the phrase's first noun carries the new one ("at the village fair" → "at the…")
            skip.add(target.i)
            replace[carrier.i] = replace.pop(target.i)
    return render(doc, skip, replace=replace)


def without_thing(prompt: str, noun: str) -> str:
    """`prompt` without `noun` and the words that hang on it ("drinking cocoa by the stove with the rescued
    sailor" without the sailor → "drinking cocoa by the stove"): its phrase, the preposition before it, an "and"."""
    doc = parse(prompt)
    targets = [t for t in _mentions(doc, noun) if t.dep_ != "compound"]
    if not targets:
        return prompt
    if any(t.dep_ in ("dobj", "nsubj", "nsubjpass") and t.head.dep_ == "ROOT" for t in targets):
        return prompt  # "spotting a sailboat" without the sailboat is no picture
    skip = set()
    for target in targets:
        kept = {t.i for c in target.children if c.dep_ == "prep" and c.i > target.i for t in c.subtree}
        skip |= {t.i for t in target.subtree} - kept  # "the stove with the sailor": the sailor stays
        if target.dep_ == "pobj":
            skip.add(target.head.i)
            if target.head.i > 0 and doc[target.head.i - 1].lower_ in ("and", ","):
                skip.add(target.head.i - 1)
        skip |= {c.i for c in target.head.children if c.dep_ == "cc" and target.dep_ == "conj"}
    rest = render(doc, skip).strip(" ,")
    return rest if rest else prompt


def is_name(token) -> bool:
    """A capitalised proper noun, or a capitalised word the tagger called a noun that no English dictionary knows
    ("Theo is eight": the small model's NOUN)."""
    from lemminflect import getAllLemmas

    return token.text[:1].isupper() and (token.pos_ == "PROPN" or token.pos_ == "NOUN" and not getAllLemmas(
        token.lower_) and token.lower_ not in EN.kinds)


def lower_first(text: str, names: frozenset = frozenset()) -> str:
    """A phrase moved inside a sentence: "At sunset" → "at sunset"; names keep their capital (also `names`, the
    idea's own: "Ploy")."""
    first = text.split(" ", 1)[0]
    if not first or first == "I" or (len(first) > 1 and first[1:].lower() != first[1:]) or first in names:
        return text
    doc = parse(first)
    return text if is_name(doc[0]) else first.lower() + text[len(first):]
