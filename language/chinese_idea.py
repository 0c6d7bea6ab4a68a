"""A Chinese idea read into the same `Idea` as an English one: the main character from the first clause (a name
with "是一个…的X", "有一个…的X", the subject noun, or the first noun after a classifier), its looks from the
words before it ("穿红色围巾的小狐狸"), one event per clause with the clause itself as the caption, and the frame
texts in English through `language.chinese.english_scene`."""

from __future__ import annotations

import re

from language.chinese_scene import english_scene, is_being
from language.chinese_words import english_word, words
from language.described import read_looks
from language.entities import Entity, Event, Idea
from language.lexicon import EN, ZH
from language.tools import english_glosses, inflect, lemma_of


def read_chinese_idea(text: str):
    """The reading of a Chinese idea: the main character from the first clause (a name with "是一个…的X", "有一个
    …的X", or the first noun after a classifier), one event per clause, captions in Chinese."""
    story, count = text, None
    digits, nouns = "".join(ZH.numbers), "|".join(ZH.frame_nouns)
    meta = re.match(rf"^[^，,。：:]{{0,4}}?([{digits}\d]+)(?:{nouns})[^，,。：:]{{0,3}}[：:，,]", story)
    if meta:  # "做成六张图：…": the number of frames, not the story
        number = meta.group(1)
        count, story = int(number) if number.isdigit() else ZH.numbers.get(number), story[meta.end():]
    said, colon, rest = (re.split(r"([：:])", story, maxsplit=1) + ["", ""])[:3]
    told, said = re.match(r"^(.*[。！？!?]\s*)?(.*)$", said, re.S).groups()  # "…放一碗牛奶。最后一幅画揭晓：…": the
    ending = "最后，" if told and any(m in said for m in ZH.ending_markers) else ""  # story before it stays
    if colon and rest.strip() and re.search(rf"故事|(?:{nouns})|{'|'.join(ZH.requesters)}", said):  # "给我侄女画个
        found = re.search(rf"([{digits}\d]+)(?:{nouns})", said)  # 故事吧，五张图，不要吓人的：…": said to the app
        count = count or (found and (int(found.group(1)) if found.group(1).isdigit() else ZH.numbers.get(
            found.group(1))))
        story = (told or "") + ending + rest.strip()
    story = re.sub(rf"^(?:我们?的?)?(?:{'|'.join(ZH.requesters)})(?:很|最)?(?:想要|想|要|喜欢)(?:听|看)?", "", story)
    story = re.sub(rf"^给(?:我们?的?)?(?:{'|'.join(ZH.requesters)})", "", story)  # "给我女儿讲个故事：…"
    for _ in range(3):  # "我女儿想听一个故事：", "给我讲一个关于…": framing words one after another
        for phrase in sorted(ZH.framing, key=len, reverse=True):
            story = re.sub(rf"^{phrase}[：:，,]?\s*", "", story)
    story = re.sub(rf"^(?:{'|'.join(ZH.framing_verbs)})?([^，,。：:！!]+?)(?:{'|'.join(ZH.framing_ends)})"
                   r"(?=[，,。：:！!]|$)[，,。：:！!]?", r"\1，", story, count=1).rstrip("，")  # "讲一个奶奶…的故事"
    reading = Idea(text=story, language="zh", count=count)
    clauses = _join_lead_ins([c for c in re.split(r"[。！？!?；;，,]\s*", story) if c.strip()])
    if not clauses:
        return reading
    name, kind, traits, first = _introduce(clauses[0], story)
    english = ZH.kinds.get(kind) or next((g for g in english_glosses(kind) if g in EN.kinds), "") or english_word(
        kind, "n") or "character"
    reading.hero = Entity(head=english.split()[-1], phrase=f"the {english}", name=name, first=0,
                          short=f"the {english}")
    looks_words = " ".join([*(ZH.adjectives.get(t) or ZH.colours.get(t) or english_word(t, "a")
                              for t in traits.get("adj", [])),
                            english])
    reading.looks = read_looks(f"a {looks_words}")
    kin = next((EN.kinds.get(ZH.kinds.get(k, ""), {}).get("gender") for k in ZH.kin_words if k in name), None)
    if kin and reading.looks.gender != kin and reading.looks.info.get("type") == "person":  # "王奶奶是一位修鞋的老
        reading.looks.gender_to(kin)  # 手艺人": an old woman
    for item in traits.get("wear", []):
        plural = item.endswith("s") and not item.endswith("ss")  # "glasses", "boots"
        reading.looks.put_on(item if plural else f"{'an' if item[0] in 'aeiou' else 'a'} {item}")
    reading.setting = _chinese_place(story)
    said = ([(first, clauses[0])] if first else []) + [(c, c) for c in clauses[1:]]
    carried = ""  # who the clause before was about, when not the hero: a clause without a subject goes on with it
    for clause, caption in said:  # the caption is the person's own clause, with its subject
        frame = _clause_frame(clause, reading, carried)
        lead = re.match(r"(?:a|the) ((?:[\w-]+ ){0,2}?[\w-]+) \w+ing\b", frame)  # "a sparrow leaving…"
        carried = f"the {lead.group(1)}" if lead else ""
        if frame and frame not in [e.frame for e in reading.events]:
            reading.events.append(_event(reading, frame, caption.strip() + "。"))
    if not reading.events and traits.get("verb"):
        reading.events.append(_event(reading, traits["verb"], clauses[0] + "。"))
    return reading


def _event(reading, frame: str, caption: str) -> Event:
    """An event of the English frame text: its verb (the lemma of its leading gerund) and the nouns it names, so
    the beats of a Chinese story come from the same kinds of verb as an English one's."""
    from language.tools import parse

    doc = parse(frame)
    verb = lemma_of(doc[0].text) if len(doc) and doc[0].text.endswith("ing") else ""  # "riding": ride, not rid
    return Event(agent=reading.hero, frame=frame, caption=caption, verb=verb,
                 things=[t.lemma_.lower() for t in doc if t.pos_ == "NOUN"])


def _join_lead_ins(clauses: list[str]) -> list[str]:
    """A clause that only says when or where ("有一天", "下雨天", "在奶奶的菜园里") belongs to the next one."""
    joined, lead = [], ""
    for clause in clauses:
        tokens = words(clause)
        only_setting = all(w in ZH.time_words or f == "t" or w in ("在", "的") or w in ZH.place_suffixes
                           or f.startswith(("n", "m", "f", "q", "a")) and clause.startswith("在") for w, f in tokens)
        de = max((i for i, (w, _) in enumerate(tokens) if w == "的"), default=-1)  # "在一个下着大雪的小山村里",
        place = tokens and (clause.endswith(tuple(ZH.place_suffixes)) or _setting_word(*tokens[-1])) and not any(
            f.startswith("v") and i > de or is_being(w, f) for i, (w, f) in enumerate(tokens))  # "深秋的稻田里"
        if (only_setting or place) and tokens:
            lead += clause
        else:
            joined.append(lead + clause)
            lead = ""
    return joined + ([lead] if lead else [])


def _introduce(clause: str, story: str = "") -> tuple[str, str, dict, str]:
    """(name, kind word, traits, the rest of the clause as an event) of the clause that introduces the hero; a
    name alone ("小明每天早上…") is a boy or a girl by the pronoun the story calls them by."""
    tokens = words(clause)
    traits: dict[str, list] = {}
    name = ""
    for at, (word, flag) in enumerate(tokens[:-1]):  # "王/nr 爷爷": Grandpa Wang, a grandpa
        if len(word) == 1 and flag in ("nr", "n", "q") and tokens[at + 1][0] in ZH.kin_words:
            name, tokens = word + tokens[at + 1][0], tokens[:at] + tokens[at + 1:]
            break
    first = next((i for i, t in enumerate(tokens) if is_being(*t) and not _owner(tokens, i)), 0)  # "下大雨的夜里，
    tokens = tokens[max((i + 1 for i, t in enumerate(tokens[:first]) if _setting_word(*t)), default=0):]  # 一只…",
    # "动物园里有一只熊猫", "过年的时候，小明…": the place or time is the setting
    at = [w for w, _ in tokens].index("是") if "是" in [w for w, _ in tokens] else -1
    if at > 0 and not any(f.startswith("v") for _, f in tokens[:at]):  # "小美是一个喜欢画画的女孩", "阿福是一只
        # 胖胖的柴犬" (but "一只小刺猬想看看春天是什么样子": it wants to see)
        named = tokens[:at]
        if defined := _subject_being(named, traits):  # "小乌龟闪电是小宇最好的朋友": a turtle named 闪电
            return (*defined, traits, "")
        name = name or "".join(w for w, _ in named)
        tokens = tokens[at + 1:]
        kin = next((k for k in ZH.kin_words if name.endswith(k) and ZH.kinds.get(k)), "")  # "陈爷爷是一个修自行车
        if (EN.kinds.get(ZH.kinds.get(kin, "")) or {}).get("age") == "elderly":  # 的师傅": an old one
            traits.setdefault("adj", []).append("年老")
    elif tokens and tokens[0][1] == "nr" and any(tokens[0][0].endswith(k) for k in ZH.kin_words):
        kin = next(k for k in ZH.kin_words if tokens[0][0].endswith(k))  # "王奶奶在楼顶种了…": a grandma
        return tokens[0][0], kin, traits, "".join(w for w, _ in tokens[1:])
    elif len(tokens) > 1 and (tokens[0][1] == "nr" or _pet_name(tokens[0], story)) and tokens[0][0] not in \
            ZH.kinds and (tokens[1][1].startswith(("v", "p", "d", "t")) or tokens[1][0] in ("和", "跟")):  # "小明每天
        return tokens[0][0], _child(tokens[0][0], story), traits, "".join(w for w, _ in tokens[1:])  # 早上…", "小明和"
    elif tokens and tokens[0][0] == "在":  # "在奶奶的菜园里有一个…": the place is the setting
        end = next((i for i, (w, _) in enumerate(tokens) if w in ZH.place_suffixes), 0)
        tokens = tokens[end + 1:]
    if tokens and tokens[0][0] in ZH.existentials:  # "有一个…", "住着一只…"
        tokens = tokens[1 + (tokens[1:2] == [("着", "uz")]):]
    elif len(tokens) > 1 and tokens[0][0] in ZH.kinds and (tokens[1][1].startswith(("v", "p", "d"))
                                                           or tokens[1][0] in ZH.marks):
        return name, tokens[0][0], traits, "".join(w for w, _ in tokens[1:])  # "小女孩在森林里找到…": she leads
    verb = next((i for i, (_, f) in enumerate(tokens) if f.startswith("v")), len(tokens))  # "双胞胎兄弟…种了
    start = next((i + 1 for i, (w, _) in enumerate(tokens[:verb]) if w in ZH.classifiers), 0)  # 一个南瓜": not it
    nouns = [i for i, (w, f) in enumerate(tokens) if i >= start and (f.startswith("n") or w in ZH.kinds or
                                                                      is_being(w, f))
             and w not in ZH.nouns and w not in ZH.adjectives or w in ZH.kinds]  # "年老的猫头鹰": the owl
    if not nouns:
        return name, name or "角色", traits, ""
    beings = [i for i in nouns if is_being(*tokens[i]) and not _owner(tokens, i)]
    des = [i for i, (w, _) in enumerate(tokens) if w == "的" and start <= i < max(nouns)
           and (not beings or i < beings[0])]  # "卖糖葫芦的老爷爷遇到了迷路的小男孩": the first being is the hero
    if des:  # "…的女孩": the noun after the last 的
        de = max(des)
        head = next((i for i in nouns if i > de and (i in beings or not beings)), nouns[0])
        owner = max((i for i in range(start, de) if is_being(*tokens[i])), default=start - 1)
        modifier = tokens[owner + 1:de]  # "一位老木匠的孙子": "老" is the carpenter's
    elif beings:
        head, modifier = beings[0], tokens[start:beings[0]]
    else:
        head, modifier = nouns[0], tokens[start:nouns[0]]
    _describe(modifier, traits, next_to_head=not des)
    rest = "".join(w for w, _ in tokens[head + 1:])
    return name, tokens[head][0], traits, rest


def _subject_being(named: list[tuple[str, str]], traits: dict) -> tuple[str, str] | None:
    """(name, kind) of the being said before "是", with its looks into `traits` ("奶奶家的大白鹅是…": the big white
    goose); None when the words before "是" are a name or a title with a name ("陈师傅是一名修鞋匠")."""
    beings = [i for i, (w, f) in enumerate(named) if is_being(w, f) and f != "nr" and not _owner(named, i)
              and not (i and named[i - 1][1] == "nr")]
    if not beings:
        return None
    de = max((i for i, (w, _) in enumerate(named) if w == "的"), default=-1)
    _describe(named[de + 1:beings[-1]], traits, next_to_head=False)
    return "".join(w for w, f in named[beings[-1] + 1:] if f == "nr" or not is_being(w, f)), named[beings[-1]][0]


def _child(name: str, story: str) -> str:
    """The kind of a child known by name ("小明"): a boy or a girl by the pronoun the story calls them by, else
    by the name's characters; someone older without the "小"."""
    kind = "男孩" if "他" in story else "女孩" if "她" in story else next(
        (ZH.name_genders[c] for c in reversed(name) if c in ZH.name_genders), "孩子")  # 小芳: a girl
    return kind if name.startswith("小") else "人"


def _setting_word(word: str, flag: str) -> bool:
    """Whether a word ends a lead-in that says where or when ("…的稻田里", "下大雨的夜里", "过年的时候")."""
    return word in ZH.place_suffixes or flag == "t" or english_word(word, "n") in ZH.time_nouns


def _pet_name(token: tuple[str, str], story: str) -> bool:
    """Whether a word the tagger read as a noun is a child's name ("小雨有一把会唱歌的雨伞。…她…": Xiaoyu, no
    drizzle): "小" and one more character, no being, and the story calls someone 她 or 他."""
    word, flag = token
    return len(word) == 2 and word.startswith("小") and not is_being(word, flag) and ("她" in story or "他" in story)


def _owner(tokens: list[tuple[str, str]], at: int) -> bool:
    """Whether the noun at `at` owns the one after it ("奶奶家的大白鹅", "渔夫的女儿", "当厨师的老虎",
    "沙滩上的蛋里的小海龟"): then the one after it is the character."""
    after = at + 1 + (at + 1 < len(tokens) and tokens[at + 1][0] == "家")
    if after >= len(tokens) or tokens[after][0] != "的":
        return False
    return any(is_being(*tokens[i]) for i in range(after + 1, min(after + 4, len(tokens))))


def _describe(modifier: list[tuple[str, str]], traits: dict[str, list], next_to_head: bool) -> None:
    """The hero's looks and doing from the words before its noun ("穿红色围巾的小狐狸": a red scarf; "出租车司机":
    a taxi driver, when the noun comes right before it)."""
    described = []  # words that describe the next noun: "红色" of "穿红色围巾的小狐狸" is the scarf's
    for at, (word, flag) in enumerate(modifier):
        if flag.startswith("n") and at == len(modifier) - 1 and next_to_head and word not in ZH.clothing:
            described.append(word)  # "出租车司机": a taxi driver
            continue
        if word in ZH.wear_verbs or word in ("着",):
            continue
        if word in ZH.clothing:
            wear = [ZH.colours.get(w) or ZH.adjectives.get(w) or english_word(w, "a") for w in described]
            traits.setdefault("wear", []).append(" ".join(filter(None, [*wear, ZH.clothing[word]])))
            described = []
        elif (word in ZH.adjectives or word in ZH.colours or flag in ("a", "z")) and at and modifier[at - 1][
                1].startswith("v") and modifier[at - 1][0] not in ZH.wear_verbs:
            continue  # "怕黑的小龙": afraid of the dark, no black dragon
        elif word in ZH.adjectives or word in ZH.colours or flag in ("a", "z"):
            described.append(word)
        elif flag.startswith("v") and word not in ZH.wish_verbs:
            verb = english_word(word, "v")
            traits["verb"] = inflect(verb.split()[0], "VBG") + " " + " ".join(verb.split()[1:]) if verb else ""
            thing = modifier[at + 1] if at + 1 < len(modifier) else ("", "")
            if verb and thing[1].startswith("n") and (said := english_word(thing[0], "n")):  # "会弹钢琴的熊猫":
                traits["verb"] = f"{traits['verb'].strip()} the {said}"  # playing the piano
    traits.setdefault("adj", []).extend(described)


def _chinese_place(text: str) -> str:
    """The place an idea opens in: "在奶奶的菜园里" → in grandma's vegetable garden, "在热闹的夜市里" → in the lively
    night market (a word before 的 that is no noun describes the place)."""
    match = re.match(r"^在(.+?)(里|上|中|边)[，,]?", text)
    if not match:
        return ""
    before, _, thing = match.group(1).rpartition("的")
    nouns = lambda text: " ".join(english_word(w, "n") for w, f in words(text)  # noqa: E731 — a place's words
                                  if not f.startswith(("m", "q")) and english_word(w, "n"))
    said = words(before)
    owner = " ".join(english_word(w, f) for w, f in said if f.startswith("n") and english_word(w, f))
    adjectives = [ZH.adjectives.get(w) or ZH.moods.get(w) or english_word(w, "a") for w, f in said
                  if not f.startswith(("n", "m", "q", "u"))]  # "热闹的夜市": the lively night market
    described = " ".join(filter(None, [*adjectives, nouns(thing)]))
    return f"{ZH.place_suffixes[match.group(2)]} the {owner + chr(39) + 's' if owner else ''} {described}".replace(
        "  ", " ").strip()


def _clause_frame(clause: str, reading, carried: str = "") -> str:
    """One clause as an English frame: another subject is kept ("a pigeon carrying…"), the hero's is dropped; a
    clause without one goes on with `carried`, the one the clause before was about ("一群麻雀落在她身边，跟着她
    一起跳舞": the sparrows dance)."""
    clause = re.sub(r"^(?:" + "|".join(ZH.ending_markers) + r")", "", clause.strip())
    clause = clause.replace(reading.hero.name, "他") if len(reading.hero.name) > 1 else clause  # "王爷爷最好的朋友"
    tokens = words(clause)
    if not tokens:
        return ""
    lead = [w for w, _ in tokens]
    at = next((i for i, w in enumerate(lead) if w in ZH.classifiers), None)
    subject = ""
    if at is not None and at + 1 < len(tokens) and at < 2 and (tokens[at + 1][1].startswith("n")
                                                               or tokens[at + 1][0] in ZH.kinds):
        run = at + 1  # "一只流浪/n 猫": a stray cat
        while run + 1 < len(tokens) and tokens[run][0] in ZH.adjectives and tokens[run + 1][1].startswith("n"):
            run += 1
        noun = english_word(tokens[run][0], "n")
        noun = " ".join([*noun.split()[:-1], lemma_of(noun.split()[-1], "NOUN")]) if noun else ""  # "一只鸽子"
        said = " ".join([*(ZH.adjectives[w] for w, _ in tokens[at + 1:run]), noun])
        subject = f"a {said}" if noun and noun.split()[-1] != reading.hero.head else ""
        clause = "".join(lead[run + 1:])
    elif tokens[0][1].startswith("n") and tokens[0][0] in ZH.kinds and len(tokens) > 1 and tokens[1][1].startswith(
            ("v", "p", "d")):
        noun = english_word(tokens[0][0], "n")
        subject = f"the {noun}" if noun and noun.split()[-1] != reading.hero.head else ""
        clause = "".join(lead[1:])
    if not subject and carried and tokens[0][1].startswith(("v", "d", "p")):
        subject = carried
    wants = False
    for wish in ZH.wish_verbs:  # "最喜欢偷吃邻居家的西瓜": the liked thing is the picture
        if re.search(rf"{wish}\w", clause):
            clause, wants = clause.replace(wish, "", 1), wants or wish in ZH.want_verbs
    person = reading.looks is not None and reading.looks.info.get("type") == "person"  # "一只乌鸦帮它…": 它 is
    # the hero, unless the hero is a girl
    it = reading.hero.short if not person else _last_thing(reading)
    scene = english_scene(clause, None, hero=reading.hero.short, last_thing=it)
    head, _, rest = scene.partition(" ")
    if wants and not subject and head.endswith("ing"):  # "一直想和乌鸦交朋友": wanting to make friends
        scene = f"wanting to {lemma_of(head)} {rest}".strip()
    return f"{subject} {scene}".strip() if scene else ""


def _last_thing(reading) -> str:
    """What "它" means inside a clause that is not about the hero: the first thing or animal the last frame names
    that is no time and no person ("writing a letter to the moon every night": the letter; "finding a lost little
    cat on the curb": the cat)."""
    from language.looks import kind_type
    from language.tools import parse

    for event in reversed(reading.events):
        things = [chunk for chunk in parse(event.frame).noun_chunks if chunk.root.lemma_ not in ZH.time_nouns
                  and ((EN.kinds.get(chunk.root.lemma_) or {}).get("type") or kind_type(chunk.root.lemma_))
                  != "person"]  # "a boy bringing a kite": the kite
        if things:
            return "the " + " ".join(t.text for t in things[0] if t.pos_ != "DET" and t.tag_ != "PRP$")
    return ""
