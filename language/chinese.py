"""Chinese into the same vocabulary: a request becomes the same `Parts` as an English one (so the operation
table reads both), and a Chinese clause becomes an English frame text ("朱诺用毛巾把小水獭擦干" → "drying the
little otter with a towel").

Words come from jieba; their meaning from `zh.yaml` (the words that matter: colours, times, kinds, clothes,
styles, verbs of pictures) and CC-CEDICT for the rest. The structures read here are few and common: 把 (the
object before the verb), 用 (with), 在…里/上 (a place), 给…穿/戴/围 (putting something on someone), 太…了 (too
much of a mood), 《…》 (a title), and a colon before a new frame's text.
"""

from __future__ import annotations

import re

from language.characters import main_character
from language.chinese_refs import read_chinese
from language.chinese_scene import english_scene
from language.chinese_words import english_word, words
from language.describe import nearest_shown
from language.lexicon import EN, TABLE, ZH
from language.parts import Parts, Value
from language.tools import english_glosses, english_senses

CATEGORIES = {"colours": "colours", "times": "times", "weather": "weather", "seasons": "seasons", "moods": "moods",
              "styles": "styles", "kinds": "kinds", "clothing": "clothing", "hair_words": "hair_words",
              "ages": "ages", "gender_words": "gender_words"}
DESCRIBED = (re.compile(r"那一?(?:张|幅|帧|格|页)([\u4e00-\u9fff]{1,12}?)的?(?:画面|画|图|场景)"),  # "那张城堡的画"
             re.compile(r"(?:把|将|让|给)?([\u4e00-\u9fff]{2,12}?)的?那一?(?:张|幅|个画面|个场景|个|帧|格|页|幕|场|段)"))
NEW_FRAME = re.compile(r"(?:加|插|添|补|多来|再加)一(?:张|幅|个画面|个|帧|格|页)(?:图|画|画面)?[，,：:]?\s*"
                       r"(?:(.+?)的(?:图|画|画面|场景)|(.+))$")


def read_chinese_request(message: str, story) -> Parts:
    """The parts of a Chinese request."""
    text = message.strip()
    parts = Parts(text=text, language="zh", frames=read_chinese(text, story))
    for action, spec in TABLE.actions.items():
        found = next((w for w in sorted(spec.get("zh", []), key=len, reverse=True) if w in text), None)
        if found:
            parts.actions[action] = found
    title = re.search(r"《(.+?)》|[“\"「](.+?)[”\"」]", text)
    parts.quoted = (title.group(1) or title.group(2)).strip() if title else ""
    colon = re.search(r"[:：]\s*(.+)$", text)
    if parts.quoted and "rename" in parts.actions:
        parts.title = parts.quoted
    elif "rename" in parts.actions and (after := re.search(r"(?:改成|改为|叫做?|换成)\s*(.+?)[。！!？?吧]*$", text)):
        parts.title = after.group(1)
    if colon:
        parts.content = english_scene(colon.group(1), story)
    if "caption" in parts.actions:
        parts.caption = parts.quoted or (colon.group(1).strip(" “”\"") if colon else "")
    if "rename" in parts.actions and not parts.title and colon:
        parts.title = colon.group(1).strip()
    new = NEW_FRAME.search(text)
    if new and "insert" in parts.actions:
        scene = (new.group(1) or new.group(2) or "").strip(" 。！？?!吧")
        parts.content = english_scene(scene, story) if scene and not colon else parts.content
    _describe(text, story, parts)
    _values(text, parts, story)
    swap = re.search(r"把(.+?)(?:换成|改成|变成)(?:一只|一个|一条|一艘|一位|一张)?(.+?)[吧吗。！？]*$", text)
    if swap and not parts.values.get("colours") and not parts.frames.named:  # "把小船换成一只木筏"
        old = _thing(swap.group(1), story, parts)
        new = " ".join(english_word(w, f) for w, f in words(swap.group(2)) if english_word(w, f))
        parts.replacement = (old, new) if old and new else ("", "")
    parts.character = any(word in text for word in ZH.subjects) or bool(parts.values.get("kinds")) and "主角" in text
    parts.thing = _thing(text, story, parts)
    _new_text(text, story, parts)
    if story is not None:
        _cast(text, story, parts)
        parts.absent = _absent(text, story, parts)
    return parts


def _new_text(text: str, story, parts: Parts) -> None:
    """"第四张改成他们在山路上遇到一群羊": a frame named and a clause after the changing verb is that frame's new
    text (the whole of it); a time, weather or mood after it ("改成雨夜") is no new text."""
    said = re.search(r"(?:改成|改为|换成|变成|画成)[：:]?\s*(.+?)[。！!？?吧]*$", text)
    scene = any(parts.values.get(k) for k in ("times", "weather", "seasons", "moods"))
    if not said or not parts.frames.named or "insert" in parts.actions or scene:
        return
    if not parts.content and any(f.startswith("v") and w not in ZH.particles for w, f in words(said.group(1))):
        parts.content = english_scene(said.group(1), story)
    if parts.content:  # the clause is the frame: its nouns are no thing or kind to change
        parts.whole_frame, parts.thing, parts.replacement = True, "", ("", "")
        parts.values.pop("kinds", None)


def _absent(text: str, story, parts: Parts) -> str:
    """A being a change is for ("小狗换成黑色的", "给小猫戴上帽子", "小猫的围巾") that the story does not have: the
    English of it, for a question."""
    from language.characters import cast_characters
    from language.tools import parse

    if parts.actions.keys() & {"insert", "add_member"} or re.search(r"[:：]", text):
        return ""  # "加一幅画：朱诺把小水獭擦干": a new picture may show anyone
    shown = {t.lemma_.lower() for f in story.frames for t in parse(f"{f.prompt}. {f.caption}")}
    characters = cast_characters(story)
    for word, english in ((w, ZH.kinds[w]) for w in sorted(ZH.kinds, key=len, reverse=True) if w in text):
        at = text.index(word)
        target = text[at + len(word):at + len(word) + 1] == "的" or text[max(0, at - 1):at] in ("把", "让", "给") \
            or at == 0 and not text.startswith(("加", "添"))
        heads = {english.split()[-1], (_without_small(word) or english).split()[-1]}  # 小狗: puppy, dog
        beings = sorted(w for w in shown if (EN.kinds.get(w) or {}).get("type"))  # "grandpa" for the grandfather
        if target and not parts.members and not heads & shown and not any(c.names_it(h) for h in heads
                                                                          for c in characters) \
                and not any(nearest_shown(h, beings) for h in heads):
            return english
    return ""


def _cast(text: str, story, parts: Parts) -> None:
    """The cast members a Chinese request names ("乌鸦", "狗狗", "Bo"), a name given to one ("乌鸦叫小黑", "狗狗的名字
    改成豆豆"), and a new member ("加一只叫米索的猫")."""
    from language.cast_requests import addressed
    from language.characters import cast_characters

    characters = cast_characters(story)
    untitled = re.sub(r"《[^》]*》", "", text)  # "书名叫《小狐狸消防员》": a title's words name no one
    nouns = [(w, f) for w, f in words(untitled) if f.startswith(("n", "eng")) or w in ZH.kinds or w.isascii()]
    said = [(english_word(w, f) or w).split()[-1].lower() for w, f in nouns]
    said += [sense.split()[-1].lower() for w, _ in nouns for sense in english_senses(w)]  # "驴子": ass, donkey
    if not parts.frames.named:  # "小狗": the dog (CC-CEDICT: a puppy), unless it describes a frame ("小狗挖土那张")
        said += [e.split()[-1].lower() for w, _ in nouns if (e := _without_small(w))]
    character, parts.members = addressed([(w, w) for w in said], characters)
    if not character.main and parts.values.get("kinds"):  # "小狗换成黑色的": 小狗 names the dog, no new kind
        tokens = words(text)
        parts.values["kinds"] = [v for v in parts.values["kinds"] if not _names(tokens[v.start][0], character)]
    parts.member = "" if character.main else character.id
    if parts.member and parts.thing and character.names_it(parts.thing):
        parts.thing = ""  # "给小毛驴挂个铃铛": the donkey is a member, not a thing in the frames
    kind = next((w for w, _ in words(text) if w in ZH.kinds and not any(c.names_it(ZH.kinds[w]) for c in characters)),
                None)
    called = re.search(r"叫(?:做)?([^\s，,。！!？?的]{1,12})的", text)
    if kind and "insert" in parts.actions and not parts.frames.any:  # "加一只叫米索的猫"
        parts.newcomer = (f"the {ZH.kinds[kind]}", f"a {ZH.kinds[kind]}", called.group(1) if called else "")
        parts.title = ""
    elif parts.members and (name := re.search(r"(?:名字|名)(?:改成|改为|换成|是|叫)|改名(?:为|叫)?|叫(?:做)?", text)):
        parts.member_name = re.split(r"[\s，,。！!？?吧了]", text[name.end():].strip())[0]
        parts.actions.setdefault("name", name.group())


def _names(word: str, character) -> bool:
    """Whether a Chinese word names a cast member: by its English, or without its 小 ("小狗": the dog)."""
    return any(e and character.names_it(e.split()[-1]) for e in (english_word(word, "n"), _without_small(word)))


def _without_small(word: str) -> str:
    """The English of "小X" without its 小 ("小狗": dog, where CC-CEDICT says puppy); '' for other words."""
    return english_word(word[1:], "n") if word.startswith("小") and len(word) > 1 else ""


def _describe(text: str, story, parts: Parts) -> None:
    """Frames named by what they show: "喝可可那张", "发现紫色花的那张", "集市那张" (the frame whose text means it)."""
    from language.describe import describe

    if parts.frames.named:
        return
    for match in [m for pattern in DESCRIBED for m in pattern.finditer(text)]:
        said = re.sub(r"^(?:第.+?张|最后|把|将|让|给|在|能不能把|可不可以把)", "", match.group(1))
        english = english_scene(said, story) or " ".join(english_word(w, f) for w, f in words(said))
        found = describe(english, story) if english.strip() else []
        if len(found) != 1:  # "吃面": eating noodles, not "eating the face" (CC-CEDICT's first sense of 面)
            found = describe(_story_senses(said, story), story) or found
        side = re.match(rf"的?\s*(?:({'|'.join(ZH.after_words)})|{'|'.join(ZH.before_words)})", text[match.end():])
        if len(found) == 1 and side:  # "在驯鹿那张后面加一张…": a place next to the frame described
            parts.frames.place = found[0] + (1 if side.group(1) else 0)
            parts.frames.said.append(found[0] + 1)
        elif len(found) == 1:
            parts.frames.named += [i for i in found if i not in parts.frames.named]
        elif found:
            parts.frames.unclear = found


def _story_senses(said: str, story) -> str:
    """`said` in English with, for each word, the CC-CEDICT sense the frames use, where one does."""
    from language.tools import lemma_of, parse

    shown = {t.lemma_.lower() for f in story.frames for t in parse(f.prompt)}
    shown |= {lemma_of(w, "VERB") for w in shown}
    out = []
    for word, flag in words(said):
        glosses = [g.removeprefix("to ") for g in english_glosses(word)]
        used = next((g for g in glosses if g.split() and lemma_of(g.split()[-1], "NOUN") in shown), "")
        out.append(used or english_word(word, flag))
    return " ".join(filter(None, out))


def _values(text: str, parts: Parts, story=None) -> None:
    """Lexicon words by kind, in English; "太X了" asks for the opposite mood unless a wanted mood follows."""
    tokens = words(text)
    current = main_character(story).looks.kind.split()[-1] if story is not None else ""
    for index, (word, _flag) in enumerate(tokens):
        for kind, english in CATEGORIES.items():
            table = getattr(ZH, kind)
            if word in table and not (kind == "kinds" and table[word] == current):  # 少女 for a girl: her age
                value = table[word]
                parts.values.setdefault(english, []).append(Value(english, value, "", index))
        if len(word) > 1 and not any(word in getattr(ZH, kind) for kind in CATEGORIES):  # "暴风雪/nr": CC-CEDICT's
            scene = next(((kind, g) for g in english_glosses(word) for kind in ("weather", "times", "seasons")  # a
                          if g in getattr(EN, kind)), None)  # blizzard, a word of the English scene tables
            if scene:
                parts.values.setdefault(scene[0], []).append(Value(scene[0], scene[1], "", index))
        sense = english_word(word, _flag) if _flag.startswith("n") and word not in ZH.kinds else ""
        if sense and (EN.kinds.get(sense.split()[-1]) or {}).get("type") in ("animal", "creature") and \
                sense.split()[-1] != current:  # "小熊猫": a lesser panda, a kind the lexicon does not list
            parts.values.setdefault("kinds", []).append(Value("kinds", sense, "", index))
        if word in ZH.clothing or word in ZH.hair_words:
            colour = next((ZH.colours[w] for w, _ in tokens[max(index - 2, 0):index] if w in ZH.colours), "")
            english = ZH.clothing.get(word) or ZH.hair_words[word]
            item = " ".join(filter(None, [colour, english]))
            parts.items.append((f"a {item}" if word in ZH.clothing and not english.endswith("s") else item, english))
    moods = [(i, v) for i, v in enumerate(parts.values.get("moods", []))]
    if moods:
        too = any(w in text for w in ZH.too_words)
        wanted = [v for v in parts.values["moods"] if any(f"{zh}{more}" in text for zh, en in ZH.moods.items()
                                                          if en == v.word for more in ZH.more_words)]
        if wanted:
            parts.values["moods"] = wanted
        else:
            parts.too = too


def _thing(text: str, story, parts: Parts) -> str:
    """A thing shown in the frames that the request names (小船 → "boat" when a frame shows a boat)."""
    from language.phrases import mentions

    for word, flag in words(text):
        if not (flag.startswith("n") or word in ZH.nouns) or word in ZH.frame_nouns or word in ZH.subjects:
            continue
        english = english_word(word, flag)
        noun = english.split()[-1] if english else ""
        if noun and any(mentions(frame.prompt, noun) for frame in story.frames):
            return noun
    return _alias(text, story)


def _alias(text: str, story) -> str:
    """A thing the frames name in other English than CC-CEDICT's first sense: by another of its senses
    ("旋转木马": merry-go-round; carousel), else by the sentence encoder (`describe.nearest_shown`)."""
    from language.describe import nearest_shown
    from language.tools import english_glosses, parse

    shown = sorted({t.lemma_.lower() for f in story.frames for t in parse(f.prompt) if t.pos_ == "NOUN"})
    found = words(text)
    pairs = [(joined[start:], "n") for (a, _), (b, flag) in zip(found, found[1:], strict=False) if flag[0] in "nq"
             for joined in [a + b] for start in range(1, len(a))]  # "浇水/壶": 水壶, a watering can
    for word, flag in found + pairs:
        if not flag.startswith("n") or word in ZH.frame_nouns:
            continue
        glossed = [g.split()[-1].lower() for g in english_glosses(word) if g.split()[-1].lower() in shown]
        found = glossed[0] if glossed else nearest_shown(english_word(word, flag), shown)
        if found:
            return found
    return ""
