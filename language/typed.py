"""An idea as people type it, made readable for the small parser: a run-on sentence is cut where a new clause
starts without a comma ("…a huge sandcastle then a seagull steals…", "…and at the end they ride…", "…t-shirt and he
goes…"), and the names of an idea typed all in lower case get their capitals back ("theo is eight", "his best
friend ava", "theos ice cream" → Theo's). The words are `en.yaml`'s (`run_on_markers`, `name_leads`)."""

from __future__ import annotations

import re

from language.lexicon import EN


def retyped(text: str) -> str:
    """`text` with run-on clauses cut into sentences and lower-case names capitalised; a colon before what they do
    starts the moments ("…in a yellow shirt: they climb aboard…" → "… First, they climb aboard…")."""
    text = _cut_run_ons(_names(text) if not re.search(r"[A-Z]", text) else text)
    text = _opening_clauses(_lone_prepositions(_last_picture(text)))
    for phrase, word in EN.lead_phrases.items():  # "…, and at last swim up": one word the parser knows as a lead
        text = re.sub(rf"(,|\band)\s+{phrase}\b", rf"\1 {word}", text, flags=re.I)
    subjects = "|".join([*EN.run_on_markers["subjects"], "an?", "the"])  # "…across town: a gust snatches…"
    return re.sub(rf"\s*:\s+({subjects})\s", lambda m: f". First {m.group(1)} ", text)


def _cut_run_ons(text: str) -> str:
    """A clause marker with no comma before it starts a sentence: "… sandcastle then a seagull …" →
    "… sandcastle. Then a seagull …"; "… t-shirt and he goes …" → "… t-shirt. He goes …"."""
    def alternatives(words: list[str]) -> str:
        return "|".join(sorted(map(re.escape, words), key=len, reverse=True))

    alone, after_and = alternatives(EN.run_on_markers["alone"]), alternatives(EN.run_on_markers["after_and"])
    subjects = alternatives(EN.run_on_markers["subjects"])
    pattern = rf"(?<=[A-Za-z0-9'])\s+(?:and\s+({after_and}|{subjects})|({alone}))\s+(?=[a-z])"
    return re.sub(pattern, lambda m: ". " + (m.group(1) or m.group(2)).capitalize() + " ", text)


def _names(text: str) -> str:
    """Names in an idea typed without capitals: a word no English dictionary knows that starts the idea before a
    verb, or follows a word that leads a name ("friend", "named", "sister"); the same word elsewhere, and with an
    "s" after it (a possessive typed without its apostrophe)."""
    from lemminflect import getAllLemmas
    from spacy.lang.en.stop_words import STOP_WORDS

    words = re.findall(r"[a-z]+", text)
    unknown = {w for w in words if not getAllLemmas(w) and w not in EN.kinds and len(w) > 2 and w not in STOP_WORDS}
    names = set()
    for before, word, after in zip(["", *words[:-1]], words, [*words[1:], ""], strict=True):
        if word in unknown and (before in EN.name_leads and after not in ("a", "an", "the") or not before and (
                "VERB" in getAllLemmas(after) or after in ("is", "was", "has", "and"))):  # "his dad bild a…": a verb
            names.add(word)
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"\b{name}s\b", f"{name.title()}'s", text)
        text = re.sub(rf"\b{name}\b", name.title(), text)
    return text


def _lone_prepositions(text: str) -> str:
    """A preposition said without its noun before the next clause's subject gets its comma, so that the parser
    does not take the subject for its object: "Halfway across it starts to sink" → "Halfway across, it starts…"."""
    from lemminflect import getAllLemmas

    def comma(match: re.Match) -> str:
        verb = match.group(3).lower()
        said = "VERB" in getAllLemmas(verb) and verb.endswith(("s", "ed"))
        return f"{match.group(1)}, {match.group(2)} {match.group(3)}" if said else match.group(0)

    alone = "|".join(EN.lone_prepositions)
    return re.sub(rf"(\b(?:halfway|half way|part way|partway|midway) (?:{alone}))\s+(it|he|she|they)\s+([a-z]+)",
                  comma, text, flags=re.I)


def _opening_clauses(text: str) -> str:
    """A clause that opens a sentence gets its comma before the next subject: "When the fire bell rings they race…"
    → "When the fire bell rings, they race…" (its verb right before a subject pronoun, as a verb can be)."""
    from lemminflect import getAllLemmas

    def comma(match: re.Match) -> str:
        words = f"{match.group(2)} {match.group(3)}".lower().split()[1:]  # "he gets better", "the bell rings"
        said = any("VERB" in getAllLemmas(w) and w.endswith(("s", "ed")) for w in words)
        return f"{match.group(1)}{match.group(2)} {match.group(3)}, {match.group(4)} " if said else match.group(0)

    openers, subjects = "|".join(EN.run_on_markers["openers"]), "|".join(EN.run_on_markers["subjects"])
    return re.sub(rf"((?:^|[.!?]\s+|,\s+and\s+)(?:{openers})\s)([^,.;:!?]+?)\s([a-z]+)\s+({subjects})\s",
                  comma, text, flags=re.I)


def _last_picture(text: str) -> str:
    """The last picture named as when something happens is the story's end: "…, but nobody waves back - until the
    very last picture, when a little girl builds him a friend" → "…back. Finally, a little girl builds…"."""
    nouns = "|".join(EN.frame_nouns)
    seen = r"(?:when|where|we\s+(?:see|find\s+out|learn|discover)(?:\s+(?:why|that|what\s+happened))?\s*[:,]?)"
    return re.sub(rf"\s*[-–—,;]?\s*\b(?:and\s+|then\s+)?(?:until|till|in|by)\s+the\s+(?:very\s+)?(?:last|final)\s+"
                  rf"(?:{nouns})s?\s*,?\s*{seen}\s+", ". Finally, ", text, flags=re.I)  # "…: in the last frame we
    # see why: the visitors are all skeletons"
