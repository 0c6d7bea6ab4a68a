"""Frame ordinals typed with a slip ("the secnd one", "the forth picture"), spelt right before a request is read."""

from __future__ import annotations

from language.lexicon import EN, entries
from language.tools import english


def fix_ordinals(text: str) -> str:
    """Ordinals with a one-letter typo ("the secnd one", "the forth picture", "thrid frame") spelt right, where
    a frame noun follows or "the" comes before a word that is none (rapidfuzz's Damerau-Levenshtein distance ≤ 1)."""
    from lemminflect import getAllLemmas
    from rapidfuzz.distance import DamerauLevenshtein
    from rapidfuzz.process import extractOne

    tokens = list(english().tokenizer(text))
    nouns = {form for noun in entries("frame_nouns") for form in (noun, noun + "s", noun + "es")}
    ordinals = [w for w in EN.ordinals if w.isalpha()]
    out = []
    for i, token in enumerate(tokens):
        word = token.lower_
        near = (i + 1 < len(tokens) and tokens[i + 1].lower_ in nouns) or (i and tokens[i - 1].lower_ == "the")
        if near and token.is_alpha and len(word) >= 4 and word not in EN.ordinals:
            best = extractOne(word, ordinals, scorer=DamerauLevenshtein.distance, score_cutoff=1)
            framed = i + 1 < len(tokens) and tokens[i + 1].lower_ in nouns  # "the fith picture"
            known = bool(getAllLemmas(word))  # "the tents" is no "tenth", but "the forth picture" is
            if best and (framed or len(word) >= 5 and not known):
                out.append(best[0] + token.whitespace_)
                continue
        out.append(token.text_with_ws)
    return "".join(out)
