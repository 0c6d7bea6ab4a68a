"""The lexicons and the operation table (`language/lexicon/*.yaml`), loaded once, and the matchers built from them.

`EN`, `ZH` and `TABLE` are read on first attribute access (importing this module reads no file). A category of
`en.yaml` becomes a spaCy `PhraseMatcher` over lower-case text (`phrases(category)`), so multi-word entries
("sky blue", "pencil sketch") match as phrases; every lookup goes through the tables here, never through word
lists in code.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

FOLDER = Path(__file__).resolve().parent / "lexicon"


class _Lexicon:
    """One YAML file as attributes: `EN.colours`, `ZH.numbers` (read on first use)."""

    def __init__(self, name: str):
        self._name = name

    @functools.cached_property
    def data(self) -> dict:
        return yaml.safe_load((FOLDER / f"{self._name}.yaml").read_text(encoding="utf-8"))

    def __getattr__(self, key: str):
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self.data[key]
        except KeyError as error:
            raise AttributeError(f"{self._name}.yaml has no {key!r}") from error


EN = _Lexicon("en")
ZH = _Lexicon("zh")
TABLE = _Lexicon("operations")


def entries(category: str) -> list[str]:
    """The words of an English category, whether it is a list or a mapping (its keys)."""
    value = getattr(EN, category)
    return list(value) if isinstance(value, list) else list(value.keys())


@functools.cache
def phrases(*categories: str):
    """A PhraseMatcher over lower-case text for these English categories; match ids are the category names."""
    from spacy.matcher import PhraseMatcher

    from language.tools import english

    nlp = english()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for category in categories:
        matcher.add(category, list(nlp.tokenizer.pipe(entries(category))))
    return matcher


def find(doc, *categories: str) -> list[tuple[str, object]]:
    """(category, span) for every lexicon phrase in `doc`, longest first where matches overlap."""
    from spacy.util import filter_spans

    vocab = doc.vocab.strings
    spans = [doc[start:end] for _, start, end in phrases(*categories)(doc)]
    labels = {(doc[start:end].start, doc[start:end].end): vocab[key] for key, start, end in phrases(*categories)(doc)}
    found = []
    for span in sorted(filter_spans(spans), key=lambda s: s.start):
        label = labels[(span.start, span.end)]
        if found and label == found[-1][0] == "colours" and found[-1][1].end == span.start:
            found[-1] = (label, doc[found[-1][1].start:span.end])  # "emerald green": one colour, of two words
        else:
            found.append((label, span))
    return found


def weather_word(word: str) -> bool:
    """A weather noun, also a compound of two ("hailstorm", "snowstorm": hail + storm), never "brain" (b + rain)."""
    return word in EN.weather or any(word.endswith(w) and word[:-len(w)] in EN.weather for w in EN.weather)


@functools.cache
def ordinals() -> dict[str, int]:
    """Ordinals in words (`en.yaml`) and in digits ("1st", "12th", "22nd")."""
    digits = {f"{n}{'th' if 10 <= n % 100 < 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}": n
              for n in range(1, 100)}
    return {**EN.ordinals, **digits}


@functools.cache
def word_set(category: str) -> frozenset[str]:
    """The words of an English category as a set, for membership tests."""
    return frozenset(entries(category))


@functools.cache
def word_index(category: str) -> dict[str, str]:
    """lower-case word → the category's canonical form (a mapping's value's key, or the word itself)."""
    return {word.lower(): word for word in entries(category)}


@functools.cache
def action_words(language: str = "en") -> dict[str, list[tuple[str, ...]]]:
    """action → its trigger phrases as word tuples (English) or strings (Chinese), longest first."""
    found: dict[str, list] = {}
    for action, spec in TABLE.actions.items():
        if language == "zh":
            found[action] = sorted(spec.get("zh", []), key=len, reverse=True)
        else:
            words = [tuple(w.split()) for w in spec.get("verbs", []) + spec.get("phrases", [])]
            found[action] = sorted(words, key=len, reverse=True)
    return found


@functools.cache
def action_matcher():
    """A spaCy Matcher over the operation table's verbs (every inflection) and phrases; match ids are the actions."""
    from lemminflect import getAllInflections
    from spacy.matcher import Matcher

    from language.tools import english

    nlp = english()
    matcher = Matcher(nlp.vocab)
    for action, spec in TABLE.actions.items():
        only = spec.get("verb_only", [])
        verbs = [v for v in spec.get("verbs", []) if v not in only]
        forms = sorted({f for v in verbs for fs in getAllInflections(v, upos="VERB").values() for f in fs} | set(verbs))
        patterns = [[{"LEMMA": {"IN": verbs}}], [{"LOWER": {"IN": forms}}]] if verbs else []  # "trading"/NOUN too
        patterns += [[{"LEMMA": {"IN": only}, "POS": "VERB"}]] if only else []
        for phrase in spec.get("phrases", []):  # tokenized as text is ("don't" is two tokens); "*" is any words
            pattern = []
            for token in nlp.tokenizer(phrase):  # (a "to" after any words is a preposition: "add * to", not "to
                any_words = {"IS_PUNCT": False, "LOWER": {"NOT_IN": EN.clause_words}, "OP": "{0,4}"}  # climb")
                to = token.lower_ == "to" and pattern[-1:] == [any_words]
                pattern += [any_words] if token.text == "*" else [{"LOWER": "to", "POS": "ADP"} if to else {
                    "LOWER": token.lower_}]
            patterns.append(pattern)
        matcher.add(action, patterns)
    return matcher
