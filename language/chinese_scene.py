"""A Chinese clause as an English frame text ("朱诺用毛巾把小水獭擦干" → "drying the little otter with a towel").

One pass over jieba's words (`language.chinese_words.words`), kept in a `_Scene`. Each word is one of: a time;
a mark that says what the next noun is (把 the object, 被 the agent, 用 a tool, 给 a recipient, 在…里 a place, 和
a companion); a verb, with the direction after it ("踢进了院子" kicks into the courtyard, "叼了回来" carries it
back); a count ("三只" three, "一枚" a); an adjective; or a noun, which fills what the last mark opened. A verb
phrase before 的 describes the noun after it ("和每天来偷菜的乌鸦" → with the crow coming to steal vegetables), or,
before 是, the noun the clause ends on ("吃到硬币的竟然是小猫" → the kitten eating the coin). Rain or snow that
starts is the weather of the picture ("下起了大雨" → in the downpour). The verbs are then said as one gerund
phrase; the main character as subject is left out (it is the picture's own).

Longer than 330 lines: one transducer, whose kinds of word share the state of the clause being read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from language.chinese_words import complement, english_word, words
from language.lexicon import EN, ZH
from language.tools import inflect, lemma_of

SLOTS = ("object", "agent", "tool", "recipient", "place", "with", "from")


def english_scene(text: str, story=None, hero: str = "", last_thing: str = "") -> str:
    """A Chinese clause as an English frame text; '' when nothing in it translates."""
    tokens = [(w, f) for w, f in words(_apart(text.strip(" 。！!，,"))) if w.strip()]
    scene = _Scene(hero=hero, last_thing=last_thing)
    if tokens and (tokens[0][1] in ("nr", "r") or tokens[0][0] in ZH.subjects) and tokens[1:2] != [("的", "uj")]:
        tokens = tokens[1:]  # the subject: a name or a pronoun (the character)
    tokens = _compounds(tokens, scene.compounds)
    for index, (word, flag) in enumerate(tokens):
        scene.read(word, flag, tokens[index + 1:])
    return scene.english()


def _compounds(tokens: list, english: dict) -> list:
    """Two nouns in a row are one ("邻居老爷爷": the neighbour grandpa), their English kept in `english`."""
    joined = []
    for word, flag in tokens:
        if joined and joined[-1][1].startswith("m") and (word in ZH.number_units or word in ZH.numbers):
            joined[-1] = (joined[-1][0] + word, "m", "")  # "一" "百": one hundred
            continue
        if word in ZH.groups or word in ZH.containers or word in ZH.measure_words:
            joined.append((word, flag, ""))  # "一大群朋友": a measure, not a noun
            continue
        if word in ZH.honorifics and joined and joined[-1][2]:
            if word == "们":  # "乘客们": the passengers
                *said, last = joined[-1][2].split()
                joined[-1] = (joined[-1][0] + word, joined[-1][1], " ".join([*said, inflect(last, "NNS")]))
            continue  # "消防员叔叔", "邻居们", "全家人": the noun before says it
        noun = flag.startswith("n") and not complement(word) and word not in ZH.verbs and \
            word not in ZH.household and word not in ZH.time_words and word not in \
            ZH.weather and word not in ZH.place_suffixes and word not in ZH.adjectives and english_word(word, flag)
        if noun and joined and joined[-1][2]:
            before, _, english_before = joined.pop()
            word, noun = before + word, f"{english_before} {noun}"
        joined.append((word, flag, noun))
    english.update({word: noun for word, _, noun in joined if noun})
    return [(word, flag) for word, flag, _ in joined]


def _apart(text: str) -> str:
    """Time words kept whole against jieba's joins ("有一天下起了" is 有一天 + 下起了, not 天下)."""
    import re

    times = sorted(ZH.time_words, key=len, reverse=True)
    return re.sub("(" + "|".join(map(re.escape, times)) + ")", r" \1 ", text)


@dataclass
class _Scene:
    hero: str = ""
    last_thing: str = ""
    verbs: list[dict] = field(default_factory=list)
    pending: dict = field(default_factory=dict)
    times: list[str] = field(default_factory=list)
    mode: str | None = None
    adjective: str = ""
    count: str = ""
    relative: str = ""  # a verb phrase that describes the next noun
    headless: str = ""  # "吃到硬币的…是": what the noun after 是 does
    mark: tuple = (None, 0, {})  # the slot the last mark opened, the verbs before it, what was pending then
    compounds: dict = field(default_factory=dict)  # nouns said together ("邻居老爷爷": the neighbour grandpa)
    after_verb: bool = False
    located: str = ""  # "森林里的朋友": the preposition of a place before 的 (the friends in the forest)

    def read(self, word: str, flag: str, rest: list[tuple[str, str]]) -> None:
        """One word of the clause (`rest`: the words after it)."""
        was_verb, self.after_verb = self.after_verb, False
        if word != "的" and self.mode != "owner":
            self.located = ""
        if self._when(word, rest):
            return
        if word == "每":
            self.count = "every"
        elif self.count and (word in ZH.groups or word in ZH.containers and self.count == "a"):
            kind = ZH.groups.get(word) or ZH.containers[word]  # "一大群朋友": a big group of friends
            self.count, self.adjective = f"{self.count} {self.adjective} {kind} of".replace("  ", " "), ""
        elif self.count and word in ZH.measure_words:
            return  # "一百块饼干": a hundred cookies
        elif rest[:1] == [("着", "uz")] and english_word(word, "v") and not self.verbs:
            self._verb(word)  # "数着": counting
        elif self.mode == "owner" and flag.startswith("v") and english_word(word, "n"):
            self._noun(word, "n")  # "的画": after 的, a drawing
        elif word in ZH.subjects and rest[:1] == [("的", "uj")] and not self.verbs and not self.pending:
            self.pending["subject"] = self.hero or "it"  # "她的画": the drawing
        elif word in ZH.mark_verbs and not self.verbs and not any(f.startswith("v") and w not in ZH.nouns
                                                                   for w, f in rest):
            self._verb(word)  # "他给每个孩子一个苹果": giving, with no other verb
            self.verbs[-1]["verb"] = ZH.mark_verbs[word]
        elif word in ("在", "正在", *ZH.negations) and rest[:1] and rest[0][1].startswith("v"):  # "每天都在等一封信":
            self.pending.update({"negated": True} if word in ZH.negations else {})  # 在: going on; 不收: not taking
        elif word in ZH.marks:
            self._mark(word)
        elif word in ZH.place_suffixes and self.mode == "place" and self.pending.get("place"):
            self.pending["place"] = f"{ZH.place_suffixes[word]} the {self.pending['place']}"
            self.mode = None
        elif word == "的" and not self.located and self._describes(rest, was_verb):
            pass
        elif word == "的" and (self.pending or (self.verbs and self.verbs[-1]["objects"])):
            self.mode = "owner"  # "她的画", "邻居家的西瓜": the noun before 的 owns the next one
        elif flag == "f" and word in ZH.place_suffixes and rest[:1] == [("的", "uj")]:
            self.located = ZH.place_suffixes[word]  # "沙滩上的蛋": the egg on the beach
        elif len(word) > 1 and word[-1] in ZH.place_suffixes and rest[:1] == [("的", "uj")] and \
                english_word(word[:-1], "n") and not self.mode:
            self._noun(word[:-1], "n")  # "河边的石头": the stone by the river
            self.located = ZH.place_suffixes[word[-1]]
        elif was_verb and (word in ZH.directions and not (rest and rest[0][0] in ("了", *ZH.direction_words))
                           or word in ZH.direction_words or word == "了") \
                or self.verbs and self.verbs[-1]["objects"] and word in ZH.direction_words:
            self._direction(word)  # "踢进了", "叼了回来", "护送它们回家"
        elif flag.startswith("m") and (word[0] in ZH.numbers or word[0] == "每"):
            self.count = self.count if self.count == "every" else _count(word)
            if word[-1] in ZH.containers and self.count == "a" or word[-1] in ZH.groups:  # "一块面包"
                self.count = f"{self.count} {ZH.containers.get(word[-1]) or ZH.groups[word[-1]]} of"
        elif word in ZH.particles or flag in ("m", "q", "uj", "ul", "uz", "x", "f", "d") and word not in ZH.nouns:
            return  # particles, adverbs, classifiers, and locality words ("里" after a place that had no 在)
        elif word in ZH.adjectives and flag != "n":
            self.adjective = f"{self.adjective} {ZH.adjectives[word]}".strip()  # "同一只流浪猫": the same stray cat
        elif (flag.startswith("v") and word not in ZH.nouns or word in ZH.verbs or complement(word)) \
                and (self.mode != "place" or self.pending.get("place")):
            self._verb(word)
        elif flag.startswith(("a", "z")) or word in ZH.adjectives:
            self.adjective = ZH.adjectives.get(word) or english_word(word, "a")
        elif not (flag == "r" and not self.verbs and not self.pending and not self.mode and word in ZH.subjects):
            self._noun(word, flag)

    def _when(self, word: str, rest: list) -> bool:
        """A time, a season, or weather that starts ("下起了大雨": in the downpour, not a verb); a season that comes
        is what the picture shows ("春天来了": spring coming)."""
        if word in ZH.seasons and rest[:1] and rest[0][0] in ZH.motion_verbs and not self.verbs:
            self.pending["subject"] = ZH.seasons[word]
        elif word in ZH.time_words:
            self.times.append(ZH.time_words[word])
        elif word in ZH.times:  # "晚上它回家了": at night
            self.times.append(("in the " if ZH.times[word] in ("morning", "afternoon", "evening") else "at ")
                              + ZH.times[word])
        elif word in ZH.seasons and not self.verbs and self.mode is None:
            self.times.append(f"in {ZH.seasons[word]}")  # "秋天": in autumn
        elif word in ZH.weather and self.verbs and self.verbs[-1]["zh"] in ZH.weather_verbs:
            self.verbs.pop()
            self.times.append(f"in the {ZH.weather[word]}")
        else:
            return False
        return True

    def _mark(self, word: str) -> None:
        """A word that says what the next noun is: 把 the object, 在 a place, 像 what it is like."""
        if self.mode == "place" and self.pending.get("place"):  # "在巷口给邻居补鞋": at the lane's end
            self.pending["place"] = f"at the {self.pending['place']}"
        self.mode = ZH.marks[word]
        if self.mode == "like" and self.adjective:
            self.pending["as"], self.adjective = f"as {self.adjective} as", ""
        self.mark = (self.mode, len(self.verbs), dict(self.pending))

    def _verb(self, word: str) -> None:
        if self.mode == "place":  # "在山顶放风筝": a place with no 里/上 after it ends where the verb begins
            self.pending["place"], self.mode = f"on the {self.pending['place']}", None
        direction = ""
        if len(word) > 1 and word[1] in ZH.directions and word not in ZH.verbs and english_word(word[0], "v"):
            word, direction = word[0], word[1:]  # "踢进", "藏进", "爬出来": a verb and where it goes
        english = english_word(word, "v")
        if not english:
            return  # a verb no dictionary knows: left out rather than shown in Chinese
        motion = word in ZH.motion_verbs or word[0] in ZH.motion_verbs and word[1:2] in ZH.directions
        self.verbs.append({"verb": english, "zh": word, "objects": [], **self.pending, "motion": motion,
                           "helps": ZH.help_verbs.get(word),
                           "passive": self.mode == "agent" or "agent" in self.pending,
                           "direction": "", "before": 0})
        self.pending, self.mode = {}, ("place" if word in ZH.place_verbs else None)
        self.after_verb = True
        if direction:
            self._direction(direction)
        if self.mode == "place":
            self.verbs[-1]["objects"].append(self.last_thing or "it")

    def _direction(self, word: str) -> None:
        """"进" after "踢": the verb goes into whatever comes next; 了 between them changes nothing."""
        self.after_verb = True
        verb = self.verbs[-1]
        if word == "了" or verb["direction"]:
            return
        if word[0] == "到" and verb["zh"][:1] in ZH.result_verbs:
            return  # "吃到", "找到": a result, not a way
        verb["direction"] = word if word in ZH.direction_words else word[0]
        verb["before"] = len(verb["objects"])

    def _describes(self, rest: list, was_verb: bool) -> bool:
        """A verb phrase before 的 that describes a noun ("每天来偷菜的乌鸦") or, before 是, the noun after it."""
        mode, at, pending = self.mark
        following = [(w, f) for w, f in rest if not f.startswith("d")]
        if len(self.verbs) <= at or not following:
            return False
        being = is_being(*following[0]) and not self.adjective  # not "遇到了一个迷路的小男孩"
        if not (was_verb or being or following[0][0] == "是"):
            return False  # "偷吃邻居家的西瓜": the neighbour's watermelon
        start = len(self.verbs) - 1
        while start > at and self.verbs[start - 1]["motion"] and not self.verbs[start - 1]["objects"]:
            start -= 1  # "来偷菜的乌鸦": coming to steal, but not "发现" of "发现…打呼噜的老熊"
        said = self.verbs[start:]
        del self.verbs[start:]
        phrase = _clause(said, {}, [])
        if following[0][0] == "是":
            self.headless = phrase
        else:
            self.relative, self.mode, self.pending = phrase, mode, dict(pending)
        return True

    def _noun(self, word: str, flag: str) -> None:
        noun = {"它": self.last_thing, "她": self.hero, "他": self.hero}.get(word, ZH.pronouns.get(word) and "them") \
            if flag == "r" else self.compounds.get(word) or ZH.household.get(word) or english_word(word, flag)
        if not noun or word in ZH.household and (self.pending or self.verbs and self.verbs[-1]["objects"]):
            return  # "邻居家的西瓜": the neighbour's
        if self.count == "a":
            noun = " ".join([*noun.split()[:-1], lemma_of(noun.split()[-1], "NOUN")])  # "一只鸽子": a pigeon
        if self.mode == "like":  # "圆得像个球": as round as a ball
            self.pending["like"] = f"{self.pending.pop('as', '')} {_article('a', '', noun)} {noun}".strip()
            self.mode = None
            return
        if self.count and self.count not in ("a", "every") and not (self.count.endswith(" of") and
                                                                     self.count.split()[-2] in ZH.containers.values()):
            noun = " ".join([*noun.split()[:-1], inflect(noun.split()[-1], "NNS")])
        noun = " ".join(filter(None, [_article(self.count, self.adjective, noun), self.adjective, noun,
                                      self.relative]))
        self.adjective = self.count = self.relative = ""
        if self.mode == "owner":
            slot = self.verbs[-1]["objects"] if self.verbs and self.verbs[-1]["objects"] else None
            key = "subject" if "subject" in self.pending or slot else self.mark[0] or "subject"
            owner = slot.pop() if slot else self.pending.pop(key, "")
            own = f"{owner}'s" if owner not in (self.hero, "it") else "its" if owner == "it" else "the"
            if self.located:
                own, noun = "the", f"{noun} {self.located} {_phrase(owner)}"
            if like_num(owner.split()[0]) and owner.split()[0] != "a":  # "两个小时的山路": the two-hour path
                own = f"the {owner.split()[0]}-{lemma_of(owner.split()[-1], 'NOUN')}"
            noun, self.mode, self.located = f"{own} {noun}", None, ""
            (slot.append(noun) if slot is not None else self.pending.__setitem__(key, noun))
        elif self.mode == "place" and self.verbs and not self.pending.get("place") and self.verbs[-1]["verb"] in [
                ZH.verbs.get(v) for v in ZH.place_verbs]:
            self.verbs[-1]["place_noun"] = noun
            self.pending["place"] = noun
        elif self.mode in SLOTS:
            place = self.mode == "place" and self.pending.get("place")
            self.pending[self.mode] = f"{self.pending[self.mode]}'s {noun}" if place else noun
            self.mode = None if self.mode != "place" else self.mode
        elif self.verbs:
            verb = self.verbs[-1]  # "开了一家面馆": opening a noodle shop (the object decides the verb's sense)
            verb["verb"] = next((v for end, v in ZH.verb_senses.get(verb["zh"], {}).items() if word.endswith(end)),
                                verb["verb"])
            self.verbs[-1]["objects"].append(noun)
        else:
            self.pending.setdefault("subject", noun)

    def english(self) -> str:
        """The verbs with what belongs to each, as one gerund phrase (a subject other than the main character
        goes first: "the moon writing back to the boy")."""
        if self.adjective and not self.verbs:  # "在雪地里迷路了": lost in the snowy field
            self.pending["subject"] = " ".join(filter(None, [self.pending.get("subject"), self.adjective]))
        if self.headless:
            who = self.pending.get("subject") or self.pending.get("object")
            return " ".join(filter(None, [who and _phrase(who), self.headless, *self.times]))
        return _clause(self.verbs, self.pending, self.times)


def _clause(verbs: list[dict], pending: dict, times: list[str]) -> str:
    if verbs and verbs[0].get("subject"):
        rest = _clause([dict(verbs[0], subject=None), *verbs[1:]], pending, times)
        return f"{_phrase(verbs[0]['subject'])} {rest}"
    if not verbs:
        said = pending.get("object") or pending.get("subject")
        return " ".join(filter(None, [said, pending.get("like"), pending.get("place"), *times]))
    out = []
    for index, verb in enumerate(verbs):
        head, _, tail = verb["verb"].partition(" ")
        if verb.get("passive"):
            form = f"being {inflect(head, 'VBN')}" + (f" {tail}" if tail else "")
        elif index and verbs[index - 1]["motion"]:
            form = f"to {verb['verb']}"
        elif index and verbs[index - 1].get("helps") is not None:  # "帮它找回来": helping the fox find it again;
            form = f"{verbs[index - 1]['helps']} {verb['verb']}".strip()  # "教小孙女包饺子": teaching her to make
        else:
            form = ("and " if index else "") + ("not " if verb.get("negated") else "") + _gerund(verb["verb"])
        many = " " in tail and not tail.startswith("and ")  # "carry in its beak": the thing goes before "in its
        # beak", not before "towards"
        thing = verb.get("object") or (verb["objects"][0] if verb["objects"] and not verb["direction"] and many
                                       else "")
        if thing and tail and not verb.get("passive") and not verb["motion"]:  # "把它叼回来": bringing it back in
            way = _way(verb) if verb.get("object") else ""  # its beak
            form = form.removesuffix(f" {tail}") + " " + " ".join(filter(None, [_phrase(thing), way, tail]))
            rest = verb["objects"][1:] if not verb.get("object") else verb["objects"]
            verb = dict(verb, object=None, objects=rest, direction="" if not rest else verb["direction"])
        if not verb.get("object") and not verb["objects"]:  # "看了很久": looking, not "looking at"
            form = re.sub(r" (?:at|to|for|with|into|about)$", "", form)
        out.append(" ".join(p for p in [form, *_said(verb)] if p))
    return " ".join(filter(None, out + [pending.get("place", "")] + times))


def _said(verb: dict) -> list[str]:
    """What follows a verb: its object, where it goes, its other nouns, then who with, by, to and where."""
    objects = [_phrase(o) for o in [verb.get("object")] + verb["objects"] if o]
    if verb["motion"] and verb["objects"] and not verb["direction"]:
        return ["to", *objects]
    at = verb["before"] + bool(verb.get("object"))
    said = objects[:at] if verb["direction"] else objects
    if verb["direction"]:
        later = objects[at:]
        said += [_way(verb, later), *later]
    to = "to" if verb["verb"].split()[0] in ZH.to_verbs else "for"  # giving to, making for
    for key, word in (("recipient", to), ("agent", "by"), ("tool", "with"), ("with", "with"), ("from", "from")):
        said += [word, _phrase(verb[key])] if verb.get(key) else []
    return said + ([verb["place"]] if verb.get("place") else [])


def _way(verb: dict, place: list | None = None) -> str:
    """The English of a verb's direction ("进": in, or "into" before a place), unless the verb says it already
    ("架起": set up, not "set up up")."""
    table = {**ZH.directions, **ZH.direction_words, **(ZH.direction_places if place else {})}
    way = table.get(verb.get("direction", ""), "")
    return "" if not way or verb["verb"].split()[-1] == way.split()[-1] else way


def _gerund(verb: str) -> str:
    """"steal and eat" → "stealing and eating", "go on an adventure" → "going on an adventure"."""
    head, _, tail = verb.partition(" ")
    if head in ("not", "cannot") and tail:  # "找不到": cannot find → not finding
        return f"not {_gerund(tail)}"
    if tail.startswith("and "):
        return f"{inflect(head, 'VBG')} and {_gerund(tail[4:])}"
    return inflect(head, "VBG") + (f" {tail}" if tail else "")


def _phrase(noun: str) -> str:
    """A noun with its article: "the park", but "a coin", "three ducklings", "every day" as they are."""
    first = noun.split()[0] if noun.split() else ""
    return noun if first in ("a", "an", "the", "every", "all", "its", "them", "it", *EN.indefinite_pronouns) or \
        like_num(first) \
        else f"the {noun}"


def _article(count: str, adjective: str, noun: str) -> str:
    if count != "a":
        return count
    return "an" if (adjective or noun)[:1] in "aeiou" else "a"


def _count(word: str) -> str:
    """"一枚" → "a", "三只" → "three", "一百个" → "a hundred", "每一位" → "every"."""
    if word.startswith("每"):
        return "every"
    value, digit = 0, 0
    for char in word:
        if char in ZH.numbers and ZH.numbers[char] < 10:
            digit = ZH.numbers[char]
        elif char in ZH.number_units:
            value, digit = value + max(digit, 1) * ZH.number_units[char], 0
    value += digit
    return "a" if value == 1 else ZH.number_words.get(value) or ("a hundred" if value == 100 else str(value))


def like_num(word: str) -> bool:
    """spaCy's reading of a number word ("three", "12")."""
    from spacy.lang.en.lex_attrs import like_num as number

    return number(word)


def is_being(word: str, flag: str) -> bool:
    """Whether a Chinese noun is a person or an animal (the lexicon's kinds, else its English's)."""
    from language.looks import animate
    from language.tools import english_glosses

    if word in ZH.kinds or word.removeprefix("小") in ZH.kinds:
        return True
    if flag in ("ns", "nt", "s", "t", "f") or not flag.startswith(("n", "l", "v")):  # a place, a time, a word
        return False  # that names no one ("大", "一", "们")
    english = english_word(word, flag)
    listed = [(EN.kinds.get(g.split()[-1]) or {}) for g in english_glosses(word) if not g.startswith("to ")]
    return any(k.get("type") in ("person", "animal", "creature") for k in listed) or bool(english) and not \
        flag.startswith("v") and len(word) > 1 and animate(english.split()[-1])  # 司机: a driver; 搬运工/v: a porter
