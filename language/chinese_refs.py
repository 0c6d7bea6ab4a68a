"""Frame references in Chinese: "第三张", "最后两张", "在第三张和第四张之间", "改成六张", "多加两张". The patterns are
built from `zh.yaml` (numbers, frame nouns, the words for last, first, before, after, between, all, the rest)."""

from __future__ import annotations

import functools
import re

from language.frames import Frames
from language.lexicon import ZH


@functools.cache
def _zh_patterns() -> dict[str, re.Pattern]:
    number = "|".join(sorted(ZH.numbers, key=len, reverse=True))
    noun = "|".join(sorted(ZH.frame_nouns, key=len, reverse=True))
    last = "|".join(ZH.last_words)
    first = "|".join(ZH.first_words)
    other = "|".join(ZH.other_measures)  # "第一次": the first time, no frame
    opening = rf"(?:{first})的?[那这]?\s*(?:{noun})"  # "开头那张": the first frame, not a place
    ref = rf"(?:第\s*(?:\d{{1,3}}|{number})(?!\d|{other})\s*(?:{noun})?|(?:{last})的?[一那这]?\s*(?:{noun})|{opening})"
    # "最后" alone is "finally" ("最后终于学会了"), "第一次" the first time: neither names a frame
    return {
        "ref": re.compile(ref), "opening": re.compile(opening),
        "between": re.compile(rf"({ref})\s*(?:和|与|跟|到)\s*({ref})\s*(?:{'|'.join(ZH.between_words)})"),
        "before": re.compile(rf"({ref})\s*的?(?:{'|'.join(ZH.before_words)})"),
        "after": re.compile(rf"({ref})\s*的?(?:{'|'.join(ZH.after_words)})"),
        "start": re.compile(rf"(?:{first})(?:{noun})?|开头"),
        "end": re.compile(r"(?:最后面|最后头|末尾|结尾处|最后的位置|最后(?=\s*(?:再|还)?(?:加|放|插|补))"
                          r"|(?<=[到在至])最后(?![一张幅帧格个页图画镜场的两三四五]))"),  # "放到最后"
        "all": re.compile(rf"(?:{'|'.join(ZH.all_words)})(?:一)?(?:{noun})|全部|所有的|整个故事"),
        "rest": re.compile(rf"(?:{'|'.join(ZH.rest_words)})(?:的)?(?:{noun})?"),
        "count": re.compile(rf"(?:改成|变成|只要|只留|一共|总共)\s*(\d{{1,2}}|{number})\s*(?:{noun})"),
        "more": re.compile(rf"(?:多加|再加|加|增加|多来|再来|多画)\s*(\d{{1,2}}|{number})\s*(?:{noun})"
                           r"(?![^，,。]*(?:的图|的画|：|:))"),
        "last_n": re.compile(rf"(?:{last})\s*(\d|{number})\s*(?:{noun})"),
        "first_n": re.compile(rf"(?:前|开头的?)\s*(\d|{number})\s*(?:{noun})"),
    }


def _zh_number(text: str, total: int) -> int:
    if any(word in text for word in ZH.last_words):
        return total
    if re.fullmatch(_zh_patterns()["opening"], text):
        return 1
    digits = re.search(r"\d+", text)
    if digits:
        return int(digits.group())
    word = max((w for w in ZH.numbers if w in text), key=len)
    return ZH.numbers[word]


def read_chinese(text: str, story) -> Frames:
    """Frames, place and length a Chinese request names."""
    total = len(story.frames)
    frames, patterns = Frames(), _zh_patterns()
    if bad := re.search(r"第\s*(?:[-−–]\s*\d+|\d+[.．]\d+)", text):  # "第-1帧", "第1.5张"
        frames.unreadable = bad.group()
    if match := patterns["count"].search(text):
        frames.count = _zh_number(match.group(1), total)
    elif match := patterns["more"].search(text):
        frames.more = _zh_number(match.group(1), total)
    taken = [0] * len(text)
    for name in ("between", "before", "after"):
        for match in patterns[name].finditer(text):
            frames.place = _zh_number(match.group(1), total) - 1 + (1 if name in ("after", "between") else 0)
            frames.said.append(_zh_number(match.group(1), total))
            for i in range(match.start(), match.end()):
                taken[i] = 1
    if patterns["start"].search(text) and not frames.place and not patterns["opening"].search(text):
        frames.place = 0 if re.search(r"最前|开头|最开始", text) else frames.place
    if patterns["end"].search(text):
        frames.place = total
    for name in ("last_n", "first_n"):  # "最后两张", "前两张"
        for match in patterns[name].finditer(text):
            n = _zh_number(match.group(1), 0) if not match.group(1).isdigit() else int(match.group(1))
            numbers = range(total - n + 1, total + 1) if name == "last_n" else range(1, n + 1)
            frames.named += [i - 1 for i in numbers]
            frames.said += list(numbers)
            for i in range(match.start(), match.end()):
                taken[i] = 1
    for match in patterns["ref"].finditer(text):
        if any(taken[match.start():match.end()]):
            continue
        number = _zh_number(match.group(), total)
        frames.said.append(number)
        frames.named.append(number - 1)
        frames.spans.append((match.start(), match.end()))
    frames.everything = bool(patterns["all"].search(text))
    frames.rest = bool(patterns["rest"].search(text)) and bool(frames.named)
    if frames.rest:
        frames.excluded, frames.named = set(frames.named), []
    return frames
