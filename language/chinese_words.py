"""Chinese words: jieba's segmentation, taught the lexicon's words and kept from guessing words nothing
translates, and each word's English (`zh.yaml` first, then CC-CEDICT)."""

from __future__ import annotations

import functools

from language.lexicon import TABLE, ZH
from language.tools import add_chinese_words, chinese_words, english_sense, longest_words


@functools.cache
def _words():
    """Teach jieba the lexicon's words once, so "小水獭" and "下雪天" stay whole."""
    tags = {"t": (ZH.times,), "a": (ZH.colours, ZH.moods), "n": (ZH.weather, ZH.seasons, ZH.styles, ZH.kinds,
                                                                ZH.clothing, ZH.nouns), "v": (ZH.verbs,)}
    known = {word: tag for tag, tables in tags.items() for table in tables for word in table}
    known.update({w: "v" for spec in TABLE.actions.values() for w in spec.get("zh", [])})
    known.update({w: "t" for w in ZH.time_words})
    add_chinese_words(known)
    return True


def words(text: str) -> list[tuple[str, str]]:
    _words()
    for joined, apart in ZH.splits.items():
        text = text.replace(joined, apart)
    found = []
    for word, flag in chinese_words(text):
        if word in ZH.verbs and flag in ("m", "u", "zg", "q", "f"):  # "种/m了一个菜园", "在等/u一封信": verbs
            flag = "v"
        elif flag == "n" and len(word) > 2 and word not in ZH.nouns and not english_sense(word) and english_sense(
                word, verb=True):  # "睡午觉/n": CC-CEDICT knows it only as "to have a nap"
            flag = "v"
        found += _cut(word, flag) if word.strip() else []
    return _measured(_joined(found))


def _measured(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A measure word after a number is no object mark, and what it counts is a noun ("一/m 把/p 米/q": a
    handful of rice, not "put … 把 the metre")."""
    for i, (word, flag) in enumerate(found):
        if i and found[i - 1][1] == "m" and word in ZH.measure_words and flag != "q":
            found[i] = (word, "q")
        elif i > 1 and found[i - 1][1] == "q" and found[i - 2][1] == "m" and flag == "q":
            found[i] = (word, "n")
    return found


def _joined(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Two words jieba cut apart that CC-CEDICT knows as one noun of four characters or more ("旋转" "木马" →
    旋转木马, a carousel)."""
    joined: list[tuple[str, str]] = []
    for word, flag in found:
        if joined and len(joined[-1][0] + word) >= 4 and english_sense(joined[-1][0] + word) and not english_sense(
                joined[-1][0] + word, verb=True):
            joined[-1] = (joined[-1][0] + word, "n")
        else:
            joined.append((word, flag))
    return joined


def _cut(word: str, flag: str) -> list[tuple[str, str]]:
    """A word jieba's guesser made up that nothing translates ("蛋里", "戴眼镜") cut into the longest words
    CC-CEDICT or the lexicon knows ("蛋" "里", "戴" "眼镜"); a name stays whole ("阿玛拉"): a guessed name is cut
    only into the lexicon's own words, anything else with at most one unknown single character."""
    known = _known()
    if len(word) < 2 or word in known or english_word(word, flag):
        return [(word, flag)]
    pieces = longest_words(word, known)
    listed = [w in known for w, _ in pieces]
    named = flag.startswith("nr")
    if len(pieces) >= 2 and (all(listed) if named else sum(len(w) == 1 and not ok for (w, _), ok in
                                                               zip(pieces, listed, strict=True)) <= 1):
        return pieces
    return [(word, flag)]


@functools.cache
def _known() -> frozenset:
    """Every Chinese word the lexicon lists."""
    tables = [t for t in ZH.data.values() if isinstance(t, (dict, list))]
    return frozenset(w for t in tables for w in t if isinstance(w, str))


def english_word(word: str, flag: str = "") -> str:
    """A Chinese word in English: the lexicon's, else CC-CEDICT's first sense."""
    if flag.startswith("v") and word in ZH.verbs:
        return ZH.verbs[word]
    for table in (ZH.nouns, ZH.kinds, ZH.clothing, ZH.colours, ZH.times, ZH.weather, ZH.seasons, ZH.moods):
        if word in table:
            return table[word]
    if word in ZH.verbs:
        return ZH.verbs[word]
    if word.startswith("小") and len(word) >= 2 and (word[1:] in ZH.kinds or not english_sense(word)):
        rest = english_word(word[1:], "n")  # "小龙" is a little dragon (CC-CEDICT: a snake), "小鹿" a little deer
        if rest:
            return f"little {rest}"
    sense = english_sense(word, verb=flag.startswith("v"))
    if not sense and complement(word):  # "飞回": fly back
        place = english_word(word[2:], "n") if len(word) > 2 and word[2:] not in ("来", "去") else ""  # "带回家"
        return " ".join(filter(None, [ZH.verbs[word[0]], ZH.directions[word[1]], place]))
    return sense


def complement(word: str) -> bool:
    """A verb with a direction after it, which CC-CEDICT may lack: "飞回", "带回家"."""
    return len(word) >= 2 and word[0] in ZH.verbs and word[1] in ZH.directions and word not in ZH.nouns
