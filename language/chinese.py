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
from language.chinese_words import complement, english_word, words
from language.lexicon import TABLE, ZH
from language.parts import Parts, Value
from language.tools import english_senses, inflect

CATEGORIES = {"colours": "colours", "times": "times", "weather": "weather", "seasons": "seasons", "moods": "moods",
              "styles": "styles", "kinds": "kinds", "clothing": "clothing", "hair_words": "hair_words",
              "ages": "ages", "gender_words": "gender_words"}
DESCRIBED = re.compile(r"(?:把|将|让|给)?([\u4e00-\u9fff]{2,12}?)的?那(?:张|幅|个画面|个|帧|格|页)")
NEW_FRAME = re.compile(r"(?:加|插|添|补|多来|再加)一(?:张|幅|个画面|个|帧|格|页)(?:图|画|画面)?[，,：:]?\s*"
                       r"(?:(.+?)的(?:图|画|画面|场景)|(.+))$")
SUBJECTS = ("主角", "她", "他", "它", "她们", "他们", "它们", "主人公")


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
    parts.character = any(word in text for word in SUBJECTS) or bool(parts.values.get("kinds")) and "主角" in text
    parts.thing = _thing(text, story, parts)
    if story is not None:
        _cast(text, story, parts)
    return parts


def _cast(text: str, story, parts: Parts) -> None:
    """The cast members a Chinese request names ("乌鸦", "狗狗", "Bo"), a name given to one ("乌鸦叫小黑", "狗狗的名字
    改成豆豆"), and a new member ("加一只叫米索的猫")."""
    from language.cast_requests import addressed
    from language.characters import cast_characters

    characters = cast_characters(story)
    nouns = [(w, f) for w, f in words(text) if f.startswith(("n", "eng")) or w in ZH.kinds or w.isascii()]
    said = [(english_word(w, f) or w).split()[-1].lower() for w, f in nouns]
    said += [sense.split()[-1].lower() for w, _ in nouns for sense in english_senses(w)]  # "驴子": ass, donkey
    character, parts.members = addressed([(w, w) for w in said], characters)
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


def _describe(text: str, story, parts: Parts) -> None:
    """Frames named by what they show: "喝可可那张", "发现紫色花的那张", "集市那张" (the frame whose text means it)."""
    from language.describe import describe

    if parts.frames.named:
        return
    for match in DESCRIBED.finditer(text):
        said = re.sub(r"^(?:第.+?张|最后|把|将|让|给|能不能把|可不可以把)", "", match.group(1))
        english = english_scene(said, story) or " ".join(english_word(w, f) for w, f in words(said))
        found = describe(english, story) if english.strip() else []
        if len(found) == 1:
            parts.frames.named += found
        elif found:
            parts.frames.unclear = found


def _values(text: str, parts: Parts, story=None) -> None:
    """Lexicon words by kind, in English; "太X了" asks for the opposite mood unless a wanted mood follows."""
    tokens = words(text)
    current = main_character(story).looks.kind.split()[-1] if story is not None else ""
    for index, (word, _flag) in enumerate(tokens):
        for kind, english in CATEGORIES.items():
            table = getattr(ZH, kind)
            if word in table and not (kind == "kinds" and table[word].split()[-1] == current):
                value = table[word]
                parts.values.setdefault(english, []).append(Value(english, value, "", index))
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
        if not (flag.startswith("n") or word in ZH.nouns) or word in ZH.frame_nouns or word in SUBJECTS:
            continue
        english = english_word(word, flag)
        noun = english.split()[-1] if english else ""
        if noun and any(mentions(frame.prompt, noun) for frame in story.frames):
            return noun
    return ""


def english_scene(text: str, story, hero: str = "", last_thing: str = "") -> str:
    """A Chinese clause as an English frame text. The main character as subject is left out (it is the
    picture's own); 把 puts its noun as the object, 被 makes the verb passive, 用 gives "with", 给 "to", 在…里 a
    place, a second verb after a verb of going says what for ("去公园画鸽子" → "going to the park to draw
    pigeons"). Longer than 60 lines: one pass over the words, one branch per kind of word, sharing the pending
    object, place and adjective."""
    tokens = [(w, f) for w, f in words(text.strip(" 。！!，,")) if w.strip()]
    if tokens and (tokens[0][1] in ("nr", "r") or tokens[0][0] in SUBJECTS):
        tokens = tokens[1:]  # the subject: a name or a pronoun (the character)
    verbs: list[dict] = []
    mode, adjective, times, pending = None, "", [], {}
    for word, flag in tokens:
        if word in ZH.time_words:
            times.append(ZH.time_words[word])
        elif word in ZH.times:  # "晚上它回家了": at night
            times.append(("in the " if ZH.times[word] in ("morning", "afternoon", "evening") else "at ")
                         + ZH.times[word])
        elif word in ZH.marks:
            mode = ZH.marks[word]
        elif word in ZH.place_suffixes and mode == "place" and pending.get("place"):
            pending["place"] = f"{ZH.place_suffixes[word]} the {pending['place']}"
            mode = None
        elif word == "的" and (pending or (verbs and verbs[-1]["objects"])):
            mode = "owner"  # "她的画", "邻居家的西瓜": the noun before 的 owns the next one
        elif word in ZH.particles or flag in ("m", "q", "uj", "ul", "uz", "x", "f") and word not in ZH.nouns:
            continue  # particles, numbers, and locality words ("里" after a place that had no 在)
        elif word in ZH.adjectives and flag != "n":
            adjective = ZH.adjectives[word]
        elif (flag.startswith("v") and word not in ZH.nouns or word in ZH.verbs or complement(word)) \
                and (mode != "place" or pending.get("place")):
            if mode == "place":  # "在山顶放风筝": a place with no 里/上 after it ends where the verb begins
                pending["place"], mode = f"on the {pending['place']}", None
            if not english_word(word, "v"):
                continue  # a verb no dictionary knows: left out rather than shown in Chinese
            motion = word in ZH.motion_verbs or word[0] in ZH.motion_verbs and word[1:2] in ZH.directions
            verbs.append({"verb": english_word(word, "v"), "objects": [], **pending, "motion": motion,
                          "helps": word in ZH.help_verbs, "passive": mode == "agent" or "agent" in pending})
            pending, mode = {}, ("place" if word in ZH.place_verbs else None)
            if mode == "place":
                verbs[-1]["objects"].append(last_thing or "it")
        elif flag.startswith(("a", "z")) or word in ZH.adjectives:
            adjective = ZH.adjectives.get(word) or english_word(word, "a")
        else:
            if flag == "r" and not verbs and not pending and word in SUBJECTS:
                continue  # "晚上它回家了": the subject after a time word is the character
            noun = {"它": last_thing, "她": hero, "他": hero}.get(word) if flag == "r" else english_word(word, flag)
            if not noun:
                continue
            noun = " ".join(filter(None, [adjective, noun]))
            adjective = ""
            if mode == "owner":
                slot = verbs[-1]["objects"] if verbs and verbs[-1]["objects"] else None
                owner = slot.pop() if slot else pending.pop("subject", "")
                own = f"{owner}'s" if owner not in (hero, "it") else "its" if owner == "it" else "the"
                noun = f"{own} {noun}"
                mode = None
                (slot.append(noun) if slot is not None else pending.__setitem__("subject", noun))
                continue
            if mode == "place" and verbs and not pending.get("place") and verbs[-1]["verb"] in [
                    ZH.verbs.get(v) for v in ZH.place_verbs]:
                verbs[-1]["place_noun"] = noun
                pending["place"] = noun
            elif mode in ("object", "agent", "tool", "recipient", "place", "with", "from"):
                pending[mode] = f"{pending[mode]}'s {noun}" if pending.get(mode) and mode == "place" else noun
                mode = None if mode != "place" else mode
            elif verbs:
                verbs[-1]["objects"].append(noun)
            else:
                pending.setdefault("subject", noun)
    return _english_clause(verbs, pending, times)


def _gerund(verb: str) -> str:
    """"steal and eat" → "stealing and eating", "go on an adventure" → "going on an adventure"."""
    head, _, tail = verb.partition(" ")
    if tail.startswith("and "):
        return f"{inflect(head, 'VBG')} and {_gerund(tail[4:])}"
    return inflect(head, "VBG") + (f" {tail}" if tail else "")


def _english_clause(verbs: list[dict], pending: dict, times: list[str]) -> str:
    """The verbs of a clause, with what belongs to each, as one gerund phrase (a subject other than the main
    character goes first: "the moon writing back to the boy")."""
    if verbs and verbs[0].get("subject"):
        rest = _english_clause([dict(verbs[0], subject=None), *verbs[1:]], pending, times)
        return f"{' '.join(_noun_phrase([verbs[0]['subject']]))} {rest}"
    if not verbs:
        return " ".join(filter(None, [pending.get("object") or pending.get("subject"), pending.get("place"), *times]))
    out = []
    for index, verb in enumerate(verbs):
        head, _, tail = verb["verb"].partition(" ")
        if verb.get("passive"):
            form = f"being {inflect(head, 'VBN')}" + (f" {tail}" if tail else "")
        elif index and verbs[index - 1]["motion"]:
            form = f"to {verb['verb']}"
        elif index and verbs[index - 1].get("helps"):  # "帮它找回来": helping the fox find it again
            form = verb["verb"]
        else:
            form = ("and " if index else "") + _gerund(verb["verb"])
        objects = [verb.get("object")] + verb["objects"]
        parts = [form, *(_noun_phrase([o]) and " ".join(_noun_phrase([o])) for o in objects if o)]
        for key, word in (("recipient", "to"), ("agent", "by"), ("tool", "with"), ("with", "with")):
            parts += [word, *_noun_phrase([verb[key]])] if verb.get(key) else []
        parts += [verb["place"]] if verb.get("place") else []
        if verb["motion"] and verb["objects"]:
            parts = [form, "to", *(" ".join(_noun_phrase([o])) for o in verb["objects"])]
        out.append(" ".join(p for p in parts if p))
    return " ".join(filter(None, out + [pending.get("place", "")] + times))


def _noun_phrase(words_: list[str]) -> list[str]:
    if not words_:
        return []
    first = words_[0].split()[0]
    return [" ".join(words_)] if first in ("a", "an", "the", "every", "all") else ["the", " ".join(words_)]
