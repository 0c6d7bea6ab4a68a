"""Chinese revision requests: "把第二帧改成夜晚", "第三帧加上一只猫", "所有画面都下雨", "撤销".

jieba splits the message into words with parts of speech; the request's verb (改成, 加上, 删除...) picks the
operation, frame numbers are read as in the command syntax (第3帧, 第三张, 最后一帧), and the content words are
looked up in CC-CEDICT. The result is said again in plain English and read by the English parser
(`language.requests`), so both languages share one vocabulary of operations.
"""

from __future__ import annotations

import re

from language import nlp
from language.glossary import CHINESE_GLOSSARY
from language.requests import ParsedEdit, understand

# Request verbs and the English request they start.
CHANGE_WORDS = ("改成", "改为", "变成", "换成", "设成", "设为", "改到", "变为", "弄成", "画成")
ADD_WORDS = ("加上", "添加", "加入", "增加", "加个", "加一")
NEW_FRAME_WORDS = ("新的一帧", "新一帧", "新画面", "一帧", "一张", "一幅", "一个画面", "场景")
CHARACTER_WORDS = ("主角", "角色", "主人公", "人物")
ALL_WORDS = ("所有", "全部", "每一帧", "每帧", "每张", "每个画面", "都")
MOOD_WORDS = {"开心": "happier", "快乐": "happier", "高兴": "happier", "欢乐": "happier", "悲伤": "sadder",
              "难过": "sadder", "伤心": "sadder", "恐怖": "scarier", "可怕": "scarier", "紧张": "more dramatic",
              "戏剧": "more dramatic", "平静": "calmer", "安静": "calmer", "搞笑": "funnier", "有趣": "funnier"}
_FUNCTION_FLAGS = {"u", "uj", "ul", "uz", "p", "c", "x", "y", "e", "r", "d", "zg"}
_UNIT = r"(?:帧|张|幅|格|个画面|个|页|图)"
_FRAME = re.compile(rf"(?:把|将)?\s*(?:第\s*(?:\d{{1,2}}|十一|十二|[一二两三四五六七八九十])\s*{_UNIT}?|最后一{_UNIT})")
_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
            "十一": 11, "十二": 12}


def english_of(text: str) -> str:
    """Content words in English, word by word through CC-CEDICT ("下雨天" → "rain day")."""
    out = []
    for word, flag in nlp.chinese_words(text):
        if not word.strip() or flag in _FUNCTION_FLAGS or word in ("个", "只", "一", "着", "了"):
            continue
        if flag == "m" and not word.isdigit():
            continue
        known = CHINESE_GLOSSARY.get(word)
        if known and known[0] in ("character", "object", "clothing", "colour"):  # our own words first: 小男孩 = boy
            out.append(re.sub(r"^(?:a|an|the) ", "", known[1]))
            continue
        english = nlp.english_sense(word, flag)
        if not english and len(word) > 1:  # a word CC-CEDICT lacks: its characters one by one
            english = " ".join(nlp.english_sense(ch) for ch in word)
        out.append(english.strip())
    return " ".join(w for w in out if w)


def _frame_words(text: str) -> tuple[list[str], str]:
    """The frame references as English ("frame 2", "the last frame") and the text without them."""
    refs = []
    for match in _FRAME.finditer(text):
        body = match.group(0)
        if "最后" in body:
            refs.append("the last frame")
            continue
        number = re.search(r"\d{1,2}|十一|十二|[一二两三四五六七八九十]", body.split("第", 1)[1]).group(0)
        refs.append(f"frame {int(number) if number.isdigit() else _NUMBERS[number]}")
    return refs, _FRAME.sub(" ", text)


def understand_chinese(message: str, story) -> ParsedEdit | None:
    """Operations for a Chinese request, a question, or None."""
    text = message.strip().rstrip("。！？!?")
    refs, rest = _frame_words(text)
    target = " and ".join(refs) if refs else ("all frames" if any(w in text for w in ALL_WORDS) else "")
    if any(w in rest for w in CHARACTER_WORDS):  # "把主角改成小男孩": the main character
        verb = next((v for v in CHANGE_WORDS if v in rest), None)
        content = english_of(rest.split(verb, 1)[1]) if verb else ""
        if content:
            return understand(f"the character should be a {content}", story)
    if "风格" in rest or "画风" in rest:
        content = english_of(rest.replace("风格", " ").replace("画风", " "))
        if content:
            return understand(f"switch to {content} style", story)
    for word, english in MOOD_WORDS.items():
        if word in rest:
            return understand(f"make {target or 'it'} {english}", story)
    for verb in CHANGE_WORDS:
        if verb in rest:
            content = english_of(rest.split(verb, 1)[1])
            if content:
                return understand(f"change {target or 'all frames'} to {content}", story)
    for verb in ADD_WORDS:
        if verb in rest:
            after = rest.split(verb, 1)[1]
            if any(w in after for w in NEW_FRAME_WORDS) and not refs:
                content = english_of(re.sub("|".join(NEW_FRAME_WORDS), " ", after))
                return understand(f"add a frame where {content}", story) if content else None
            content = english_of(after)
            if content and target:
                return understand(f"in {target} add {content}", story)
    content = english_of(rest)
    if content and target:
        return understand(f"change {target} to {content}", story)
    return None
